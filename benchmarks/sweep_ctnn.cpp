// ctnn's side of the sweep (sweep.hpp). Networks, trainers and inputs live on the heap (C++17
// aligned new), built on first use: the widest need tens of MB.
#include <cstddef>
#include <utility>

#include <benchmark/benchmark.h>
#include <ctnn/ctnn.hpp>

#include "sweep.hpp"

namespace {

using namespace ctnn;

template <std::size_t W, std::size_t B>
struct Setup {
  using Net = Network<Input<W>, Dense<W>, ReLU, Dense<W>>;
  Net net{Seed{1}};
  Trainer<Net, MeanSquaredError, Adam<Net>, B> trainer{};
  Workspace<Net, B> ws;  // forward's activations where they exceed forward's stack bound
  Matrix<float, B, W> x, target;

  Setup() {
    SplitMix64 rng{2};
    for (auto& v : x) v = static_cast<float>(rng.uniform(1.0));
    for (auto& v : target) v = static_cast<float>(rng.uniform(1.0));
  }
  void forward() {
    if constexpr (Net::template forward_stack_bytes<B> <= 256 * 1024) {
      auto y = net.forward(x);
      benchmark::DoNotOptimize(y);
    } else {
      benchmark::DoNotOptimize(net.forward(x, ws).data());
    }
  }
  void train() {
    float loss = trainer.step(net, x, target).loss;
    benchmark::DoNotOptimize(loss);
  }
};

template <std::size_t W, std::size_t B>
struct OneCase {
  static constexpr bench::sweep::Case make() {
    return {W, B, [] { bench::sweep::built_on_first_use<Setup<W, B>>().forward(); },
            [] { bench::sweep::built_on_first_use<Setup<W, B>>().train(); }};
  }
};

constexpr auto cases =
    bench::sweep::table<OneCase>(std::make_index_sequence<bench::sweep::count>());

}  // namespace

const bench::sweep::Case* bench::sweep::ctnn_cases() {
  return cases.data();
}
