// Mistake: labels of 3 classes for a classifier with 10 outputs (softmax cross-entropy).
// expect: class_count_does_not_match_the_output.*ctnn::shape_error::network_output_size<10>.*ctnn::shape_error::label_classes<3>
#include <ctnn/ctnn.hpp>

using Net =
    ctnn::Network<ctnn::Input<64>, ctnn::Dense<32>, ctnn::ReLU, ctnn::Dense<10>, ctnn::Softmax>;
using Trainer = ctnn::Trainer<Net, ctnn::CrossEntropy, ctnn::Adam<Net>, 8>;

#ifndef CTNN_CONTROL
using Labels = ctnn::ClassLabels<8, 3>;
#else
using Labels = ctnn::ClassLabels<8, 10>;
#endif

float train(Net& net, Trainer& trainer, const ctnn::Matrix<float, 8, 64>& x, const Labels& y) {
  return trainer.step(net, x, y).loss;
}
