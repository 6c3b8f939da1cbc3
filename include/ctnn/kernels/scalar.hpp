/// @file kernels/scalar.hpp
/// Plain-loop kernels: the path taken inside constant expressions, and the baseline the SIMD
/// kernels are benchmarked against. Same signatures and layouts as kernels/simd.hpp:
/// every matrix is row-major, element [i, j] of an (R, C)-shaped array at index i * C + j.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "ctnn/detail/math.hpp"

namespace ctnn::kernels {

// Finiteness by bits: x is NaN or +-Inf exactly when its exponent field is all ones, i.e. when
// (bits & ~sign) >= the bits of +Inf. Integer arithmetic only, so the answer stays right under
// -ffast-math, where isnan(x) and x != x may be folded to "finite".
namespace finite_bits {
/// The unsigned integer of T's width, and the bits of +Inf (the smallest non-finite magnitude).
template <class T>
using bits_of = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
template <class T>
inline constexpr bits_of<T> infinity_bits = static_cast<bits_of<T>>(sizeof(T) == 4
                                                                        ? 0x7f800000u
                                                                        : 0x7ff0000000000000u);
template <class T>
inline constexpr bits_of<T> magnitude_mask = ~bits_of<T>{0} >> 1;
}  // namespace finite_bits

namespace scalar {

/// c (M, N) += a (M, K) * b (K, N).
template <std::size_t M, std::size_t K, std::size_t N, class T>
constexpr void gemm_accumulate(const T* a, const T* b, T* c) {
  for (std::size_t i = 0; i < M; ++i) {
    for (std::size_t k = 0; k < K; ++k) {
      const T aik = a[i * K + k];
      for (std::size_t j = 0; j < N; ++j) c[i * N + j] += aik * b[k * N + j];
    }
  }
}
/// c (M, N) = a (M, K) * b (K, N).
template <std::size_t M, std::size_t K, std::size_t N, class T>
constexpr void gemm(const T* a, const T* b, T* c) {
  for (std::size_t i = 0; i < M * N; ++i) c[i] = T(0);
  gemm_accumulate<M, K, N>(a, b, c);
}
/// c (M, N) = a (M, K) * b (K, N) + 1 bias, bias (1, N) added to every row. (Two functions rather
/// than a null bias: GCC 12 cannot compare some pointers to null in a constant expression.)
template <std::size_t M, std::size_t K, std::size_t N, class T>
constexpr void gemm(const T* a, const T* b, const T* bias, T* c) {
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) c[i * N + j] = bias[j];
  gemm_accumulate<M, K, N>(a, b, c);
}

/// c (K, N) = a (M, K)^T * g (M, N): the weight gradient A^T G.
template <std::size_t M, std::size_t K, std::size_t N, class T>
constexpr void gemm_tn(const T* a, const T* g, T* c) {
  for (std::size_t j = 0; j < K * N; ++j) c[j] = T(0);
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t k = 0; k < K; ++k) {
      const T aik = a[i * K + k];
      for (std::size_t j = 0; j < N; ++j) c[k * N + j] += aik * g[i * N + j];
    }
}

/// c (M, K) = g (M, N) * w (K, N)^T: the input gradient G W^T.
template <std::size_t M, std::size_t N, std::size_t K, class T>
constexpr void gemm_nt(const T* g, const T* w, T* c) {
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t k = 0; k < K; ++k) {
      T s = T(0);
      for (std::size_t j = 0; j < N; ++j) s += g[i * N + j] * w[k * N + j];
      c[i * K + k] = s;
    }
}

/// out (1, N) = 1^T g (M, N): column sums, the bias gradient.
template <std::size_t M, std::size_t N, class T>
constexpr void column_sums(const T* g, T* out) {
  for (std::size_t j = 0; j < N; ++j) out[j] = T(0);
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) out[j] += g[i * N + j];
}

template <std::size_t N, class T>
constexpr void add(const T* x, const T* y, T* out) {
  for (std::size_t i = 0; i < N; ++i) out[i] = x[i] + y[i];
}
template <std::size_t N, class T>
constexpr void sub(const T* x, const T* y, T* out) {
  for (std::size_t i = 0; i < N; ++i) out[i] = x[i] - y[i];
}
template <std::size_t N, class T>
constexpr void mul(const T* x, const T* y, T* out) {
  for (std::size_t i = 0; i < N; ++i) out[i] = x[i] * y[i];
}
template <std::size_t N, class T>
constexpr void scale(T s, const T* x, T* out) {
  for (std::size_t i = 0; i < N; ++i) out[i] = s * x[i];
}
/// y += s x
template <std::size_t N, class T>
constexpr void axpy(T s, const T* x, T* y) {
  for (std::size_t i = 0; i < N; ++i) y[i] += s * x[i];
}

/// Row-broadcast add: m (M, N) += 1 row (1, N).
template <std::size_t M, std::size_t N, class T>
constexpr void add_row(const T* row, T* m) {
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) m[i * N + j] += row[j];
}

/// a = F(z) over N elements, F an element-wise activation (its scalar form).
template <std::size_t N, class F, class T>
constexpr void activate(const T* z, T* a) {
  for (std::size_t i = 0; i < N; ++i) a[i] = F::value(z[i]);
}
/// dz = F's gradient from a = F(z) and da = dC/da, over N elements.
template <std::size_t N, class F, class T>
constexpr void activate_backward(const T* a, const T* da, T* dz) {
  for (std::size_t i = 0; i < N; ++i) dz[i] = F::gradient(a[i], da[i]);
}

/// One LSTM frame's element-wise part (the SIMD kernel's contract, kernels/simd.hpp).
template <std::size_t H, class Gate, class Tanh, bool Keep, class T>
constexpr void lstm_cell(const T* z, const T* b, T* c, T* h, T* gates, T* tanh_c) {
  for (std::size_t k = 0; k < H; ++k) {
    const T i = Gate::value(z[k] + b[k]), f = Gate::value(z[H + k] + b[H + k]);
    const T g = Tanh::value(z[2 * H + k] + b[2 * H + k]);
    const T o = Gate::value(z[3 * H + k] + b[3 * H + k]);
    c[k] = f * c[k] + i * g;
    const T t = Tanh::value(c[k]);
    h[k] = o * t;
    if constexpr (Keep) {
      gates[k] = i;
      gates[H + k] = f;
      gates[2 * H + k] = g;
      gates[3 * H + k] = o;
      tanh_c[k] = t;
    }
  }
}
/// One GRU frame's element-wise part (the SIMD kernel's contract, kernels/simd.hpp).
template <std::size_t H, class Gate, class Tanh, bool Keep, class T>
constexpr void gru_cell(const T* u, const T* v, T* h, T* gates, T* hidden_n) {
  for (std::size_t k = 0; k < H; ++k) {
    const T r = Gate::value(u[k] + v[k]), z = Gate::value(u[H + k] + v[H + k]);
    const T n = Tanh::value(u[2 * H + k] + r * v[2 * H + k]);
    h[k] = n + z * (h[k] - n);
    if constexpr (Keep) {
      gates[k] = r;
      gates[H + k] = z;
      gates[2 * H + k] = n;
      hidden_n[k] = v[2 * H + k];
    }
  }
}

/// Row-wise softmax of z (M, N), stable: the row maximum is subtracted before exp.
template <std::size_t M, std::size_t N, class T>
constexpr void softmax_rows(const T* z, T* s) {
  for (std::size_t i = 0; i < M; ++i) {
    const T* zr = z + i * N;
    T* sr = s + i * N;
    T m = zr[0];
    for (std::size_t j = 1; j < N; ++j) m = zr[j] > m ? zr[j] : m;
    T sum = T(0);
    for (std::size_t j = 0; j < N; ++j) {
      sr[j] = detail::exp(zr[j] - m);
      sum += sr[j];
    }
    const T inv = T(1) / sum;
    for (std::size_t j = 0; j < N; ++j) sr[j] *= inv;
  }
}

/// Softmax Jacobian-vector product per row: dz = s (.) (da - (da . s)).
template <std::size_t M, std::size_t N, class T>
constexpr void softmax_backward_rows(const T* s, const T* da, T* dz) {
  for (std::size_t i = 0; i < M; ++i) {
    T dot = T(0);
    for (std::size_t j = 0; j < N; ++j) dot += da[i * N + j] * s[i * N + j];
    for (std::size_t j = 0; j < N; ++j) dz[i * N + j] = s[i * N + j] * (da[i * N + j] - dot);
  }
}

// ---------------------------------------------------------------- finiteness
template <std::size_t N, class T>
constexpr bool all_finite(const T* x) {
  using U = finite_bits::bits_of<T>;
  U largest = 0;  // the largest magnitude, as bits (an OR of comparisons would not vectorize)
  for (std::size_t i = 0; i < N; ++i) {
    const U m = std::bit_cast<U>(x[i]) & finite_bits::magnitude_mask<T>;
    largest = m > largest ? m : largest;
  }
  return largest < finite_bits::infinity_bits<T>;
}

// ---------------------------------------------------------------- optimizer updates
// One pass over a parameter tensor p, its gradient g and the optimizer's state, N elements
// (MATH.md, "Optimizers"). Hyper-parameters arrive already converted to T, every derived constant
// (1 - beta, Adam's step size and bias correction) computed by the caller once per step.
template <std::size_t N, class T>
constexpr void sgd(T lr, const T* g, T* p) {
  for (std::size_t i = 0; i < N; ++i) p[i] -= lr * g[i];
}
template <std::size_t N, class T>
constexpr void momentum(T lr, T beta, T one_minus_beta, const T* g, T* v, T* p) {
  for (std::size_t i = 0; i < N; ++i) {
    v[i] = beta * v[i] + one_minus_beta * g[i];
    p[i] -= lr * v[i];
  }
}
template <std::size_t N, class T>
constexpr void rmsprop(T lr, T beta, T one_minus_beta, T eps, const T* g, T* s, T* p) {
  for (std::size_t i = 0; i < N; ++i) {
    s[i] = beta * s[i] + one_minus_beta * g[i] * g[i];
    p[i] -= lr * g[i] / (detail::sqrt(s[i]) + eps);
  }
}
template <std::size_t N, class T>
constexpr void adam(T step_size, T beta1, T one_minus_beta1, T beta2, T one_minus_beta2, T eps,
                    T inv_sqrt_c2, const T* g, T* m, T* v, T* p) {
  for (std::size_t i = 0; i < N; ++i) {
    m[i] = beta1 * m[i] + one_minus_beta1 * g[i];
    v[i] = beta2 * v[i] + one_minus_beta2 * g[i] * g[i];
    p[i] -= step_size * m[i] / (detail::sqrt(v[i]) * inv_sqrt_c2 + eps);
  }
}
}  // namespace scalar

}  // namespace ctnn::kernels
