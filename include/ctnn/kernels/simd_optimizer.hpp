/// @file kernels/simd_optimizer.hpp
/// Fused optimizer updates, SIMD (the scalar loops and their contract: kernels/scalar.hpp). Each
/// tensor is a whole matrix: its tail is one narrow vector, into the padding (Tail::narrow).
/// Compiled once per SIMD target from kernels/simd.hpp; include that, not this file.

#if !defined(CTNN_KERNELS_SIMD_PASS)
// Included on its own: kernels/simd.hpp includes this file in each target's pass.
#include "ctnn/kernels/simd.hpp"
#else

// Per-target include guard (Highway's toggle; see kernels/simd.hpp).
#if defined(CTNN_KERNELS_SIMD_OPTIMIZER_HPP) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_KERNELS_SIMD_OPTIMIZER_HPP
#undef CTNN_KERNELS_SIMD_OPTIMIZER_HPP
#else
#define CTNN_KERNELS_SIMD_OPTIMIZER_HPP
#endif

#include "ctnn/detail/highway.hpp"  // first: it chooses the targets

#include <cstddef>

#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace ctnn::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <std::size_t N, class T>
CTNN_KERNEL void sgd(T lr, const T* HWY_RESTRICT g, T* HWY_RESTRICT p) {
  for_each_vector<N, T, Tail::narrow>([&](auto d, std::size_t i) {
    hn::StoreU(hn::NegMulAdd(hn::Set(d, lr), hn::LoadU(d, g + i), hn::LoadU(d, p + i)), d, p + i);
  });
}
template <std::size_t N, class T>
CTNN_KERNEL void momentum(T lr, T beta, T one_minus_beta, const T* HWY_RESTRICT g,
                          T* HWY_RESTRICT v, T* HWY_RESTRICT p) {
  for_each_vector<N, T, Tail::narrow>([&](auto d, std::size_t i) {
    const auto vi = hn::MulAdd(hn::Set(d, beta), hn::LoadU(d, v + i),
                               hn::Mul(hn::Set(d, one_minus_beta), hn::LoadU(d, g + i)));
    hn::StoreU(vi, d, v + i);
    hn::StoreU(hn::NegMulAdd(hn::Set(d, lr), vi, hn::LoadU(d, p + i)), d, p + i);
  });
}
template <std::size_t N, class T>
CTNN_KERNEL void rmsprop(T lr, T beta, T one_minus_beta, T eps, const T* HWY_RESTRICT g,
                         T* HWY_RESTRICT s, T* HWY_RESTRICT p) {
  for_each_vector<N, T, Tail::narrow>([&](auto d, std::size_t i) {
    const auto gi = hn::LoadU(d, g + i);
    const auto si = hn::MulAdd(hn::Set(d, beta), hn::LoadU(d, s + i),
                               hn::Mul(hn::Set(d, one_minus_beta), hn::Mul(gi, gi)));
    hn::StoreU(si, d, s + i);
    const auto step = hn::Div(hn::Mul(hn::Set(d, lr), gi), hn::Add(hn::Sqrt(si), hn::Set(d, eps)));
    hn::StoreU(hn::Sub(hn::LoadU(d, p + i), step), d, p + i);
  });
}
template <std::size_t N, class T>
CTNN_KERNEL void adam(T step_size, T beta1, T one_minus_beta1, T beta2, T one_minus_beta2, T eps,
                      T inv_sqrt_c2, const T* HWY_RESTRICT g, T* HWY_RESTRICT m, T* HWY_RESTRICT v,
                      T* HWY_RESTRICT p) {
  for_each_vector<N, T, Tail::narrow>([&](auto d, std::size_t i) {
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

#endif  // per-target include guard
#endif  // CTNN_KERNELS_SIMD_PASS
