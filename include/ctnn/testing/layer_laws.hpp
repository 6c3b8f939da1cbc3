/// @file testing/layer_laws.hpp
/// The laws every layer must obey, checked for one layer spec and one input shape in one call,
/// for built-in and user-defined layers alike (any test framework: it returns a report):
///
///   const auto report = ctnn::testing::check_layer_laws<ctnn::Conv1D<4, 3>, ctnn::Sequence<6,
///   2>>(); CHECK(report.ok);  INFO(report.failure);
///
/// 1. Constant evaluation: forward in a constant expression (scalar kernels) equals forward at run
///    time (SIMD kernels), in float, within 1e-5 relative (1e-6 absolute below 0.1: the sums'
///    round-off differs with the order of the terms).
/// 2. Training forward: forward with the layer's training cache equals inference forward.
/// 3. Streaming (layers with state): the sequence fed one frame per stream() call equals forward
///    on the whole sequence, and reset() starts over.
/// 4. Gradients (trainable layers), in double: for C = sum(Y (.) R) with R fixed and random, every
///    element of every parameter gradient and of dC/dX equals a central finite difference within
///    1e-6 relative (errors below 1e-3 in absolute value count as zero-gradient round-off).
/// 5. No heap: the training forward and backward, and stream(), allocate nothing (when given a
///    function counting the program's allocations).
/// A failure names the law, the layer's kind, the tensor, the element, the shapes and both values.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstddef>
#include <cstdio>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "ctnn/detail/tensors.hpp"
#include "ctnn/layers/layer.hpp"
#include "ctnn/matrix.hpp"
#include "ctnn/random.hpp"
#include "ctnn/shape.hpp"

namespace ctnn::testing {

/// What check_layer_laws found: ok, how many values it compared, and the first failure.
struct LawReport {
  /// True when every law held.
  bool ok = true;
  /// How many values were compared.
  std::size_t compared = 0;
  /// The first failure, naming the law, layer, tensor, element and values.
  char failure[512] = {};

#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  void
  /// Records a failure (the first one is kept).
  fail(const char* format, ...) {
    if (!ok) return;  // keep the first failure
    ok = false;
    va_list args;
    va_start(args, format);
    std::vsnprintf(failure, sizeof failure, format, args);
    va_end(args);
  }
};

namespace detail {

/// "Features<7>" or "Sequence<6, 2>".
template <class S>
struct shape_name {
  char text[48];
  shape_name() {
    if constexpr (is_sequence_v<S>)
      std::snprintf(text, sizeof text, "Sequence<%zu, %zu>", S::time, S::channels);
    else
      std::snprintf(text, sizeof text, "Features<%zu>", S::size);
  }
};

/// A value in [-1, 1) from a counter (independent of the library's generator).
constexpr double law_noise(std::size_t i, std::size_t salt) {
  unsigned long long x = (i + 1) * 0x9E3779B97F4A7C15ULL + salt * 0xD1B54A32D192ED03ULL;
  x ^= x >> 29;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 32;
  return static_cast<double>(x % 2000001ULL) / 1000000.0 - 1.0;
}

template <class M>
constexpr void fill(M& m, std::size_t salt, double scale = 1.0) {
  using T = typename M::value_type;
  for (std::size_t i = 0; i < M::size; ++i) m[i] = static_cast<T>(scale * law_noise(i, salt));
}

/// A layer with parameters drawn from the layer's own initialization, then every tensor (biases
/// too) moved by a little noise so that no gradient is trivially zero.
template <class L>
constexpr L prepared_layer() {
  L layer{};
  if constexpr (requires(SplitMix64 & rng) { layer.initialize(rng, Initialization::glorot); }) {
    SplitMix64 rng{7};
    layer.initialize(rng, Initialization::glorot);
  }
  if constexpr (requires { layer.parameters(); }) {
    std::size_t salt = 100;
    std::apply(
        [&](auto&... tensor) {
          (
              [&] {
                using T = typename std::remove_cvref_t<decltype(tensor)>::value_type;
                for (std::size_t i = 0; i < tensor.size; ++i)
                  tensor[i] += static_cast<T>(0.1 * law_noise(i, salt));
                ++salt;
              }(),
              ...);
        },
        layer.parameters().tensors());
  }
  return layer;
}

template <class L, std::size_t B>
using input_batch = Matrix<typename L::value_type, B, L::input_shape::size>;
template <class L, std::size_t B>
using output_batch = Matrix<typename L::value_type, B, L::output_shape::size>;

template <class L, std::size_t B>
constexpr output_batch<L, B> forward_of_prepared() {
  const L layer = prepared_layer<L>();
  input_batch<L, B> x;
  fill(x, 1);
  output_batch<L, B> y;
  layer.forward(x, y);
  return y;
}

template <class L, std::size_t B>
constexpr output_batch<L, B> cached_forward(const L& layer, const input_batch<L, B>& x) {
  output_batch<L, B> y;
  if constexpr (has_cache_v<L>) {
    cache_t<L, B> cache{};
    layer.forward(x, y, cache);
  } else {
    layer.forward(x, y);
  }
  return y;
}

inline bool close(double a, double b, double relative, double floor) {
  return std::abs(a - b) <= relative * std::max({std::abs(a), std::abs(b), floor});
}

/// Law 4 for layer type L (double).
template <class L, std::size_t B>
void check_gradients(LawReport& report, const char* shapes) {
  using T = typename L::value_type;
  using P = typename L::parameters_type;
  L layer = prepared_layer<L>();
  input_batch<L, B> x;
  fill(x, 1);
  output_batch<L, B> r;  // dC/dY
  fill(r, 2);
  const auto cost = [&](const L& l, const input_batch<L, B>& in) {
    const auto y = cached_forward<L, B>(l, in);
    double c = 0;
    for (std::size_t i = 0; i < y.size; ++i) c += double(y[i]) * double(r[i]);
    return c;
  };
  // Backward after a training forward pass.
  P gradient{};
  input_batch<L, B> dx;
  {
    output_batch<L, B> y;
    if constexpr (has_cache_v<L>) {
      static cache_t<L, B> cache;  // may be large: not on the stack
      layer.forward(x, y, cache);
      layer.template backward<true>(x, y, r, dx, gradient, cache);
    } else {
      layer.forward(x, y);
      layer.template backward<true>(x, y, r, dx, gradient);
    }
  }
  const double h = 1e-6;
  const auto compare = [&](std::string_view tensor, std::size_t rows, std::size_t cols,
                           std::size_t i, double analytic, double numeric) {
    ++report.compared;
    // A copy: GCC 12 takes a name inside a constant array for one without its '\0'.
    char name[64] = {};
    for (std::size_t k = 0; k < tensor.size() && k + 1 < sizeof name; ++k) name[k] = tensor[k];
    if (!close(analytic, numeric, 1e-6, 1e-3))
      report.fail(
          "gradient law: %.*s, tensor %s (%zu x %zu), element (%zu, %zu): backward %.9g, finite "
          "difference %.9g (%s, batch %zu)",
          int(L::kind.size()), L::kind.data(), name, rows, cols, i / cols, i % cols, analytic,
          numeric, shapes, B);
  };
  // Every parameter element.
  auto parameters = layer.parameters().tensors();
  const auto gradients = gradient.tensors();
  [&]<std::size_t... J>(std::index_sequence<J...>) {
    (
        [&] {
          auto& p = std::get<J>(parameters);
          const auto& g = std::get<J>(gradients);
          using M = std::remove_cvref_t<decltype(p)>;
          for (std::size_t i = 0; i < M::size; ++i) {
            const T saved = p[i];
            p[i] = saved + T(h);
            const double up = cost(layer, x);
            p[i] = saved - T(h);
            const double down = cost(layer, x);
            p[i] = saved;
            compare(P::names[J], M::rows, M::cols, i, double(g[i]), (up - down) / (2 * h));
          }
        }(),
        ...);
  }
  (std::make_index_sequence<std::tuple_size_v<decltype(parameters)>>{});
  // Every input element.
  for (std::size_t i = 0; i < x.size; ++i) {
    auto moved = x;
    moved[i] = x[i] + T(h);
    const double up = cost(layer, moved);
    moved[i] = x[i] - T(h);
    const double down = cost(layer, moved);
    compare("input", B, x.cols, i, double(dx[i]), (up - down) / (2 * h));
  }
}

}  // namespace detail

/// Checks the laws above for the layer that Spec binds to on samples of shape InputShape, with
/// batches of B. `allocations`, when given, returns the number of heap allocations the program
/// has made so far (tests/allocation_counter.cpp is one way to count them).
template <class Spec, class InputShape, std::size_t B = 3>
LawReport check_layer_laws(std::size_t (*allocations)() = nullptr) {
  static_assert(Spec::template accepts<InputShape>, "check_layer_laws: Spec rejects InputShape");
  using Lf = typename Spec::template layer<float, InputShape>;
  using Ld = typename Spec::template layer<double, InputShape>;
  static_assert(InferenceLayer<Lf>, "check_layer_laws: not an InferenceLayer");
  LawReport report;
  const detail::shape_name<InputShape> in;
  const detail::shape_name<typename Lf::output_shape> out;
  char shapes[128];
  std::snprintf(shapes, sizeof shapes, "%s -> %s", in.text, out.text);
  const std::string_view kind = Lf::kind;

  // 1. Constant evaluation agrees with run time.
  constexpr auto at_compile_time = detail::forward_of_prepared<Lf, B>();
  const auto at_run_time = detail::forward_of_prepared<Lf, B>();
  for (std::size_t i = 0; i < at_run_time.size; ++i) {
    ++report.compared;
    if (!detail::close(at_compile_time[i], at_run_time[i], 1e-5, 0.1))
      report.fail(
          "constexpr law: %.*s (%s, batch %zu) output element (%zu, %zu): constexpr %.9g, "
          "run time %.9g",
          int(kind.size()), kind.data(), shapes, B, i / at_run_time.cols, i % at_run_time.cols,
          double(at_compile_time[i]), double(at_run_time[i]));
  }

  // 2. The training forward pass (with its cache) computes what inference computes.
  const Lf layer = detail::prepared_layer<Lf>();
  Matrix<float, B, InputShape::size> x;
  detail::fill(x, 1);
  if constexpr (has_cache_v<Lf>) {
    const auto cached = detail::cached_forward<Lf, B>(layer, x);
    for (std::size_t i = 0; i < cached.size; ++i) {
      ++report.compared;
      if (!detail::close(cached[i], at_run_time[i], 1e-5, 0.1))
        report.fail(
            "training forward law: %.*s (%s) output element %zu: with cache %.9g, "
            "inference %.9g",
            int(kind.size()), kind.data(), shapes, i, double(cached[i]), double(at_run_time[i]));
    }
  }

  // 3. Streaming one frame at a time equals forward on the whole sequence; reset starts over.
  if constexpr (has_state_v<Lf> && is_sequence_v<InputShape>) {
    using Frame = Sequence<1, InputShape::channels>;
    using Lframe = typename Spec::template layer<float, Frame>;
    static_assert(std::is_same_v<decltype(ctnn::detail::tensors_of(std::declval<Lframe&>())),
                                 decltype(ctnn::detail::tensors_of(std::declval<Lf&>()))>,
                  "check_layer_laws: a streaming layer's tensors must not depend on the time");
    Lframe streaming{};
    ctnn::detail::tensors_of(streaming) = ctnn::detail::tensors_of(layer);
    constexpr std::size_t in_c = InputShape::channels, out_c = Lf::output_shape::channels;
    for (int pass = 0; pass < 2; ++pass) {
      streaming.reset();
      for (std::size_t t = 0; t < InputShape::time; ++t) {
        Matrix<float, 1, in_c> frame;
        for (std::size_t c = 0; c < in_c; ++c) frame[c] = x(0, t * in_c + c);
        Matrix<float, 1, out_c> y;
        const std::size_t before = allocations != nullptr ? allocations() : 0;
        streaming.stream(frame, y);
        if (allocations != nullptr && allocations() != before)
          report.fail("no-heap law: %.*s::stream allocated", int(kind.size()), kind.data());
        for (std::size_t c = 0; c < out_c; ++c) {
          ++report.compared;
          const float whole = at_run_time(0, t * out_c + c);
          if (!detail::close(y[c], whole, 1e-5, 0.1))
            report.fail(
                "streaming law: %.*s (%s) pass %d, frame %zu, channel %zu: streamed %.9g, "
                "forward %.9g",
                int(kind.size()), kind.data(), shapes, pass, t, c, double(y[c]), double(whole));
        }
      }
    }
  }

  // 4. Gradients against finite differences, in double.
  if constexpr (TrainableLayer<Ld>) {
    detail::check_gradients<Ld, B>(report, shapes);

    // 5. The training step of the layer allocates nothing.
    if (allocations != nullptr) {
      static Lf trained = detail::prepared_layer<Lf>();
      static Matrix<float, B, Lf::output_shape::size> y, g;
      static Matrix<float, B, InputShape::size> dx;
      static typename Lf::parameters_type gradient;
      static cache_t<Lf, B> cache;
      const std::size_t before = allocations();
      if constexpr (has_cache_v<Lf>) {
        trained.forward(x, y, cache);
        trained.template backward<true>(x, y, g, dx, gradient, cache);
      } else {
        trained.forward(x, y);
        trained.template backward<true>(x, y, g, dx, gradient);
      }
      if (allocations() != before)
        report.fail("no-heap law: %.*s's training forward and backward allocated %zu times",
                    int(kind.size()), kind.data(), allocations() - before);
    }
  }
  return report;
}

}  // namespace ctnn::testing
