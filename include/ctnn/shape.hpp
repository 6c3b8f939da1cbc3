/// @file shape.hpp
/// What travels between layers: one sample's shape. `Features<N>` (a flat vector, what Dense
/// reads) and `Sequence<Time, Channels>` (Time frames of Channels values, oldest first, stored
/// frame after frame: what a convolution over time reads). A batch of B samples of shape S is
/// always a `Matrix<T, B, S::size>`, one sample per row, so the kernels see flat rows; the shapes
/// let layers state and check what they accept in their own terms, and errors name shapes.
#pragma once

#include <cstddef>

namespace ctnn {

/// N features per sample.
template <std::size_t N>
struct Features {
  /// Values per sample.
  static constexpr std::size_t size = N;
};

/// Time frames of Channels values per sample; frame t occupies columns [t*Channels,
/// (t+1)*Channels).
template <std::size_t Time, std::size_t Channels>
struct Sequence {
  /// Frames per sample.
  static constexpr std::size_t time = Time;
  /// Values per frame.
  static constexpr std::size_t channels = Channels;
  /// Values per sample.
  static constexpr std::size_t size = Time * Channels;
};

/// True for Features<N>.
template <class S>
inline constexpr bool is_features_v = false;
/// The specialization that makes it true.
template <std::size_t N>
inline constexpr bool is_features_v<Features<N>> = true;

/// True for Sequence<Time, Channels>.
template <class S>
inline constexpr bool is_sequence_v = false;
/// The specialization that makes it true.
template <std::size_t Time, std::size_t Channels>
inline constexpr bool is_sequence_v<Sequence<Time, Channels>> = true;

/// A shape ctnn knows: Features<N> or Sequence<Time, Channels>.
template <class S>
concept Shape = is_features_v<S> || is_sequence_v<S>;

/// What a layer spec accepts, for error messages: `accepts<any_features>` and so on.
struct any_features {};
struct any_sequence {};

}  // namespace ctnn
