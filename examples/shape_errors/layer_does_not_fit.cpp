// Mistake: an explicit Dense<In, Out> whose In is not the output size of the layer before.
// expect: layer_does_not_fit_the_one_before.*ctnn::shape_error::layer<3, ctnn::Dense<5, 3> ?>.*ctnn::shape_error::previous_output_size<8>.*ctnn::shape_error::declared_input_size<5>
// max-lines-gcc: 29
// max-lines-clang: 29
#include <ctnn/ctnn.hpp>

#ifndef CTNN_CONTROL
using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::ReLU, ctnn::Dense<5, 3>>;
#else
using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::ReLU, ctnn::Dense<8, 3>>;
#endif

Net net;
