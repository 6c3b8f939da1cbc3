// Static tests: this file only has to compile. Every check is a static_assert evaluated by the
// compiler: negative tests (what must not compile is not a valid expression or not a valid
// network) and constant-expression runs of the library (forward passes, XOR training).
#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/embedded.hpp>

#include "fixtures/export_classifier_f16.hpp"
#include "fixtures/reference_tanh_mlp.hpp"
#include "fixtures/torch_tanh_mlp.hpp"
#include "xor_training.hpp"

namespace {

using namespace ctnn;

// ---------------------------------------------------------------------------------------------
// Invalid networks cannot be formed: ValidNetwork is false for each catalogue mistake, and true
// for the corrected network next to it (so a typo cannot make a negative test pass).

static_assert(ValidNetwork<float, Input<4>, Dense<8>, ReLU, Dense<8, 3>>);
static_assert(!ValidNetwork<float, Input<4>, Dense<8>, ReLU, Dense<5, 3>>);  // does not fit
static_assert(ValidNetwork<float, Input<4>, Dense<4, 8>>);
static_assert(!ValidNetwork<float, Input<4>, Dense<5, 8>>);         // first layer vs Input<4>
static_assert(!ValidNetwork<float, Input<4>, Dense<8>, Dense<0>>);  // zero outputs
static_assert(!ValidNetwork<float, Input<0>, Dense<8>>);            // zero inputs
static_assert(!ValidNetwork<float, Input<4>>);                      // no layers
static_assert(!ValidNetwork<float, Dense<4>, Dense<8>>);            // no Input<N> first
static_assert(!ValidNetwork<float, Input<4>, Dense<8>, float>);     // not a layer spec

// A user-defined layer (a fixed gain) that misses one requirement of the layer concepts at a time.
template <std::size_t N, bool HasForward, bool HasBackward, bool HasInitialize>
struct Gain : WithParameters<NoParameters> {
  using value_type = float;
  using input_shape = Features<N>;
  using output_shape = Features<N>;
  static constexpr std::string_view kind = "Gain";
  template <std::size_t B>
  constexpr void forward(const Matrix<float, B, N>&,
                         Matrix<float, B, N>&) const requires HasForward {}
  template <bool InputGradient, std::size_t B>
  constexpr void backward(const Matrix<float, B, N>&, const Matrix<float, B, N>&,
                          const Matrix<float, B, N>&, Matrix<float, B, N>&,
                          NoParameters&) const requires HasBackward {}
  constexpr void initialize(SplitMix64&, Initialization) requires HasInitialize {}
};
template <bool F, bool B, bool I>
struct GainSpec {
  template <class S>
  static constexpr bool accepts = true;
  template <class S>
  using output_shape = S;
  template <class T, class S>
  using layer = Gain<S::size, F, B, I>;
};
static_assert(TrainableLayer<Gain<3, true, true, true>>);
static_assert(!InferenceLayer<Gain<3, false, true, true>>);  // no forward: not a layer at all
static_assert(InferenceLayer<Gain<3, true, false, true>>);   // no backward: inference only
static_assert(!TrainableLayer<Gain<3, true, false, true>>);
static_assert(!TrainableLayer<Gain<3, true, true, false>>);  // no initialize: inference only
static_assert(ValidNetwork<float, Input<4>, GainSpec<true, true, true>, Dense<1>>);
static_assert(ValidNetwork<float, Input<4>, GainSpec<true, false, true>, Dense<1>>);
static_assert(!ValidNetwork<float, Input<4>, GainSpec<false, true, true>, Dense<1>>);
static_assert(Network<Input<4>, GainSpec<true, true, true>, Dense<1>>::trainable);
static_assert(!Network<Input<4>, GainSpec<true, false, true>, Dense<1>>::trainable);
static_assert(
    std::is_same_v<
        decltype(detail::missing_inference_requirement<Gain<3, false, true, true>>()),
        std::type_identity<layer_requirement::const_forward_from_input_batch_to_output_batch>>);
static_assert(
    std::is_same_v<decltype(detail::missing_training_requirement<Gain<3, true, false, true>>()),
                   std::type_identity<layer_requirement::const_backward_with_input_gradient_flag>>);
static_assert(
    std::is_same_v<decltype(detail::missing_training_requirement<Gain<3, true, true, false>>()),
                   std::type_identity<layer_requirement::initialize_from_generator_and_scheme>>);

// An inference-only network runs forward, also in a constant expression.
static_assert(Network<Input<4>, GainSpec<true, false, true>, Dense<1>>{}.forward(
                  Matrix<float, 1, 4>{})(0, 0) == 0.0f);

// ---------------------------------------------------------------------------------------------
// Element types are opened through element_traits: a user type becomes a Matrix element there.
struct Q15 {  // a fixed-point sample, inference only
  short bits = 0;
};
}  // namespace
template <>
struct ctnn::element_traits<Q15> {
  static constexpr bool is_element = true;
  using accumulator_type = int;
  static constexpr bool trainable = false;
};
namespace {
static_assert(Element<Q15> && !TrainableElement<Q15> && TrainableElement<float>);
static_assert(Matrix<Q15, 2, 3>::size == 6);
static_assert(!Element<int>);

// ---------------------------------------------------------------------------------------------
// Invalid operations are not valid expressions.

template <std::size_t R1, std::size_t C1, std::size_t R2, std::size_t C2>
constexpr bool can_multiply = requires(Matrix<float, R1, C1> a, Matrix<float, R2, C2> b) {
  a* b;
};
static_assert(can_multiply<2, 3, 3, 5>);
static_assert(!can_multiply<2, 3, 4, 5>);

template <std::size_t R1, std::size_t C1, std::size_t R2, std::size_t C2>
constexpr bool can_add = requires(Matrix<float, R1, C1> a, Matrix<float, R2, C2> b) {
  a + b;
};
static_assert(can_add<2, 3, 2, 3>);
static_assert(!can_add<2, 3, 3, 2>);

// A^T G and G W^T: the backward products check their shapes too.
template <class A, class G>
constexpr bool can_transposed_times = requires(A a, G g) {
  transposed_times(a, g);
};
template <class G, class W>
constexpr bool can_times_transposed = requires(G g, W w) {
  times_transposed(g, w);
};
static_assert(can_transposed_times<Matrix<float, 8, 4>, Matrix<float, 8, 3>>);
static_assert(!can_transposed_times<Matrix<float, 8, 4>, Matrix<float, 7, 3>>);
static_assert(can_times_transposed<Matrix<float, 8, 3>, Matrix<float, 4, 3>>);
static_assert(!can_times_transposed<Matrix<float, 8, 3>, Matrix<float, 4, 2>>);

// Parameter assignment of another shape.
using Small = Network<Input<4>, Dense<8>, ReLU, Dense<3>>;
template <class Net, class W>
constexpr bool can_assign_first_weights = requires(Net net, W w) {
  net.template layer<1>().weights = w;
};
static_assert(can_assign_first_weights<Small, Matrix<float, 4, 8>>);
static_assert(!can_assign_first_weights<Small, Matrix<float, 3, 8>>);
static_assert(!can_assign_first_weights<Small, Matrix<float, 8, 4>>);

// Inputs and targets: what a network accepts, as concepts.
static_assert(InputBatchFor<Matrix<float, 32, 4>, Small>);
static_assert(!InputBatchFor<Matrix<float, 32, 5>, Small>);
static_assert(!InputBatchFor<Matrix<double, 32, 4>, Small>);
static_assert(TargetFor<Matrix<float, 16, 3>, Small, 16>);
static_assert(!TargetFor<Matrix<float, 16, 2>, Small, 16>);  // wrong number of outputs
static_assert(!TargetFor<Matrix<float, 8, 3>, Small, 16>);   // wrong batch
static_assert(TargetFor<ClassLabels<16, 3>, Small, 16>);
static_assert(!TargetFor<ClassLabels<16, 10>, Small, 16>);  // class count

// Optimizers are made for one network.
using Wider = Network<Input<4>, Dense<16>, ReLU, Dense<3>>;
static_assert(OptimizerFor<Adam<Small>, Small>);
static_assert(!OptimizerFor<Adam<Wider>, Small>);
static_assert(!OptimizerFor<GradientDescent<Wider>, Small>);
// A user optimizer is told which requirement it misses.
struct NoStep {
  using network_type = Small;
  using options_type = GradientDescentOptions;
  NoStep() = default;
  explicit NoStep(GradientDescentOptions) {}
};
static_assert(Optimizer<Momentum<Small>> && !Optimizer<NoStep> && !Optimizer<MeanSquaredError>);
static_assert(std::is_same_v<detail::missing_optimizer_requirement_t<NoStep>,
                             optimizer_requirement::step_from_network_and_gradients>);
static_assert(std::is_same_v<detail::missing_optimizer_requirement_t<MeanSquaredError>,
                             optimizer_requirement::network_type_and_options_type>);

// ---------------------------------------------------------------------------------------------
// Forward passes in a constant expression.

// ReLU network with hand-set weights; values derived by hand:
//   x = (1, 2):  z1 = (1 + 6 + 0.5, -2 + 1 - 1) = (7.5, -2), relu -> (7.5, 0), y = 15 + 0.25.
//   x = (-1, 1): z1 = (-1 + 3 + 0.5, 2 + 0.5 - 1) = (2.5, 1.5), y = 5 - 1.5 + 0.25 = 3.75.
using Tiny = Network<Input<2>, Dense<2>, ReLU, Dense<1>>;
constexpr Tiny tiny_network() {
  Tiny net;
  net.layer<1>().weights = Matrix<float, 2, 2>{{{1, -2}, {3, 0.5f}}};
  net.layer<1>().bias = Vector<float, 2>{{0.5f, -1}};
  net.layer<3>().weights = Matrix<float, 2, 1>{{{2}, {-1}}};
  net.layer<3>().bias = Vector<float, 1>{{{0.25f}}};
  return net;
}
constexpr auto tiny_output = tiny_network().forward(Matrix<float, 2, 2>{{{1, 2}, {-1, 1}}});
static_assert(tiny_output(0, 0) == 15.25f);
static_assert(tiny_output(1, 0) == 3.75f);

constexpr bool near(double a, double b, double tolerance) {
  return a - b <= tolerance && b - a <= tolerance;
}

// Smooth activations against closed forms: tanh(0.5) and sigmoid(ln 3) = 3/4.
using OneTanh = Network<Input<1>, Dense<1>, Tanh>;
using OneSigmoid = Network<Input<1>, Dense<1>, Sigmoid>;
template <class Net>
constexpr float single_unit(float w, float b, float x) {
  Net net;
  net.template layer<1>().weights[0] = w;
  net.template layer<1>().bias[0] = b;
  return net.forward(Vector<float, 1>{{{x}}})(0, 0);
}
static_assert(near(single_unit<OneTanh>(1, 0, 0.5f), 0.46211715726000974, 1e-7));
static_assert(near(single_unit<OneSigmoid>(2, 0, 0.54930614433405489f), 0.75, 1e-7));

// Softmax output sums to one and keeps the order of its inputs.
constexpr auto softmax_output = Network<Input<3>, Dense<3>, Softmax>{Seed{7}}.forward(
    Matrix<float, 1, 3>{{{0.3f, -1.2f, 2.0f}}});
static_assert(near(softmax_output[0] + softmax_output[1] + softmax_output[2], 1.0, 1e-6));

// ---------------------------------------------------------------------------------------------
// XOR trained by Adam inside a constant expression.
constexpr xor_training::Result trained = xor_training::train();
static_assert(trained.evaluation.accuracy == 1.0);
static_assert(trained.evaluation.loss < 0.01);
static_assert(trained.last_step_cost < 0.01);

// ---------------------------------------------------------------------------------------------
// Gradients and optimizer moments hold parameters only: a layer with 49 parameters and 4 KiB of
// state (a delay line) costs its parameters' 256 bytes in Gradients, not the layer's 4,352.
struct DelayParameters {
  static constexpr std::array<std::string_view, 1> names{"weight"};
  static constexpr std::array<bool, 1> decayed{true};
  Matrix<float, 7, 7> weights;
  constexpr auto tensors() { return std::tie(weights); }
  constexpr auto tensors() const { return std::tie(weights); }
};
template <class S>
struct DelayLayer : WithParameters<DelayParameters> {
  using value_type = float;
  using input_shape = S;
  using output_shape = S;
  static constexpr std::string_view kind = "Delay";
  struct state_type {
    Matrix<float, 1, 1024> line;
  };
  state_type state{};
  constexpr void reset() { state = {}; }
  template <std::size_t B>
  constexpr void forward(const Matrix<float, B, S::size>& x, Matrix<float, B, S::size>& y) const {
    y = x;
  }
  template <std::size_t B>
  constexpr void stream(const Matrix<float, B, S::size>& x, Matrix<float, B, S::size>& y) {
    y = x;
  }
  template <bool InputGradient, std::size_t B>
  constexpr void backward(const Matrix<float, B, S::size>&, const Matrix<float, B, S::size>&,
                          const Matrix<float, B, S::size>& g, Matrix<float, B, S::size>& dx,
                          DelayParameters&) const {
    if constexpr (InputGradient) dx = g;
  }
  constexpr void initialize(SplitMix64&, Initialization) {}
};
struct Delay {
  template <class S>
  static constexpr bool accepts = true;
  template <class S>
  using output_shape = S;
  template <class T, class S>
  using layer = DelayLayer<S>;
};
using Delayed = Network<Input<7>, Delay, Dense<1>>;
static_assert(has_state_v<Delayed::layer_type<1>> && TrainableLayer<Delayed::layer_type<1>>);
static_assert(sizeof(Delayed::layer_type<1>) > 4096);
static_assert(sizeof(DelayParameters) == 256);
static_assert(Gradients<Delayed>::bytes == 256 + sizeof(DenseParameters<float, 7, 1>));
static_assert(Adam<Delayed>::state_bytes == 2 * Gradients<Delayed>::bytes);

// ---------------------------------------------------------------------------------------------
// Footprint: every byte a network needs is known at compile time.
using Classifier = Network<Input<16>, Dense<32>, ReLU, Dense<4>, Softmax>;
// 16*32 + 32 + 32*4 + 4 = 676 parameters.
static_assert(Classifier::parameter_count == 676);
static_assert(Classifier::parameter_bytes >= 676 * sizeof(float));
static_assert(Gradients<Classifier>::bytes == Classifier::parameter_bytes);
static_assert(Adam<Classifier>::state_bytes == 2 * Classifier::parameter_bytes);
// Activations and their gradients for batch 8: 2 * 8 * (16 + 32 + 32 + 4 + 4) floats, or more
// (each matrix is padded to whole cache lines).
static_assert(Workspace<Classifier, 8>::bytes >= 2 * 8 * (16 + 32 + 32 + 4 + 4) * sizeof(float));
static_assert(Trainer<Classifier, CrossEntropy, Adam<Classifier>, 8>::bytes >=
              Workspace<Classifier, 8>::bytes + Gradients<Classifier>::bytes +
                  sizeof(Adam<Classifier>));
static_assert(Workspace<Classifier, 8>::bytes == sizeof(Workspace<Classifier, 8>));
// Inference: two buffers, each the largest layer output of the batch (8 x 32 floats).
static_assert(InferenceWorkspace<Classifier, 8>::bytes == 2 * sizeof(Matrix<float, 8, 32>));
static_assert(InferenceWorkspace<Classifier, 8>::bytes ==
              sizeof(InferenceWorkspace<Classifier, 8>));
// ... and usable in a constant expression (its buffers switch the layer they hold), giving what
// forward(x) gives.
static_assert([] {
  const Classifier net{Seed{2}};
  Matrix<float, 8, 16> x;
  for (std::size_t i = 0; i < x.size; ++i) x[i] = static_cast<float>(i % 7) / 7.0f - 0.4f;
  InferenceWorkspace<Classifier, 8> ws;
  const auto& got = net.forward(x, ws);
  const auto want = net.forward(x);
  for (std::size_t i = 0; i < want.size; ++i)
    if (got[i] != want[i]) return false;
  return true;
}());
// Every bytes constant is the object's size, nothing left out (a user sizing RAM from them).
static_assert(Gradients<Classifier>::bytes == sizeof(Gradients<Classifier>));
static_assert(Trainer<Classifier, CrossEntropy, Adam<Classifier>, 8>::bytes ==
              sizeof(Trainer<Classifier, CrossEntropy, Adam<Classifier>, 8>));

// The expression graph's pack functions are found for expressions only: an unqualified sum, max
// or min on matrices or numbers does not pick them up by argument-dependent lookup.
template <class M>
constexpr bool unqualified_sum_compiles = requires(M m) {
  sum(m, m);
};
template <class M>
constexpr bool unqualified_max_compiles = requires(M m) {
  max(m, m);
};
static_assert(!unqualified_sum_compiles<Matrix<float, 2, 2>>);
static_assert(!unqualified_max_compiles<Matrix<float, 2, 2>>);
static_assert(unqualified_sum_compiles<expr::Var<0>>);
static_assert(unqualified_max_compiles<expr::Var<0>>);

}  // namespace

// ---------------------------------------------------------------------------------------------
// Weights embedded at compile time (io/embedded.hpp): a PyTorch model's file turned into a header
// by examples/safetensors_to_header.py (tests/fixtures). The network is built in a constant
// expression and its constexpr forward pass gives torch's outputs.
namespace embedded {
using TorchMlp = Network<Input<2>, Dense<16>, Tanh, Dense<1>>;
constexpr TorchMlp net = embedded_network<TorchMlp>(torch_tanh_mlp::weights);
constexpr double worst_difference() {
  double worst = 0;
  for (std::size_t r = 0; r < 8; ++r) {
    const auto& x = torch_tanh_mlp::test_inputs[r];
    const auto y = net.forward(Vector<float, 2>{{float(x[0]), float(x[1])}});
    const double d = double(y[0]) - torch_tanh_mlp::test_outputs[r][0];
    worst = d > worst ? d : (-d > worst ? -d : worst);
  }
  return worst;
}
static_assert(worst_difference() < 1e-6);
static_assert(net.layer<1>().weights(1, 0) == float(torch_tanh_mlp::t0.values[1]));  // W = W^T^T
// The same file rewritten by the reference writer, which sorts tensors by name ("0.bias" first):
// tensors are matched by name, so the network is the same.
constexpr TorchMlp sorted = embedded_network<TorchMlp>(reference_tanh_mlp::weights);
static_assert(sorted == net);

// A half-precision file (examples/user_models.py's classifier, F16): the generator widens the
// values exactly, and the network gives torch's float32 outputs within the F16 tolerance (4e-3).
using Classifier = Network<Input<4>, Dense<16>, ReLU, Dense<3>, Softmax>;
constexpr Classifier half = embedded_network<Classifier>(export_classifier_f16::weights);
constexpr bool half_reproduces_torch() {
  for (std::size_t r = 0; r < 8; ++r) {
    const auto& x = export_classifier_f16::test_inputs[r];
    const auto y =
        half.forward(Vector<float, 4>{{float(x[0]), float(x[1]), float(x[2]), float(x[3])}});
    for (std::size_t j = 0; j < 3; ++j) {
      const double d = double(y[j]) - export_classifier_f16::test_outputs[r][j];
      if (d > 4e-3 || d < -4e-3) return false;
    }
  }
  return true;
}
static_assert(half_reproduces_torch());
}  // namespace embedded
