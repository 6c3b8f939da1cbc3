#!/bin/sh
# Compile time and peak compiler memory of one translation unit that declares a network of L
# Dense<32> + ReLU layers and its Adam trainer as LOCALS and trains it (the case GCC 12 used to
# fold at compile time: L = 32 took 106 s and 2.4 GB). Needs GNU time (Debian package `time`).
#   sh benchmarks/compile_time.sh [depths...]     e.g. sh benchmarks/compile_time.sh 8 32 64
# Prints: compile compiler=<c> depth=<L> seconds=<s> max_rss_mb=<m>
set -eu
cd "$(dirname "$0")/.."
depths=${*:-8 32 64}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for depth in $depths; do
  layers=$(yes "ctnn::Dense<32>, ctnn::ReLU," | head -n "$depth" | tr '\n' ' ')
  cat > "$work/deep$depth.cpp" <<CPP
#include <ctnn/ctnn.hpp>
using Net = ctnn::Network<ctnn::Input<32>, $layers ctnn::Dense<4>, ctnn::Softmax>;
int main() {
  Net net{ctnn::Seed{1}};
  ctnn::Trainer<Net, ctnn::CrossEntropy, ctnn::Adam<Net>, 8> trainer{
      ctnn::AdamOptions{.learning_rate = 0.01}};
  const ctnn::Matrix<float, 8, 32> x;
  const ctnn::ClassLabels<8, 4> y;
  float sum = 0;
  for (int i = 0; i < 10; ++i) sum += trainer.step(net, x, y).loss;
  return sum > 0;
}
CPP
  for compiler in g++ clang++; do
    /usr/bin/time -f "%e %M" -o "$work/time" "$compiler" -std=c++20 -O3 -march=native \
      -DHWY_WANT_AVX3_DL -Iinclude -c "$work/deep$depth.cpp" -o "$work/deep$depth.o"
    read -r seconds kb < "$work/time"
    echo "compile compiler=$compiler depth=$depth seconds=$seconds max_rss_mb=$((kb / 1024))"
  done
done
