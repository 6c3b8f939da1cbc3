// Mistake: a network whose input has zero features.
// expect: network_input_size_is_zero.*ctnn::Input<0>
#include <ctnn/ctnn.hpp>

#ifndef CTNN_CONTROL
using Net = ctnn::Network<ctnn::Input<0>, ctnn::Dense<8>, ctnn::ReLU, ctnn::Dense<1>>;
#else
using Net = ctnn::Network<ctnn::Input<2>, ctnn::Dense<8>, ctnn::ReLU, ctnn::Dense<1>>;
#endif

Net net;
