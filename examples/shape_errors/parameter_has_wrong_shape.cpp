// Mistake: assigning a (3, 8) matrix to the (4, 8) weights of the first dense layer.
// expect-gcc: no match for .*operator=.* \(operand types are .*ctnn::Matrix<float, 4, 8>.* and .*ctnn::Matrix<float, 3, 8>
// expect-clang: no viable overloaded '='
#include <ctnn/ctnn.hpp>

using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::ReLU, ctnn::Dense<3>>;

#ifndef CTNN_CONTROL
void load(Net& net, const ctnn::Matrix<float, 3, 8>& w) {
  net.layer<1>().weights = w;
}
#else
void load(Net& net, const ctnn::Matrix<float, 4, 8>& w) {
  net.layer<1>().weights = w;
}
#endif
