// The layer laws (ctnn/testing/layer_laws.hpp) for every built-in layer, on feature and sequence
// shapes, for a user-defined layer, and a broken layer that must fail them with a message naming
// the tensor and the element.
#include <cstddef>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>
#include <ctnn/ctnn.hpp>
#include <ctnn/testing/layer_laws.hpp>

#if defined(CTNN_TEST_COUNTS_ALLOCATIONS)
#include "allocation_counter.hpp"
#endif

using namespace ctnn;

namespace {

// Allocations since counting started, or no counting (sanitizer builds replace malloc too).
#if defined(CTNN_TEST_COUNTS_ALLOCATIONS)
std::size_t allocations() {
  return alloc::count();
}
constexpr auto counter = &allocations;
#else
constexpr std::size_t (*counter)() = nullptr;
#endif

template <class Spec, class Shape, std::size_t B = 3>
void check() {
#if defined(CTNN_TEST_COUNTS_ALLOCATIONS)
  alloc::start();
#endif
  const testing::LawReport report = testing::check_layer_laws<Spec, Shape, B>(counter);
#if defined(CTNN_TEST_COUNTS_ALLOCATIONS)
  alloc::stop();
#endif
  INFO(report.failure);
  CHECK(report.ok);
  CHECK(report.compared > 0);
}

// A user-defined trainable layer: y = x (.) s, a learned scale per feature. With Broken, its
// backward returns twice the scale's gradient: the gradient law must catch it.
template <class T, std::size_t N, bool Broken>
struct ScaleParameters {
  static constexpr std::array<std::string_view, 1> names{"scale"};
  static constexpr std::array<bool, 1> decayed{false};
  Matrix<T, 1, N> scale = Matrix<T, 1, N>::filled(T(1));
  constexpr auto tensors() { return std::tie(scale); }
  constexpr auto tensors() const { return std::tie(scale); }
};
template <class T, std::size_t N, bool Broken>
struct ScaleLayer : WithParameters<ScaleParameters<T, N, Broken>> {
  using value_type = T;
  using input_shape = Features<N>;
  using output_shape = Features<N>;
  static constexpr std::string_view kind = "Scale";
  template <std::size_t B>
  constexpr void forward(const Matrix<T, B, N>& x, Matrix<T, B, N>& y) const {
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t j = 0; j < N; ++j) y(b, j) = x(b, j) * this->scale[j];
  }
  template <bool InputGradient, std::size_t B>
  constexpr void backward(const Matrix<T, B, N>& x, const Matrix<T, B, N>&,
                          const Matrix<T, B, N>& g, Matrix<T, B, N>& dx,
                          ScaleParameters<T, N, Broken>& gradient) const {
    for (std::size_t j = 0; j < N; ++j) {
      T sum = 0;
      for (std::size_t b = 0; b < B; ++b) sum += g(b, j) * x(b, j);
      gradient.scale[j] = Broken ? 2 * sum : sum;
    }
    if constexpr (InputGradient)
      for (std::size_t b = 0; b < B; ++b)
        for (std::size_t j = 0; j < N; ++j) dx(b, j) = g(b, j) * this->scale[j];
  }
  constexpr void initialize(SplitMix64&, Initialization) {}
};
template <bool Broken>
struct Scale {
  template <class S>
  static constexpr bool accepts = is_features_v<S>;
  template <class S>
  using output_shape = S;
  template <class T, class S>
  using layer = ScaleLayer<T, S::size, Broken>;
};

}  // namespace

TEST_CASE("layer laws: Dense", "[laws]") {
  check<Dense<5>, Features<7>>();
  check<Dense<16>, Features<16>>();
  check<Dense<3>, Features<33>, 1>();  // batch 1: the matrix-vector kernels
  check<Dense<7, 2>, Features<7>>();
}

TEST_CASE("layer laws: activations", "[laws]") {
  check<ReLU, Features<9>>();
  check<Sigmoid, Features<9>>();
  check<Tanh, Features<9>>();
  check<FastTanh, Features<9>>();
  check<Identity, Features<9>>();
  check<Softmax, Features<6>>();
  check<ReLU, Sequence<4, 3>>();
  check<Tanh, Sequence<4, 3>>();
}

TEST_CASE("layer laws: Conv1D and Flatten", "[laws]") {
  check<Conv1D<4, 3>, Sequence<6, 2>>();
  check<Conv1D<3, 1>, Sequence<5, 3>>();   // kernel 1: no past frames
  check<Conv1D<2, 4>, Sequence<3, 2>>();   // kernel longer than the sequence
  check<Conv1D<16, 2>, Sequence<8, 1>>();  // one input channel, a vector of filters
  check<Conv1D<5, 3>, Sequence<6, 2>, 1>();
  check<Conv1D<3, 3, 2>, Sequence<9, 2>>();  // dilated: taps 2 frames apart
  check<Conv1D<2, 2, 4>, Sequence<3, 2>>();  // the dilation reaches past the sequence
  check<Conv1D<4, 3, 3>, Sequence<8, 1>, 1>();
  check<Flatten, Sequence<4, 3>>();
}

TEST_CASE("layer laws: LSTM, GRU and LastFrame", "[laws]") {
  check<LSTM<4>, Sequence<5, 2>>();
  check<LSTM<3>, Sequence<6, 1>, 1>();  // one channel, as audio; batch 1
  check<LSTM<16>, Sequence<3, 5>>();    // a whole vector of units per gate
  check<GRU<4>, Sequence<5, 2>>();
  check<GRU<3>, Sequence<6, 1>, 1>();
  check<GRU<16>, Sequence<3, 5>>();
  // The fast cells' backward uses the exact derivatives (1 - a^2, a (1 - a)) at the fast values,
  // not the derivatives of FastTanh's fit: their gradients differ from central differences of the
  // fast forward by about 1e-6 relative (LSTM<5, FastTanh> on Sequence<4, 3>: 1.02e-6, over the
  // law's bound). GRU<5, FastTanh> stays within it; both cells' outputs are compared with the exact
  // cells' in test_recurrent.cpp.
  check<GRU<5, FastTanh>, Sequence<4, 3>>();
  check<LastFrame, Sequence<4, 3>>();
  // A learned initial state: forward and reset() start from it, its gradient is dC/dh_{-1}
  // (and dC/dc_{-1}) summed over the batch.
  check<LSTM<4, Tanh, LearnedState>, Sequence<5, 2>>();
  check<GRU<3, Tanh, LearnedState>, Sequence<4, 2>>();
}

TEST_CASE("layer laws: Residual (y = x + f(x)) on sequences and features", "[laws]") {
  check<Residual<LSTM<4>, Linear<2>>, Sequence<5, 2>>();  // Proteus's shape: the input added
  check<Residual<GRU<3>, Linear<1>>, Sequence<6, 1>, 1>();
  check<Residual<Dense<6>, Tanh, Dense<4>>, Features<4>>();                    // a ResNet block
  check<Residual<Conv1D<2, 3>, Tanh, Residual<Linear<2>>>, Sequence<4, 2>>();  // nested
  check<Linear<3>, Sequence<4, 5>>();
}

TEST_CASE("layer laws: a user-defined layer passes them in one line", "[laws]") {
  check<Scale<false>, Features<5>>();
}

TEST_CASE("layer laws: a wrong backward fails them, naming the tensor and the element", "[laws]") {
  const testing::LawReport report = testing::check_layer_laws<Scale<true>, Features<5>>();
  CHECK_FALSE(report.ok);
  const std::string failure = report.failure;
  INFO(failure);
  CHECK(failure.find("gradient law: Scale, tensor scale (1 x 5), element (0, 0)") == 0);
  CHECK(failure.find("Features<5> -> Features<5>, batch 3") != std::string::npos);
}
