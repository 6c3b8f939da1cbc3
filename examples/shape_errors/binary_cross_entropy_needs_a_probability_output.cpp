// Mistake: binary cross-entropy on a linear output, which is not a probability (the Sigmoid is
// missing).
// expect: binary_cross_entropy_needs_a_probability_output.*ctnn::shape_error::layer<3, ctnn::Dense<1> ?>
#include <ctnn/ctnn.hpp>

#ifndef CTNN_CONTROL
using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::Tanh, ctnn::Dense<1>>;
#else
using Net =
    ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::Tanh, ctnn::Dense<1>, ctnn::Sigmoid>;
#endif
ctnn::Trainer<Net, ctnn::BinaryCrossEntropy, ctnn::Adam<Net>, 8> trainer;
