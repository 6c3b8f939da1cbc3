/// @file layers/layer.hpp
/// What a layer is. Users write layer *specs* (`Dense<8>`, `ReLU`); a network binds each spec to
/// the element type and to the size of the layer before it, which gives the layer itself
/// (`DenseLayer<float, 4, 8>`). Both sides are concepts, so a user-defined layer that misses a
/// requirement is told which one.
#pragma once

#include <concepts>
#include <cstddef>
#include <tuple>
#include <type_traits>

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

/// The requirements of the Layer concept, one type each, so that a layer missing one is told
/// which (ctnn::shape_error::layer_misses_a_requirement names it).
namespace layer_requirement {
/// `using value_type = T;` and `static constexpr std::size_t input_size, output_size`.
struct value_type_input_size_and_output_size {};
/// `void forward(const Matrix<T, B, In>& x, Matrix<T, B, Out>& y) const`.
struct const_forward_from_input_batch_to_output_batch {};
/// `template <bool InputGradient> void backward(x, y, dC/dy, dC/dx, L& gradient) const`.
struct const_backward_with_input_gradient_flag {};
/// `tensors()` (const and non-const): a tuple of references to its parameter matrices.
struct tensors_returning_its_parameter_matrices {};
/// `void initialize(SplitMix64&, Initialization)`.
struct initialize_from_generator_and_scheme {};
}  // namespace layer_requirement

namespace detail {

template <class L>
concept layer_has_sizes = requires {
  typename L::value_type;
  { L::input_size } -> std::convertible_to<std::size_t>;
  { L::output_size } -> std::convertible_to<std::size_t>;
};

template <class L, std::size_t Rows, std::size_t Cols>
using layer_batch = Matrix<typename L::value_type, Rows, Cols>;

template <class L>
concept layer_has_forward = requires(const L& layer,
                                     const layer_batch<L, probe_batch, L::input_size>& x,
                                     layer_batch<L, probe_batch, L::output_size>& y) {
  layer.forward(x, y);
};

template <class L>
concept layer_has_backward = requires(const L& layer, L& gradient,
                                      const layer_batch<L, probe_batch, L::input_size>& x,
                                      const layer_batch<L, probe_batch, L::output_size>& y,
                                      layer_batch<L, probe_batch, L::input_size>& dx) {
  layer.template backward<true>(x, y, y, dx, gradient);
  layer.template backward<false>(x, y, y, dx, gradient);
};

template <class L>
concept layer_has_tensors = requires(L& layer, const L& clayer) {
  layer.tensors();
  clayer.tensors();
};

template <class L>
concept layer_has_initialize = requires(L& layer, SplitMix64& rng) {
  layer.initialize(rng, Initialization::glorot);
};

/// The first requirement of Layer that L misses (std::type_identity of it), or void.
template <class L>
constexpr auto missing_layer_requirement() {
  using namespace layer_requirement;
  if constexpr (!layer_has_sizes<L>)
    return std::type_identity<value_type_input_size_and_output_size>{};
  else if constexpr (!layer_has_forward<L>)
    return std::type_identity<const_forward_from_input_batch_to_output_batch>{};
  else if constexpr (!layer_has_backward<L>)
    return std::type_identity<const_backward_with_input_gradient_flag>{};
  else if constexpr (!layer_has_tensors<L>)
    return std::type_identity<tensors_returning_its_parameter_matrices>{};
  else if constexpr (!layer_has_initialize<L>)
    return std::type_identity<initialize_from_generator_and_scheme>{};
  else
    return std::type_identity<void>{};
}

}  // namespace detail

/// A bound layer: sizes as constants; forward and backward on a batch; its parameters (if any) as
/// a tuple of matrices; the gradient of its parameters stored in an object of its own type.
template <class L>
concept Layer =
    detail::layer_has_sizes<L> && detail::layer_has_forward<L> && detail::layer_has_backward<L> &&
    detail::layer_has_tensors<L> && detail::layer_has_initialize<L>;

/// A layer spec: given the input size it accepts (or not), it has an output size and a layer.
/// `Spec::output_size<N>` and `Spec::layer<T, N>` are only required for sizes the spec accepts.
template <class S>
concept LayerSpec = requires {
  { S::template accepts_input<1> } -> std::convertible_to<bool>;
};

}  // namespace ctnn
