/// @file layers/recurrent.hpp
/// `ctnn::LSTM<Hidden>` and `ctnn::GRU<Hidden>`: recurrent layers over a Sequence<Time, C>, giving
/// every frame's hidden state (Sequence<Time, Hidden>), and `ctnn::LastFrame`, which keeps only
/// the last frame (Sequence<Time, C> -> Features<C>) for a sequence-to-one model.
///
/// The math is PyTorch's nn.LSTM and nn.GRU, gate for gate, in MATH.md's convention (a frame is a
/// row; W_ih of shape (C, G*H), W_hh of shape (H, G*H), biases (1, G*H), gates side by side in
/// PyTorch's order). Per frame t, from h = h_{t-1} (and c = c_{t-1}), zero before t = 0:
///   LSTM (G = 4; i, f, g, o):  a = x_t W_ih + b_ih + h W_hh + b_hh
///     i = s(a_i), f = s(a_f), g = tanh(a_g), o = s(a_o)    (s: the logistic sigmoid)
///     c_t = f c + i g,  h_t = o tanh(c_t)
///   GRU (G = 3; r, z, n; "reset after"):  u = x_t W_ih + b_ih, v = h W_hh + b_hh
///     r = s(u_r + v_r), z = s(u_z + v_z), n = tanh(u_n + r v_n)
///     h_t = (1 - z) n + z h
/// Backward is backpropagation through time over each sequence of the batch (its Time frames are
/// the truncation window), from the last frame to the first, with dh and dc flowing back:
///   LSTM: dh = dy_t + dh',  dc = dh o (1 - tanh^2 c_t) + dc'
///     da_o = dh tanh(c_t) o (1 - o), da_i = dc g i (1 - i), da_f = dc c f (1 - f),
///     da_g = dc i (1 - g^2);  dc' = dc f,  dh' = da W_hh^T
///   GRU: dh = dy_t + dh',  da_n = dh (1 - z) (1 - n^2),  da_r = da_n v_n r (1 - r),
///     da_z = dh (h - n) z (1 - z);  dU = (da_r, da_z, da_n),  dV = (da_r, da_z, r da_n),
///     dh' = dV W_hh^T + dh z
/// and, over all frames at once, dW_ih = X^T dU, dW_hh = H_prev^T dV, db_ih = 1^T dU,
/// db_hh = 1^T dV, dX = dU W_ih^T (for the LSTM dU = dV = da).
///
/// State: stream() continues one stream from the h (and c) of the previous call; reset() puts
/// them at the initial state. forward() starts every sequence of the batch there: zero, as PyTorch
/// does without h0 (ZeroState), or the parameters initial_hidden and initial_cell (LearnedState);
/// with CarriedState, a training window continues where the previous one of its batch row ended.
///
/// Activations: `LSTM<H>` and `GRU<H>` use ctnn's Sigmoid and Tanh (activation_functions.hpp: a
/// few ulp); `LSTM<H, FastTanh>` and `GRU<H, FastTanh>` use FastTanh (2.9e-7 absolute) and the
/// sigmoid through it (fast_sigmoid, 1.5e-7 absolute): no exponential, no branch. The parameters
/// and files are the same; backward uses the gates' values either way.
///
/// Each frame is two matrix-vector products on the batch-1 kernels (u = x W_ih + b_ih, then the
/// LSTM's h W_hh + u, the GRU's h W_hh + b_hh) and one element-wise pass of the cell's kernel
/// (kernels::lstm_cell, gru_cell: every gate, c and h in registers, a vector of units at a time).
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "ctnn/detail/math.hpp"
#include "ctnn/kernels/dispatch.hpp"
#include "ctnn/layers/activation_functions.hpp"
#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/layer.hpp"
#include "ctnn/matrix.hpp"
#include "ctnn/random.hpp"
#include "ctnn/shape.hpp"

namespace ctnn {

/// The parameters of a recurrent layer with Gates gates of Hidden units on C input channels, as
/// PyTorch names them for layer 0: weight_ih_l0 (C, Gates*H), weight_hh_l0 (H, Gates*H),
/// bias_ih_l0 and bias_hh_l0 (1, Gates*H). L2 applies to the two weights.
template <class T, std::size_t C, std::size_t Hidden, std::size_t Gates>
struct RecurrentParameters {
  /// The tensors' names, as PyTorch names them.
  static constexpr std::array<std::string_view, 4> names{"weight_ih_l0", "weight_hh_l0",
                                                         "bias_ih_l0", "bias_hh_l0"};
  /// Per tensor: whether L2 applies (weights yes, biases no).
  static constexpr std::array<bool, 4> decayed{true, true, false, false};

  /// W_ih, of shape (C, Gates H): x_t W_ih.
  Matrix<T, C, Gates * Hidden> input_weights;
  /// W_hh, of shape (H, Gates H): h_{t-1} W_hh.
  Matrix<T, Hidden, Gates * Hidden> hidden_weights;
  /// b_ih, of shape (1, Gates H).
  Matrix<T, 1, Gates * Hidden> input_bias;
  /// b_hh, of shape (1, Gates H).
  Matrix<T, 1, Gates * Hidden> hidden_bias;

  /// The tensors as a tuple of references, in the order of `names`.
  constexpr auto tensors() {
    return std::tie(input_weights, hidden_weights, input_bias, hidden_bias);
  }
  /// The tensors as a tuple of const references, in the order of `names`.
  constexpr auto tensors() const {
    return std::tie(input_weights, hidden_weights, input_bias, hidden_bias);
  }
};

/// The parameters of a recurrent layer that learns its initial state (Neural Amp Modeler's LSTM
/// does): RecurrentParameters and, per state vector (h; and c for the LSTM), a (1, Hidden) tensor
/// named initial_hidden (and initial_cell), where every sequence starts in forward and training,
/// and where reset() puts a stream. L2 does not apply to them.
template <class T, std::size_t C, std::size_t Hidden, std::size_t Gates, std::size_t States>
struct RecurrentParametersWithState : RecurrentParameters<T, C, Hidden, Gates> {
  static_assert(States == 1 || States == 2);
  /// The tensors' names: PyTorch's four, then initial_hidden (and initial_cell).
  static constexpr auto names = [] {
    std::array<std::string_view, 4 + States> n{};
    for (std::size_t k = 0; k < 4; ++k) n[k] = RecurrentParameters<T, C, Hidden, Gates>::names[k];
    n[4] = "initial_hidden";
    if constexpr (States == 2) n[5] = "initial_cell";
    return n;
  }();
  /// Per tensor: whether L2 applies (the two weights).
  static constexpr auto decayed = [] {
    std::array<bool, 4 + States> d{};
    d[0] = d[1] = true;
    return d;
  }();

  /// h_{-1}, of shape (1, Hidden): the hidden state before the first frame.
  Matrix<T, 1, Hidden> initial_hidden;
  /// c_{-1}, of shape (1, Hidden), for the LSTM (unused by a GRU).
  Matrix<T, 1, Hidden> initial_cell;

  /// The tensors as a tuple of references, in the order of `names`.
  constexpr auto tensors() {
    if constexpr (States == 2)
      return std::tuple_cat(RecurrentParameters<T, C, Hidden, Gates>::tensors(),
                            std::tie(initial_hidden, initial_cell));
    else
      return std::tuple_cat(RecurrentParameters<T, C, Hidden, Gates>::tensors(),
                            std::tie(initial_hidden));
  }
  /// The tensors as a tuple of const references, in the order of `names`.
  constexpr auto tensors() const {
    if constexpr (States == 2)
      return std::tuple_cat(RecurrentParameters<T, C, Hidden, Gates>::tensors(),
                            std::tie(initial_hidden, initial_cell));
    else
      return std::tuple_cat(RecurrentParameters<T, C, Hidden, Gates>::tensors(),
                            std::tie(initial_hidden));
  }
};

/// A recurrent layer's initial state is zero (PyTorch without h0): the default.
struct ZeroState {};
/// A recurrent layer's initial state is a parameter (initial_hidden, initial_cell), learned in
/// training and read from weight files: `LSTM<16, Tanh, LearnedState>`.
struct LearnedState {};
/// In training, each sequence of a batch continues from where the same row of the previous
/// training forward pass ended (truncated backpropagation through time over a long recording cut
/// into consecutive windows: no gradient flows back across windows); zero at first and after
/// `Workspace::reset_states()` (`Trainer::reset_states()`). Inference and streaming start from
/// zero, as ZeroState: `LSTM<16, Tanh, CarriedState>`.
struct CarriedState {};

namespace detail {

/// Number of learned initial state vectors of a layer with state option State and Vectors state
/// vectors (LSTM: h and c; GRU: h).
template <class State, std::size_t Vectors>
inline constexpr std::size_t learned_states = std::is_same_v<State, LearnedState> ? Vectors : 0;

/// The states where the last training forward pass left each sequence of a batch of B, for a layer
/// whose state is CarriedState (empty otherwise): a base of the layers' caches.
/// `reset_states()` zeroes them (Workspace::reset_states).
template <class State, class CellState, std::size_t B>
struct carried_states {
  /// Whether training windows continue from the previous ones.
  static constexpr bool carries = false;
  /// Nothing to zero.
  constexpr void reset_states() {}
};
template <class CellState, std::size_t B>
struct carried_states<CarriedState, CellState, B> {
  /// Whether training windows continue from the previous ones.
  static constexpr bool carries = true;
  /// Where each sequence of the batch ended.
  std::array<CellState, B> rows{};
  /// The next windows start new recordings.
  constexpr void reset_states() { rows = {}; }
};

/// The parameter set of a recurrent layer: with States learned initial state vectors (0: none).
template <class T, std::size_t C, std::size_t Hidden, std::size_t Gates, std::size_t States>
using recurrent_parameters_t =
    std::conditional_t<States == 0, RecurrentParameters<T, C, Hidden, Gates>,
                       RecurrentParametersWithState<T, C, Hidden, Gates, States == 0 ? 1 : States>>;

/// What LSTM and GRU layers share: shapes, parameters, file layout, initialization, and the
/// products of backward that run over all frames at once. Cell is the derived layer (CRTP).
template <class Cell, class T, std::size_t Time, std::size_t C, std::size_t Hidden,
          std::size_t Gates, std::size_t States>
struct RecurrentBase : WithParameters<recurrent_parameters_t<T, C, Hidden, Gates, States>> {
  using value_type = T;
  using input_shape = Sequence<Time, C>;
  using output_shape = Sequence<Time, Hidden>;
  using parameters_type = recurrent_parameters_t<T, C, Hidden, Gates, States>;
  /// Number of learned initial state vectors (0: the state starts at zero).
  static constexpr std::size_t learned_states = States;
  /// Spelled in an architecture string as LSTM<Hidden> or GRU<Hidden>.
  static constexpr std::array<std::size_t, 1> architecture_arguments{Hidden};
  static constexpr std::size_t input_size = Time * C;
  static constexpr std::size_t output_size = Time * Hidden;
  static constexpr std::size_t gate_width = Gates * Hidden;

  /// In weight files as PyTorch's: weights (Gates*H, C) and (Gates*H, H), biases (Gates*H).
  template <std::size_t J>
  static constexpr TensorLayout file_layout() {
    if constexpr (J == 0)
      return {2, {gate_width, C, 0}, {1, gate_width, 0}};
    else if constexpr (J == 1)
      return {2, {gate_width, Hidden, 0}, {1, gate_width, 0}};
    else if constexpr (J < 4)
      return {1, {gate_width, 0, 0}, {1, 0, 0}};
    else
      return {1, {Hidden, 0, 0}, {1, 0, 0}};  // initial_hidden, initial_cell
  }

  /// The state before the first frame: zero, or the learned initial state.
  constexpr auto initial_state() const {
    typename Cell::state_type s{};
    if constexpr (States >= 1) s.h = this->initial_hidden;
    if constexpr (States == 2) s.c = this->initial_cell;
    return s;
  }

  /// Inference on B independent sequences, each from the initial state.
  template <std::size_t B>
  constexpr void forward(const Matrix<T, B, Time * C>& x, Matrix<T, B, Time * Hidden>& y) const {
    for (std::size_t b = 0; b < B; ++b) {
      typename Cell::state_type s = initial_state();
      for (std::size_t t = 0; t < Time; ++t)
        self().step(s, x.data() + (b * Time + t) * C, y.data() + (b * Time + t) * Hidden, nullptr);
    }
  }

  /// The training forward pass: the same steps, each keeping what backward needs in `cache`.
  template <std::size_t B, class Cache>
  constexpr void forward(const Matrix<T, B, Time * C>& x, Matrix<T, B, Time * Hidden>& y,
                         Cache& c) const {
    for (std::size_t b = 0; b < B; ++b) {
      typename Cell::state_type s = initial_state();
      if constexpr (Cache::carries) s = c.rows[b];
      for (std::size_t t = 0; t < Time; ++t) {
        const std::size_t row = b * Time + t;
        for (std::size_t k = 0; k < Hidden; ++k) c.previous_hidden(row, k) = s.h[k];
        self().step(s, x.data() + row * C, y.data() + row * Hidden, &c.frame(row));
      }
      if constexpr (Cache::carries) c.rows[b] = s;
    }
  }

  /// The next Time frames of one stream, from the state the previous call left.
  constexpr void stream(const Matrix<T, 1, Time * C>& x, Matrix<T, 1, Time * Hidden>& y) {
    for (std::size_t t = 0; t < Time; ++t)
      self().step(self().state, x.data() + t * C, y.data() + t * Hidden, nullptr);
  }

  /// A new stream: the initial state.
  constexpr void reset() { self().state = initial_state(); }

  /// PyTorch's initialization: every weight and bias from U(-1/sqrt(H), 1/sqrt(H)), whatever the
  /// activation after the layer.
  constexpr void initialize(SplitMix64& rng, Initialization) {
    const double r = 1.0 / detail::constexpr_sqrt(double(Hidden));
    for (auto& w : this->input_weights) w = static_cast<T>(rng.uniform(r));
    for (auto& w : this->hidden_weights) w = static_cast<T>(rng.uniform(r));
    for (auto& w : this->input_bias) w = static_cast<T>(rng.uniform(r));
    for (auto& w : this->hidden_bias) w = static_cast<T>(rng.uniform(r));
    if constexpr (States >= 1) this->initial_hidden = {};  // zero, as Neural Amp Modeler starts
    if constexpr (States == 2) this->initial_cell = {};
  }

 protected:
  /// u = x W_ih + b_ih for one frame (the matrix-vector kernel reads whole vectors: the frame is
  /// copied into a padded row first).
  constexpr void project_input(const T* x, Matrix<T, 1, gate_width>& u) const {
    Matrix<T, 1, C> frame;
    for (std::size_t k = 0; k < C; ++k) frame[k] = x[k];
    kernels::gemm<1, C, gate_width>(frame.data(), this->input_weights.data(),
                                    this->input_bias.data(), u.data());
  }
  /// out = d W_hh^T for one row d of dC/dV (G W^T at batch 1; out is a padded row).
  constexpr void hidden_gradient(const T* d, Matrix<T, 1, Hidden>& out) const {
    kernels::gemm_nt<1, gate_width, Hidden>(d, this->hidden_weights.data(), out.data());
  }
  /// The products over all B*Time frames: dW_ih = X^T dU, dW_hh = H_prev^T dV, the biases'
  /// column sums, and dX = dU W_ih^T when wanted.
  template <bool InputGradient, std::size_t B, class Cache>
  constexpr void parameter_gradients(const Matrix<T, B, Time * C>& x, Matrix<T, B, Time * C>& dx,
                                     parameters_type& gradient, Cache& c, const T* du,
                                     const T* dv) const {
    kernels::gemm_tn<B * Time, C, gate_width>(x.data(), du, gradient.input_weights.data());
    kernels::gemm_tn<B * Time, Hidden, gate_width>(c.previous_hidden.data(), dv,
                                                   gradient.hidden_weights.data());
    kernels::column_sums<B * Time, gate_width>(du, gradient.input_bias.data());
    kernels::column_sums<B * Time, gate_width>(dv, gradient.hidden_bias.data());
    if constexpr (InputGradient)
      kernels::gemm_nt<B * Time, gate_width, C>(du, this->input_weights.data(), dx.data());
  }

 private:
  constexpr Cell& self() { return static_cast<Cell&>(*this); }
  constexpr const Cell& self() const { return static_cast<const Cell&>(*this); }
};

}  // namespace detail

namespace detail {
/// The gates' sigmoid that goes with a cell's tanh: exact with exact, fast with fast.
template <class Tanh>
using gate_sigmoid = std::conditional_t<std::is_same_v<Tanh, activation::fast_tanh>,
                                        activation::fast_sigmoid, activation::sigmoid>;
}  // namespace detail

/// The bound LSTM layer (nn.LSTM's cell, one layer) over Time frames of C channels; Tanh is
/// activation::tanh or activation::fast_tanh.
template <class T, std::size_t Time, std::size_t C, std::size_t Hidden, class Tanh,
          class State = ZeroState>
struct LSTMLayer : detail::RecurrentBase<LSTMLayer<T, Time, C, Hidden, Tanh, State>, T, Time, C,
                                         Hidden, 4, detail::learned_states<State, 2>> {
  /// The part shared with GRULayer.
  using base =
      detail::RecurrentBase<LSTMLayer, T, Time, C, Hidden, 4, detail::learned_states<State, 2>>;
  /// The shared part runs step().
  friend base;
  /// The layer's name in architecture strings, weight files and messages.
  static constexpr std::string_view kind = "LSTM";
  /// Gate pre-activations per frame: 4 H.
  static constexpr std::size_t G = 4 * Hidden;

  /// What persists between stream() calls: the hidden state h and the cell state c.
  struct state_type {
    /// h, the hidden state.
    Matrix<T, 1, Hidden> h{};
    /// c, the cell state.
    Matrix<T, 1, Hidden> c{};
  };
  /// Per frame of a training batch: the gates after their activations (i, f, g, o), c_t and
  /// tanh(c_t); the previous c and h; in backward, dC/da.
  struct frame_cache {
    /// i, f, g, o after their activations.
    std::array<T, G> gates;
    /// c_t.
    std::array<T, Hidden> cell;
    /// tanh(c_t).
    std::array<T, Hidden> tanh_cell;
    /// c_{t-1}.
    std::array<T, Hidden> previous_cell;
  };
  /// What backward needs from a training forward pass of B sequences: every frame's frame_cache
  /// and h_{t-1}; and room for dC/da.
  template <std::size_t B>
  struct cache : detail::carried_states<State, state_type, B> {
    /// Every frame's frame_cache, sequence after sequence.
    std::array<frame_cache, B * Time> frames;
    /// h_{t-1} of every frame (zero for the first), for dW_hh = H_prev^T dV.
    Matrix<T, B * Time, Hidden> previous_hidden;
    /// dC/da of every frame.
    Matrix<T, B * Time, G> gate_gradient;
    /// Frame `row` (sequence b, frame t: row b Time + t).
    constexpr frame_cache& frame(std::size_t row) { return frames[row]; }
  };

  /// What persists between stream() calls.
  state_type state{};

  /// BPTT over each sequence, then the products over all frames (see the file's banner).
  template <bool InputGradient, std::size_t B>
  constexpr void backward(const Matrix<T, B, Time * C>& x, const Matrix<T, B, Time * Hidden>&,
                          const Matrix<T, B, Time * Hidden>& g, Matrix<T, B, Time * C>& dx,
                          typename base::parameters_type& gradient, cache<B>& c) const {
    if constexpr (base::learned_states > 0) gradient.initial_hidden = gradient.initial_cell = {};
    for (std::size_t b = 0; b < B; ++b) {
      Matrix<T, 1, Hidden> dh_next{};
      std::array<T, Hidden> dc_next{};
      for (std::size_t t = Time; t-- > 0;) {
        const std::size_t row = b * Time + t;
        const frame_cache& f = c.frames[row];
        T* da = c.gate_gradient.data() + row * G;
        for (std::size_t k = 0; k < Hidden; ++k) {
          const T i = f.gates[k], fg = f.gates[Hidden + k], gg = f.gates[2 * Hidden + k],
                  o = f.gates[3 * Hidden + k], tc = f.tanh_cell[k];
          const T dh = g[row * Hidden + k] + dh_next[k];
          const T dc = dh * o * (T(1) - tc * tc) + dc_next[k];
          da[k] = dc * gg * i * (T(1) - i);
          da[Hidden + k] = dc * f.previous_cell[k] * fg * (T(1) - fg);
          da[2 * Hidden + k] = dc * i * (T(1) - gg * gg);
          da[3 * Hidden + k] = dh * tc * o * (T(1) - o);
          dc_next[k] = dc * fg;
        }
        this->hidden_gradient(da, dh_next);
      }
      if constexpr (base::learned_states >
                    0)  // what flows past the first frame: dC/dh_{-1}, dC/dc_{-1}
        for (std::size_t k = 0; k < Hidden; ++k) {
          gradient.initial_hidden[k] += dh_next[k];
          gradient.initial_cell[k] += dc_next[k];
        }
    }
    this->template parameter_gradients<InputGradient, B>(x, dx, gradient, c, c.gate_gradient.data(),
                                                         c.gate_gradient.data());
  }

 private:
  using gate = detail::gate_sigmoid<Tanh>;

  /// One frame: x (C values) and the state in, y = h_t out; the state advances. The products:
  /// u = x W_ih + b_ih, then z = h W_hh + u; the cell kernel adds b_hh.
  constexpr void step(state_type& s, const T* x, T* y, frame_cache* keep) const {
    Matrix<T, 1, G> u, z;
    this->project_input(x, u);
    kernels::gemm<1, Hidden, G>(s.h.data(), this->hidden_weights.data(), u.data(), z.data());
    if (keep == nullptr) {
      kernels::lstm_cell<Hidden, gate, Tanh, false>(z.data(), this->hidden_bias.data(), s.c.data(),
                                                    s.h.data(), static_cast<T*>(nullptr),
                                                    static_cast<T*>(nullptr));
    } else {
      for (std::size_t k = 0; k < Hidden; ++k) keep->previous_cell[k] = s.c[k];
      kernels::lstm_cell<Hidden, gate, Tanh, true>(z.data(), this->hidden_bias.data(), s.c.data(),
                                                   s.h.data(), keep->gates.data(),
                                                   keep->tanh_cell.data());
    }
    for (std::size_t k = 0; k < Hidden; ++k) y[k] = s.h[k];
  }
};

/// The bound GRU layer (nn.GRU's cell, one layer, "reset after") over Time frames of C channels;
/// Tanh is activation::tanh or activation::fast_tanh.
template <class T, std::size_t Time, std::size_t C, std::size_t Hidden, class Tanh,
          class State = ZeroState>
struct GRULayer : detail::RecurrentBase<GRULayer<T, Time, C, Hidden, Tanh, State>, T, Time, C,
                                        Hidden, 3, detail::learned_states<State, 1>> {
  /// The part shared with LSTMLayer.
  using base =
      detail::RecurrentBase<GRULayer, T, Time, C, Hidden, 3, detail::learned_states<State, 1>>;
  /// The shared part runs step().
  friend base;
  /// The layer's name in architecture strings, weight files and messages.
  static constexpr std::string_view kind = "GRU";
  /// Gate pre-activations per frame: 3 H.
  static constexpr std::size_t G = 3 * Hidden;

  /// What persists between stream() calls: the hidden state h.
  struct state_type {
    /// h, the hidden state.
    Matrix<T, 1, Hidden> h{};
  };
  /// Per frame of a training batch: r, z, n and v_n = (h W_hh + b_hh)_n.
  struct frame_cache {
    /// r, z, n.
    std::array<T, G> gates;
    /// v_n = (h_{t-1} W_hh + b_hh)_n, which r scales.
    std::array<T, Hidden> hidden_n;
  };
  /// What backward needs from a training forward pass of B sequences: every frame's frame_cache
  /// and h_{t-1}; and room for dU and dV.
  template <std::size_t B>
  struct cache : detail::carried_states<State, state_type, B> {
    /// Every frame's frame_cache, sequence after sequence.
    std::array<frame_cache, B * Time> frames;
    /// h_{t-1} of every frame (zero for the first), for dW_hh = H_prev^T dV.
    Matrix<T, B * Time, Hidden> previous_hidden;
    /// dU of every frame.
    Matrix<T, B * Time, G> input_gradient;
    /// dV of every frame.
    Matrix<T, B * Time, G> hidden_gradient;
    /// Frame `row` (sequence b, frame t: row b Time + t).
    constexpr frame_cache& frame(std::size_t row) { return frames[row]; }
  };

  /// What persists between stream() calls.
  state_type state{};

  /// BPTT over each sequence, then the products over all frames (see the file's banner).
  template <bool InputGradient, std::size_t B>
  constexpr void backward(const Matrix<T, B, Time * C>& x, const Matrix<T, B, Time * Hidden>&,
                          const Matrix<T, B, Time * Hidden>& g, Matrix<T, B, Time * C>& dx,
                          typename base::parameters_type& gradient, cache<B>& c) const {
    if constexpr (base::learned_states > 0) gradient.initial_hidden = {};
    for (std::size_t b = 0; b < B; ++b) {
      Matrix<T, 1, Hidden> dh_next{};
      std::array<T, Hidden> dh_direct{};
      for (std::size_t t = Time; t-- > 0;) {
        const std::size_t row = b * Time + t;
        const frame_cache& f = c.frames[row];
        T* du = c.input_gradient.data() + row * G;
        T* dv = c.hidden_gradient.data() + row * G;
        for (std::size_t k = 0; k < Hidden; ++k) {
          const T r = f.gates[k], z = f.gates[Hidden + k], n = f.gates[2 * Hidden + k];
          const T h_prev = c.previous_hidden(row, k);
          const T dh = g[row * Hidden + k] + dh_next[k];
          const T da_n = dh * (T(1) - z) * (T(1) - n * n);
          const T da_r = da_n * f.hidden_n[k] * r * (T(1) - r);
          const T da_z = dh * (h_prev - n) * z * (T(1) - z);
          du[k] = dv[k] = da_r;
          du[Hidden + k] = dv[Hidden + k] = da_z;
          du[2 * Hidden + k] = da_n;
          dv[2 * Hidden + k] = da_n * r;
          dh_direct[k] = dh * z;
        }
        this->hidden_gradient(dv, dh_next);
        for (std::size_t k = 0; k < Hidden; ++k) dh_next[k] += dh_direct[k];
      }
      if constexpr (base::learned_states > 0)  // dC/dh_{-1}
        for (std::size_t k = 0; k < Hidden; ++k) gradient.initial_hidden[k] += dh_next[k];
    }
    this->template parameter_gradients<InputGradient, B>(
        x, dx, gradient, c, c.input_gradient.data(), c.hidden_gradient.data());
  }

 private:
  using gate = detail::gate_sigmoid<Tanh>;

  /// One frame: x (C values) and the state in, y = h_t out; the state advances.
  constexpr void step(state_type& s, const T* x, T* y, frame_cache* keep) const {
    Matrix<T, 1, G> u, v;
    this->project_input(x, u);
    kernels::gemm<1, Hidden, G>(s.h.data(), this->hidden_weights.data(), this->hidden_bias.data(),
                                v.data());
    if (keep == nullptr)
      kernels::gru_cell<Hidden, gate, Tanh, false>(
          u.data(), v.data(), s.h.data(), static_cast<T*>(nullptr), static_cast<T*>(nullptr));
    else
      kernels::gru_cell<Hidden, gate, Tanh, true>(u.data(), v.data(), s.h.data(),
                                                  keep->gates.data(), keep->hidden_n.data());
    for (std::size_t k = 0; k < Hidden; ++k) y[k] = s.h[k];
  }
};

namespace detail {
/// The spec of a recurrent layer: accepts any sequence, keeps its Time, gives Hidden channels.
template <template <class, std::size_t, std::size_t, std::size_t, class, class> class Bound,
          std::size_t Hidden, class Activation, class State>
struct RecurrentSpec {
  static_assert(std::is_same_v<typename Activation::function, activation::tanh> ||
                    std::is_same_v<typename Activation::function, activation::fast_tanh>,
                "ctnn::LSTM<Hidden, A> / ctnn::GRU<Hidden, A>: A is Tanh or FastTanh");
  static_assert(
      std::is_same_v<State, ZeroState> || std::is_same_v<State, LearnedState> ||
          std::is_same_v<State, CarriedState>,
      "ctnn::LSTM<Hidden, A, S> / ctnn::GRU<Hidden, A, S>: S is ZeroState, LearnedState or "
      "CarriedState");
  static constexpr std::size_t units = Hidden;
  using accepted = any_sequence;
  template <class S>
  static constexpr bool accepts = is_sequence_v<S>;
  template <class S>
  using output_shape = Sequence<S::time, Hidden>;
  template <class T, class S>
  using layer = Bound<T, S::time, S::channels, Hidden, typename Activation::function, State>;
};
}  // namespace detail

/// An LSTM layer of Hidden units (PyTorch's nn.LSTM, one layer, batch_first) over the sequence
/// before it; its output is every frame's hidden state, Sequence<Time, Hidden>. Activation: Tanh
/// (exact) or FastTanh (the cell's tanh and sigmoid without exponentials). State: ZeroState (h and
/// c start at zero), LearnedState (they start at the parameters initial_hidden, initial_cell) or
/// CarriedState (training windows continue where the previous ones ended).
template <std::size_t Hidden, class Activation = Tanh, class State = ZeroState>
struct LSTM : detail::RecurrentSpec<LSTMLayer, Hidden, Activation, State> {};

/// A GRU layer of Hidden units (PyTorch's nn.GRU, one layer, batch_first) over the sequence before
/// it; its output is every frame's hidden state, Sequence<Time, Hidden>. Activation: Tanh (exact)
/// or FastTanh. State: ZeroState, LearnedState (h starts at the parameter initial_hidden) or
/// CarriedState.
template <std::size_t Hidden, class Activation = Tanh, class State = ZeroState>
struct GRU : detail::RecurrentSpec<GRULayer, Hidden, Activation, State> {};

/// The bound last-frame layer: the last of Time frames of C channels, as C features.
template <class T, std::size_t Time, std::size_t C>
struct LastFrameLayer : WithParameters<NoParameters> {
  /// The element type (float or double).
  using value_type = T;
  /// The shape of one input sample.
  using input_shape = Sequence<Time, C>;
  /// The shape of one output sample (for an input shape S, in a spec).
  using output_shape = Features<C>;
  /// The layer's name in architecture strings, weight files and messages.
  static constexpr std::string_view kind = "LastFrame";

  /// The last frame of each sequence.
  template <std::size_t B>
  constexpr void forward(const Matrix<T, B, Time * C>& x, Matrix<T, B, C>& y) const {
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t k = 0; k < C; ++k) y(b, k) = x(b, (Time - 1) * C + k);
  }
  /// dX: zero but the last frame, which receives dY (when wanted).
  template <bool InputGradient, std::size_t B>
  constexpr void backward(const Matrix<T, B, Time * C>&, const Matrix<T, B, C>&,
                          const Matrix<T, B, C>& g, Matrix<T, B, Time * C>& dx,
                          NoParameters&) const {
    if constexpr (InputGradient) {
      for (auto& v : dx) v = T(0);
      for (std::size_t b = 0; b < B; ++b)
        for (std::size_t k = 0; k < C; ++k) dx(b, (Time - 1) * C + k) = g(b, k);
    }
  }
  /// Nothing to draw: the layer has no parameters.
  constexpr void initialize(SplitMix64&, Initialization) {}
};

/// The last frame of a sequence as features (Sequence<Time, C> -> Features<C>): what PyTorch's
/// `output[:, -1, :]` takes after a recurrent layer, for a sequence-to-one model.
struct LastFrame {
  /// What the layer accepts, for shape-error messages.
  using accepted = any_sequence;
  /// Whether the layer accepts the sample shape S of the layer before.
  template <class S>
  static constexpr bool accepts = is_sequence_v<S>;
  /// The shape of one output sample (for an input shape S, in a spec).
  template <class S>
  using output_shape = Features<S::channels>;
  /// The bound layer for element type T and input shape S.
  template <class T, class S>
  using layer = LastFrameLayer<T, S::time, S::channels>;
};

}  // namespace ctnn
