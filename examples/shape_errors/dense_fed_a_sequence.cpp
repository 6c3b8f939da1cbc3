// Mistake: a Dense layer fed a sequence (Conv1D's output) without a Flatten between them.
// user-code: Network<Input<16, 2>, Conv1D<4, 3>, Dense<1>>
// expect: layer_does_not_accept_the_shape_before.*ctnn::shape_error::layer<2, ctnn::Dense<1> ?>.*ctnn::shape_error::previous_output<ctnn::Sequence<16, 4> ?>.*ctnn::shape_error::accepts<ctnn::any_features>
#include <ctnn/ctnn.hpp>
#include <ctnn/layers/conv1d.hpp>

#ifndef CTNN_CONTROL
ctnn::Network<ctnn::Input<16, 2>, ctnn::Conv1D<4, 3>, ctnn::Dense<1>> net;
#else
ctnn::Network<ctnn::Input<16, 2>, ctnn::Conv1D<4, 3>, ctnn::Flatten, ctnn::Dense<1>> net;
#endif
