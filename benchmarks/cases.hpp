// The benchmark cases of issue 4, as plain function tables so that the same ctnn source can be
// compiled twice (SIMD kernels, and the scalar path in a library of its own) and compared with
// Eigen in one run.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

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
/// The batch-1 cases written the way RTNeural's xsimd models are (cases_rtneural_style.cpp); the
/// rows without a counterpart have no `run`.
CaseTable rtneural_style_cases();

/// tanh accuracy: each library's vector tanh on the same grid of points in [-10, 10].
inline constexpr std::size_t tanh_points = 1 << 16;
constexpr float tanh_grid(std::size_t i) {
  return static_cast<float>(-10.0 + 20.0 * double(i) / double(tanh_points - 1));
}
/// ctnn's Tanh (fast = false) or FastTanh, as its kernels evaluate them, into y[tanh_points].
void ctnn_tanh(float* y, bool fast);
/// xsimd::tanh (RTNeural's default) into y[tanh_points].
void rtneural_style_tanh(float* y);

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
/// (f) as (e) with widths that are not whole vectors (6 = 4 + 2 lanes, 12 = 8 + 4): their tails.
inline constexpr std::size_t f_sizes[] = {1, 6, 12, 1};
inline constexpr std::size_t audio_samples = 48000;

/// The parameters of the batch-1 models, the same in ctnn and in the RTNeural-style code (what a
/// trained model's values do matters: a tanh may skip work for small inputs): weights
/// U(-r, r) with r = sqrt(6 / (in + out)) (Glorot), biases U(-0.1, 0.1), by position; `layer`
/// counts from 1 over the model's list, activations included.
inline float model_uniform(std::uint64_t key) {
  key += 0x9E3779B97F4A7C15u;  // SplitMix64's finalizer
  key = (key ^ (key >> 30)) * 0xBF58476D1CE4E5B9u;
  key = (key ^ (key >> 27)) * 0x94D049BB133111EBu;
  key ^= key >> 31;
  return static_cast<float>(double(key >> 11) * 0x1.0p-53 * 2 - 1);  // [-1, 1)
}
inline float model_weight(std::size_t layer, std::size_t in, std::size_t out, std::size_t k,
                          std::size_t o) {
  return model_uniform((layer << 40) ^ (k << 20) ^ o) *
         static_cast<float>(std::sqrt(6.0 / double(in + out)));
}
inline float model_bias(std::size_t layer, std::size_t o) {
  return 0.1f * model_uniform((layer << 40) ^ (std::uint64_t(1) << 39) ^ o);
}

/// The training rows: every library starts from the same parameters (model_weight, model_bias)
/// and trains on the same batch (train_input, train_target), and every `restart_steps` steps its
/// network and optimizer are copied back from a copy of their initial state (the copy is timed with
/// the steps). So every library times the same first steps of the same training run, whatever its
/// speed. Until December 2026 a row trained on for as long as the benchmark ran it: a faster
/// library got further along, towards zero loss on its one batch, where tanh gets cheaper and the
/// optimizer's moments decay into denormals (Eigen's (e) step: 150-160 ns there, 115 from the
/// start), and the libraries' networks started from different random values.
inline constexpr int restart_steps = 256;
inline float train_input(std::size_t row, std::size_t k) {
  return model_uniform((std::uint64_t(3) << 60) ^ (std::uint64_t(row) << 20) ^ k);
}
/// Cross-entropy: one-hot rows (class row % outputs); otherwise U(-1, 1).
inline float train_target(std::size_t row, std::size_t j, std::size_t outputs, bool one_hot) {
  if (one_hot) return j == row % outputs ? 1.0f : 0.0f;
  return model_uniform((std::uint64_t(5) << 60) ^ (std::uint64_t(row) << 20) ^ j);
}

/// The input of the batch-1 models (a, b): their first 16 or 8 values.
alignas(64) inline constexpr float model_input[16] = {0.1f, -0.2f, 0.3f,  -0.4f, 0.5f, -0.6f,
                                                      0.7f, -0.8f, -0.1f, 0.2f,  0.3f, 0.4f,
                                                      0.5f, 0.6f,  0.7f,  0.8f};

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

// The scalar-path, runtime-dispatch and -O2 libraries export one function each (see
// CMakeLists.txt); everything else in them is hidden, so their ctnn code never mixes with the
// benchmark binary's.
extern "C" __attribute__((visibility("default"))) bench::CaseTable ctnn_bench_scalar_cases();
extern "C" __attribute__((visibility("default"))) bench::CaseTable ctnn_bench_dispatch_cases();
extern "C" __attribute__((visibility("default"))) bench::CaseTable ctnn_bench_o2_cases();
extern "C" __attribute__((visibility("default"))) const char* ctnn_bench_dispatch_target();
