// The demo's data set, shared with the convergence test: two noisy concentric rings of 2-D points
// (radius 0.5 is class 0, radius 1.0 class 1, radial noise +-0.15), one-hot targets.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include <ctnn/ctnn.hpp>

template <std::size_t N>
ctnn::Dataset<float, N, 2, 2> two_rings(std::uint64_t seed) {
  ctnn::Dataset<float, N, 2, 2> d;
  ctnn::SplitMix64 rng{seed};
  for (std::size_t i = 0; i < N; ++i) {
    const std::size_t cls = i % 2;
    const double r = (cls ? 1.0 : 0.5) + rng.uniform(0.15);
    const double a = rng.uniform(3.14159265358979);
    d.inputs(i, 0) = static_cast<float>(r * std::cos(a));
    d.inputs(i, 1) = static_cast<float>(r * std::sin(a));
    d.targets(i, cls) = 1.0f;
  }
  return d;
}
