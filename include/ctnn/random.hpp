/// @file random.hpp
/// A small deterministic PRNG of ctnn's own (SplitMix64): the same seed gives the same network on
/// every platform and compiler, and it runs in constant expressions (no `<random>`).
#pragma once

#include <cstdint>

namespace ctnn {

/// SplitMix64: 64 bits per call from a 64-bit state, constexpr.
class SplitMix64 {
 public:
  /// A generator from a seed.
  constexpr explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  /// The next 64 random bits.
  constexpr std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  /// Uniform in [0, 1) with 53 random bits.
  constexpr double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Uniform in [-r, r).
  constexpr double uniform(double r) { return (2.0 * uniform01() - 1.0) * r; }

 private:
  std::uint64_t state_;
};

/// A seed for network initialization: `Net net{ctnn::Seed{42}};`.
struct Seed {
  /// The seed.
  std::uint64_t value = 0x5eed;
};

}  // namespace ctnn
