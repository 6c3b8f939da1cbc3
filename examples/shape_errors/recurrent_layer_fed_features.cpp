// Mistake: an LSTM fed features (Input<8> is 8 features, not a sequence of frames).
// user-code: Network<Input<8>, LSTM<16>, Linear<1>>  // Input<8> is 8 features, not a sequence
// expect: layer_does_not_accept_the_shape_before.*ctnn::shape_error::layer<1, ctnn::LSTM<16[^>]*> ?>.*ctnn::shape_error::previous_output<ctnn::Features<8> ?>.*ctnn::shape_error::accepts<ctnn::any_sequence>
#include <ctnn/ctnn.hpp>

#ifndef CTNN_CONTROL
ctnn::Network<ctnn::Input<8>, ctnn::LSTM<16>, ctnn::Linear<1>> net;
#else
ctnn::Network<ctnn::Input<8, 1>, ctnn::LSTM<16>, ctnn::Linear<1>> net;
#endif
