// Mistake: a Dense layer inside a residual branch fed the branch's sequence (Dense takes
// features; Linear maps every frame). The inner error names the layer within the branch.
// user-code: Network<Input<64, 1>, Residual<LSTM<16>, Dense<1>>>
// expect: mistake_in_residual_branch.*ctnn::shape_error::layer<1, ctnn::Residual<.*layer_does_not_accept_the_shape_before<ctnn::shape_error::layer<2, ctnn::Dense<1[^>]*> ?>, ctnn::shape_error::previous_output<ctnn::Sequence<64, 16> ?>
#include <ctnn/ctnn.hpp>

#ifndef CTNN_CONTROL
ctnn::Network<ctnn::Input<64, 1>, ctnn::Residual<ctnn::LSTM<16>, ctnn::Dense<1>>> net;
#else
ctnn::Network<ctnn::Input<64, 1>, ctnn::Residual<ctnn::LSTM<16>, ctnn::Linear<1>>> net;
#endif
