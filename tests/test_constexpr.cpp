// The constexpr path (scalar kernels, constexpr exp/tanh/sqrt) and the SIMD path at run time give
// the same results within float tolerance: the same code run both ways.
#include <algorithm>
#include <cmath>
#include <cstddef>

#include <catch2/catch.hpp>
#include <ctnn/ctnn.hpp>

#include "xor_training.hpp"

using namespace ctnn;

namespace {

template <class T, std::size_t R, std::size_t C>
double max_abs_difference(const Matrix<T, R, C>& a, const Matrix<T, R, C>& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size; ++i)
    worst = std::max(worst, std::abs(double(a[i]) - double(b[i])));
  return worst;
}

// Awkward sizes (no multiple of a vector width) and every activation.
using Mixed =
    Network<Input<7>, Dense<13>, Tanh, Dense<11>, ReLU, Dense<9>, Sigmoid, Dense<5>, Softmax>;

constexpr Matrix<float, 3, 7> mixed_input() {
  Matrix<float, 3, 7> x;
  SplitMix64 rng{42};
  for (auto& v : x) v = static_cast<float>(rng.uniform(2.0));
  return x;
}

constexpr Matrix<float, 3, 5> mixed_forward() {
  return Mixed{Seed{3}}.forward(mixed_input());
}

}  // namespace

TEST_CASE("constexpr and SIMD forward passes agree", "[constexpr]") {
  constexpr auto at_compile_time = mixed_forward();
  const auto at_run_time = mixed_forward();
  CHECK(max_abs_difference(at_compile_time, at_run_time) < 1e-6);
}

TEST_CASE("XOR trained in a constant expression matches XOR trained at run time", "[constexpr]") {
  constexpr xor_training::Result at_compile_time = xor_training::train();
  const xor_training::Result at_run_time = xor_training::train();
  CHECK(at_run_time.evaluation.accuracy == 1.0);
  CHECK(at_run_time.evaluation.loss == Approx(at_compile_time.evaluation.loss).epsilon(1e-3));
  CHECK(at_run_time.last_step_cost == Approx(at_compile_time.last_step_cost).epsilon(1e-3));
  // 150 Adam steps amplify last-bit differences (exp, FMA) only slightly: measured 2e-6 at most.
  const auto& c = at_compile_time.net;
  const auto& r = at_run_time.net;
  CHECK(max_abs_difference(c.layer<1>().weights, r.layer<1>().weights) < 1e-4);
  CHECK(max_abs_difference(c.layer<1>().bias, r.layer<1>().bias) < 1e-4);
  CHECK(max_abs_difference(c.layer<3>().weights, r.layer<3>().weights) < 1e-4);
  CHECK(max_abs_difference(c.layer<3>().bias, r.layer<3>().bias) < 1e-4);
}
