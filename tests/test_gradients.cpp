// Every gradient against central finite differences in double precision, on networks of several
// shapes, every activation and every loss, fused and unfused, with and without L2.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <string_view>

#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/conv1d.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/layers/recurrent.hpp"
#include "ctnn/layers/residual.hpp"
#include "ctnn/train.hpp"
#include "reference.hpp"

using namespace ctnn;

namespace {

template <std::size_t R, std::size_t C>
Matrix<double, R, C> random_matrix(std::size_t salt, double scale = 1.0) {
  Matrix<double, R, C> m;
  for (std::size_t i = 0; i < m.size; ++i) m[i] = scale * ref::noise(i, salt);
  return m;
}

// Rows that are probability distributions (for cross-entropy targets).
template <std::size_t R, std::size_t C>
Matrix<double, R, C> random_distribution(std::size_t salt) {
  auto m = random_matrix<R, C>(salt);
  for (std::size_t r = 0; r < R; ++r) {
    double sum = 0;
    for (std::size_t c = 0; c < C; ++c) sum += (m(r, c) = std::abs(m(r, c)) + 0.05);
    for (std::size_t c = 0; c < C; ++c) m(r, c) /= sum;
  }
  return m;
}

struct Result {
  std::size_t checked = 0;
  double worst = 0;   // largest relative error
  std::string where;  // where it is: layer, kind, tensor, element, shape, both values
};

// Relative error |a - n| / max(|a|, |n|, floor): the floor keeps round-off in gradients that are
// zero in exact arithmetic from counting as relative error.
template <class LossT, class Net, std::size_t B, class Target>
Result check(Net net, const Matrix<double, B, Net::input_size>& x, const Target& t,
             double lambda = 0) {
  Workspace<Net, B> ws;
  Gradients<Net> g;
  compute_gradients<LossT>(net, x, t, ws, g, L2{lambda});
  Workspace<Net, B> scratch_ws;
  Gradients<Net> scratch_g;
  auto cost = [&] {
    return compute_gradients<LossT>(net, x, t, scratch_ws, scratch_g, L2{lambda});
  };
  Result r;
  const double h = 1e-5;  // round-off ~ 1e-16 |C| / h and truncation ~ h^2 |C'''| balance near here
  std::size_t tensor = 0, worst_tensor = 0, worst_element = 0;
  double worst_analytic = 0, worst_numeric = 0;
  detail::for_each_tensor(
      [&](auto& p, const auto& gp) {
        for (std::size_t i = 0; i < p.size; ++i) {
          const double saved = p[i];
          p[i] = saved + h;
          const double plus = cost();
          p[i] = saved - h;
          const double minus = cost();
          p[i] = saved;
          const double numeric = (plus - minus) / (2 * h);
          const double analytic = gp[i];
          const double rel = std::abs(analytic - numeric) /
                             std::max({std::abs(analytic), std::abs(numeric), 1e-4});
          if (rel > r.worst || r.checked == 0) {
            r.worst = rel;
            worst_tensor = tensor;
            worst_element = i;
            worst_analytic = analytic;
            worst_numeric = numeric;
          }
          ++r.checked;
        }
        ++tensor;
      },
      net.layers(), g.layers());
  // Name the worst element: the walk over the parameters visits the tensors in the same order.
  std::size_t k = 0;
  for_each_parameter(
      net, [&](std::size_t layer, std::string_view kind, std::string_view name, const auto& p) {
        if (k++ != worst_tensor) return;
        std::ostringstream out;
        out << "layer " << layer << " (" << kind << "), tensor " << name << " (" << p.rows << " x "
            << p.cols << "), element (" << worst_element / p.cols << ", " << worst_element % p.cols
            << "): backward " << worst_analytic << ", finite difference " << worst_numeric;
        r.where = out.str();
      });
  return r;
}

template <class Net>
Net seeded(std::uint64_t seed) {
  Net net{Seed{seed}};
  // Non-zero biases, so that their gradients are exercised off the initial point too.
  detail::for_each_tensor(
      [&](auto& p) {
        if constexpr (std::remove_cvref_t<decltype(p)>::rows == 1)
          for (std::size_t i = 0; i < p.size; ++i) p[i] = 0.1 * ref::noise(i, seed + 17);
      },
      net.layers());
  return net;
}

}  // namespace

#define CHECK_GRADIENTS(result)                                                                   \
  do {                                                                                            \
    const Result r_ = (result);                                                                   \
    INFO("parameters checked: " << r_.checked << ", worst relative error: " << r_.worst << " at " \
                                << r_.where);                                                     \
    CHECK(r_.checked > 0);                                                                        \
    CHECK(r_.worst <= 1e-6);                                                                      \
  } while (false)

TEST_CASE("MSE through sigmoid, tanh, identity and ReLU", "[gradients]") {
  using A = BasicNetwork<double, Input<3>, Dense<4>, Sigmoid, Dense<2>>;
  CHECK_GRADIENTS(
      (check<MeanSquaredError>(seeded<A>(1), random_matrix<5, 3>(1), random_matrix<5, 2>(2))));
  using B = BasicNetwork<double, Input<2>, Dense<3>, Identity, Dense<5>, Tanh, Dense<2>, Tanh>;
  CHECK_GRADIENTS((check<MeanSquaredError>(seeded<B>(2), random_matrix<4, 2>(3, 2.0),
                                           random_matrix<4, 2>(4, 0.9))));
  using C = BasicNetwork<double, Input<6>, Dense<6, 9>, ReLU, Dense<9, 1>>;
  CHECK_GRADIENTS(
      (check<MeanSquaredError>(seeded<C>(3), random_matrix<7, 6>(5), random_matrix<7, 1>(6))));
  // FastTanh's backward is 1 - a^2, tanh's derivative at the approximated value: it differs from
  // the approximation's own derivative by no more than its fit error.
  using F = BasicNetwork<double, Input<3>, Dense<5>, FastTanh, Dense<2>>;
  CHECK_GRADIENTS(
      (check<MeanSquaredError>(seeded<F>(4), random_matrix<6, 3>(7, 2.0), random_matrix<6, 2>(8))));
}

TEST_CASE("Softmax's full Jacobian (unfused) under MSE and cross-entropy", "[gradients]") {
  using Net = BasicNetwork<double, Input<3>, Dense<4>, Tanh, Dense<3>, Softmax>;
  CHECK_GRADIENTS((check<MeanSquaredError>(seeded<Net>(4), random_matrix<4, 3>(7, 2.0),
                                           random_distribution<4, 3>(8))));
  // Cross-entropy after a sigmoid output is not fused: the general rule dC/dA = -t / (B a).
  using Sig = BasicNetwork<double, Input<3>, Dense<4>, Sigmoid>;
  CHECK_GRADIENTS(
      (check<CrossEntropy>(seeded<Sig>(5), random_matrix<3, 3>(9), random_distribution<3, 4>(10))));
  // Binary cross-entropy after a softmax: unfused as well.
  CHECK_GRADIENTS((check<BinaryCrossEntropy>(seeded<Net>(6), random_matrix<4, 3>(11),
                                             random_distribution<4, 3>(12))));
}

TEST_CASE("Fused output losses: sigmoid + BCE, softmax + cross-entropy", "[gradients]") {
  using Bin = BasicNetwork<double, Input<4>, Dense<6>, ReLU, Dense<2>, Sigmoid>;
  auto t = random_matrix<3, 2>(13);
  for (auto& v : t) v = v > 0 ? 1.0 : 0.0;
  CHECK_GRADIENTS((check<BinaryCrossEntropy>(seeded<Bin>(7), random_matrix<3, 4>(14), t)));

  using Cls = BasicNetwork<double, Input<5>, Dense<7>, Tanh, Dense<4>, Softmax>;
  CHECK_GRADIENTS((
      check<CrossEntropy>(seeded<Cls>(8), random_matrix<6, 5>(15), random_distribution<6, 4>(16))));
  ClassLabels<6, 4> labels{{0, 3, 1, 2, 2, 0}};
  CHECK_GRADIENTS((check<CrossEntropy>(seeded<Cls>(9), random_matrix<6, 5>(17), labels)));
}

TEST_CASE("L2 regularization on weights, not biases", "[gradients]") {
  using Net = BasicNetwork<double, Input<3>, Dense<5>, Sigmoid, Dense<3>, Softmax>;
  CHECK_GRADIENTS((check<CrossEntropy>(seeded<Net>(10), random_matrix<4, 3>(18),
                                       random_distribution<4, 3>(19), 0.3)));

  // The bias gradient is the same with and without L2; the weight gradient moves by lambda W.
  const Net net = seeded<Net>(11);
  const auto x = random_matrix<4, 3>(20);
  const auto t = random_distribution<4, 3>(21);
  Workspace<Net, 4> ws;
  Gradients<Net> plain, regularized;
  const double c0 = compute_gradients<CrossEntropy>(net, x, t, ws, plain);
  const double c1 = compute_gradients<CrossEntropy>(net, x, t, ws, regularized, L2{0.5});
  CHECK(regularized.layer<1>().bias == plain.layer<1>().bias);
  double sum_w2 = 0;
  for (std::size_t i = 0; i < 15; ++i) {
    const double w = net.layer<1>().weights[i];
    sum_w2 += w * w;
    CHECK(regularized.layer<1>().weights[i] == Approx(plain.layer<1>().weights[i] + 0.5 * w));
  }
  for (const double w : net.layer<3>().weights) sum_w2 += w * w;
  CHECK(c1 == Approx(c0 + 0.25 * sum_w2).epsilon(1e-12));
}

TEST_CASE("Causal convolutions, flatten and L2 on their weights", "[gradients]") {
  using Net =
      BasicNetwork<double, Input<6, 2>, Conv1D<3, 3>, Tanh, Conv1D<2, 2>, Flatten, Dense<2>>;
  CHECK_GRADIENTS((
      check<MeanSquaredError>(seeded<Net>(12), random_matrix<4, 12>(22), random_matrix<4, 2>(23))));
  CHECK_GRADIENTS((check<MeanSquaredError>(seeded<Net>(13), random_matrix<3, 12>(24),
                                           random_matrix<3, 2>(25), 0.2)));
}

TEST_CASE("Recurrent stacks: LSTM, GRU, per-frame Linear, last frame, L2", "[gradients]") {
  // Backpropagation through time across layers: each recurrent layer's dX is the next one's
  // gradient, every frame's output feeds the loss (Linear on every frame) or only the last one.
  using Frames = BasicNetwork<double, Input<5, 2>, LSTM<3>, GRU<4>, Linear<2>, Tanh>;
  CHECK_GRADIENTS((check<MeanSquaredError>(seeded<Frames>(14), random_matrix<3, 10>(26, 2.0),
                                           random_matrix<3, 10>(27))));
  using Last = BasicNetwork<double, Input<7, 1>, GRU<5>, LSTM<4>, LastFrame, Dense<3>, Softmax>;
  CHECK_GRADIENTS((check<CrossEntropy>(seeded<Last>(15), random_matrix<2, 7>(28, 2.0),
                                       random_distribution<2, 3>(29), 0.1)));
}

TEST_CASE("Residual branches: gradients add at the fork, nested, under L2", "[gradients]") {
  // Proteus's model (the input added to LSTM -> Linear), then a residual inside a residual.
  using Proteus = BasicNetwork<double, Input<6, 1>, Residual<LSTM<4>, Linear<1>>>;
  CHECK_GRADIENTS((check<MeanSquaredError>(seeded<Proteus>(16), random_matrix<3, 6>(30, 2.0),
                                           random_matrix<3, 6>(31), 0.1)));
  using Nested = BasicNetwork<double, Input<5, 2>, Residual<GRU<3>, Linear<2>>,
                              Residual<Linear<2>, Tanh, Residual<Linear<2>>>, LastFrame, Dense<2>>;
  CHECK_GRADIENTS((check<MeanSquaredError>(seeded<Nested>(17), random_matrix<2, 10>(32, 2.0),
                                           random_matrix<2, 2>(33))));
  // Neural Amp Modeler's LSTM: a learned initial state, the input added to the head's output.
  using Learned =
      BasicNetwork<double, Input<5, 1>,
                   Residual<LSTM<3, Tanh, LearnedState>, GRU<2, Tanh, LearnedState>, Linear<1>>>;
  CHECK_GRADIENTS((check<MeanSquaredError>(seeded<Learned>(19), random_matrix<3, 5>(36, 2.0),
                                           random_matrix<3, 5>(37), 0.1)));
  using Block = BasicNetwork<double, Input<4>, Dense<5>, Residual<Dense<5>, ReLU, Dense<5>>, Tanh,
                             Dense<3>, Softmax>;
  CHECK_GRADIENTS((check<CrossEntropy>(seeded<Block>(18), random_matrix<3, 4>(34, 2.0),
                                       random_distribution<3, 3>(35), 0.1)));
}
