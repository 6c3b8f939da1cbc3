// Mistake: the loss and the optimizer swapped in Trainer's arguments.
// expect: trainer_loss_argument_is_not_a_loss.*ctnn::shape_error::argument<2>.*ctnn::shape_error::given<ctnn::Adam<ctnn::BasicNetwork<float.*ctnn::loss_requirement::static_value_of_output_and_target
#include <ctnn/ctnn.hpp>

using Net =
    ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::ReLU, ctnn::Dense<3>, ctnn::Softmax>;
#ifndef CTNN_CONTROL
ctnn::Trainer<Net, ctnn::Adam<Net>, ctnn::CrossEntropy, 8> trainer;
#else
ctnn::Trainer<Net, ctnn::CrossEntropy, ctnn::Adam<Net>, 8> trainer;
#endif
