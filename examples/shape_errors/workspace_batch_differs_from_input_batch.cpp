// Mistake: inference on a batch of 16 rows into a workspace made for batches of 8.
// expect: workspace_batch_differs_from_input_batch.*ctnn::shape_error::input_batch<16>.*ctnn::shape_error::workspace_batch<8>
#include <ctnn/ctnn.hpp>

using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::Tanh, ctnn::Dense<1>>;

#ifndef CTNN_CONTROL
using Scratch = ctnn::InferenceWorkspace<Net, 8>;
#else
using Scratch = ctnn::InferenceWorkspace<Net, 16>;
#endif

float output(const Net& net, const ctnn::Matrix<float, 16, 4>& x, Scratch& ws) {
  return net.forward(x, ws)(0, 0);
}
