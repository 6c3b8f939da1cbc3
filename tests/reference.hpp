// Independent double-precision references for the tests: plain loops written from MATH.md,
// sharing no code with the library.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace ref {

using Mat = std::vector<double>;  // row-major, shape carried by the caller

inline Mat gemm(const Mat& a, const Mat& b, std::size_t m, std::size_t k, std::size_t n) {
  Mat c(m * n, 0.0);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      double s = 0;
      for (std::size_t p = 0; p < k; ++p) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  return c;
}

inline Mat transpose(const Mat& a, std::size_t r, std::size_t c) {
  Mat t(r * c);
  for (std::size_t i = 0; i < r; ++i)
    for (std::size_t j = 0; j < c; ++j) t[j * r + i] = a[i * c + j];
  return t;
}

inline double sigmoid(double z) {
  return 1.0 / (1.0 + std::exp(-z));
}

// A deterministic pseudo-random value in [-1, 1) for test data (not the library's PRNG).
inline double noise(std::size_t i, std::size_t salt = 0) {
  unsigned long long x = (i + 1) * 0x9E3779B97F4A7C15ULL + salt * 0xD1B54A32D192ED03ULL;
  x ^= x >> 29;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 32;
  return static_cast<double>(x % 2000001ULL) / 1000000.0 - 1.0;
}

}  // namespace ref
