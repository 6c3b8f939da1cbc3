// Mistake: training a network that holds an inference-only layer (a user-defined gain with no
// backward pass). Inference works; the training step names the layer and what it misses.
// user-code: trainer.step(net, x, target)  // GainLayer has no backward()
// expect: layer_cannot_be_trained.*ctnn::shape_error::layer<2, Gain ?>.*ctnn::layer_requirement::const_backward_with_input_gradient_flag
#include <cstddef>
#include <string_view>

#include <ctnn/ctnn.hpp>

template <class T, std::size_t N>
struct GainLayer : ctnn::WithParameters<ctnn::NoParameters> {
  using value_type = T;
  using input_shape = ctnn::Features<N>;
  using output_shape = ctnn::Features<N>;
  static constexpr std::string_view kind = "Gain";

  template <std::size_t B>
  constexpr void forward(const ctnn::Matrix<T, B, N>& x, ctnn::Matrix<T, B, N>& y) const {
    for (std::size_t i = 0; i < x.size; ++i) y[i] = T(2) * x[i];
  }
#ifdef CTNN_CONTROL
  template <bool InputGradient, std::size_t B>
  constexpr void backward(const ctnn::Matrix<T, B, N>&, const ctnn::Matrix<T, B, N>&,
                          const ctnn::Matrix<T, B, N>& g, ctnn::Matrix<T, B, N>& dx,
                          ctnn::NoParameters&) const {
    if constexpr (InputGradient)
      for (std::size_t i = 0; i < g.size; ++i) dx[i] = T(2) * g[i];
  }
#endif
  constexpr void initialize(ctnn::SplitMix64&, ctnn::Initialization) {}
};

struct Gain {
  template <class S>
  static constexpr bool accepts = true;
  template <class S>
  using output_shape = S;
  template <class T, class S>
  using layer = GainLayer<T, S::size>;
};

using Net = ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, Gain, ctnn::Dense<1>>;

float train(Net& net, const ctnn::Matrix<float, 16, 4>& x, const ctnn::Matrix<float, 16, 1>& y) {
  static ctnn::Workspace<Net, 16> workspace;
  static ctnn::Gradients<Net> gradients;
  return ctnn::compute_gradients<ctnn::MeanSquaredError>(net, x, y, workspace, gradients);
}
