// Reliability: a bad batch never reaches the weights (every refusal leaves network and optimizer
// bit-identical), the divergence guard, evaluate and gather_rows on bad data, finiteness by bits,
// and float optimizers against a double-precision reference.
#include <catch2/catch.hpp>

#include <pthread.h>
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "ctnn/layers/dense.hpp"
#include "ctnn/train.hpp"
#include "reference.hpp"

using namespace ctnn;

namespace {

template <class To, class From>
void convert_parameters(const From& from, To& to) {
  detail::for_each_tensor(
      [](const auto& f, auto& t) {
        for (std::size_t i = 0; i < f.size; ++i)
          t[i] = static_cast<typename std::remove_cvref_t<decltype(t)>::value_type>(f[i]);
      },
      from.layers(), to.layers());
}

// Largest |float - double| over every parameter, relative to max(1, |double|).
template <class F, class D>
double worst_parameter_error(const F& f, const D& d) {
  double worst = 0;
  detail::for_each_tensor(
      [&](const auto& a, const auto& b) {
        for (std::size_t i = 0; i < a.size; ++i)
          worst = std::max(worst, std::abs(double(a[i]) - b[i]) / std::max(1.0, std::abs(b[i])));
      },
      f.layers(), d.layers());
  return worst;
}

template <template <class> class Opt, class Options>
std::pair<double, double> float_drift(Options options, int steps) {
  using NetF = Network<Input<6>, Dense<12>, Tanh, Dense<4>, Softmax>;
  using NetD = BasicNetwork<double, Input<6>, Dense<12>, Tanh, Dense<4>, Softmax>;
  NetF f{Seed{3}};
  NetD d;
  convert_parameters(f, d);
  Matrix<float, 16, 6> xf;
  Matrix<double, 16, 6> xd;
  for (std::size_t i = 0; i < xf.size; ++i) xd[i] = xf[i] = static_cast<float>(ref::noise(i, 7));
  ClassLabels<16, 4> labels;
  for (std::size_t i = 0; i < 16; ++i) labels.index[i] = static_cast<std::uint32_t>(i % 4);
  Workspace<NetF, 16> wf;
  Workspace<NetD, 16> wd;
  Gradients<NetF> gf;
  Gradients<NetD> gd;
  Opt<NetF> of{options};
  Opt<NetD> od{options};
  double worst_cost = 0;
  for (int s = 0; s < steps; ++s) {
    const double cf = compute_gradients<CrossEntropy>(f, xf, labels, wf, gf);
    const double cd = compute_gradients<CrossEntropy>(d, xd, labels, wd, gd);
    worst_cost = std::max(worst_cost, std::abs(cf - cd) / cd);
    of.step(f, gf);
    od.step(d, gd);
  }
  return {worst_cost, worst_parameter_error(f, d)};
}

}  // namespace

// PyTorch's float Adam stays within about 2e-7 of float64 in the cost after a few steps (issue 14's
// measurement). Measured here, cost / parameters: Adam 8.6e-8 / 1.7e-7 (AVX-512) and 3.6e-7
// (Highway's SCALAR target), RMSProp 1.6e-7 / 3.1e-7 and 2.3e-7 / 1.1e-6 (SCALAR), Momentum
// 1.1e-7 / 1.2e-7. Before the derived constants were computed in double, Adam drifted 5.8e-6 /
// 5.5e-5 and RMSProp 1.2e-6 / 7.1e-7 on this test: the cost bound rejects both.
TEST_CASE("Float optimizers stay within float rounding of a double reference", "[optimizer]") {
  SECTION("Adam") {
    const auto [cost, param] = float_drift<Adam>(AdamOptions{.learning_rate = 0.01}, 10);
    INFO("worst relative cost error " << cost << ", worst parameter error " << param);
    CHECK(cost < 5e-7);
    CHECK(param < 2e-6);
  }
  SECTION("RMSProp") {
    const auto [cost, param] =
        float_drift<RMSProp>(RMSPropOptions{.learning_rate = 0.01, .beta = 0.999}, 10);
    INFO("worst relative cost error " << cost << ", worst parameter error " << param);
    CHECK(cost < 5e-7);
    CHECK(param < 2e-6);
  }
  SECTION("Momentum") {
    const auto [cost, param] =
        float_drift<Momentum>(MomentumOptions{.learning_rate = 0.1, .beta = 0.999}, 10);
    INFO("worst relative cost error " << cost << ", worst parameter error " << param);
    CHECK(cost < 5e-7);
    CHECK(param < 2e-6);
  }
}

// ---------------------------------------------------------------- a bad batch never trains

namespace {

using Classifier = Network<Input<4>, Dense<16>, ReLU, Dense<3>, Softmax>;
using ClassifierTrainer = Trainer<Classifier, CrossEntropy, Adam<Classifier>, 8>;

// The bytes of an object, to show that a refused step changed nothing at all.
template <class T>
std::vector<unsigned char> bytes_of(const T& object) {
  const auto* p = reinterpret_cast<const unsigned char*>(&object);
  return {p, p + sizeof(T)};
}

struct Fixture {
  Classifier net{Seed{11}};
  std::unique_ptr<ClassifierTrainer> trainer =
      std::make_unique<ClassifierTrainer>(AdamOptions{.learning_rate = 0.01});
  Matrix<float, 8, 4> x;
  ClassLabels<8, 3> labels{{0, 1, 2, 0, 1, 2, 0, 1}};

  Fixture() {
    for (std::size_t i = 0; i < x.size; ++i) x[i] = static_cast<float>(ref::noise(i, 3));
    for (int i = 0; i < 5; ++i) REQUIRE(trainer->step(net, x, labels).ok());  // some Adam state
  }

  // Runs one step that must be refused with `expected`, and checks that nothing changed.
  template <class X, class Target>
  StepResult<float> refused(const X& bad_x, const Target& target, StepStatus expected) {
    const auto net_before = bytes_of(net);
    const auto optimizer_before = bytes_of(trainer->optimizer);
    const auto result = trainer->step(net, bad_x, target);
    INFO("status: " << to_string(result.status));
    CHECK(result.status == expected);
    CHECK_FALSE(result.ok());
    CHECK(bytes_of(net) == net_before);
    CHECK(bytes_of(trainer->optimizer) == optimizer_before);
    CHECK(all_finite(net));
    return result;
  }
};

}  // namespace

TEST_CASE("A NaN or Inf in the input batch leaves network and optimizer bit-identical",
          "[reliability]") {
  Fixture f;
  auto bad = f.x;
  bad(5, 2) = std::numeric_limits<float>::quiet_NaN();
  CHECK(f.refused(bad, f.labels, StepStatus::non_finite_input).where == 5);
  bad = f.x;
  bad(3, 0) = -std::numeric_limits<float>::infinity();
  CHECK(f.refused(bad, f.labels, StepStatus::non_finite_input).where == 3);
  // The case: ReLU maps NaN to 0, so a NaN batch gave a finite loss while W1 became NaN.
  // Training then goes on normally.
  const auto clean = f.trainer->step(f.net, f.x, f.labels);
  CHECK(clean.ok());
  CHECK(std::isfinite(clean.loss));
}

TEST_CASE("NaN in a target matrix and out-of-range labels are refused", "[reliability]") {
  Fixture f;
  Matrix<float, 8, 3> t;
  for (std::size_t i = 0; i < 8; ++i) t(i, f.labels.index[i]) = 1;
  t(6, 1) = std::numeric_limits<float>::quiet_NaN();
  CHECK(f.refused(f.x, t, StepStatus::non_finite_target).where == 6);
  auto labels = f.labels;
  labels.index[4] = 4000000000u;  // the label: it used to give a loss of 0
  CHECK(f.refused(f.x, labels, StepStatus::label_out_of_range).where == 4);
  labels.index[4] = 3;  // = the class count: still out of range
  CHECK(f.refused(f.x, labels, StepStatus::label_out_of_range).where == 4);
}

TEST_CASE("Overflow in the forward pass: the loss or a gradient is non-finite, nothing changes",
          "[reliability]") {
  Fixture f;
  auto huge = f.x;
  for (auto& v : huge) v *= 3e38f;  // finite inputs whose products overflow
  const auto result = f.trainer->step(f.net, huge, f.labels);
  INFO("status: " << to_string(result.status));
  CHECK((result.status == StepStatus::non_finite_loss ||
         result.status == StepStatus::non_finite_gradient));
  // Refused as a whole: compare with a second fixture that never saw the batch.
  Fixture g;
  CHECK(f.net == g.net);
}

TEST_CASE("A non-finite gradient with a finite loss names its layer; train_step refuses it",
          "[reliability]") {
  // a = x w = 1e19, so the cost (a - t)^2 = 1e38 is finite, but dC/dw = 2 (a - t) x = 2e39 is not.
  using Net = Network<Input<1>, Dense<1>>;
  Net net;
  net.layer<1>().weights(0, 0) = 0.1f;
  const Net before = net;
  Workspace<Net, 1> ws;
  Gradients<Net> g;
  GradientDescent<Net> sgd;
  const Matrix<float, 1, 1> x{{{1e20f}}}, t{{{0}}};
  const auto result = train_step<MeanSquaredError>(net, x, t, ws, g, sgd);
  CHECK(result.status == StepStatus::non_finite_gradient);
  CHECK(result.where == 1);
  CHECK(std::isfinite(result.loss));
  CHECK(net == before);
}

TEST_CASE("Divergence guard: a loss above the bound, or rising N steps in a row", "[reliability]") {
  SECTION("loss above the bound: inputs of 1e30 give a finite but absurd loss") {
    Fixture f;
    f.trainer->set_divergence_guard(DivergenceGuard{.max_loss = 1e6});
    auto huge = f.x;
    for (auto& v : huge) v *= 1e30f;
    const auto r = f.refused(huge, f.labels, StepStatus::diverged);
    CHECK(r.loss > 1e6f);
    CHECK(f.trainer->step(f.net, f.x, f.labels).ok());  // a normal batch still trains
  }
  SECTION("learning rate 1e6: refused before anything non-finite is written") {
    using Net = Network<Input<1>, Dense<8>, Tanh, Dense<1>>;
    Net net{Seed{4}};
    static Trainer<Net, MeanSquaredError, GradientDescent<Net>, 4> trainer{
        GradientDescentOptions{.learning_rate = 1e6}, L2{}, DivergenceGuard{.rising_steps = 3}};
    const Matrix<float, 4, 1> x{{{-1}, {-0.3f}, {0.4f}, {1}}}, t{{{0.5f}, {-1}, {2}, {0}}};
    StepStatus last = StepStatus::ok;
    int steps = 0;
    for (; steps < 100 && last == StepStatus::ok; ++steps) {
      last = trainer.step(net, x, t).status;
      REQUIRE(all_finite(net));
    }
    INFO("stopped after " << steps << " steps: " << to_string(last));
    CHECK(last != StepStatus::ok);
  }
  SECTION("rising steps are counted in a row, and reset by a falling one") {
    using Net = Network<Input<1>, Dense<1>>;
    Net net;
    net.layer<1>().weights(0, 0) = 1;
    Trainer<Net, MeanSquaredError, GradientDescent<Net>, 1> trainer{
        GradientDescentOptions{.learning_rate = 0}, L2{}, DivergenceGuard{.rising_steps = 2}};
    // Learning rate 0: the loss is (x - t)^2, set by the data alone.
    const Matrix<float, 1, 1> x{{{1}}};
    auto step = [&](float target) { return trainer.step(net, x, Matrix<float, 1, 1>{{{target}}}); };
    CHECK(step(1).ok());                            // loss 0
    CHECK(step(2).ok());                            // 1: rising once
    CHECK(step(1.5f).ok());                         // 0.25: falling, count reset
    CHECK(step(3).ok());                            // 4: rising once
    CHECK(step(4).status == StepStatus::diverged);  // 9: rising twice in a row
  }
}

// ---------------------------------------------------------------- misuse that compiled

TEST_CASE("evaluate computes the training cost from the logits, with ClassLabels",
          "[reliability][evaluate]") {
  using Net = Network<Input<4>, Dense<6>, Tanh, Dense<3>, Softmax>;
  Net net{Seed{8}};
  // Saturated logits: a softmax probability underflows, so a cost from clamped probabilities
  // (the old evaluate) differs from the cost from the logits (training).
  net.layer<3>().weights = Matrix<float, 6, 3>::filled(0);
  for (std::size_t i = 0; i < 6; ++i) net.layer<3>().weights(i, 0) = 40;
  Matrix<float, 16, 4> x;
  for (std::size_t i = 0; i < x.size; ++i) x[i] = static_cast<float>(ref::noise(i, 9));
  ClassLabels<16, 3> labels;
  for (std::size_t i = 0; i < 16; ++i) labels.index[i] = static_cast<std::uint32_t>(i % 3);
  Workspace<Net, 16> ws;
  Gradients<Net> g;
  const float training_cost = compute_gradients<CrossEntropy>(net, x, labels, ws, g);
  const Evaluation e = evaluate<CrossEntropy>(net, x, labels);
  CHECK(e.loss == Approx(training_cost).epsilon(1e-5));
  CHECK(e.rejected == 0);
  // Accuracy from the labels: every output favours class 0 (or ties), so about a third is right.
  std::size_t right = 0;
  const auto y = net.forward(x);
  for (std::size_t i = 0; i < 16; ++i) {
    std::size_t best = 0;
    for (std::size_t k = 1; k < 3; ++k)
      if (y(i, k) > y(i, best)) best = k;
    right += best == labels.index[i] ? 1 : 0;
  }
  CHECK(e.accuracy == Approx(double(right) / 16));
  // An out-of-range label is left out and counted, not silently scored.
  labels.index[7] = 9;
  const Evaluation partial = evaluate<CrossEntropy>(net, x, labels);
  CHECK(partial.rejected == 1);
}

TEST_CASE("gather_rows refuses an out-of-range index and leaves the output untouched",
          "[reliability]") {
  Matrix<float, 4, 2> m{{{1, 2}, {3, 4}, {5, 6}, {7, 8}}};
  Matrix<float, 2, 2> out = Matrix<float, 2, 2>::filled(-1);
  const std::size_t good[2] = {3, 0}, bad[2] = {1, 4};
  CHECK_FALSE(gather_rows(m, bad, out));
  CHECK(out == Matrix<float, 2, 2>::filled(-1));
  CHECK(gather_rows(m, good, out));
  CHECK(out == Matrix<float, 2, 2>{{{7, 8}, {1, 2}}});
}

TEST_CASE("Finiteness by bits: every NaN and Inf pattern, any position", "[reliability][finite]") {
  const float specials[] = {
      std::numeric_limits<float>::quiet_NaN(),     -std::numeric_limits<float>::quiet_NaN(),
      std::numeric_limits<float>::signaling_NaN(),
      std::bit_cast<float>(0x7f800001u),  // smallest NaN payload
      std::bit_cast<float>(0xffffffffu),           std::numeric_limits<float>::infinity(),
      -std::numeric_limits<float>::infinity()};
  for (const float s : specials) CHECK_FALSE(is_finite(s));
  for (const float v :
       {0.0f, -0.0f, 1.0f, std::numeric_limits<float>::max(), -std::numeric_limits<float>::max(),
        std::numeric_limits<float>::denorm_min()})
    CHECK(is_finite(v));
  CHECK_FALSE(is_finite(std::numeric_limits<double>::quiet_NaN()));
  CHECK(is_finite(std::numeric_limits<double>::max()));
  // Every position of a 37-element matrix (whole vectors and a tail on every target).
  Matrix<float, 1, 37> m = Matrix<float, 1, 37>::filled(1e38f);
  CHECK(all_finite(m));
  for (std::size_t i = 0; i < 37; ++i)
    for (const float s : specials) {
      auto bad = m;
      bad[i] = s;
      CHECK_FALSE(all_finite(bad));
    }
  Matrix<double, 3, 5> d;
  d(2, 4) = std::numeric_limits<double>::infinity();
  CHECK_FALSE(all_finite(d));
  static_assert(!is_finite(std::numeric_limits<float>::infinity()));
  static_assert(is_finite(1.0f));
}

// ---------------------------------------------------------------- where objects live

namespace {
// Runs f on a thread of its own whose stack is `bytes` long: overflowing it crashes the test.
template <class F>
void on_small_stack(std::size_t bytes, F f) {
  pthread_attr_t attributes;
  REQUIRE(pthread_attr_init(&attributes) == 0);
  REQUIRE(pthread_attr_setstacksize(&attributes, bytes) == 0);
  pthread_t thread;
  auto run = [](void* p) -> void* {
    (*static_cast<F*>(p))();
    return nullptr;
  };
  REQUIRE(pthread_create(&thread, &attributes, run, &f) == 0);
  REQUIRE(pthread_join(thread, nullptr) == 0);
  pthread_attr_destroy(&attributes);
}
}  // namespace

TEST_CASE("A wide network and its trainer on the heap run on a 256 KiB stack", "[reliability]") {
  // 1024 wide: 4.2 MB of parameters, 13.1 MB of trainer. Built in place from options (no
  // optimizer-sized temporary), inference within Net::forward_stack_bytes, one training step.
  using Wide = Network<Input<1024>, Dense<1024>, ReLU, Dense<10>, Softmax>;
  using WideTrainer = Trainer<Wide, CrossEntropy, Adam<Wide>, 16>;
  static_assert(Wide::forward_stack_bytes<16> <= 128 * 1024);
  // The hidden activation, the logits, 4 KiB, and the buffer into which the 4 MiB of weights
  // are packed, panel by panel (batch 8 or more).
  static_assert(Wide::forward_stack_bytes<16> == sizeof(Matrix<float, 16, 1024>) +
                                                     sizeof(Matrix<float, 16, 10>) + 4096 +
                                                     packing_buffer_bytes);
  static_assert(Wide::forward_stack_bytes<4> ==
                sizeof(Matrix<float, 4, 1024>) + sizeof(Matrix<float, 4, 10>) + 4096);
  static_assert(sizeof(WideTrainer) > 13'000'000);
  bool finite_output = false;
  StepStatus status = StepStatus::diverged;
  on_small_stack(256 * 1024, [&] {
    auto net = std::make_unique<Wide>(Seed{1});
    auto trainer = std::make_unique<WideTrainer>(AdamOptions{.learning_rate = 1e-3});
    auto x = std::make_unique<Matrix<float, 16, 1024>>(Matrix<float, 16, 1024>::filled(0.01f));
    ClassLabels<16, 10> labels;
    finite_output = all_finite(net->forward(*x));
    status = trainer->step(*net, *x, labels).status;
  });
  CHECK(finite_output);
  CHECK(status == StepStatus::ok);
}

TEST_CASE("A batch too large for forward's stack runs on a 256 KiB stack in an inference workspace",
          "[reliability][workspace]") {
  // Batch 768 of a 1024-wide network: 3 MiB per hidden activation, so forward(x) does not
  // compile (forward_stack_bytes above CTNN_FORWARD_STACK_LIMIT); forward(x, ws) needs 6 MiB of
  // workspace, here in static storage, and no stack of its own.
  using Wide = Network<Input<1024>, Dense<1024>, ReLU, Dense<10>, Softmax>;
  constexpr std::size_t batch = 768;
  static_assert(Wide::forward_stack_bytes<batch> > CTNN_FORWARD_STACK_LIMIT);
  static_assert(InferenceWorkspace<Wide, batch>::bytes == 2 * sizeof(Matrix<float, batch, 1024>));
  static InferenceWorkspace<Wide, batch> ws;
  static const Wide net{Seed{4}};
  auto x = std::make_unique<Matrix<float, batch, 1024>>();
  SplitMix64 rng{9};
  for (auto& v : *x) v = static_cast<float>(rng.uniform(1.0));
  Matrix<float, 3, 10> rows;  // rows 0, 383, 767 of the batch's output
  on_small_stack(256 * 1024, [&] {
    const auto& y = net.forward(*x, ws);
    for (std::size_t j = 0; j < 10; ++j) {
      rows(0, j) = y(0, j);
      rows(1, j) = y(383, j);
      rows(2, j) = y(767, j);
    }
  });
  // Each row as its own batch-1 inference (another kernel path: matrix-vector).
  const std::size_t picked[] = {0, 383, 767};
  for (std::size_t r = 0; r < 3; ++r) {
    Vector<float, 1024> one;
    for (std::size_t k = 0; k < 1024; ++k) one(0, k) = (*x)(picked[r], k);
    const auto want = net.forward(one);
    double sum = 0;
    for (std::size_t j = 0; j < 10; ++j) {
      CHECK(double(rows(r, j)) == Approx(double(want(0, j))).margin(1e-5));
      sum += double(rows(r, j));
    }
    CHECK(sum == Approx(1.0).epsilon(1e-5));
  }
}

TEST_CASE("evaluate on a network whose only layer is the fused output activation",
          "[reliability][evaluate]") {
  using Net = Network<Input<3>, Softmax>;
  const Net net;
  const Matrix<float, 2, 3> logits{{{1, 2, 3}, {0, 0, 0}}};
  const ClassLabels<2, 3> labels{{2, 1}};
  // Row costs logsumexp(z) - z_label: ln(e + e^2 + e^3) - 3 and ln 3.
  const double expected =
      (std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 3 + std::log(3.0)) / 2;
  const Evaluation e = evaluate<CrossEntropy>(net, logits, labels);
  CHECK(e.loss == Approx(expected).epsilon(1e-6));
  CHECK(e.accuracy == Approx(0.5));  // row 2 ties: argmax takes class 0, the label is 1
}
