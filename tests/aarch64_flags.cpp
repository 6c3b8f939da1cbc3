// Built by GCC or Clang for aarch64 at one -O level and -mcpu (tests/CMakeLists.txt), run
// under QEMU: XOR trained at run time by the NEON kernels matches the same training in a
// constant expression (the plain loops), and learns XOR.
#include <array>
#include <cmath>
#include <cstdio>

#include "xor_training.hpp"

// Every parameter, in layer order (an array: GCC 12 -O3 warns falsely on vector::insert here).
std::array<float, xor_training::Net::parameter_count> parameters(const xor_training::Net& net) {
  std::array<float, xor_training::Net::parameter_count> all{};
  std::size_t n = 0;
  ctnn::for_each_parameter(net, [&](std::size_t, auto, auto, const auto& tensor) {
    for (const float v : tensor) all[n++] = v;
  });
  return all;
}

int main() {
  static constexpr xor_training::Result at_compile_time = xor_training::train();
  const xor_training::Result at_run_time = xor_training::train();
  const auto want = parameters(at_compile_time.net);
  const auto got = parameters(at_run_time.net);
  double worst = 0;
  // Not std::fmax: GCC 12.2 for aarch64 (-O3 -mcpu=cortex-a72+crypto) ICEs vectorizing that
  // reduction (vect_transform_reduction).
  for (std::size_t i = 0; i < want.size(); ++i) {
    const double difference = std::fabs(double(got[i]) - double(want[i]));
    if (!(difference <= worst)) worst = difference;  // NaN too
  }
  const double cost_difference =
      std::fabs(double(at_run_time.last_step_cost) - double(at_compile_time.last_step_cost));
  std::printf("aarch64 (%s): %zu parameters, largest difference %g, cost %g vs %g, accuracy %g\n",
              ctnn::simd_target_name(), got.size(), worst, double(at_run_time.last_step_cost),
              double(at_compile_time.last_step_cost), at_run_time.evaluation.accuracy);
  const bool ok = ctnn::simd_is_vectorized() && worst < 1e-4 && cost_difference < 1e-4 &&
                  at_run_time.evaluation.accuracy == 1;
  return ok ? 0 : 1;
}
