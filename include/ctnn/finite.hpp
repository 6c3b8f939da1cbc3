/// @file finite.hpp
/// NaN and Inf detection that survives -ffast-math: `is_finite(x)`, `all_finite(matrix)`,
/// `all_finite(tensors of a network or gradients)`. Bit tests, not isnan (kernels/scalar.hpp);
/// one pass over the data, vectorized. Check the output of inference with
/// `ctnn::all_finite(net.forward(x))`; training steps check their inputs and gradients themselves
/// (train.hpp).
#pragma once

#include <bit>
#include <cstddef>
#include <type_traits>

#include "ctnn/detail/tensors.hpp"
#include "ctnn/kernels/dispatch.hpp"
#include "ctnn/matrix.hpp"

namespace ctnn {

/// True when x is neither NaN nor +-Inf (by its bits: also under -ffast-math).
template <class T>
requires std::is_floating_point_v<T>
constexpr bool is_finite(T x) {
  return kernels::scalar::all_finite<1>(&x);
}

/// True when every element of m is finite.
template <class T, std::size_t R, std::size_t C>
constexpr bool all_finite(const Matrix<T, R, C>& m) {
  return kernels::all_finite<R * C>(m.data());
}

namespace detail {
/// Index (1..depth) of the first layer with a non-finite parameter tensor in a layer tuple (a
/// network's parameters, its gradients), or 0 if every tensor is finite.
template <class LayerTuple>
constexpr std::size_t first_non_finite_layer(const LayerTuple& layers) {
  std::size_t first = 0, layer = 0;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          ++layer;
          if (first != 0) return;
          std::apply(
              [&](const auto&... tensor) {
                if (!(... && all_finite(tensor))) first = layer;
              },
              tensors_of(boost::hana::at_c<I>(layers)));
        }(),
        ...);
  }
  (std::make_index_sequence<decltype(boost::hana::length(layers))::value>{});
  return first;
}
}  // namespace detail

/// True when every parameter tensor of a network (or of its Gradients) is finite.
template <class HasLayers>
requires requires(const HasLayers& h) {
  h.layers();
}
constexpr bool all_finite(const HasLayers& h) {
  return detail::first_non_finite_layer(h.layers()) == 0;
}

}  // namespace ctnn
