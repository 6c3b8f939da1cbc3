/// @file layers/activations.hpp
/// Activations as layers of their own: `ctnn::ReLU`, `ctnn::Sigmoid`, `ctnn::Tanh`,
/// `ctnn::FastTanh`, `ctnn::Identity` (element-wise) and `ctnn::Softmax` (row-wise). Each keeps the
/// input size. Backward uses the layer's output a = f(z) (MATH.md: "in terms of a where cheaper").
#pragma once

#include <concepts>
#include <cstddef>
#include <string_view>

#include "ctnn/kernels/dispatch.hpp"
#include "ctnn/layers/activation_functions.hpp"
#include "ctnn/layers/layer.hpp"
#include "ctnn/matrix.hpp"
#include "ctnn/shape.hpp"

namespace ctnn {

namespace activation {

/// Row-wise e^z / sum e^z (not element-wise: its own row kernels). Types: float, double. Error:
/// Highway's Exp (<= 1 ulp) and a sum over the row. Range: any z (the row maximum is subtracted).
struct softmax {
  /// The name in messages and architecture strings.
  static constexpr std::string_view name = "Softmax";
  /// Row-wise softmax of a batch (a whole-row function, not element-wise).
  template <std::size_t B, std::size_t N, class T>
  static constexpr void forward(const T* z, T* s) {
    kernels::softmax_rows<B, N>(z, s);
  }
  /// Row-wise Jacobian-vector product s (.) (da - da . s).
  template <std::size_t B, std::size_t N, class T>
  static constexpr void backward(const T* s, const T* da, T* dz) {
    kernels::softmax_backward_rows<B, N>(s, da, dz);
  }
};

}  // namespace activation

/// The bound activation layer over samples of shape S: no parameters, `Function` supplies the
/// kernels.
template <class Function, class T, class S>
struct ActivationLayer : WithParameters<NoParameters> {
  /// The element type (float or double).
  using value_type = T;
  /// The function applied (activation_functions.hpp).
  using function = Function;
  /// The shape of one input sample.
  using input_shape = S;
  /// The shape of one output sample (for an input shape S, in a spec).
  using output_shape = S;
  /// The layer's name in architecture strings, weight files and messages.
  static constexpr std::string_view kind = Function::name;
  /// Values per sample.
  static constexpr std::size_t N = S::size;
  /// Values per input sample.
  static constexpr std::size_t input_size = N;
  /// Values per output sample.
  static constexpr std::size_t output_size = N;
  /// Number of trainable values.
  static constexpr std::size_t parameter_count = 0;

  /// A = f(Z) for a batch of B samples.
  template <std::size_t B>
  constexpr void forward(const Matrix<T, B, N>& z, Matrix<T, B, N>& a) const {
    if constexpr (activation::ElementWise<Function>)
      kernels::activate<B * N, Function>(z.data(), a.data());
    else
      Function::template forward<B, N>(z.data(), a.data());
  }

  /// dZ = f'(Z) (.) dA, computed from A = f(Z).
  template <bool InputGradient, std::size_t B>
  constexpr void backward(const Matrix<T, B, N>& /*z*/, const Matrix<T, B, N>& a,
                          const Matrix<T, B, N>& da, Matrix<T, B, N>& dz,
                          NoParameters& /*gradient*/) const {
    if constexpr (!InputGradient)
      return;
    else if constexpr (activation::ElementWise<Function>)
      kernels::activate_backward<B * N, Function>(a.data(), da.data(), dz.data());
    else
      Function::template backward<B, N>(a.data(), da.data(), dz.data());
  }

  /// Nothing to draw: the layer has no parameters.
  constexpr void initialize(SplitMix64&, Initialization) {}
};

/// Common part of the activation specs: shape-preserving (features or sequences), binds to
/// ActivationLayer.
template <class Function, Initialization Init>
struct ActivationSpec {
  /// The element-wise function (activation_functions.hpp).
  using function = Function;
  /// The initialization of the dense layer that feeds this activation.
  static constexpr Initialization initialization = Init;
  /// Whether the layer accepts the sample shape S of the layer before.
  template <class S>
  static constexpr bool accepts = true;
  /// The shape of one output sample (for an input shape S, in a spec).
  template <class S>
  using output_shape = S;
  /// The bound layer for element type T and input shape S.
  template <class T, class S>
  using layer = ActivationLayer<Function, T, S>;
};

/// max(0, z); f'(0) = 0.
struct ReLU : ActivationSpec<activation::relu, Initialization::he> {};
/// 1 / (1 + e^-z), computed without overflow for any z.
struct Sigmoid : ActivationSpec<activation::sigmoid, Initialization::glorot> {
  /// Its outputs are probabilities (what BinaryCrossEntropy requires).
  static constexpr bool outputs_probabilities = true;
};
/// tanh(z).
struct Tanh : ActivationSpec<activation::tanh, Initialization::glorot> {};
/// tanh(z) by a rational approximation (activation::fast_tanh): at most 4.9 ulp in float (2.9e-7
/// absolute, the accuracy of Eigen's float tanh) instead of Tanh's 1.5, with no branch: faster
/// than Tanh where inputs pass |z| = 1 (Tanh then also evaluates an exponential), slower where all
/// are below (on Zen 4, the 8-16-16-1 benchmark model, below 1: 32 ns against 26; the 1-8-8-1
/// audio model: 12.5-15 ns per sample against 9.6).
struct FastTanh : ActivationSpec<activation::fast_tanh, Initialization::glorot> {};
/// z (an explicit linear output).
struct Identity : ActivationSpec<activation::identity, Initialization::glorot> {};
/// Row-wise e^z / sum e^z, computed with the row maximum subtracted.
/// Over features only (a sequence would need a softmax per frame).
struct Softmax : ActivationSpec<activation::softmax, Initialization::glorot> {
  /// Its outputs are probabilities (what BinaryCrossEntropy requires).
  static constexpr bool outputs_probabilities = true;
  /// What the layer accepts, for shape-error messages.
  using accepted = any_features;
  /// Whether the layer accepts the sample shape S of the layer before.
  template <class S>
  static constexpr bool accepts = is_features_v<S>;
};

}  // namespace ctnn
