// The benchmark cases of issue 4, as plain function tables so that the same ctnn source can be
// compiled twice (SIMD kernels, and the scalar path in a library of its own) and compared with
// Eigen in one run.
#pragma once

#include <cmath>
#include <cstddef>

namespace bench {

struct Case {
  const char* name;  ///< e.g. "c_train_b32"
  void (*run)();     ///< one forward pass or one training step
  double flops;      ///< multiply-adds of the products x 2 (what GFLOP/s counts)
};

struct CaseTable {
  const Case* cases;
  std::size_t count;
};

/// ctnn with its SIMD kernels (cases_ctnn.cpp).
CaseTable ctnn_cases();
/// Eigen 3.4, written as a careful user would (cases_eigen.cpp).
CaseTable eigen_cases();

/// Products' flops of a forward pass through dense layers of the given sizes, batch B.
constexpr double forward_flops(std::size_t batch, const std::size_t* sizes, std::size_t n) {
  double f = 0;
  for (std::size_t i = 0; i + 1 < n; ++i) f += 2.0 * double(batch * sizes[i] * sizes[i + 1]);
  return f;
}
/// Forward, dW = A^T G for every layer, dA = G W^T for every layer but the first.
constexpr double training_flops(std::size_t batch, const std::size_t* sizes, std::size_t n) {
  double f = 2 * forward_flops(batch, sizes, n);
  return f + forward_flops(batch, sizes + 1, n - 1);
}

/// Layer sizes of the four networks (input first).
inline constexpr std::size_t a_sizes[] = {16, 16};
inline constexpr std::size_t b_sizes[] = {8, 16, 16, 1};
inline constexpr std::size_t c_sizes[] = {64, 128, 128, 10};
inline constexpr std::size_t d_sizes[] = {784, 128, 10};
/// (e) the real-time audio case: a 1-8-8-1 model called once per sample, 48,000 samples (one
/// second at 48 kHz) per run; the time per run divided by 48,000 is the time per sample, and one
/// second divided by the time per run the real-time factor.
inline constexpr std::size_t e_sizes[] = {1, 8, 8, 1};
inline constexpr std::size_t audio_samples = 48000;

/// One second of a 440 Hz tone at 48 kHz, the input of (e).
inline const float* audio_signal() {
  static const auto* signal = [] {
    static float x[audio_samples];
    for (std::size_t i = 0; i < audio_samples; ++i)
      x[i] = 0.5f * static_cast<float>(std::sin(2 * 3.14159265358979 * 440 * double(i) / 48000));
    return x;
  }();
  return signal;
}

}  // namespace bench

// The scalar-path and runtime-dispatch libraries export one function each (see CMakeLists.txt);
// everything else in them is hidden, so their ctnn code never mixes with the benchmark binary's.
extern "C" __attribute__((visibility("default"))) bench::CaseTable ctnn_bench_scalar_cases();
extern "C" __attribute__((visibility("default"))) bench::CaseTable ctnn_bench_dispatch_cases();
extern "C" __attribute__((visibility("default"))) const char* ctnn_bench_dispatch_target();
