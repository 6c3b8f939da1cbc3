/// @file layers/layer.hpp
/// What a layer is. Users write layer *specs* (`Dense<8>`, `ReLU`); a network binds each spec to
/// the element type and to the shape of the sample before it, which gives the layer itself
/// (`DenseLayer<float, 4, 8>`). A layer keeps three things apart:
///   - parameters: named trainable tensors (what gradients, optimizers, L2 and weight files see);
///   - state: what persists between streaming calls (a convolution's past inputs), `reset()`;
///   - `cache<B>`: what backward needs from a training forward pass beyond the layer's input and
///     output, per batch; it lives in the caller's Workspace.
/// Two concepts: InferenceLayer (forward only) and TrainableLayer (adds backward, parameters,
/// initialization). Each requirement is a type of its own, so a user-defined layer that misses
/// one is told which.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "ctnn/matrix.hpp"
#include "ctnn/random.hpp"
#include "ctnn/shape.hpp"

namespace ctnn {

/// How a layer's weights are drawn (MATH.md, Initialization): Glorot for layers followed by
/// sigmoid, tanh, identity or softmax; He for layers followed by ReLU.
enum class Initialization { glorot, he };

/// The parameters of a layer that has none (activations).
struct NoParameters {
  /// The tensors' names, as PyTorch names them.
  static constexpr std::array<std::string_view, 0> names{};
  /// Per tensor: whether L2 applies (weights yes, biases no).
  static constexpr std::array<bool, 0> decayed{};
  /// The tensors as a tuple of references, in the order of `names`.
  constexpr std::tuple<> tensors() { return {}; }
  /// The tensors as a tuple of const references, in the order of `names`.
  constexpr std::tuple<> tensors() const { return {}; }
};

/// How a parameter matrix is laid out in a weight file (PyTorch's layout, io/safetensors.hpp): the
/// file's shape (rank 1 to 3, row-major) and, per file axis, the step in the matrix's flat
/// (row-major) storage. A (1, N) matrix defaults to a vector [N], an (R, C) matrix to [R, C].
struct TensorLayout {
  /// Number of dimensions in the file (1 to 3).
  std::size_t rank = 0;
  /// The file's shape.
  std::array<std::size_t, 3> dims{};
  /// Per file axis, the step in the matrix's flat storage.
  std::array<std::size_t, 3> strides{};

  /// Number of values.
  constexpr std::size_t size() const {
    std::size_t n = 1;
    for (std::size_t a = 0; a < rank; ++a) n *= dims[a];
    return n;
  }
  /// The matrix index of the file's element i (row-major over dims).
  constexpr std::size_t matrix_index(std::size_t i) const {
    std::size_t at = 0;
    for (std::size_t a = rank; a-- > 0;) {
      at += (i % dims[a]) * strides[a];
      i /= dims[a];
    }
    return at;
  }
};

/// The parameter set of an affine map: W of shape (Inputs, Outputs) and b of shape (1, Outputs),
/// named "weight" and "bias"; L2 applies to W only. Dense and Conv1D layers hold one.
template <class T, std::size_t Inputs, std::size_t Outputs>
struct WeightAndBias {
  /// The tensors' names, as PyTorch names them.
  static constexpr std::array<std::string_view, 2> names{"weight", "bias"};
  /// Per tensor: whether L2 applies (weights yes, biases no).
  static constexpr std::array<bool, 2> decayed{true, false};

  /// W, of shape (Inputs, Outputs).
  Matrix<T, Inputs, Outputs> weights;
  /// b, of shape (1, Outputs).
  Matrix<T, 1, Outputs> bias;

  /// The tensors as a tuple of references, in the order of `names`.
  constexpr auto tensors() { return std::tie(weights, bias); }
  /// The tensors as a tuple of const references, in the order of `names`.
  constexpr auto tensors() const { return std::tie(weights, bias); }
};

/// Base of a layer whose parameters are the set P (a struct of matrices with `tensors()`, `names`
/// and `decayed`): the layer IS-A P, so `layer.weights` reads a tensor, and `parameters()` gives
/// the set alone (what Gradients<Net> and optimizer state hold, one P per layer).
template <class P>
struct WithParameters : P {
  /// The parameter set: what gradients and optimizer moments hold for this layer.
  using parameters_type = P;
  /// The parameter set alone.
  constexpr P& parameters() { return *this; }
  /// The parameter set alone, read-only.
  constexpr const P& parameters() const { return *this; }
};

namespace detail {
/// Batch size used to check the concepts' function requirements.
inline constexpr std::size_t probe_batch = 2;

template <class L, std::size_t B>
struct cache_of {
  struct type {};
};
template <class L, std::size_t B>
requires requires {
  typename L::template cache<B>;
}
struct cache_of<L, B> {
  using type = typename L::template cache<B>;
};
}  // namespace detail

/// What layer L keeps from a training forward pass of B samples for its backward pass (an empty
/// struct for most layers).
template <class L, std::size_t B>
using cache_t = typename detail::cache_of<L, B>::type;

/// True when L declares a training cache (`template <std::size_t B> using cache = ...`).
template <class L>
inline constexpr bool has_cache_v = requires {
  typename L::template cache<1>;
};

/// True when L keeps state between streaming calls (`state_type`, `reset()`, `stream(x, y)`).
template <class L>
inline constexpr bool has_state_v = requires {
  typename L::state_type;
};

/// The requirements of the layer concepts, one type each, so that a layer missing one is told
/// which (ctnn::shape_error::layer_misses_a_requirement and layer_cannot_be_trained name it).
namespace layer_requirement {
/// `using value_type = T;` and `using input_shape = ..., output_shape = ...;` (ctnn::Shape).
struct value_type_input_shape_and_output_shape {};
/// `void forward(const Matrix<T, B, In>& x, Matrix<T, B, Out>& y) const`.
struct const_forward_from_input_batch_to_output_batch {};
/// `template <bool InputGradient> void backward(x, y, dC/dy, dC/dx, parameters_type& gradient)
/// const` (with a trailing `cache<B>&` when the layer declares a cache).
struct const_backward_with_input_gradient_flag {};
/// `parameters()` (const and non-const) returning a `parameters_type` with `tensors()` (a tuple
/// of matrix references), `names` and `decayed` (one entry per tensor); `kind`, the layer's name.
struct named_parameters_and_kind {};
/// `void initialize(SplitMix64&, Initialization)`.
struct initialize_from_generator_and_scheme {};
}  // namespace layer_requirement

namespace detail {

template <class L>
concept layer_has_shapes = requires {
  typename L::value_type;
  typename L::input_shape;
  typename L::output_shape;
}
&&Shape<typename L::input_shape>&& Shape<typename L::output_shape>;

template <class L, std::size_t Rows, class S>
using layer_batch = Matrix<typename L::value_type, Rows, S::size>;
template <class L>
using probe_input = layer_batch<L, probe_batch, typename L::input_shape>;
template <class L>
using probe_output = layer_batch<L, probe_batch, typename L::output_shape>;

template <class L>
concept layer_has_forward = requires(const L& layer, const probe_input<L>& x, probe_output<L>& y) {
  layer.forward(x, y);
};

/// A parameter set: tensors() (const and not), and one name and one decay flag per tensor.
template <class P>
concept parameter_set = requires(P& p, const P& cp) {
  p.tensors();
  cp.tensors();
  { P::names.size() } -> std::convertible_to<std::size_t>;
  { P::decayed.size() } -> std::convertible_to<std::size_t>;
}
&&std::tuple_size_v<decltype(std::declval<P&>().tensors())> == P::names.size() &&
    P::names.size() == P::decayed.size();

template <class L>
concept layer_has_parameters = requires(L& layer, const L& clayer) {
  typename L::parameters_type;
  { layer.parameters() } -> std::same_as<typename L::parameters_type&>;
  { clayer.parameters() } -> std::same_as<const typename L::parameters_type&>;
  { L::kind } -> std::convertible_to<std::string_view>;
}
&&parameter_set<typename L::parameters_type>;

template <class L>
concept layer_has_backward_without_cache = requires(const L& layer,
                                                    typename L::parameters_type& gradient,
                                                    const probe_input<L>& x,
                                                    const probe_output<L>& y, probe_input<L>& dx) {
  layer.template backward<true>(x, y, y, dx, gradient);
  layer.template backward<false>(x, y, y, dx, gradient);
};
template <class L>
concept layer_has_backward =
    layer_has_parameters<L> &&
    (has_cache_v<L> ? requires(const L& layer, typename L::parameters_type& gradient,
                               const probe_input<L>& x, const probe_output<L>& y,
                               probe_output<L>& out, probe_input<L>& dx,
                               cache_t<L, probe_batch>& cache) {
      layer.forward(x, out, cache);
      layer.template backward<true>(x, y, y, dx, gradient, cache);
      layer.template backward<false>(x, y, y, dx, gradient, cache);
    }
                    : layer_has_backward_without_cache<L>);

template <class L>
concept layer_has_initialize = requires(L& layer, SplitMix64& rng) {
  layer.initialize(rng, Initialization::glorot);
};

/// The first requirement of InferenceLayer that L misses (std::type_identity of it), or void.
template <class L>
constexpr auto missing_inference_requirement() {
  using namespace layer_requirement;
  if constexpr (!layer_has_shapes<L>)
    return std::type_identity<value_type_input_shape_and_output_shape>{};
  else if constexpr (!layer_has_forward<L>)
    return std::type_identity<const_forward_from_input_batch_to_output_batch>{};
  else
    return std::type_identity<void>{};
}

/// The first requirement that TrainableLayer adds to InferenceLayer and L misses, or void.
template <class L>
constexpr auto missing_training_requirement() {
  using namespace layer_requirement;
  if constexpr (!layer_has_parameters<L>)
    return std::type_identity<named_parameters_and_kind>{};
  else if constexpr (!layer_has_backward<L>)
    return std::type_identity<const_backward_with_input_gradient_flag>{};
  else if constexpr (!layer_has_initialize<L>)
    return std::type_identity<initialize_from_generator_and_scheme>{};
  else
    return std::type_identity<void>{};
}

}  // namespace detail

/// A layer that can run inference: shapes as types, forward on a batch.
template <class L>
concept InferenceLayer = detail::layer_has_shapes<L> && detail::layer_has_forward<L>;

/// A layer that can also be trained: named parameters, backward (the gradient of its parameters
/// goes into a `parameters_type`), initialization.
template <class L>
concept TrainableLayer = InferenceLayer<L> && detail::layer_has_parameters<L> &&
    detail::layer_has_backward<L> && detail::layer_has_initialize<L>;

/// A layer spec: for a sample shape S it accepts (`accepts<S>`), it has an `output_shape<S>` and a
/// bound `layer<T, S>`; those two are only required for shapes the spec accepts. `accepted` (a
/// shape, any_features or any_sequence) names what it accepts in error messages.
template <class S>
concept LayerSpec = requires {
  { S::template accepts<Features<1>> } -> std::convertible_to<bool>;
};

}  // namespace ctnn
