#!/bin/sh
# The README's two commands for a fresh Debian 12 machine:
#   sh cmake/quickstart.sh demo   builds and runs the demo
#   sh cmake/quickstart.sh test   builds and runs the whole test suite: GCC, Clang, GCC without SIMD
#                                 flags, GCC with runtime dispatch (also under qemu-x86_64 as
#                                 older CPUs), and the aarch64 cross build under qemu-aarch64
#   sh cmake/quickstart.sh amp    makes a training pair with sox, trains an LSTM amp model on it,
#                                 streams the input through it (examples/amp, build/amp/)
#   sh cmake/quickstart.sh bench  builds and runs the benchmarks (ctnn, Eigen, scalar, dispatch,
#                                 RTNeural-style; FMA peak; the cost of the training step's checks;
#                                 the width x batch sweep against OpenBLAS; compile time by depth)
# Each installs the Debian packages it needs when they are missing, then configures, builds, runs.
set -eu
cd "$(dirname "$0")/.."

what=${1:-}
case "$what" in
  demo) packages="g++ cmake ninja-build ccache libboost-dev libhwy-dev" ;;
  test) packages="g++ clang cmake ninja-build ccache libboost-dev libhwy-dev catch2 clang-format
                  libbenchmark-dev libeigen3-dev libxsimd-dev libopenblas-serial-dev qemu-user g++-aarch64-linux-gnu
                  sox" ;;
  amp) packages="g++ cmake ninja-build ccache libboost-dev libhwy-dev sox" ;;
  bench) packages="g++ clang cmake ninja-build ccache libboost-dev libhwy-dev libbenchmark-dev
                   libeigen3-dev libxsimd-dev libopenblas-serial-dev time" ;;
  *) echo "usage: sh cmake/quickstart.sh demo|test|amp|bench" >&2; exit 2 ;;
esac

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "quickstart: installing Debian packages:$missing"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
  else
    echo "quickstart: missing packages:$missing" >&2
    echo "quickstart: run as root, or install them: apt-get install$missing" >&2
    exit 1
  fi
fi

jobs=$(nproc 2>/dev/null || echo 2)
case "$what" in
  demo)
    cmake --preset default -DCTNN_BUILD_TESTS=OFF >/dev/null
    cmake --build --preset default --target demo -j "$jobs"
    ./build/default/examples/demo
    ;;
  amp)
    cmake --preset default -DCTNN_BUILD_TESTS=OFF >/dev/null
    cmake --build --preset default --target amp_model -j "$jobs"
    sh examples/amp/make_pair.sh build/amp
    ./build/default/examples/amp_model build/amp 20
    ;;
  test)
    # The default preset also builds the benchmarks, so that they cannot rot (a smoke test runs
    # them once, briefly; timings are never tested).
    for preset in default clang scalar dispatch aarch64; do
      echo "quickstart: === preset $preset ==="
      benchmarks=OFF
      [ "$preset" = default ] && benchmarks=ON
      cmake --preset "$preset" -DCTNN_BUILD_TESTS=ON -DCTNN_BUILD_BENCHMARKS=$benchmarks
      cmake --build --preset "$preset" -j "$jobs"
      ctest --preset "$preset" -j "$jobs"
    done
    ;;
  bench)
    cmake --preset bench >/dev/null
    cmake --build --preset bench -j "$jobs"
    ./build/bench/benchmarks/ctnn_bench        # 5 alternating rounds per case, CPU times, peak
    ./build/bench/benchmarks/ctnn_bench_checks # what a training step's NaN/Inf checks cost
    ./build/bench/benchmarks/ctnn_bench_recurrent  # LSTM/GRU per sample vs RTNeural-style, Eigen
    # LSTM training on 2,048-sample windows vs PyTorch on one thread (skipped without python3-torch)
    /usr/bin/python3 benchmarks/torch_recurrent_training.py \
      build/bench/benchmarks/ctnn_bench_recurrent_training 5 || [ $? -eq 77 ]
    ./build/bench/benchmarks/ctnn_sweep --svg=build/bench/sweep.svg  # widths x batches vs Eigen, OpenBLAS
    sh benchmarks/compile_time.sh              # compile time and memory by network depth
    ;;
esac
