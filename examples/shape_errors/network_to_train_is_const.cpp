// Mistake: a const network given to a training step, which must write its parameters.
// expect: network_to_train_is_const.*ctnn::shape_error::network<ctnn::BasicNetwork<float, ctnn::Input<4>, ctnn::Dense<8>, ctnn::Tanh, ctnn::Dense<2> ?> ?>
#include <ctnn/ctnn.hpp>

using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::Tanh, ctnn::Dense<2>>;
using Trainer = ctnn::Trainer<Net, ctnn::MeanSquaredError, ctnn::Adam<Net>, 16>;

#ifndef CTNN_CONTROL
float train(const Net& net, Trainer& trainer, const ctnn::Matrix<float, 16, 4>& x) {
#else
float train(Net& net, Trainer& trainer, const ctnn::Matrix<float, 16, 4>& x) {
#endif
  const ctnn::Matrix<float, 16, 2> target;
  return trainer.step(net, x, target).loss;
}
