/// @file kernels/finite.hpp
/// Finiteness of N elements by their bits: x is NaN or +-Inf exactly when its exponent field is
/// all ones, i.e. when (bits & ~sign) >= the bits of +Inf. Integer arithmetic only, so the answer
/// stays right under -ffast-math, where isnan(x) and x != x may be folded to "finite".
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <hwy/highway.h>

#include "ctnn/kernels/dispatch.hpp"

namespace ctnn::kernels {

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
}  // namespace scalar

}  // namespace ctnn::kernels

HWY_BEFORE_NAMESPACE();
namespace ctnn::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <std::size_t N, class T>
HWY_INLINE bool all_finite(const T* HWY_RESTRICT x) {
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

namespace ctnn::kernels {
template <std::size_t N, class T>
constexpr bool all_finite(const T* x) {
  if (use_scalar_kernels())
    return scalar::all_finite<N>(x);
  else
    return simd::all_finite<N>(x);
}
}  // namespace ctnn::kernels
