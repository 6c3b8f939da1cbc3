// Where a recurrent frame's time goes, at batch 1: each frame needs all of the previous frame's h,
// so the hidden product and the cell are one chain that out-of-order execution cannot overlap
// with the next frame. For LSTM-16/32/40 and GRU-8/32 (exact and FastTanh cells), ns per frame
// over 48,000 frames (best of 9 CPU-timed runs):
//   products  h <- (h W_hh + b)[first H] * 1e-3 + 0.5: the hidden product alone, fed back
//   cell      z <- h (copied into every gate), then the cell: the activations alone, fed back
//   frame     the hidden product, then the cell (the layer's step without the input product)
// A peer pays the products too (the same multiply-adds in the same chain); what remains is the
// cell, whose cost is the activations' arithmetic (exact, or rational approximations).
//   ctnn_bench_recurrent_floor
#include <algorithm>
#include <cstdio>
#include <ctime>

#include <ctnn/ctnn.hpp>

namespace {

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

constexpr std::size_t frames = 48000;

template <class F>
double best_ns_per_frame(F&& run) {
  double best = 1e30;
  for (int r = 0; r < 9; ++r) {
    const double start = cpu_seconds();
    ctnn::with_simd_target(run);
    best = std::min(best, cpu_seconds() - start);
  }
  return 1e9 * best / double(frames);
}

template <std::size_t H, std::size_t Gates, class Gate, class Tanh>
void measure(const char* name) {
  constexpr std::size_t G = Gates * H;
  static ctnn::Matrix<float, H, G> w;
  static ctnn::Matrix<float, 1, G> bias, z;
  static ctnn::Matrix<float, 1, H> h, c;
  ctnn::SplitMix64 rng{1};
  for (auto& v : w) v = static_cast<float>(rng.uniform(0.25));
  for (auto& v : bias) v = static_cast<float>(rng.uniform(0.25));
  const auto start = [&] {
    for (std::size_t k = 0; k < H; ++k) h[k] = c[k] = 0.1f;
  };
  const auto cell = [&] {
    if constexpr (Gates == 4)
      ctnn::kernels::lstm_cell<H, Gate, Tanh, false>(z.data(), bias.data(), c.data(), h.data(),
                                                     static_cast<float*>(nullptr),
                                                     static_cast<float*>(nullptr));
    else  // the GRU's u and v: z twice
      ctnn::kernels::gru_cell<H, Gate, Tanh, false>(
          z.data(), z.data(), h.data(), static_cast<float*>(nullptr), static_cast<float*>(nullptr));
  };
  start();
  const double products = best_ns_per_frame([&] {
    for (std::size_t f = 0; f < frames; ++f) {
      ctnn::kernels::gemm<1, H, G>(h.data(), w.data(), bias.data(), z.data());
      for (std::size_t k = 0; k < H; ++k) h[k] = z[k] * 1e-3f + 0.5f;
    }
  });
  start();
  const double cell_only = best_ns_per_frame([&] {
    for (std::size_t f = 0; f < frames; ++f) {
      for (std::size_t q = 0; q < Gates; ++q)
        for (std::size_t k = 0; k < H; ++k) z[q * H + k] = h[k];
      cell();
    }
  });
  start();
  const double frame = best_ns_per_frame([&] {
    for (std::size_t f = 0; f < frames; ++f) {
      ctnn::kernels::gemm<1, H, G>(h.data(), w.data(), bias.data(), z.data());
      cell();
    }
  });
  std::printf("floor case=%s products_ns=%.1f cell_ns=%.1f sum_ns=%.1f frame_ns=%.1f\n", name,
              products, cell_only, products + cell_only, frame);
}

}  // namespace

int main() {
  namespace a = ctnn::activation;
  std::printf("target=%s\n", ctnn::simd_target_name());
  measure<16, 4, a::sigmoid, a::tanh>("lstm16");
  measure<16, 4, a::fast_sigmoid, a::fast_tanh>("lstm16_fasttanh");
  measure<32, 4, a::sigmoid, a::tanh>("lstm32");
  measure<40, 4, a::sigmoid, a::tanh>("lstm40");
  measure<40, 4, a::fast_sigmoid, a::fast_tanh>("lstm40_fasttanh");
  measure<8, 3, a::sigmoid, a::tanh>("gru8");
  measure<32, 3, a::sigmoid, a::tanh>("gru32");
}
