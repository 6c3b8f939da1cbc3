// Matrices at their natural alignment (built with -DCTNN_MATRIX_ALIGNMENT=4, a binary of its own:
// the alignment is part of every Matrix's layout): storage without padding, and forward passes at
// batch 1 and 8 (the batch-1 kernels that use padding must step aside) against plain loops in
// double, and training steps that stay finite and lower the cost.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "reference.hpp"

#if CTNN_MATRIX_ALIGNMENT != 4
#error "test_alignment.cpp is built with -DCTNN_MATRIX_ALIGNMENT=4"
#endif

using namespace ctnn;

namespace {

// Every layer's parameters as doubles, in layer order: weight (In, Out) row-major, then bias.
template <class Net>
std::vector<std::vector<double>> parameters_of(const Net& net) {
  std::vector<std::vector<double>> tensors;
  for_each_parameter(net, [&](std::size_t, auto, auto, const auto& tensor) {
    tensors.emplace_back(tensor.begin(), tensor.end());
  });
  return tensors;
}

// y = x W + b per layer, ReLU between layers, in double.
template <class Net, std::size_t B>
std::vector<double> reference_forward(const Net& net, const Matrix<float, B, Net::input_size>& x,
                                      const std::size_t* sizes, std::size_t layers) {
  const auto p = parameters_of(net);
  std::vector<double> a(x.begin(), x.end());
  for (std::size_t l = 0; l < layers; ++l) {
    const std::size_t in = sizes[l], out = sizes[l + 1];
    std::vector<double> z = ref::gemm(a, p[2 * l], B, in, out);
    for (std::size_t i = 0; i < B; ++i)
      for (std::size_t j = 0; j < out; ++j) {
        double& v = z[i * out + j];
        v += p[2 * l + 1][j];
        if (l + 1 < layers) v = v > 0 ? v : 0;
      }
    a = z;
  }
  return a;
}

template <class Net, std::size_t B>
void check_forward(const std::size_t* sizes, std::size_t layers) {
  const Net net{Seed{11}};
  Matrix<float, B, Net::input_size> x;
  for (std::size_t i = 0; i < x.size; ++i) x.data()[i] = static_cast<float>(ref::noise(i, B));
  const auto y = net.forward(x);
  const auto want = reference_forward(net, x, sizes, layers);
  REQUIRE(want.size() == y.size);
  for (std::size_t i = 0; i < y.size; ++i)
    CHECK(double(y.data()[i]) == Approx(want[i]).margin(1e-5));
}

}  // namespace

TEST_CASE("CTNN_MATRIX_ALIGNMENT=4 stores matrices without padding", "[alignment]") {
  STATIC_REQUIRE(matrix_alignment == 4);
  STATIC_REQUIRE(sizeof(Matrix<float, 1, 3>) == 12);
  STATIC_REQUIRE(alignof(Matrix<float, 1, 3>) == 4);
  STATIC_REQUIRE(sizeof(Matrix<float, 3, 5>) == 60);
  STATIC_REQUIRE(alignof(Matrix<double, 1, 3>) == alignof(double));  // never below the element's
  STATIC_REQUIRE(sizeof(Matrix<double, 1, 3>) == 24);
}

TEST_CASE("Forward passes agree with plain loops at natural alignment", "[alignment]") {
  // 16 -> 16 takes the batch-1 matrix-vector kernel with 64-byte matrices, 7 -> 1 the one-column
  // one; both read or write whole vectors in the padding, which 4-byte matrices do not have.
  using Wide = Network<Input<16>, Dense<16>, ReLU, Dense<16>, ReLU, Dense<7>, ReLU, Dense<1>>;
  constexpr std::size_t wide[] = {16, 16, 16, 7, 1};
  check_forward<Wide, 1>(wide, 4);
  check_forward<Wide, 8>(wide, 4);
  using Odd = Network<Input<3>, Dense<5>, ReLU, Dense<2>>;
  constexpr std::size_t odd[] = {3, 5, 2};
  check_forward<Odd, 1>(odd, 2);
  check_forward<Odd, 8>(odd, 2);
}

TEST_CASE("Training at natural alignment lowers the cost", "[alignment]") {
  using Net = Network<Input<3>, Dense<9>, Tanh, Dense<1>>;
  static Net net{Seed{2}};
  static Trainer<Net, MeanSquaredError, Adam<Net>, 1> trainer{AdamOptions{.learning_rate = 0.01}};
  const auto cost = [&] {
    double c = 0;
    for (std::size_t s = 0; s < 16; ++s) {
      const Vector<float, 3> x{{float(ref::noise(s)), float(ref::noise(s, 1)), 0.5f}};
      const float y = net.forward(x)[0], t = x[0] * x[1];
      c += double(y - t) * double(y - t);
    }
    return c;
  };
  const double before = cost();
  for (int epoch = 0; epoch < 200; ++epoch)
    for (std::size_t s = 0; s < 16; ++s) {
      const Vector<float, 3> x{{float(ref::noise(s)), float(ref::noise(s, 1)), 0.5f}};
      Vector<float, 1> t;
      t[0] = x[0] * x[1];
      REQUIRE(trainer.step(net, x, t).ok());
    }
  CHECK(cost() < 0.5 * before);
}
