// Sequence networks (causal Conv1D over Input<Time, Channels>) against an independent reference,
// streaming against whole-sequence inference, training a convolution to a known filter, and the
// named parameter walk.
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>
#include <ctnn/ctnn.hpp>

#include "reference.hpp"

using namespace ctnn;

namespace {

template <class M>
M noise_matrix(std::size_t salt, double scale = 1.0) {
  M m;
  for (std::size_t i = 0; i < m.size; ++i)
    m[i] = static_cast<typename M::value_type>(scale * ref::noise(i, salt));
  return m;
}

// y[t, f] = b[f] + sum_k sum_c x[t - (K-1-k) D, c] w[(k*C + c)*F + f], zero frames before t = 0:
// the formula of layers/conv1d.hpp written as plain loops in double.
std::vector<double> reference_conv(const std::vector<double>& x, std::size_t time, std::size_t c,
                                   const std::vector<double>& w, const std::vector<double>& b,
                                   std::size_t filters, std::size_t kernel,
                                   std::size_t dilation = 1) {
  std::vector<double> y(time * filters);
  for (std::size_t t = 0; t < time; ++t)
    for (std::size_t f = 0; f < filters; ++f) {
      double sum = b[f];
      for (std::size_t k = 0; k < kernel; ++k) {
        const long s = long(t) - long((kernel - 1 - k) * dilation);
        if (s < 0) continue;
        for (std::size_t ch = 0; ch < c; ++ch)
          sum += x[std::size_t(s) * c + ch] * w[(k * c + ch) * filters + f];
      }
      y[t * filters + f] = sum;
    }
  return y;
}

template <class M>
std::vector<double> as_vector(const M& m) {
  return std::vector<double>(m.begin(), m.end());
}

}  // namespace

TEST_CASE("Conv1D -> Tanh -> Conv1D -> Flatten -> Dense matches plain loops", "[sequence]") {
  using Net = Network<Input<10, 3>, Conv1D<5, 3>, Tanh, Conv1D<2, 2>, Flatten, Dense<4>>;
  static_assert(std::is_same_v<Net::shape_type<0>, Sequence<10, 3>>);
  static_assert(std::is_same_v<Net::shape_type<2>, Sequence<10, 5>>);
  static_assert(std::is_same_v<Net::shape_type<4>, Features<20>>);
  const Net net{Seed{5}};
  const auto x = noise_matrix<Matrix<float, 3, 30>>(1);
  const auto y = net.forward(x);
  const auto& c1 = net.layer<1>();
  const auto& c2 = net.layer<3>();
  const auto& d = net.layer<5>();
  for (std::size_t b = 0; b < 3; ++b) {
    const std::vector<double> xb(x.begin() + b * 30, x.begin() + (b + 1) * 30);
    auto h = reference_conv(xb, 10, 3, as_vector(c1.weights), as_vector(c1.bias), 5, 3);
    for (double& v : h) v = std::tanh(v);
    const auto h2 = reference_conv(h, 10, 5, as_vector(c2.weights), as_vector(c2.bias), 2, 2);
    const auto out = ref::gemm(h2, as_vector(d.weights), 1, 20, 4);
    for (std::size_t j = 0; j < 4; ++j)
      CHECK(y(b, j) == Approx(out[j] + d.bias[j]).margin(2e-6).epsilon(1e-5));
  }
}

TEST_CASE("Dilated convolutions (WaveNet's 1, 2, 4, 8) match plain loops, streamed too",
          "[sequence]") {
  using Net = Network<Input<40, 2>, Conv1D<3, 3, 1>, Tanh, Conv1D<3, 2, 2>, Tanh, Conv1D<3, 3, 4>,
                      Tanh, Conv1D<1, 2, 8>>;
  const Net net{Seed{6}};
  const auto x = noise_matrix<Matrix<float, 2, 80>>(4);
  const auto y = net.forward(x);
  for (std::size_t b = 0; b < 2; ++b) {
    std::vector<double> h(x.begin() + b * 80, x.begin() + (b + 1) * 80);
    const auto conv = [&](const auto& layer, std::size_t c, std::size_t f, std::size_t k,
                          std::size_t d, bool tanh) {
      h = reference_conv(h, 40, c, as_vector(layer.weights), as_vector(layer.bias), f, k, d);
      if (tanh)
        for (double& v : h) v = std::tanh(v);
    };
    conv(net.layer<1>(), 2, 3, 3, 1, true);
    conv(net.layer<3>(), 3, 3, 2, 2, true);
    conv(net.layer<5>(), 3, 3, 3, 4, true);
    conv(net.layer<7>(), 3, 1, 2, 8, false);
    for (std::size_t t = 0; t < 40; ++t) CHECK(y(b, t) == Approx(h[t]).margin(2e-6));
  }
  // The same layers on 1 frame and on 3 frames per call (3 does not divide the spans 4, 16, 8).
  using Frame = Network<Input<1, 2>, Conv1D<3, 3, 1>, Tanh, Conv1D<3, 2, 2>, Tanh, Conv1D<3, 3, 4>,
                        Tanh, Conv1D<1, 2, 8>>;
  using Block = Network<Input<5, 2>, Conv1D<3, 3, 1>, Tanh, Conv1D<3, 2, 2>, Tanh, Conv1D<3, 3, 4>,
                        Tanh, Conv1D<1, 2, 8>>;
  static Frame frame;
  static Block block;
  copy_parameters(net, frame);
  copy_parameters(net, block);
  for (int pass = 0; pass < 2; ++pass) {
    frame.reset();
    block.reset();
    for (std::size_t t = 0; t < 40; ++t) {
      const auto yf = frame.stream(Vector<float, 2>{{x[2 * t], x[2 * t + 1]}});
      CHECK(yf[0] == Approx(y(0, t)).margin(1e-6));
    }
    for (std::size_t part = 0; part < 8; ++part) {
      Vector<float, 10> xs;
      for (std::size_t i = 0; i < 10; ++i) xs[i] = x[10 * part + i];
      const auto yb = block.stream(xs);
      for (std::size_t t = 0; t < 5; ++t) CHECK(yb[t] == Approx(y(0, 5 * part + t)).margin(1e-6));
    }
  }
}

TEST_CASE("stream(): frame by frame and in chunks equals forward on the whole sequence",
          "[sequence]") {
  // The same convolutions bound to 24 frames, to 1 frame and to 4 frames per call.
  using Whole = Network<Input<24, 2>, Conv1D<6, 4>, ReLU, Conv1D<3, 3>, Tanh, Conv1D<1, 2>>;
  using Frame = Network<Input<1, 2>, Conv1D<6, 4>, ReLU, Conv1D<3, 3>, Tanh, Conv1D<1, 2>>;
  using Chunk = Network<Input<4, 2>, Conv1D<6, 4>, ReLU, Conv1D<3, 3>, Tanh, Conv1D<1, 2>>;
  const Whole whole{Seed{9}};
  Frame frame;
  Chunk chunk;
  frame.layer<1>().parameters() = whole.layer<1>().parameters();
  frame.layer<3>().parameters() = whole.layer<3>().parameters();
  frame.layer<5>().parameters() = whole.layer<5>().parameters();
  chunk.layer<1>().parameters() = whole.layer<1>().parameters();
  chunk.layer<3>().parameters() = whole.layer<3>().parameters();
  chunk.layer<5>().parameters() = whole.layer<5>().parameters();
  const auto x = noise_matrix<Matrix<float, 1, 48>>(3);
  const auto expected = whole.forward(x);

  for (int pass = 0; pass < 2; ++pass) {  // the second pass after reset() repeats the first
    frame.reset();
    chunk.reset();
    for (std::size_t t = 0; t < 24; ++t) {
      const auto y = frame.stream(Vector<float, 2>{{x[2 * t], x[2 * t + 1]}});
      CHECK(y[0] == Approx(expected[t]).margin(1e-6));
    }
    for (std::size_t part = 0; part < 6; ++part) {
      Vector<float, 8> xs;
      for (std::size_t i = 0; i < 8; ++i) xs[i] = x[8 * part + i];
      const auto y = chunk.stream(xs);
      for (std::size_t t = 0; t < 4; ++t)
        CHECK(y[t] == Approx(expected[4 * part + t]).margin(1e-6));
    }
  }
  // forward() treats every call as a new sequence and leaves the stream's state alone.
  const auto first = frame.forward(Vector<float, 2>{{x[0], x[1]}});
  CHECK(first[0] == Approx(expected[0]).margin(1e-6));
}

TEST_CASE("A causal convolution learns a known FIR filter", "[sequence]") {
  // y[t] = 0.5 x[t] - 0.3 x[t-1] + 0.2 x[t-2] + 0.1: taps are stored oldest first.
  using Net = Network<Input<16, 1>, Conv1D<1, 3>>;
  static Net net{Seed{2}};
  static Trainer<Net, MeanSquaredError, Adam<Net>, 8> trainer{AdamOptions{.learning_rate = 0.02}};
  Matrix<float, 8, 16> x, y;
  for (int step = 0; step < 1500; ++step) {
    for (std::size_t b = 0; b < 8; ++b)
      for (std::size_t t = 0; t < 16; ++t) {
        x(b, t) = static_cast<float>(ref::noise(b * 16 + t, std::size_t(step)));
        const float x1 = t >= 1 ? x(b, t - 1) : 0.0f, x2 = t >= 2 ? x(b, t - 2) : 0.0f;
        y(b, t) = 0.5f * x(b, t) - 0.3f * x1 + 0.2f * x2 + 0.1f;
      }
    REQUIRE(trainer.step(net, x, y).ok());
  }
  const auto& w = net.layer<1>().weights;
  CHECK(w[0] == Approx(0.2).margin(1e-3));
  CHECK(w[1] == Approx(-0.3).margin(1e-3));
  CHECK(w[2] == Approx(0.5).margin(1e-3));
  CHECK(net.layer<1>().bias[0] == Approx(0.1).margin(1e-3));
}

TEST_CASE("for_each_parameter names every tensor, in order, and can write them", "[parameters]") {
  using Net = Network<Input<6, 2>, Conv1D<3, 2>, ReLU, Flatten, Dense<4>, Softmax>;
  Net net;
  std::vector<std::string> seen;
  for_each_parameter(
      net, [&](std::size_t layer, std::string_view kind, std::string_view name, auto& tensor) {
        seen.push_back(std::to_string(layer) + " " + std::string(kind) + " " + std::string(name) +
                       " " + std::to_string(tensor.rows) + "x" + std::to_string(tensor.cols));
        for (auto& v : tensor) v = 0.5f;
      });
  CHECK(seen == std::vector<std::string>{"1 Conv1D weight 4x3", "1 Conv1D bias 1x3",
                                         "4 Dense weight 18x4", "4 Dense bias 1x4"});
  CHECK(net.layer<4>().bias[3] == 0.5f);
  CHECK(net.layer<1>().weights(3, 2) == 0.5f);

  std::size_t count = 0;
  const Net& view = net;
  for_each_parameter(view, [&](std::size_t, std::string_view, std::string_view, const auto& t) {
    count += t.size;
  });
  CHECK(count == Net::parameter_count);
}

TEST_CASE("L2 is applied to the tensors a layer declares decayed", "[parameters]") {
  using Net = Network<Input<6, 2>, Conv1D<3, 2>, Flatten, Dense<2>>;
  const Net net{Seed{4}};
  const auto x = noise_matrix<Matrix<float, 4, 12>>(5);
  const auto t = noise_matrix<Matrix<float, 4, 2>>(6);
  static Workspace<Net, 4> ws;
  static Gradients<Net> plain, decayed;
  const float c0 = compute_gradients<MeanSquaredError>(net, x, t, ws, plain);
  const float c1 = compute_gradients<MeanSquaredError>(net, x, t, ws, decayed, L2{0.5});
  CHECK(decayed.layer<1>().bias == plain.layer<1>().bias);
  CHECK(decayed.layer<3>().bias == plain.layer<3>().bias);
  double sum = 0;
  for (std::size_t i = 0; i < 12; ++i) {
    const float w = net.layer<1>().weights[i];
    sum += double(w) * w;
    CHECK(decayed.layer<1>().weights[i] == Approx(plain.layer<1>().weights[i] + 0.5f * w));
  }
  for (const float w : net.layer<3>().weights) sum += double(w) * w;
  CHECK(c1 == Approx(c0 + 0.25 * sum).epsilon(1e-5));
}
