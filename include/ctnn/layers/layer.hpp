/// @file layers/layer.hpp
/// What a layer is. Users write layer *specs* (`Dense<8>`, `ReLU`); a network binds each spec to
/// the element type and to the size of the layer before it, which gives the layer itself
/// (`DenseLayer<float, 4, 8>`). Both sides are concepts, so a user-defined layer that misses a
/// requirement is told which one.
#pragma once

#include <concepts>
#include <cstddef>
#include <tuple>

#include "ctnn/matrix.hpp"
#include "ctnn/random.hpp"

namespace ctnn {

/// How a layer's weights are drawn (MATH.md, Initialization): Glorot for layers followed by
/// sigmoid, tanh, identity or softmax; He for layers followed by ReLU.
enum class Initialization { glorot, he };

/// A layer with no parameters (activations): its parameter list is empty.
struct NoParameters {
  constexpr std::tuple<> tensors() { return {}; }
  constexpr std::tuple<> tensors() const { return {}; }
};

namespace detail {
/// Batch size used to check the concepts' function requirements.
inline constexpr std::size_t probe_batch = 2;
}  // namespace detail

/// A bound layer: sizes as constants; forward and backward on a batch; its parameters (if any) as
/// a tuple of matrices; the gradient of its parameters stored in an object of its own type.
template <class L>
concept Layer = requires {
  typename L::value_type;
  { L::input_size } -> std::convertible_to<std::size_t>;
  { L::output_size } -> std::convertible_to<std::size_t>;
}
&&requires(L& layer, const L& clayer, L& gradient,
           const Matrix<typename L::value_type, detail::probe_batch, L::input_size>& x,
           const Matrix<typename L::value_type, detail::probe_batch, L::output_size>& y,
           Matrix<typename L::value_type, detail::probe_batch, L::output_size>& y_out,
           Matrix<typename L::value_type, detail::probe_batch, L::input_size>& dx,
           SplitMix64& rng) {
  clayer.forward(x, y_out);
  clayer.template backward<true>(x, y, y, dx, gradient);
  layer.tensors();
  clayer.tensors();
  layer.initialize(rng, Initialization::glorot);
};

/// A layer spec: given the input size it accepts (or not), it has an output size and a layer.
/// `Spec::output_size<N>` and `Spec::layer<T, N>` are only required for sizes the spec accepts.
template <class S>
concept LayerSpec = requires {
  { S::template accepts_input<1> } -> std::convertible_to<bool>;
};

}  // namespace ctnn
