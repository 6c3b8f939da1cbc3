/// @file layers/activations.hpp
/// Activations as layers of their own: `ctnn::ReLU`, `ctnn::Sigmoid`, `ctnn::Tanh`,
/// `ctnn::FastTanh`, `ctnn::Identity` (element-wise) and `ctnn::Softmax` (row-wise). Each keeps the
/// input size. Backward uses the layer's output a = f(z) (MATH.md: "in terms of a where cheaper").
#pragma once

#include <concepts>
#include <cstddef>
#include <string_view>

#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>

#include "ctnn/detail/math.hpp"
#include "ctnn/kernels/dispatch.hpp"
#include "ctnn/layers/layer.hpp"
#include "ctnn/matrix.hpp"
#include "ctnn/shape.hpp"

namespace ctnn {

namespace activation {

namespace hn = hwy::HWY_NAMESPACE;

// Each element-wise activation is defined once, here, in both forms side by side:
//   value(z)                 scalar and constexpr: the scalar kernels, constant expressions, and
//                            the column tails of a fused product;
//   vector(d, z)             Highway: the SIMD kernels and the dense layer's fused epilogue;
//   gradient(a, g)           dC/dz from the output a = f(z) and g = dC/da (MATH.md: "in terms of
//   vector_gradient(d, a, g) a where cheaper"), scalar and vector.
// kernels::activate / activate_backward / gemm_activated run them; adding an activation means
// adding one struct and its spec below (and its laws test). Each states types, max error and
// valid range, as Highway documents its math.

/// max(0, z); f'(0) = 0 (as PyTorch). Types: float, double. Error: exact. Range: any z.
struct relu {
  static constexpr std::string_view name = "ReLU";
  template <class T>
  static constexpr T value(T z) {
    return z > T(0) ? z : T(0);
  }
  template <class D, class V>
  static HWY_INLINE V vector(D d, V z) {
    return hn::Max(z, hn::Zero(d));
  }
  template <class T>
  static constexpr T gradient(T a, T g) {
    return a > T(0) ? g : T(0);  // a > 0 exactly when z > 0
  }
  template <class D, class V>
  static HWY_INLINE V vector_gradient(D d, V a, V g) {
    return hn::IfThenElseZero(hn::Gt(a, hn::Zero(d)), g);
  }
};

/// 1 / (1 + e^-z), from e^-|z| in (0, 1]: no overflow for any z. Types: float, double. Error:
/// vector: Highway's Exp (<= 1 ulp) then a division and a product; scalar: the C library's exp
/// (detail::sigmoid; in constant expressions a series accurate to double). Range: any z.
struct sigmoid {
  static constexpr std::string_view name = "Sigmoid";
  template <class T>
  static constexpr T value(T z) {
    return detail::sigmoid(z);
  }
  template <class D, class V>
  static HWY_INLINE V vector(D d, V z) {
    const V e = hn::Exp(d, hn::Neg(hn::Abs(z)));
    const V one = hn::Set(d, 1);
    const V inv = hn::Div(one, hn::Add(one, e));
    return hn::IfThenElse(hn::Ge(z, hn::Zero(d)), inv, hn::Mul(e, inv));  // exact form per sign
  }
  template <class T>
  static constexpr T gradient(T a, T g) {
    return g * a * (T(1) - a);
  }
  template <class D, class V>
  static HWY_INLINE V vector_gradient(D d, V a, V g) {
    return hn::Mul(g, hn::Mul(a, hn::Sub(hn::Set(d, 1), a)));
  }
};

/// tanh(z). Types: float, double. Error: vector: Highway's Tanh (<= 4 ulp; 2.6 measured in
/// float); scalar: the C library's tanh (in constant expressions, through e^-2|z|). Range: any z.
struct tanh {
  static constexpr std::string_view name = "Tanh";
  template <class T>
  static constexpr T value(T z) {
    return detail::tanh(z);
  }
  template <class D, class V>
  static HWY_INLINE V vector(D d, V z) {
    return hn::Tanh(d, z);
  }
  template <class T>
  static constexpr T gradient(T a, T g) {
    return g * (T(1) - a * a);
  }
  template <class D, class V>
  static HWY_INLINE V vector_gradient(D d, V a, V g) {
    return hn::Mul(g, hn::NegMulAdd(a, a, hn::Set(d, 1)));
  }
};

/// tanh(z) ~ z P(z^2) / Q(z^2) on [-9, 9], clamped beyond (+-R(9) = +-1): fitted for ctnn by
/// Lawson-weighted least squares on [0, 9], relative error 6.6e-9 before rounding. Types: float
/// (a float approximation; usable in double). Error: float <= 4.9 ulp (2.9e-7 absolute, as Eigen's
/// float tanh; Tanh is 2.6 ulp) at less than half Tanh's cost; double 4e-8 (the clamp). Range: any
/// z; NaN passes through; |result| <= 1. Backward is tanh's, 1 - a^2 (the approximation's own
/// derivative differs by its fit error).
struct fast_tanh {
  static constexpr std::string_view name = "FastTanh";
  static constexpr double limit = 9.0;
  static constexpr double p[] = {9.99999993444011007e-01,  1.30840125430918849e-01,
                                 3.10395834100466563e-03,  1.11543149222180411e-05,
                                 -2.02251686925775513e-08, 5.27788065994197561e-11,
                                 -8.48844570402412837e-14};
  static constexpr double q[] = {1.0, 4.64173396710971287e-01, 2.44951885068924059e-02,
                                 2.54614737385359285e-04};

  template <class T>
  static constexpr T value(T z) {
    const T c = static_cast<T>(limit);
    z = z < -c ? -c : (z > c ? c : z);  // NaN passes through
    const T t = z * z;
    T num = static_cast<T>(p[6]);
    for (int k = 5; k >= 0; --k) num = num * t + static_cast<T>(p[k]);
    T den = static_cast<T>(q[3]);
    for (int k = 2; k >= 0; --k) den = den * t + static_cast<T>(q[k]);
    const T y = z * num / den;
    return y > T(1) ? T(1) : (y < T(-1) ? T(-1) : y);  // R(9) is 1 + 1e-7
  }
  template <class D, class V>
  static HWY_INLINE V vector(D d, V z) {
    using T = hn::TFromD<D>;
    const V c = hn::Set(d, static_cast<T>(limit));
    z = hn::Min(hn::Max(z, hn::Neg(c)), c);
    const V t = hn::Mul(z, z);
    V num = hn::Set(d, static_cast<T>(p[6]));
    for (int k = 5; k >= 0; --k) num = hn::MulAdd(num, t, hn::Set(d, static_cast<T>(p[k])));
    V den = hn::Set(d, static_cast<T>(q[3]));
    for (int k = 2; k >= 0; --k) den = hn::MulAdd(den, t, hn::Set(d, static_cast<T>(q[k])));
    const V one = hn::Set(d, T(1));
    return hn::Min(hn::Max(hn::Div(hn::Mul(z, num), den), hn::Neg(one)), one);
  }
  template <class T>
  static constexpr T gradient(T a, T g) {
    return tanh::gradient(a, g);
  }
  template <class D, class V>
  static HWY_INLINE V vector_gradient(D d, V a, V g) {
    return tanh::vector_gradient(d, a, g);
  }
};

/// z. Types: any. Error: exact. Range: any z.
struct identity {
  static constexpr std::string_view name = "Identity";
  template <class T>
  static constexpr T value(T z) {
    return z;
  }
  template <class D, class V>
  static HWY_INLINE V vector(D, V z) {
    return z;
  }
  template <class T>
  static constexpr T gradient(T, T g) {
    return g;
  }
  template <class D, class V>
  static HWY_INLINE V vector_gradient(D, V, V g) {
    return g;
  }
};

/// Row-wise e^z / sum e^z (not element-wise: its own row kernels). Types: float, double. Error:
/// Highway's Exp (<= 1 ulp) and a sum over the row. Range: any z (the row maximum is subtracted).
struct softmax {
  static constexpr std::string_view name = "Softmax";
  template <std::size_t B, std::size_t N, class T>
  static constexpr void forward(const T* z, T* s) {
    kernels::softmax_rows<B, N>(z, s);
  }
  template <std::size_t B, std::size_t N, class T>
  static constexpr void backward(const T* s, const T* da, T* dz) {
    kernels::softmax_backward_rows<B, N>(s, da, dz);
  }
};

/// True for the activations defined by value/vector (element-wise).
template <class F>
concept ElementWise = requires(float z) {
  { F::value(z) } -> std::same_as<float>;
};

}  // namespace activation

/// The bound activation layer over samples of shape S: no parameters, `Function` supplies the
/// kernels.
template <class Function, class T, class S>
struct ActivationLayer : WithParameters<NoParameters> {
  using value_type = T;
  using function = Function;
  using input_shape = S;
  using output_shape = S;
  static constexpr std::string_view kind = Function::name;
  static constexpr std::size_t N = S::size;
  static constexpr std::size_t input_size = N;
  static constexpr std::size_t output_size = N;
  static constexpr std::size_t parameter_count = 0;

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

  constexpr void initialize(SplitMix64&, Initialization) {}
};

/// Common part of the activation specs: shape-preserving (features or sequences), binds to
/// ActivationLayer.
template <class Function, Initialization Init>
struct ActivationSpec {
  /// The initialization of the dense layer that feeds this activation.
  static constexpr Initialization initialization = Init;
  template <class S>
  static constexpr bool accepts = true;
  template <class S>
  using output_shape = S;
  template <class T, class S>
  using layer = ActivationLayer<Function, T, S>;
};

/// max(0, z); f'(0) = 0.
struct ReLU : ActivationSpec<activation::relu, Initialization::he> {};
/// 1 / (1 + e^-z), computed without overflow for any z.
struct Sigmoid : ActivationSpec<activation::sigmoid, Initialization::glorot> {
  static constexpr bool outputs_probabilities = true;
};
/// tanh(z).
struct Tanh : ActivationSpec<activation::tanh, Initialization::glorot> {};
/// tanh(z) by a rational approximation (activation::fast_tanh): at most 4.9 ulp in float (2.9e-7
/// absolute, the accuracy of Eigen's float tanh) instead of Tanh's 2.6, at about half the cost.
/// For real-time inference where tanh dominates (small audio and control networks).
struct FastTanh : ActivationSpec<activation::fast_tanh, Initialization::glorot> {};
/// z (an explicit linear output).
struct Identity : ActivationSpec<activation::identity, Initialization::glorot> {};
/// Row-wise e^z / sum e^z, computed with the row maximum subtracted.
/// Over features only (a sequence would need a softmax per frame).
struct Softmax : ActivationSpec<activation::softmax, Initialization::glorot> {
  static constexpr bool outputs_probabilities = true;
  using accepted = any_features;
  template <class S>
  static constexpr bool accepts = is_features_v<S>;
};

}  // namespace ctnn
