/// @file layers/dense.hpp
/// `ctnn::Dense<Out>` (input size inferred from the layer before) and `ctnn::Dense<In, Out>` (input
/// size stated, and checked): the fully connected layer Z = A W + 1 b of MATH.md, with W of shape
/// (In, Out) (column j holds the weights of unit j) and b of shape (1, Out). And
/// `ctnn::Linear<Out>`, PyTorch's nn.Linear: Dense on features, the same map on every frame of a
/// sequence (Z_t = X_t W + b), which is what follows a recurrent layer in an audio model.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <string_view>
#include <type_traits>

#include "ctnn/detail/math.hpp"
#include "ctnn/kernels/dispatch.hpp"
#include "ctnn/layers/layer.hpp"
#include "ctnn/matrix.hpp"
#include "ctnn/operations.hpp"
#include "ctnn/random.hpp"
#include "ctnn/shape.hpp"

namespace ctnn {

/// The parameters of a dense layer: W (In, Out) and b (1, Out).
template <class T, std::size_t In, std::size_t Out>
using DenseParameters = WeightAndBias<T, In, Out>;

/// The bound dense layer.
template <class T, std::size_t In, std::size_t Out>
struct DenseLayer : WithParameters<DenseParameters<T, In, Out>> {
  /// The element type (float or double).
  using value_type = T;
  /// The shape of one input sample.
  using input_shape = Features<In>;
  /// The shape of one output sample (for an input shape S, in a spec).
  using output_shape = Features<Out>;
  /// The layer's name in architecture strings, weight files and messages.
  static constexpr std::string_view kind = "Dense";
  /// Spelled in an architecture string as Dense<Out>.
  static constexpr std::array<std::size_t, 1> architecture_arguments{Out};
  /// In weight files as PyTorch's nn.Linear: weight (Out, In), bias (Out).
  template <std::size_t J>
  static constexpr TensorLayout file_layout() {
    if constexpr (J == 0)
      return {2, {Out, In, 0}, {1, Out, 0}};
    else
      return {1, {Out, 0, 0}, {1, 0, 0}};
  }
  /// Values per input sample.
  static constexpr std::size_t input_size = In;
  /// Values per output sample.
  static constexpr std::size_t output_size = Out;
  /// Number of trainable values.
  static constexpr std::size_t parameter_count = In * Out + Out;

  /// Z = A W + 1 b for a batch of B rows.
  template <std::size_t B>
  constexpr void forward(const Matrix<T, B, In>& a, Matrix<T, B, Out>& z) const {
    multiply_add_row(a, this->weights, this->bias, z);
  }

  /// True when inference may run this layer and Next (an element-wise activation) as one product
  /// that applies the activation in registers: Z is never stored.
  template <class Next>
  static constexpr bool fuses_with = requires(T z) {
    { Next::function::value(z) } -> std::same_as<T>;
  };

  /// A = f(A_in W + 1 b) in one pass, f being the activation of layer Next (fuses_with<Next>).
  template <class Next, std::size_t B>
  constexpr void forward_fused(const Matrix<T, B, In>& a, Matrix<T, B, Out>& y) const {
    kernels::gemm_activated<B, In, Out, typename Next::function>(a.data(), this->weights.data(),
                                                                 this->bias.data(), y.data());
  }

  /// From G = dC/dZ: dW = A^T G, db = 1^T G, and (when wanted) dA = G W^T.
  template <bool InputGradient, std::size_t B>
  constexpr void backward(const Matrix<T, B, In>& a, const Matrix<T, B, Out>& /*z*/,
                          const Matrix<T, B, Out>& g, Matrix<T, B, In>& da,
                          DenseParameters<T, In, Out>& gradient) const {
    transposed_times(a, g, gradient.weights);
    column_sums(g, gradient.bias);
    if constexpr (InputGradient) times_transposed(g, this->weights, da);
  }

  /// Uniform weights, U(-r, r) with r = sqrt(6 / (In + Out)) (Glorot) or sqrt(6 / In) (He);
  /// zero biases.
  constexpr void initialize(SplitMix64& rng, Initialization scheme) {
    const double fan = scheme == Initialization::he ? double(In) : double(In + Out);
    const double r = detail::constexpr_sqrt(6.0 / fan);
    for (auto& w : this->weights) w = static_cast<T>(rng.uniform(r));
    for (auto& b : this->bias) b = T(0);
  }
};

/// The bound per-frame dense layer: Z_t = X_t W + b for each of the Time frames of every sequence
/// of the batch, all B*Time frames as the rows of one product.
template <class T, std::size_t Time, std::size_t In, std::size_t Out>
struct FrameDenseLayer : WithParameters<DenseParameters<T, In, Out>> {
  /// The element type (float or double).
  using value_type = T;
  /// The shape of one input sample.
  using input_shape = Sequence<Time, In>;
  /// The shape of one output sample (for an input shape S, in a spec).
  using output_shape = Sequence<Time, Out>;
  /// The layer's name in architecture strings, weight files and messages.
  static constexpr std::string_view kind = "Linear";
  /// Spelled in an architecture string as Linear<Out>.
  static constexpr std::array<std::size_t, 1> architecture_arguments{Out};
  /// In weight files as PyTorch's nn.Linear: weight (Out, In), bias (Out).
  template <std::size_t J>
  static constexpr TensorLayout file_layout() {
    return DenseLayer<T, In, Out>::template file_layout<J>();
  }

  /// Z_t = X_t W + b for every frame of B sequences: one product over B x Time rows.
  template <std::size_t B>
  constexpr void forward(const Matrix<T, B, Time * In>& x, Matrix<T, B, Time * Out>& z) const {
    kernels::gemm<B * Time, In, Out>(x.data(), this->weights.data(), this->bias.data(), z.data());
  }
  /// From G = dC/dZ over all frames: dW = X^T G, db = 1^T G, and (when wanted) dX = G W^T.
  template <bool InputGradient, std::size_t B>
  constexpr void backward(const Matrix<T, B, Time * In>& x, const Matrix<T, B, Time * Out>&,
                          const Matrix<T, B, Time * Out>& g, Matrix<T, B, Time * In>& dx,
                          DenseParameters<T, In, Out>& gradient) const {
    kernels::gemm_tn<B * Time, In, Out>(x.data(), g.data(), gradient.weights.data());
    kernels::column_sums<B * Time, Out>(g.data(), gradient.bias.data());
    if constexpr (InputGradient)
      kernels::gemm_nt<B * Time, Out, In>(g.data(), this->weights.data(), dx.data());
  }
  /// As Dense: Glorot or He uniform weights, zero biases.
  constexpr void initialize(SplitMix64& rng, Initialization scheme) {
    const double fan = scheme == Initialization::he ? double(In) : double(In + Out);
    const double r = detail::constexpr_sqrt(6.0 / fan);
    for (auto& w : this->weights) w = static_cast<T>(rng.uniform(r));
    for (auto& b : this->bias) b = T(0);
  }
};

template <std::size_t... Sizes>
struct Dense {
  static_assert(sizeof...(Sizes) == 1 || sizeof...(Sizes) == 2,
                "ctnn::Dense takes one size (Dense<Out>) or two (Dense<In, Out>)");
};

/// A dense layer with Out units; its input size is the feature count of the layer before.
template <std::size_t Out>
struct Dense<Out> {
  /// Outputs per sample (per frame on a sequence).
  static constexpr std::size_t units = Out;
  /// What the layer accepts, for shape-error messages.
  using accepted = any_features;
  /// Whether the layer accepts the sample shape S of the layer before.
  template <class S>
  static constexpr bool accepts = is_features_v<S>;
  /// The shape of one output sample (for an input shape S, in a spec).
  template <class S>
  using output_shape = Features<Out>;
  /// The bound layer for element type T and input shape S.
  template <class T, class S>
  using layer = DenseLayer<T, S::size, Out>;
};

/// A dense layer that states its input size; a network checks it against the layer before.
template <std::size_t In, std::size_t Out>
struct Dense<In, Out> {
  /// Outputs per sample (per frame on a sequence).
  static constexpr std::size_t units = Out;
  /// The input size it states, checked against the layer before.
  static constexpr std::size_t declared_input_size = In;
  /// What the layer accepts, for shape-error messages.
  using accepted = Features<In>;
  /// Whether the layer accepts the sample shape S of the layer before.
  template <class S>
  static constexpr bool accepts = std::is_same_v<S, Features<In>>;
  /// The shape of one output sample (for an input shape S, in a spec).
  template <class S>
  using output_shape = Features<Out>;
  /// The bound layer for element type T and input shape S.
  template <class T, class S>
  using layer = DenseLayer<T, In, Out>;
};

namespace detail {
template <class T, class S, std::size_t Out>
struct linear_layer {
  using type = DenseLayer<T, S::size, Out>;
};
template <class T, std::size_t Time, std::size_t In, std::size_t Out>
struct linear_layer<T, Sequence<Time, In>, Out> {
  using type = FrameDenseLayer<T, Time, In, Out>;
};
template <class S, std::size_t Out>
struct linear_shape {
  using type = Features<Out>;
};
template <std::size_t Time, std::size_t In, std::size_t Out>
struct linear_shape<Sequence<Time, In>, Out> {
  using type = Sequence<Time, Out>;
};
}  // namespace detail

/// PyTorch's nn.Linear with Out units: on features, Dense<Out>; on a Sequence<Time, C>, the same
/// map applied to every frame (Sequence<Time, Out>), as nn.Linear on (batch, time, channels).
template <std::size_t Out>
struct Linear {
  /// Outputs per sample (per frame on a sequence).
  static constexpr std::size_t units = Out;
  /// Whether the layer accepts the sample shape S of the layer before.
  template <class S>
  static constexpr bool accepts = is_features_v<S> || is_sequence_v<S>;
  /// The shape of one output sample (for an input shape S, in a spec).
  template <class S>
  using output_shape = typename detail::linear_shape<S, Out>::type;
  /// The bound layer for element type T and input shape S.
  template <class T, class S>
  using layer = typename detail::linear_layer<T, S, Out>::type;
};

}  // namespace ctnn
