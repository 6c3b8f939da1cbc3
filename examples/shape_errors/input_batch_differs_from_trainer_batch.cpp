// Mistake: one sample (a Vector) given to a trainer made for batches of 32.
// expect: input_batch_differs_from_trainer_batch.*ctnn::shape_error::trainer_batch<32>.*ctnn::shape_error::input_batch<1>
#include <ctnn/ctnn.hpp>

using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::Tanh, ctnn::Dense<2>>;
#ifndef CTNN_CONTROL
using Trainer = ctnn::Trainer<Net, ctnn::MeanSquaredError, ctnn::Adam<Net>, 32>;
#else
using Trainer = ctnn::Trainer<Net, ctnn::MeanSquaredError, ctnn::Adam<Net>, 1>;
#endif

float train(Net& net, Trainer& trainer, const ctnn::Vector<float, 4>& x,
            const ctnn::Vector<float, 2>& target) {
  return trainer.step(net, x, target).loss;
}
