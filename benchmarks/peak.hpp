// The single-core fp32 FMA peak of this machine, measured on the Highway target ctnn runs on: the
// best of several CPU-timed runs (a shared machine deschedules; CPU time does not count that).
#pragma once

#include <algorithm>
#include <cstddef>
#include <ctime>

#include <benchmark/benchmark.h>
#include <hwy/highway.h>

namespace bench {

namespace hn = hwy::HWY_NAMESPACE;

// Independent FMA chains, enough to cover the FMA latency on both FMA pipes.
constexpr int chains = 12;
constexpr int fmas_per_iteration = 1024;

inline double peak_flops_per_iteration() {
  return 2.0 * double(hn::Lanes(hn::ScalableTag<float>())) * chains * fmas_per_iteration;
}

inline double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

/// One run of the FMA loop: 2 x lanes x chains x fmas_per_iteration flops.
HWY_NOINLINE inline void fma_loop() {
  const hn::ScalableTag<float> d;
  using V = hn::Vec<decltype(d)>;
  V acc[chains];
  for (int c = 0; c < chains; ++c) acc[c] = hn::Set(d, float(c));
  const V m = hn::Set(d, 0.999f), a = hn::Set(d, 1e-3f);
  for (int i = 0; i < fmas_per_iteration; ++i)
    for (int c = 0; c < chains; ++c) acc[c] = hn::MulAdd(acc[c], m, a);
  for (int c = 0; c < chains; ++c) benchmark::DoNotOptimize(acc[c]);
}

/// The best GFLOP/s of `trials` CPU-timed runs of 20,000 FMA loops each.
inline double measured_peak_gflops(int trials) {
  double best = 0;
  for (int t = 0; t < trials; ++t) {
    constexpr int loops = 20000;
    const double start = cpu_seconds();
    for (int i = 0; i < loops; ++i) fma_loop();
    const double seconds = cpu_seconds() - start;
    best = std::max(best, peak_flops_per_iteration() * loops / seconds * 1e-9);
  }
  return best;
}

inline std::size_t peak_lanes() {
  return hn::Lanes(hn::ScalableTag<float>());
}

}  // namespace bench
