// Mistake: a target with 2 columns for a network with 3 outputs.
// expect: target_does_not_match_the_output.*ctnn::shape_error::network_output_size<3>.*ctnn::shape_error::target_columns<2>
#include <ctnn/ctnn.hpp>

using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::Tanh, ctnn::Dense<3>>;
using Trainer = ctnn::Trainer<Net, ctnn::MeanSquaredError, ctnn::Adam<Net>, 16>;

float train(Net& net, Trainer& trainer, const ctnn::Matrix<float, 16, 4>& x) {
#ifndef CTNN_CONTROL
  const ctnn::Matrix<float, 16, 2> target;
#else
  const ctnn::Matrix<float, 16, 3> target;
#endif
  return trainer.step(net, x, target).loss;
}
