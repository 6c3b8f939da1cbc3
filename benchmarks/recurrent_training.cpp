// Training throughput of an amp model: LSTM-16 -> Linear-1 on 2,048-sample windows, batches of 8,
// MSE and Adam, backpropagation through each window: sequences per second of CPU time, the best
// of each round's steps. benchmarks/torch_recurrent_training.py runs it next to PyTorch (one
// thread, the same model) in the same sitting and prints the ratio.
//   ctnn_bench_recurrent_training [rounds] [steps per round]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include <ctnn/ctnn.hpp>

namespace {

constexpr std::size_t window = 2048, batch = 8;
using Net = ctnn::Network<ctnn::Input<window, 1>, ctnn::LSTM<16>, ctnn::Linear<1>>;

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 3;
  const int steps = argc > 2 ? std::atoi(argv[2]) : 5;
  static Net net{ctnn::Seed{1}};
  static ctnn::Trainer<Net, ctnn::MeanSquaredError, ctnn::Adam<Net>, batch> trainer{
      ctnn::AdamOptions{.learning_rate = 1e-3}};
  static ctnn::Matrix<float, batch, window> x, t;
  ctnn::SplitMix64 rng{3};
  for (std::size_t i = 0; i < x.size; ++i) {
    x[i] = static_cast<float>(rng.uniform(1.0));
    t[i] = static_cast<float>(0.5 * rng.uniform(1.0));
  }
  for (int round = 0; round < rounds; ++round) {
    double best = 1e30, loss = 0;
    for (int s = 0; s < steps; ++s) {
      const double start = cpu_seconds();
      loss = trainer.step(net, x, t).loss;
      best = std::min(best, cpu_seconds() - start);
    }
    std::printf(
        "ctnn round=%d target=%s seconds_per_step=%.5f sequences_per_second=%.1f loss=%.5f\n",
        round, ctnn::simd_target_name(), best, double(batch) / best, loss);
  }
}
