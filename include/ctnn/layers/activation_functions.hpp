/// @file layers/activation_functions.hpp
/// The element-wise activation functions in scalar form (value and gradient), with their
/// accuracy: no Highway here, so that both the layers and the per-target kernels can use them.
#pragma once

#include <concepts>
#include <string_view>

#include "ctnn/detail/math.hpp"

namespace ctnn::activation {

// Each element-wise activation is a struct here with its scalar forms:
//   value(z)        constexpr: the scalar kernels, constant expressions, the column tails of a
//                   fused product;
//   gradient(a, g)  dC/dz from the output a = f(z) and g = dC/da (MATH.md: "in terms of a where
//                   cheaper").
// Its vector forms are in kernels/simd_activations.hpp, which is compiled once per SIMD target
// (runtime dispatch needs Highway code inside Highway's per-target namespaces). Adding an
// activation means a struct here, its vector form there, its spec in layers/activations.hpp and
// its laws test. Each states types, max error and valid range, as Highway documents its math.

/// max(0, z); f'(0) = 0 (as PyTorch). Types: float, double. Error: exact. Range: any z.
struct relu {
  /// The name in messages and architecture strings.
  static constexpr std::string_view name = "ReLU";
  /// The function, scalar and constexpr.
  template <class T>
  static constexpr T value(T z) {
    return z > T(0) ? z : T(0);
  }
  /// dC/dz from a = f(z) and g = dC/da.
  template <class T>
  static constexpr T gradient(T a, T g) {
    return a > T(0) ? g : T(0);  // a > 0 exactly when z > 0
  }
};

/// 1 / (1 + e^-z), from e^-|z| in (0, 1]: no overflow for any z. Types: float, double. Error:
/// vector, float: ctnn's own e^-|z| (kernels/simd_activations.hpp, exp_of_negative) then a
/// division and a product, <= 3.4 ulp (3.32 measured on every 7th float of [-87.33, 30]; Highway's
/// Exp gave 2.77), 0 below z = -87.33 (where the result is below the smallest normal float);
/// vector, double: Highway's Exp; scalar: the C library's exp (detail::sigmoid; in constant
/// expressions a series accurate to double). Range: any z.
struct sigmoid {
  /// The name in messages and architecture strings.
  static constexpr std::string_view name = "Sigmoid";
  /// The function, scalar and constexpr.
  template <class T>
  static constexpr T value(T z) {
    return detail::sigmoid(z);
  }
  /// dC/dz from a = f(z) and g = dC/da.
  template <class T>
  static constexpr T gradient(T a, T g) {
    return g * a * (T(1) - a);
  }
};

/// tanh(z). Types: float, double. Error: vector, float: ctnn's own (kernels/simd_activations.hpp,
/// coefficients below), <= 1.5 ulp (every float of [0.5, 2) tested within 1.25; every float of
/// [0, 12) checked once: 1.08 at most, 1.21 without FMA); vector, double: Highway's Tanh (<= 4
/// ulp); scalar: the C library's tanh (in constant expressions, through e^-2|z|). Range: any z;
/// NaN passes through.
struct tanh {
  /// The name in messages and architecture strings.
  static constexpr std::string_view name = "Tanh";
  // The float vector form's constants. p: tanh(z) = z + z^3 P(z^2) for |z| < small_limit, e:
  // e^r for |r| <= ln 2 / 2; both fitted for ctnn (Lawson-weighted least squares in 40-digit
  // arithmetic, relative error of the result 4.6e-9 and 1.9e-9 before rounding). Every float of
  // [0, 12) checked: 1.08 ulp at most (1.21 without FMA), on the polynomial near 0.89. The
  // polynomial serves up to 1 (degree 15) because a model's pre-activations are often below 1,
  // and then the exponential is skipped (the benchmark's 8-16-16-1 reaches 0.66); until December
  // 2026 it stopped at 0.65 (degree 11), and the two forms met there at 1.45 ulp, where
  // 1 - 2 / (e^2|z| + 1) cancels.
  /// Below this |z| the polynomial serves (no exponential).
  static constexpr double small_limit = 1.0;
  /// Above this |z| tanh rounds to +-1 in float.
  static constexpr double large_limit = 10.0;  // 1 - tanh(10) = 4e-9: rounds to 1 in float
  /// Coefficients of P in tanh(z) = z + z^3 P(z^2).
  static constexpr double p[] = {
      -0.33333295423138622, 0.13332344363331021,   -0.053879786940466336,  0.021486604623465163,
      -0.00794601819236213, 0.0023012931669116336, -0.00035842960470915536};
  /// Coefficients of e^r for |r| <= ln 2 / 2.
  static constexpr double e[] = {1.000000000554213,    1.0000000363229725,   0.4999999207909864,
                                 0.16666420170605939,  0.041668225731231289, 0.00837481575377708,
                                 0.0013836836938456083};
  /// ln 2, for the exponential's range reduction.
  static constexpr double ln2 = 0.6931471805599453;
  /// The function, scalar and constexpr.
  template <class T>
  static constexpr T value(T z) {
    return detail::tanh(z);
  }
  /// dC/dz from a = f(z) and g = dC/da.
  template <class T>
  static constexpr T gradient(T a, T g) {
    return g * (T(1) - a * a);
  }
};

/// tanh(z) ~ z P(z^2) / Q(z^2) on [-9, 9], clamped beyond (+-R(9) = +-1): fitted for ctnn by
/// Lawson-weighted least squares on [0, 9], relative error 6.6e-9 before rounding. Types: float
/// (a float approximation; usable in double). Error: float <= 4.9 ulp (2.9e-7 absolute, as Eigen's
/// float tanh; Tanh is 1.5 ulp); double 4e-8 (the clamp). No branch: cheaper than Tanh where
/// lanes pass |z| = 1 (Tanh then also evaluates an exponential), dearer below. Range: any
/// z; NaN passes through; |result| <= 1. Backward is tanh's, 1 - a^2 (the approximation's own
/// derivative differs by its fit error).
struct fast_tanh {
  /// The name in messages and architecture strings.
  static constexpr std::string_view name = "FastTanh";
  /// Inputs are clamped to [-limit, limit].
  static constexpr double limit = 9.0;
  /// Numerator coefficients (in z^2).
  static constexpr double p[] = {9.99999993444011007e-01,  1.30840125430918849e-01,
                                 3.10395834100466563e-03,  1.11543149222180411e-05,
                                 -2.02251686925775513e-08, 5.27788065994197561e-11,
                                 -8.48844570402412837e-14};
  /// Denominator coefficients (in z^2).
  static constexpr double q[] = {1.0, 4.64173396710971287e-01, 2.44951885068924059e-02,
                                 2.54614737385359285e-04};

  /// The function, scalar and constexpr.
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
  /// dC/dz from a = f(z) and g = dC/da.
  template <class T>
  static constexpr T gradient(T a, T g) {
    return tanh::gradient(a, g);
  }
};

/// The logistic sigmoid through fast_tanh: 1/2 + tanh(z/2)/2, with fast_tanh's rational form (no
/// exponential, no branch). For the gates of a recurrent cell (LSTM<H, FastTanh>). Types: float
/// (usable in double). Error: 1.5e-7 absolute (half of fast_tanh's 2.9e-7); relative error grows
/// as the result nears 0 (cancellation in 1/2 - 1/2), which a gate multiplies away. Range: any z;
/// result in [0, 1]. Backward is the sigmoid's, a (1 - a).
struct fast_sigmoid {
  /// The name in messages and architecture strings.
  static constexpr std::string_view name = "FastSigmoid";
  /// The function, scalar and constexpr.
  template <class T>
  static constexpr T value(T z) {
    return T(0.5) + T(0.5) * fast_tanh::value(T(0.5) * z);
  }
  /// dC/dz from a = f(z) and g = dC/da.
  template <class T>
  static constexpr T gradient(T a, T g) {
    return sigmoid::gradient(a, g);
  }
};

/// z. Types: any. Error: exact. Range: any z.
struct identity {
  /// The name in messages and architecture strings.
  static constexpr std::string_view name = "Identity";
  /// The function, scalar and constexpr.
  template <class T>
  static constexpr T value(T z) {
    return z;
  }
  /// dC/dz from a = f(z) and g = dC/da.
  template <class T>
  static constexpr T gradient(T, T g) {
    return g;
  }
};

/// True for the activations defined by value/gradient (element-wise).
template <class F>
concept ElementWise = requires(float z) {
  { F::value(z) } -> std::same_as<float>;
};

}  // namespace ctnn::activation
