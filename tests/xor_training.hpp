// XOR trained with Adam, written once and run twice: in a constant expression (test_static.cpp,
// scalar constexpr kernels) and at run time (test_constexpr.cpp, SIMD kernels).
#pragma once

#include <ctnn/ctnn.hpp>

namespace xor_training {

using Net =
    ctnn::Network<ctnn::Input<2>, ctnn::Dense<4>, ctnn::Tanh, ctnn::Dense<1>, ctnn::Sigmoid>;
using Loss = ctnn::BinaryCrossEntropy;
inline constexpr int steps = 150;

struct Result {
  Net net;
  float last_step_cost = 0;
  ctnn::Evaluation evaluation;
};

constexpr ctnn::Dataset<float, 4, 2, 1> data() {
  return {{{{0, 0}, {0, 1}, {1, 0}, {1, 1}}}, {{{0}, {1}, {1}, {0}}}};
}

constexpr Result train() {
  Result r{Net{ctnn::Seed{1}}, 0, {}};
  ctnn::Trainer<Net, Loss, ctnn::Adam<Net>, 4> trainer{ctnn::AdamOptions{.learning_rate = 0.1}};
  const auto d = data();
  for (int step = 0; step < steps; ++step)
    r.last_step_cost = trainer.step(r.net, d.inputs, d.targets).loss;
  r.evaluation = ctnn::evaluate<Loss>(r.net, d);
  return r;
}

}  // namespace xor_training
