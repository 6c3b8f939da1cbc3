// Runtime dispatch (CTNN_RUNTIME_DISPATCH, built with baseline x86-64 flags): the target chosen for
// the CPU, and the same results on every target the CPU runs as with ctnn's plain loops. The
// target is fixed for a process, so CTest runs this binary once per target (CTNN_SIMD_TARGETS)
// against a file of the plain loops' results, and under qemu-x86_64 as older CPUs, with the target
// each must choose in CTNN_EXPECT_TARGET.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
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

// The outcome as one list of floats, as the reference file holds it.
std::vector<float> flat(const Outcome& o) {
  std::vector<float> v(o.single.begin(), o.single.end());
  v.insert(v.end(), o.batched.begin(), o.batched.end());
  v.insert(v.end(), o.trained.begin(), o.trained.end());
  v.push_back(o.loss);
  return v;
}

// The file the plain loops' run writes and the other runs read (CTest passes its path).
const char* reference_path() {
  const char* path = std::getenv("CTNN_DISPATCH_REFERENCE");
  REQUIRE(path != nullptr);
  return path;
}

// Read during this program's own static initialization: the target is chosen before it (a
// constructor of priority 101), so a network built or run by a static initializer already gets it.
const std::string target_at_static_initialization = simd_target_name();

}  // namespace

TEST_CASE("the target is chosen before the program's static initializers run", "[dispatch]") {
  CHECK(target_at_static_initialization == simd_target_name());
}

TEST_CASE("runtime dispatch chooses the best target this CPU runs", "[dispatch]") {
  const std::string chosen = simd_target_name();
  INFO("chosen: " << chosen);
  if (const char* expected = std::getenv("CTNN_EXPECT_TARGET"))
    CHECK(chosen == expected);
  else if (std::getenv("CTNN_SIMD_TARGETS") == nullptr)
    CHECK(simd_is_vectorized());  // every x86-64 CPU since 2008 has SSE4
}

TEST_CASE("CTNN_SIMD_TARGETS lists the targets allowed; a typo allows all", "[dispatch]") {
  constexpr std::int64_t all = ~std::int64_t{0};
  CHECK(detail::allowed_simd_targets(nullptr) == all);
  CHECK(detail::allowed_simd_targets("") == all);
  CHECK(detail::allowed_simd_targets("AVX3") == HWY_AVX3);
  CHECK(detail::allowed_simd_targets("AVX2,SSE4") == (HWY_AVX2 | HWY_SSE4));
  CHECK(detail::allowed_simd_targets("SCALAR") == 0);
  CHECK(detail::allowed_simd_targets("SSE4,SCALAR") == HWY_SSE4);
  CHECK(detail::allowed_simd_targets("AVX2,AVX") == all);  // prints why on stderr
  CHECK(detail::allowed_simd_targets("avx2") == all);
  CHECK(detail::allowed_simd_targets("AVX2,") == HWY_AVX2);
}

// Run by CTest with CTNN_SIMD_TARGETS=SCALAR, before the runs below (a fixture).
TEST_CASE("the plain loops' results, written for the other targets' runs", "[.write-reference]") {
  REQUIRE_FALSE(simd_is_vectorized());
  const std::vector<float> v = flat(run());
  std::FILE* f = std::fopen(reference_path(), "wb");
  REQUIRE(f != nullptr);
  CHECK(std::fwrite(v.data(), sizeof(float), v.size(), f) == v.size());
  CHECK(std::fclose(f) == 0);
}

// Run by CTest once per target (CTNN_SIMD_TARGETS) and under qemu-x86_64 as older CPUs.
TEST_CASE("the target chosen computes what the plain loops computed", "[.compare]") {
  const Outcome outcome = run();
  const std::size_t count = flat(outcome).size();
  std::vector<float> want(count + 1);  // one more: a longer file is found out
  std::FILE* f = std::fopen(reference_path(), "rb");
  REQUIRE(f != nullptr);
  const std::size_t read = std::fread(want.data(), sizeof(float), want.size(), f);
  std::fclose(f);
  REQUIRE(read == count);

  const std::string chosen = simd_target_name();
  INFO("target " << chosen);
  if (const char* expected = std::getenv("CTNN_EXPECT_TARGET")) {
    const std::int64_t bit = detail::allowed_simd_targets(expected);
    if (bit == 0 || (detail::cpu_targets() & bit) != 0)
      CHECK(chosen == expected);
    else
      WARN("this CPU lacks " << expected << ": compared " << chosen << " instead");
  }
  // Same order as flat(): forward at batch 1, at batch 16, the trained parameters, the loss.
  const float* w = want.data();
  for (const float v : outcome.single) CHECK(double(v) == Approx(double(*w++)).margin(1e-6));
  for (const float v : outcome.batched) CHECK(double(v) == Approx(double(*w++)).margin(1e-6));
  for (const float v : outcome.trained) CHECK(double(v) == Approx(double(*w++)).margin(1e-5));
  CHECK(double(outcome.loss) == Approx(double(*w)).epsilon(1e-5));
}
