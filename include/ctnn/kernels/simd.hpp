/// @file kernels/simd.hpp
/// Highway kernels, compiled for the static target chosen by the compiler flags.
///
/// Same signatures and layouts as kernels/scalar.hpp: every matrix is row-major, element [i, j]
/// of an (R, C)-shaped array at index i * C + j. Sizes are template parameters, so every loop
/// bound is a constant; an element-wise tail shorter than a vector goes through a zero-padded
/// stack buffer, a product's column tail through scalar code: never a read past the end of a
/// matrix, on any target. Accuracy: sums are accumulated in T in another order than the scalar
/// path (tested against a double reference); exp and tanh are Highway's (<= 1 and <= 4 ulp).
/// Fixed-width targets only (x86, NEON): vectors are kept in arrays.
#pragma once

#include <cstddef>
#include <cstring>

#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace ctnn::kernels::simd {

namespace hn = hwy::HWY_NAMESPACE;

template <class T>
using Tag = hn::ScalableTag<T>;

// Vector lengths are compile-time constants on fixed-width targets; so are all loop bounds below.
static_assert(!HWY_HAVE_SCALABLE, "ctnn's kernels need a fixed-width SIMD target (not SVE/RVV)");

template <class T>
inline constexpr std::size_t max_lanes = HWY_MAX_BYTES / sizeof(T);

/// out[i] = f(d, x[i]) over N elements, whole vectors then one zero-padded partial vector.
template <std::size_t N, class T, class F>
HWY_INLINE void map(F f, const T* x, T* out) {
  const Tag<T> d;
  constexpr std::size_t lanes = hn::MaxLanes(Tag<T>());
  std::size_t i = 0;
  for (; i + lanes <= N; i += lanes) hn::StoreU(f(d, hn::LoadU(d, x + i)), d, out + i);
  if (i < N) {
    HWY_ALIGN T bx[max_lanes<T>] = {};
    std::memcpy(bx, x + i, (N - i) * sizeof(T));
    hn::Store(f(d, hn::Load(d, bx)), d, bx);
    std::memcpy(out + i, bx, (N - i) * sizeof(T));
  }
}

/// out[i] = f(d, x[i], y[i]) over N elements.
template <std::size_t N, class T, class F>
HWY_INLINE void map(F f, const T* x, const T* y, T* out) {
  const Tag<T> d;
  constexpr std::size_t lanes = hn::MaxLanes(Tag<T>());
  std::size_t i = 0;
  for (; i + lanes <= N; i += lanes)
    hn::StoreU(f(d, hn::LoadU(d, x + i), hn::LoadU(d, y + i)), d, out + i);
  if (i < N) {
    HWY_ALIGN T bx[max_lanes<T>] = {};
    HWY_ALIGN T by[max_lanes<T>] = {};
    std::memcpy(bx, x + i, (N - i) * sizeof(T));
    std::memcpy(by, y + i, (N - i) * sizeof(T));
    hn::Store(f(d, hn::Load(d, bx), hn::Load(d, by)), d, bx);
    std::memcpy(out + i, bx, (N - i) * sizeof(T));
  }
}

// ---------------------------------------------------------------- products

/// Register-blocked core of every product with a broadcast operand:
/// c (M, N) = sum over k < K of a(m, k) * b[k, :], with a(m, k) = a[m * kAm + k * kAk] (so the
/// same code serves A * B and A^T * G), plus bias (1, N) on every row when bias is not null.
/// MR rows by two vectors of columns at a time, then one vector, then scalar columns.
template <std::size_t MR, std::size_t K, std::size_t N, std::size_t kAm, std::size_t kAk, class T>
HWY_INLINE void gemm_rows(const T* HWY_RESTRICT a, const T* HWY_RESTRICT b,
                          const T* HWY_RESTRICT bias, T* HWY_RESTRICT c) {
  const Tag<T> d;
  using V = hn::Vec<Tag<T>>;
  constexpr std::size_t lanes = hn::MaxLanes(Tag<T>());
  std::size_t j = 0;
  for (; j + 2 * lanes <= N; j += 2 * lanes) {
    V acc0[MR], acc1[MR];
    for (std::size_t r = 0; r < MR; ++r) {
      acc0[r] = bias ? hn::LoadU(d, bias + j) : hn::Zero(d);
      acc1[r] = bias ? hn::LoadU(d, bias + j + lanes) : hn::Zero(d);
    }
    for (std::size_t k = 0; k < K; ++k) {
      const V b0 = hn::LoadU(d, b + k * N + j);
      const V b1 = hn::LoadU(d, b + k * N + j + lanes);
      for (std::size_t r = 0; r < MR; ++r) {
        const V ar = hn::Set(d, a[r * kAm + k * kAk]);
        acc0[r] = hn::MulAdd(ar, b0, acc0[r]);
        acc1[r] = hn::MulAdd(ar, b1, acc1[r]);
      }
    }
    for (std::size_t r = 0; r < MR; ++r) {
      hn::StoreU(acc0[r], d, c + r * N + j);
      hn::StoreU(acc1[r], d, c + r * N + j + lanes);
    }
  }
  for (; j + lanes <= N; j += lanes) {
    V acc[MR];
    for (std::size_t r = 0; r < MR; ++r) acc[r] = bias ? hn::LoadU(d, bias + j) : hn::Zero(d);
    for (std::size_t k = 0; k < K; ++k) {
      const V bk = hn::LoadU(d, b + k * N + j);
      for (std::size_t r = 0; r < MR; ++r)
        acc[r] = hn::MulAdd(hn::Set(d, a[r * kAm + k * kAk]), bk, acc[r]);
    }
    for (std::size_t r = 0; r < MR; ++r) hn::StoreU(acc[r], d, c + r * N + j);
  }
  constexpr std::size_t tail_start = N / lanes * lanes;
  if constexpr (tail_start < N) {
    // Fewer columns than a vector: scalar accumulators, rows of b read in order.
    constexpr std::size_t tail = N - tail_start;
    T acc[MR][tail];
    for (std::size_t r = 0; r < MR; ++r)
      for (std::size_t t = 0; t < tail; ++t) acc[r][t] = bias ? bias[tail_start + t] : T(0);
    for (std::size_t k = 0; k < K; ++k) {
      const T* bk = b + k * N + tail_start;
      for (std::size_t r = 0; r < MR; ++r) {
        const T ark = a[r * kAm + k * kAk];
        for (std::size_t t = 0; t < tail; ++t) acc[r][t] += ark * bk[t];
      }
    }
    for (std::size_t r = 0; r < MR; ++r)
      for (std::size_t t = 0; t < tail; ++t) c[r * N + tail_start + t] = acc[r][t];
  }
}

template <std::size_t M, std::size_t K, std::size_t N, std::size_t kAm, std::size_t kAk, class T>
HWY_INLINE void gemm_strided(const T* a, const T* b, const T* bias, T* c) {
  constexpr std::size_t mr = 4;
  constexpr std::size_t full = M / mr * mr;
  for (std::size_t i = 0; i < full; i += mr)
    gemm_rows<mr, K, N, kAm, kAk>(a + i * kAm, b, bias, c + i * N);
  if constexpr (full < M)
    gemm_rows<M - full, K, N, kAm, kAk>(a + full * kAm, b, bias, c + full * N);
}

/// c (M, N) = a (M, K) * b (K, N), plus `bias` (1, N) on every row when bias is not null.
template <std::size_t M, std::size_t K, std::size_t N, class T>
HWY_INLINE void gemm(const T* a, const T* b, const T* bias, T* c) {
  gemm_strided<M, K, N, K, 1>(a, b, bias, c);
}

/// c (K, N) = a (M, K)^T * g (M, N).
template <std::size_t M, std::size_t K, std::size_t N, class T>
HWY_INLINE void gemm_tn(const T* a, const T* g, T* c) {
  gemm_strided<K, M, N, 1, K>(a, g, static_cast<const T*>(nullptr), c);
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

/// c (M, K) = g (M, N) * w (K, N)^T: each element a dot product of two contiguous rows.
template <std::size_t M, std::size_t N, std::size_t K, class T>
HWY_INLINE void gemm_nt(const T* g, const T* w, T* c) {
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t k = 0; k < K; ++k) c[i * K + k] = dot<N>(g + i * N, w + k * N);
}

/// out (1, N) = column sums of g (M, N).
template <std::size_t M, std::size_t N, class T>
HWY_INLINE void column_sums(const T* g, T* out) {
  for (std::size_t j = 0; j < N; ++j) out[j] = T(0);
  for (std::size_t i = 0; i < M; ++i)
    map<N>([](auto, auto s, auto x) { return hn::Add(s, x); }, out, g + i * N, out);
}

// ---------------------------------------------------------------- element-wise

template <std::size_t N, class T>
HWY_INLINE void add(const T* x, const T* y, T* out) {
  map<N>([](auto, auto a, auto b) { return hn::Add(a, b); }, x, y, out);
}
template <std::size_t N, class T>
HWY_INLINE void sub(const T* x, const T* y, T* out) {
  map<N>([](auto, auto a, auto b) { return hn::Sub(a, b); }, x, y, out);
}
template <std::size_t N, class T>
HWY_INLINE void mul(const T* x, const T* y, T* out) {
  map<N>([](auto, auto a, auto b) { return hn::Mul(a, b); }, x, y, out);
}
template <std::size_t N, class T>
HWY_INLINE void scale(T s, const T* x, T* out) {
  map<N>([s](auto d, auto a) { return hn::Mul(hn::Set(d, s), a); }, x, out);
}
/// y += s x
template <std::size_t N, class T>
HWY_INLINE void axpy(T s, const T* x, T* y) {
  map<N>([s](auto d, auto a, auto b) { return hn::MulAdd(hn::Set(d, s), a, b); }, x, y, y);
}
/// m (M, N) += 1 row (1, N)
template <std::size_t M, std::size_t N, class T>
HWY_INLINE void add_row(const T* row, T* m) {
  for (std::size_t i = 0; i < M; ++i) add<N>(m + i * N, row, m + i * N);
}

// ---------------------------------------------------------------- activations

template <class D, class V>
HWY_INLINE V sigmoid_vec(D d, V z) {
  // e^(-|z|) is in (0, 1]: no overflow for any z, then pick the form that is exact for z's sign.
  const V e = hn::Exp(d, hn::Neg(hn::Abs(z)));
  const V one = hn::Set(d, 1);
  const V inv = hn::Div(one, hn::Add(one, e));
  return hn::IfThenElse(hn::Ge(z, hn::Zero(d)), inv, hn::Mul(e, inv));
}

template <std::size_t N, class T>
HWY_INLINE void relu(const T* z, T* a) {
  map<N>([](auto d, auto v) { return hn::Max(v, hn::Zero(d)); }, z, a);
}
template <std::size_t N, class T>
HWY_INLINE void sigmoid(const T* z, T* a) {
  map<N>([](auto d, auto v) { return sigmoid_vec(d, v); }, z, a);
}
template <std::size_t N, class T>
HWY_INLINE void tanh(const T* z, T* a) {
  map<N>([](auto d, auto v) { return hn::Tanh(d, v); }, z, a);
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
HWY_INLINE void softmax_rows(const T* z, T* s) {
  for (std::size_t i = 0; i < M; ++i) {
    const T m = row_max<N>(z + i * N);
    map<N>([m](auto d, auto v) { return hn::Exp(d, hn::Sub(v, hn::Set(d, m))); }, z + i * N,
           s + i * N);
    const T inv = T(1) / row_sum<N>(s + i * N);
    scale<N>(inv, s + i * N, s + i * N);
  }
}

template <std::size_t N, class T>
HWY_INLINE void relu_backward(const T* a, const T* da, T* dz) {
  map<N>([](auto d, auto av, auto g) { return hn::IfThenElseZero(hn::Gt(av, hn::Zero(d)), g); }, a,
         da, dz);
}
template <std::size_t N, class T>
HWY_INLINE void sigmoid_backward(const T* a, const T* da, T* dz) {
  map<N>(
      [](auto d, auto av, auto g) { return hn::Mul(g, hn::Mul(av, hn::Sub(hn::Set(d, 1), av))); },
      a, da, dz);
}
template <std::size_t N, class T>
HWY_INLINE void tanh_backward(const T* a, const T* da, T* dz) {
  map<N>([](auto d, auto av, auto g) { return hn::Mul(g, hn::NegMulAdd(av, av, hn::Set(d, 1))); },
         a, da, dz);
}
/// Per row: dz = s (.) (da - (da . s)).
template <std::size_t M, std::size_t N, class T>
HWY_INLINE void softmax_backward_rows(const T* s, const T* da, T* dz) {
  for (std::size_t i = 0; i < M; ++i) {
    const T g_dot_s = dot<N>(da + i * N, s + i * N);
    map<N>(
        [g_dot_s](auto d, auto sv, auto g) { return hn::Mul(sv, hn::Sub(g, hn::Set(d, g_dot_s))); },
        s + i * N, da + i * N, dz + i * N);
  }
}

}  // namespace ctnn::kernels::simd
HWY_AFTER_NAMESPACE();
