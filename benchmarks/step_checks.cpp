// What the safety checks of a training step cost (issue 14: target < 3% of a (c) step): the
// same (c) step with train_step (input, target, cost and every gradient checked for NaN/Inf before
// the update) and unchecked (compute_gradients, then the optimizer's update), alternating
// repetitions in one run. Prints the best (least disturbed) time of each and their ratio:
//   checks case=c_train_b32 checked_ns=<x> unchecked_ns=<y> overhead=<(x - y) / y>
#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <string>

#include <benchmark/benchmark.h>
#include <ctnn/ctnn.hpp>

namespace {

using namespace ctnn;
using C = Network<Input<64>, Dense<128>, ReLU, Dense<128>, ReLU, Dense<10>, Softmax>;
constexpr std::size_t batch = 32;

struct State {
  C net{Seed{1}};
  Workspace<C, batch> ws;
  Gradients<C> gradients;
  Adam<C> adam{AdamOptions{.learning_rate = 1e-4}};
  Matrix<float, batch, 64> x;
  ClassLabels<batch, 10> labels;
  State() {
    SplitMix64 rng{2};
    for (auto& v : x) v = static_cast<float>(rng.uniform(1.0));
    for (std::size_t i = 0; i < batch; ++i) labels.index[i] = static_cast<std::uint32_t>(i % 10);
  }
};
State state;

void checked(benchmark::State& s) {
  for (auto _ : s) {
    const auto r = train_step<CrossEntropy>(state.net, state.x, state.labels, state.ws,
                                            state.gradients, state.adam);
    benchmark::DoNotOptimize(r);
  }
}
void unchecked(benchmark::State& s) {
  for (auto _ : s) {
    float cost = compute_gradients<CrossEntropy>(state.net, state.x, state.labels, state.ws,
                                                 state.gradients);
    state.adam.step(state.net, state.gradients);
    benchmark::DoNotOptimize(cost);
  }
}

class Best : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> ns;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs) {
      if (r.run_type != Run::RT_Iteration) continue;
      auto& best = ns.try_emplace(r.run_name.function_name, std::numeric_limits<double>::max())
                       .first->second;
      best = std::min(best, r.GetAdjustedCPUTime());
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

}  // namespace

int main(int argc, char** argv) {
  // Alternate: checked, unchecked, checked, ... so that both see the same machine load.
  for (int i = 0; i < 5; ++i) {
    benchmark::RegisterBenchmark("c_train_b32/checked", checked);
    benchmark::RegisterBenchmark("c_train_b32/unchecked", unchecked);
  }
  benchmark::Initialize(&argc, argv);
  Best best;
  benchmark::RunSpecifiedBenchmarks(&best);
  benchmark::Shutdown();
  const double x = best.ns["c_train_b32/checked"], y = best.ns["c_train_b32/unchecked"];
  if (x > 0 && y > 0)
    std::printf("\nchecks case=c_train_b32 checked_ns=%.1f unchecked_ns=%.1f overhead=%.2f%%\n", x,
                y, 100 * (x - y) / y);
}
