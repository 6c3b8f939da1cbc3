/// @file layers/conv1d.hpp
/// `ctnn::Conv1D<Filters, Kernel, Dilation = 1>`: a causal (dilated) convolution over time, and
/// `ctnn::Flatten`, which turns a sequence into features for a Dense layer.
///
/// On a sample of shape Sequence<Time, C> (frame t = x[t, 0..C)), with W of shape (Kernel*C,
/// Filters) (row k*C + c: tap k of input channel c; tap Kernel-1 is the current frame), b of
/// shape (1, Filters) and D = Dilation, the output of shape Sequence<Time, Filters> is
///     y[t, f] = b[f] + sum_{k < Kernel} sum_{c < C} x[t - (Kernel-1-k) D, c] W[k*C + c, f]
/// (PyTorch's nn.Conv1d(dilation=D) with (Kernel-1) D frames of left padding), where frames before
/// t = 0 are zero in forward (each sample is an independent sequence), and are the stream's past
/// frames in stream() (the layer's state: the last (Kernel-1) D input frames, a ring). So a
/// sequence fed in parts, down to one frame per call, gives what forward gives on the whole.
///
/// Training unfolds each batch into U of shape (B*Time, Kernel*C) (U[b*Time + t, k*C + c] = the
/// frame term above; its training cache), so that Y = U W + 1 b, dW = U^T G, db = 1^T G and
/// dU = G W^T are the dense layer's products; dX sums dU back onto the frames each row read.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "ctnn/detail/math.hpp"
#include "ctnn/kernels/dispatch.hpp"
#include "ctnn/layers/layer.hpp"
#include "ctnn/matrix.hpp"
#include "ctnn/random.hpp"
#include "ctnn/shape.hpp"

namespace ctnn {

/// The parameters of a convolution: W (Kernel*C, Filters) and b (1, Filters).
template <class T, std::size_t C, std::size_t Filters, std::size_t Kernel>
using Conv1DParameters = WeightAndBias<T, Kernel * C, Filters>;

/// The bound causal convolution over Time frames of C channels, taps Dilation frames apart.
template <class T, std::size_t Time, std::size_t C, std::size_t Filters, std::size_t Kernel,
          std::size_t Dilation = 1>
struct Conv1DLayer : WithParameters<Conv1DParameters<T, C, Filters, Kernel>> {
  /// The element type (float or double).
  using value_type = T;
  /// The shape of one input sample.
  using input_shape = Sequence<Time, C>;
  /// The shape of one output sample (for an input shape S, in a spec).
  using output_shape = Sequence<Time, Filters>;
  /// The parameter set: what gradients and optimizer moments hold for this layer.
  using parameters_type = Conv1DParameters<T, C, Filters, Kernel>;
  /// The layer's name in architecture strings, weight files and messages.
  static constexpr std::string_view kind = "Conv1D";
  /// Spelled in an architecture string as Conv1D<Filters, Kernel>, or Conv1D<Filters, Kernel,
  /// Dilation> when Dilation > 1 (files saved before dilation existed read the same).
  static constexpr auto architecture_arguments = [] {
    if constexpr (Dilation == 1)
      return std::array<std::size_t, 2>{Filters, Kernel};
    else
      return std::array<std::size_t, 3>{Filters, Kernel, Dilation};
  }();
  /// In weight files as PyTorch's nn.Conv1d: weight (Filters, C, Kernel), tap Kernel-1 the
  /// current frame (torch's cross-correlation with Kernel-1 frames of left padding); bias
  /// (Filters).
  template <std::size_t J>
  static constexpr TensorLayout file_layout() {
    if constexpr (J == 0)
      return {3, {Filters, C, Kernel}, {1, Filters, C * Filters}};
    else
      return {1, {Filters, 0, 0}, {1, 0, 0}};
  }
  /// Values per input sample.
  static constexpr std::size_t input_size = Time * C;
  /// Values per output sample.
  static constexpr std::size_t output_size = Time * Filters;
  /// Values in one row of the unfolded input: Kernel x C.
  static constexpr std::size_t taps = Kernel * C;  // one row of the unfolded input
  /// Frames before the current one that the taps reach: (Kernel-1) x Dilation.
  static constexpr std::size_t span = (Kernel - 1) * Dilation;

  /// The stream's last `span` input frames, a ring (one unused frame when span = 0).
  struct state_type {
    /// The last `span` input frames: frame j back (1 <= j <= span) at (next - j) mod span.
    Matrix<T, 1, (span > 0 ? span : 1) * C> past;
    /// Where the next frame goes in the ring.
    std::size_t next = 0;
  };
  /// The unfolded batch U and, in backward, dC/dU.
  template <std::size_t B>
  struct cache {
    /// The unfolded batch U.
    Matrix<T, B * Time, taps> unfolded;
    /// dC/dU, in backward.
    Matrix<T, B * Time, taps> unfolded_gradient;
  };

  /// What persists between stream() calls.
  state_type state{};

  /// Clears the state: the next stream() starts a new stream.
  constexpr void reset() { state = {}; }

  /// Inference on B independent sequences (zero frames before t = 0).
  template <std::size_t B>
  constexpr void forward(const Matrix<T, B, Time * C>& x, Matrix<T, B, Time * Filters>& y) const {
    for (std::size_t b = 0; b < B; ++b)
      convolve(x.data() + b * Time * C, y.data() + b * Time * Filters);
  }

  /// The training forward pass: unfold, then one product (kept for backward in `cache`).
  template <std::size_t B>
  constexpr void forward(const Matrix<T, B, Time * C>& x, Matrix<T, B, Time * Filters>& y,
                         cache<B>& c) const {
    T* u = c.unfolded.data();
    for (std::size_t row = 0; row < B * Time; ++row) {
      const std::size_t b = row / Time, t = row % Time;
      for (std::size_t k = 0; k < Kernel; ++k) {
        T* out = u + row * taps + k * C;
        const std::size_t back = (Kernel - 1 - k) * Dilation;
        if (t < back) {  // frame t - back is before the sequence: zero
          for (std::size_t ch = 0; ch < C; ++ch) out[ch] = T(0);
        } else {
          const T* frame = x.data() + (b * Time + t - back) * C;
          for (std::size_t ch = 0; ch < C; ++ch) out[ch] = frame[ch];
        }
      }
    }
    kernels::gemm<B * Time, taps, Filters>(u, this->weights.data(), this->bias.data(), y.data());
  }

  /// dW = U^T G, db = 1^T G, and (when wanted) dX: dU = G W^T summed back onto its frames.
  template <bool InputGradient, std::size_t B>
  constexpr void backward(const Matrix<T, B, Time * C>& /*x*/,
                          const Matrix<T, B, Time * Filters>& /*y*/,
                          const Matrix<T, B, Time * Filters>& g, Matrix<T, B, Time * C>& dx,
                          parameters_type& gradient, cache<B>& c) const {
    kernels::gemm_tn<B * Time, taps, Filters>(c.unfolded.data(), g.data(), gradient.weights.data());
    kernels::column_sums<B * Time, Filters>(g.data(), gradient.bias.data());
    if constexpr (InputGradient) {
      kernels::gemm_nt<B * Time, Filters, taps>(g.data(), this->weights.data(),
                                                c.unfolded_gradient.data());
      const T* du = c.unfolded_gradient.data();
      for (auto& v : dx) v = T(0);
      for (std::size_t row = 0; row < B * Time; ++row) {
        const std::size_t b = row / Time, t = row % Time;
        for (std::size_t k = 0; k < Kernel; ++k) {
          const std::size_t back = (Kernel - 1 - k) * Dilation;
          if (t < back) continue;  // a zero frame before the sequence
          T* frame = dx.data() + (b * Time + t - back) * C;
          for (std::size_t ch = 0; ch < C; ++ch) frame[ch] += du[row * taps + k * C + ch];
        }
      }
    }
  }

  /// The next Time frames of one stream: frames before x come from the state (a ring of the
  /// last `span` frames), which each frame of x then enters. Frame by frame, so that a block of
  /// frames costs what as many single frames cost, with no copy of the span.
  constexpr void stream(const Matrix<T, 1, Time * C>& x, Matrix<T, 1, Time * Filters>& y) {
    Matrix<T, 1, taps> u;  // the frame's row of the unfolded input
    for (std::size_t t = 0; t < Time; ++t) {
      for (std::size_t k = 0; k < Kernel; ++k) {
        const std::size_t back = (Kernel - 1 - k) * Dilation;
        // In this block, or back - t frames before it: in the ring.
        const T* frame = t >= back ? x.data() + (t - back) * C : ring_frame(back - t);
        for (std::size_t ch = 0; ch < C; ++ch) u[k * C + ch] = frame[ch];
      }
      frame_product(u, y.data() + t * Filters);
    }
    if constexpr (span > 0) {  // the block's frames enter the ring, oldest first
      const std::size_t first = Time > span ? Time - span : 0;
      for (std::size_t t = first; t < Time; ++t) {
        for (std::size_t ch = 0; ch < C; ++ch) state.past[state.next * C + ch] = x[t * C + ch];
        state.next = state.next + 1 == span ? 0 : state.next + 1;
      }
    }
  }

  /// Uniform weights as for a dense layer with fan-in Kernel*C and fan-out Kernel*Filters (as
  /// PyTorch counts a convolution's fans); zero biases.
  constexpr void initialize(SplitMix64& rng, Initialization scheme) {
    const double fan =
        scheme == Initialization::he ? double(Kernel * C) : double(Kernel * (C + Filters));
    const double r = detail::constexpr_sqrt(6.0 / fan);
    for (auto& w : this->weights) w = static_cast<T>(rng.uniform(r));
    for (auto& b : this->bias) b = T(0);
  }

 private:
  /// One sequence x (Time frames) into y, zeros before its first frame.
  constexpr void convolve(const T* x, T* y) const {
    Matrix<T, 1, taps> u;  // the frame's row of the unfolded input: one SIMD product per frame
    for (std::size_t t = 0; t < Time; ++t) {
      for (std::size_t k = 0; k < Kernel; ++k) {
        const std::size_t back = (Kernel - 1 - k) * Dilation;
        for (std::size_t ch = 0; ch < C; ++ch)
          u[k * C + ch] = t >= back ? x[(t - back) * C + ch] : T(0);
      }
      frame_product(u, y + t * Filters);
    }
  }
  /// out (Filters values, anywhere in a sequence) = u W + b: the SIMD product into a row of its
  /// own (aligned and padded, as the kernels' output must be: writing straight into frame t of a
  /// sequence gave wrong frames on aarch64), then copied out.
  constexpr void frame_product(const Matrix<T, 1, taps>& u, T* out) const {
    Matrix<T, 1, Filters> row;
    kernels::gemm<1, taps, Filters>(u.data(), this->weights.data(), this->bias.data(), row.data());
    for (std::size_t f = 0; f < Filters; ++f) out[f] = row[f];
  }
  /// The frame j (1 <= j <= span) frames before the next one, in the ring.
  constexpr const T* ring_frame(std::size_t j) const {
    if constexpr (span > 0)
      return state.past.data() + (state.next >= j ? state.next - j : state.next + span - j) * C;
    else
      return state.past.data();  // unreachable: no tap reaches back
  }
};

/// A causal convolution with Filters output channels and a kernel of Kernel frames, Dilation
/// frames apart (WaveNet's dilated convolution; its receptive field (Kernel-1) Dilation + 1
/// frames), over a Sequence<Time, Channels> (Time and Channels from the layer before); keeps Time.
template <std::size_t Filters, std::size_t Kernel, std::size_t Dilation = 1>
struct Conv1D {
  static_assert(Filters > 0 && Kernel > 0 && Dilation > 0,
                "ctnn::Conv1D<Filters, Kernel, Dilation>: all must be positive");
  /// What the layer accepts, for shape-error messages.
  using accepted = any_sequence;
  /// Whether the layer accepts the sample shape S of the layer before.
  template <class S>
  static constexpr bool accepts = is_sequence_v<S>;
  /// The shape of one output sample (for an input shape S, in a spec).
  template <class S>
  using output_shape = Sequence<S::time, Filters>;
  /// The bound layer for element type T and input shape S.
  template <class T, class S>
  using layer = Conv1DLayer<T, S::time, S::channels, Filters, Kernel, Dilation>;
};

/// The bound flatten layer: the same values, seen as S::size features.
template <class T, class S>
struct FlattenLayer : WithParameters<NoParameters> {
  /// The element type (float or double).
  using value_type = T;
  /// The shape of one input sample.
  using input_shape = S;
  /// The shape of one output sample (for an input shape S, in a spec).
  using output_shape = Features<S::size>;
  /// The layer's name in architecture strings, weight files and messages.
  static constexpr std::string_view kind = "Flatten";

  /// The same values, seen as features.
  template <std::size_t B>
  constexpr void forward(const Matrix<T, B, S::size>& x, Matrix<T, B, S::size>& y) const {
    y = x;
  }
  /// dX = dY (when wanted).
  template <bool InputGradient, std::size_t B>
  constexpr void backward(const Matrix<T, B, S::size>&, const Matrix<T, B, S::size>&,
                          const Matrix<T, B, S::size>& g, Matrix<T, B, S::size>& dx,
                          NoParameters&) const {
    if constexpr (InputGradient) dx = g;
  }
  /// Nothing to draw: the layer has no parameters.
  constexpr void initialize(SplitMix64&, Initialization) {}
};

/// A sequence (or any shape) as flat features: Sequence<Time, C> -> Features<Time*C>.
struct Flatten {
  /// Whether the layer accepts the sample shape S of the layer before.
  template <class S>
  static constexpr bool accepts = true;
  /// The shape of one output sample (for an input shape S, in a spec).
  template <class S>
  using output_shape = Features<S::size>;
  /// The bound layer for element type T and input shape S.
  template <class T, class S>
  using layer = FlattenLayer<T, S>;
};

}  // namespace ctnn
