// ctnn against Eigen 3.4, against ctnn's own scalar path, against ctnn built with baseline flags
// and runtime dispatch, against ctnn built with -O2, and (batch-1 rows) against the same models
// written the way RTNeural's xsimd backend is, case by case, in one run; plus the single-core FMA
// peak of this machine, measured with the same Highway target ctnn runs on, and the accuracy of
// each tanh.
//
// The machine is shared: every case is registered `rounds` times, the libraries alternating
// (ctnn, Eigen, scalar, dispatch, RTNeural-style, -O2, ctnn, ...), and times are CPU times (time
// the process was not running is not counted). The peak is the best of several CPU-timed runs of an
// FMA loop, before and after the cases. Prints Google Benchmark's table, then per case:
//   compare case=<name> ctnn_ns=<x> eigen_ns=<y> speedup=<y/x> spread=<lo>-<hi> gflops=<g>
//           peak_fraction=<f> scalar_ns=<s> dispatch_ns=<d> dispatch_ratio=<d/x> dispatch_spread=..
//   compare_o2 case=<name> o3_ns=<x> o2_ns=<o> ratio=<o/x> spread=..
//   compare_rtneural_style case=<name> ctnn_ns=<x> rtneural_style_ns=<r> speedup=<r/x> spread=..
//   (medians over the rounds; spread: the smallest and largest of the rounds' speedups; gflops
//   from ctnn's best round, counting the products' multiply-adds x 2.)
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <hwy/highway.h>
#include <ctnn/simd_target.hpp>

#include "cases.hpp"
#include "peak.hpp"
#include "rounds.hpp"

namespace {

void run_case(benchmark::State& state, const bench::Case* c) {
  for (auto _ : state) c->run();
  state.counters["GFLOPS"] =
      benchmark::Counter(c->flops * double(state.iterations()), benchmark::Counter::kIsRate);
}

/// The largest error of y[tanh_points] against tanh in double, in units in the last place of the
/// float nearest the exact value.
double max_tanh_ulp(const float* y) {
  double worst = 0;
  for (std::size_t i = 0; i < bench::tanh_points; ++i) {
    const double exact = std::tanh(double(bench::tanh_grid(i)));
    const double ulp = std::ldexp(1.0, std::ilogb(std::fabs(exact) + 1e-30) - 23);
    worst = std::max(worst, std::fabs(double(y[i]) - exact) / ulp);
  }
  return worst;
}

double smallest(const std::vector<double>& v) {
  return v.empty() ? 0 : *std::min_element(v.begin(), v.end());
}
double largest(const std::vector<double>& v) {
  return v.empty() ? 0 : *std::max_element(v.begin(), v.end());
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  const bench::CaseTable libraries[] = {bench::ctnn_cases(),           bench::eigen_cases(),
                                        ctnn_bench_scalar_cases(),     ctnn_bench_dispatch_cases(),
                                        bench::rtneural_style_cases(), ctnn_bench_o2_cases()};
  const char* prefixes[] = {"ctnn/", "eigen/", "scalar/", "dispatch/", "rtneural_style/", "o2/"};
  constexpr int library_count = 6;
  constexpr int rounds = 5;
  for (int round = 0; round < rounds; ++round)
    for (std::size_t i = 0; i < libraries[0].count; ++i)
      for (int lib = 0; lib < library_count; ++lib) {
        const bench::Case* c = &libraries[lib].cases[i];
        if (!c->run) continue;
        benchmark::RegisterBenchmark((std::string(prefixes[lib]) + c->name).c_str(), run_case, c);
      }
  benchmark::Initialize(&argc, argv);
  const double peak_before = bench::measured_peak_gflops(10);
  bench::Rounds collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  benchmark::Shutdown();
  const double peak_gflops = std::max(peak_before, bench::measured_peak_gflops(10));

  std::printf(
      "\ntarget=%s lanes=%zu peak_gflops=%.1f (best of 20 CPU-timed runs) dispatch_target=%s\n",
      ctnn::simd_target_name(), bench::peak_lanes(), peak_gflops, ctnn_bench_dispatch_target());
  {
    static float y[bench::tanh_points];
    bench::ctnn_tanh(y, false);
    const double tanh_ulp = max_tanh_ulp(y);
    bench::ctnn_tanh(y, true);
    const double fast_tanh_ulp = max_tanh_ulp(y);
    bench::rtneural_style_tanh(y);
    std::printf("tanh_accuracy max_ulp ctnn_tanh=%.2f ctnn_fast_tanh=%.2f xsimd_tanh=%.2f\n",
                tanh_ulp, fast_tanh_ulp, max_tanh_ulp(y));
  }
  for (std::size_t i = 0; i < libraries[0].count; ++i) {
    const bench::Case& c = libraries[0].cases[i];
    const auto& xs = collector.ns[std::string("ctnn/") + c.name];
    const auto& ys = collector.ns[std::string("eigen/") + c.name];
    if (xs.empty() || xs.size() != ys.size()) continue;
    std::vector<double> speedups;
    for (std::size_t r = 0; r < xs.size(); ++r) speedups.push_back(ys[r] / xs[r]);
    const double x = median(xs), y = median(ys);
    const double s = median(collector.ns[std::string("scalar/") + c.name]);
    // Runtime dispatch (baseline flags) over the -march build, per round: 1.00 = no cost.
    const auto& ds = collector.ns[std::string("dispatch/") + c.name];
    std::vector<double> dispatch_ratios;
    for (std::size_t r = 0; r < xs.size() && r < ds.size(); ++r)
      dispatch_ratios.push_back(ds[r] / xs[r]);
    const double gflops = c.flops / *std::min_element(xs.begin(), xs.end());
    std::printf(
        "compare case=%s ctnn_ns=%.1f eigen_ns=%.1f speedup=%.2f spread=%.2f-%.2f gflops=%.1f "
        "peak_fraction=%.2f scalar_ns=%.1f dispatch_ns=%.1f dispatch_ratio=%.2f "
        "dispatch_spread=%.2f-%.2f\n",
        c.name, x, y, y / x, smallest(speedups), largest(speedups), gflops, gflops / peak_gflops, s,
        median(ds), median(dispatch_ratios), smallest(dispatch_ratios), largest(dispatch_ratios));
    // ctnn built with -O2 over the -O3 build, per round: 1.00 = -O2 costs nothing.
    const auto& os = collector.ns[std::string("o2/") + c.name];
    if (os.size() == xs.size()) {
      std::vector<double> o2_ratios;
      for (std::size_t r = 0; r < xs.size(); ++r) o2_ratios.push_back(os[r] / xs[r]);
      std::printf("compare_o2 case=%s o3_ns=%.1f o2_ns=%.1f ratio=%.2f spread=%.2f-%.2f\n", c.name,
                  x, median(os), median(o2_ratios), smallest(o2_ratios), largest(o2_ratios));
    }
    // The RTNeural-style model over ctnn, per round: 1.50 = ctnn takes two thirds of its time.
    const auto& rs = collector.ns[std::string("rtneural_style/") + c.name];
    if (rs.size() == xs.size()) {
      std::vector<double> rt_speedups;
      for (std::size_t r = 0; r < xs.size(); ++r) rt_speedups.push_back(rs[r] / xs[r]);
      std::printf(
          "compare_rtneural_style case=%s ctnn_ns=%.1f rtneural_style_ns=%.1f speedup=%.2f "
          "spread=%.2f-%.2f\n",
          c.name, x, median(rs), median(rt_speedups), smallest(rt_speedups), largest(rt_speedups));
    }
  }
}
