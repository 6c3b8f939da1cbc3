/// @file layers/input.hpp
/// `ctnn::Input<N>` (N features per sample) and `ctnn::Input<Time, Channels>` (a sequence of Time
/// frames of Channels values): the first argument of every network, the shape of one sample.
#pragma once

#include <cstddef>

#include "ctnn/shape.hpp"

namespace ctnn {

template <std::size_t... Sizes>
struct Input {
  static_assert(sizeof...(Sizes) == 1 || sizeof...(Sizes) == 2,
                "ctnn::Input takes one size (Input<Features>) or two (Input<Time, Channels>)");
};

/// A network's input of N features per sample (layer 0).
template <std::size_t N>
struct Input<N> {
  /// One sample's shape.
  using shape = Features<N>;
  /// Values per sample.
  static constexpr std::size_t size = N;
};

/// A network's input of a sequence per sample: Time frames of Channels values, oldest first.
template <std::size_t Time, std::size_t Channels>
struct Input<Time, Channels> {
  /// One sample's shape.
  using shape = Sequence<Time, Channels>;
  /// Values per sample.
  static constexpr std::size_t size = Time * Channels;
};

/// True for Input<...> specs.
template <class S>
inline constexpr bool is_input_v = false;
/// The specialization that makes it true.
template <std::size_t... Sizes>
inline constexpr bool is_input_v<Input<Sizes...>> = sizeof...(Sizes) == 1 || sizeof...(Sizes) == 2;

}  // namespace ctnn
