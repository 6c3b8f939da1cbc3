// ctnn against Eigen 3.4 and against ctnn's own scalar path, case by case, in one run; plus the
// single-core FMA peak of this machine, measured with the same Highway target ctnn runs on.
//
// Prints Google Benchmark's table, then per case:
//   compare case=<name> ctnn_ns=<x> eigen_ns=<y> speedup=<y/x> gflops=<g> peak_fraction=<f>
//   (gflops counts the products' multiply-adds x 2; scalar_ns is ctnn's scalar path).
#include <cstddef>
#include <cstdio>
#include <map>
#include <string>

#include <benchmark/benchmark.h>
#include <hwy/highway.h>
#include <ctnn/config.hpp>

#include "cases.hpp"

namespace hn = hwy::HWY_NAMESPACE;

namespace {

// Independent FMA chains, enough to cover the FMA latency on both FMA pipes.
constexpr int chains = 12;
constexpr int fmas_per_iteration = 1024;

double peak_flops_per_iteration() {
  return 2.0 * double(hn::Lanes(hn::ScalableTag<float>())) * chains * fmas_per_iteration;
}

void peak_fma(benchmark::State& state) {
  const hn::ScalableTag<float> d;
  using V = hn::Vec<decltype(d)>;
  for (auto _ : state) {
    V acc[chains];
    for (int c = 0; c < chains; ++c) acc[c] = hn::Set(d, float(c));
    const V m = hn::Set(d, 0.999f), a = hn::Set(d, 1e-3f);
    for (int i = 0; i < fmas_per_iteration; ++i)
      for (int c = 0; c < chains; ++c) acc[c] = hn::MulAdd(acc[c], m, a);
    for (int c = 0; c < chains; ++c) benchmark::DoNotOptimize(acc[c]);
  }
  state.counters["GFLOPS"] = benchmark::Counter(
      peak_flops_per_iteration() * double(state.iterations()), benchmark::Counter::kIsRate);
}

void run_case(benchmark::State& state, const bench::Case* c) {
  for (auto _ : state) c->run();
  state.counters["GFLOPS"] =
      benchmark::Counter(c->flops * double(state.iterations()), benchmark::Counter::kIsRate);
}

/// Keeps every run's time per iteration (ns) by name, and prints the table as usual.
class Collector : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> ns;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs)
      if (r.run_type == Run::RT_Iteration || r.aggregate_name == "median")
        ns[r.run_name.function_name] = r.GetAdjustedRealTime();
    ConsoleReporter::ReportRuns(runs);
  }
};

}  // namespace

int main(int argc, char** argv) {
  const bench::CaseTable libraries[] = {bench::ctnn_cases(), bench::eigen_cases(),
                                        ctnn_bench_scalar_cases()};
  const char* prefixes[] = {"ctnn/", "eigen/", "scalar/"};
  benchmark::RegisterBenchmark("peak/fma", peak_fma);
  for (std::size_t i = 0; i < libraries[0].count; ++i)
    for (int lib = 0; lib < 3; ++lib) {
      const bench::Case* c = &libraries[lib].cases[i];
      benchmark::RegisterBenchmark((std::string(prefixes[lib]) + c->name).c_str(), run_case, c);
    }
  benchmark::Initialize(&argc, argv);
  Collector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  benchmark::Shutdown();

  const double peak_ns = collector.ns["peak/fma"];
  if (peak_ns <= 0) return 0;  // filtered out: no summary
  const double peak_gflops = peak_flops_per_iteration() / peak_ns;
  std::printf("\ntarget=%s lanes=%zu peak_gflops=%.1f\n", ctnn::simd_target_name(),
              hn::Lanes(hn::ScalableTag<float>()), peak_gflops);
  for (std::size_t i = 0; i < libraries[0].count; ++i) {
    const bench::Case& c = libraries[0].cases[i];
    const double x = collector.ns[std::string("ctnn/") + c.name];
    const double y = collector.ns[std::string("eigen/") + c.name];
    const double s = collector.ns[std::string("scalar/") + c.name];
    if (x <= 0 || y <= 0) continue;
    const double gflops = c.flops / x;
    std::printf(
        "compare case=%s ctnn_ns=%.1f eigen_ns=%.1f speedup=%.2f gflops=%.1f peak_fraction=%.2f "
        "scalar_ns=%.1f\n",
        c.name, x, y, y / x, gflops, gflops / peak_gflops, s);
  }
}
