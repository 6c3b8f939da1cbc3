// Training: the notes' worked examples with hand-derived numbers, each optimizer's first two
// updates by hand, convergence on three problems, numerical stability.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/train.hpp"
#include "reference.hpp"
#include "two_rings.hpp"

using namespace ctnn;

TEST_CASE("Logistic regression, note 002 (batch 1): dL/dw = (y_hat - y) x", "[training][notes]") {
  // z = w . x + b = ln 3 * 1 + 0.5 * 2 + 1 * (-1) + 0 = ln 3, so y_hat = 3/4; y = 1.
  // L = -ln(3/4); dL/dz = y_hat - y = -1/4 (the notes' (y/y_hat - (1-y)/(1-y_hat)) y_hat (1-y_hat)
  // = 1/4 is for the log-likelihood; the loss is its negative); dL/dw = -1/4 x, dL/db = -1/4.
  using Net = BasicNetwork<double, Input<3>, Dense<1>, Sigmoid>;
  Net net;
  net.layer<1>().weights = Matrix<double, 3, 1>{{{std::log(3.0)}, {0.5}, {1.0}}};
  net.layer<1>().bias = Matrix<double, 1, 1>{{{0.0}}};
  Workspace<Net, 1> ws;
  Gradients<Net> g;
  const double loss = compute_gradients<BinaryCrossEntropy>(net, Vector<double, 3>{{1, 2, -1}},
                                                            Matrix<double, 1, 1>{{{1.0}}}, ws, g);
  CHECK(ws.output()(0, 0) == Approx(0.75).epsilon(1e-14));
  CHECK(loss == Approx(-std::log(0.75)).epsilon(1e-14));
  CHECK(g.layer<1>().weights(0, 0) == Approx(-0.25).epsilon(1e-14));
  CHECK(g.layer<1>().weights(1, 0) == Approx(-0.5).epsilon(1e-14));
  CHECK(g.layer<1>().weights(2, 0) == Approx(0.25).epsilon(1e-14));
  CHECK(g.layer<1>().bias(0, 0) == Approx(-0.25).epsilon(1e-14));
}

TEST_CASE("Note 002's 2-layer MLP, batch 3, MSE: every gradient by hand", "[training][notes]") {
  // The forward values of test_network.cpp: A (per sample) = (3/4, 1/4), (1/2, 1/2), (1/4, 3/4)
  // and y_hat = (2, -1, -4). Targets y = (1, -1, -2), so y_hat - y = (1, 0, -2), L = 5/3.
  // delta2 = 2/3 (y_hat - y) = (2/3, 0, -4/3)
  // dL/dw2 = delta2 A^T = (2/3 * 3/4 - 4/3 * 1/4, 2/3 * 1/4 - 4/3 * 3/4) = (1/6, -5/6)
  // dL/db2 = 2/3 - 4/3 = -2/3
  // delta1 = (w2^T delta2) (.) A (.) (1 - A), with A (1 - A) = 3/16 or 1/4:
  //   sample 1: (4, -8) * 2/3 * 3/16 = (1/2, -1); sample 2: 0; sample 3: (4, -8) * -4/3 * 3/16
  //   = (-1, 2)
  // dL/dW1 = delta1 X^T: unit 1: 1/2 (1, -1, 5, 7) - (-1, 1, 0, 0) = (3/2, -3/2, 5/2, 7/2)
  //                      unit 2: -(1, -1, 5, 7) + 2 (-1, 1, 0, 0) = (-3, 3, -5, -7)
  // dL/db1 = (1/2 - 1, -1 + 2) = (-1/2, 1)
  using Net = BasicNetwork<double, Input<4>, Dense<2>, Sigmoid, Dense<1>>;
  const double ln3 = std::log(3.0);
  Net net;
  net.layer<1>().weights = Matrix<double, 4, 2>{{{ln3, 0}, {0, ln3}, {0, 0}, {0, 0}}};
  net.layer<1>().bias = Matrix<double, 1, 2>{{0, 0}};
  net.layer<3>().weights = Matrix<double, 2, 1>{{{4}, {-8}}};
  net.layer<3>().bias = Matrix<double, 1, 1>{{{1}}};
  const Matrix<double, 3, 4> x{{{1, -1, 5, 7}, {0, 0, 1, 2}, {-1, 1, 0, 0}}};
  const Matrix<double, 3, 1> y{{{1}, {-1}, {-2}}};
  Workspace<Net, 3> ws;
  Gradients<Net> g;
  const double loss = compute_gradients<MeanSquaredError>(net, x, y, ws, g);
  CHECK(loss == Approx(5.0 / 3).epsilon(1e-13));
  CHECK(g.layer<3>().weights(0, 0) == Approx(1.0 / 6).epsilon(1e-13));
  CHECK(g.layer<3>().weights(1, 0) == Approx(-5.0 / 6).epsilon(1e-13));
  CHECK(g.layer<3>().bias(0, 0) == Approx(-2.0 / 3).epsilon(1e-13));
  const double dw1[2][4] = {{1.5, -1.5, 2.5, 3.5}, {-3, 3, -5, -7}};  // column convention (2 x 4)
  for (std::size_t j = 0; j < 2; ++j)
    for (std::size_t f = 0; f < 4; ++f)
      CHECK(g.layer<1>().weights(f, j) == Approx(dw1[j][f]).epsilon(1e-12));  // ours is (4 x 2)
  CHECK(g.layer<1>().bias(0, 0) == Approx(-0.5).epsilon(1e-12));
  CHECK(g.layer<1>().bias(0, 1) == Approx(1.0).epsilon(1e-12));
}

TEST_CASE("Softmax with cross-entropy, note 004: delta = s - y", "[training][notes]") {
  // Logits (0, ln 2, ln 5) give s = (1, 2, 5) / 8; with y = class 2, delta = s - y =
  // (1/8, 1/4, -3/8), and the cost is -ln(5/8). Batch 1, so dC/dZ = delta.
  using Net = BasicNetwork<double, Input<3>, Dense<3>, Softmax>;
  Net net;
  net.layer<1>().weights = Matrix<double, 3, 3>{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
  const Vector<double, 3> z{{0, std::log(2.0), std::log(5.0)}};
  Workspace<Net, 1> ws;
  Gradients<Net> g;
  const double loss = compute_gradients<CrossEntropy>(net, z, ClassLabels<1, 3>{{2}}, ws, g);
  CHECK(loss == Approx(-std::log(5.0 / 8)).epsilon(1e-14));
  const double delta[3] = {1.0 / 8, 1.0 / 4, -3.0 / 8};
  for (std::size_t k = 0; k < 3; ++k) {
    CHECK(ws.gradient<1>()(0, k) == Approx(delta[k]).epsilon(1e-14));  // dC/dZ
    CHECK(g.layer<1>().bias(0, k) == Approx(delta[k]).epsilon(1e-14));
    CHECK(g.layer<1>().weights(2, k) == Approx(std::log(5.0) * delta[k]).epsilon(1e-14));
  }
  // The unfused route (softmax Jacobian times dC/ds = -y / s) gives the same delta.
  using Unfused = BasicNetwork<double, Input<3>, Dense<3>, Softmax, Identity>;
  Unfused u;
  u.layer<1>().weights = net.layer<1>().weights;
  Workspace<Unfused, 1> wu;
  Gradients<Unfused> gu;
  CHECK(compute_gradients<CrossEntropy>(u, z, ClassLabels<1, 3>{{2}}, wu, gu) ==
        Approx(loss).epsilon(1e-14));
  for (std::size_t k = 0; k < 3; ++k)
    CHECK(wu.gradient<1>()(0, k) == Approx(delta[k]).epsilon(1e-13));
}

// Each optimizer's first two updates on W = 0.5, b = -0.2 with gradients set by hand:
// step 1: gW = 0.4, gb = -0.1; step 2: gW = -0.2, gb = 0.3. Expected values are MATH.md's
// formulas evaluated by hand (the arithmetic is written out).
namespace {
using One = BasicNetwork<double, Input<1>, Dense<1>>;

template <class Optimizer>
std::pair<double, double> two_steps(Optimizer opt, double which_w[2], double which_b[2]) {
  One net;
  net.layer<1>().weights = Matrix<double, 1, 1>{{{0.5}}};
  net.layer<1>().bias = Matrix<double, 1, 1>{{{-0.2}}};
  Gradients<One> g;
  g.layer<1>().weights(0, 0) = 0.4;
  g.layer<1>().bias(0, 0) = -0.1;
  opt.step(net, g);
  which_w[0] = net.layer<1>().weights(0, 0);
  which_b[0] = net.layer<1>().bias(0, 0);
  g.layer<1>().weights(0, 0) = -0.2;
  g.layer<1>().bias(0, 0) = 0.3;
  opt.step(net, g);
  which_w[1] = net.layer<1>().weights(0, 0);
  which_b[1] = net.layer<1>().bias(0, 0);
  return {which_w[1], which_b[1]};
}
}  // namespace

TEST_CASE("Gradient descent, first two updates", "[training][optimizer]") {
  double w[2], b[2];
  two_steps(GradientDescent<One>{}, w, b);                    // alpha = 0.01
  CHECK(w[0] == Approx(0.5 - 0.01 * 0.4).epsilon(1e-15));     // 0.496
  CHECK(w[1] == Approx(0.496 + 0.01 * 0.2).epsilon(1e-15));   // 0.498
  CHECK(b[0] == Approx(-0.2 + 0.01 * 0.1).epsilon(1e-15));    // -0.199
  CHECK(b[1] == Approx(-0.199 - 0.01 * 0.3).epsilon(1e-15));  // -0.202
}

TEST_CASE("Momentum, first two updates", "[training][optimizer]") {
  double w[2], b[2];
  two_steps(Momentum<One>{}, w, b);  // alpha = 0.01, beta = 0.9
  // v1 = 0.1 * 0.4 = 0.04, W1 = 0.5 - 0.0004; v2 = 0.9 * 0.04 + 0.1 * -0.2 = 0.016.
  CHECK(w[0] == Approx(0.4996).epsilon(1e-15));
  CHECK(w[1] == Approx(0.4996 - 0.01 * 0.016).epsilon(1e-15));
  // v1 = -0.01, b1 = -0.1999; v2 = -0.009 + 0.03 = 0.021, b2 = -0.1999 - 0.00021.
  CHECK(b[0] == Approx(-0.1999).epsilon(1e-15));
  CHECK(b[1] == Approx(-0.20011).epsilon(1e-15));
}

TEST_CASE("RMSProp, first two updates", "[training][optimizer]") {
  double w[2], b[2];
  two_steps(RMSProp<One>{}, w, b);  // alpha = 0.01, beta = 0.99, eps = 1e-8
  // s1 = 0.01 * 0.16 = 0.0016, sqrt = 0.04: W1 = 0.5 - 0.01 * 0.4 / (0.04 + 1e-8).
  const double w1 = 0.5 - 0.004 / (0.04 + 1e-8);
  // s2 = 0.99 * 0.0016 + 0.01 * 0.04 = 0.001984: W2 = W1 + 0.01 * 0.2 / (sqrt(0.001984) + 1e-8).
  const double w2 = w1 + 0.002 / (std::sqrt(0.001984) + 1e-8);
  CHECK(w[0] == Approx(w1).epsilon(1e-14));
  CHECK(w[1] == Approx(w2).epsilon(1e-14));
  // b: s1 = 0.01 * 0.01 = 1e-4, sqrt = 0.01; s2 = 0.99e-4 + 0.01 * 0.09 = 0.000999.
  const double b1 = -0.2 + 0.001 / (0.01 + 1e-8);
  const double b2 = b1 - 0.003 / (std::sqrt(0.000999) + 1e-8);
  CHECK(b[0] == Approx(b1).epsilon(1e-14));
  CHECK(b[1] == Approx(b2).epsilon(1e-14));
}

TEST_CASE("Adam, first two updates with bias correction", "[training][optimizer]") {
  double w[2], b[2];
  two_steps(Adam<One>{}, w, b);  // alpha = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8
  // t = 1: m = 0.04, v = 0.00016; m^ = 0.04 / 0.1 = 0.4, v^ = 0.00016 / 0.001 = 0.16.
  const double w1 = 0.5 - 1e-3 * 0.4 / (0.4 + 1e-8);
  // t = 2: m = 0.036 - 0.02 = 0.016, v = 0.999 * 0.00016 + 0.001 * 0.04 = 0.00019984;
  // m^ = 0.016 / (1 - 0.81) , v^ = 0.00019984 / (1 - 0.998001).
  const double w2 = w1 - 1e-3 * (0.016 / 0.19) / (std::sqrt(0.00019984 / 0.001999) + 1e-8);
  CHECK(w[0] == Approx(w1).epsilon(1e-13));
  CHECK(w[1] == Approx(w2).epsilon(1e-13));
  // b: t = 1: m = -0.01, v = 1e-5: m^ = -0.1, v^ = 0.01 -> b1 = -0.2 + 1e-3 * 0.1 / (0.1 + 1e-8).
  // t = 2: m = -0.009 + 0.03 = 0.021, v = 0.999e-5 + 0.001 * 0.09 = 0.00009999.
  const double b1 = -0.2 + 1e-3 * 0.1 / (0.1 + 1e-8);
  const double b2 = b1 - 1e-3 * (0.021 / 0.19) / (std::sqrt(0.00009999 / 0.001999) + 1e-8);
  CHECK(b[0] == Approx(b1).epsilon(1e-13));
  CHECK(b[1] == Approx(b2).epsilon(1e-13));
}

TEST_CASE("A default-constructed trainer is all zero bytes (a static one lives in .bss)",
          "[training][optimizer]") {
  using Net = Network<Input<3>, Dense<4>, Tanh, Dense<2>>;
  static constinit Trainer<Net, MeanSquaredError, Adam<Net>, 2> trainer;
  const auto* bytes = reinterpret_cast<const unsigned char*>(&trainer);
  std::size_t nonzero = 0;
  for (std::size_t i = 0; i < sizeof trainer; ++i) nonzero += bytes[i] != 0;
  CHECK(nonzero == 0);
  // ... and still means MATH.md's defaults, step for step the same as explicit default options.
  CHECK(trainer.optimizer.options().learning_rate == AdamOptions{}.learning_rate);
  CHECK(trainer.optimizer.options().beta2 == AdamOptions{}.beta2);
  Net a{Seed{1}}, b{Seed{1}};
  static Trainer<Net, MeanSquaredError, Adam<Net>, 2> explicit_defaults{AdamOptions{}};
  const Matrix<float, 2, 3> x{{{0.1f, -0.4f, 0.7f}, {0.3f, 0.2f, -0.9f}}};
  const Matrix<float, 2, 2> t{{{0.5f, -0.5f}, {0.1f, 0.2f}}};
  for (int step = 0; step < 3; ++step) {
    REQUIRE(trainer.step(a, x, t).ok());
    REQUIRE(explicit_defaults.step(b, x, t).ok());
  }
  CHECK(a == b);
}

TEST_CASE("Options set after construction act as options given at construction",
          "[training][optimizer]") {
  using Net = Network<Input<3>, Dense<4>, Tanh, Dense<2>>;
  const Matrix<float, 2, 3> x{{{0.1f, -0.4f, 0.7f}, {0.3f, 0.2f, -0.9f}}};
  const Matrix<float, 2, 2> t{{{0.5f, -0.5f}, {0.1f, 0.2f}}};
  static Trainer<Net, MeanSquaredError, Adam<Net>, 2> given{AdamOptions{.learning_rate = 0.02},
                                                            L2{.lambda = 0.1}};
  static Trainer<Net, MeanSquaredError, Adam<Net>, 2> set_later;
  set_later.optimizer.set_options(AdamOptions{.learning_rate = 0.02});
  set_later.set_regularization(L2{.lambda = 0.1});
  CHECK(set_later.optimizer.options().learning_rate == 0.02);
  Net a{Seed{1}}, b{Seed{1}};
  for (int step = 0; step < 3; ++step) {
    const auto ra = given.step(a, x, t), rb = set_later.step(b, x, t);
    REQUIRE(ra.ok());
    REQUIRE(rb.ok());
    CHECK(ra.loss == rb.loss);
  }
  CHECK(a == b);
  Net c{Seed{1}};  // and not as the defaults
  static Trainer<Net, MeanSquaredError, Adam<Net>, 2> defaults;
  for (int step = 0; step < 3; ++step) REQUIRE(defaults.step(c, x, t).ok());
  CHECK_FALSE(a == c);
}

TEST_CASE("XOR trains to 100% accuracy", "[training][convergence]") {
  using Net = Network<Input<2>, Dense<8>, Tanh, Dense<1>, Sigmoid>;
  Net net{Seed{1}};
  Trainer<Net, BinaryCrossEntropy, Adam<Net>, 4> trainer{AdamOptions{.learning_rate = 0.05}};
  Dataset<float, 4, 2, 1> xor_data{{{{0, 0}, {0, 1}, {1, 0}, {1, 1}}}, {{{0}, {1}, {1}, {0}}}};
  float loss = 0;
  for (int step = 0; step < 300; ++step)
    loss = trainer.step(net, xor_data.inputs, xor_data.targets).loss;
  const auto e = evaluate<BinaryCrossEntropy>(net, xor_data);
  INFO("final loss " << loss << ", evaluated loss " << e.loss);
  CHECK(e.accuracy == 1.0);
  CHECK(e.loss < 0.05);
}

TEST_CASE("Concentric circles: >= 97% on held-out points", "[training][convergence]") {
  using Net = Network<Input<2>, Dense<16>, Tanh, Dense<16>, Tanh, Dense<2>, Softmax>;
  static const auto train = two_rings<512>(1);
  static const auto test = two_rings<512>(2);
  Net net{Seed{3}};
  static Trainer<Net, CrossEntropy, Adam<Net>, 32> trainer{AdamOptions{.learning_rate = 0.01}};
  SplitMix64 pick{4};
  for (int step = 0; step < 2000; ++step) {
    std::size_t idx[32];
    for (auto& i : idx) i = pick.next() % 512;
    Matrix<float, 32, 2> x, t;
    REQUIRE(gather_rows(train.inputs, idx, x));
    REQUIRE(gather_rows(train.targets, idx, t));
    REQUIRE(trainer.step(net, x, t).ok());
  }
  const auto e = evaluate<CrossEntropy>(net, test);
  INFO("test loss " << e.loss << ", accuracy " << e.accuracy);
  CHECK(e.accuracy >= 0.97);
}

TEST_CASE("Sine regression on [-pi, pi] to MSE <= 1e-3", "[training][convergence]") {
  using Net = Network<Input<1>, Dense<32>, Tanh, Dense<32>, Tanh, Dense<1>>;
  Net net{Seed{5}};
  static Trainer<Net, MeanSquaredError, Adam<Net>, 32> trainer{AdamOptions{.learning_rate = 0.005}};
  SplitMix64 rng{6};
  const double pi = 3.14159265358979;
  for (int step = 0; step < 3000; ++step) {
    Matrix<float, 32, 1> x, t;
    for (std::size_t i = 0; i < 32; ++i) {
      const double v = rng.uniform(pi);
      x(i, 0) = static_cast<float>(v);
      t(i, 0) = static_cast<float>(std::sin(v));
    }
    REQUIRE(trainer.step(net, x, t).ok());
  }
  static Dataset<float, 256, 1, 1> grid;
  for (std::size_t i = 0; i < 256; ++i) {
    const double v = -pi + 2 * pi * (static_cast<double>(i) + 0.5) / 256;
    grid.inputs(i, 0) = static_cast<float>(v);
    grid.targets(i, 0) = static_cast<float>(std::sin(v));
  }
  const auto e = evaluate<MeanSquaredError>(net, grid);
  INFO("grid MSE " << e.loss);
  CHECK(e.loss <= 1e-3);
}

// An identity layer after a softmax prevents the fusion; it declares that its outputs are still
// probabilities, which binary cross-entropy requires.
struct ProbabilityIdentity : Identity {
  static constexpr bool outputs_probabilities = true;
};

TEST_CASE("No NaN or Inf for |z| up to 1e4 in sigmoid, softmax, BCE and cross-entropy",
          "[training][stability]") {
  // Identity weights pass the inputs through as logits.
  const Matrix<float, 4, 2> z{{{1e4f, -1e4f}, {-1e4f, 1e4f}, {1e4f, 1e4f}, {-1e4f, 0}}};
  const Matrix<float, 4, 2> t{{{0, 1}, {1, 0}, {1, 0}, {0, 1}}};  // every output wrong or tied
  auto all_finite_gradients = [](const auto& g) {
    return all_finite(g.template layer<1>().weights) && all_finite(g.template layer<1>().bias);
  };
  {
    using Net = Network<Input<2>, Dense<2>, Sigmoid>;
    Net net;
    net.layer<1>().weights = Matrix<float, 2, 2>{{{1, 0}, {0, 1}}};
    net.layer<1>().bias = {};
    Workspace<Net, 4> ws;
    Gradients<Net> g;
    const float loss = compute_gradients<BinaryCrossEntropy>(net, z, t, ws, g);
    CHECK(std::isfinite(loss));
    // Per element softplus(z) - t z: rows (1e4, 1e4), (1e4, 1e4), (0, 1e4), (0, ln 2); mean of 8.
    CHECK(loss == Approx((5e4 + std::log(2.0)) / 8).epsilon(1e-5));
    CHECK(all_finite(ws.output()));
    CHECK(all_finite_gradients(g));
    // The general (unfused) rule: MSE through the sigmoid's derivative.
    CHECK(std::isfinite(compute_gradients<MeanSquaredError>(net, z, t, ws, g)));
    CHECK(all_finite_gradients(g));
  }
  {
    using Net = Network<Input<2>, Dense<2>, Softmax>;
    Net net;
    net.layer<1>().weights = Matrix<float, 2, 2>{{{1, 0}, {0, 1}}};
    net.layer<1>().bias = {};
    Workspace<Net, 4> ws;
    Gradients<Net> g;
    const float loss = compute_gradients<CrossEntropy>(net, z, t, ws, g);
    CHECK(std::isfinite(loss));
    // Row costs logsumexp(z) - z_target: 2e4, 2e4, ln 2 (a tie) and 0 (logit 0 against -1e4).
    CHECK(loss == Approx((4e4 + std::log(2.0)) / 4).epsilon(1e-5));
    CHECK(all_finite(ws.output()));
    CHECK(all_finite_gradients(g));
    // Unfused: cross-entropy through the softmax Jacobian, with probabilities that underflow to 0.
    using Unfused = Network<Input<2>, Dense<2>, Softmax, ProbabilityIdentity>;
    Unfused u;
    u.layer<1>().weights = net.layer<1>().weights;
    u.layer<1>().bias = {};
    Workspace<Unfused, 4> wu;
    Gradients<Unfused> gu;
    CHECK(std::isfinite(compute_gradients<CrossEntropy>(u, z, t, wu, gu)));
    CHECK(all_finite(gu.layer<1>().weights));
    CHECK(std::isfinite(compute_gradients<BinaryCrossEntropy>(u, z, t, wu, gu)));
    CHECK(all_finite(gu.layer<1>().weights));
  }
}

TEST_CASE("The flush-to-zero guard turns denormals off and restores the mode", "[training]") {
  volatile float tiny = std::numeric_limits<float>::min();  // smallest normal
  CHECK(tiny / 4 > 0);                                      // a denormal, normally
  {
    FlushDenormals guard;
    CHECK(FlushDenormals::active());
    CHECK(tiny / 4 == 0);
  }
  CHECK_FALSE(FlushDenormals::active());
  CHECK(tiny / 4 > 0);
  // A guard inside one (Trainer::step in a loop the caller guards) leaves the mode on.
  {
    FlushDenormals outer;
    {
      FlushDenormals inner;
      CHECK(FlushDenormals::active());
    }
    CHECK(FlushDenormals::active());
    CHECK(tiny / 4 == 0);
  }
  CHECK_FALSE(FlushDenormals::active());
}
