// Mistake: a forward pass into a workspace made for another network.
// expect: workspace_made_for_another_network.*ctnn::shape_error::network<ctnn::BasicNetwork<float.*ctnn::Input<4>, ctnn::Dense<8>, ctnn::Tanh, ctnn::Dense<1> ?> ?>.*ctnn::shape_error::made_for<ctnn::BasicNetwork<float.*ctnn::Input<4>, ctnn::Dense<16>, ctnn::Tanh, ctnn::Dense<1> ?> ?>
#include <ctnn/ctnn.hpp>

using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::Tanh, ctnn::Dense<1>>;
using Wider = ctnn::Network<ctnn::Input<4>, ctnn::Dense<16>, ctnn::Tanh, ctnn::Dense<1>>;

#ifndef CTNN_CONTROL
using Scratch = ctnn::Workspace<Wider, 4>;
#else
using Scratch = ctnn::Workspace<Net, 4>;
#endif

float output(const Net& net, const ctnn::Matrix<float, 4, 4>& x, Scratch& ws) {
  return net.forward(x, ws)(0, 0);
}
