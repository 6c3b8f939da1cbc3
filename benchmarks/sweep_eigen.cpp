// Eigen's side of the sweep (sweep.hpp): eigen_mlp.hpp's network with preallocated dynamic
// matrices (Eigen's blocked GEMM), built on first use.
#include <array>
#include <cstddef>
#include <utility>

#include <benchmark/benchmark.h>

#include "eigen_mlp.hpp"
#include "sweep.hpp"

namespace {

using namespace bench::eigen;

template <int W, int B>
struct Setup {
  Training<Net<B, W, false, Layer<W, W, B, Act::relu, false>, Layer<W, W, B, Act::none, false>>>
      training;
};

template <std::size_t W, std::size_t B>
struct OneCase {
  static constexpr bench::sweep::Case make() {
    return {W, B,
            [] {
              auto& net = bench::sweep::built_on_first_use<Setup<int(W), int(B)>>().training.net;
              net.forward();
              benchmark::DoNotOptimize(std::get<1>(net.layers).A.data());
            },
            [] {
              benchmark::DoNotOptimize(
                  bench::sweep::built_on_first_use<Setup<int(W), int(B)>>().training.step());
            }};
  }
};

constexpr auto cases =
    bench::sweep::table<OneCase>(std::make_index_sequence<bench::sweep::count>());

}  // namespace

const bench::sweep::Case* bench::sweep::eigen_cases() {
  return cases.data();
}
