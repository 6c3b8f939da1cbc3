/// @file train.hpp
/// Training: the gradients of a batch (forward, cost, backward), one checked training step (and
/// the optimizer update), a `Trainer` that owns everything a step needs, and `evaluate` (mean
/// loss and accuracy over a fixed-size dataset). Nothing here allocates: buffers live in objects
/// the caller owns, which may be static. A step never writes NaN or Inf into the parameters: it
/// checks the batch, the cost and every gradient first, and says why it refused (StepResult).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <tuple>
#include <type_traits>

#include "ctnn/denormals.hpp"
#include "ctnn/detail/tensors.hpp"
#include "ctnn/finite.hpp"
#include "ctnn/kernels/dispatch.hpp"
#include "ctnn/layers/activations.hpp"
#include "ctnn/loss.hpp"
#include "ctnn/network.hpp"
#include "ctnn/optimizer.hpp"

namespace ctnn {

/// L2 regularization: C += lambda/2 * sum W^2 over every weight matrix (not biases), hence
/// dC/dW += lambda W (MATH.md). lambda = 0 turns it off.
struct L2 {
  /// The L2 factor lambda (0: none).
  double lambda = 0;
};

namespace detail {
/// L2 with lambda converted to the network's element type once (Trainer): no double arithmetic in
/// a float network's step.
template <class T>
struct ElementL2 {
  T lambda = 0;
};
}  // namespace detail

namespace detail {

/// True when LossT is computed from the logits of Net's output activation (LossT::fuses_with).
template <class Net, class LossT>
constexpr bool fused_output() {
  if constexpr (requires { LossT::template fuses_with<typename Net::template spec_type<1>>; })
    return LossT::template fuses_with<typename Net::template spec_type<Net::depth>>;
  else
    return false;
}

/// The mistake in using LossT as the loss of Net, or void: not a loss, or a loss that does not
/// suit the output layer (LossT::output_error, optional).
template <class Net, class LossT>
constexpr auto loss_error_of() {
  using T = typename Net::value_type;
  using missing = missing_loss_requirement_t<LossT, T>;
  if constexpr (!std::is_void_v<missing>) {
    return std::type_identity<shape_error::not_a_loss<shape_error::given<LossT>, missing>>{};
  } else if constexpr (requires { typename LossT::template output_error<1, Identity, 1>; }) {
    return std::type_identity<typename LossT::template output_error<
        Net::depth, typename Net::template spec_type<Net::depth>, Net::output_size>>{};
  } else {
    return std::type_identity<void>{};
  }
}
template <class Net, class LossT>
using loss_error = typename decltype(loss_error_of<Net, LossT>())::type;

/// Adds lambda P to the gradient of every parameter tensor its layer declares decayed (weights,
/// not biases); returns lambda/2 sum P^2 over those tensors.
template <class Net, class T>
constexpr T add_l2(const Net& net, Gradients<Net>& gradients, T lambda) {
  T cost = 0;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          using P = typename parameters_of<typename Net::template layer_type<I + 1>>::type;
          const auto parameters = tensors_of(net.template layer<I + 1>());
          const auto gradient = gradients.template layer<I + 1>().tensors();
          [&]<std::size_t... J>(std::index_sequence<J...>) {
            (
                [&] {
                  if constexpr (P::decayed[J]) {
                    const auto& p = std::get<J>(parameters);
                    T sum = 0;
                    for (const T w : p) sum += w * w;
                    cost += lambda / T(2) * sum;
                    kernels::axpy<std::remove_cvref_t<decltype(p)>::size>(
                        lambda, p.data(), std::get<J>(gradient).data());
                  }
                }(),
                ...);
          }
          (std::make_index_sequence<P::names.size()>{});
        }(),
        ...);
  }
  (std::make_index_sequence<Net::depth>{});
  return cost;
}

/// The first reason Net cannot be trained: its element type (element_traits), or its first layer
/// that is not a TrainableLayer (with the requirement it misses); or void.
template <class Net, std::size_t I = 1>
constexpr auto untrainable_layer_error_of() {
  if constexpr (I == 1 && !TrainableElement<typename Net::value_type>) {
    return std::type_identity<shape_error::element_type_cannot_be_trained<
        shape_error::network_element<typename Net::value_type>>>{};
  } else if constexpr (I > Net::depth) {
    return std::type_identity<void>{};
  } else {
    using missing = typename decltype(missing_training_requirement<
                                      typename Net::template layer_type<I>>())::type;
    if constexpr (!std::is_void_v<missing>)
      return std::type_identity<shape_error::layer_cannot_be_trained<
          shape_error::layer<I, typename Net::template spec_type<I>>, missing>>{};
    else
      return untrainable_layer_error_of<Net, I + 1>();
  }
}
template <class Net>
using untrainable_layer_error = typename decltype(untrainable_layer_error_of<Net>())::type;

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
      return std::type_identity<target_element_type_differs_from_the_network<
          network_element<typename Net::value_type>,
          target_element<typename Target::value_type>>>{};
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
template <class LossT, class Net, std::size_t B, std::size_t N, class Target, class WorkspaceT,
          class GradientsT>
using training_error =
    first_error_t<untrainable_layer_error<Net>, loss_error<Net, LossT>, input_error<Net, B, N>,
                  target_error<Net, B, Target>, workspace_error<Net, B, WorkspaceT>,
                  gradients_error<Net, GradientsT>>;

/// The mistake in passing NetT (as deduced from a reference) to a call that trains it, or void.
template <class NetT>
using trained_network_error = std::conditional_t<
    std::is_const_v<NetT>,
    shape_error::network_to_train_is_const<shape_error::network<std::remove_const_t<NetT>>>, void>;

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
          class GradientsT, class Regularization = L2>
requires is_network_v<Net>
constexpr typename Net::value_type compute_gradients(
    const Net& net, const Matrix<typename Net::value_type, B, N>& x, const Target& target,
    WorkspaceT& ws, GradientsT& gradients, Regularization l2 = {}) {
  using T = typename Net::value_type;
  constexpr std::size_t L = Net::depth;
  using error = detail::training_error<LossT, Net, B, N, Target, WorkspaceT, GradientsT>;
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
    if (const T lambda = static_cast<T>(l2.lambda); lambda != T(0))
      cost += detail::add_l2(net, gradients, lambda);
    return cost;
  }
}

/// Why a training step did or did not update the network.
enum class StepStatus : std::uint8_t {
  ok,                   ///< the network and the optimizer were updated
  non_finite_input,     ///< NaN or Inf in the input batch (StepResult::where: its first row)
  non_finite_target,    ///< NaN or Inf in the target matrix (where: its first row)
  label_out_of_range,   ///< a class label not below the class count (where: its row)
  non_finite_loss,      ///< the cost overflowed to Inf or is NaN
  non_finite_gradient,  ///< a parameter gradient is NaN or Inf (where: the layer, 1..depth)
  diverged,             ///< the Trainer's DivergenceGuard fired (loss too high, or rising)
};

/// A short English description of s.
constexpr const char* to_string(StepStatus s) {
  switch (s) {
    case StepStatus::ok:
      return "ok";
    case StepStatus::non_finite_input:
      return "NaN or Inf in the input batch";
    case StepStatus::non_finite_target:
      return "NaN or Inf in the target";
    case StepStatus::label_out_of_range:
      return "class label out of range";
    case StepStatus::non_finite_loss:
      return "the loss is NaN or Inf";
    case StepStatus::non_finite_gradient:
      return "NaN or Inf in a gradient";
    case StepStatus::diverged:
      return "divergence guard: loss too high or rising";
  }
  return "unknown";
}

/// What a training step did: `ok()` when the network was updated; otherwise the network and the
/// optimizer's state are exactly as before the call and `status` says why.
template <class T>
struct [[nodiscard]] StepResult {
  /// Why it succeeded or failed.
  StepStatus status = StepStatus::ok;
  /// The cost of the batch; NaN where it was not computed (non-finite input, target or label).
  T loss = std::numeric_limits<T>::quiet_NaN();
  /// The first bad row (input, target, label) or layer (gradient); 0 otherwise.
  std::size_t where = 0;

  /// True when the step was taken.
  constexpr bool ok() const { return status == StepStatus::ok; }
};

namespace detail {

/// The first row of m with a NaN or Inf (called once m is known to have one).
template <class T, std::size_t R, std::size_t C>
constexpr std::size_t first_non_finite_row(const Matrix<T, R, C>& m) {
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      if (!is_finite(m(r, c))) return r;
  return R;
}

/// Checks the batch, runs compute_gradients and checks the cost and every gradient. The caller
/// updates the parameters only when the result is ok.
template <class LossT, class Net, std::size_t B, std::size_t N, class Target, class WorkspaceT,
          class GradientsT, class Regularization>
constexpr StepResult<typename Net::value_type> checked_gradients(
    const Net& net, const Matrix<typename Net::value_type, B, N>& x, const Target& target,
    WorkspaceT& ws, GradientsT& gradients, Regularization l2) {
  using R = StepResult<typename Net::value_type>;
  if (!all_finite(x)) return R{StepStatus::non_finite_input, R{}.loss, first_non_finite_row(x)};
  if constexpr (is_class_labels_v<Target>) {
    if (const std::size_t row = target.first_out_of_range(); row != B)
      return R{StepStatus::label_out_of_range, R{}.loss, row};
  } else {
    if (!all_finite(target))
      return R{StepStatus::non_finite_target, R{}.loss, first_non_finite_row(target)};
  }
  const auto cost = compute_gradients<LossT>(net, x, target, ws, gradients, l2);
  if (!is_finite(cost)) return R{StepStatus::non_finite_loss, cost, 0};
  if (const std::size_t layer = first_non_finite_layer(gradients.layers()); layer != 0)
    return R{StepStatus::non_finite_gradient, cost, layer};
  return R{StepStatus::ok, cost, 0};
}

}  // namespace detail

/// One training step on a batch: compute_gradients, then the optimizer's update, unless the batch,
/// the cost or a gradient holds NaN or Inf (then nothing of net or optimizer changes; the result
/// says why). Returns the cost and the status.
template <class LossT, class Net, std::size_t B, std::size_t N, class Target, class WorkspaceT,
          class GradientsT, class Optimizer>
constexpr StepResult<typename std::remove_const_t<Net>::value_type> train_step(
    Net& net, const Matrix<typename std::remove_const_t<Net>::value_type, B, N>& x,
    const Target& target, WorkspaceT& ws, GradientsT& gradients, Optimizer& optimizer, L2 l2 = {}) {
  using Bare = std::remove_const_t<Net>;
  using error = detail::first_error_t<
      detail::trained_network_error<Net>, detail::optimizer_error<Bare, Optimizer>,
      detail::training_error<LossT, Bare, B, N, Target, WorkspaceT, GradientsT>>;
  if constexpr (!std::is_void_v<error>) {
    detail::report_shape_error_in_call<error>();
    return {};
  } else {
    const auto result = detail::checked_gradients<LossT>(net, x, target, ws, gradients, l2);
    if (result.ok()) optimizer.step(net, gradients);
    return result;
  }
}

/// Refuses (StepStatus::diverged) a step whose loss is above max_loss, or that is the
/// rising_steps-th step in a row whose loss exceeds the one before. Zero turns a test off.
struct DivergenceGuard {
  /// Refuse a step whose loss is above this (0: no bound).
  double max_loss = 0;
  /// Refuse the step when the loss rose this many steps in a row (0: never).
  unsigned rising_steps = 0;
};

namespace detail {

/// The mistake in the arguments of Trainer<Net, LossT, Optimizer, B>, or void.
template <class Net, class LossT, class Optimizer>
constexpr auto trainer_error_of() {
  using namespace shape_error;
  using T = typename Net::value_type;
  using missing = missing_loss_requirement_t<LossT, T>;
  if constexpr (!std::is_void_v<missing>)
    return std::type_identity<
        trainer_loss_argument_is_not_a_loss<argument<2>, given<LossT>, missing>>{};
  else if constexpr (!std::is_void_v<missing_optimizer_requirement_t<Optimizer>>)
    return std::type_identity<trainer_optimizer_argument_is_not_an_optimizer<
        argument<3>, given<Optimizer>, missing_optimizer_requirement_t<Optimizer>>>{};
  else
    return std::type_identity<first_error_t<
        untrainable_layer_error<Net>, optimizer_error<Net, Optimizer>, loss_error<Net, LossT>>>{};
}
template <class Net, class LossT, class Optimizer>
using trainer_error = typename decltype(trainer_error_of<Net, LossT, Optimizer>())::type;

/// The optimizer's options type, or an empty one while the arguments are being reported.
template <class Optimizer>
constexpr auto options_of() {
  if constexpr (requires { typename Optimizer::options_type; })
    return std::type_identity<typename Optimizer::options_type>{};
  else
    return std::type_identity<std::tuple<>>{};
}

}  // namespace detail

/// Everything a training step needs for network Net, loss LossT, optimizer Optimizer and batch B,
/// in one object the caller owns (static storage is fine; `bytes` says how much). Constructed from
/// the optimizer's options, so that no optimizer-sized temporary is ever made:
///   static ctnn::Trainer<Net, ctnn::CrossEntropy, ctnn::Adam<Net>, 32> trainer{
///       ctnn::AdamOptions{.learning_rate = 0.01}};
template <class Net, class LossT, class Optimizer, std::size_t B>
class Trainer {
  static_assert(is_network_v<Net>, "ctnn::Trainer<Net, Loss, Optimizer, B>: Net must be a Network");
  using arguments_error = detail::trainer_error<Net, LossT, Optimizer>;
  static_assert(detail::shape_check<std::is_void_v<arguments_error>, arguments_error>::ok);

 public:
  /// The network this object is made for.
  using network_type = Net;
  /// The element type.
  using value_type = typename Net::value_type;
  /// The optimizer's options type (AdamOptions, ...).
  using options_type = typename decltype(detail::options_of<Optimizer>())::type;
  /// Samples per batch.
  static constexpr std::size_t batch_size = B;
  /// sizeof(Trainer): the workspace, the gradients, the optimizer and its moments.
  static const std::size_t bytes;

  /// The optimizer and its state.
  Optimizer optimizer{};
  /// Activations and their gradients of a step.
  Workspace<Net, B> workspace{};
  /// The parameters' gradients of a step.
  Gradients<Net> gradients{};

  constexpr Trainer() = default;
  /// A trainer with these options, L2 and divergence guard.
  constexpr explicit Trainer(options_type options, L2 l2 = {}, DivergenceGuard guard = {})
      : optimizer(options),
        regularization_{static_cast<value_type>(l2.lambda)},
        max_loss_(static_cast<value_type>(guard.max_loss)),
        rising_steps_(guard.rising_steps) {}

  /// Zeroes the states that recurrent layers with CarriedState carry from one step's windows to
  /// the next (Workspace::reset_states): call it where a new recording (or epoch) begins.
  constexpr void reset_states() { workspace.reset_states(); }

  /// New L2 or divergence settings from the next step on (converted to value_type here, once).
  constexpr void set_regularization(L2 l2) {
    regularization_.lambda = static_cast<value_type>(l2.lambda);
  }
  /// Changes the divergence guard.
  constexpr void set_divergence_guard(DivergenceGuard guard) {
    max_loss_ = static_cast<value_type>(guard.max_loss);
    rising_steps_ = guard.rising_steps;
  }

  /// Forward, cost, backward and update on one batch, with denormals flushed to zero. The update
  /// happens only when the result is ok(): a NaN/Inf batch, cost or gradient, an out-of-range
  /// label or the divergence guard leave the network and the optimizer untouched.
  template <class NetT, std::size_t Rows, std::size_t N, class Target>
  constexpr StepResult<value_type> step(NetT& net, const Matrix<value_type, Rows, N>& x,
                                        const Target& target) {
    using error = detail::first_error_t<
        detail::trained_network_error<NetT>,
        std::conditional_t<Rows == B, void,
                           shape_error::input_batch_differs_from_trainer_batch<
                               shape_error::trainer_batch<B>, shape_error::input_batch<Rows>>>>;
    if constexpr (!std::is_void_v<error>) {
      detail::report_shape_error_in_call<error>();
      return {};
    } else {
      if (std::is_constant_evaluated()) return guarded_step(net, x, target);
#if defined(CTNN_RUNTIME_DISPATCH)
      if constexpr (B == 1)  // one target choice per step, not per kernel (with_simd_target)
        return with_simd_target([&] { return step_flushing_denormals(net, x, target); });
#elif !defined(__OPTIMIZE_SIZE__)  // -Os: the calls stay (code size first)
      if constexpr (B == 1) return step_inlined(net, x, target);
#endif
      return step_flushing_denormals(net, x, target);
    }
  }

 private:
  // At batch 1 the calls between the step's parts cost as much as a small layer's arithmetic, and
  // GCC's -O2 leaves them calls (the forward pass, the gradients, the checks, the update):
  // 1.23-1.26x the -O3 step. Everything inlined into one function instead (as with_simd_target
  // does): -O2 then runs as -O3 (1.00-1.03x), for 5% at -O3 (8-16-16-1 tanh: 157 -> 165 ns).
  template <class NetT, std::size_t Rows, std::size_t N, class Target>
  [[gnu::flatten]] StepResult<value_type> step_inlined(NetT& net,
                                                       const Matrix<value_type, Rows, N>& x,
                                                       const Target& target) {
    return step_flushing_denormals(net, x, target);
  }

  // Not constexpr: the guard touches the FPU's control register.
  template <class NetT, std::size_t Rows, std::size_t N, class Target>
  StepResult<value_type> step_flushing_denormals(NetT& net, const Matrix<value_type, Rows, N>& x,
                                                 const Target& target) {
    FlushDenormals guard;
    return guarded_step(net, x, target);
  }

  template <class NetT, std::size_t Rows, std::size_t N, class Target>
  constexpr StepResult<value_type> guarded_step(NetT& net, const Matrix<value_type, Rows, N>& x,
                                                const Target& target) {
    using error = detail::first_error_t<
        detail::optimizer_error<NetT, Optimizer>,
        detail::training_error<LossT, NetT, Rows, N, Target, Workspace<Net, B>, Gradients<Net>>>;
    if constexpr (!std::is_void_v<error>) {
      detail::report_shape_error_in_call<error>();
      return {};
    } else {
      auto result =
          detail::checked_gradients<LossT>(net, x, target, workspace, gradients, regularization_);
      if (result.ok() && diverging(result.loss)) result.status = StepStatus::diverged;
      if (result.ok()) optimizer.step(net, gradients);
      return result;
    }
  }

  /// The divergence guard's verdict on a finite loss; keeps the count of rising steps.
  constexpr bool diverging(value_type loss) {
    rising_ = steps_seen_ != 0 && loss > previous_loss_ ? rising_ + 1 : 0;
    previous_loss_ = loss;
    steps_seen_ = 1;
    return (max_loss_ > 0 && loss > max_loss_) || (rising_steps_ > 0 && rising_ >= rising_steps_);
  }

  // The L2 and divergence settings in the element type, converted once (no double in a step).
  detail::ElementL2<value_type> regularization_{};
  value_type max_loss_ = 0;
  unsigned rising_steps_ = 0;
  value_type previous_loss_ = 0;
  unsigned rising_ = 0;
  unsigned steps_seen_ = 0;
};

template <class Net, class LossT, class Optimizer, std::size_t B>
inline constexpr std::size_t Trainer<Net, LossT, Optimizer, B>::bytes = sizeof(Trainer);

/// Copies the rows of m listed in `indices` into out (a batch of B rows). Returns false, and leaves
/// out untouched, when an index is not below N.
template <std::size_t B, class T, std::size_t N, std::size_t C>
[[nodiscard]] constexpr bool gather_rows(const Matrix<T, N, C>& m, const std::size_t (&indices)[B],
                                         Matrix<T, B, C>& out) {
  for (const std::size_t i : indices)
    if (i >= N) return false;
  for (std::size_t i = 0; i < B; ++i)
    for (std::size_t j = 0; j < C; ++j) out(i, j) = m(indices[i], j);
  return true;
}

/// A dataset of N samples held in fixed-size matrices: one sample per row.
template <class T, std::size_t N, std::size_t Inputs, std::size_t Outputs>
struct Dataset {
  /// Samples.
  static constexpr std::size_t size = N;
  /// One sample per row.
  Matrix<T, N, Inputs> inputs;
  /// One target per row.
  Matrix<T, N, Outputs> targets;
};

/// What evaluate returns: the mean cost, the accuracy, and the samples counted and rejected.
struct Evaluation {
  double loss = 0;           ///< mean cost over the samples counted (without regularization)
  double accuracy = 0;       ///< fraction of the samples counted classified right (see evaluate)
  std::size_t rejected = 0;  ///< samples left out: a label out of range, or a NaN/Inf target
};

namespace detail {
/// Rows [first, first + Chunk) of m.
template <std::size_t Chunk, class T, std::size_t N, std::size_t C>
constexpr Matrix<T, Chunk, C> rows_of(const Matrix<T, N, C>& m, std::size_t first) {
  Matrix<T, Chunk, C> out;
  for (std::size_t i = 0; i < Chunk; ++i)
    for (std::size_t j = 0; j < C; ++j) out(i, j) = m(first + i, j);
  return out;
}
}  // namespace detail

/// Mean loss and accuracy of net over N samples: targets are Matrix<T, N, outputs> or
/// ClassLabels<N, outputs>. The loss is the training cost without regularization, computed the
/// same way (from the logits when the loss is fused with the output activation). Accuracy: with
/// several outputs, the largest output must be the labelled class (or the largest target); with
/// one output, output and target fall on the same side of 0.5. Samples whose label is out of
/// range or whose target is not finite are left out and counted in `rejected`.
template <class LossT, class Net, std::size_t N, class Target>
constexpr Evaluation evaluate(const Net& net,
                              const Matrix<typename Net::value_type, N, Net::input_size>& inputs,
                              const Target& targets) {
  using T = typename Net::value_type;
  constexpr std::size_t L = Net::depth, out = Net::output_size;
  using error =
      detail::first_error_t<detail::loss_error<Net, LossT>, detail::target_error<Net, N, Target>>;
  if constexpr (!std::is_void_v<error>) {
    detail::report_shape_error_in_call<error>();
    return {};
  } else {
    // One sample at a time through the cost (so that a bad row is left out alone), in batches as
    // large as divide N (at most 32) through the network: bounded stack, no remainder.
    constexpr std::size_t chunk = N % 32 == 0   ? 32
                                  : N % 16 == 0 ? 16
                                  : N % 8 == 0  ? 8
                                  : N % 4 == 0  ? 4
                                  : N % 2 == 0  ? 2
                                                : 1;
    constexpr bool fused = detail::fused_output<Net, LossT>();
    Evaluation e;
    std::size_t counted = 0;
    for (std::size_t first = 0; first < N; first += chunk) {
      const auto x = detail::rows_of<chunk>(inputs, first);
      // fused: the logits Z (the input of the output activation) and A = f(Z) from them.
      constexpr std::size_t logits_layer = fused ? L - 1 : L;  // 0: the input itself
      const auto z = [&] {
        if constexpr (logits_layer == 0)
          return x;
        else
          return net.template forward_to<logits_layer>(x);
      }();
      Matrix<T, chunk, out> y;
      if constexpr (fused)
        net.template layer<L>().forward(z, y);
      else
        y = z;
      for (std::size_t i = 0; i < chunk; ++i) {
        Matrix<T, 1, out> t;
        if constexpr (detail::is_class_labels_v<Target>) {
          const std::uint32_t label = targets.index[first + i];
          if (label >= out) {
            ++e.rejected;
            continue;
          }
          t(0, label) = T(1);
        } else {
          t = detail::rows_of<1>(targets, first + i);
          if (!all_finite(t)) {
            ++e.rejected;
            continue;
          }
        }
        const auto yi = detail::rows_of<1>(y, i);
        if constexpr (fused)
          e.loss += static_cast<double>(LossT::fused_value(detail::rows_of<1>(z, i), t));
        else
          e.loss += static_cast<double>(LossT::value(yi, t));
        bool right;
        if constexpr (out == 1) {
          right = (yi(0, 0) >= T(0.5)) == (t(0, 0) >= T(0.5));
        } else {
          std::size_t ay = 0, at = 0;
          for (std::size_t k = 1; k < out; ++k) {
            if (yi(0, k) > yi(0, ay)) ay = k;
            if (t(0, k) > t(0, at)) at = k;
          }
          right = ay == at;
        }
        e.accuracy += right ? 1.0 : 0.0;
        ++counted;
      }
    }
    if (counted != 0) {
      e.loss /= double(counted);
      e.accuracy /= double(counted);
    }
    return e;
  }
}

/// evaluate over a Dataset's inputs and targets.
template <class LossT, class Net, std::size_t N>
constexpr Evaluation evaluate(
    const Net& net,
    const Dataset<typename Net::value_type, N, Net::input_size, Net::output_size>& data) {
  return evaluate<LossT>(net, data.inputs, data.targets);
}

}  // namespace ctnn
