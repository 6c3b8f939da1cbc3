// Mistake: a causal convolution (a sequence layer) fed flat features.
// user-code: Network<Input<8>, Conv1D<4, 3>, ...>  // Input<8> is 8 features, not a sequence
// expect: layer_does_not_accept_the_shape_before.*ctnn::shape_error::layer<1, ctnn::Conv1D<4, 3, 1> ?>.*ctnn::shape_error::previous_output<ctnn::Features<8> ?>.*ctnn::shape_error::accepts<ctnn::any_sequence>
#include <ctnn/ctnn.hpp>
#include <ctnn/layers/conv1d.hpp>

#ifndef CTNN_CONTROL
ctnn::Network<ctnn::Input<8>, ctnn::Conv1D<4, 3>, ctnn::ReLU, ctnn::Flatten, ctnn::Dense<1>> net;
#else
ctnn::Network<ctnn::Input<8, 1>, ctnn::Conv1D<4, 3>, ctnn::ReLU, ctnn::Flatten, ctnn::Dense<1>> net;
#endif
