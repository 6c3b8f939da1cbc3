/// @file layers/dense.hpp
/// `ctnn::Dense<Out>` (input size inferred from the layer before) and `ctnn::Dense<In, Out>` (input
/// size stated, and checked): the fully connected layer Z = A W + 1 b of MATH.md, with W of shape
/// (In, Out) (column j holds the weights of unit j) and b of shape (1, Out).
#pragma once

#include <cstddef>
#include <tuple>

#include "ctnn/detail/math.hpp"
#include "ctnn/kernels/dispatch.hpp"
#include "ctnn/layers/layer.hpp"
#include "ctnn/matrix.hpp"
#include "ctnn/operations.hpp"
#include "ctnn/random.hpp"

namespace ctnn {

/// The bound dense layer; also the type of its gradient (same shapes by construction).
template <class T, std::size_t In, std::size_t Out>
struct DenseLayer {
  using value_type = T;
  static constexpr std::size_t input_size = In;
  static constexpr std::size_t output_size = Out;
  static constexpr std::size_t parameter_count = In * Out + Out;

  Matrix<T, In, Out> weights;
  Matrix<T, 1, Out> bias;

  constexpr auto tensors() { return std::tie(weights, bias); }
  constexpr auto tensors() const { return std::tie(weights, bias); }

  /// Z = A W + 1 b for a batch of B rows.
  template <std::size_t B>
  constexpr void forward(const Matrix<T, B, In>& a, Matrix<T, B, Out>& z) const {
    multiply_add_row(a, weights, bias, z);
  }

  /// A = f(A_in W + 1 b) in one pass, for an element-wise activation f (activation::relu, ...)
  /// that follows this layer: inference does not store Z.
  template <class Activation, std::size_t B>
  constexpr void forward_activated(const Matrix<T, B, In>& a, Matrix<T, B, Out>& y) const {
    kernels::gemm_activated<B, In, Out, Activation>(a.data(), weights.data(), bias.data(),
                                                    y.data());
  }

  /// From G = dC/dZ: dW = A^T G, db = 1^T G, and (when wanted) dA = G W^T.
  template <bool InputGradient, std::size_t B>
  constexpr void backward(const Matrix<T, B, In>& a, const Matrix<T, B, Out>& /*z*/,
                          const Matrix<T, B, Out>& g, Matrix<T, B, In>& da,
                          DenseLayer& gradient) const {
    transposed_times(a, g, gradient.weights);
    column_sums(g, gradient.bias);
    if constexpr (InputGradient) times_transposed(g, weights, da);
  }

  /// Uniform weights, U(-r, r) with r = sqrt(6 / (In + Out)) (Glorot) or sqrt(6 / In) (He);
  /// zero biases.
  constexpr void initialize(SplitMix64& rng, Initialization scheme) {
    const double fan = scheme == Initialization::he ? double(In) : double(In + Out);
    const double r = detail::constexpr_sqrt(6.0 / fan);
    for (auto& w : weights) w = static_cast<T>(rng.uniform(r));
    for (auto& b : bias) b = T(0);
  }
};

template <std::size_t... Sizes>
struct Dense {
  static_assert(sizeof...(Sizes) == 1 || sizeof...(Sizes) == 2,
                "ctnn::Dense takes one size (Dense<Out>) or two (Dense<In, Out>)");
};

/// A dense layer with Out units; its input size is the output size of the layer before.
template <std::size_t Out>
struct Dense<Out> {
  static constexpr std::size_t units = Out;
  template <std::size_t In>
  static constexpr bool accepts_input = true;
  template <std::size_t In>
  static constexpr std::size_t output_size = Out;
  template <class T, std::size_t In>
  using layer = DenseLayer<T, In, Out>;
};

/// A dense layer that states its input size; a network checks it against the layer before.
template <std::size_t In, std::size_t Out>
struct Dense<In, Out> {
  static constexpr std::size_t units = Out;
  static constexpr std::size_t declared_input_size = In;
  template <std::size_t N>
  static constexpr bool accepts_input = (N == In);
  template <std::size_t N>
  static constexpr std::size_t output_size = Out;
  template <class T, std::size_t N>
  using layer = DenseLayer<T, In, Out>;
};

}  // namespace ctnn
