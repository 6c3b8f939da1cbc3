// ctnn::Network: sizes at compile time, forward values computed by hand, initialization.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/network.hpp"
#include "reference.hpp"

using namespace ctnn;

// Note 002's 2-layer MLP: 4 features, 2 sigmoid hidden units, 1 linear output.
using Mlp = Network<Input<4>, Dense<2>, Sigmoid, Dense<1>>;

TEST_CASE("Sizes and shapes are compile-time constants", "[network][static]") {
  STATIC_REQUIRE(Mlp::input_size == 4);
  STATIC_REQUIRE(Mlp::output_size == 1);
  STATIC_REQUIRE(Mlp::depth == 3);
  STATIC_REQUIRE(Mlp::size<0> == 4);
  STATIC_REQUIRE(Mlp::size<1> == 2);
  STATIC_REQUIRE(Mlp::size<2> == 2);
  STATIC_REQUIRE(Mlp::size<3> == 1);
  STATIC_REQUIRE(Mlp::parameter_count == 4 * 2 + 2 + 2 * 1 + 1);
  STATIC_REQUIRE(std::is_same_v<Mlp::layer_type<1>, DenseLayer<float, 4, 2>>);
  STATIC_REQUIRE(std::is_same_v<decltype(Mlp{}.layer<1>().weights), Matrix<float, 4, 2>>);
  STATIC_REQUIRE(std::is_same_v<decltype(Mlp{}.layer<3>().bias), Matrix<float, 1, 1>>);
  STATIC_REQUIRE(
      std::is_same_v<decltype(Mlp{}.forward(Matrix<float, 3, 4>{})), Matrix<float, 3, 1>>);

  // An explicit Dense<In, Out> that fits is the same layer.
  using Explicit = Network<Input<4>, Dense<4, 2>, Sigmoid, Dense<2, 1>>;
  STATIC_REQUIRE(std::is_same_v<Explicit::layers_type, Mlp::layers_type>);

  using Mnist = Network<Input<784>, Dense<128>, ReLU, Dense<10>, Softmax>;
  STATIC_REQUIRE(Mnist::parameter_count == 784 * 128 + 128 + 128 * 10 + 10);
  STATIC_REQUIRE(sizeof(Mnist) >= Mnist::parameter_count * sizeof(float));
  STATIC_REQUIRE(sizeof(Workspace<Mnist, 32>) >=
                 2 * 32 * (784 + 128 + 128 + 10 + 10) * sizeof(float));
  STATIC_REQUIRE(std::is_same_v<BasicNetwork<double, Input<3>, Dense<1>>::value_type, double>);
}

// Weights chosen so that every value is known in closed form: sigmoid(+-ln 3) = 3/4 and 1/4.
// Column convention of note 002: W1 is (2 x 4), X is (4 x 3) with one sample per column,
// Z = W1 X + b1 u, A = sigmoid(Z), y = w2 A + b2 u.
//   sample 1 = ( 1, -1, 5, 7): z = ( ln3, -ln3), a = (3/4, 1/4), y = 4 * 3/4 - 8 * 1/4 + 1 =  2
//   sample 2 = ( 0,  0, 1, 2): z = (   0,    0), a = (1/2, 1/2), y = 2 - 4 + 1              = -1
//   sample 3 = (-1,  1, 0, 0): z = (-ln3,  ln3), a = (1/4, 3/4), y = 1 - 6 + 1              = -4
TEST_CASE("Note 002's MLP, hand-derived values, in both conventions", "[network][forward]") {
  const float ln3 = static_cast<float>(std::log(3.0));
  const double w1_columns[2][4] = {{ln3, 0, 0, 0}, {0, ln3, 0, 0}};  // (2 x 4): row j = unit j
  const double x_columns[4][3] = {{1, 0, -1}, {-1, 0, 1}, {5, 1, 0}, {7, 2, 0}};  // (4 x 3)
  const double w2_row[2] = {4, -8};
  const double b2 = 1;
  const double expected[3] = {2, -1, -4};

  // Samples-are-rows convention: W = W1^T (4 x 2), X = X^T (3 x 4).
  Mlp net;
  Matrix<float, 3, 4> x;
  for (std::size_t f = 0; f < 4; ++f) {
    for (std::size_t j = 0; j < 2; ++j)
      net.layer<1>().weights(f, j) = static_cast<float>(w1_columns[j][f]);
    for (std::size_t s = 0; s < 3; ++s) x(s, f) = static_cast<float>(x_columns[f][s]);
  }
  net.layer<1>().bias = Matrix<float, 1, 2>{{0, 0}};
  net.layer<3>().weights = Matrix<float, 2, 1>{{{4}, {-8}}};
  net.layer<3>().bias = Matrix<float, 1, 1>{{{1}}};

  Workspace<Mlp, 3> ws;
  const auto y = net.forward(x);
  const auto& y_ws = net.forward(x, ws);
  for (std::size_t s = 0; s < 3; ++s) {
    CHECK(y(s, 0) == Approx(expected[s]).margin(1e-5));
    CHECK(y_ws(s, 0) == y(s, 0));
  }
  CHECK(ws.activation<2>()(0, 0) == Approx(0.75).margin(1e-6));
  CHECK(ws.activation<2>()(0, 1) == Approx(0.25).margin(1e-6));
  CHECK(ws.activation<1>()(2, 1) == Approx(std::log(3.0)).margin(1e-6));

  // The column convention computed directly by the notes' formulas gives the same numbers.
  for (std::size_t s = 0; s < 3; ++s) {
    double yhat = b2;
    for (std::size_t j = 0; j < 2; ++j) {
      double z = 0;
      for (std::size_t f = 0; f < 4; ++f) z += w1_columns[j][f] * x_columns[f][s];
      yhat += w2_row[j] * ref::sigmoid(z);
    }
    CHECK(yhat == Approx(expected[s]).margin(1e-12));
  }
}

TEST_CASE("Note 002's MLP with arbitrary values matches the column-convention formulas",
          "[network][forward]") {
  BasicNetwork<double, Input<4>, Dense<2>, Sigmoid, Dense<1>> net{Seed{7}};
  Matrix<double, 3, 4> x;
  for (std::size_t i = 0; i < x.size; ++i) x[i] = ref::noise(i, 99) * 3;
  net.layer<1>().bias = Matrix<double, 1, 2>{{0.3, -0.2}};
  net.layer<3>().bias = Matrix<double, 1, 1>{{{0.1}}};
  const auto y = net.forward(x);

  // Column convention: W1c = W^T (2 x 4), Xc = x^T (4 x 3), Z = W1c Xc + b1 u.
  const auto& w1 = net.layer<1>().weights;
  const auto& w2 = net.layer<3>().weights;
  for (std::size_t s = 0; s < 3; ++s) {
    double yhat = net.layer<3>().bias(0, 0);
    for (std::size_t j = 0; j < 2; ++j) {
      double z = net.layer<1>().bias(0, j);
      for (std::size_t f = 0; f < 4; ++f) z += w1(f, j) * x(s, f);
      yhat += w2(j, 0) * ref::sigmoid(z);
    }
    CHECK(y(s, 0) == Approx(yhat).epsilon(1e-13));
  }
}

TEST_CASE("Single-sample and batch forward agree", "[network][forward]") {
  using Net = Network<Input<5>, Dense<17>, Tanh, Dense<33>, ReLU, Dense<3>, Softmax>;
  const Net net{Seed{3}};
  Matrix<float, 8, 5> x;
  for (std::size_t i = 0; i < x.size; ++i) x[i] = static_cast<float>(ref::noise(i, 5));
  const auto batch = net.forward(x);
  for (std::size_t s = 0; s < 8; ++s) {
    Vector<float, 5> one;
    for (std::size_t f = 0; f < 5; ++f) one(0, f) = x(s, f);
    const Vector<float, 3> y = net.forward(one);
    float sum = 0;
    for (std::size_t j = 0; j < 3; ++j) {
      CHECK(y(0, j) == Approx(batch(s, j)).margin(1e-6));
      sum += y(0, j);
    }
    CHECK(sum == Approx(1.0f).margin(1e-6));  // softmax rows sum to one
  }
}

TEST_CASE("Initialization is deterministic, seedable, Glorot or He by the next activation",
          "[network][init]") {
  using Net = Network<Input<6>, Dense<10>, ReLU, Dense<4>, Tanh, Dense<2>>;
  const Net a{Seed{1}}, b{Seed{1}}, c{Seed{2}};
  CHECK(a == b);
  CHECK_FALSE(a == c);
  CHECK(Net{} == Net{});

  const double he = std::sqrt(6.0 / 6);              // layer 1 feeds a ReLU
  const double glorot2 = std::sqrt(6.0 / (10 + 4));  // layer 3 feeds a tanh
  const double glorot3 = std::sqrt(6.0 / (4 + 2));   // layer 5 is the output
  auto max_abs = [](const auto& m) {
    double r = 0;
    for (const auto v : m) r = std::max(r, std::abs(double(v)));
    return r;
  };
  CHECK(max_abs(a.layer<1>().weights) <= he);
  CHECK(max_abs(a.layer<1>().weights) > 0.5 * he);  // 60 draws: the range is really used
  CHECK(max_abs(a.layer<3>().weights) <= glorot2);
  CHECK(max_abs(a.layer<3>().weights) > 0.5 * glorot2);
  CHECK(max_abs(a.layer<5>().weights) <= glorot3);
  CHECK(max_abs(a.layer<1>().bias) == 0);

  // Mean near zero over many draws.
  using Big = Network<Input<256>, Dense<256>, Sigmoid>;
  static Big big{Seed{11}};
  double mean = 0;
  for (const auto w : big.layer<1>().weights) mean += w;
  mean /= 256.0 * 256.0;
  CHECK(std::abs(mean) < 0.01);
}

TEST_CASE("Networks of double work", "[network]") {
  BasicNetwork<double, Input<2>, Dense<3>, Sigmoid, Dense<1>> net;
  net.layer<1>().weights = Matrix<double, 2, 3>{{{1, 0, -1}, {0, 1, 1}}};
  net.layer<1>().bias = Matrix<double, 1, 3>{{0, 0, 0}};
  net.layer<3>().weights = Matrix<double, 3, 1>{{{1}, {1}, {1}}};
  net.layer<3>().bias = Matrix<double, 1, 1>{{{0}}};
  const auto y = net.forward(Vector<double, 2>{{0.5, -0.25}});
  const double expected = ref::sigmoid(0.5) + ref::sigmoid(-0.25) + ref::sigmoid(-0.75);
  CHECK(y(0, 0) == Approx(expected).epsilon(1e-15));
}

TEST_CASE("Inference into an InferenceWorkspace: forward(x)'s values, in two buffers in turn",
          "[network][workspace]") {
  // Layers of every width pattern: fused dense + activation pairs, a softmax on its own, odd
  // sizes; the buffers' roles swap an odd number of times.
  using Net = Network<Input<7>, Dense<13>, Tanh, Dense<33>, ReLU, Dense<9>, Softmax, Dense<5>,
                      Sigmoid, Dense<2>>;
  const Net net{Seed{3}};
  // The largest output (5 x 33 floats), twice, each padded as a Matrix is.
  STATIC_REQUIRE(InferenceWorkspace<Net, 5>::bytes == 2 * sizeof(Matrix<float, 5, 33>));
  STATIC_REQUIRE(InferenceWorkspace<Net, 5>::bytes < Workspace<Net, 5>::bytes / 4);
  static InferenceWorkspace<Net, 5> ws;
  SplitMix64 rng{8};
  for (int call = 0; call < 3; ++call) {  // the workspace is reused: nothing left from before
    Matrix<float, 5, 7> x;
    for (auto& v : x) v = static_cast<float>(rng.uniform(2.0));
    const auto want = net.forward(x);
    const Matrix<float, 5, 2>& got = net.forward(x, ws);
    for (std::size_t i = 0; i < want.size; ++i) CHECK(got[i] == want[i]);
  }
}

TEST_CASE("Inference (dense + activation fused) equals the training forward pass",
          "[network][kernels]") {
  // Awkward sizes, every element-wise activation after a dense layer, and a softmax (not fused).
  using Net = Network<Input<7>, Dense<13>, Tanh, Dense<33>, ReLU, Dense<9>, Sigmoid, Dense<5>,
                      Identity, Dense<1>>;
  const Net net{Seed{11}};
  Matrix<float, 5, 7> x;
  SplitMix64 rng{5};
  for (auto& v : x) v = static_cast<float>(rng.uniform(3.0));
  static Workspace<Net, 5> ws;
  const auto& unfused = net.forward(x, ws);
  const auto fused = net.forward(x);
  for (std::size_t i = 0; i < fused.size; ++i) CHECK(fused[i] == Approx(unfused[i]).margin(1e-6));
}

// A per-sample model whose layers are narrower than a vector (8 and 4 units: the batch-1 kernels'
// narrow vectors, kernels/simd.hpp NarrowTag) against the same model in double, sample by sample.
TEST_CASE("Narrow layers at batch 1 agree with a double reference", "[network][kernels]") {
  using Net = Network<Input<1>, Dense<8>, Tanh, Dense<8>, ReLU, Dense<4>, Sigmoid, Dense<1>>;
  static const Net net = [] {
    Net n{Seed{5}};  // biases start at zero: give them values
    const auto set = [](auto& bias) {
      for (std::size_t o = 0; o < bias.cols; ++o) bias(0, o) = 0.1f * float(o % 3) - 0.1f;
    };
    set(n.layer<1>().bias), set(n.layer<3>().bias), set(n.layer<5>().bias), set(n.layer<7>().bias);
    return n;
  }();
  const auto dense = [](const auto& layer, const std::vector<double>& x, auto f) {
    std::vector<double> y(layer.bias.cols);
    for (std::size_t o = 0; o < y.size(); ++o) {
      double s = layer.bias(0, o);
      for (std::size_t k = 0; k < x.size(); ++k) s += x[k] * double(layer.weights(k, o));
      y[o] = f(s);
    }
    return y;
  };
  const auto relu = [](double z) { return z > 0 ? z : 0.0; };
  const auto identity = [](double z) { return z; };
  for (int i = 0; i < 200; ++i) {
    const float x = 3.0f * std::sin(0.37f * static_cast<float>(i));  // some lanes past tanh's poly
    auto h = dense(net.layer<1>(), {double(x)}, [](double z) { return std::tanh(z); });
    h = dense(net.layer<3>(), h, relu);
    h = dense(net.layer<5>(), h, ref::sigmoid);
    const double expected = dense(net.layer<7>(), h, identity)[0];
    REQUIRE(net.forward(Vector<float, 1>{{{x}}})(0, 0) == Approx(expected).margin(2e-6));
  }
}
