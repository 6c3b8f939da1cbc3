#include <ctnn/ctnn.hpp>

#include <cstdio>

int main() {
  // y = relu(2 x - 1) + 1 at x = 1: 2.
  ctnn::Network<ctnn::Input<1>, ctnn::Dense<1>, ctnn::ReLU, ctnn::Dense<1>> net;
  net.layer<1>().weights = ctnn::Matrix<float, 1, 1>{{{2}}};
  net.layer<1>().bias = ctnn::Matrix<float, 1, 1>{{{-1}}};
  net.layer<3>().weights = ctnn::Matrix<float, 1, 1>{{{1}}};
  net.layer<3>().bias = ctnn::Matrix<float, 1, 1>{{{1}}};
  const auto y = net.forward(ctnn::Vector<float, 1>{{{1}}});
  std::printf("consumer: %s, y = %g\n", HOW, static_cast<double>(y(0, 0)));
  return y(0, 0) == 2.0f ? 0 : 1;
}
