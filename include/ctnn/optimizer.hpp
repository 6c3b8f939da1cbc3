/// @file optimizer.hpp
/// The four optimizers of MATH.md: `GradientDescent`, `Momentum`, `RMSProp`, `Adam` (with bias
/// correction). Each is made for one network type: its state (moments shaped like the network's
/// parameters) is sized at compile time and stored in the object; `step(net, gradients)` updates
/// every parameter tensor in one fused pass. Hyper-parameters are plain aggregates with MATH.md's
/// defaults. Regularization belongs to the cost (see train.hpp), not to the optimizers.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "ctnn/detail/math.hpp"
#include "ctnn/detail/tensors.hpp"
#include "ctnn/kernels/dispatch.hpp"
#include "ctnn/network.hpp"

namespace ctnn {

/// GradientDescent's hyper-parameters (MATH.md's defaults).
struct GradientDescentOptions {
  /// The step size alpha.
  double learning_rate = 0.01;
};
/// Momentum's hyper-parameters (MATH.md's defaults).
struct MomentumOptions {
  /// The step size alpha.
  double learning_rate = 0.01;
  /// The exponential average's factor.
  double beta = 0.9;
};
/// RMSProp's hyper-parameters (MATH.md's defaults; epsilon outside the root).
struct RMSPropOptions {
  /// The step size alpha.
  double learning_rate = 0.01;
  /// The squared gradients' average factor.
  double beta = 0.99;
  /// Added to the root, against division by zero (MATH.md's placement).
  double epsilon = 1e-8;
};
/// Adam's hyper-parameters (MATH.md's defaults; bias-corrected).
struct AdamOptions {
  /// The step size alpha.
  double learning_rate = 1e-3;
  /// The first moment's factor.
  double beta1 = 0.9;
  /// The second moment's factor.
  double beta2 = 0.999;
  /// Added to the root, against division by zero (MATH.md's placement).
  double epsilon = 1e-8;
};

namespace detail {

/// What every optimizer is: made for one network type, its options, and States tensors of state
/// per parameter tensor (shaped like the network's parameters, in the object). `update` runs
/// f(p, g, state...) once per parameter tensor. Hyper is the options converted to the network's
/// element type, once, when the options are set: a step does no double arithmetic on a float
/// network (a Cortex-M4 has no double FPU), and every derived constant (1 - beta, log beta) is
/// computed in double before that one rounding (1 - float(0.999) would be 1.3e-5 too small; as
/// PyTorch, which passes Python floats to its float kernels).
template <class Net, class Options, class Hyper, std::size_t States>
class OptimizerBase {
  static_assert(is_network_v<Net>, "ctnn optimizers: Net must be a ctnn::Network");

 public:
  using network_type = Net;
  using options_type = Options;
  /// Bytes of the moments: States parameter sets per layer (Gradients<Net>'s size each).
  static constexpr std::size_t state_bytes = States * Gradients<Net>::bytes;

  /// The default options (MATH.md's). Every byte of a default-constructed optimizer is zero, so
  /// a static one (or a static Trainer) lives in .bss, not in .data with a copy in flash.
  constexpr OptimizerBase() = default;
  constexpr explicit OptimizerBase(Options o) : options_(o), hyper_(o), set_(true) {}

  constexpr Options options() const { return set_ ? options_ : Options{}; }
  /// New hyper-parameters from the next step on (a learning-rate schedule); the state is kept.
  constexpr void set_options(Options o) {
    options_ = o;
    hyper_ = Hyper(o);
    set_ = true;
  }

 protected:
  template <class F>
  constexpr void update(Net& net, const Gradients<Net>& g, F f) {
    [&]<std::size_t... S>(std::index_sequence<S...>) {
      for_each_tensor(f, net.layers(), g.layers(), state_[S]...);
    }
    (std::make_index_sequence<States>{});
  }
  constexpr const Hyper& hyper() const { return set_ ? hyper_ : default_hyper; }

 private:
  static constexpr Hyper default_hyper{Options{}};  // in .rodata
  Options options_ = std::bit_cast<Options>(std::array<std::byte, sizeof(Options)>{});  // zeros
  Hyper hyper_{};
  bool set_ = false;
  std::array<typename Net::parameters_type, States> state_{};  // no storage when States == 0
};

/// Number of elements of a parameter tensor, for the kernels' template argument.
template <class Tensor>
inline constexpr std::size_t size_of = std::remove_cvref_t<Tensor>::size;

template <class T>
struct GradientDescentHyper {
  T lr{};
  GradientDescentHyper() = default;
  constexpr explicit GradientDescentHyper(const GradientDescentOptions& o)
      : lr(static_cast<T>(o.learning_rate)) {}
};
template <class T>
struct MomentumHyper {
  T lr{}, beta{}, one_minus_beta{};
  MomentumHyper() = default;
  constexpr explicit MomentumHyper(const MomentumOptions& o)
      : lr(static_cast<T>(o.learning_rate)),
        beta(static_cast<T>(o.beta)),
        one_minus_beta(static_cast<T>(1.0 - o.beta)) {}
};
template <class T>
struct RMSPropHyper {
  T lr{}, beta{}, one_minus_beta{}, eps{};
  RMSPropHyper() = default;
  constexpr explicit RMSPropHyper(const RMSPropOptions& o)
      : lr(static_cast<T>(o.learning_rate)),
        beta(static_cast<T>(o.beta)),
        one_minus_beta(static_cast<T>(1.0 - o.beta)),
        eps(static_cast<T>(o.epsilon)) {}
};
template <class T>
struct AdamHyper {
  T lr{}, b1{}, one_minus_b1{}, b2{}, one_minus_b2{}, eps{};
  T log_b1{}, log_b2{};  // for the bias corrections 1 - beta^t = -expm1(t log beta)
  AdamHyper() = default;
  constexpr explicit AdamHyper(const AdamOptions& o)
      : lr(static_cast<T>(o.learning_rate)),
        b1(static_cast<T>(o.beta1)),
        one_minus_b1(static_cast<T>(1.0 - o.beta1)),
        b2(static_cast<T>(o.beta2)),
        one_minus_b2(static_cast<T>(1.0 - o.beta2)),
        eps(static_cast<T>(o.epsilon)),
        log_b1(static_cast<T>(detail::log1p(-(1.0 - o.beta1)))),
        log_b2(static_cast<T>(detail::log1p(-(1.0 - o.beta2)))) {}
};

}  // namespace detail

/// P -= alpha g. Mini-batch gradient descent; with batch 1, stochastic gradient descent.
template <class Net>
class GradientDescent
    : public detail::OptimizerBase<Net, GradientDescentOptions,
                                   detail::GradientDescentHyper<typename Net::value_type>, 0> {
 public:
  using GradientDescent::OptimizerBase::OptimizerBase;

  /// W -= alpha dW for every tensor.
  constexpr void step(Net& net, const Gradients<Net>& g) {
    const auto lr = this->hyper().lr;
    this->update(net, g, [&](auto& p, const auto& gp) {
      kernels::sgd<detail::size_of<decltype(p)>>(lr, gp.data(), p.data());
    });
  }
};

/// v = beta v + (1 - beta) g; P -= alpha v (the notes' exponential average).
template <class Net>
class Momentum : public detail::OptimizerBase<Net, MomentumOptions,
                                              detail::MomentumHyper<typename Net::value_type>, 1> {
 public:
  using Momentum::OptimizerBase::OptimizerBase;

  /// One momentum update of every tensor.
  constexpr void step(Net& net, const Gradients<Net>& g) {
    const auto& h = this->hyper();
    this->update(net, g, [&](auto& p, const auto& gp, auto& v) {
      kernels::momentum<detail::size_of<decltype(p)>>(h.lr, h.beta, h.one_minus_beta, gp.data(),
                                                      v.data(), p.data());
    });
  }
};

/// s = beta s + (1 - beta) g^2; P -= alpha g / (sqrt(s) + eps).
template <class Net>
class RMSProp : public detail::OptimizerBase<Net, RMSPropOptions,
                                             detail::RMSPropHyper<typename Net::value_type>, 1> {
 public:
  using RMSProp::OptimizerBase::OptimizerBase;

  /// One RMSProp update of every tensor.
  constexpr void step(Net& net, const Gradients<Net>& g) {
    const auto& h = this->hyper();
    this->update(net, g, [&](auto& p, const auto& gp, auto& ms) {
      kernels::rmsprop<detail::size_of<decltype(p)>>(h.lr, h.beta, h.one_minus_beta, h.eps,
                                                     gp.data(), ms.data(), p.data());
    });
  }
};

/// m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; P -= alpha m^ / (sqrt(v^) + eps) with
/// m^ = m / (1 - b1^t), v^ = v / (1 - b2^t), t = 1, 2, ...
template <class Net>
class Adam : public detail::OptimizerBase<Net, AdamOptions,
                                          detail::AdamHyper<typename Net::value_type>, 2> {
 public:
  using Adam::OptimizerBase::OptimizerBase;

  /// Number of steps taken (t of the last step).
  constexpr long steps() const { return t_; }

  /// One bias-corrected Adam update of every tensor.
  constexpr void step(Net& net, const Gradients<Net>& g) {
    using T = typename Net::value_type;
    const auto& h = this->hyper();
    ++t_;
    // The bias corrections in T: 1 - beta^t = -expm1(t log beta) has no cancellation for small t
    // (where 1 - b2^t is 1e-3) and stays within a few ulp for any t.
    const T t = static_cast<T>(t_);
    const T c1 = -detail::expm1(t * h.log_b1), c2 = -detail::expm1(t * h.log_b2);
    const T step_size = h.lr / c1, inv_sqrt_c2 = T(1) / detail::sqrt(c2);
    this->update(net, g, [&](auto& p, const auto& gp, auto& m, auto& v) {
      kernels::adam<detail::size_of<decltype(p)>>(step_size, h.b1, h.one_minus_b1, h.b2,
                                                  h.one_minus_b2, h.eps, inv_sqrt_c2, gp.data(),
                                                  m.data(), v.data(), p.data());
    });
  }

 private:
  long t_ = 0;
};

/// The requirements of an optimizer, one type each, so that a user optimizer missing one is told
/// which (shape_error::trainer_optimizer_argument_is_not_an_optimizer names it).
namespace optimizer_requirement {
/// `using network_type = Net;` and `using options_type = ...;` (its hyper-parameters).
struct network_type_and_options_type {};
/// Default-constructible, and constructible from its options_type.
struct constructible_from_its_options {};
/// `void step(network_type&, const Gradients<network_type>&)`.
struct step_from_network_and_gradients {};
}  // namespace optimizer_requirement

namespace detail {
/// The first optimizer requirement O misses (std::type_identity of it), or void.
template <class O>
constexpr auto missing_optimizer_requirement() {
  using namespace optimizer_requirement;
  if constexpr (!requires {
                  typename O::network_type;
                  typename O::options_type;
                })
    return std::type_identity<network_type_and_options_type>{};
  else if constexpr (!std::is_default_constructible_v<O> ||
                     !std::is_constructible_v<O, typename O::options_type>)
    return std::type_identity<constructible_from_its_options>{};
  else if constexpr (!requires(O & o, typename O::network_type & net,
                               const Gradients<typename O::network_type>& g) { o.step(net, g); })
    return std::type_identity<step_from_network_and_gradients>{};
  else
    return std::type_identity<void>{};
}
template <class O>
using missing_optimizer_requirement_t = typename decltype(missing_optimizer_requirement<O>())::type;
}  // namespace detail

/// An optimizer: meets every optimizer_requirement.
template <class O>
concept Optimizer = std::is_void_v<detail::missing_optimizer_requirement_t<O>>;

/// An optimizer made for network Net.
template <class O, class Net>
concept OptimizerFor = Optimizer<O> && std::same_as<typename O::network_type, Net>;

}  // namespace ctnn
