// Mistake: the result of a training step ignored (it may say that the step was refused, e.g. for
// a NaN in the batch). StepResult is [[nodiscard]]; here warnings are errors, as in CI.
// flags: -Werror=unused-result
// expect-gcc: ignoring returned value of type ‘ctnn::StepResult<float>’, declared with attribute ‘nodiscard’
// expect-clang: ignoring return value of function declared with 'nodiscard' attribute
#include <ctnn/ctnn.hpp>

using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::Tanh, ctnn::Dense<2>>;
using Trainer = ctnn::Trainer<Net, ctnn::MeanSquaredError, ctnn::Adam<Net>, 16>;

bool train(Net& net, Trainer& trainer, const ctnn::Matrix<float, 16, 4>& x,
           const ctnn::Matrix<float, 16, 2>& target) {
#ifndef CTNN_CONTROL
  trainer.step(net, x, target);
  return true;
#else
  return trainer.step(net, x, target).ok();
#endif
}
