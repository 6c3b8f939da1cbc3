// Built by Clang for aarch64 at one -O level and -mcpu (tests/CMakeLists.txt), run under QEMU:
// XOR trained at run time by the NEON kernels matches the same training in a constant
// expression (the plain loops), and learns XOR.
#include <cmath>
#include <cstdio>
#include <vector>

#include "xor_training.hpp"

std::vector<float> parameters(const xor_training::Net& net) {
  std::vector<float> all;
  ctnn::for_each_parameter(net, [&](std::size_t, auto, auto, const auto& tensor) {
    all.insert(all.end(), tensor.begin(), tensor.end());
  });
  return all;
}

int main() {
  static constexpr xor_training::Result at_compile_time = xor_training::train();
  const xor_training::Result at_run_time = xor_training::train();
  const std::vector<float> want = parameters(at_compile_time.net);
  const std::vector<float> got = parameters(at_run_time.net);
  double worst = 0;
  for (std::size_t i = 0; i < want.size(); ++i)
    worst = std::fmax(worst, std::fabs(double(got[i]) - double(want[i])));
  const double cost_difference =
      std::fabs(double(at_run_time.last_step_cost) - double(at_compile_time.last_step_cost));
  std::printf("aarch64 (%s): %zu parameters, largest difference %g, cost %g vs %g, accuracy %g\n",
              ctnn::simd_target_name(), got.size(), worst, double(at_run_time.last_step_cost),
              double(at_compile_time.last_step_cost), at_run_time.evaluation.accuracy);
  const bool ok = ctnn::simd_is_vectorized() && got.size() == want.size() && worst < 1e-4 &&
                  cost_difference < 1e-4 && at_run_time.evaluation.accuracy == 1;
  return ok ? 0 : 1;
}
