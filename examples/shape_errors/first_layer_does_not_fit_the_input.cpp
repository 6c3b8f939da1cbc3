// Mistake: the first layer states an input size that is not the network's Input<N>.
// expect: first_layer_does_not_fit_the_input.*ctnn::shape_error::layer<1, ctnn::Dense<5, 8> ?>.*ctnn::shape_error::network_input_size<4>.*ctnn::shape_error::declared_input_size<5>
#include <ctnn/ctnn.hpp>

#ifndef CTNN_CONTROL
using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<5, 8>, ctnn::ReLU, ctnn::Dense<3>>;
#else
using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<4, 8>, ctnn::ReLU, ctnn::Dense<3>>;
#endif

Net net;
