// ctnn's side of the sweep (sweep.hpp). Networks, trainers and inputs live on the heap (C++17
// aligned new), built on first use: the widest need tens of MB.
#include <cstddef>
#include <utility>

#include <benchmark/benchmark.h>
#include <ctnn/ctnn.hpp>

#include "ctnn_model.hpp"
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
  // The benchmark's parameters and batch, as Eigen's; copied back every bench::restart_steps
  // training steps (cases.hpp).
  Net initial_net = net;
  Trainer<Net, MeanSquaredError, Adam<Net>, B> initial_trainer = trainer;
  int steps = 0;

  Setup() {
    bench::set_model_parameters(net);
    bench::set_training_batch(x, target, false);
    initial_net = net;
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
    if (++steps == bench::restart_steps) {
      net = initial_net;
      trainer = initial_trainer;
      steps = 0;
    }
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
