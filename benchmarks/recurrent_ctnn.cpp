// ctnn's recurrent cases: each model streamed one sample per call (Input<1, 1>) and in blocks of
// 64 samples per call (Input<64, 1>), as an audio callback calls it.
#include <cstddef>
#include <cstring>
#include <string_view>

#include <benchmark/benchmark.h>
#include <ctnn/ctnn.hpp>

#include "recurrent.hpp"
#include "recurrent_cases.hpp"

using namespace ctnn;

namespace {

using bench::recurrent::parameter;

/// The benchmark's parameters, by PyTorch's names, into any of the models below (recurrent layers
/// of Gates gates: 4 for the LSTMs, 3 for the GRUs).
template <class Net, std::size_t Gates>
Net make() {
  Net net;
  std::size_t recurrent_layer = 0, last_hidden = 0;
  for_each_parameter(net, [&](std::size_t, std::string_view, std::string_view path, auto& t) {
    const std::string_view name = path.substr(path.rfind('.') + 1);  // a residual's "0.weight" too
    if (name.ends_with("_l0")) {
      const std::size_t hidden = t.cols / Gates;
      const std::size_t tensor = name == "weight_ih_l0"   ? 0
                                 : name == "weight_hh_l0" ? 1
                                 : name == "bias_ih_l0"   ? 2
                                                          : 3;
      for (std::size_t r = 0; r < t.rows; ++r)  // ctnn (in, G) is torch's [G, in] transposed
        for (std::size_t c = 0; c < t.cols; ++c)
          t(r, c) = parameter(recurrent_layer, tensor, c, tensor < 2 ? r : 0, hidden);
      last_hidden = hidden;
      if (tensor == 3) ++recurrent_layer;
    } else if (name == "weight") {
      for (std::size_t r = 0; r < t.rows; ++r) t(r, 0) = parameter(2, 0, 0, r, last_hidden);
    } else {
      t(0, 0) = parameter(2, 1, 0, 0, last_hidden);
    }
  });
  return net;
}

template <class Net, std::size_t Gates = 4>
void per_sample() {
  static Net net = make<Net, Gates>();
  const float* x = bench::recurrent::input_signal();
  float sum = 0;
  for (std::size_t block = 0; block < bench::audio_samples; block += 64)
    sum += with_simd_target([&] {
      float block_sum = 0;
      for (std::size_t i = block; i < block + 64; ++i) {
        const float y = net.stream(Vector<float, 1>{{{x[i]}}})[0];
        block_sum += y;
      }
      return block_sum;
    });
  benchmark::DoNotOptimize(sum);
}

template <class Net, std::size_t Gates = 4>
void block64() {
  static Net net = make<Net, Gates>();
  const float* x = bench::recurrent::input_signal();
  float sum = 0;
  for (std::size_t block = 0; block < bench::audio_samples; block += 64)
    sum += with_simd_target([&] {
      Vector<float, 64> in;
      std::memcpy(in.data(), x + block, 64 * sizeof(float));
      const Vector<float, 64> y = net.stream(in);
      float block_sum = 0;
      for (std::size_t i = 0; i < 64; ++i) block_sum += y[i];
      return block_sum;
    });
  benchmark::DoNotOptimize(sum);
}

template <std::size_t T>
using Proteus = Network<Input<T, 1>, Residual<LSTM<40>, Linear<1>>>;
template <std::size_t T, std::size_t H>
using Lstm = Network<Input<T, 1>, LSTM<H>, Linear<1>>;
template <std::size_t T>
using Lstm2x8 = Network<Input<T, 1>, LSTM<8>, LSTM<8>, Linear<1>>;
template <std::size_t T, std::size_t H>
using Gru = Network<Input<T, 1>, GRU<H>, Linear<1>>;
template <std::size_t T>
using ProteusFast = Network<Input<T, 1>, Residual<LSTM<40, FastTanh>, Linear<1>>>;

const bench::recurrent::Run runs[][2] = {
    {per_sample<Proteus<1>>, block64<Proteus<64>>},
    {per_sample<Lstm<1, 16>>, block64<Lstm<64, 16>>},
    {per_sample<Lstm<1, 32>>, block64<Lstm<64, 32>>},
    {per_sample<Lstm2x8<1>>, block64<Lstm2x8<64>>},
    {per_sample<Gru<1, 8>, 3>, block64<Gru<64, 8>, 3>},
    {per_sample<Gru<1, 32>, 3>, block64<Gru<64, 32>, 3>},
    {per_sample<ProteusFast<1>>, block64<ProteusFast<64>>},
};

}  // namespace

bench::recurrent::RunTable bench::recurrent::ctnn_runs() {
  return {runs, std::size(runs)};
}
const char* bench::recurrent::ctnn_target() {
  return simd_target_name();
}
