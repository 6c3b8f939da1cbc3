// Mistake: a user-defined layer (a fixed gain) that has no backward pass.
// user-code: Network<Input<4>, Dense<8>, Gain, Dense<1>>  // GainLayer has no backward()
// expect: layer_misses_a_requirement.*ctnn::shape_error::layer<2, Gain ?>.*ctnn::layer_requirement::const_backward_with_input_gradient_flag
#include <cstddef>
#include <tuple>

#include <ctnn/ctnn.hpp>

template <class T, std::size_t N>
struct GainLayer : ctnn::NoParameters {
  using value_type = T;
  static constexpr std::size_t input_size = N;
  static constexpr std::size_t output_size = N;

  template <std::size_t B>
  constexpr void forward(const ctnn::Matrix<T, B, N>& x, ctnn::Matrix<T, B, N>& y) const {
    for (std::size_t i = 0; i < x.size; ++i) y[i] = T(2) * x[i];
  }
#ifdef CTNN_CONTROL
  template <bool InputGradient, std::size_t B>
  constexpr void backward(const ctnn::Matrix<T, B, N>&, const ctnn::Matrix<T, B, N>&,
                          const ctnn::Matrix<T, B, N>& g, ctnn::Matrix<T, B, N>& dx,
                          GainLayer&) const {
    if constexpr (InputGradient)
      for (std::size_t i = 0; i < g.size; ++i) dx[i] = T(2) * g[i];
  }
#endif
  constexpr void initialize(ctnn::SplitMix64&, ctnn::Initialization) {}
};

/// The spec: accepts any input size, keeps it.
struct Gain {
  template <std::size_t In>
  static constexpr bool accepts_input = true;
  template <std::size_t In>
  static constexpr std::size_t output_size = In;
  template <class T, std::size_t In>
  using layer = GainLayer<T, In>;
};

ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, Gain, ctnn::Dense<1>> net;
