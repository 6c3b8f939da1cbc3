// ctnn's side of every case. Compiled into the benchmark (SIMD kernels) and into libraries of their
// own: with CTNN_FORCE_SCALAR (the scalar path), CTNN_RUNTIME_DISPATCH and CTNN_BENCH_O2 (-O2).
#include <cstddef>

#include <benchmark/benchmark.h>
#include <ctnn/ctnn.hpp>

#include "cases.hpp"
#include "ctnn_model.hpp"

namespace {

using namespace ctnn;

/// Everything a case keeps between iterations, in static storage (as firmware would); the
/// parameters, input and target of every library's networks in the benchmark (cases.hpp).
template <class Net, class Loss, std::size_t B>
struct Setup {
  Net net{Seed{1}};
  Trainer<Net, Loss, Adam<Net>, B> trainer{};
  Matrix<float, B, Net::input_size> x;
  Matrix<float, B, Net::output_size> target;
  // Copied back every bench::restart_steps training steps.
  Net initial_net = net;
  Trainer<Net, Loss, Adam<Net>, B> initial_trainer = trainer;
  int steps = 0;

  Setup() {
    bench::set_model_parameters(net);
    bench::set_training_batch(x, target, std::is_same_v<Loss, CrossEntropy>);
    initial_net = net;
  }

  void forward() {
    auto y = net.forward(x);
    benchmark::DoNotOptimize(y);
  }
  void train() {
    float cost = trainer.step(net, x, target).loss;
    benchmark::DoNotOptimize(cost);
    if (++steps == bench::restart_steps) {
      net = initial_net;
      trainer = initial_trainer;
      steps = 0;
    }
  }
};

using A = Network<Input<16>, Dense<16>>;
using Bn = Network<Input<8>, Dense<16>, Tanh, Dense<16>, Tanh, Dense<1>>;
using BnFast = Network<Input<8>, Dense<16>, FastTanh, Dense<16>, FastTanh, Dense<1>>;
using C = Network<Input<64>, Dense<128>, ReLU, Dense<128>, ReLU, Dense<10>, Softmax>;
using D = Network<Input<784>, Dense<128>, ReLU, Dense<10>, Softmax>;

Setup<A, MeanSquaredError, 1> a;
// The forward rows have models of their own: the training rows change their networks' values,
// and with them what a tanh costs (a vector of small inputs skips the exponential).
Setup<Bn, MeanSquaredError, 1> b1, b1_training;
Setup<Bn, MeanSquaredError, 32> b32;
Setup<C, CrossEntropy, 32> c32;
Setup<BnFast, MeanSquaredError, 1> bf1, bf1_training;
// The forward rows compared with the RTNeural-style models use its input.
template <class S>
void use_model_input(S& setup) {
  static_assert(decltype(setup.x)::size <= std::size(bench::model_input));
  for (std::size_t k = 0; k < setup.x.size; ++k) setup.x(0, k) = bench::model_input[k];
}
[[maybe_unused]] const bool batch_1_inputs_set =
    (use_model_input(a), use_model_input(b1), use_model_input(bf1), true);
Setup<BnFast, MeanSquaredError, 32> bf32;
Setup<D, CrossEntropy, 32> d32;

using E = Network<Input<1>, Dense<8>, Tanh, Dense<8>, Tanh, Dense<1>>;
using ERelu = Network<Input<1>, Dense<8>, ReLU, Dense<8>, ReLU, Dense<1>>;
Setup<E, MeanSquaredError, 1> e1;
Setup<ERelu, MeanSquaredError, 1> e1_relu;
using F = Network<Input<1>, Dense<6>, Tanh, Dense<12>, Tanh, Dense<1>>;
Setup<F, MeanSquaredError, 1> f1;

/// (e): each sample through the model on its own, as an audio callback does.
template <class Net>
void per_sample() {
  static const Net net = [] {
    Net n{Seed{1}};
    return bench::set_model_parameters(n);
  }();
  const float* x = bench::audio_signal();
  float sum = 0;
  // As an audio callback would: blocks of 64 samples, one with_simd_target per block (a no-op
  // without runtime dispatch). The block's sum is a local, as in the other libraries' loops: a
  // sum kept in the captured variable is a store-to-load chain through memory per sample.
  for (std::size_t block = 0; block < bench::audio_samples; block += 64)
    sum += with_simd_target([&] {
      float block_sum = 0;
      for (std::size_t i = block; i < block + 64; ++i)
        block_sum += net.forward(Vector<float, 1>{{{x[i]}}})(0, 0);
      return block_sum;
    });
  benchmark::DoNotOptimize(sum);
}

using bench::a_sizes, bench::b_sizes, bench::c_sizes, bench::d_sizes, bench::e_sizes,
    bench::f_sizes;

const bench::Case cases[] = {
    {"a_forward_b1", [] { a.forward(); }, bench::forward_flops(1, a_sizes, 2)},
    {"b_forward_b1", [] { b1.forward(); }, bench::forward_flops(1, b_sizes, 4)},
    {"b_train_b1", [] { b1_training.train(); }, bench::training_flops(1, b_sizes, 4)},
    {"b_train_b32", [] { b32.train(); }, bench::training_flops(32, b_sizes, 4)},
    {"c_train_b32", [] { c32.train(); }, bench::training_flops(32, c_sizes, 4)},
    {"d_forward_b32", [] { d32.forward(); }, bench::forward_flops(32, d_sizes, 3)},
    {"d_train_b32", [] { d32.train(); }, bench::training_flops(32, d_sizes, 3)},
    // (b) again with ctnn::FastTanh, whose accuracy (4.9 ulp) is that of Eigen's float tanh.
    {"b_forward_b1_fasttanh", [] { bf1.forward(); }, bench::forward_flops(1, b_sizes, 4)},
    {"b_train_b1_fasttanh", [] { bf1_training.train(); }, bench::training_flops(1, b_sizes, 4)},
    {"b_train_b32_fasttanh", [] { bf32.train(); }, bench::training_flops(32, b_sizes, 4)},
    {"e_tanh_per_sample_48k", per_sample<E>,
     bench::audio_samples* bench::forward_flops(1, e_sizes, 4)},
    {"e_relu_per_sample_48k", per_sample<ERelu>,
     bench::audio_samples* bench::forward_flops(1, e_sizes, 4)},
    {"e_train_b1", [] { e1.train(); }, bench::training_flops(1, e_sizes, 4)},
    {"e_train_b1_relu", [] { e1_relu.train(); }, bench::training_flops(1, e_sizes, 4)},
    {"f_tanh_per_sample_48k", per_sample<F>,
     bench::audio_samples* bench::forward_flops(1, f_sizes, 4)},
    {"f_train_b1", [] { f1.train(); }, bench::training_flops(1, f_sizes, 4)},
};

}  // namespace

#if defined(CTNN_FORCE_SCALAR)
extern "C" bench::CaseTable ctnn_bench_scalar_cases() {
  return {cases, std::size(cases)};
}
#elif defined(CTNN_BENCH_O2)
extern "C" bench::CaseTable ctnn_bench_o2_cases() {
  return {cases, std::size(cases)};
}
#elif defined(CTNN_RUNTIME_DISPATCH)
extern "C" bench::CaseTable ctnn_bench_dispatch_cases() {
  return {cases, std::size(cases)};
}
extern "C" const char* ctnn_bench_dispatch_target() {
  return ctnn::simd_target_name();
}
#else
bench::CaseTable bench::ctnn_cases() {
  return {cases, std::size(cases)};
}
void bench::ctnn_tanh(float* y, bool fast) {
  static float x[tanh_points];
  for (std::size_t i = 0; i < tanh_points; ++i) x[i] = tanh_grid(i);
  if (fast)
    kernels::activate<tanh_points, activation::fast_tanh>(x, y);
  else
    kernels::activate<tanh_points, activation::tanh>(x, y);
}
#endif
