// Mistake: a trainer for one network given an optimizer made for another (here: 16 hidden units
// instead of 8).
// expect: optimizer_made_for_another_network.*ctnn::shape_error::network<ctnn::BasicNetwork<float.*ctnn::Input<4>, ctnn::Dense<8>, ctnn::Tanh, ctnn::Dense<1> ?> ?>.*ctnn::shape_error::made_for<ctnn::BasicNetwork<float.*ctnn::Input<4>, ctnn::Dense<16>, ctnn::Tanh, ctnn::Dense<1> ?> ?>
#include <ctnn/ctnn.hpp>

using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::Tanh, ctnn::Dense<1>>;
using Wider = ctnn::Network<ctnn::Input<4>, ctnn::Dense<16>, ctnn::Tanh, ctnn::Dense<1>>;

#ifndef CTNN_CONTROL
ctnn::Trainer<Net, ctnn::MeanSquaredError, ctnn::Adam<Wider>, 4> trainer;
#else
ctnn::Trainer<Net, ctnn::MeanSquaredError, ctnn::Adam<Net>, 4> trainer;
#endif
