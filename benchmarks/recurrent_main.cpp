// The recurrent models of issue 28 streamed at batch 1 over one second of audio at 48 kHz, in
// ctnn, written the way RTNeural's compile-time layers are, and as Eigen fixed-size cells, in one
// run: 5 rounds with the libraries alternating, CPU times, medians; the FMA peak measured in the
// same run. Prints Google Benchmark's table, then per model and mode:
//   recurrent case=<model> mode=<per_sample|block64> ctnn_ns_per_sample=<x> rtf=<48k realtime
//     factor> peak_fraction=<f> rtneural_style_ns=<r> vs_rtneural_style=<r/x> spread=<lo>-<hi>
//     eigen_ns=<e> vs_eigen=<e/x> spread=<lo>-<hi>
// (the baselines loop over samples in both modes; "fast" rows: ctnn with LSTM<40, FastTanh>
// against the same baselines).
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "peak.hpp"
#include "recurrent.hpp"
#include "recurrent_cases.hpp"
#include "rounds.hpp"

namespace {

void run(benchmark::State& state, bench::recurrent::Run f) {
  for (auto _ : state) f();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Ratio {
  double median = 0, lo = 0, hi = 0;
};
Ratio ratios(const std::vector<double>& theirs, const std::vector<double>& ours) {
  std::vector<double> r;
  for (std::size_t i = 0; i < theirs.size() && i < ours.size(); ++i)
    r.push_back(theirs[i] / ours[i]);
  if (r.empty()) return {};
  return {median(r), *std::min_element(r.begin(), r.end()), *std::max_element(r.begin(), r.end())};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bench::recurrent;
  const RunTable ctnn = ctnn_runs(), rtneural = rtneural_style_runs(), eigen = eigen_runs();
  constexpr std::size_t model_count = std::size(models);
  const char* modes[] = {"per_sample", "block64"};
  auto name = [&](const char* library, std::size_t m, int mode) {
    const char* model = m < model_count ? models[m].name : "proteus_lstm40_residual_fasttanh";
    return std::string(library) + "/" + model + "/" + modes[mode];
  };
  constexpr int rounds = 5;
  for (int round = 0; round < rounds; ++round)
    for (std::size_t m = 0; m < ctnn.count; ++m)
      for (int mode = 0; mode < 2; ++mode) {
        const std::size_t base = m < model_count ? m : 0;  // the fast row's baselines: Proteus
        benchmark::RegisterBenchmark(name("ctnn", m, mode).c_str(), run, ctnn.runs[m][mode]);
        benchmark::RegisterBenchmark(name("rtneural_style", m, mode).c_str(), run,
                                     rtneural.runs[base][mode]);
        benchmark::RegisterBenchmark(name("eigen", m, mode).c_str(), run, eigen.runs[base][mode]);
      }
  benchmark::Initialize(&argc, argv);
  const double peak_before = bench::measured_peak_gflops(10);
  bench::Rounds collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  benchmark::Shutdown();
  const double peak = std::max(peak_before, bench::measured_peak_gflops(10));
  std::printf("\ntarget=%s peak_gflops=%.1f (best of 20 CPU-timed runs)\n", ctnn_target(), peak);
  for (std::size_t m = 0; m < ctnn.count; ++m)
    for (int mode = 0; mode < 2; ++mode) {
      const auto& xs = collector.ns[name("ctnn", m, mode)];
      const auto& rs = collector.ns[name("rtneural_style", m, mode)];
      const auto& es = collector.ns[name("eigen", m, mode)];
      if (xs.empty()) continue;
      const double samples = double(bench::audio_samples);
      const double x = median(xs) / samples, best = *std::min_element(xs.begin(), xs.end());
      const double flops = flops_per_sample(models[m < model_count ? m : 0]) * samples;
      const Ratio vr = ratios(rs, xs), ve = ratios(es, xs);
      std::printf(
          "recurrent case=%s mode=%s ctnn_ns_per_sample=%.2f rtf=%.0f peak_fraction=%.3f "
          "rtneural_style_ns=%.2f vs_rtneural_style=%.2f spread=%.2f-%.2f eigen_ns=%.2f "
          "vs_eigen=%.2f spread=%.2f-%.2f\n",
          m < model_count ? models[m].name : "proteus_lstm40_residual_fasttanh", modes[mode], x,
          1e9 / (x * 48000), flops / best / peak, median(rs) / samples, vr.median, vr.lo, vr.hi,
          median(es) / samples, ve.median, ve.lo, ve.hi);
    }
}
