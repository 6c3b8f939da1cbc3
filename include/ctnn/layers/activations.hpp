/// @file layers/activations.hpp
/// Activations as layers of their own: `ctnn::ReLU`, `ctnn::Sigmoid`, `ctnn::Tanh`,
/// `ctnn::FastTanh`, `ctnn::Identity` (element-wise) and `ctnn::Softmax` (row-wise). Each keeps the
/// input size. Backward uses the layer's output a = f(z) (MATH.md: "in terms of a where cheaper").
#pragma once

#include <cstddef>

#include "ctnn/kernels/dispatch.hpp"
#include "ctnn/layers/layer.hpp"
#include "ctnn/matrix.hpp"

namespace ctnn {

/// The bound activation layer: no parameters, `Function` supplies the kernels.
template <class Function, class T, std::size_t N>
struct ActivationLayer : NoParameters {
  using value_type = T;
  using function = Function;
  static constexpr std::size_t input_size = N;
  static constexpr std::size_t output_size = N;
  static constexpr std::size_t parameter_count = 0;

  template <std::size_t B>
  constexpr void forward(const Matrix<T, B, N>& z, Matrix<T, B, N>& a) const {
    Function::template forward<B, N>(z.data(), a.data());
  }

  /// dZ = f'(Z) (.) dA, computed from A = f(Z).
  template <bool InputGradient, std::size_t B>
  constexpr void backward(const Matrix<T, B, N>& /*z*/, const Matrix<T, B, N>& a,
                          const Matrix<T, B, N>& da, Matrix<T, B, N>& dz,
                          ActivationLayer& /*gradient*/) const {
    if constexpr (InputGradient) Function::template backward<B, N>(a.data(), da.data(), dz.data());
  }

  constexpr void initialize(SplitMix64&, Initialization) {}
};

/// Common part of the activation specs: size-preserving, binds to ActivationLayer.
template <class Function, Initialization Init>
struct ActivationSpec {
  /// The initialization of the dense layer that feeds this activation.
  static constexpr Initialization initialization = Init;
  template <std::size_t In>
  static constexpr bool accepts_input = true;
  template <std::size_t In>
  static constexpr std::size_t output_size = In;
  template <class T, std::size_t In>
  using layer = ActivationLayer<Function, T, In>;
};

namespace activation {

struct relu {
  /// What the dense layer before this activation applies to its products in registers (fused).
  using simd_epilogue = kernels::simd::relu_op;
  template <std::size_t B, std::size_t N, class T>
  static constexpr void forward(const T* z, T* a) {
    kernels::relu<B * N>(z, a);
  }
  template <std::size_t B, std::size_t N, class T>
  static constexpr void backward(const T* a, const T* da, T* dz) {
    kernels::relu_backward<B * N>(a, da, dz);
  }
};
struct sigmoid {
  /// What the dense layer before this activation applies to its products in registers (fused).
  using simd_epilogue = kernels::simd::sigmoid_op;
  template <std::size_t B, std::size_t N, class T>
  static constexpr void forward(const T* z, T* a) {
    kernels::sigmoid<B * N>(z, a);
  }
  template <std::size_t B, std::size_t N, class T>
  static constexpr void backward(const T* a, const T* da, T* dz) {
    kernels::sigmoid_backward<B * N>(a, da, dz);
  }
};
struct tanh {
  /// What the dense layer before this activation applies to its products in registers (fused).
  using simd_epilogue = kernels::simd::tanh_op;
  template <std::size_t B, std::size_t N, class T>
  static constexpr void forward(const T* z, T* a) {
    kernels::tanh<B * N>(z, a);
  }
  template <std::size_t B, std::size_t N, class T>
  static constexpr void backward(const T* a, const T* da, T* dz) {
    kernels::tanh_backward<B * N>(a, da, dz);
  }
};
struct fast_tanh {
  /// What the dense layer before this activation applies to its products in registers (fused).
  using simd_epilogue = kernels::simd::fast_tanh_op;
  template <std::size_t B, std::size_t N, class T>
  static constexpr void forward(const T* z, T* a) {
    kernels::fast_tanh<B * N>(z, a);
  }
  /// 1 - a^2, the derivative of tanh at the approximated value (the approximation's own derivative
  /// differs by its fit error, 1e-8 relative).
  template <std::size_t B, std::size_t N, class T>
  static constexpr void backward(const T* a, const T* da, T* dz) {
    kernels::tanh_backward<B * N>(a, da, dz);
  }
};
struct identity {
  /// What the dense layer before this activation applies to its products in registers (fused).
  using simd_epilogue = kernels::simd::store_as_is;
  template <std::size_t B, std::size_t N, class T>
  static constexpr void forward(const T* z, T* a) {
    for (std::size_t i = 0; i < B * N; ++i) a[i] = z[i];
  }
  template <std::size_t B, std::size_t N, class T>
  static constexpr void backward(const T*, const T* da, T* dz) {
    for (std::size_t i = 0; i < B * N; ++i) dz[i] = da[i];
  }
};
struct softmax {
  template <std::size_t B, std::size_t N, class T>
  static constexpr void forward(const T* z, T* s) {
    kernels::softmax_rows<B, N>(z, s);
  }
  template <std::size_t B, std::size_t N, class T>
  static constexpr void backward(const T* s, const T* da, T* dz) {
    kernels::softmax_backward_rows<B, N>(s, da, dz);
  }
};

}  // namespace activation

/// max(0, z); f'(0) = 0.
struct ReLU : ActivationSpec<activation::relu, Initialization::he> {};
/// 1 / (1 + e^-z), computed without overflow for any z.
struct Sigmoid : ActivationSpec<activation::sigmoid, Initialization::glorot> {
  static constexpr bool outputs_probabilities = true;
};
/// tanh(z).
struct Tanh : ActivationSpec<activation::tanh, Initialization::glorot> {};
/// tanh(z) by a rational approximation (detail::fast_tanh): at most 4.9 ulp in float (2.9e-7
/// absolute, the accuracy of Eigen's float tanh) instead of Tanh's 2.6, at about half the cost.
/// For real-time inference where tanh dominates (small audio and control networks).
struct FastTanh : ActivationSpec<activation::fast_tanh, Initialization::glorot> {};
/// z (an explicit linear output).
struct Identity : ActivationSpec<activation::identity, Initialization::glorot> {};
/// Row-wise e^z / sum e^z, computed with the row maximum subtracted.
struct Softmax : ActivationSpec<activation::softmax, Initialization::glorot> {
  static constexpr bool outputs_probabilities = true;
};

}  // namespace ctnn
