// Mistake: inference on a batch whose activations (511 x 4096 floats, 8 MiB) would be kept on the
// stack, beyond CTNN_FORWARD_STACK_LIMIT (1 MiB): such a call would overflow a thread's stack. An
// inference workspace in static storage (or on the heap) holds them instead (2 x 8 MiB here).
// expect: forward_needs_more_stack_than_the_limit.*ctnn::shape_error::batch_size<511>.*ctnn::shape_error::stack_bytes<[0-9]+>.*ctnn::shape_error::limit_bytes<1048576>
#include <ctnn/ctnn.hpp>

using Net =
    ctnn::Network<ctnn::Input<4096>, ctnn::Dense<4096>, ctnn::ReLU, ctnn::Dense<10>, ctnn::Softmax>;
static Net net;
static ctnn::Matrix<float, 511, 4096> x;
static ctnn::Matrix<float, 511, 10> y;

void infer() {
#ifndef CTNN_CONTROL
  y = net.forward(x);
#else
  static ctnn::InferenceWorkspace<Net, 511> ws;
  y = net.forward(x, ws);
#endif
}
