// Mistake: a type in the layer list that is not a layer spec (a typo: float for a layer).
// expect: not_a_layer_spec.*ctnn::shape_error::layer<2, float>
#include <ctnn/ctnn.hpp>

#ifndef CTNN_CONTROL
using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, float, ctnn::Dense<1>>;
#else
using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::Tanh, ctnn::Dense<1>>;
#endif

Net net;
