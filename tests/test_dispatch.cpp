// Runtime dispatch (CTNN_RUNTIME_DISPATCH, built with baseline x86-64 flags): the target chosen for
// the CPU, and the same results on every target the CPU runs as with ctnn's plain loops. CTest also
// runs this binary under qemu-x86_64 as an old CPU (no AVX) and a recent one, with the target it
// must choose in CTNN_EXPECT_TARGET.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "ctnn/ctnn.hpp"

#if !defined(CTNN_RUNTIME_DISPATCH)
#error "test_dispatch.cpp is built with CTNN_RUNTIME_DISPATCH only"
#endif

using namespace ctnn;

namespace {

// Odd widths, so that every target runs its tails; every activation and the fused products.
using Net = Network<Input<13>, Dense<37>, Tanh, Dense<19>, ReLU, Dense<11>, FastTanh, Dense<9>,
                    Sigmoid, Dense<5>, Softmax>;
constexpr std::size_t batch = 16;

struct Outcome {
  Matrix<float, 1, 5> single;
  Matrix<float, batch, 5> batched;
  std::vector<float> trained;  // every parameter after training, in layer order
  float loss = 0;
};

// Forward at batch 1 and 16, then three Adam steps, on whichever target is chosen now.
Outcome run() {
  Outcome out;
  Net net{Seed{7}};
  Matrix<float, batch, 13> x;
  for (std::size_t i = 0; i < x.size; ++i)
    x.data()[i] = static_cast<float>(i * 37 % 101) / 50.0f - 1.0f;
  Matrix<float, batch, 5> t;
  for (std::size_t b = 0; b < batch; ++b) t(b, b % 5) = 1;
  Matrix<float, 1, 13> x1;
  for (std::size_t j = 0; j < 13; ++j) x1(0, j) = x(0, j);
  out.single = net.forward(x1);
  out.batched = net.forward(x);
  Trainer<Net, CrossEntropy, Adam<Net>, batch> trainer{AdamOptions{.learning_rate = 0.01}};
  for (int step = 0; step < 3; ++step) {
    const auto result = trainer.step(net, x, t);
    REQUIRE(result.ok());
    out.loss = result.loss;
  }
  for_each_parameter(net, [&](std::size_t, auto, auto, const auto& tensor) {
    out.trained.insert(out.trained.end(), tensor.begin(), tensor.end());
  });
  return out;
}

template <class M>
void check_close(const M& got, const M& want, double tolerance) {
  auto g = got.begin();
  for (const float w : want) CHECK(double(*g++) == Approx(double(w)).margin(tolerance));
}

// Read during this program's own static initialization: the target is chosen before it (a
// constructor of priority 101), so a network built or run by a static initializer already gets it.
const std::string target_at_static_initialization = simd_target_name();

}  // namespace

TEST_CASE("the target is chosen before the program's static initializers run", "[dispatch]") {
  CHECK(target_at_static_initialization == simd_target_name());
}

TEST_CASE("runtime dispatch chooses the best target this CPU runs", "[dispatch]") {
  const std::string chosen = limit_simd_targets(~std::int64_t{0});
  INFO("chosen: " << chosen);
  if (const char* expected = std::getenv("CTNN_EXPECT_TARGET"))
    CHECK(chosen == expected);
  else
    CHECK(simd_is_vectorized());  // every x86-64 CPU since 2008 has SSE4
}

TEST_CASE("every target this CPU runs computes what the plain loops compute", "[dispatch]") {
  const bool has_simd = simd_is_vectorized();
  CHECK(std::string(limit_simd_targets(0)) == "SCALAR");
  CHECK_FALSE(simd_is_vectorized());
  const Outcome reference = run();

  int tested = 0;
  for (const std::int64_t target : {HWY_AVX3, HWY_AVX2, HWY_SSE4}) {
    if (std::string(limit_simd_targets(target)) != hwy::TargetName(target))
      continue;  // CPU lacks it
    INFO("target " << hwy::TargetName(target));
    const Outcome outcome = run();
    check_close(outcome.single, reference.single, 1e-6);
    check_close(outcome.batched, reference.batched, 1e-6);
    CHECK(double(outcome.loss) == Approx(double(reference.loss)).epsilon(1e-5));
    REQUIRE(outcome.trained.size() == reference.trained.size());
    check_close(outcome.trained, reference.trained, 1e-5);
    ++tested;
  }
  limit_simd_targets(~std::int64_t{0});
  CHECK(tested >= (has_simd ? 1 : 0));
}
