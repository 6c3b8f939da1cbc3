/// @file train.hpp
/// Training: the gradients of a batch (forward, cost, backward), one training step (and the
/// optimizer update), a `Trainer` that owns everything a step needs, and `evaluate` (mean loss
/// and accuracy over a fixed-size dataset). Nothing here allocates: buffers live in objects the
/// caller owns, which may be static.
#pragma once

#include <cstddef>
#include <type_traits>

#include "ctnn/denormals.hpp"
#include "ctnn/detail/tensors.hpp"
#include "ctnn/kernels/dispatch.hpp"
#include "ctnn/loss.hpp"
#include "ctnn/network.hpp"
#include "ctnn/optimizer.hpp"

namespace ctnn {

/// L2 regularization: C += lambda/2 * sum W^2 over every weight matrix (not biases), hence
/// dC/dW += lambda W (MATH.md). lambda = 0 turns it off.
struct L2 {
  double lambda = 0;
};

namespace detail {

template <class Net, class LossT>
constexpr bool fused_output() {
  return LossT::template fuses_with<typename Net::template spec_type<Net::depth>>;
}

/// Adds lambda W to the gradient of every weight matrix; returns lambda/2 sum W^2.
template <class Net, class T>
constexpr T add_l2(const Net& net, Gradients<Net>& gradients, T lambda) {
  T cost = 0;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          auto& layer = net.template layer<I + 1>();
          if constexpr (requires { layer.weights; }) {
            constexpr std::size_t n = std::remove_cvref_t<decltype(layer.weights)>::size;
            T sum = 0;
            for (const T w : layer.weights) sum += w * w;
            cost += lambda / T(2) * sum;
            kernels::axpy<n>(lambda, layer.weights.data(),
                             gradients.template layer<I + 1>().weights.data());
          }
        }(),
        ...);
  }
  (std::make_index_sequence<Net::depth>{});
  return cost;
}

template <class Target, class T, std::size_t B, std::size_t N>
constexpr decltype(auto) target_matrix(const Target& target) {
  if constexpr (std::is_same_v<Target, Matrix<T, B, N>>)
    return (target);  // the caller's matrix itself: no copy per training step
  else
    return target.template one_hot<T>();
}

template <class L>
inline constexpr bool is_class_labels_v = false;
template <std::size_t B, std::size_t K>
inline constexpr bool is_class_labels_v<ClassLabels<B, K>> = true;

/// The mistake in using Target as the target of Net for a batch of B rows, or void.
template <class Net, std::size_t B, class Target>
constexpr auto target_error_of() {
  using namespace shape_error;
  constexpr std::size_t out = Net::output_size;
  if constexpr (is_class_labels_v<Target>) {
    if constexpr (Target::rows != B)
      return std::type_identity<
          target_batch_differs_from_input_batch<input_batch<B>, target_batch<Target::rows>>>{};
    else if constexpr (Target::classes != out)
      return std::type_identity<class_count_does_not_match_the_output<
          network_output_size<out>, label_classes<Target::classes>>>{};
    else
      return std::type_identity<void>{};
  } else if constexpr (is_matrix_v<Target>) {
    if constexpr (Target::rows != B)
      return std::type_identity<
          target_batch_differs_from_input_batch<input_batch<B>, target_batch<Target::rows>>>{};
    else if constexpr (Target::cols != out)
      return std::type_identity<target_does_not_match_the_output<network_output_size<out>,
                                                                 target_columns<Target::cols>>>{};
    else if constexpr (!std::is_same_v<typename Target::value_type, typename Net::value_type>)
      return std::type_identity<target_is_not_a_matrix_or_class_labels<given<Target>>>{};
    else
      return std::type_identity<void>{};
  } else {
    return std::type_identity<target_is_not_a_matrix_or_class_labels<given<Target>>>{};
  }
}
template <class Net, std::size_t B, class Target>
using target_error = typename decltype(target_error_of<Net, B, Target>())::type;

/// The mistake in using Optimizer to update Net, or void.
template <class Net, class Optimizer>
constexpr auto optimizer_error_of() {
  using namespace shape_error;
  if constexpr (!requires { typename Optimizer::network_type; })
    return std::type_identity<optimizer_made_for_another_network<network<Net>, given<Optimizer>>>{};
  else if constexpr (!std::is_same_v<typename Optimizer::network_type, Net>)
    return std::type_identity<optimizer_made_for_another_network<
        network<Net>, made_for<typename Optimizer::network_type>>>{};
  else
    return std::type_identity<void>{};
}
template <class Net, class Optimizer>
using optimizer_error = typename decltype(optimizer_error_of<Net, Optimizer>())::type;

/// The first mistake in the arguments of a training call, or void.
template <class Net, std::size_t B, std::size_t N, class Target, class WorkspaceT, class GradientsT>
using training_error =
    first_error_t<input_error<Net, B, N>, target_error<Net, B, Target>,
                  workspace_error<Net, B, WorkspaceT>, gradients_error<Net, GradientsT>>;

}  // namespace detail

/// A batch that Net accepts as input: Matrix<Net::value_type, B, Net::input_size>, any B.
template <class X, class Net>
concept InputBatchFor = is_network_v<Net> && is_matrix_v<X> &&
    std::is_same_v<typename X::value_type, typename Net::value_type> &&
    std::is_void_v<detail::input_error<Net, X::rows, X::cols>>;

/// A target for Net's output on a batch of B samples: Matrix<T, B, outputs> or
/// ClassLabels<B, outputs>.
template <class Target, class Net, std::size_t B>
concept TargetFor = is_network_v<Net> && std::is_void_v<detail::target_error<Net, B, Target>>;

/// Forward pass, cost and backward pass for one batch: fills `ws` and `gradients`, returns C.
/// target is `Matrix<T, B, Net::output_size>` or, for classification, `ClassLabels<B, classes>`.
/// A mismatched argument is a compile error naming the mistake and its sizes (shape_error.hpp).
template <class LossT, class Net, std::size_t B, std::size_t N, class Target, class WorkspaceT,
          class GradientsT>
requires is_network_v<Net>
constexpr typename Net::value_type compute_gradients(
    const Net& net, const Matrix<typename Net::value_type, B, N>& x, const Target& target,
    WorkspaceT& ws, GradientsT& gradients, L2 l2 = {}) {
  using T = typename Net::value_type;
  constexpr std::size_t L = Net::depth;
  using error = detail::training_error<Net, B, N, Target, WorkspaceT, GradientsT>;
  if constexpr (!std::is_void_v<error>) {
    detail::report_shape_error_in_call<error>();
    return T{};
  } else {
    const auto& t = detail::target_matrix<Target, T, B, Net::output_size>(target);
    net.forward(x, ws);
    T cost;
    if constexpr (detail::fused_output<Net, LossT>()) {
      // The output activation and the loss together: dC/dZ(L) straight from A(L) and T.
      cost = LossT::fused_value(ws.template activation<L - 1>(), t);
      LossT::fused_gradient(ws.template activation<L>(), t, ws.template gradient<L - 1>());
      net.template backward<L - 1>(ws, gradients);
    } else {
      cost = LossT::value(ws.template activation<L>(), t);
      LossT::gradient(ws.template activation<L>(), t, ws.template gradient<L>());
      net.template backward<L>(ws, gradients);
    }
    if (l2.lambda != 0) cost += detail::add_l2(net, gradients, static_cast<T>(l2.lambda));
    return cost;
  }
}

/// One training step on a batch: compute_gradients, then the optimizer's update. Returns C.
template <class LossT, class Net, std::size_t B, std::size_t N, class Target, class WorkspaceT,
          class GradientsT, class Optimizer>
requires is_network_v<Net>
constexpr typename Net::value_type train_step(Net& net,
                                              const Matrix<typename Net::value_type, B, N>& x,
                                              const Target& target, WorkspaceT& ws,
                                              GradientsT& gradients, Optimizer& optimizer,
                                              L2 l2 = {}) {
  using error =
      detail::first_error_t<detail::optimizer_error<Net, Optimizer>,
                            detail::training_error<Net, B, N, Target, WorkspaceT, GradientsT>>;
  if constexpr (!std::is_void_v<error>) {
    detail::report_shape_error_in_call<error>();
    return {};
  } else {
    const auto cost = compute_gradients<LossT>(net, x, target, ws, gradients, l2);
    optimizer.step(net, gradients);
    return cost;
  }
}

/// Everything a training step needs for network Net, loss LossT, optimizer Optimizer and batch B,
/// in one object the caller owns (static storage is fine; `bytes` says how much).
template <class Net, class LossT, class Optimizer, std::size_t B>
class Trainer {
  static_assert(is_network_v<Net>, "ctnn::Trainer<Net, Loss, Optimizer, B>: Net must be a Network");
  using optimizer_error = detail::optimizer_error<Net, Optimizer>;
  static_assert(detail::shape_check<std::is_void_v<optimizer_error>, optimizer_error>::ok);

 public:
  using network_type = Net;
  using value_type = typename Net::value_type;
  static constexpr std::size_t batch_size = B;
  static constexpr std::size_t bytes =
      sizeof(Workspace<Net, B>) + sizeof(Gradients<Net>) + sizeof(Optimizer);

  Optimizer optimizer{};
  L2 regularization{};
  Workspace<Net, B> workspace{};
  Gradients<Net> gradients{};

  constexpr Trainer() = default;
  constexpr explicit Trainer(Optimizer o, L2 l2 = {}) : optimizer(o), regularization(l2) {}

  /// Forward, cost, backward and update on one batch, with denormals flushed to zero; returns C.
  template <class NetT, std::size_t Rows, std::size_t N, class Target>
  constexpr value_type step(NetT& net, const Matrix<value_type, Rows, N>& x, const Target& target) {
    if (std::is_constant_evaluated())
      return train_step<LossT>(net, x, target, workspace, gradients, optimizer, regularization);
    return step_flushing_denormals(net, x, target);
  }

 private:
  // Not constexpr: the guard touches the FPU's control register.
  template <class NetT, std::size_t Rows, std::size_t N, class Target>
  value_type step_flushing_denormals(NetT& net, const Matrix<value_type, Rows, N>& x,
                                     const Target& target) {
    FlushDenormals guard;
    return train_step<LossT>(net, x, target, workspace, gradients, optimizer, regularization);
  }
};

/// The rows of m listed in `indices` (B of them), as a batch.
template <std::size_t B, class T, std::size_t N, std::size_t C>
constexpr Matrix<T, B, C> gather_rows(const Matrix<T, N, C>& m, const std::size_t* indices) {
  Matrix<T, B, C> out;
  for (std::size_t i = 0; i < B; ++i)
    for (std::size_t j = 0; j < C; ++j) out(i, j) = m(indices[i] % N, j);
  return out;
}

/// A dataset of N samples held in fixed-size matrices: one sample per row.
template <class T, std::size_t N, std::size_t Inputs, std::size_t Outputs>
struct Dataset {
  static constexpr std::size_t size = N;
  Matrix<T, N, Inputs> inputs;
  Matrix<T, N, Outputs> targets;
};

struct Evaluation {
  double loss = 0;      ///< mean cost over the dataset (without regularization)
  double accuracy = 0;  ///< fraction of samples classified right (see evaluate)
};

/// Mean loss and accuracy of net over a dataset. Accuracy: with several outputs, the largest
/// output must be the largest target (argmax); with one output, output and target must fall on
/// the same side of 0.5 (binary classification).
template <class LossT, class Net, std::size_t N>
constexpr Evaluation evaluate(
    const Net& net,
    const Dataset<typename Net::value_type, N, Net::input_size, Net::output_size>& data) {
  using T = typename Net::value_type;
  // Batches as large as divide N (at most 32): bounded stack use, no remainder.
  constexpr std::size_t chunk = N % 32 == 0   ? 32
                                : N % 16 == 0 ? 16
                                : N % 8 == 0  ? 8
                                : N % 4 == 0  ? 4
                                : N % 2 == 0  ? 2
                                              : 1;
  constexpr std::size_t out = Net::output_size;
  Evaluation e;
  for (std::size_t first = 0; first < N; first += chunk) {
    std::size_t idx[chunk];
    for (std::size_t i = 0; i < chunk; ++i) idx[i] = first + i;
    const auto x = gather_rows<chunk>(data.inputs, idx);
    const auto t = gather_rows<chunk>(data.targets, idx);
    const auto y = net.forward(x);
    e.loss += static_cast<double>(LossT::value(y, t)) * chunk;
    for (std::size_t i = 0; i < chunk; ++i) {
      bool right;
      if constexpr (out == 1) {
        right = (y(i, 0) >= T(0.5)) == (t(i, 0) >= T(0.5));
      } else {
        std::size_t ay = 0, at = 0;
        for (std::size_t k = 1; k < out; ++k) {
          if (y(i, k) > y(i, ay)) ay = k;
          if (t(i, k) > t(i, at)) at = k;
        }
        right = ay == at;
      }
      e.accuracy += right ? 1.0 : 0.0;
    }
  }
  e.loss /= double(N);
  e.accuracy /= double(N);
  return e;
}

}  // namespace ctnn
