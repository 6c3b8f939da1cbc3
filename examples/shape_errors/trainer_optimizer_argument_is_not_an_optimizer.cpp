// Mistake: a loss where Trainer expects the optimizer.
// expect: trainer_optimizer_argument_is_not_an_optimizer.*ctnn::shape_error::argument<3>.*ctnn::shape_error::given<ctnn::MeanSquaredError ?>.*ctnn::optimizer_requirement::network_type_and_options_type
#include <ctnn/ctnn.hpp>

using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::ReLU, ctnn::Dense<1>>;
#ifndef CTNN_CONTROL
ctnn::Trainer<Net, ctnn::MeanSquaredError, ctnn::MeanSquaredError, 8> trainer;
#else
ctnn::Trainer<Net, ctnn::MeanSquaredError, ctnn::RMSProp<Net>, 8> trainer;
#endif
