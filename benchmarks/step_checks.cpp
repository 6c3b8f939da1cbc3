// What the safety checks of a training step cost (issue 14: target < 3% of a (c) step): the
// same step with train_step (input, target, cost and every gradient checked for NaN/Inf before
// the update) and unchecked (compute_gradients, then the optimizer's update), alternating
// repetitions in one run, for (c), (d) and the smallest training case, (b) at batch 1. Prints the
// best CPU time of each, and the median and quartiles over the rounds of the paired overhead:
//   checks case=<c_train_b32|d_train_b32|b_train_b1> checked_ns=<x> unchecked_ns=<y>
//   overhead=<median (x-y)/y>
#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <ctnn/ctnn.hpp>

#include "rounds.hpp"

namespace {

using namespace ctnn;

template <class Net, std::size_t B, class Loss, class Target>
struct Case {
  Net net{Seed{1}};
  Workspace<Net, B> ws;
  Gradients<Net> gradients;
  Adam<Net> adam{AdamOptions{.learning_rate = 1e-4}};
  Matrix<float, B, Net::input_size> x;
  Target target;
  Case() {
    SplitMix64 rng{2};
    for (auto& v : x) v = static_cast<float>(rng.uniform(1.0));
    if constexpr (requires { target.index; }) {
      for (std::size_t i = 0; i < B; ++i)
        target.index[i] = static_cast<std::uint32_t>(i % Net::output_size);
    } else {
      for (auto& v : target) v = static_cast<float>(rng.uniform(1.0));
    }
  }
  void checked() {
    const auto r = train_step<Loss>(net, x, target, ws, gradients, adam);
    benchmark::DoNotOptimize(r);
  }
  void unchecked() {
    float cost = compute_gradients<Loss>(net, x, target, ws, gradients);
    adam.step(net, gradients);
    benchmark::DoNotOptimize(cost);
  }
};

using C = Network<Input<64>, Dense<128>, ReLU, Dense<128>, ReLU, Dense<10>, Softmax>;
using Bn = Network<Input<8>, Dense<16>, Tanh, Dense<16>, Tanh, Dense<1>>;
using Dn = Network<Input<784>, Dense<128>, ReLU, Dense<10>, Softmax>;
Case<C, 32, CrossEntropy, ClassLabels<32, 10>> c32;
Case<Dn, 32, CrossEntropy, ClassLabels<32, 10>> d32;
Case<Bn, 1, MeanSquaredError, Matrix<float, 1, 1>> b1;

template <class K>
void checked(benchmark::State& s, K* k) {
  for (auto _ : s) k->checked();
}
template <class K>
void unchecked(benchmark::State& s, K* k) {
  for (auto _ : s) k->unchecked();
}

}  // namespace

int main(int argc, char** argv) {
  // Alternate: checked, unchecked, checked, ... so that each pair sees the same machine load; the
  // overhead is the median over rounds of each pair's ratio.
  constexpr int rounds = 15;
  for (int i = 0; i < rounds; ++i) {
    benchmark::RegisterBenchmark("c_train_b32/checked", checked<decltype(c32)>, &c32);
    benchmark::RegisterBenchmark("c_train_b32/unchecked", unchecked<decltype(c32)>, &c32);
    benchmark::RegisterBenchmark("d_train_b32/checked", checked<decltype(d32)>, &d32);
    benchmark::RegisterBenchmark("d_train_b32/unchecked", unchecked<decltype(d32)>, &d32);
    benchmark::RegisterBenchmark("b_train_b1/checked", checked<decltype(b1)>, &b1);
    benchmark::RegisterBenchmark("b_train_b1/unchecked", unchecked<decltype(b1)>, &b1);
  }
  benchmark::Initialize(&argc, argv);
  bench::Rounds runs;
  benchmark::RunSpecifiedBenchmarks(&runs);
  benchmark::Shutdown();
  std::printf("\n");
  for (const char* name : {"c_train_b32", "d_train_b32", "b_train_b1"}) {
    const auto& x = runs.ns[std::string(name) + "/checked"];
    const auto& y = runs.ns[std::string(name) + "/unchecked"];
    if (x.empty() || x.size() != y.size()) continue;
    std::vector<double> overhead;
    for (std::size_t i = 0; i < x.size(); ++i) overhead.push_back(100 * (x[i] - y[i]) / y[i]);
    std::sort(overhead.begin(), overhead.end());
    std::printf(
        "checks case=%s checked_ns=%.1f unchecked_ns=%.1f overhead=%.2f%% "
        "quartiles=%.2f%%..%.2f%%\n",
        name, *std::min_element(x.begin(), x.end()), *std::min_element(y.begin(), y.end()),
        overhead[overhead.size() / 2], overhead[overhead.size() / 4],
        overhead[overhead.size() * 3 / 4]);
  }
}
