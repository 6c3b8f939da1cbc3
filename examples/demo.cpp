// The ctnn demo: a network whose every size is checked by the compiler, on data the program makes
// itself.
#include <ctnn/ctnn.hpp>

#include <cmath>
#include <cstdio>

using Net =
    ctnn::Network<ctnn::Input<2>, ctnn::Dense<16>, ctnn::Tanh, ctnn::Dense<2>, ctnn::Softmax>;

int main() {
  std::printf("ctnn demo (SIMD target: %s)\n", ctnn::simd_target_name());
  std::printf("network: 2 -> Dense<16> -> Tanh -> Dense<2> -> Softmax, %zu parameters, %zu bytes\n",
              Net::parameter_count, sizeof(Net));

  // Points on two circles (radius 0.5 and 1): the classes the network will tell apart.
  constexpr std::size_t batch = 8;
  ctnn::Matrix<float, batch, 2> x;
  for (std::size_t i = 0; i < batch; ++i) {
    const double angle = 2.0 * 3.14159265358979 * static_cast<double>(i) / batch;
    const double radius = i % 2 ? 1.0 : 0.5;
    x(i, 0) = static_cast<float>(radius * std::cos(angle));
    x(i, 1) = static_cast<float>(radius * std::sin(angle));
  }

  const Net net{ctnn::Seed{42}};
  const auto p = net.forward(x);
  std::printf("untrained class probabilities (forward pass of a batch of %zu):\n", batch);
  for (std::size_t i = 0; i < batch; ++i)
    std::printf("  x = (%+.3f, %+.3f)  p = (%.3f, %.3f)\n", static_cast<double>(x(i, 0)),
                static_cast<double>(x(i, 1)), static_cast<double>(p(i, 0)),
                static_cast<double>(p(i, 1)));
}
