/// @file layers/dense.hpp
/// `ctnn::Dense<Out>` (input size inferred from the layer before) and `ctnn::Dense<In, Out>` (input
/// size stated, and checked): the fully connected layer Z = A W + 1 b of MATH.md, with W of shape
/// (In, Out) (column j holds the weights of unit j) and b of shape (1, Out).
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
  using value_type = T;
  using input_shape = Features<In>;
  using output_shape = Features<Out>;
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
  static constexpr std::size_t input_size = In;
  static constexpr std::size_t output_size = Out;
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

template <std::size_t... Sizes>
struct Dense {
  static_assert(sizeof...(Sizes) == 1 || sizeof...(Sizes) == 2,
                "ctnn::Dense takes one size (Dense<Out>) or two (Dense<In, Out>)");
};

/// A dense layer with Out units; its input size is the feature count of the layer before.
template <std::size_t Out>
struct Dense<Out> {
  static constexpr std::size_t units = Out;
  using accepted = any_features;
  template <class S>
  static constexpr bool accepts = is_features_v<S>;
  template <class S>
  using output_shape = Features<Out>;
  template <class T, class S>
  using layer = DenseLayer<T, S::size, Out>;
};

/// A dense layer that states its input size; a network checks it against the layer before.
template <std::size_t In, std::size_t Out>
struct Dense<In, Out> {
  static constexpr std::size_t units = Out;
  static constexpr std::size_t declared_input_size = In;
  using accepted = Features<In>;
  template <class S>
  static constexpr bool accepts = std::is_same_v<S, Features<In>>;
  template <class S>
  using output_shape = Features<Out>;
  template <class T, class S>
  using layer = DenseLayer<T, In, Out>;
};

}  // namespace ctnn
