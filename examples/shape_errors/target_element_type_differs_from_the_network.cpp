// Mistake: a double target for a float network.
// expect: target_element_type_differs_from_the_network.*ctnn::shape_error::network_element<float>.*ctnn::shape_error::target_element<double>
#include <ctnn/ctnn.hpp>

using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::Tanh, ctnn::Dense<2>>;
using Trainer = ctnn::Trainer<Net, ctnn::MeanSquaredError, ctnn::Adam<Net>, 16>;

float train(Net& net, Trainer& trainer, const ctnn::Matrix<float, 16, 4>& x) {
#ifndef CTNN_CONTROL
  const ctnn::Matrix<double, 16, 2> target;
#else
  const ctnn::Matrix<float, 16, 2> target;
#endif
  return trainer.step(net, x, target).loss;
}
