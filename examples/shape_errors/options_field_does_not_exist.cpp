// Mistake: a field of the optimizer's options misspelt (`lr` for `learning_rate`). Name the options
// type as here: with bare braces (trainer with .lr in two pairs of braces) the compilers list
// Trainer's constructors instead of naming the field.
// expect-gcc: ‘ctnn::AdamOptions’ has no non-static data member named ‘lr’
// expect-clang: field designator 'lr' does not refer to any field in type 'ctnn::AdamOptions'
#include <ctnn/ctnn.hpp>

using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::Tanh, ctnn::Dense<2>>;
#ifndef CTNN_CONTROL
ctnn::Trainer<Net, ctnn::MeanSquaredError, ctnn::Adam<Net>, 16> trainer{
    ctnn::AdamOptions{.lr = 0.01}};
#else
ctnn::Trainer<Net, ctnn::MeanSquaredError, ctnn::Adam<Net>, 16> trainer{
    ctnn::AdamOptions{.learning_rate = 0.01}};
#endif
