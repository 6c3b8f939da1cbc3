// A matrix's padding is scratch. Storage is padded to whole 64-byte units (padded_size) and the
// kernels may write anything there (whole vectors past a row's last element), so no result may
// depend on it: each test fills the padding of every parameter, input and target, and every byte
// of the workspace and the gradients, with NaN, then trains and runs inference, and expects the
// bits of a run from clean objects.
#include <catch2/catch.hpp>

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>

#include "ctnn/layers/conv1d.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/train.hpp"

using namespace ctnn;

namespace {

template <class M>
void poison_padding(M& m) {
  using T = typename M::value_type;
  for (std::size_t i = M::size; i < padded_size<T>(M::size); ++i)
    m.data()[i] = std::numeric_limits<T>::quiet_NaN();
}

// Every byte: a NaN in each float (0xFFFFFFFF), so a value read before it is written shows too.
template <class Object>
void poison_bytes(Object& o) {
  std::memset(static_cast<void*>(&o), 0xFF, sizeof(o));
}

template <class M>
bool same_bits(const M& a, const M& b) {
  for (std::size_t i = 0; i < M::size; ++i)
    if (std::bit_cast<std::uint32_t>(a[i]) != std::bit_cast<std::uint32_t>(b[i])) return false;
  return true;
}

template <class Net>
bool same_parameters(const Net& a, const Net& b) {
  bool same = true;
  detail::for_each_tensor([&](const auto& x, const auto& y) { same = same && same_bits(x, y); },
                          a.layers(), b.layers());
  return same;
}

template <class Net, class Loss, class Optimizer, std::size_t B, class Target>
void check_padding_is_scratch(const Matrix<float, B, Net::input_size>& x, const Target& target) {
  static Net clean{Seed{7}};
  static Net dirty;
  dirty = clean;
  for_each_parameter(dirty, [](std::size_t, auto, auto, auto& p) { poison_padding(p); });
  auto x_dirty = x;
  poison_padding(x_dirty);
  auto target_dirty = target;
  if constexpr (is_matrix_v<Target>) poison_padding(target_dirty);

  static Trainer<Net, Loss, Optimizer, B> clean_trainer, dirty_trainer;
  clean_trainer = {};
  dirty_trainer = {};
  poison_bytes(dirty_trainer.workspace);
  poison_bytes(dirty_trainer.gradients);
  for (int step = 0; step < 4; ++step) {
    const auto c = clean_trainer.step(clean, x, target);
    const auto d = dirty_trainer.step(dirty, x_dirty, target_dirty);
    REQUIRE(c.status == StepStatus::ok);
    REQUIRE(d.status == StepStatus::ok);
    REQUIRE(std::bit_cast<std::uint32_t>(c.loss) == std::bit_cast<std::uint32_t>(d.loss));
    REQUIRE(same_parameters(clean, dirty));
  }
  CHECK(same_bits(clean.forward(x), dirty.forward(x_dirty)));
}

template <class M>
M ramp(float scale) {
  M m;
  for (std::size_t i = 0; i < M::size; ++i)
    m[i] = scale * (static_cast<float>((i * 7) % 11) - 5.0f);
  return m;
}

}  // namespace

TEST_CASE("Padding is scratch: tanh model of odd widths, batch 1, Adam", "[padding]") {
  using Net = Network<Input<1>, Dense<6>, Tanh, Dense<12>, Tanh, Dense<1>>;
  check_padding_is_scratch<Net, MeanSquaredError, Adam<Net>>(ramp<Matrix<float, 1, 1>>(0.1f),
                                                             ramp<Matrix<float, 1, 1>>(0.05f));
}

TEST_CASE("Padding is scratch: softmax classifier, batches 1 and 3, RMSProp", "[padding]") {
  using Net = Network<Input<3>, Dense<5>, Sigmoid, Dense<7>, ReLU, Dense<4>, Softmax>;
  check_padding_is_scratch<Net, CrossEntropy, RMSProp<Net>>(ramp<Matrix<float, 1, 3>>(0.2f),
                                                            ClassLabels<1, 4>{{2}});
  check_padding_is_scratch<Net, CrossEntropy, RMSProp<Net>>(ramp<Matrix<float, 3, 3>>(0.2f),
                                                            ClassLabels<3, 4>{{2, 0, 3}});
}

TEST_CASE("Padding is scratch: widths 20, batches 1 and 5, momentum", "[padding]") {
  using Net = Network<Input<8>, Dense<20>, ReLU, Dense<20>, FastTanh, Dense<2>>;
  check_padding_is_scratch<Net, MeanSquaredError, Momentum<Net>>(ramp<Matrix<float, 1, 8>>(0.1f),
                                                                 ramp<Matrix<float, 1, 2>>(0.03f));
  check_padding_is_scratch<Net, MeanSquaredError, Momentum<Net>>(ramp<Matrix<float, 5, 8>>(0.1f),
                                                                 ramp<Matrix<float, 5, 2>>(0.03f));
}

TEST_CASE("Padding is scratch: convolutions, batch 2, gradient descent", "[padding]") {
  using Net = Network<Input<10, 3>, Conv1D<5, 3>, Tanh, Conv1D<2, 2>, Flatten, Dense<3>>;
  check_padding_is_scratch<Net, MeanSquaredError, GradientDescent<Net>>(
      ramp<Matrix<float, 2, 30>>(0.1f), ramp<Matrix<float, 2, 3>>(0.05f));
}
