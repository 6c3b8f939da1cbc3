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
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "ctnn/detail/math.hpp"
#include "ctnn/expression.hpp"
#include "ctnn/layers/activations.hpp"
#include "ctnn/matrix.hpp"
#include "ctnn/shape_error.hpp"

namespace ctnn {

namespace detail {
/// Called by ClassLabels for a label that is not below the class count. In a constant expression
/// (a constexpr ClassLabels) calling it is the compile error; at run time it does nothing, and the
/// training step or evaluation that meets the label reports it.
inline void class_label_out_of_range() {}
}  // namespace detail

/// Class indices for a batch of B samples, with the number of classes in the type so that a
/// mismatch with the network's output size does not compile. Labels must be below Classes:
/// `constexpr ClassLabels<4, 3> y{{0, 2, 1, 3}};` does not compile; labels read from data are
/// checked by every training step (StepStatus::label_out_of_range) and by evaluate.
template <std::size_t B, std::size_t Classes>
struct ClassLabels {
  /// Samples.
  static constexpr std::size_t rows = B;
  /// Number of classes; every index must be below it.
  static constexpr std::size_t classes = Classes;
  /// Each sample's class.
  std::array<std::uint32_t, B> index{};

  constexpr ClassLabels() = default;
  /// ClassLabels<3, 10> y{{7, 0, 9}};
  constexpr ClassLabels(const std::uint32_t (&labels)[B]) {  // NOLINT(google-explicit-constructor)
    for (std::size_t i = 0; i < B; ++i) {
      if (labels[i] >= Classes) detail::class_label_out_of_range();
      index[i] = labels[i];
    }
  }

  /// The row of the first label that is not below Classes, or B when all are in range.
  constexpr std::size_t first_out_of_range() const {
    for (std::size_t i = 0; i < B; ++i)
      if (index[i] >= Classes) return i;
    return B;
  }

  /// The one-hot target matrix (rows of out-of-range labels are all zero: check first).
  template <class T>
  constexpr Matrix<T, B, Classes> one_hot() const {
    Matrix<T, B, Classes> t;
    for (std::size_t i = 0; i < B; ++i)
      if (index[i] < Classes) t(i, index[i]) = T(1);
    return t;
  }
};

/// True for a layer spec whose outputs are probabilities (Sigmoid, Softmax; a user spec says so
/// with `static constexpr bool outputs_probabilities = true;`).
template <class Spec>
inline constexpr bool outputs_probabilities = requires {
  requires Spec::outputs_probabilities;
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
  /// True when the loss is computed from the logits of the last layer (LastSpec).
  template <class LastSpec>
  static constexpr bool fuses_with = false;

  /// The cost: mean over the batch and outputs of (a - t)^2 (PyTorch's 'mean').
  template <class T, std::size_t B, std::size_t N>
  static constexpr T value(const Matrix<T, B, N>& a, const Matrix<T, B, N>& t) {
    T sum = 0;
    for (std::size_t i = 0; i < a.size; ++i) sum += (a[i] - t[i]) * (a[i] - t[i]);
    return sum / T(B * N);
  }
  /// dC/dA = 2 (A - T) / (B N).
  template <class T, std::size_t B, std::size_t N>
  static constexpr void gradient(const Matrix<T, B, N>& a, const Matrix<T, B, N>& t,
                                 Matrix<T, B, N>& da) {
    const T k = T(2) / T(B * N);
    for (std::size_t i = 0; i < a.size; ++i) da[i] = k * (a[i] - t[i]);
  }
};

/// Mean over outputs and batch of -[t ln a + (1 - t) ln(1 - a)]. Needs probabilities: the
/// output layer must be a Sigmoid (fused) or another probability output (Softmax).
struct BinaryCrossEntropy {
  /// True when the loss is computed from the logits of the last layer (LastSpec).
  template <class LastSpec>
  static constexpr bool fuses_with = std::is_same_v<LastSpec, Sigmoid>;
  /// The mistake in using this loss on an output layer Index of kind OutputSpec, or void.
  template <std::size_t Index, class OutputSpec, std::size_t Outputs>
  using output_error =
      std::conditional_t<outputs_probabilities<OutputSpec>, void,
                         shape_error::binary_cross_entropy_needs_a_probability_output<
                             shape_error::layer<Index, OutputSpec>>>;

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
  /// dC/dA of the unfused form (after an output that is not a sigmoid).
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

/// Mean over the batch of -sum_k t_k ln s_k (negative log-likelihood, note 004). Needs at least
/// two outputs; fused with a Softmax output (the usual case).
struct CrossEntropy {
  /// True when the loss is computed from the logits of the last layer (LastSpec).
  template <class LastSpec>
  static constexpr bool fuses_with = std::is_same_v<LastSpec, Softmax>;
  /// The mistake in using this loss on an output layer Index of kind OutputSpec, or void.
  template <std::size_t Index, class OutputSpec, std::size_t Outputs>
  using output_error = std::conditional_t<
      (Outputs >= 2), void,
      shape_error::cross_entropy_needs_at_least_two_outputs<
          shape_error::layer<Index, OutputSpec>, shape_error::network_output_size<Outputs>>>;

  /// The cost: - sum t ln s / B.
  template <class T, std::size_t B, std::size_t N>
  static constexpr T value(const Matrix<T, B, N>& s, const Matrix<T, B, N>& t) {
    T sum = 0;
    for (std::size_t i = 0; i < s.size; ++i) {
      if (t[i] == T(0)) continue;
      sum -= t[i] * detail::log(detail::clamp_probability(s[i]));
    }
    return sum / T(B);
  }
  /// dC/dA of the unfused form (after an output that is not a softmax).
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
  /// A user loss is never fused with the last layer.
  template <class LastSpec>
  static constexpr bool fuses_with = false;

  /// The cost: the mean of Spec's element-wise expression.
  template <class T, std::size_t B, std::size_t N>
  static constexpr T value(const Matrix<T, B, N>& a, const Matrix<T, B, N>& t) {
    T sum = 0;
    for (std::size_t i = 0; i < a.size; ++i)
      sum += ctnn::gradient(Spec::expression, a[i], t[i]).value;
    return sum / T(B * N);
  }
  /// dC/dA from the expression's gradient, element by element.
  template <class T, std::size_t B, std::size_t N>
  static constexpr void gradient(const Matrix<T, B, N>& a, const Matrix<T, B, N>& t,
                                 Matrix<T, B, N>& da) {
    for (std::size_t i = 0; i < a.size; ++i)
      da[i] = ctnn::gradient(Spec::expression, a[i], t[i]).partial[0] / T(B * N);
  }
};

/// The requirements of the Loss concept, one type each, so that a type used as a loss is told
/// which one it misses (shape_error::not_a_loss, trainer_loss_argument_is_not_a_loss). Optional:
/// `fuses_with<OutputSpec>` with fused_value/fused_gradient, and `output_error<Index, Spec, N>`.
namespace loss_requirement {
/// `static T value(const Matrix<T, B, N>& output, const Matrix<T, B, N>& target)`: the cost.
struct static_value_of_output_and_target {};
/// `static void gradient(output, target, Matrix<T, B, N>& dC_doutput)`.
struct static_gradient_of_output_and_target {};
}  // namespace loss_requirement

namespace detail {
template <class L, class T>
concept loss_has_value = requires(const Matrix<T, 2, 3>& a) {
  { L::value(a, a) } -> std::same_as<T>;
};
template <class L, class T>
concept loss_has_gradient = requires(const Matrix<T, 2, 3>& a, Matrix<T, 2, 3>& g) {
  L::gradient(a, a, g);
};
/// The first Loss requirement that L misses for element type T (std::type_identity), or void.
template <class L, class T>
constexpr auto missing_loss_requirement() {
  if constexpr (!loss_has_value<L, T>)
    return std::type_identity<loss_requirement::static_value_of_output_and_target>{};
  else if constexpr (!loss_has_gradient<L, T>)
    return std::type_identity<loss_requirement::static_gradient_of_output_and_target>{};
  else
    return std::type_identity<void>{};
}
template <class L, class T>
using missing_loss_requirement_t = typename decltype(missing_loss_requirement<L, T>())::type;
}  // namespace detail

/// A loss usable by ctnn's training functions for element type T.
template <class L, class T = float>
concept Loss = detail::loss_has_value<L, T> && detail::loss_has_gradient<L, T>;

}  // namespace ctnn
