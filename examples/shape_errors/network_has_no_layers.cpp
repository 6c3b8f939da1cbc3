// Mistake: a network with nothing after its input.
// expect: network_has_no_layers.*ctnn::shape_error::network_input_size<4>
#include <ctnn/ctnn.hpp>

#ifndef CTNN_CONTROL
using Net = ctnn::Network<ctnn::Input<4>>;
#else
using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<1>>;
#endif

Net net;
