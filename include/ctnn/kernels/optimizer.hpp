/// @file kernels/optimizer.hpp
/// Fused optimizer updates (scalar and SIMD; kernels/dispatch.hpp chooses): one pass over a
/// parameter tensor p, its gradient g and the optimizer's state, N elements. Formulas and defaults
/// are MATH.md's ("Optimizers"). Hyper-parameters arrive already converted to T, and every derived
/// constant (1 - beta, Adam's step size alpha / (1 - beta1^t) and 1 / sqrt(1 - beta2^t)) is
/// computed in double by the caller, once per step, before the conversion: 1 - float(0.999) would
/// be 1.3e-5 too small (as PyTorch, which passes Python floats to its float kernels).
#pragma once

#include <cstddef>
#include <type_traits>

#include <hwy/highway.h>

#include "ctnn/detail/math.hpp"
#include "ctnn/kernels/scalar.hpp"
#include "ctnn/kernels/simd.hpp"

namespace ctnn::kernels {

namespace scalar {
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

HWY_BEFORE_NAMESPACE();
namespace ctnn::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// Calls body(d, i) for every whole vector, then once per leftover element with a one-lane tag.
template <std::size_t N, class T, class Body>
HWY_INLINE void for_each_vector(Body body) {
  const hn::ScalableTag<T> d;
  constexpr std::size_t lanes = hn::MaxLanes(hn::ScalableTag<T>());
  constexpr std::size_t full = N / lanes * lanes;
  for (std::size_t i = 0; i < full; i += lanes) body(d, i);
  const hn::CappedTag<T, 1> d1;
  for (std::size_t i = full; i < N; ++i) body(d1, i);
}

template <std::size_t N, class T>
HWY_INLINE void sgd(T lr, const T* HWY_RESTRICT g, T* HWY_RESTRICT p) {
  for_each_vector<N, T>([&](auto d, std::size_t i) {
    hn::StoreU(hn::NegMulAdd(hn::Set(d, lr), hn::LoadU(d, g + i), hn::LoadU(d, p + i)), d, p + i);
  });
}
template <std::size_t N, class T>
HWY_INLINE void momentum(T lr, T beta, T one_minus_beta, const T* HWY_RESTRICT g, T* HWY_RESTRICT v,
                         T* HWY_RESTRICT p) {
  for_each_vector<N, T>([&](auto d, std::size_t i) {
    const auto vi = hn::MulAdd(hn::Set(d, beta), hn::LoadU(d, v + i),
                               hn::Mul(hn::Set(d, one_minus_beta), hn::LoadU(d, g + i)));
    hn::StoreU(vi, d, v + i);
    hn::StoreU(hn::NegMulAdd(hn::Set(d, lr), vi, hn::LoadU(d, p + i)), d, p + i);
  });
}
template <std::size_t N, class T>
HWY_INLINE void rmsprop(T lr, T beta, T one_minus_beta, T eps, const T* HWY_RESTRICT g,
                        T* HWY_RESTRICT s, T* HWY_RESTRICT p) {
  for_each_vector<N, T>([&](auto d, std::size_t i) {
    const auto gi = hn::LoadU(d, g + i);
    const auto si = hn::MulAdd(hn::Set(d, beta), hn::LoadU(d, s + i),
                               hn::Mul(hn::Set(d, one_minus_beta), hn::Mul(gi, gi)));
    hn::StoreU(si, d, s + i);
    const auto step = hn::Div(hn::Mul(hn::Set(d, lr), gi), hn::Add(hn::Sqrt(si), hn::Set(d, eps)));
    hn::StoreU(hn::Sub(hn::LoadU(d, p + i), step), d, p + i);
  });
}
template <std::size_t N, class T>
HWY_INLINE void adam(T step_size, T beta1, T one_minus_beta1, T beta2, T one_minus_beta2, T eps,
                     T inv_sqrt_c2, const T* HWY_RESTRICT g, T* HWY_RESTRICT m, T* HWY_RESTRICT v,
                     T* HWY_RESTRICT p) {
  for_each_vector<N, T>([&](auto d, std::size_t i) {
    const auto gi = hn::LoadU(d, g + i);
    const auto mi = hn::MulAdd(hn::Set(d, beta1), hn::LoadU(d, m + i),
                               hn::Mul(hn::Set(d, one_minus_beta1), gi));
    const auto vi = hn::MulAdd(hn::Set(d, beta2), hn::LoadU(d, v + i),
                               hn::Mul(hn::Set(d, one_minus_beta2), hn::Mul(gi, gi)));
    hn::StoreU(mi, d, m + i);
    hn::StoreU(vi, d, v + i);
    const auto denom = hn::MulAdd(hn::Sqrt(vi), hn::Set(d, inv_sqrt_c2), hn::Set(d, eps));
    const auto step = hn::Div(hn::Mul(hn::Set(d, step_size), mi), denom);
    hn::StoreU(hn::Sub(hn::LoadU(d, p + i), step), d, p + i);
  });
}
}  // namespace ctnn::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();
