// Built with -ffast-math (a binary of its own: fast-math code must not be mixed into the other
// tests' inline functions, and it sets flush-to-zero for the whole process). Under -ffast-math
// GCC and Clang fold isnan(x) and x != x to false; ctnn's finiteness checks test bits instead.
#include <catch2/catch.hpp>

#include <bit>
#include <cstdint>

#include "ctnn/layers/dense.hpp"
#include "ctnn/train.hpp"

using namespace ctnn;

namespace {
// The bits come from memory the compiler cannot see through, as data read from a file would.
float from_bits(std::uint32_t bits) {
  volatile std::uint32_t b = bits;
  return std::bit_cast<float>(static_cast<std::uint32_t>(b));
}
}  // namespace

TEST_CASE("Finiteness checks hold under -ffast-math", "[fast-math]") {
#if !defined(__FAST_MATH__)
  FAIL("this file must be compiled with -ffast-math");
#endif
  const float nan = from_bits(0x7fc00000u), inf = from_bits(0x7f800000u);
  CHECK_FALSE(is_finite(nan));
  CHECK_FALSE(is_finite(inf));
  CHECK(is_finite(from_bits(0x3f800000u)));  // 1
  Matrix<float, 3, 33> m = Matrix<float, 3, 33>::filled(from_bits(0x3f800000u));
  CHECK(all_finite(m));
  m(2, 32) = nan;
  CHECK_FALSE(all_finite(m));
  m(2, 32) = inf;
  CHECK_FALSE(all_finite(m));
}

TEST_CASE("A NaN batch is refused under -ffast-math", "[fast-math]") {
  using Net = Network<Input<4>, Dense<8>, ReLU, Dense<2>, Softmax>;
  Net net{Seed{1}};
  const Net before = net;
  Trainer<Net, CrossEntropy, Adam<Net>, 4> trainer{AdamOptions{.learning_rate = 0.01}};
  Matrix<float, 4, 4> x = Matrix<float, 4, 4>::filled(0.5f);
  x(1, 1) = from_bits(0x7fc00000u);
  const ClassLabels<4, 2> labels{{0, 1, 1, 0}};
  const auto result = trainer.step(net, x, labels);
  CHECK(result.status == StepStatus::non_finite_input);
  CHECK(result.where == 1);
  CHECK(net == before);
}
