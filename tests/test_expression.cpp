// The scalar expression graph of note 002: the two worked graphs by hand (also in static_assert),
// every operation's partials against central finite differences in double, ties, saturation.
#include <catch2/catch.hpp>

#include <cmath>

#include "ctnn/expression.hpp"
#include "reference.hpp"

using ctnn::expr::Var;

namespace {
constexpr Var<0> x{};
constexpr Var<1> y{};
constexpr Var<2> z{};
}  // namespace

// L = (x + y) z at (-2, 5, -4): q = x + y = 3, L = -12; dL/dz = q = 3; dL/dq = z = -4, and the
// sum distributes it unchanged: dL/dx = dL/dy = -4.
constexpr auto worked1 = ctnn::gradient((x + y) * z, -2.0, 5.0, -4.0);
static_assert(worked1.value == -12.0);
static_assert(worked1.partial[0] == -4.0 && worked1.partial[1] == -4.0);
static_assert(worked1.partial[2] == 3.0);

// L = sigmoid(w . x + b) with w = (2, -3, 1), x = (-1, -2, 0.5), b = -4.5: w . x = -2 + 6 + 0.5 =
// 4.5, so z = 0, L = 1/2 and dL/dz = L (1 - L) = 1/4; dL/dw_i = x_i / 4, dL/dx_i = w_i / 4,
// dL/db = 1/4. Variables: w0 w1 w2 x0 x1 x2 b.
constexpr auto graph2 = ctnn::expr::sigmoid(
    ctnn::expr::sum(Var<0>{} * Var<3>{}, Var<1>{} * Var<4>{}, Var<2>{} * Var<5>{}) + Var<6>{});
constexpr auto worked2 = ctnn::gradient(graph2, 2.0, -3.0, 1.0, -1.0, -2.0, 0.5, -4.5);
static_assert(worked2.value == 0.5);
static_assert(worked2.partial[0] == -0.25 && worked2.partial[1] == -0.5 &&
              worked2.partial[2] == 0.125);
static_assert(worked2.partial[3] == 0.5 && worked2.partial[4] == -0.75 &&
              worked2.partial[5] == 0.25);
static_assert(worked2.partial[6] == 0.25);

TEST_CASE("Note 002's two worked graphs, by hand", "[expression][notes]") {
  const auto g1 = ctnn::gradient((x + y) * z, -2.0, 5.0, -4.0);
  CHECK(g1.value == -12.0);
  CHECK(g1.partial == std::array<double, 3>{-4.0, -4.0, 3.0});
  const auto [tape, partial] = ctnn::gradient_tape((x + y) * z, -2.0, 5.0, -4.0);
  CHECK(tape.child<0>().value == 3.0);  // q = x + y
  CHECK(tape.child<0>().grad == -4.0);  // dL/dq = z
  CHECK(tape.child<1>().grad == 3.0);   // dL/dz = q
  (void)partial;

  const auto g2 = ctnn::gradient(graph2, 2.0f, -3.0f, 1.0f, -1.0f, -2.0f, 0.5f, -4.5f);
  CHECK(g2.value == 0.5f);
  const float expected[7] = {-0.25f, -0.5f, 0.125f, 0.5f, -0.75f, 0.25f, 0.25f};
  for (std::size_t i = 0; i < 7; ++i) CHECK(g2.partial[i] == expected[i]);
}

namespace {
// Checks every partial of e at the point against central differences in double.
template <class E, std::size_t N>
void check_fd(const E& e, std::array<double, N> p) {
  const auto g = std::apply([&](auto... v) { return ctnn::gradient(e, v...); }, p);
  const double h = 1e-6;
  for (std::size_t i = 0; i < N; ++i) {
    auto hi = p, lo = p;
    hi[i] += h;
    lo[i] -= h;
    const double fhi = std::apply([&](auto... v) { return ctnn::gradient(e, v...).value; }, hi);
    const double flo = std::apply([&](auto... v) { return ctnn::gradient(e, v...).value; }, lo);
    const double numeric = (fhi - flo) / (2 * h);
    INFO("variable " << i << ": analytic " << g.partial[i] << ", numeric " << numeric);
    CHECK(std::abs(g.partial[i] - numeric) <=
          1e-6 * std::max({std::abs(numeric), std::abs(g.partial[i]), 1e-3}));
  }
}
}  // namespace

TEST_CASE("Every operation's partials against finite differences", "[expression]") {
  for (std::size_t k = 0; k < 5; ++k) {
    const double a = 1.5 * ref::noise(k, 1) + 0.1, b = 1.5 * ref::noise(k, 2) - 0.2,
                 c = ref::noise(k, 3) + 2.5;
    check_fd(x + y, std::array{a, b});
    check_fd(x - y, std::array{a, b});
    check_fd(x * y, std::array{a, b});
    check_fd(x / z, std::array{a, b, c});
    check_fd(ctnn::expr::max(x, y, x * 0.5), std::array{a, b});
    check_fd(ctnn::expr::min(x, y), std::array{a, b});
    check_fd(ctnn::expr::sigmoid(x * 3.0), std::array{a});
    check_fd(ctnn::expr::tanh(x - y), std::array{a, b});
    check_fd(ctnn::expr::exp(x), std::array{a});
    check_fd(ctnn::expr::log(z), std::array{a, b, c});
    check_fd(ctnn::expr::sum(x, y, z, x * y), std::array{a, b, c});
    check_fd(ctnn::expr::product(x, y, z), std::array{a, b, c});
    check_fd(ctnn::expr::log(ctnn::expr::exp(x) + ctnn::expr::exp(y)) / (z - 1.0),
             std::array{a, b, c});
  }
  // A product with a zero factor: the other partials are still the product of the others.
  const auto g = ctnn::gradient(ctnn::expr::product(x, y, z), 0.0, 2.0, 3.0);
  CHECK(g.partial == std::array<double, 3>{6.0, 0.0, 0.0});
}

TEST_CASE("max and min give the flow to the first extreme input on ties", "[expression]") {
  CHECK(ctnn::gradient(ctnn::expr::max(x, y, z), 1.0, 3.0, 3.0).partial ==
        std::array<double, 3>{0, 1, 0});
  CHECK(ctnn::gradient(ctnn::expr::max(x, y, z), 3.0, 3.0, 3.0).partial ==
        std::array<double, 3>{1, 0, 0});
  CHECK(ctnn::gradient(ctnn::expr::min(x, y, z), 2.0, -1.0, -1.0).partial ==
        std::array<double, 3>{0, 1, 0});
  CHECK(ctnn::gradient(x - ctnn::expr::max(x, y), 2.0, 2.0).partial == std::array<double, 2>{0, 0});
}

TEST_CASE("Sigmoid saturates without NaN at |x| = 1e4", "[expression]") {
  for (const double v : {1e4, -1e4}) {
    const auto g = ctnn::gradient(ctnn::expr::sigmoid(x * 1.0), v);
    CHECK(std::isfinite(g.value));
    CHECK(g.value == (v > 0 ? 1.0 : 0.0));
    CHECK(g.partial[0] == 0.0);
    const auto gf = ctnn::gradient(ctnn::expr::sigmoid(x), static_cast<float>(v));
    CHECK(std::isfinite(gf.value));
    CHECK(std::isfinite(gf.partial[0]));
  }
}

#include "ctnn/layers/dense.hpp"
#include "ctnn/train.hpp"

namespace {
struct SquaredError {
  static constexpr auto expression = (Var<0>{} - Var<1>{}) * (Var<0>{} - Var<1>{});
};
}  // namespace

TEST_CASE("An expression as a custom per-element loss equals the built-in MSE", "[expression]") {
  using Net =
      ctnn::BasicNetwork<double, ctnn::Input<3>, ctnn::Dense<4>, ctnn::Tanh, ctnn::Dense<2>>;
  const Net net{ctnn::Seed{9}};
  ctnn::Matrix<double, 5, 3> in;
  ctnn::Matrix<double, 5, 2> t;
  for (std::size_t i = 0; i < in.size; ++i) in[i] = ref::noise(i, 40);
  for (std::size_t i = 0; i < t.size; ++i) t[i] = ref::noise(i, 41);
  ctnn::Workspace<Net, 5> ws;
  ctnn::Gradients<Net> custom, builtin;
  const double c1 =
      ctnn::compute_gradients<ctnn::ElementwiseLoss<SquaredError>>(net, in, t, ws, custom);
  const double c2 = ctnn::compute_gradients<ctnn::MeanSquaredError>(net, in, t, ws, builtin);
  CHECK(c1 == Approx(c2).epsilon(1e-14));
  for (std::size_t i = 0; i < 12; ++i)
    CHECK(custom.layer<1>().weights[i] == Approx(builtin.layer<1>().weights[i]).epsilon(1e-12));
}
