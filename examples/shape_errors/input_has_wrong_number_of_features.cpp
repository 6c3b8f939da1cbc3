// Mistake: a batch with 5 features fed to a network whose input is Input<4>.
// expect: input_has_wrong_number_of_features.*ctnn::shape_error::network_input_size<4>.*ctnn::shape_error::input_features<5>.*ctnn::shape_error::batch_size<2>
#include <ctnn/ctnn.hpp>

using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::ReLU, ctnn::Dense<3>>;

float first_output(const Net& net) {
#ifndef CTNN_CONTROL
  const ctnn::Matrix<float, 2, 5> batch;
#else
  const ctnn::Matrix<float, 2, 4> batch;
#endif
  return net.forward(batch)(0, 0);
}
