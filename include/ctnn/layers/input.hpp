/// @file layers/input.hpp
/// `ctnn::Input<N>`: the first argument of every network, the number of input features.
#pragma once

#include <cstddef>

namespace ctnn {

template <std::size_t N>
struct Input {
  static constexpr std::size_t size = N;
};

template <class S>
inline constexpr bool is_input_v = false;
template <std::size_t N>
inline constexpr bool is_input_v<Input<N>> = true;

}  // namespace ctnn
