// The same networks in plain Eigen 3.4 (eigen_mlp.hpp): fixed-size matrices for the small cases
// (a, b, e), preallocated dynamic matrices for the large ones (c, d, where Eigen's blocked GEMM is
// the faster choice).
#include <cstddef>

#include <benchmark/benchmark.h>

#include "cases.hpp"
#include "eigen_mlp.hpp"

namespace {

using namespace bench::eigen;

// (a) Dense 16 -> 16, batch 1: one fixed-size product and bias.
struct DenseA {
  Eigen::Matrix<float, 1, 16> x = Eigen::Matrix<float, 1, 16>::Random(), y;
  Eigen::Matrix<float, 16, 16> W = Eigen::Matrix<float, 16, 16>::Random();
  Eigen::Matrix<float, 1, 16> b = Eigen::Matrix<float, 1, 16>::Zero();
  void forward() {
    y.noalias() = x * W;
    y += b;
    benchmark::DoNotOptimize(y.data());
  }
} a;

template <int B>
using NetB = Net<B, 8, true, Layer<8, 16, B, Act::tanh, true>, Layer<16, 16, B, Act::tanh, true>,
                 Layer<16, 1, B, Act::none, true>>;
NetB<1> b1 = [] {  // forward: the input of the RTNeural-style model
  NetB<1> n;
  for (int k = 0; k < 8; ++k) n.x(0, k) = bench::model_input[k];
  return n;
}();
Training<NetB<1>> b1_training;
Training<NetB<32>> b32;
Training<Net<32, 64, false, Layer<64, 128, 32, Act::relu, false>,
             Layer<128, 128, 32, Act::relu, false>, Layer<128, 10, 32, Act::softmax, false>>>
    c32;
Training<Net<32, 784, false, Layer<784, 128, 32, Act::relu, false>,
             Layer<128, 10, 32, Act::softmax, false>>>
    d32;

template <Act F>
using NetE = Net<1, 1, true, Layer<1, 8, 1, F, true>, Layer<8, 8, 1, F, true>,
                 Layer<8, 1, 1, Act::none, true>>;
NetE<Act::tanh> e_tanh;
NetE<Act::relu> e_relu;
Training<NetE<Act::tanh>> e_tanh_training;
Training<NetE<Act::relu>> e_relu_training;
using NetF = Net<1, 1, true, Layer<1, 6, 1, Act::tanh, true>, Layer<6, 12, 1, Act::tanh, true>,
                 Layer<12, 1, 1, Act::none, true>>;
NetF f_tanh;
Training<NetF> f_tanh_training;

/// (e): each sample through the fixed-size model on its own.
template <class N>
void per_sample(N& net) {
  const float* x = bench::audio_signal();
  float sum = 0;
  for (std::size_t i = 0; i < bench::audio_samples; ++i) {
    net.x(0, 0) = x[i];
    net.forward();
    sum += std::get<2>(net.layers).A(0, 0);
  }
  benchmark::DoNotOptimize(sum);
}

using bench::a_sizes, bench::b_sizes, bench::c_sizes, bench::d_sizes, bench::e_sizes,
    bench::f_sizes;

const bench::Case cases[] = {
    {"a_forward_b1", [] { a.forward(); }, bench::forward_flops(1, a_sizes, 2)},
    {"b_forward_b1",
     [] {
       b1.forward();
       benchmark::DoNotOptimize(std::get<2>(b1.layers).A.data());
     },
     bench::forward_flops(1, b_sizes, 4)},
    {"b_train_b1", [] { benchmark::DoNotOptimize(b1_training.step()); },
     bench::training_flops(1, b_sizes, 4)},
    {"b_train_b32", [] { benchmark::DoNotOptimize(b32.step()); },
     bench::training_flops(32, b_sizes, 4)},
    {"c_train_b32", [] { benchmark::DoNotOptimize(c32.step()); },
     bench::training_flops(32, c_sizes, 4)},
    {"d_forward_b32",
     [] {
       d32.net.forward();
       benchmark::DoNotOptimize(std::get<1>(d32.net.layers).A.data());
     },
     bench::forward_flops(32, d_sizes, 3)},
    {"d_train_b32", [] { benchmark::DoNotOptimize(d32.step()); },
     bench::training_flops(32, d_sizes, 3)},
    // Eigen's float tanh is already a rational approximation (4.8 ulp measured): the same rows.
    {"b_forward_b1_fasttanh",
     [] {
       b1.forward();
       benchmark::DoNotOptimize(std::get<2>(b1.layers).A.data());
     },
     bench::forward_flops(1, b_sizes, 4)},
    {"b_train_b1_fasttanh", [] { benchmark::DoNotOptimize(b1_training.step()); },
     bench::training_flops(1, b_sizes, 4)},
    {"b_train_b32_fasttanh", [] { benchmark::DoNotOptimize(b32.step()); },
     bench::training_flops(32, b_sizes, 4)},
    {"e_tanh_per_sample_48k", [] { per_sample(e_tanh); },
     bench::audio_samples* bench::forward_flops(1, e_sizes, 4)},
    {"e_relu_per_sample_48k", [] { per_sample(e_relu); },
     bench::audio_samples* bench::forward_flops(1, e_sizes, 4)},
    {"e_train_b1", [] { benchmark::DoNotOptimize(e_tanh_training.step()); },
     bench::training_flops(1, e_sizes, 4)},
    {"e_train_b1_relu", [] { benchmark::DoNotOptimize(e_relu_training.step()); },
     bench::training_flops(1, e_sizes, 4)},
    {"f_tanh_per_sample_48k", [] { per_sample(f_tanh); },
     bench::audio_samples* bench::forward_flops(1, f_sizes, 4)},
    {"f_train_b1", [] { benchmark::DoNotOptimize(f_tanh_training.step()); },
     bench::training_flops(1, f_sizes, 4)},
};

}  // namespace

bench::CaseTable bench::eigen_cases() {
  return {cases, std::size(cases)};
}
