/// @file detail/math.hpp
/// Scalar exp, log, sqrt, tanh, sigmoid usable in constant expressions.
///
/// At run time each function forwards to <cmath>; in a constant expression it evaluates its own
/// series in double precision (std:: math is not constexpr in C++20). The constexpr versions are
/// accurate to a few ulp of double over the ranges a network meets (tested against <cmath>).
#pragma once

#include <cmath>
#include <limits>
#include <type_traits>

namespace ctnn::detail {

constexpr double ln2 = 0.693147180559945309417232121458176568;

/// e^x for x in any range: x = k ln2 + r, |r| <= ln2/2, e^r by Taylor series, then scaled by 2^k.
constexpr double constexpr_exp(double x) {
  if (x != x) return x;
  if (x > 709.78) return std::numeric_limits<double>::infinity();
  if (x < -745.2) return 0.0;
  const double kd = x / ln2;
  long long k = static_cast<long long>(kd + (kd >= 0 ? 0.5 : -0.5));
  const double r = x - static_cast<double>(k) * ln2;
  double term = 1.0, sum = 1.0;
  for (int n = 1; n < 30; ++n) {  // stops once a term no longer changes the sum (constexpr cost)
    term *= r / n;
    if (sum + term == sum) break;
    sum += term;
  }
  // Scale in two halves so that 2^k never overflows on its own for subnormal results.
  double scale = 1.0;
  const double base = k >= 0 ? 2.0 : 0.5;
  for (long long i = 0, n = k >= 0 ? k : -k; i < n; ++i) scale *= base;
  return sum * scale;
}

/// ln(x) for x > 0: x = m 2^k with m in [1, 2), ln(m) via the atanh series of (m-1)/(m+1).
constexpr double constexpr_log(double x) {
  if (x != x || x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -std::numeric_limits<double>::infinity();
  if (x == std::numeric_limits<double>::infinity()) return x;
  int k = 0;
  while (x >= 2.0) {
    x *= 0.5;
    ++k;
  }
  while (x < 1.0) {
    x *= 2.0;
    --k;
  }
  const double y = (x - 1.0) / (x + 1.0), y2 = y * y;
  double term = y, sum = 0.0;
  for (int n = 1; n < 80; n += 2) {
    sum += term / n;
    term *= y2;
  }
  return 2.0 * sum + k * ln2;
}

/// ln(1 + x) accurate for small x: 2 atanh(x / (2 + x)) by its series.
constexpr double constexpr_log1p(double x) {
  if (x != x || x < -1) return std::numeric_limits<double>::quiet_NaN();
  if (x > 0.5 || x < -0.3) return constexpr_log(1.0 + x);
  const double y = x / (2.0 + x), y2 = y * y;
  double term = y, sum = 0.0;
  for (int n = 1; n < 60; n += 2) {
    sum += term / n;
    term *= y2;
  }
  return 2.0 * sum;
}

/// e^x - 1 accurate for small x: its series below |x| = 0.5, e^x - 1 beyond.
constexpr double constexpr_expm1(double x) {
  if (x != x) return x;
  if (x > 0.5 || x < -0.5) return constexpr_exp(x) - 1.0;
  double term = x, sum = 0.0;
  for (int n = 2; n < 30 && sum + term != sum; ++n) {
    sum += term;
    term *= x / n;
  }
  return sum;
}

/// sqrt by Newton's method from a power-of-two first guess.
constexpr double constexpr_sqrt(double x) {
  if (x != x || x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0 || x == std::numeric_limits<double>::infinity()) return x;
  double g = 1.0;
  for (double v = x; v > 4.0; v *= 0.25) g *= 2.0;
  for (double v = x; v < 0.25; v *= 4.0) g *= 0.5;
  for (int i = 0; i < 60; ++i) {
    const double next = 0.5 * (g + x / g);
    if (next == g) break;
    g = next;
  }
  return g;
}

/// tanh through e^(-2|x|), which never overflows.
constexpr double constexpr_tanh(double x) {
  if (x != x) return x;
  const double ax = x < 0 ? -x : x;
  if (ax < 1e-8) return x;
  const double e = constexpr_exp(-2.0 * ax);
  const double t = (1.0 - e) / (1.0 + e);
  return x < 0 ? -t : t;
}

template <class T>
constexpr T exp(T x) {
  if (std::is_constant_evaluated()) return static_cast<T>(constexpr_exp(static_cast<double>(x)));
  return std::exp(x);
}
template <class T>
constexpr T log(T x) {
  if (std::is_constant_evaluated()) return static_cast<T>(constexpr_log(static_cast<double>(x)));
  return std::log(x);
}
template <class T>
constexpr T log1p(T x) {
  if (std::is_constant_evaluated()) return static_cast<T>(constexpr_log1p(static_cast<double>(x)));
  return std::log1p(x);
}
template <class T>
constexpr T expm1(T x) {
  if (std::is_constant_evaluated()) return static_cast<T>(constexpr_expm1(static_cast<double>(x)));
  return std::expm1(x);
}
template <class T>
constexpr T sqrt(T x) {
  if (std::is_constant_evaluated()) return static_cast<T>(constexpr_sqrt(static_cast<double>(x)));
#if defined(__arm__) && defined(__ARM_FP) && (__ARM_FP & 4)
  // A 32-bit Arm FPU (Cortex-M4F/M7): its vsqrt, not sqrtf, which sets errno for x < 0 and
  // links the C library's errno and reentrancy support into firmware (NaN in, NaN out either way).
  if constexpr (std::is_same_v<T, float>) {
    float r;
    __asm__("vsqrt.f32 %0, %1" : "=t"(r) : "t"(x));
    return r;
  }
#endif
  return std::sqrt(x);
}
template <class T>
constexpr T tanh(T x) {
  if (std::is_constant_evaluated()) return static_cast<T>(constexpr_tanh(static_cast<double>(x)));
  return std::tanh(x);
}

/// Logistic sigmoid without overflow: e^(-|x|) is in (0, 1] for every x.
template <class T>
constexpr T sigmoid(T x) {
  const T e = detail::exp(x >= T(0) ? -x : x);
  return x >= T(0) ? T(1) / (T(1) + e) : e / (T(1) + e);
}

/// ln(1 + e^x) without overflow: max(x, 0) + ln(1 + e^(-|x|)).
template <class T>
constexpr T softplus(T x) {
  const T ax = x < T(0) ? -x : x;
  return (x > T(0) ? x : T(0)) + detail::log1p(detail::exp(-ax));
}

template <class T>
constexpr bool isfinite(T x) {
  return x == x && x != std::numeric_limits<T>::infinity() &&
         x != -std::numeric_limits<T>::infinity();
}

}  // namespace ctnn::detail
