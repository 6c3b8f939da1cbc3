// Mistake: cross-entropy on a network with a single (sigmoid) output: the softmax of one class is
// always 1, so the cost is always 0 and nothing is learnt. One output wants binary cross-entropy.
// expect: cross_entropy_needs_at_least_two_outputs.*ctnn::shape_error::layer<4, ctnn::Sigmoid>.*ctnn::shape_error::network_output_size<1>
#include <ctnn/ctnn.hpp>

using Net =
    ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::Tanh, ctnn::Dense<1>, ctnn::Sigmoid>;
#ifndef CTNN_CONTROL
ctnn::Trainer<Net, ctnn::CrossEntropy, ctnn::Adam<Net>, 8> trainer;
#else
ctnn::Trainer<Net, ctnn::BinaryCrossEntropy, ctnn::Adam<Net>, 8> trainer;
#endif
