// The batch-1 cases written the way RTNeural's compile-time models (ModelT, xsimd backend) are
// built, from its documented design (no RTNeural code): fixed-size layers that each own their
// output as an array of xsimd batches; a dense layer that stores its input vector to an aligned
// array, broadcasts each input and multiply-adds a row of weight vectors into the bias (an output
// of one element: a vector dot product and a horizontal sum); activations as layers of their own
// calling xsimd's functions (xsimd::tanh: RTNeural's default maths provider); a model that copies
// its input into an aligned array and returns the first output. xsimd is Debian's libxsimd-dev
// (8.1) with the benchmark's -march flags, so the batches are as wide as ctnn's vectors.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <type_traits>

#include <benchmark/benchmark.h>
#include <xsimd/xsimd.hpp>

#include "cases.hpp"

namespace {

using V = xsimd::batch<float>;
constexpr int lanes = int(V::size);
constexpr int vectors(int n) {
  return (n + lanes - 1) / lanes;
}

/// Lanes [v lanes, (v + 1) lanes) of f(0), f(1), ..., f(n - 1), zeros past n.
template <class F>
V vector_of(int v, int n, F f) {
  alignas(64) float x[lanes] = {};
  for (int j = 0; j < lanes && v * lanes + j < n; ++j) x[j] = f(v * lanes + j);
  return xsimd::load_aligned(x);
}

template <int In, int Out>
struct DenseLayer {
  static constexpr int in_size = In;
  V weights[In][vectors(Out)];  // row k: input k's weights to every output
  V bias[vectors(Out)];
  V outs[vectors(Out)];

  void set_parameters(std::size_t layer) {
    for (int k = 0; k < In; ++k)
      for (int i = 0; i < vectors(Out); ++i)
        weights[k][i] = vector_of(i, Out, [&](int o) {
          return bench::model_weight(layer, In, Out, std::size_t(k), std::size_t(o));
        });
    for (int i = 0; i < vectors(Out); ++i)
      bias[i] = vector_of(i, Out, [&](int o) { return bench::model_bias(layer, std::size_t(o)); });
  }
  void forward(const V (&ins)[vectors(In)]) {
    for (int i = 0; i < vectors(Out); ++i) outs[i] = bias[i];
    alignas(64) float scalar_in[lanes];
    for (int k = 0; k < vectors(In); ++k) {
      ins[k].store_aligned(scalar_in);
      for (int j = 0; j < lanes && k * lanes + j < In; ++j)
        for (int i = 0; i < vectors(Out); ++i)
          outs[i] = xsimd::fma(V(scalar_in[j]), weights[k * lanes + j][i], outs[i]);
    }
  }
};

template <int In>
struct DenseLayer<In, 1> {
  static constexpr int in_size = In;
  V weights[vectors(In)];  // zero past the last input
  float bias;
  V outs[1];

  void set_parameters(std::size_t layer) {
    for (int v = 0; v < vectors(In); ++v)
      weights[v] = vector_of(
          v, In, [&](int k) { return bench::model_weight(layer, In, 1, std::size_t(k), 0); });
    bias = bench::model_bias(layer, 0);
  }
  void forward(const V (&ins)[vectors(In)]) {
    V y(0.0f);
    for (int k = 0; k < vectors(In); ++k) y = xsimd::fma(ins[k], weights[k], y);
    outs[0] = V(xsimd::hadd(y) + bias);
  }
};

template <int Out>
struct DenseLayer<1, Out> {
  static constexpr int in_size = 1;
  V weights[vectors(Out)];
  V bias[vectors(Out)];
  V outs[vectors(Out)];

  void set_parameters(std::size_t layer) {
    for (int i = 0; i < vectors(Out); ++i) {
      weights[i] = vector_of(
          i, Out, [&](int o) { return bench::model_weight(layer, 1, Out, 0, std::size_t(o)); });
      bias[i] = vector_of(i, Out, [&](int o) { return bench::model_bias(layer, std::size_t(o)); });
    }
  }
  void forward(const V (&ins)[1]) {
    const float in = ins[0].get(0);
    for (int i = 0; i < vectors(Out); ++i) outs[i] = xsimd::fma(V(in), weights[i], bias[i]);
  }
};

template <int N>
struct TanhLayer {
  static constexpr int in_size = N;  // no parameters
  V outs[vectors(N)];
  void forward(const V (&ins)[vectors(N)]) {
    for (int i = 0; i < vectors(N); ++i) outs[i] = xsimd::tanh(ins[i]);
  }
};

template <int N>
struct ReLULayer {
  static constexpr int in_size = N;
  V outs[vectors(N)];
  void forward(const V (&ins)[vectors(N)]) {
    for (int i = 0; i < vectors(N); ++i) outs[i] = xsimd::max(ins[i], V(0.0f));
  }
};

template <class... Layers>
struct Model {
  using First = std::tuple_element_t<0, std::tuple<Layers...>>;
  static constexpr int in_size = First::in_size;
  using Last = std::tuple_element_t<sizeof...(Layers) - 1, std::tuple<Layers...>>;
  std::tuple<Layers...> layers;
  V ins[vectors(in_size)];
  alignas(64) float outs[std::extent_v<decltype(Last::outs)> * lanes];

  Model() {
    std::apply(
        [](auto&... layer) {
          std::size_t number = 0;
          (
              [&](auto& l) {
                ++number;
                if constexpr (requires { l.set_parameters(number); }) l.set_parameters(number);
              }(layer),
              ...);
        },
        layers);
  }

  float forward(const float* input) {
    if constexpr (in_size == 1)
      ins[0] = V(input[0]);
    else
      for (int i = 0; i < vectors(in_size); ++i) ins[i] = xsimd::load_aligned(input + i * lanes);
    forward_from<0>(ins);
    const auto& last = std::get<sizeof...(Layers) - 1>(layers).outs;
    for (std::size_t i = 0; i < std::size(last); ++i) last[i].store_aligned(outs + i * lanes);
    return outs[0];
  }
  template <std::size_t I, class In>
  void forward_from(const In& in) {
    auto& layer = std::get<I>(layers);
    layer.forward(in);
    if constexpr (I + 1 < sizeof...(Layers)) forward_from<I + 1>(layer.outs);
  }
};

Model<DenseLayer<16, 16>> a;
Model<DenseLayer<8, 16>, TanhLayer<16>, DenseLayer<16, 16>, TanhLayer<16>, DenseLayer<16, 1>> b;
Model<DenseLayer<1, 8>, TanhLayer<8>, DenseLayer<8, 8>, TanhLayer<8>, DenseLayer<8, 1>> e_tanh;
Model<DenseLayer<1, 8>, ReLULayer<8>, DenseLayer<8, 8>, ReLULayer<8>, DenseLayer<8, 1>> e_relu;
Model<DenseLayer<1, 6>, TanhLayer<6>, DenseLayer<6, 12>, TanhLayer<12>, DenseLayer<12, 1>> f_tanh;

template <class M>
void one_forward(M& model) {
  float y = model.forward(bench::model_input);
  benchmark::DoNotOptimize(y);
}

/// (e): each sample through the model on its own.
template <class M>
void per_sample(M& model) {
  const float* x = bench::audio_signal();
  float sum = 0;
  for (std::size_t i = 0; i < bench::audio_samples; ++i) sum += model.forward(x + i);
  benchmark::DoNotOptimize(sum);
}

using bench::a_sizes, bench::b_sizes, bench::e_sizes, bench::f_sizes;

// The rows of cases_ctnn.cpp, in its order; training rows have no RTNeural counterpart.
const bench::Case cases[] = {
    {"a_forward_b1", [] { one_forward(a); }, bench::forward_flops(1, a_sizes, 2)},
    {"b_forward_b1", [] { one_forward(b); }, bench::forward_flops(1, b_sizes, 4)},
    {"b_train_b1", nullptr, 0},
    {"b_train_b32", nullptr, 0},
    {"c_train_b32", nullptr, 0},
    {"d_forward_b32", nullptr, 0},
    {"d_train_b32", nullptr, 0},
    // RTNeural has one tanh (xsimd's); the FastTanh rows compare with it too.
    {"b_forward_b1_fasttanh", [] { one_forward(b); }, bench::forward_flops(1, b_sizes, 4)},
    {"b_train_b1_fasttanh", nullptr, 0},
    {"b_train_b32_fasttanh", nullptr, 0},
    {"e_tanh_per_sample_48k", [] { per_sample(e_tanh); },
     bench::audio_samples* bench::forward_flops(1, e_sizes, 4)},
    {"e_relu_per_sample_48k", [] { per_sample(e_relu); },
     bench::audio_samples* bench::forward_flops(1, e_sizes, 4)},
    {"e_train_b1", nullptr, 0},
    {"e_train_b1_relu", nullptr, 0},
    {"f_tanh_per_sample_48k", [] { per_sample(f_tanh); },
     bench::audio_samples* bench::forward_flops(1, f_sizes, 4)},
    {"f_train_b1", nullptr, 0},
};

}  // namespace

bench::CaseTable bench::rtneural_style_cases() {
  return {cases, std::size(cases)};
}

void bench::rtneural_style_tanh(float* y) {
  for (std::size_t i = 0; i < tanh_points; i += lanes) {
    alignas(64) float x[lanes];
    for (std::size_t j = 0; j < std::size_t(lanes); ++j) x[j] = tanh_grid(i + j);
    xsimd::tanh(xsimd::load_aligned(x)).store_unaligned(y + i);
  }
}
