// Element-wise and activation kernels (SIMD and scalar paths) against double references, at sizes
// that are not vector multiples, with inputs up to |z| = 1e4.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>

#include "ctnn/kernels/dispatch.hpp"
#include "ctnn/layers/activations.hpp"
#include "ctnn/matrix.hpp"
#include "ctnn/simd_target.hpp"
#include "reference.hpp"

namespace k = ctnn::kernels;
namespace activation = ctnn::activation;

// The kernels' arguments are whole ctnn matrices: storage padded to 64-byte units, which the
// element-wise kernels and the optimizers may write (tests/test_padding.cpp: no result depends on
// it).
template <class T, std::size_t N>
using Row = ctnn::Matrix<T, 1, N>;

TEST_CASE("The kernels are compiled for a real SIMD target", "[kernels]") {
  INFO("Highway static target: " << ctnn::simd_target_name());
#ifdef CTNN_EXPECT_SIMD
  // The default preset must vectorize: a silent SCALAR build fails here.
  CHECK(ctnn::simd_is_vectorized());
  CHECK(std::string(ctnn::simd_target_name()) != "SCALAR");
#else
  SUCCEED("this build does not require SIMD (CTNN_EXPECT_SIMD not set)");
#endif
}

template <class T, std::size_t N>
Row<T, N> data(std::size_t salt, double scale) {
  Row<T, N> x{};
  for (std::size_t i = 0; i < N; ++i) x[i] = static_cast<T>(scale * ref::noise(i, salt));
  return x;
}

template <class T>
double tolerance() {
  return std::is_same_v<T, float> ? 4e-6 : 1e-13;
}

// Runs kernel `simd` and kernel `scalar` on the same input, compares both with `expected`.
template <class T, std::size_t N, class Simd, class Scalar, class Expected>
void check_unary(const Row<T, N>& x, Simd simd, Scalar scalar, Expected expected) {
  Row<T, N> a{}, b{};
  simd(x.data(), a.data());
  scalar(x.data(), b.data());
  for (std::size_t i = 0; i < N; ++i) {
    const double e = expected(static_cast<double>(x[i]));
    INFO("N = " << N << ", i = " << i << ", x = " << x[i]);
    REQUIRE(std::isfinite(a[i]));
    REQUIRE(a[i] == Approx(e).margin(tolerance<T>()));
    REQUIRE(b[i] == Approx(e).margin(tolerance<T>()));
  }
}

template <class T, std::size_t N>
void check_activations() {
  for (const double scale : {1.0, 8.0, 1e4}) {
    const auto z = data<T, N>(N, scale);
    check_unary(
        z, [](const T* x, T* y) { k::simd::activate<N, activation::relu>(x, y); },
        [](const T* x, T* y) { k::scalar::activate<N, activation::relu>(x, y); },
        [](double v) { return v > 0 ? v : 0; });
    check_unary(
        z, [](const T* x, T* y) { k::simd::activate<N, activation::sigmoid>(x, y); },
        [](const T* x, T* y) { k::scalar::activate<N, activation::sigmoid>(x, y); },
        [](double v) { return ref::sigmoid(v); });
    check_unary(
        z, [](const T* x, T* y) { k::simd::activate<N, activation::tanh>(x, y); },
        [](const T* x, T* y) { k::scalar::activate<N, activation::tanh>(x, y); },
        [](double v) { return std::tanh(v); });
  }
  // Backward: dz = da * f'(z) from a = f(z).
  const auto a = data<T, N>(N + 1, 1.0);
  const auto da = data<T, N>(N + 2, 3.0);
  Row<T, N> out{}, out_scalar{};
  k::simd::activate_backward<N, activation::sigmoid>(a.data(), da.data(), out.data());
  k::scalar::activate_backward<N, activation::sigmoid>(a.data(), da.data(), out_scalar.data());
  for (std::size_t i = 0; i < N; ++i) {
    const double e = double(da[i]) * double(a[i]) * (1 - double(a[i]));
    REQUIRE(out[i] == Approx(e).margin(tolerance<T>()));
    REQUIRE(out_scalar[i] == Approx(e).margin(tolerance<T>()));
  }
  k::simd::activate_backward<N, activation::tanh>(a.data(), da.data(), out.data());
  for (std::size_t i = 0; i < N; ++i)
    REQUIRE(out[i] ==
            Approx(double(da[i]) * (1 - double(a[i]) * double(a[i]))).margin(tolerance<T>()));
  k::simd::activate_backward<N, activation::relu>(a.data(), da.data(), out.data());
  for (std::size_t i = 0; i < N; ++i) REQUIRE(out[i] == (a[i] > 0 ? da[i] : T(0)));
}

TEMPLATE_TEST_CASE("Activation kernels agree with a double reference", "[kernels]", float, double) {
  check_activations<TestType, 1>();
  check_activations<TestType, 3>();
  check_activations<TestType, 7>();  // tails of several pieces: 4 + 2 + 1 lanes
  check_activations<TestType, 17>();
  check_activations<TestType, 30>();  // 16 + 8 + 4 + 2 (AVX-512)
  check_activations<TestType, 33>();
  check_activations<TestType, 784>();
}

template <class T, std::size_t M, std::size_t N>
void check_softmax() {
  for (const double scale : {1.0, 30.0, 1e4}) {
    const auto z = data<T, M * N>(M * 100 + N, scale);
    Row<T, M * N> s{}, s_scalar{};
    k::simd::softmax_rows<M, N>(z.data(), s.data());
    k::scalar::softmax_rows<M, N>(z.data(), s_scalar.data());
    for (std::size_t i = 0; i < M; ++i) {
      double mx = -1e300;
      for (std::size_t j = 0; j < N; ++j) mx = std::max(mx, double(z[i * N + j]));
      double sum = 0;
      for (std::size_t j = 0; j < N; ++j) sum += std::exp(double(z[i * N + j]) - mx);
      for (std::size_t j = 0; j < N; ++j) {
        const double e = std::exp(double(z[i * N + j]) - mx) / sum;
        REQUIRE(std::isfinite(s[i * N + j]));
        REQUIRE(s[i * N + j] == Approx(e).margin(tolerance<T>()));
        REQUIRE(s_scalar[i * N + j] == Approx(e).margin(tolerance<T>()));
      }
    }
    // Backward: s (.) (g - g.s) per row.
    const auto g = data<T, M * N>(7, 1.0);
    Row<T, M * N> dz{};
    k::simd::softmax_backward_rows<M, N>(s.data(), g.data(), dz.data());
    for (std::size_t i = 0; i < M; ++i) {
      double dot = 0;
      for (std::size_t j = 0; j < N; ++j) dot += double(g[i * N + j]) * double(s[i * N + j]);
      for (std::size_t j = 0; j < N; ++j)
        REQUIRE(dz[i * N + j] ==
                Approx(double(s[i * N + j]) * (double(g[i * N + j]) - dot)).margin(tolerance<T>()));
    }
  }
}

TEMPLATE_TEST_CASE("Softmax kernels are stable and agree with a double reference", "[kernels]",
                   float, double) {
  check_softmax<TestType, 1, 1>();
  check_softmax<TestType, 3, 3>();
  check_softmax<TestType, 2, 17>();
  check_softmax<TestType, 4, 33>();
  check_softmax<TestType, 1, 784>();
}

template <class T, std::size_t N>
void check_elementwise() {
  const auto x = data<T, N>(11, 2.0);
  const auto y = data<T, N>(12, 2.0);
  Row<T, N> out{};
  k::simd::add<N>(x.data(), y.data(), out.data());
  for (std::size_t i = 0; i < N; ++i) REQUIRE(out[i] == x[i] + y[i]);
  k::simd::sub<N>(x.data(), y.data(), out.data());
  for (std::size_t i = 0; i < N; ++i) REQUIRE(out[i] == x[i] - y[i]);
  k::simd::mul<N>(x.data(), y.data(), out.data());
  for (std::size_t i = 0; i < N; ++i) REQUIRE(out[i] == x[i] * y[i]);
  k::simd::scale<N>(T(3), x.data(), out.data());
  for (std::size_t i = 0; i < N; ++i) REQUIRE(out[i] == T(3) * x[i]);
  out = y;
  k::simd::axpy<N>(T(0.5), x.data(), out.data());
  for (std::size_t i = 0; i < N; ++i)
    REQUIRE(out[i] == Approx(0.5 * double(x[i]) + double(y[i])).margin(tolerance<T>()));
}

TEMPLATE_TEST_CASE("Element-wise kernels", "[kernels]", float, double) {
  check_elementwise<TestType, 1>();
  check_elementwise<TestType, 3>();
  check_elementwise<TestType, 7>();
  check_elementwise<TestType, 17>();
  check_elementwise<TestType, 30>();
  check_elementwise<TestType, 33>();
  check_elementwise<TestType, 784>();
}

TEST_CASE("Kernels never touch memory past a matrix's storage, nor a row's end", "[kernels]") {
  // 17 floats (storage padded to 32) followed by guard values: a vector past the padding would
  // clobber them.
  struct Guarded {
    Row<float, 17> x;
    float guard[32];
  } g{};
  for (std::size_t i = 0; i < 17; ++i) g.x[i] = -1.0f;
  for (float& v : g.guard) v = 42.0f;
  k::simd::activate<17, activation::relu>(g.x.data(), g.x.data());
  k::simd::activate<17, activation::sigmoid>(g.x.data(), g.x.data());
  for (const float v : g.guard) REQUIRE(v == 42.0f);
  // 14 (padded to 16): the optimizer updates and column sums as well, a guard after each matrix.
  struct Fenced {
    Row<float, 14> m;
    float guard[16];
  };
  Fenced p{}, m{}, v{}, gr{};
  for (Fenced* f : {&p, &m, &v, &gr})
    for (float& w : f->guard) w = 42.0f;
  for (std::size_t i = 0; i < 14; ++i) gr.m[i] = 0.5f;
  k::simd::adam<14>(0.1f, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, 1.0f, gr.m.data(), m.m.data(),
                    v.m.data(), p.m.data());
  k::simd::column_sums<1, 14>(gr.m.data(), p.m.data());
  k::simd::activate<14, activation::tanh>(gr.m.data(), gr.m.data());
  for (const Fenced* f : {&p, &m, &v, &gr})
    for (const float w : f->guard) REQUIRE(w == 42.0f);
  // Softmax works row by row: its last row (24 floats, ending where the storage does) must stop
  // at its end, not run on for a whole vector.
  struct GuardedRows {
    ctnn::Matrix<float, 2, 24> z, s;
    float guard[32];
  } r{};
  for (float& w : r.guard) w = 42.0f;
  k::simd::softmax_rows<2, 24>(r.z.data(), r.s.data());
  k::simd::softmax_backward_rows<2, 24>(r.s.data(), r.z.data(), r.s.data());
  for (const float w : r.guard) REQUIRE(w == 42.0f);
  // A pass over one row of a matrix stops at the row's end: the next row is not written (in
  // place, a vector run on into it would change it before its own pass).
  ctnn::Matrix<float, 3, 7> rows;
  Row<float, 7> bias;
  for (std::size_t i = 0; i < rows.size; ++i) rows[i] = static_cast<float>(i);
  for (std::size_t j = 0; j < 7; ++j) bias[j] = 100.0f * static_cast<float>(j + 1);
  k::simd::add_row<3, 7>(bias.data(), rows.data());
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 7; ++j)
      REQUIRE(rows(i, j) == static_cast<float>(i * 7 + j) + 100.0f * static_cast<float>(j + 1));
}

// The optimizers' fused updates against the update rules of MATH.md in double, two steps, at
// sizes whose tails are whole vectors of several widths (7 = 4 + 2 + 1, 30 = 16 + 8 + 4 + 2 on
// AVX-512) and one-lane vectors (1, 3).
template <class T, std::size_t N>
void check_optimizer_updates() {
  const auto g0 = data<T, N>(N + 20, 1.0), g1 = data<T, N>(N + 21, 1e-3);
  const T lr = T(0.01), b1 = T(0.9), b2 = T(0.999), eps = T(1e-8);
  Row<T, N> p = data<T, N>(N + 22, 1.0), m{}, v{};
  std::array<double, N> rp{}, rm{}, rv{};
  for (std::size_t i = 0; i < N; ++i) rp[i] = double(p[i]);
  for (int t = 1; t <= 2; ++t) {
    const auto& g = t == 1 ? g0 : g1;
    const double c1 = 1 - std::pow(double(b1), t), c2 = 1 - std::pow(double(b2), t);
    k::simd::adam<N>(T(double(lr) / c1), b1, T(1) - b1, b2, T(1) - b2, eps, T(1 / std::sqrt(c2)),
                     g.data(), m.data(), v.data(), p.data());
    for (std::size_t i = 0; i < N; ++i) {
      rm[i] = double(b1) * rm[i] + (1 - double(b1)) * double(g[i]);
      rv[i] = double(b2) * rv[i] + (1 - double(b2)) * double(g[i]) * double(g[i]);
      rp[i] -= double(lr) * (rm[i] / c1) / (std::sqrt(rv[i] / c2) + double(eps));
    }
    for (std::size_t i = 0; i < N; ++i) {
      INFO("N = " << N << ", i = " << i << ", step " << t);
      REQUIRE(m[i] == Approx(rm[i]).epsilon(1e-5));
      REQUIRE(v[i] == Approx(rv[i]).epsilon(1e-5));
      REQUIRE(p[i] == Approx(rp[i]).margin(1e-6));
    }
  }
  const auto q0 = data<T, N>(N + 23, 1.0);
  Row<T, N> s{}, q = q0;
  k::simd::rmsprop<N>(lr, b2, T(1) - b2, eps, g0.data(), s.data(), q.data());
  for (std::size_t i = 0; i < N; ++i) {
    const double si = (1 - double(b2)) * double(g0[i]) * double(g0[i]);
    const double qi = double(q0[i]) - double(lr) * double(g0[i]) / (std::sqrt(si) + double(eps));
    REQUIRE(s[i] == Approx(si).epsilon(1e-5));
    REQUIRE(q[i] == Approx(qi).margin(1e-6));
  }
  // Column sums of a (3, N) matrix, the bias gradient.
  const auto g3 = data<T, 3 * N>(N + 24, 1.0);
  Row<T, N> sums{};
  k::simd::column_sums<3, N>(g3.data(), sums.data());
  for (std::size_t j = 0; j < N; ++j)
    REQUIRE(
        sums[j] ==
        Approx(double(g3[j]) + double(g3[N + j]) + double(g3[2 * N + j])).margin(tolerance<T>()));
}

TEMPLATE_TEST_CASE("Optimizer updates and column sums agree with a double reference", "[kernels]",
                   float, double) {
  check_optimizer_updates<TestType, 1>();
  check_optimizer_updates<TestType, 3>();
  check_optimizer_updates<TestType, 7>();
  check_optimizer_updates<TestType, 16>();
  check_optimizer_updates<TestType, 30>();
}

// FastTanh against tanh in double: within 5 ulp of the result in float (4.87 measured); in double
// within 4e-8 (the clamp at |x| = 9: 1 - tanh(9) = 3.05e-8, plus the 6.6e-9 fit); bounded by 1,
// exact at 0.
template <class T>
void check_fast_tanh() {
  constexpr std::size_t n = 1 << 14;
  static std::array<T, n> x, simd_y, scalar_y;
  for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<T>(-12.0 + 24.0 * double(i) / (n - 1));
  k::simd::activate<n, activation::fast_tanh>(x.data(), simd_y.data());
  k::scalar::activate<n, activation::fast_tanh>(x.data(), scalar_y.data());
  for (std::size_t i = 0; i < n; ++i) {
    const double r = std::tanh(static_cast<double>(x[i]));
    const double bound = std::is_same_v<T, float>
                             ? 5.0 * std::ldexp(1.0, std::ilogb(std::fabs(r) + 1e-30) - 23)
                             : 4e-8;
    INFO("x = " << x[i]);
    REQUIRE(std::fabs(simd_y[i] - r) <= bound);
    REQUIRE(std::fabs(scalar_y[i] - r) <= bound);
    REQUIRE(std::fabs(simd_y[i]) <= T(1));
  }
  Row<T, 1> zero{}, out{};
  out[0] = T(1);
  k::simd::activate<1, activation::fast_tanh>(zero.data(), out.data());
  REQUIRE(out[0] == T(0));
}

// Tanh's float vector form (ctnn's own) against tanh in double: within its documented 1.5 ulp on
// a dense grid up to the clamp (10) and beyond, and within 1.25 on every float of [0.5, 2), where
// the errors are largest and the two forms meet (|z| = 1): 1.08 ulp at 0.89 with FMA, 1.21
// without (the previous polynomial, up to 0.65, reached 1.45 there, and 1.52 when it stopped at
// 0.625); odd, NaN through, +-inf to +-1. Each vector is all-small, all-large or mixed (the branch
// that skips the exponential when every lane is small).
TEST_CASE("Tanh's float vector form is within 1.5 ulp of tanh", "[kernels]") {
  constexpr std::size_t n = 1 << 16;
  static std::array<float, n> x, y;
  for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>(-12.0 + 24.0 * double(i) / (n - 1));
  k::simd::activate<n, activation::tanh>(x.data(), y.data());
  for (std::size_t i = 0; i < n; ++i) {
    const double r = std::tanh(static_cast<double>(x[i]));
    const double ulp = std::ldexp(1.0, std::ilogb(std::fabs(r) + 1e-30) - 23);
    INFO("x = " << x[i] << ", y = " << y[i]);
    REQUIRE(std::fabs(y[i] - r) <= 1.5 * ulp);
  }
  {
    constexpr std::size_t chunk = 1 << 14;
    static std::array<float, chunk> xs, ys;
    double worst = 0;
    float next = 0.5f;
    while (next < 2.0f) {
      for (float& v : xs) v = next < 2.0f ? std::exchange(next, std::nextafter(next, 3.0f)) : 2.0f;
      k::simd::activate<chunk, activation::tanh>(xs.data(), ys.data());
      for (std::size_t i = 0; i < chunk; ++i) {
        const double r = std::tanh(static_cast<double>(xs[i]));
        worst = std::max(worst, std::fabs(ys[i] - r) / std::ldexp(1.0, std::ilogb(r) - 23));
      }
    }
    INFO("largest error on [0.5, 2): " << worst << " ulp");
    CHECK(worst <= 1.25);
  }
  // Mixed lanes in one vector, special values, and oddness.
  const float special[] = {0.0f,
                           -0.0f,
                           0.9999f,
                           1.0f,
                           -1.0001f,
                           9.99f,
                           10.5f,
                           88.0f,
                           1e30f,
                           std::numeric_limits<float>::infinity(),
                           -std::numeric_limits<float>::infinity(),
                           1e-30f,
                           -3.0f,
                           std::numeric_limits<float>::quiet_NaN(),
                           0.1f,
                           -1e-7f};
  float out[16], neg_in[16], neg_out[16];
  k::simd::activate<16, activation::tanh>(special, out);
  for (std::size_t i = 0; i < 16; ++i) neg_in[i] = -special[i];
  k::simd::activate<16, activation::tanh>(neg_in, neg_out);
  for (std::size_t i = 0; i < 16; ++i) {
    INFO("x = " << special[i]);
    if (std::isnan(special[i])) {
      REQUIRE(std::isnan(out[i]));
      continue;
    }
    const double r = std::tanh(static_cast<double>(special[i]));
    REQUIRE(std::fabs(out[i] - r) <= 1.5 * std::ldexp(1.0, std::ilogb(std::fabs(r) + 1e-30) - 23));
    REQUIRE(neg_out[i] == -out[i]);
    REQUIRE(std::fabs(out[i]) <= 1.0f);
  }
}

TEMPLATE_TEST_CASE("FastTanh is within its error bound of tanh", "[kernels]", float, double) {
  check_fast_tanh<TestType>();
}

// Sigmoid's float vector form (ctnn's own e^-|z|, a division) against 1 / (1 + e^-z) in double:
// within 3.4 ulp on a dense grid of [-87.33, 30] (3.32 measured on every 7th float), 0 below
// -87.33 (the result is below the smallest normal float there), 1 above 17 (rounds to 1).
TEST_CASE("Sigmoid's float vector form is within 3.4 ulp of the logistic function", "[kernels]") {
  constexpr std::size_t n = 1 << 17;
  static std::array<float, n> x, y;
  for (std::size_t i = 0; i < n; ++i)
    x[i] = static_cast<float>(-87.33 + 117.33 * double(i) / (n - 1));
  k::simd::activate<n, activation::sigmoid>(x.data(), y.data());
  double worst = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double r = 1.0 / (1.0 + std::exp(-static_cast<double>(x[i])));
    worst = std::max(worst, std::fabs(y[i] - r) / std::ldexp(1.0, std::ilogb(r) - 23));
  }
  INFO("largest error: " << worst << " ulp");
  CHECK(worst <= 3.4);
  const ctnn::Matrix<float, 1, 5> edge{{-1000.0f, -88.0f, 0.0f, 40.0f, 1000.0f}};
  ctnn::Matrix<float, 1, 5> out;  // whole ctnn matrices: the kernels read and write whole vectors
  k::simd::activate<5, activation::sigmoid>(edge.data(), out.data());
  CHECK(out[0] == 0.0f);
  CHECK(out[1] == 0.0f);
  CHECK(out[2] == 0.5f);
  CHECK(out[3] == 1.0f);
  CHECK(out[4] == 1.0f);
}
