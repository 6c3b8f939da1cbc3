// Mistake: a user-defined layer (a fixed gain) whose forward is not const: no layer at all.
// user-code: Network<Input<4>, Dense<8>, Gain, Dense<1>>  // GainLayer::forward is not const
// expect: layer_misses_a_requirement.*ctnn::shape_error::layer<2, Gain ?>.*ctnn::layer_requirement::const_forward_from_input_batch_to_output_batch
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
#ifdef CTNN_CONTROL
  constexpr void forward(const ctnn::Matrix<T, B, N>& x, ctnn::Matrix<T, B, N>& y) const {
#else
  constexpr void forward(const ctnn::Matrix<T, B, N>& x, ctnn::Matrix<T, B, N>& y) {
#endif
      for (std::size_t i = 0; i < x.size; ++i) y[i] = T(2) * x[i];
}
}
;

/// The spec: accepts any shape, keeps it.
struct Gain {
  template <class S>
  static constexpr bool accepts = true;
  template <class S>
  using output_shape = S;
  template <class T, class S>
  using layer = GainLayer<T, S::size>;
};

ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, Gain, ctnn::Dense<1>> net;
