// The recurrent models written two other ways, with the parameters and input of recurrent.hpp:
// - RTNeural-style (from RTNeural's documented design of its compile-time LSTMLayerT/GRULayerT
//   with xsimd; no RTNeural code): fixed-size layers owning their state as arrays of xsimd
//   batches; per sample, the LSTM's four gates as one fused [x; h; 1] product, each input
//   broadcast into a row of weight vectors (the GRU: input and hidden products apart, since r
//   scales only the hidden part of n); sigmoid as 1 / (1 + exp(-z)) and xsimd::tanh.
// - Eigen 3.4 fixed-size cells: W_ih x + W_hh h + b as fixed-size matrix-vector products, the
//   gates as array expressions (logistic(), tanh()).
#include <cstddef>

#include <benchmark/benchmark.h>
#include <Eigen/Core>
#include <xsimd/xsimd.hpp>

#include "recurrent.hpp"
#include "recurrent_cases.hpp"

namespace {

using bench::recurrent::parameter;
using V = xsimd::batch<float>;
constexpr int lanes = int(V::size);
constexpr int vectors(int n) {
  return (n + lanes - 1) / lanes;
}

V sigmoid(V z) {
  return V(1.0f) / (V(1.0f) + xsimd::exp(-z));
}

/// One recurrent layer, RTNeural-style. Layer index `layer` selects the parameters.
template <int In, int H, bool Lstm>
struct XsimdCell {
  static constexpr int gates = Lstm ? 4 : 3, G = gates * H, NV = vectors(G), HV = vectors(H);
  V w[In + H][NV];  // LSTM: rows of [x; h] (fused); GRU: rows 0..In input, In..In+H hidden
  V b_in[NV], b_hidden[NV];
  alignas(64) float h[HV * lanes] = {}, c[HV * lanes] = {};

  void set(std::size_t layer) {
    auto row_vector = [&](std::size_t tensor, std::size_t k, int v) {
      alignas(64) float x[lanes] = {};
      for (int j = 0; j < lanes && v * lanes + j < G; ++j)
        x[j] = parameter(layer, tensor, std::size_t(v * lanes + j), k, H);
      return xsimd::load_aligned(x);
    };
    for (int v = 0; v < NV; ++v) {
      for (int k = 0; k < In; ++k) w[k][v] = row_vector(0, std::size_t(k), v);
      for (int k = 0; k < H; ++k) w[In + k][v] = row_vector(1, std::size_t(k), v);
      b_in[v] = row_vector(2, 0, v);
      b_hidden[v] = row_vector(3, 0, v);
      if (Lstm) b_in[v] += b_hidden[v];  // one fused bias
    }
  }

  // Gate q's H values of a, as vectors (a is padded by a vector past G).
  static V gate(const float* a, int q, int v) {
    return xsimd::load_unaligned(a + q * H + v * lanes);
  }

  const float* forward(const float* x) {
    alignas(64) float a[NV * lanes + lanes] = {}, ah[NV * lanes + lanes] = {};
    V acc[NV], acc_h[NV];
    for (int v = 0; v < NV; ++v) {
      acc[v] = b_in[v];
      acc_h[v] = Lstm ? V(0.0f) : b_hidden[v];
    }
    for (int k = 0; k < In; ++k)
      for (int v = 0; v < NV; ++v) acc[v] = xsimd::fma(V(x[k]), w[k][v], acc[v]);
    for (int k = 0; k < H; ++k)
      for (int v = 0; v < NV; ++v) {
        if (Lstm)
          acc[v] = xsimd::fma(V(h[k]), w[In + k][v], acc[v]);
        else
          acc_h[v] = xsimd::fma(V(h[k]), w[In + k][v], acc_h[v]);
      }
    for (int v = 0; v < NV; ++v) {
      acc[v].store_aligned(a + v * lanes);
      acc_h[v].store_aligned(ah + v * lanes);
    }
    for (int v = 0; v < HV; ++v) {
      const V hv = xsimd::load_aligned(h + v * lanes);
      if constexpr (Lstm) {
        const V i = sigmoid(gate(a, 0, v)), f = sigmoid(gate(a, 1, v));
        const V g = xsimd::tanh(gate(a, 2, v)), o = sigmoid(gate(a, 3, v));
        const V cv = xsimd::fma(f, xsimd::load_aligned(c + v * lanes), i * g);
        cv.store_aligned(c + v * lanes);
        (o * xsimd::tanh(cv)).store_aligned(h + v * lanes);
      } else {
        const V r = sigmoid(gate(a, 0, v) + gate(ah, 0, v));
        const V z = sigmoid(gate(a, 1, v) + gate(ah, 1, v));
        const V n = xsimd::tanh(xsimd::fma(r, gate(ah, 2, v), gate(a, 2, v)));
        xsimd::fma(z, hv - n, n).store_aligned(h + v * lanes);
      }
    }
    return h;
  }
};

/// The head: Linear(H, 1), a dot product of vectors and a horizontal sum.
template <int H>
struct XsimdHead {
  V w[vectors(H)];
  float b = 0;
  void set() {
    for (int v = 0; v < vectors(H); ++v) {
      alignas(64) float x[lanes] = {};
      for (int j = 0; j < lanes && v * lanes + j < H; ++j)
        x[j] = parameter(2, 0, 0, std::size_t(v * lanes + j), H);
      w[v] = xsimd::load_aligned(x);
    }
    b = parameter(2, 1, 0, 0, H);
  }
  float forward(const float* h) const {
    V y(0.0f);
    for (int v = 0; v < vectors(H); ++v)
      y = xsimd::fma(xsimd::load_aligned(h + v * lanes), w[v], y);
    return xsimd::hadd(y) + b;
  }
};

template <bool Lstm, int H1, int H2, bool Residual>
struct XsimdModel {
  XsimdCell<1, H1, Lstm> first;
  XsimdCell<H1, (H2 > 0 ? H2 : 1), Lstm> second;
  XsimdHead<(H2 > 0 ? H2 : H1)> head;
  XsimdModel() {
    first.set(0);
    if (H2 > 0) second.set(1);
    head.set();
  }
  float process(float x) {
    const float* h = first.forward(&x);
    if constexpr (H2 > 0) h = second.forward(h);
    const float y = head.forward(h);
    return Residual ? y + x : y;
  }
};

template <int In, int H, bool Lstm>
struct EigenCell {
  static constexpr int G = (Lstm ? 4 : 3) * H;
  Eigen::Matrix<float, G, In> w_ih;
  Eigen::Matrix<float, G, H> w_hh;
  Eigen::Matrix<float, G, 1> b_ih, b_hh;
  Eigen::Matrix<float, H, 1> h = Eigen::Matrix<float, H, 1>::Zero(),
                             c = Eigen::Matrix<float, H, 1>::Zero();
  void set(std::size_t layer) {
    for (int j = 0; j < G; ++j) {
      for (int k = 0; k < In; ++k)
        w_ih(j, k) = parameter(layer, 0, std::size_t(j), std::size_t(k), H);
      for (int k = 0; k < H; ++k)
        w_hh(j, k) = parameter(layer, 1, std::size_t(j), std::size_t(k), H);
      b_ih(j) = parameter(layer, 2, std::size_t(j), 0, H);
      b_hh(j) = parameter(layer, 3, std::size_t(j), 0, H);
    }
  }
  const Eigen::Matrix<float, H, 1>& forward(const Eigen::Matrix<float, In, 1>& x) {
    if constexpr (Lstm) {
      Eigen::Matrix<float, G, 1> a;
      a.noalias() = w_ih * x;
      a.noalias() += w_hh * h;
      a += b_ih + b_hh;
      const auto i = a.template segment<H>(0).array().logistic();
      const auto f = a.template segment<H>(H).array().logistic();
      const auto g = a.template segment<H>(2 * H).array().tanh();
      const auto o = a.template segment<H>(3 * H).array().logistic();
      c = (f * c.array() + i * g).matrix();
      h = (o * c.array().tanh()).matrix();
    } else {
      Eigen::Matrix<float, G, 1> u, v;
      u.noalias() = w_ih * x;
      u += b_ih;
      v.noalias() = w_hh * h;
      v += b_hh;
      const auto r = (u.template segment<H>(0) + v.template segment<H>(0)).array().logistic();
      const auto z = (u.template segment<H>(H) + v.template segment<H>(H)).array().logistic();
      const Eigen::Array<float, H, 1> n =
          (u.template segment<H>(2 * H).array() + r * v.template segment<H>(2 * H).array()).tanh();
      h = (n + z * (h.array() - n)).matrix();
    }
    return h;
  }
};

template <bool Lstm, int H1, int H2, bool Residual>
struct EigenModel {
  EigenCell<1, H1, Lstm> first;
  EigenCell<H1, (H2 > 0 ? H2 : 1), Lstm> second;
  Eigen::Matrix<float, 1, (H2 > 0 ? H2 : H1)> head_w;
  float head_b = 0;
  EigenModel() {
    first.set(0);
    if (H2 > 0) second.set(1);
    constexpr int last = H2 > 0 ? H2 : H1;
    for (int k = 0; k < last; ++k) head_w(k) = parameter(2, 0, 0, std::size_t(k), last);
    head_b = parameter(2, 1, 0, 0, last);
  }
  float process(float x) {
    Eigen::Matrix<float, 1, 1> in;
    in(0) = x;
    float y;
    if constexpr (H2 > 0)
      y = head_w.dot(second.forward(first.forward(in)).transpose()) + head_b;
    else
      y = head_w.dot(first.forward(in).transpose()) + head_b;
    return Residual ? y + x : y;
  }
};

template <class Model>
void per_sample() {
  static Model model;
  const float* x = bench::recurrent::input_signal();
  float sum = 0;
  for (std::size_t i = 0; i < bench::audio_samples; ++i) sum += model.process(x[i]);
  benchmark::DoNotOptimize(sum);
}

template <template <bool, int, int, bool> class M>
constexpr bench::recurrent::Run rows[][2] = {
    {per_sample<M<true, 40, 0, true>>, per_sample<M<true, 40, 0, true>>},
    {per_sample<M<true, 16, 0, false>>, per_sample<M<true, 16, 0, false>>},
    {per_sample<M<true, 32, 0, false>>, per_sample<M<true, 32, 0, false>>},
    {per_sample<M<true, 8, 8, false>>, per_sample<M<true, 8, 8, false>>},
    {per_sample<M<false, 8, 0, false>>, per_sample<M<false, 8, 0, false>>},
    {per_sample<M<false, 32, 0, false>>, per_sample<M<false, 32, 0, false>>},
};

}  // namespace

bench::recurrent::RunTable bench::recurrent::rtneural_style_runs() {
  return {rows<XsimdModel>, std::size(rows<XsimdModel>)};
}
bench::recurrent::RunTable bench::recurrent::eigen_runs() {
  return {rows<EigenModel>, std::size(rows<EigenModel>)};
}
