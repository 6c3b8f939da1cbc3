/// @file optimizer.hpp
/// The four optimizers of MATH.md: `GradientDescent`, `Momentum`, `RMSProp`, `Adam` (with bias
/// correction). Each is made for one network type: its state (moments shaped like the network's
/// parameters) is sized at compile time and stored in the object; `step(net, gradients)` updates
/// every parameter tensor in one fused pass. Hyper-parameters are plain aggregates with MATH.md's
/// defaults. Regularization belongs to the cost (see train.hpp), not to the optimizers.
#pragma once

#include <cstddef>

#include "ctnn/detail/tensors.hpp"
#include "ctnn/kernels/optimizer.hpp"
#include "ctnn/network.hpp"

namespace ctnn {

struct GradientDescentOptions {
  double learning_rate = 0.01;
};
struct MomentumOptions {
  double learning_rate = 0.01;
  double beta = 0.9;
};
struct RMSPropOptions {
  double learning_rate = 0.01;
  double beta = 0.99;
  double epsilon = 1e-8;
};
struct AdamOptions {
  double learning_rate = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
};

/// P -= alpha g. Mini-batch gradient descent; with batch 1, stochastic gradient descent.
template <class Net>
class GradientDescent {
  static_assert(is_network_v<Net>, "ctnn::GradientDescent<Net>: Net must be a ctnn::Network");
  using T = typename Net::value_type;

 public:
  using network_type = Net;
  GradientDescentOptions options;
  static constexpr std::size_t state_bytes = 0;

  constexpr GradientDescent() = default;
  constexpr explicit GradientDescent(GradientDescentOptions o) : options(o) {}

  constexpr void step(Net& net, const Gradients<Net>& g) {
    const T lr = static_cast<T>(options.learning_rate);
    detail::for_each_tensor(
        [&](auto& p, const auto& gp) {
          kernels::sgd<std::remove_cvref_t<decltype(p)>::size>(lr, gp.data(), p.data());
        },
        net.layers(), g.layers());
  }
};

/// v = beta v + (1 - beta) g; P -= alpha v (the notes' exponential average).
template <class Net>
class Momentum {
  static_assert(is_network_v<Net>, "ctnn::Momentum<Net>: Net must be a ctnn::Network");
  using T = typename Net::value_type;

 public:
  using network_type = Net;
  MomentumOptions options;
  static constexpr std::size_t state_bytes = sizeof(typename Net::layers_type);

  constexpr Momentum() = default;
  constexpr explicit Momentum(MomentumOptions o) : options(o) {}

  constexpr void step(Net& net, const Gradients<Net>& g) {
    const T lr = static_cast<T>(options.learning_rate), beta = static_cast<T>(options.beta);
    detail::for_each_tensor(
        [&](auto& p, const auto& gp, auto& v) {
          kernels::momentum<std::remove_cvref_t<decltype(p)>::size>(lr, beta, gp.data(), v.data(),
                                                                    p.data());
        },
        net.layers(), g.layers(), velocity_);
  }

 private:
  typename Net::layers_type velocity_{};
};

/// s = beta s + (1 - beta) g^2; P -= alpha g / (sqrt(s) + eps).
template <class Net>
class RMSProp {
  static_assert(is_network_v<Net>, "ctnn::RMSProp<Net>: Net must be a ctnn::Network");
  using T = typename Net::value_type;

 public:
  using network_type = Net;
  RMSPropOptions options;
  static constexpr std::size_t state_bytes = sizeof(typename Net::layers_type);

  constexpr RMSProp() = default;
  constexpr explicit RMSProp(RMSPropOptions o) : options(o) {}

  constexpr void step(Net& net, const Gradients<Net>& g) {
    const T lr = static_cast<T>(options.learning_rate), beta = static_cast<T>(options.beta),
            eps = static_cast<T>(options.epsilon);
    detail::for_each_tensor(
        [&](auto& p, const auto& gp, auto& s) {
          kernels::rmsprop<std::remove_cvref_t<decltype(p)>::size>(lr, beta, eps, gp.data(),
                                                                   s.data(), p.data());
        },
        net.layers(), g.layers(), mean_square_);
  }

 private:
  typename Net::layers_type mean_square_{};
};

/// m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; P -= alpha m^ / (sqrt(v^) + eps) with
/// m^ = m / (1 - b1^t), v^ = v / (1 - b2^t), t = 1, 2, ...
template <class Net>
class Adam {
  static_assert(is_network_v<Net>, "ctnn::Adam<Net>: Net must be a ctnn::Network");
  using T = typename Net::value_type;

 public:
  using network_type = Net;
  AdamOptions options;
  static constexpr std::size_t state_bytes = 2 * sizeof(typename Net::layers_type);

  constexpr Adam() = default;
  constexpr explicit Adam(AdamOptions o) : options(o) {}

  /// Number of steps taken (t of the last step).
  constexpr long steps() const { return t_; }

  constexpr void step(Net& net, const Gradients<Net>& g) {
    ++t_;
    beta1_power_ *= options.beta1;
    beta2_power_ *= options.beta2;
    const T lr = static_cast<T>(options.learning_rate), b1 = static_cast<T>(options.beta1),
            b2 = static_cast<T>(options.beta2), eps = static_cast<T>(options.epsilon),
            c1 = static_cast<T>(1.0 / (1.0 - beta1_power_)),
            c2 = static_cast<T>(1.0 / (1.0 - beta2_power_));
    detail::for_each_tensor(
        [&](auto& p, const auto& gp, auto& m, auto& v) {
          kernels::adam<std::remove_cvref_t<decltype(p)>::size>(lr, b1, b2, eps, c1, c2, gp.data(),
                                                                m.data(), v.data(), p.data());
        },
        net.layers(), g.layers(), first_moment_, second_moment_);
  }

 private:
  typename Net::layers_type first_moment_{};
  typename Net::layers_type second_moment_{};
  long t_ = 0;
  double beta1_power_ = 1.0;  // beta1^t
  double beta2_power_ = 1.0;  // beta2^t
};

/// An optimizer for network Net: `step(net, gradients)` exists for exactly that network type.
template <class O, class Net>
concept OptimizerFor = std::same_as<typename O::network_type, Net> &&
    requires(O& o, Net& net, const Gradients<Net>& g) {
  o.step(net, g);
};

}  // namespace ctnn
