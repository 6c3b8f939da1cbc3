// Mistake: 16 input rows but a target of 8 rows.
// expect: target_batch_differs_from_input_batch.*ctnn::shape_error::input_batch<16>.*ctnn::shape_error::target_batch<8>
#include <ctnn/ctnn.hpp>

using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::Tanh, ctnn::Dense<3>>;

float cost(const Net& net, const ctnn::Matrix<float, 16, 4>& x, ctnn::Workspace<Net, 16>& ws,
           ctnn::Gradients<Net>& g) {
#ifndef CTNN_CONTROL
  const ctnn::Matrix<float, 8, 3> target;
#else
  const ctnn::Matrix<float, 16, 3> target;
#endif
  return ctnn::compute_gradients<ctnn::MeanSquaredError>(net, x, target, ws, g);
}
