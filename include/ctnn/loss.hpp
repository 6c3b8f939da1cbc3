/// @file loss.hpp
/// Losses (MATH.md, "Cost"): `MeanSquaredError`, `BinaryCrossEntropy`, `CrossEntropy`.
///
/// Each gives the cost C of a batch (a mean over the batch) and dC/dA for the network's output A
/// (the general rule). BinaryCrossEntropy after a Sigmoid and CrossEntropy after a Softmax are
/// fused: the cost is computed from the logits Z (never ln 0) and the gradient is dC/dZ directly,
/// (A - T) / (B n) and (S - T) / B. Targets are `Matrix<T, B, outputs>`; for cross-entropy,
/// `ClassLabels<B, classes>` (class indices) too.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "ctnn/detail/math.hpp"
#include "ctnn/expression.hpp"
#include "ctnn/layers/activations.hpp"
#include "ctnn/matrix.hpp"

namespace ctnn {

/// Class indices for a batch of B samples, with the number of classes in the type so that a
/// mismatch with the network's output size does not compile.
template <std::size_t B, std::size_t Classes>
struct ClassLabels {
  static constexpr std::size_t rows = B;
  static constexpr std::size_t classes = Classes;
  std::array<std::uint32_t, B> index{};

  /// The one-hot target matrix; an index out of range gives an all-zero row (and no gradient
  /// towards any class).
  template <class T>
  constexpr Matrix<T, B, Classes> one_hot() const {
    Matrix<T, B, Classes> t;
    for (std::size_t i = 0; i < B; ++i)
      if (index[i] < Classes) t(i, index[i]) = T(1);
    return t;
  }
};

namespace detail {
/// x, or the smallest normal number if x is smaller: what ln and divisions by a probability see,
/// so that a saturated output gives a large finite cost instead of inf or NaN.
template <class T>
constexpr T clamp_probability(T x) {
  constexpr T smallest = std::numeric_limits<T>::min();
  return x > smallest ? x : smallest;
}
}  // namespace detail

/// Mean over outputs and batch of (A - T)^2 (PyTorch's MSELoss, 'mean'); dC/dA = 2 (A - T) / (B n).
struct MeanSquaredError {
  template <class LastSpec>
  static constexpr bool fuses_with = false;

  template <class T, std::size_t B, std::size_t N>
  static constexpr T value(const Matrix<T, B, N>& a, const Matrix<T, B, N>& t) {
    T sum = 0;
    for (std::size_t i = 0; i < a.size; ++i) sum += (a[i] - t[i]) * (a[i] - t[i]);
    return sum / T(B * N);
  }
  template <class T, std::size_t B, std::size_t N>
  static constexpr void gradient(const Matrix<T, B, N>& a, const Matrix<T, B, N>& t,
                                 Matrix<T, B, N>& da) {
    const T k = T(2) / T(B * N);
    for (std::size_t i = 0; i < a.size; ++i) da[i] = k * (a[i] - t[i]);
  }
};

/// Mean over outputs and batch of -[t ln a + (1 - t) ln(1 - a)].
struct BinaryCrossEntropy {
  template <class LastSpec>
  static constexpr bool fuses_with = std::is_same_v<LastSpec, Sigmoid>;

  /// From probabilities a (general rule); ln is clamped at the smallest normal number.
  template <class T, std::size_t B, std::size_t N>
  static constexpr T value(const Matrix<T, B, N>& a, const Matrix<T, B, N>& t) {
    T sum = 0;
    for (std::size_t i = 0; i < a.size; ++i) {
      sum -= t[i] * detail::log(detail::clamp_probability(a[i])) +
             (T(1) - t[i]) * detail::log(detail::clamp_probability(T(1) - a[i]));
    }
    return sum / T(B * N);
  }
  template <class T, std::size_t B, std::size_t N>
  static constexpr void gradient(const Matrix<T, B, N>& a, const Matrix<T, B, N>& t,
                                 Matrix<T, B, N>& da) {
    const T k = T(1) / T(B * N);
    for (std::size_t i = 0; i < a.size; ++i) {
      da[i] = k * (a[i] - t[i]) / detail::clamp_probability(a[i] * (T(1) - a[i]));
    }
  }
  /// From logits z: -[t ln sigmoid(z) + (1 - t) ln(1 - sigmoid(z))] = softplus(z) - t z.
  template <class T, std::size_t B, std::size_t N>
  static constexpr T fused_value(const Matrix<T, B, N>& z, const Matrix<T, B, N>& t) {
    T sum = 0;
    for (std::size_t i = 0; i < z.size; ++i) sum += detail::softplus(z[i]) - t[i] * z[i];
    return sum / T(B * N);
  }
  /// dC/dZ = (A - T) / (B n).
  template <class T, std::size_t B, std::size_t N>
  static constexpr void fused_gradient(const Matrix<T, B, N>& a, const Matrix<T, B, N>& t,
                                       Matrix<T, B, N>& dz) {
    const T k = T(1) / T(B * N);
    for (std::size_t i = 0; i < a.size; ++i) dz[i] = k * (a[i] - t[i]);
  }
};

/// Mean over the batch of -sum_k t_k ln s_k (negative log-likelihood, note 004).
struct CrossEntropy {
  template <class LastSpec>
  static constexpr bool fuses_with = std::is_same_v<LastSpec, Softmax>;

  template <class T, std::size_t B, std::size_t N>
  static constexpr T value(const Matrix<T, B, N>& s, const Matrix<T, B, N>& t) {
    T sum = 0;
    for (std::size_t i = 0; i < s.size; ++i) {
      if (t[i] == T(0)) continue;
      sum -= t[i] * detail::log(detail::clamp_probability(s[i]));
    }
    return sum / T(B);
  }
  template <class T, std::size_t B, std::size_t N>
  static constexpr void gradient(const Matrix<T, B, N>& s, const Matrix<T, B, N>& t,
                                 Matrix<T, B, N>& ds) {
    for (std::size_t i = 0; i < s.size; ++i) {
      ds[i] = -t[i] / (detail::clamp_probability(s[i]) * T(B));
    }
  }
  /// From logits: sum_k t_k (logsumexp(z) - z_k), with the row maximum taken out of logsumexp.
  template <class T, std::size_t B, std::size_t N>
  static constexpr T fused_value(const Matrix<T, B, N>& z, const Matrix<T, B, N>& t) {
    T sum = 0;
    for (std::size_t r = 0; r < B; ++r) {
      T m = z(r, 0);
      for (std::size_t k = 1; k < N; ++k) m = z(r, k) > m ? z(r, k) : m;
      T e = 0;
      for (std::size_t k = 0; k < N; ++k) e += detail::exp(z(r, k) - m);
      const T lse = m + detail::log(e);
      for (std::size_t k = 0; k < N; ++k) sum += t(r, k) * (lse - z(r, k));
    }
    return sum / T(B);
  }
  /// dC/dZ = (S - T) / B (note 004: delta = s - y).
  template <class T, std::size_t B, std::size_t N>
  static constexpr void fused_gradient(const Matrix<T, B, N>& s, const Matrix<T, B, N>& t,
                                       Matrix<T, B, N>& dz) {
    const T k = T(1) / T(B);
    for (std::size_t i = 0; i < s.size; ++i) dz[i] = k * (s[i] - t[i]);
  }
};

/// A custom loss from a scalar expression applied to each output element: Spec::expression is an
/// expression of expr::Var<0> (the output a) and expr::Var<1> (the target t); the cost is its mean
/// over outputs and batch, and dC/da its partial with respect to Var<0> over (B n). E.g.
///   struct Squared { static constexpr auto expression =
///       (ctnn::expr::Var<0>{} - ctnn::expr::Var<1>{}) * (ctnn::expr::Var<0>{} -
///       ctnn::expr::Var<1>{}); };
///   compute_gradients<ctnn::ElementwiseLoss<Squared>>(...)   // the same as MeanSquaredError
template <class Spec>
struct ElementwiseLoss {
  template <class LastSpec>
  static constexpr bool fuses_with = false;

  template <class T, std::size_t B, std::size_t N>
  static constexpr T value(const Matrix<T, B, N>& a, const Matrix<T, B, N>& t) {
    T sum = 0;
    for (std::size_t i = 0; i < a.size; ++i)
      sum += ctnn::gradient(Spec::expression, a[i], t[i]).value;
    return sum / T(B * N);
  }
  template <class T, std::size_t B, std::size_t N>
  static constexpr void gradient(const Matrix<T, B, N>& a, const Matrix<T, B, N>& t,
                                 Matrix<T, B, N>& da) {
    for (std::size_t i = 0; i < a.size; ++i)
      da[i] = ctnn::gradient(Spec::expression, a[i], t[i]).partial[0] / T(B * N);
  }
};

/// A loss usable by ctnn's training functions.
template <class L>
concept Loss = requires(const Matrix<float, 2, 3>& a, Matrix<float, 2, 3>& g) {
  { L::value(a, a) } -> std::same_as<float>;
  L::gradient(a, a, g);
};

}  // namespace ctnn
