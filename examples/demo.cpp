// The ctnn demo: a classifier for two concentric rings of points the program makes itself,
// trained with Adam on mini-batches, every size checked by the compiler, no heap allocation.
#include <ctnn/ctnn.hpp>

#include <cstdio>

#include "two_rings.hpp"

using Net = ctnn::Network<ctnn::Input<2>, ctnn::Dense<16>, ctnn::Tanh, ctnn::Dense<16>, ctnn::Tanh,
                          ctnn::Dense<2>, ctnn::Softmax>;
constexpr std::size_t samples = 512;
constexpr std::size_t batch = 32;
using Data = ctnn::Dataset<float, samples, 2, 2>;

// Everything lives in static storage: parameters, activations, gradients, Adam's moments.
static Net net{ctnn::Seed{3}};
static ctnn::Trainer<Net, ctnn::CrossEntropy, ctnn::Adam<Net>, batch> trainer{
    ctnn::AdamOptions{.learning_rate = 0.01}};
static const Data train = two_rings<samples>(1);
static const Data test = two_rings<samples>(2);

int main() {
  std::printf("ctnn demo: classify points on two rings (SIMD target: %s)\n",
              ctnn::simd_target_name());
  std::printf("network 2 -> 16 -> tanh -> 16 -> tanh -> 2 -> softmax: %zu parameters\n",
              Net::parameter_count);
  std::printf("memory: network %zu B, trainer (workspace, gradients, Adam) %zu B, no heap\n",
              sizeof(Net), decltype(trainer)::bytes);

  ctnn::SplitMix64 pick{4};
  constexpr int epochs = 8;
  constexpr std::size_t steps_per_epoch = samples / batch * 16;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    double loss = 0;
    for (std::size_t step = 0; step < steps_per_epoch; ++step) {
      std::size_t idx[batch];
      for (auto& i : idx) i = static_cast<std::size_t>(pick.next() % samples);
      ctnn::Matrix<float, batch, 2> x, t;
      if (!ctnn::gather_rows(train.inputs, idx, x) || !ctnn::gather_rows(train.targets, idx, t))
        return 1;  // cannot happen: every index is below `samples`
      const auto result = trainer.step(net, x, t);
      if (!result.ok()) {
        std::printf("step refused: %s\n", ctnn::to_string(result.status));
        return 1;
      }
      loss += result.loss;
    }
    const auto e = ctnn::evaluate<ctnn::CrossEntropy>(net, test);
    std::printf("epoch %d: train loss %.4f, test loss %.4f, test accuracy %.1f%%\n", epoch,
                loss / steps_per_epoch, e.loss, 100 * e.accuracy);
  }

  std::printf("predictions on new points:\n");
  const ctnn::Matrix<float, 4, 2> x{{{0.0f, 0.45f}, {0.7f, 0.7f}, {-0.5f, 0.1f}, {0.0f, -1.05f}}};
  const auto p = net.forward(x);
  for (std::size_t i = 0; i < 4; ++i) {
    const double r = std::hypot(double(x(i, 0)), double(x(i, 1)));
    std::printf("  (%+.2f, %+.2f), radius %.2f: P(inner) = %.3f -> %s ring\n", double(x(i, 0)),
                double(x(i, 1)), r, double(p(i, 0)), p(i, 0) > 0.5f ? "inner" : "outer");
  }
}
