// Mistake: a residual y = x + f(x) whose branch ends in 16 channels while its input has 1.
// user-code: Network<Input<64, 1>, Residual<LSTM<16>>>  // x has 1 channel, f(x) 16
// expect: residual_branch_changes_the_shape.*ctnn::shape_error::layer<1, ctnn::Residual<ctnn::LSTM<16[^>]*> ?> ?>.*ctnn::shape_error::branch_input<ctnn::Sequence<64, 1> ?>.*ctnn::shape_error::branch_output<ctnn::Sequence<64, 16> ?>
#include <ctnn/ctnn.hpp>

#ifndef CTNN_CONTROL
ctnn::Network<ctnn::Input<64, 1>, ctnn::Residual<ctnn::LSTM<16>>> net;
#else
ctnn::Network<ctnn::Input<64, 1>, ctnn::Residual<ctnn::LSTM<16>, ctnn::Linear<1>>> net;
#endif
