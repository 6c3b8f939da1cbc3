// Reliability: float optimizers against a double-precision reference.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "ctnn/train.hpp"
#include "reference.hpp"

using namespace ctnn;

namespace {

template <class To, class From>
void copy_parameters(const From& from, To& to) {
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
  copy_parameters(f, d);
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
// measurement). Measured here (AVX-512): Adam 8.6e-8 / 1.7e-7 (cost / parameters), RMSProp
// 1.6e-7 / 3.1e-7, Momentum 1.1e-7 / 1.2e-7. Before the derived constants were computed in double,
// Adam drifted 5.8e-6 / 5.5e-5 and RMSProp 1.2e-6 / 7.1e-7 on this test, which these bounds reject.
TEST_CASE("Float optimizers stay within float rounding of a double reference", "[optimizer]") {
  SECTION("Adam") {
    const auto [cost, param] = float_drift<Adam>(AdamOptions{.learning_rate = 0.01}, 10);
    INFO("worst relative cost error " << cost << ", worst parameter error " << param);
    CHECK(cost < 5e-7);
    CHECK(param < 1e-6);
  }
  SECTION("RMSProp") {
    const auto [cost, param] =
        float_drift<RMSProp>(RMSPropOptions{.learning_rate = 0.01, .beta = 0.999}, 10);
    INFO("worst relative cost error " << cost << ", worst parameter error " << param);
    CHECK(cost < 5e-7);
    CHECK(param < 1e-6);
  }
  SECTION("Momentum") {
    const auto [cost, param] =
        float_drift<Momentum>(MomentumOptions{.learning_rate = 0.1, .beta = 0.999}, 10);
    INFO("worst relative cost error " << cost << ", worst parameter error " << param);
    CHECK(cost < 5e-7);
    CHECK(param < 1e-6);
  }
}
