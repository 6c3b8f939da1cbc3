/// @file kernels/simd.hpp
/// Highway kernels, in Highway's per-target namespace (ctnn::kernels::N_AVX2, N_AVX3, ...):
/// compiled for the static target chosen by the compiler flags (reached as kernels::simd), and,
/// with CTNN_RUNTIME_DISPATCH, also for every x86 target Highway can reach from baseline flags
/// (kernels/dispatch.hpp chooses among them at run time). This file is re-included once per target
/// (Highway's foreach_target.h), so it has a per-target guard instead of #pragma once, and every
/// file it includes that holds Highway code (simd_*.hpp) does too.
///
/// Same signatures and layouts as kernels/scalar.hpp: every matrix is row-major, element [i, j]
/// of an (R, C)-shaped array at index i * C + j. Sizes are template parameters, so every loop
/// bound is a constant. A matrix's storage is padded to whole 64-byte units (padded_size), and the
/// padding is scratch: kernels may write anything there (a whole matrix's element-wise pass ends
/// with a whole vector, batch-1 products store whole vectors of outputs), and no result depends on
/// it (tests/test_padding.cpp); nothing is read or written past a matrix's storage, on any target.
/// Accuracy: sums are accumulated in T in another order than the scalar path (tested against a
/// double reference); exp is Highway's (<= 1 ulp); the activations' own accuracy is stated with
/// each (layers/activation_functions.hpp). Fixed-width targets only (x86, NEON): vectors are kept
/// in arrays.

#include "ctnn/detail/highway.hpp"  // first: it chooses the targets

#include <cstdint>

// Runtime dispatch: compile this file once more for each target beyond the static one.
#if defined(CTNN_RUNTIME_DISPATCH) && !defined(CTNN_KERNELS_SIMD_ALL_TARGETS)
#define CTNN_KERNELS_SIMD_ALL_TARGETS
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ctnn/kernels/simd.hpp"
#include <hwy/foreach_target.h>
#endif

// Per-target include guard: Highway toggles HWY_TARGET_TOGGLE between the targets' passes.
#if defined(CTNN_KERNELS_SIMD_HPP) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_KERNELS_SIMD_HPP
#undef CTNN_KERNELS_SIMD_HPP
#else
#define CTNN_KERNELS_SIMD_HPP
#endif

#include <bit>
#include <cstddef>
#include <cstring>
#include <type_traits>
#include <utility>

#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>

#include "ctnn/config.hpp"
#include "ctnn/detail/math.hpp"
#include "ctnn/kernels/scalar.hpp"
#define CTNN_KERNELS_SIMD_PASS
#include "ctnn/kernels/simd_activations.hpp"
#undef CTNN_KERNELS_SIMD_PASS

// GCC at -O2 unrolls a loop completely only when that does not grow the code, so a register
// block (an array of vectors indexed by a loop counter) would stay in memory: the products ran
// 2.7-3.3x slower at -O2 (CMake's RelWithDebInfo) than at -O3. Loops over register blocks say so.
#ifndef CTNN_UNROLLED
#define CTNN_UNROLLED HWY_UNROLL(16)
#endif

#if !HWY_HAVE_SCALABLE  // detail/highway.hpp reports a scalable static target
HWY_BEFORE_NAMESPACE();
namespace ctnn::kernels::HWY_NAMESPACE {

namespace hn = hwy::HWY_NAMESPACE;

template <class T>
using Tag = hn::ScalableTag<T>;

/// The narrowest vectors that hold N elements (at least 128 bits; at most the target's). On Zen 4
/// a 512-bit operation takes two of the four 256-bit pipes, so an 8-wide layer in 512-bit vectors
/// pays twice the issue slots for lanes nobody reads: 1-8-8-1 per sample, ReLU 6.2 -> 4.3 ns,
/// tanh 11.8 -> 8.9 (a separate program).
template <class T, std::size_t N>
using NarrowTag =
    hn::CappedTag<T, (std::bit_ceil(N) * sizeof(T) < 16 ? 16 / sizeof(T) : std::bit_ceil(N))>;

/// Calls body(d, i) for the elements [Start, Start + R) as vectors of decreasing powers of two
/// lanes (R = 6: 4 lanes at Start, then 2), each element once, none past the end: the tail of a
/// row that is not whole vectors. Tails used to go through a zero-padded buffer (memcpy in and
/// out; the vector load of the buffer cannot be taken from the store buffer) or one lane at a time
/// (a square root and a division per element). Zen 4, trained one sample per step: 2-6-8-1 tanh
/// 175 -> 103 ns, 1-12-16-1 287 -> 158 (1-8-8-1, whole vectors: 92).
template <std::size_t Start, std::size_t R, class T, class Body>
HWY_INLINE void for_each_piece(Body& body) {
  if constexpr (R > 0) {
    const hn::CappedTag<T, std::bit_floor(R)> d;
    static_assert(hn::MaxLanes(d) == std::bit_floor(R), "a piece is one whole vector");
    body(d, Start);
    for_each_piece<Start + std::bit_floor(R), R - std::bit_floor(R), T>(body);
  }
}

/// How an element-wise pass over N elements ends when N is not whole vectors:
/// - pieces: vectors of decreasing powers of two lanes, none past element N (a row inside a
///   matrix: the next row follows);
/// - whole: one more vector as wide as the others, into the matrix's padding. The next kernel
///   loads the same vectors, and the store buffer serves a load only from one store that holds it:
///   a wider load over pieces waits for them (about 20 cycles on Zen 4). 1-6-12-1 tanh trained one
///   sample per step: 133 -> 120 ns;
/// - narrow: one vector, the narrowest that holds the rest, into the padding: for the optimizers,
///   whose square root and division cost the same for 128 and 256 bits on Zen 4 and twice that for
///   512, and whose inputs were stored long before (6 elements: one 256-bit vector, not 4 + 2; 20:
///   512 + 128 bits, not two 512-bit vectors).
/// Padding that cannot hold the vector (CTNN_MATRIX_ALIGNMENT below a vector's size) means pieces.
enum class Tail { pieces, whole, narrow };

/// Calls body(d, i) for every whole vector (the narrowest that hold N), then for the rest as Tail
/// says.
template <std::size_t N, class T, Tail tail, class Body>
HWY_INLINE void for_each_vector(Body body) {
  const NarrowTag<T, N> d;
  constexpr std::size_t lanes = hn::MaxLanes(d);
  constexpr std::size_t full = N / lanes * lanes, rest = N - full;
  for (std::size_t i = 0; i < full; i += lanes) body(d, i);
  // One element stays one lane: a one-unit layer's output is a scalar store, which a vector load
  // could not take from the store buffer either (1-8-8-1 tanh, training step 92 -> 94 ns).
  if constexpr (tail == Tail::whole && rest > 0 && N > 1 && full + lanes <= padded_size<T>(N)) {
    body(d, full);
  } else if constexpr (tail == Tail::narrow && rest > 0 &&
                       full + std::bit_ceil(rest) <= padded_size<T>(N)) {
    body(hn::CappedTag<T, std::bit_ceil(rest)>(), full);
  } else {
    for_each_piece<full, rest, T>(body);
  }
}

/// out[i] = f(d, x[i]) over N elements.
template <std::size_t N, Tail tail, class T, class F>
HWY_INLINE void map(F f, const T* x, T* out) {
  for_each_vector<N, T, tail>(
      [&](auto d, std::size_t i) { hn::StoreU(f(d, hn::LoadU(d, x + i)), d, out + i); });
}

/// out[i] = f(d, x[i], y[i]) over N elements.
template <std::size_t N, Tail tail, class T, class F>
HWY_INLINE void map(F f, const T* x, const T* y, T* out) {
  for_each_vector<N, T, tail>([&](auto d, std::size_t i) {
    hn::StoreU(f(d, hn::LoadU(d, x + i), hn::LoadU(d, y + i)), d, out + i);
  });
}

// ---------------------------------------------------------------- products

// Highway's masked loads and stores touch only the active lanes on x86 with AVX2 or AVX-512
// (vmaskmov, masked moves). Elsewhere they may read the whole vector, so tails stay scalar there.
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX2
inline constexpr bool masked_tails = true;
#else
inline constexpr bool masked_tails = false;
#endif

// Rows per register block: 8 rows x 2 vectors = 16 accumulators where there are 32 vector
// registers (AVX-512, NEON); 4 rows (8 accumulators) with 16 registers (AVX2 and older x86).
#if HWY_ARCH_X86 && HWY_TARGET > HWY_AVX3
inline constexpr std::size_t block_rows = 4;
#else
inline constexpr std::size_t block_rows = 8;
#endif

/// What a product does to its results before storing them: nothing, or a dense layer's
/// activation (the forward product with fused bias and activation). Each works on a vector and,
/// for scalar column tails, on one value.
struct store_as_is {
  template <class D, class V>
  HWY_INLINE V operator()(D, V v) const {
    return v;
  }
  template <class T>
  HWY_INLINE T operator()(T x) const {
    return x;
  }
};
/// A product's epilogue that applies the element-wise activation F (layers/activations.hpp): its
/// vector form in registers, its scalar form on scalar column tails.
template <class F>
struct apply {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    return vector_form<F>::value(d, v);
  }
  template <class T>
  HWY_INLINE T operator()(T x) const {
    return F::value(x);
  }
};

/// True when gemm_rows computes its column tail of Columns elements as one narrower whole vector
/// rather than a masked one: when Columns is a power of two. Zen 4 executes a 512-bit operation as
/// two 256-bit halves, masked or not, and a 128-bit one as one: 32 rows, ns per product, N = 20
/// (a tail of 4): 357 -> 266, N = 40: 1065 -> 892. Tails that take two narrower vectors or more
/// (N = 6, 10, 12) were 1.1-1.9x slower that way; with AVX2 both forms measured the same.
template <std::size_t Columns>
inline constexpr bool narrow_tail = (masked_tails && std::has_single_bit(Columns));

/// gemm_rows' register block for one vector of columns at j, of tag D (whole or narrower).
template <std::size_t MR, std::size_t K, std::size_t kAm, std::size_t kAk, std::size_t ldb,
          std::size_t ldc, class Epilogue, bool Accumulate, class D, class T>
HWY_INLINE void gemm_rows_vector(D d, const T* HWY_RESTRICT a, const T* HWY_RESTRICT b,
                                 const T* HWY_RESTRICT bias, T* HWY_RESTRICT c, std::size_t j) {
  const Epilogue epilogue;
  using V = hn::Vec<D>;
  V acc[MR];
  CTNN_UNROLLED for (std::size_t r = 0; r < MR; ++r) {
    if constexpr (Accumulate)
      acc[r] = hn::LoadU(d, c + r * ldc + j);
    else
      acc[r] = bias ? hn::LoadU(d, bias + j) : hn::Zero(d);
  }
  for (std::size_t k = 0; k < K; ++k) {
    const V bk = hn::LoadU(d, b + k * ldb + j);
    CTNN_UNROLLED for (std::size_t r = 0; r < MR; ++r) {
      acc[r] = hn::MulAdd(hn::Set(d, a[r * kAm + k * kAk]), bk, acc[r]);
    }
  }
  CTNN_UNROLLED for (std::size_t r = 0; r < MR; ++r) {
    hn::StoreU(epilogue(d, acc[r]), d, c + r * ldc + j);
  }
}

/// Register-blocked core of every product with a broadcast operand:
/// c[m * ldc + j] = bias[j] + sum over k < K of a(m, k) * b[k * ldb + j], for m < MR, j < N,
/// with a(m, k) = a[m * kAm + k * kAk] (so the same code serves A * B, A^T * G and G * packed W^T).
/// Two vectors of columns at a time, then one, then the tail: one narrower vector
/// (narrow_tail), masked where that is safe, scalar otherwise. bias may be null. Accumulate: c
/// += instead of c = (bias unused).
template <std::size_t MR, std::size_t K, std::size_t N, std::size_t kAm, std::size_t kAk,
          std::size_t ldb, std::size_t ldc, class Epilogue, bool Accumulate, class T>
HWY_INLINE void gemm_rows(const T* HWY_RESTRICT a, const T* HWY_RESTRICT b,
                          const T* HWY_RESTRICT bias, T* HWY_RESTRICT c) {
  const Epilogue epilogue;
  const NarrowTag<T, N> d;
  using V = hn::Vec<decltype(d)>;
  constexpr std::size_t lanes = hn::MaxLanes(d);
  // The accumulators' start: c's values, the bias or zero.
  const auto start = [&](std::size_t r, std::size_t j) {
    if constexpr (Accumulate) return hn::LoadU(d, c + r * ldc + j);
    return bias ? hn::LoadU(d, bias + j) : hn::Zero(d);
  };
  std::size_t j = 0;
  for (; j + 2 * lanes <= N; j += 2 * lanes) {
    V acc0[MR], acc1[MR];
    CTNN_UNROLLED for (std::size_t r = 0; r < MR; ++r) {
      acc0[r] = start(r, j);
      acc1[r] = start(r, j + lanes);
    }
    for (std::size_t k = 0; k < K; ++k) {
      const V b0 = hn::LoadU(d, b + k * ldb + j);
      const V b1 = hn::LoadU(d, b + k * ldb + j + lanes);
      CTNN_UNROLLED for (std::size_t r = 0; r < MR; ++r) {
        const V ar = hn::Set(d, a[r * kAm + k * kAk]);
        acc0[r] = hn::MulAdd(ar, b0, acc0[r]);
        acc1[r] = hn::MulAdd(ar, b1, acc1[r]);
      }
    }
    CTNN_UNROLLED for (std::size_t r = 0; r < MR; ++r) {
      hn::StoreU(epilogue(d, acc0[r]), d, c + r * ldc + j);
      hn::StoreU(epilogue(d, acc1[r]), d, c + r * ldc + j + lanes);
    }
  }
  for (; j + lanes <= N; j += lanes)
    gemm_rows_vector<MR, K, kAm, kAk, ldb, ldc, Epilogue, Accumulate>(d, a, b, bias, c, j);
  constexpr std::size_t tail_start = N / lanes * lanes;
  constexpr std::size_t tail = N - tail_start;
  if constexpr (tail > 0 && narrow_tail<tail>) {
    const hn::CappedTag<T, tail> dt;
    gemm_rows_vector<MR, K, kAm, kAk, ldb, ldc, Epilogue, Accumulate>(dt, a, b, bias, c,
                                                                      tail_start);
  } else if constexpr (tail > 0 && masked_tails) {
    const auto m = hn::FirstN(d, tail);
    V acc[MR];
    CTNN_UNROLLED for (std::size_t r = 0; r < MR; ++r) {
      acc[r] = Accumulate ? hn::MaskedLoad(m, d, c + r * ldc + tail_start)
               : bias     ? hn::MaskedLoad(m, d, bias + tail_start)
                          : hn::Zero(d);
    }
    for (std::size_t k = 0; k < K; ++k) {
      const V bk = hn::MaskedLoad(m, d, b + k * ldb + tail_start);
      CTNN_UNROLLED for (std::size_t r = 0; r < MR; ++r) {
        acc[r] = hn::MulAdd(hn::Set(d, a[r * kAm + k * kAk]), bk, acc[r]);
      }
    }
    CTNN_UNROLLED for (std::size_t r = 0; r < MR; ++r) {
      hn::BlendedStore(epilogue(d, acc[r]), m, d, c + r * ldc + tail_start);
    }
  } else if constexpr (tail > 0) {
    T acc[MR][tail];
    CTNN_UNROLLED for (std::size_t r = 0; r < MR; ++r) {
      for (std::size_t t = 0; t < tail; ++t)
        acc[r][t] = Accumulate ? c[r * ldc + tail_start + t] : bias ? bias[tail_start + t] : T(0);
    }
    for (std::size_t k = 0; k < K; ++k) {
      const T* bk = b + k * ldb + tail_start;
      CTNN_UNROLLED for (std::size_t r = 0; r < MR; ++r) {
        const T ark = a[r * kAm + k * kAk];
        for (std::size_t t = 0; t < tail; ++t) acc[r][t] += ark * bk[t];
      }
    }
    CTNN_UNROLLED for (std::size_t r = 0; r < MR; ++r) {
      for (std::size_t t = 0; t < tail; ++t) c[r * ldc + tail_start + t] = epilogue(acc[r][t]);
    }
  }
}

/// gemm_rows over all M rows: whole register blocks, then one block of the remaining rows.
template <std::size_t M, std::size_t K, std::size_t N, std::size_t kAm, std::size_t kAk,
          std::size_t ldb, std::size_t ldc, class Epilogue = store_as_is, bool Accumulate = false,
          class T>
HWY_INLINE void gemm_strided(const T* a, const T* b, const T* bias, T* c) {
  constexpr std::size_t mr = M < block_rows ? M : block_rows;
  constexpr std::size_t full = M / mr * mr;
  for (std::size_t i = 0; i < full; i += mr)
    gemm_rows<mr, K, N, kAm, kAk, ldb, ldc, Epilogue, Accumulate>(a + i * kAm, b, bias,
                                                                  c + i * ldc);
  if constexpr (full < M)
    gemm_rows<M - full, K, N, kAm, kAk, ldb, ldc, Epilogue, Accumulate>(a + full * kAm, b, bias,
                                                                        c + full * ldc);
}

/// Columns [0, W) of c (M, N) = f(a (M, K) b (K, N) + 1 bias), b and c (and bias) pointing at
/// column 0 of the panel, through `panel`: KC rows of those columns of b at a time are copied
/// there (KC x W, contiguous), and every register block of rows reads them from L1 instead of
/// one row of b per step, 4 KiB apart in a 1024-wide layer (no prefetch across pages). The first
/// KC rows start from the bias, the next ones from c; f is applied with the last.
template <std::size_t M, std::size_t K, std::size_t N, std::size_t kAm, std::size_t kAk,
          std::size_t W, std::size_t KC, class Epilogue, class T>
HWY_INLINE void gemm_panel(const T* a, const T* b, const T* bias, T* c, T* HWY_RESTRICT panel) {
  const auto block = [&]<std::size_t KB, class E, bool Accumulate>(std::size_t k0) {
    for (std::size_t k = 0; k < KB; ++k)
      std::memcpy(panel + k * W, b + (k0 + k) * N, W * sizeof(T));
    gemm_strided<M, KB, W, kAm, kAk, W, N, E, Accumulate>(a + k0 * kAk, panel, bias, c);
  };
  if constexpr (K <= KC) {
    block.template operator()<K, Epilogue, false>(0);
  } else {
    constexpr std::size_t last = (K - 1) / KC * KC;  // the last block's first row
    block.template operator()<KC, store_as_is, false>(0);
    for (std::size_t k0 = KC; k0 < last; k0 += KC)
      block.template operator()<KC, store_as_is, true>(k0);
    block.template operator()<K - last, Epilogue, true>(last);
  }
}

/// True when gemm<M, K, N> packs b: more than 1 MiB of it (beyond L2) and two register blocks of
/// rows or more to share each panel, or more than 256 KiB and eight blocks. Measured on Zen 5
/// (M x K x N, GFLOP/s): 128 x 1024 x 1024 137 -> 180, 32 x 1024 x 1024 99 -> 137-145,
/// 128 x 512 x 512 172 -> 188, 128 x 256 x 1024 138 -> 178; but 32 x 784 x 128 205 -> 167 (four
/// blocks do not pay for the copy of a b that stays in L2).
template <class T, std::size_t M, std::size_t K, std::size_t N>
constexpr bool packs() {
  constexpr std::size_t bytes = K * N * sizeof(T), kib = 1024;
  return N >= 2 * hn::MaxLanes(Tag<T>()) && ((bytes > 1024 * kib && M >= 2 * block_rows) ||
                                             (bytes > 256 * kib && M >= 8 * block_rows));
}

/// gemm_panel over all columns, two vectors of columns per panel, in packing_buffer_bytes of
/// stack.
template <std::size_t M, std::size_t K, std::size_t N, std::size_t kAm, std::size_t kAk,
          class Epilogue, class T>
HWY_INLINE void gemm_packed(const T* a, const T* b, const T* bias, T* c) {
  constexpr std::size_t width = 2 * hn::MaxLanes(Tag<T>());
  constexpr std::size_t kc = packing_buffer_bytes / (width * sizeof(T));
  HWY_ALIGN T panel[kc * width];
  constexpr std::size_t full = N / width * width;
  for (std::size_t j = 0; j < full; j += width)
    gemm_panel<M, K, N, kAm, kAk, width, kc, Epilogue>(a, b + j, bias ? bias + j : bias, c + j,
                                                       panel);
  if constexpr (full < N)
    gemm_panel<M, K, N, kAm, kAk, N - full, kc, Epilogue>(a, b + full, bias ? bias + full : bias,
                                                          c + full, panel);
}

/// Dot product of two N-element rows: four accumulators, whole vectors, then scalar tail.
template <std::size_t N, class T>
HWY_INLINE T dot(const T* HWY_RESTRICT x, const T* HWY_RESTRICT y) {
  const Tag<T> d;
  constexpr std::size_t lanes = hn::MaxLanes(Tag<T>());
  auto s0 = hn::Zero(d), s1 = hn::Zero(d), s2 = hn::Zero(d), s3 = hn::Zero(d);
  std::size_t j = 0;
  for (; j + 4 * lanes <= N; j += 4 * lanes) {
    s0 = hn::MulAdd(hn::LoadU(d, x + j), hn::LoadU(d, y + j), s0);
    s1 = hn::MulAdd(hn::LoadU(d, x + j + lanes), hn::LoadU(d, y + j + lanes), s1);
    s2 = hn::MulAdd(hn::LoadU(d, x + j + 2 * lanes), hn::LoadU(d, y + j + 2 * lanes), s2);
    s3 = hn::MulAdd(hn::LoadU(d, x + j + 3 * lanes), hn::LoadU(d, y + j + 3 * lanes), s3);
  }
  for (; j + lanes <= N; j += lanes) s0 = hn::MulAdd(hn::LoadU(d, x + j), hn::LoadU(d, y + j), s0);
  T s = hn::GetLane(hn::SumOfLanes(d, hn::Add(hn::Add(s0, s1), hn::Add(s2, s3))));
  for (; j < N; ++j) s += x[j] * y[j];
  return s;
}

// ---------------------------------------------------------------- batch 1

/// Weights above this many bytes (beyond L1) go through gemv_streaming at batch 1: measured on
/// Zen 5, 256 x 256 went from 45 to 52 GFLOP/s and 1024 x 1024 from 16 to 40; 64 x 64 (16 KiB) is
/// faster in registers (108).
inline constexpr std::size_t streaming_bytes = 32 * 1024;

/// True when gemv<K, N> can serve a (K, N) layer: weights within L1 (streaming_bytes) or at most
/// four vectors of outputs (a register block: b is then read once however long), y and bias padded
/// to whole vectors (CTNN_MATRIX_ALIGNMENT at least a vector), and every row of b loadable as whole
/// vectors, either because the last row's last vector ends inside b's padded storage or because
/// masked loads never touch inactive lanes on this target.
template <class T, std::size_t K, std::size_t N>
constexpr bool gemv_fits() {
  constexpr std::size_t lanes = hn::MaxLanes(NarrowTag<T, N>());
  constexpr std::size_t vectors = (N + lanes - 1) / lanes;
  return N > 1 && (vectors <= 4 || K * N * sizeof(T) <= streaming_bytes) &&
         vectors * lanes <= padded_size<T>(N) &&
         (masked_tails || (K - 1) * N + vectors * lanes <= padded_size<T>(K * N));
}
/// True when gemv_one_column<K> can read x and b (K, 1) as whole vectors.
template <class T, std::size_t K>
constexpr bool one_column_fits() {
  constexpr std::size_t lanes = hn::MaxLanes(NarrowTag<T, K>());
  return (K + lanes - 1) / lanes * lanes <= padded_size<T>(K);
}

/// p, with the optimizer made to forget where it points, so that what it points to is read from
/// memory. GCC otherwise keeps a small layer's output in registers and makes each of the next
/// layer's broadcasts from it a cross-lane permute of an index vector built from an integer, two
/// vector operations per input, where a store and one broadcasting load per input are cheaper:
/// measured on Zen 4 (AVX3), an 8-16-16-1 model per call: ReLU 17.7 -> 10.8 ns, tanh 38.9 ->
/// 36.5 (the benchmark's (b): 33.3-34.0 -> 31.4-32.7 over three runs each).
template <class T>
HWY_INLINE const T* in_memory(const T* p) {
  __asm__("" : "+r"(p));
  return p;
}

/// Outputs [First, First + Count) vectors of gemv below: acc += x[k] b[k, :] for each row k, in
/// chains of rows whose sums are independent (4-cycle FMA latency), then added up.
template <std::size_t K, std::size_t N, std::size_t First, std::size_t Count, class Epilogue,
          class D, class T>
HWY_INLINE void gemv_block(D d, const T* HWY_RESTRICT x, const T* HWY_RESTRICT b,
                           const T* HWY_RESTRICT bias, T* HWY_RESTRICT y) {
  const Epilogue epilogue;
  using V = hn::Vec<D>;
  constexpr std::size_t lanes = hn::MaxLanes(d);
  // About eight sums in flight (two FMA pipes, 4 cycles each; with 256-bit vectors, measured on
  // Zen 4: 64 x 64 at batch 1 117 -> 100 ns against four), and four for one vector, whose
  // chains each cost an add at the end.
  constexpr std::size_t chains = Count == 1 ? 4 : 8 / Count > 1 ? 8 / Count : 1;  // 1 from 5 on
  constexpr std::size_t used = K < chains ? K : chains;
  V acc[chains][Count];
  CTNN_UNROLLED for (std::size_t c = 0; c < chains; ++c) {
    CTNN_UNROLLED for (std::size_t v = 0; v < Count; ++v) {
      acc[c][v] = c == 0 && bias ? hn::LoadU(d, bias + (First + v) * lanes) : hn::Zero(d);
    }
  }
  // acc[c] += x[k] b[k, :] for row k of chain c.
  const auto row = [&](std::size_t k, std::size_t c) {
    const V xk = hn::Set(d, x[k]);
    CTNN_UNROLLED for (std::size_t v = 0; v < Count; ++v) {
      const std::size_t j = (First + v) * lanes;
      // The last rows' last vector may end past b's storage: load only its first lanes there.
      const V bk = k * N + j + lanes <= padded_size<T>(K * N)
                       ? hn::LoadU(d, b + k * N + j)
                       : hn::MaskedLoad(hn::FirstN(d, N - j), d, b + k * N + j);
      acc[c][v] = hn::MulAdd(xk, bk, acc[c][v]);
    }
  };
  constexpr std::size_t whole = K / chains * chains;
  for (std::size_t k = 0; k < whole; k += chains)
    CTNN_UNROLLED for (std::size_t c = 0; c < chains; ++c) row(k + c, c);
  CTNN_UNROLLED for (std::size_t k = whole; k < K; ++k) row(k, k - whole);
  CTNN_UNROLLED for (std::size_t v = 0; v < Count; ++v) {
    V sum = acc[0][v];
    CTNN_UNROLLED for (std::size_t c = 1; c < used; ++c) sum = hn::Add(sum, acc[c][v]);
    hn::StoreU(epilogue(d, sum), d, y + (First + v) * lanes);
  }
}

/// One sample through a small dense layer, y (1, N) = f(x (1, K) b (K, N) + bias), for the
/// real-time case (batch 1), up to four vectors of outputs at a time. x, b, bias and y are whole
/// ctnn matrices, whose storage is padded to cache lines (padded_size): every row of b is read and
/// y written as whole vectors, the lanes past N holding values nobody reads. A masked store would
/// be cheaper to think about, but a load from a just-masked-stored vector is not forwarded from
/// the store buffer (about 24 cycles on Zen 5, against 3), and the next layer loads y at once.
template <std::size_t K, std::size_t N, class Epilogue, class T>
HWY_INLINE void gemv(const T* HWY_RESTRICT x, const T* HWY_RESTRICT b, const T* HWY_RESTRICT bias,
                     T* HWY_RESTRICT y) {
  const NarrowTag<T, N> d;
  constexpr std::size_t lanes = hn::MaxLanes(d);
  constexpr std::size_t vectors = (N + lanes - 1) / lanes;
  // Up to a 256-bit vector of inputs, GCC's permutes are as cheap as broadcasting loads.
  if constexpr (K * sizeof(T) > 32) x = in_memory(x);
  // Up to seven vectors of outputs: blocks of four, each in two chains (eight sums in flight).
  // From eight on, fewer and wider blocks of one chain each, as many vectors as the registers
  // hold besides the broadcast and a load (12 with 16 registers, 24 with 32): a row's broadcast
  // then serves more multiply-adds. Measured on Zen 3 (AVX2), 40 x 160 (an LSTM-40's h W_hh) with
  // its output fed back: 172 ns in blocks of four, 147 in two blocks of ten.
  constexpr std::size_t widest = block_rows == 4 ? 12 : 24;  // block_rows: 16 or 32 registers
  constexpr std::size_t blocks = vectors < 8 ? (vectors + 3) / 4 : (vectors + widest - 1) / widest;
  constexpr std::size_t width = vectors < 8 ? 4 : (vectors + blocks - 1) / blocks;
  [&]<std::size_t... Block>(std::index_sequence<Block...>) {
    (gemv_block<K, N, width * Block,
                (vectors - width * Block < width ? vectors - width * Block : width), Epilogue>(
         d, x, b, bias, y),
     ...);
  }
  (std::make_index_sequence<blocks>());
}

/// One sample's dot product with a one-column b (K, 1), for an output layer of one unit at batch
/// 1: whole vectors of x and b (padded storage), the lanes past K zeroed, up to four partial sums.
/// A short row (K up to half a vector) is read as the narrowest vector that holds it: the sum of
/// its lanes then takes fewer steps, and it is on the critical path of a per-sample model.
template <std::size_t K, class T>
HWY_INLINE T gemv_one_column(const T* HWY_RESTRICT x, const T* HWY_RESTRICT b) {
  const NarrowTag<T, K> d;
  using V = hn::Vec<decltype(d)>;
  constexpr std::size_t lanes = hn::MaxLanes(d);
  constexpr std::size_t vectors = (K + lanes - 1) / lanes;
  constexpr std::size_t whole = vectors - 1;  // the vectors before the last, partial one
  V acc[4] = {hn::Zero(d), hn::Zero(d), hn::Zero(d), hn::Zero(d)};
  const auto add = [&](std::size_t v, std::size_t c) {
    acc[c] = hn::MulAdd(hn::LoadU(d, x + v * lanes), hn::LoadU(d, b + v * lanes), acc[c]);
  };
  for (std::size_t v = 0; v < whole / 4 * 4; v += 4)
    CTNN_UNROLLED for (std::size_t c = 0; c < 4; ++c) add(v + c, c);
  CTNN_UNROLLED for (std::size_t v = whole / 4 * 4; v < whole; ++v) add(v, v % 4);
  constexpr std::size_t last = whole * lanes;
  const V tail = hn::Mul(hn::LoadU(d, x + last), hn::LoadU(d, b + last));
  V sum = hn::IfThenElseZero(hn::FirstN(d, K - last), tail);
  CTNN_UNROLLED for (std::size_t c = 0; c < (whole < 4 ? whole : 4); ++c) {
    sum = hn::Add(sum, acc[c]);
  }
  return hn::GetLane(hn::SumOfLanes(d, sum));
}

/// True when gemv_streaming<K, N> can serve a (K, N) layer: weights beyond the L1-sized register
/// kernels (gemm_rows walks b by columns, one page per row once a row is 4 KiB), and y and every
/// row of b readable as whole vectors (as gemv_fits).
template <class T, std::size_t K, std::size_t N>
constexpr bool gemv_streams() {
  constexpr std::size_t lanes = hn::MaxLanes(Tag<T>());
  constexpr std::size_t vectors = (N + lanes - 1) / lanes;
  return K * N * sizeof(T) > streaming_bytes && vectors * lanes <= padded_size<T>(N) &&
         (masked_tails || (K - 1) * N + vectors * lanes <= padded_size<T>(K * N));
}

/// One sample through a wide dense layer, y (1, N) = f(x (1, K) b (K, N) + bias): y (in L1) +=
/// x[k] b[k, :] for four rows k at a time, so that b is read once, front to back (what the
/// hardware prefetcher and the TLB handle best; a column panel at a time would touch one page
/// per row). Then the bias and f in place. Lanes past N take values nobody reads (padding).
template <std::size_t K, std::size_t N, class Epilogue, class T>
HWY_INLINE void gemv_streaming(const T* HWY_RESTRICT x, const T* HWY_RESTRICT b,
                               const T* HWY_RESTRICT bias, T* HWY_RESTRICT y) {
  const Epilogue epilogue;
  const Tag<T> d;
  using V = hn::Vec<Tag<T>>;
  constexpr std::size_t lanes = hn::MaxLanes(Tag<T>());
  constexpr std::size_t width = (N + lanes - 1) / lanes * lanes;
  // The last row's last vector may end past b's storage: load only its first lanes there.
  constexpr bool may_overhang = (K - 1) * N + width > padded_size<T>(K * N);
  const auto row = [&](std::size_t k, std::size_t j) {
    if (!may_overhang || k * N + j + lanes <= padded_size<T>(K * N))
      return hn::LoadU(d, b + k * N + j);
    return hn::MaskedLoad(hn::FirstN(d, N - j), d, b + k * N + j);
  };
  for (std::size_t j = 0; j < width; j += lanes) hn::StoreU(hn::Zero(d), d, y + j);
  for (std::size_t k = 0; k + 4 <= K; k += 4) {
    const V x0 = hn::Set(d, x[k]), x1 = hn::Set(d, x[k + 1]);
    const V x2 = hn::Set(d, x[k + 2]), x3 = hn::Set(d, x[k + 3]);
    for (std::size_t j = 0; j < width; j += lanes) {
      V acc = hn::MulAdd(x0, row(k, j), hn::LoadU(d, y + j));
      acc = hn::MulAdd(x1, row(k + 1, j), acc);
      acc = hn::MulAdd(x2, row(k + 2, j), acc);
      hn::StoreU(hn::MulAdd(x3, row(k + 3, j), acc), d, y + j);
    }
  }
  for (std::size_t k = K / 4 * 4; k < K; ++k) {
    const V xk = hn::Set(d, x[k]);
    for (std::size_t j = 0; j < width; j += lanes)
      hn::StoreU(hn::MulAdd(xk, row(k, j), hn::LoadU(d, y + j)), d, y + j);
  }
  for (std::size_t j = 0; j < width; j += lanes) {
    const V sum = hn::LoadU(d, y + j);
    hn::StoreU(epilogue(d, bias ? hn::Add(sum, hn::LoadU(d, bias + j)) : sum), d, y + j);
  }
}

/// c (M, N) = f(a (M, K) * b (K, N) + 1 bias): `bias` (1, N) added to every row when not null,
/// then f (an Epilogue, e.g. apply<activation::relu>) applied in registers before the store. a, b,
/// bias and c are whole ctnn matrices (the batch-1 paths use their padding).
template <std::size_t M, std::size_t K, std::size_t N, class Epilogue = store_as_is, class T>
CTNN_KERNEL void gemm(const T* a, const T* b, const T* bias, T* c) {
  if constexpr (M == 1 && N == 1 && one_column_fits<T, K>()) {
    const Epilogue epilogue;
    c[0] = epilogue((bias ? bias[0] : T(0)) + gemv_one_column<K>(a, b));
  } else if constexpr (M == 1 && gemv_fits<T, K, N>()) {
    gemv<K, N, Epilogue>(a, b, bias, c);
  } else if constexpr (M == 1 && gemv_streams<T, K, N>()) {
    gemv_streaming<K, N, Epilogue>(a, b, bias, c);
  } else if constexpr (packs<T, M, K, N>()) {
    gemm_packed<M, K, N, K, 1, Epilogue>(a, b, bias, c);
  } else if constexpr (N == 1) {
    // One output column (a regression head): a dot product per row, along contiguous memory.
    const Epilogue epilogue;
    for (std::size_t i = 0; i < M; ++i)
      c[i] = epilogue((bias ? bias[0] : T(0)) + dot<K>(a + i * K, b));
  } else {
    gemm_strided<M, K, N, K, 1, N, N, Epilogue>(a, b, bias, c);
  }
}

/// Runtime dispatch at batch 1: f() (a whole forward pass or training step) compiled for this
/// target, with every function it reaches inlined here (flatten), so that its kernel calls become
/// this target's kernels inlined, as in a -march build, instead of one call per kernel.
/// chosen() returns the target chosen (detail::simd_target), which the caller found to be this one.
template <class F, class Chosen>
__attribute__((flatten)) inline auto run_flattened(F& f, Chosen chosen) -> decltype(f()) {
  // Said to the compiler, the inlined kernels' own target checks fold to this target's code
  // (otherwise each kernel call inside f still checks and branches).
  if (chosen() != HWY_TARGET) __builtin_unreachable();
  return f();
}

/// c = F(a b + 1 bias), F an element-wise activation applied in registers before the store.
template <std::size_t M, std::size_t K, std::size_t N, class F, class T>
CTNN_KERNEL void gemm_activated(const T* a, const T* b, const T* bias, T* c) {
  gemm<M, K, N, apply<F>>(a, b, bias, c);
}

/// c (K, N) = a (M, K)^T * g (M, N).
template <std::size_t M, std::size_t K, std::size_t N, class T>
CTNN_KERNEL void gemm_tn(const T* a, const T* g, T* c) {
  if constexpr (N == 1) {
    // One gradient column: c += g[m] * (row m of a), along contiguous memory.
    const NarrowTag<T, K> d;
    constexpr std::size_t lanes = hn::MaxLanes(d);
    constexpr std::size_t full = K / lanes * lanes;
    for (std::size_t k = 0; k < full; k += lanes) {
      auto acc = hn::Zero(d);
      for (std::size_t m = 0; m < M; ++m)
        acc = hn::MulAdd(hn::Set(d, g[m]), hn::LoadU(d, a + m * K + k), acc);
      hn::StoreU(acc, d, c + k);
    }
    for (std::size_t k = full; k < K; ++k) {
      T acc = T(0);
      for (std::size_t m = 0; m < M; ++m) acc += g[m] * a[m * K + k];
      c[k] = acc;
    }
  } else if constexpr (N >= 2 * hn::MaxLanes(Tag<T>()) && K >= 8 * block_rows &&
                       M * N * sizeof(T) >= 64 * 1024) {
    // Rows of g in panels (as gemm_packed), shared by K / block_rows blocks of rows of c: at
    // 128 x 1024 x 1024 166 -> 183 GFLOP/s, 32 x 1024 x 1024 157 -> 182.
    gemm_packed<K, M, N, 1, K, store_as_is>(a, g, static_cast<const T*>(nullptr), c);
  } else {
    gemm_strided<K, M, N, 1, K, N, N>(a, g, static_cast<const T*>(nullptr), c);
  }
}

/// out (C, R) = in (R, C)^T, in with row stride ldi, out with row stride ldo. Floats go through
/// 4 x 4 tiles of 128-bit vectors (8 shuffles for 16 elements, instead of 16 scalar loads and
/// stores); edges and doubles element by element.
template <std::size_t R, std::size_t C, std::size_t ldi, std::size_t ldo, class T>
HWY_INLINE void transpose_block(const T* HWY_RESTRICT in, T* HWY_RESTRICT out) {
#if HWY_TARGET != HWY_SCALAR  // one-lane vectors: no 128-bit shuffles
  constexpr bool tiled = std::is_same_v<T, float>;
#else
  constexpr bool tiled = false;
#endif
  constexpr std::size_t R4 = tiled ? R / 4 * 4 : 0, C4 = tiled ? C / 4 * 4 : 0;
#if HWY_TARGET != HWY_SCALAR
  if constexpr (R4 > 0 && C4 > 0) {
    const hn::Full128<float> d4;
    for (std::size_t r0 = 0; r0 < R4; r0 += 4) {
      for (std::size_t c0 = 0; c0 < C4; c0 += 4) {
        const T* p = in + r0 * ldi + c0;
        const auto x0 = hn::LoadU(d4, p), x1 = hn::LoadU(d4, p + ldi);
        const auto x2 = hn::LoadU(d4, p + 2 * ldi), x3 = hn::LoadU(d4, p + 3 * ldi);
        const auto t0 = hn::InterleaveLower(d4, x0, x1), t1 = hn::InterleaveLower(d4, x2, x3);
        const auto t2 = hn::InterleaveUpper(d4, x0, x1), t3 = hn::InterleaveUpper(d4, x2, x3);
        T* q = out + c0 * ldo + r0;
        hn::StoreU(hn::ConcatLowerLower(d4, t1, t0), d4, q);
        hn::StoreU(hn::ConcatUpperUpper(d4, t1, t0), d4, q + ldo);
        hn::StoreU(hn::ConcatLowerLower(d4, t3, t2), d4, q + 2 * ldo);
        hn::StoreU(hn::ConcatUpperUpper(d4, t3, t2), d4, q + 3 * ldo);
      }
    }
  }
#endif
  // What the tiles left: the last C - C4 columns of the first R4 rows, then the last rows.
  for (std::size_t r = 0; r < R4; ++r)
    for (std::size_t col = C4; col < C; ++col) out[col * ldo + r] = in[r * ldi + col];
  for (std::size_t r = R4; r < R; ++r)
    for (std::size_t col = 0; col < C; ++col) out[col * ldo + r] = in[r * ldi + col];
}

/// Columns k0 .. k0 + KB of c (M, K) = g (M, N) * w (K, N)^T: those rows of w are packed,
/// transposed, into a buffer on the stack, which the register-blocked kernel then reads row by row.
template <std::size_t M, std::size_t N, std::size_t K, std::size_t KB, class T>
HWY_INLINE void gemm_nt_block(const T* g, const T* w, T* c, std::size_t k0) {
  HWY_ALIGN T packed[N * KB];
  transpose_block<KB, N, N, KB>(w + k0 * N, packed);
  gemm_strided<M, N, KB, N, 1, KB, K>(g, packed, static_cast<const T*>(nullptr), c + k0);
}

/// The lanes gemv_transposed<N, K> works in for rows of N elements of T: 8 or 4 (the largest that
/// divides N, at most 256 bits), or 0 where it does not serve: not float, one-lane vectors, or rows
/// longer than eight such vectors (a dot product with four sums of whole vectors is as fast there).
template <class T, std::size_t N>
constexpr std::size_t transposed_lanes() {
  constexpr std::size_t cap = hn::MaxLanes(hn::CappedTag<T, 8>());
  if constexpr (!std::is_same_v<T, float> || HWY_TARGET == HWY_SCALAR)
    return 0;
  else if constexpr (cap >= 8 && N % 8 == 0 && N <= 64)
    return 8;
  else if constexpr (cap >= 4 && N % 4 == 0 && N <= 32)
    return 4;
  else
    return 0;
}

#if HWY_TARGET != HWY_SCALAR  // one-lane vectors: no interleaving
/// Per 128-bit block of a and b: (a0 + a2, b0 + b2, a1 + a3, b1 + b3).
template <class D, class V>
HWY_INLINE V sum_pairs(D d, V a, V b) {
  return hn::Add(hn::InterleaveLower(d, a, b), hn::InterleaveUpper(d, a, b));
}
/// Per 128-bit block of two sum_pairs results (of rows 0, 1 and 2, 3): the four rows' sums.
template <class D, class V>
HWY_INLINE V sum_quads(D d, V a, V b) {
  const hn::Repartition<std::uint64_t, D> d64;
  const auto a64 = hn::BitCast(d64, a), b64 = hn::BitCast(d64, b);
  return hn::Add(hn::BitCast(d, hn::InterleaveLower(d64, a64, b64)),
                 hn::BitCast(d, hn::InterleaveUpper(d64, a64, b64)));
}
#endif

/// c (1, K) = g (1, N) w (K, N)^T, a dense layer's input gradient at batch 1: each row of w times
/// g in vectors of L lanes, then every L rows' vectors summed lane by lane into one vector of their
/// L results, by interleaving (a transpose and add), instead of a dot product and a sum of lanes
/// per row (scalar for rows shorter than a whole vector).
template <std::size_t N, std::size_t K, std::size_t L, class T>
HWY_INLINE void gemv_transposed(const T* HWY_RESTRICT g, const T* HWY_RESTRICT w,
                                T* HWY_RESTRICT c) {
#if HWY_TARGET != HWY_SCALAR
  const hn::CappedTag<T, L> d;
  using V = hn::Vec<decltype(d)>;
  static_assert(hn::MaxLanes(d) == L && N % L == 0 && (L == 4 || L == 8));
  V gv[N / L];
  CTNN_UNROLLED for (std::size_t j = 0; j < N / L; ++j) gv[j] = hn::LoadU(d, g + j * L);
  CTNN_UNROLLED for (std::size_t k = 0; k < K; k += L) {
    V rows[L];  // L partial sums of w[k + r, :] g for each row r (zero past the last row)
    CTNN_UNROLLED for (std::size_t r = 0; r < L; ++r) {
      rows[r] = hn::Zero(d);
      if (k + r < K) {
        CTNN_UNROLLED for (std::size_t j = 0; j < N / L; ++j) {
          rows[r] = hn::MulAdd(hn::LoadU(d, w + (k + r) * N + j * L), gv[j], rows[r]);
        }
      }
    }
    V sums = sum_quads(d, sum_pairs(d, rows[0], rows[1]), sum_pairs(d, rows[2], rows[3]));
    if constexpr (L == 8) {  // rows k..k+3 in the low block, k+4..k+7 in the high one
      const V high = sum_quads(d, sum_pairs(d, rows[4], rows[5]), sum_pairs(d, rows[6], rows[7]));
      sums = hn::Add(hn::ConcatLowerLower(d, high, sums), hn::ConcatUpperUpper(d, high, sums));
    }
    if (k + L <= K) {
      hn::StoreU(sums, d, c + k);
    } else {
      HWY_ALIGN T last[L];
      hn::Store(sums, d, last);
      std::memcpy(c + k, last, (K - k) * sizeof(T));
    }
  }
#else
  (void)g, (void)w, (void)c;
#endif
}

/// c (M, K) = g (M, N) * w (K, N)^T, the input gradient G W^T. W^T is packed in blocks of up to
/// four vectors of columns, in at most 16 KiB of stack, or 64 KiB where 16 KiB cannot hold one
/// vector of columns (more than 256 float outputs: without packing, G W^T ran at 40-56 GFLOP/s
/// there, with it at 120-165); with fewer than 4 rows, or rows of g too long even for 64 KiB, each
/// element is a dot product of two contiguous rows instead.
template <std::size_t M, std::size_t N, std::size_t K, class T>
CTNN_KERNEL void gemm_nt(const T* g, const T* w, T* c) {
  constexpr std::size_t lanes = hn::MaxLanes(Tag<T>());
  constexpr std::size_t fits_16k = 16384 / (N * sizeof(T)) / lanes * lanes;
  constexpr std::size_t fits = fits_16k > 0 ? fits_16k : 65536 / (N * sizeof(T)) / lanes * lanes;
  constexpr std::size_t kb =
      K < 4 * lanes ? (K < fits ? K : fits) : (4 * lanes < fits ? 4 * lanes : fits);
  if constexpr (N == 1) {
    // A one-unit layer's input gradient is w scaled by each row's g, stored as vectors: GCC may
    // leave it K scalar products and stores, which the next vector load of c cannot take from
    // the store buffer (1-8-8-1 tanh, a training step 158 ns instead of 100, in some builds).
    for (std::size_t i = 0; i < M; ++i) {
      const T gi = g[i];
      map<K, M == 1 ? Tail::whole : Tail::pieces>(
          [gi](auto d, auto wk) { return hn::Mul(hn::Set(d, gi), wk); }, w, c + i * K);
    }
  } else if constexpr (M < 4 && transposed_lanes<T, N>() != 0) {
    for (std::size_t i = 0; i < M; ++i)
      gemv_transposed<N, K, transposed_lanes<T, N>()>(g + i * N, w, c + i * K);
  } else if constexpr (M < 4 || kb == 0) {
    for (std::size_t i = 0; i < M; ++i)
      for (std::size_t k = 0; k < K; ++k) c[i * K + k] = dot<N>(g + i * N, w + k * N);
  } else {
    constexpr std::size_t full = K / kb * kb;
    for (std::size_t k0 = 0; k0 < full; k0 += kb) gemm_nt_block<M, N, K, kb>(g, w, c, k0);
    if constexpr (full < K) gemm_nt_block<M, N, K, K - full>(g, w, c, full);
  }
}

/// out (1, N) = column sums of g (M, N): one register per vector of columns, over all rows (whole
/// vectors where the last row's reach into g's padding).
template <std::size_t M, std::size_t N, class T>
CTNN_KERNEL void column_sums(const T* g, T* out) {
  constexpr std::size_t lanes = hn::MaxLanes(NarrowTag<T, N>());
  constexpr bool whole = (M - 1) * N + (N + lanes - 1) / lanes * lanes <= padded_size<T>(M * N);
  for_each_vector<N, T, whole ? Tail::whole : Tail::pieces>([&](auto d, std::size_t j) {
    auto s = hn::Zero(d);
    for (std::size_t i = 0; i < M; ++i) s = hn::Add(s, hn::LoadU(d, g + i * N + j));
    hn::StoreU(s, d, out + j);
  });
}

// ---------------------------------------------------------------- element-wise

template <std::size_t N, class T>
CTNN_KERNEL void add(const T* x, const T* y, T* out) {
  map<N, Tail::whole>([](auto, auto a, auto b) { return hn::Add(a, b); }, x, y, out);
}
template <std::size_t N, class T>
CTNN_KERNEL void sub(const T* x, const T* y, T* out) {
  map<N, Tail::whole>([](auto, auto a, auto b) { return hn::Sub(a, b); }, x, y, out);
}
template <std::size_t N, class T>
CTNN_KERNEL void mul(const T* x, const T* y, T* out) {
  map<N, Tail::whole>([](auto, auto a, auto b) { return hn::Mul(a, b); }, x, y, out);
}
template <std::size_t N, class T>
CTNN_KERNEL void scale(T s, const T* x, T* out) {
  map<N, Tail::whole>([s](auto d, auto a) { return hn::Mul(hn::Set(d, s), a); }, x, out);
}
/// y += s x
template <std::size_t N, class T>
CTNN_KERNEL void axpy(T s, const T* x, T* y) {
  map<N, Tail::whole>([s](auto d, auto a, auto b) { return hn::MulAdd(hn::Set(d, s), a, b); }, x, y,
                      y);
}
/// m (M, N) += 1 row (1, N)
template <std::size_t M, std::size_t N, class T>
CTNN_KERNEL void add_row(const T* row, T* m) {
  for (std::size_t i = 0; i < M; ++i)
    map<N, Tail::pieces>([](auto, auto a, auto b) { return hn::Add(a, b); }, m + i * N, row,
                         m + i * N);
}

// ---------------------------------------------------------------- activations

/// a = F(z) over N elements, F an element-wise activation (its vector form).
template <std::size_t N, class F, class T>
CTNN_KERNEL void activate(const T* z, T* a) {
  map<N, Tail::whole>([](auto d, auto v) { return vector_form<F>::value(d, v); }, z, a);
}
/// dz = F's gradient from a = F(z) and da = dC/da, over N elements.
template <std::size_t N, class F, class T>
CTNN_KERNEL void activate_backward(const T* a, const T* da, T* dz) {
  map<N, Tail::whole>([](auto d, auto av, auto g) { return vector_form<F>::gradient(d, av, g); }, a,
                      da, dz);
}

// ---------------------------------------------------------------- recurrent cells

/// One LSTM frame's element-wise part (layers/recurrent.hpp), H units at a time as vectors: the
/// gates from z + b (4H pre-activations, i f g o; b is b_hh), c = f c + i g, h = o Tanh(c). With
/// Keep, the activated gates (4H) and Tanh(c) (H) are written too. Every vector ends at H (pieces):
/// the gates of z lie side by side. A function object whose call is forced inline (a lambda's
/// call, this large, was not: a call per vector, 10% slower for LSTM-40).
template <std::size_t H, class Gate, class Tanh, bool Keep, class T>
struct LstmCellVector {
  const T* HWY_RESTRICT z;
  const T* HWY_RESTRICT b;
  T* HWY_RESTRICT c;
  T* HWY_RESTRICT h;
  T* HWY_RESTRICT gates;
  T* HWY_RESTRICT tanh_c;
  template <class D>
  HWY_INLINE void operator()(D d, std::size_t k) const {
    const auto pre = [&](std::size_t q) {
      return hn::Add(hn::LoadU(d, z + q * H + k), hn::LoadU(d, b + q * H + k));
    };
    const auto i = vector_form<Gate>::value(d, pre(0));
    const auto f = vector_form<Gate>::value(d, pre(1));
    const auto g = vector_form<Tanh>::value(d, pre(2));
    const auto o = vector_form<Gate>::value(d, pre(3));
    const auto cell = hn::MulAdd(f, hn::LoadU(d, c + k), hn::Mul(i, g));
    const auto t = vector_form<Tanh>::value(d, cell);
    hn::StoreU(cell, d, c + k);
    hn::StoreU(hn::Mul(o, t), d, h + k);
    if constexpr (Keep) {
      hn::StoreU(i, d, gates + k);
      hn::StoreU(f, d, gates + H + k);
      hn::StoreU(g, d, gates + 2 * H + k);
      hn::StoreU(o, d, gates + 3 * H + k);
      hn::StoreU(t, d, tanh_c + k);
    }
  }
};
template <std::size_t H, class Gate, class Tanh, bool Keep, class T>
CTNN_KERNEL void lstm_cell(const T* HWY_RESTRICT z, const T* HWY_RESTRICT b, T* HWY_RESTRICT c,
                           T* HWY_RESTRICT h, T* HWY_RESTRICT gates, T* HWY_RESTRICT tanh_c) {
  for_each_vector<H, T, Tail::pieces>(
      LstmCellVector<H, Gate, Tanh, Keep, T>{z, b, c, h, gates, tanh_c});
}

/// One GRU frame's element-wise part: from u = x W_ih + b_ih and v = h W_hh + b_hh (3H each, r z
/// n), r and z, n = Tanh(u_n + r v_n), h = n + z (h - n). With Keep, the gates (3H) and v_n (H).
template <std::size_t H, class Gate, class Tanh, bool Keep, class T>
struct GruCellVector {
  const T* HWY_RESTRICT u;
  const T* HWY_RESTRICT v;
  T* HWY_RESTRICT h;
  T* HWY_RESTRICT gates;
  T* HWY_RESTRICT hidden_n;
  template <class D>
  HWY_INLINE void operator()(D d, std::size_t k) const {
    const auto r = vector_form<Gate>::value(d, hn::Add(hn::LoadU(d, u + k), hn::LoadU(d, v + k)));
    const auto zg =
        vector_form<Gate>::value(d, hn::Add(hn::LoadU(d, u + H + k), hn::LoadU(d, v + H + k)));
    const auto vn = hn::LoadU(d, v + 2 * H + k);
    const auto n = vector_form<Tanh>::value(d, hn::MulAdd(r, vn, hn::LoadU(d, u + 2 * H + k)));
    hn::StoreU(hn::MulAdd(zg, hn::Sub(hn::LoadU(d, h + k), n), n), d, h + k);
    if constexpr (Keep) {
      hn::StoreU(r, d, gates + k);
      hn::StoreU(zg, d, gates + H + k);
      hn::StoreU(n, d, gates + 2 * H + k);
      hn::StoreU(vn, d, hidden_n + k);
    }
  }
};
template <std::size_t H, class Gate, class Tanh, bool Keep, class T>
CTNN_KERNEL void gru_cell(const T* HWY_RESTRICT u, const T* HWY_RESTRICT v, T* HWY_RESTRICT h,
                          T* HWY_RESTRICT gates, T* HWY_RESTRICT hidden_n) {
  for_each_vector<H, T, Tail::pieces>(
      GruCellVector<H, Gate, Tanh, Keep, T>{u, v, h, gates, hidden_n});
}

template <std::size_t N, class T>
HWY_INLINE T row_max(const T* x) {
  T m = x[0];
  for (std::size_t j = 1; j < N; ++j) m = x[j] > m ? x[j] : m;
  return m;
}

template <std::size_t N, class T>
HWY_INLINE T row_sum(const T* x) {
  T s = T(0);
  for (std::size_t j = 0; j < N; ++j) s += x[j];
  return s;
}

/// Row-wise softmax, stable: exp(z - max) never overflows; vector exp, scalar max and sum.
template <std::size_t M, std::size_t N, class T>
CTNN_KERNEL void softmax_rows(const T* z, T* s) {
  for (std::size_t i = 0; i < M; ++i) {
    const T m = row_max<N>(z + i * N);
    map<N, Tail::pieces>([m](auto d, auto v) { return hn::Exp(d, hn::Sub(v, hn::Set(d, m))); },
                         z + i * N, s + i * N);
    const T inv = T(1) / row_sum<N>(s + i * N);
    map<N, Tail::pieces>([inv](auto d, auto v) { return hn::Mul(hn::Set(d, inv), v); }, s + i * N,
                         s + i * N);
  }
}

/// Per row: dz = s (.) (da - (da . s)).
template <std::size_t M, std::size_t N, class T>
CTNN_KERNEL void softmax_backward_rows(const T* s, const T* da, T* dz) {
  for (std::size_t i = 0; i < M; ++i) {
    const T g_dot_s = dot<N>(da + i * N, s + i * N);
    map<N, Tail::pieces>(
        [g_dot_s](auto d, auto sv, auto g) { return hn::Mul(sv, hn::Sub(g, hn::Set(d, g_dot_s))); },
        s + i * N, da + i * N, dz + i * N);
  }
}

}  // namespace ctnn::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#define CTNN_KERNELS_SIMD_PASS
#include "ctnn/kernels/simd_finite.hpp"
#include "ctnn/kernels/simd_optimizer.hpp"
#undef CTNN_KERNELS_SIMD_PASS

#endif  // !HWY_HAVE_SCALABLE
#endif  // per-target include guard

#if !defined(CTNN_KERNELS_SIMD_STATIC) && HWY_TARGET == HWY_STATIC_TARGET
#define CTNN_KERNELS_SIMD_STATIC
namespace ctnn::kernels {
/// The SIMD kernels of the static target (the compiler flags'). Kernels compiled for different
/// targets live in different namespaces, so they are different functions, never one symbol with
/// two bodies.
namespace simd = HWY_NAMESPACE;
}  // namespace ctnn::kernels
#endif
