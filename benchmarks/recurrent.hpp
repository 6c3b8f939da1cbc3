// The recurrent benchmark's models (issue 28): one audio sample in, one out, called once per
// sample over one second at 48 kHz, as guitar plugins run them. The same parameters in every
// library (PyTorch's initialization scale, U(-1/sqrt(H), 1/sqrt(H)), by position), the same input.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "cases.hpp"

namespace bench::recurrent {

/// A model: its recurrent layers' hidden sizes (one or two layers), the cell (LSTM or GRU), a
/// Linear(H, 1) on every frame, and whether the input is added to the output (Proteus).
struct Model {
  const char* name;
  bool lstm;
  std::size_t hidden[2];  ///< hidden[1] == 0: one layer
  bool residual;
};

inline constexpr Model models[] = {
    {"proteus_lstm40_residual", true, {40, 0}, true},
    {"lstm16", true, {16, 0}, false},
    {"lstm32", true, {32, 0}, false},
    {"lstm8x2", true, {8, 8}, false},
    {"gru8", false, {8, 0}, false},
    {"gru32", false, {32, 0}, false},
};

/// Flops of the products per sample: 2 x (C G + H G) per layer (G = 4H or 3H), 2 H for the head.
constexpr double flops_per_sample(const Model& m) {
  double f = 0;
  std::size_t in = 1;
  for (std::size_t h : m.hidden) {
    if (h == 0) break;
    const double g = double((m.lstm ? 4 : 3) * h);
    f += 2.0 * (double(in) * g + double(h) * g);
    in = h;
  }
  return f + 2.0 * double(in);
}

/// Parameter values in PyTorch's layout: tensor 0 weight_ih [G, C], 1 weight_hh [G, H], 2 bias_ih,
/// 3 bias_hh [G]; layer 2 is the head (tensor 0 weight [1, H], 1 bias [1]).
inline float parameter(std::size_t layer, std::size_t tensor, std::size_t row, std::size_t col,
                       std::size_t hidden) {
  const float scale = static_cast<float>(1.0 / std::sqrt(double(hidden)));
  return scale * model_uniform((std::uint64_t(7) << 60) ^ (std::uint64_t(layer) << 50) ^
                               (std::uint64_t(tensor) << 44) ^ (std::uint64_t(row) << 22) ^ col);
}

/// The input: a decaying 110 Hz sawtooth-like tone, plucked every 0.25 s (a guitar-ish signal).
inline const float* input_signal() {
  static const auto* signal = [] {
    static float x[audio_samples];
    for (std::size_t i = 0; i < audio_samples; ++i) {
      const double t = double(i % 12000) / 48000;
      const double phase = std::fmod(110.0 * t, 1.0);
      x[i] = static_cast<float>(0.6 * (2 * phase - 1) * std::exp(-6 * t));
    }
    return x;
  }();
  return signal;
}

}  // namespace bench::recurrent
