/// @file kernels/simd_finite.hpp
/// Finiteness of N elements by their bits, SIMD (the rule and the scalar loop: kernels/scalar.hpp).
/// Compiled once per SIMD target from kernels/simd.hpp; include that, not this file.

#if !defined(CTNN_KERNELS_SIMD_PASS)
// Included on its own: kernels/simd.hpp includes this file in each target's pass.
#include "ctnn/kernels/simd.hpp"
#else

// Per-target include guard (Highway's toggle; see kernels/simd.hpp).
#if defined(CTNN_KERNELS_SIMD_FINITE_HPP) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_KERNELS_SIMD_FINITE_HPP
#undef CTNN_KERNELS_SIMD_FINITE_HPP
#else
#define CTNN_KERNELS_SIMD_FINITE_HPP
#endif

#include "ctnn/detail/highway.hpp"  // first: it chooses the targets

#include <cstddef>
#include <type_traits>

#include <hwy/highway.h>

#include "ctnn/kernels/scalar.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctnn::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <std::size_t N, class T>
CTNN_KERNEL bool all_finite(const T* HWY_RESTRICT x) {
  // Magnitudes (sign cleared) compared as signed integers: the largest one, then one mask test
  // (kortest/movemask) instead of a reduction across lanes.
  using I = std::make_signed_t<kernels::finite_bits::bits_of<T>>;
  const hn::ScalableTag<T> d;
  const hn::RebindToSigned<decltype(d)> di;
  constexpr std::size_t lanes = hn::MaxLanes(hn::ScalableTag<T>());
  const auto mask = hn::Set(di, static_cast<I>(kernels::finite_bits::magnitude_mask<T>));
  // Four independent chains, so that the loads, not the Max latency, set the pace.
  auto largest0 = hn::Zero(di), largest1 = hn::Zero(di), largest2 = hn::Zero(di),
       largest3 = hn::Zero(di);
  const auto magnitude = [&](std::size_t i) {
    return hn::And(hn::BitCast(di, hn::LoadU(d, x + i)), mask);
  };
  constexpr std::size_t full = N / (4 * lanes) * (4 * lanes);
  for (std::size_t i = 0; i < full; i += 4 * lanes) {
    largest0 = hn::Max(largest0, magnitude(i));
    largest1 = hn::Max(largest1, magnitude(i + lanes));
    largest2 = hn::Max(largest2, magnitude(i + 2 * lanes));
    largest3 = hn::Max(largest3, magnitude(i + 3 * lanes));
  }
  largest0 = hn::Max(hn::Max(largest0, largest1), hn::Max(largest2, largest3));
  constexpr std::size_t whole = N / lanes * lanes;  // up to three more whole vectors
  for (std::size_t i = full; i < whole; i += lanes) largest0 = hn::Max(largest0, magnitude(i));
  if constexpr (whole > 0) {
    const auto finite_below = hn::Set(di, static_cast<I>(kernels::finite_bits::infinity_bits<T>));
    if (!hn::AllTrue(di, hn::Lt(largest0, finite_below))) return false;
  }
  return scalar::all_finite<N - whole>(x + whole);
}
}  // namespace ctnn::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
#endif  // CTNN_KERNELS_SIMD_PASS
