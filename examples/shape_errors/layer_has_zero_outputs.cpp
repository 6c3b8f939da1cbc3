// Mistake: a dense layer with zero units.
// expect: layer_has_zero_outputs.*ctnn::shape_error::layer<3, ctnn::Dense<0> ?>
#include <ctnn/ctnn.hpp>

#ifndef CTNN_CONTROL
using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::ReLU, ctnn::Dense<0>>;
#else
using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::ReLU, ctnn::Dense<1>>;
#endif

Net net;
