/// @file network.hpp
/// `ctnn::Network<Input<N>, Layers...>`: the network as a type-level list of layers.
///
/// Every layer's input and output size, parameter shapes and activation shapes are computed at
/// compile time from the list; the parameters live inside the network object (no heap, ever).
/// Layer indices follow the template argument list: Input<N> is layer 0, the first layer after it
/// is layer 1, as A(0) = X and l = 1..L in MATH.md.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>
#include <boost/hana/tuple.hpp>

#include "ctnn/detail/tensors.hpp"
#include "ctnn/layers/input.hpp"
#include "ctnn/layers/layer.hpp"
#include "ctnn/matrix.hpp"
#include "ctnn/random.hpp"
#include "ctnn/shape.hpp"
#include "ctnn/shape_error.hpp"

namespace ctnn {

namespace hana = boost::hana;

namespace detail {

/// Stands in for a layer that could not be bound, so that one mistake gives one error.
template <class T, class In, class Out>
struct placeholder_layer : WithParameters<NoParameters> {
  using value_type = T;
  using input_shape = In;
  using output_shape = Out;
  static constexpr std::string_view kind = "placeholder";
  template <std::size_t B>
  constexpr void forward(const Matrix<T, B, In::size>&, Matrix<T, B, Out::size>&) const {}
  template <bool InputGradient, std::size_t B>
  constexpr void backward(const Matrix<T, B, In::size>&, const Matrix<T, B, Out::size>&,
                          const Matrix<T, B, Out::size>&, Matrix<T, B, In::size>&,
                          NoParameters&) const {}
  constexpr void initialize(SplitMix64&, Initialization) {}
};

template <class Spec, class S>
constexpr bool spec_accepts() {
  if constexpr (LayerSpec<Spec>)
    return Spec::template accepts<S>;
  else
    return false;
}

template <class Spec, class S>
constexpr bool spec_binds() {
  if constexpr (spec_accepts<Spec, S>())
    return Spec::template output_shape<S>::size > 0;
  else
    return false;
}

/// Output shape of Spec fed with S; a rejected or zero-sized layer keeps S.
template <class Spec, class S, bool = spec_binds<Spec, S>()>
struct spec_output {
  using type = S;
};
template <class Spec, class S>
struct spec_output<Spec, S, true> {
  using type = typename Spec::template output_shape<S>;
};

/// Spec bound to T and S, when it binds and the result is an InferenceLayer.
template <class T, class Spec, class S>
constexpr bool spec_gives_layer() {
  if constexpr (spec_binds<Spec, S>())
    return InferenceLayer<typename Spec::template layer<T, S>>;
  else
    return false;
}

/// The first mistake made by layer Index (Spec, fed samples of shape S), or void if there is none.
template <class T, std::size_t Index, class Spec, class S, bool MistakeChecked = false>
constexpr auto layer_error() {
  using namespace shape_error;
  using which = layer<Index, Spec>;
  if constexpr (!LayerSpec<Spec>) {
    return std::type_identity<not_a_layer_spec<which>>{};
  } else if constexpr (!MistakeChecked &&
                       requires { typename Spec::template mistake<T, which, S>; }) {
    // A combinator (Residual<...>) names the mistake in its branch itself.
    using mistake = typename Spec::template mistake<T, which, S>;
    if constexpr (!std::is_void_v<mistake>)
      return std::type_identity<mistake>{};
    else
      return layer_error<T, Index, Spec, S, true>();
  } else if constexpr (!Spec::template accepts<S>) {
    if constexpr (requires { Spec::declared_input_size; } && is_features_v<S>) {
      if constexpr (Index == 1)
        return std::type_identity<first_layer_does_not_fit_the_input<
            which, network_input_size<S::size>, declared_input_size<Spec::declared_input_size>>>{};
      else
        return std::type_identity<
            layer_does_not_fit_the_one_before<which, previous_output_size<S::size>,
                                              declared_input_size<Spec::declared_input_size>>>{};
    } else if constexpr (requires { typename Spec::accepted; }) {
      return std::type_identity<layer_does_not_accept_the_shape_before<
          which, previous_output<S>, accepts<typename Spec::accepted>>>{};
    } else {
      return std::type_identity<
          layer_does_not_accept_the_shape_before<which, previous_output<S>>>{};
    }
  } else if constexpr (Spec::template output_shape<S>::size == 0) {
    return std::type_identity<layer_has_zero_outputs<which>>{};
  } else {
    using missing = typename decltype(missing_inference_requirement<
                                      typename Spec::template layer<T, S>>())::type;
    if constexpr (!std::is_void_v<missing>)
      return std::type_identity<layer_misses_a_requirement<which, missing>>{};
    else
      return std::type_identity<void>{};
  }
}

/// std::tuple of the sample shapes: the input's, then each layer's output.
template <class S, class... Specs>
struct shape_chain {
  using type = std::tuple<S>;
};
template <class S, class Spec, class... Rest>
struct shape_chain<S, Spec, Rest...> {
  using type = decltype(std::tuple_cat(
      std::declval<std::tuple<S>>(),
      std::declval<typename shape_chain<typename spec_output<Spec, S>::type, Rest...>::type>()));
};

template <class T, class Spec, class S, bool Binds = spec_gives_layer<T, Spec, S>()>
struct bind {
  using type = placeholder_layer<T, S, typename spec_output<Spec, S>::type>;
};
template <class T, class Spec, class S>
struct bind<T, Spec, S, true> {
  using type = typename Spec::template layer<T, S>;
};

template <class InputSpec, std::size_t Depth>
constexpr auto network_error() {
  using namespace shape_error;
  if constexpr (!is_input_v<InputSpec>) {
    return std::type_identity<network_must_start_with_input<given<InputSpec>>>{};
  } else if constexpr (InputSpec::size == 0) {
    return std::type_identity<network_input_size_is_zero<InputSpec>>{};
  } else if constexpr (Depth == 0) {
    return std::type_identity<network_has_no_layers<network_input_size<InputSpec::size>>>{};
  } else {
    return std::type_identity<void>{};
  }
}

/// The shape of Input<...>; Features<1> stands in for a missing or empty input (reported).
template <class InputSpec>
struct input_shape_of {
  using type = Features<1>;
};
template <class InputSpec>
requires(is_input_v<InputSpec>&& InputSpec::size > 0) struct input_shape_of<InputSpec> {
  using type = typename InputSpec::shape;
};

template <class T, class InputSpec, class... Specs>
struct network_traits {
  using input_shape = typename input_shape_of<InputSpec>::type;
  static constexpr std::size_t depth = sizeof...(Specs);
  /// shape<0>: one input sample; shape<I>: the output of layer I.
  using shapes = typename shape_chain<input_shape, Specs...>::type;
  template <std::size_t I>
  using shape = std::tuple_element_t<I, shapes>;

  template <std::size_t... I>
  static auto bound_layers(std::index_sequence<I...>)
      -> hana::tuple<typename bind<T, Specs, shape<I>>::type...>;
  using layers_type = decltype(bound_layers(std::index_sequence_for<Specs...>{}));

  template <std::size_t... I>
  static auto errors(std::index_sequence<I...>)
      -> first_error<typename decltype(network_error<InputSpec, depth>())::type,
                     typename decltype(layer_error<T, I + 1, Specs, shape<I>>())::type...>;
  /// The first mistake in the list, or void.
  using error = typename decltype(errors(std::index_sequence_for<Specs...>{}))::type;
};

/// The parameter set of layer L (NoParameters for a layer without parameters()).
template <class L>
struct parameters_of {
  using type = NoParameters;
};
template <class L>
requires requires {
  typename L::parameters_type;
}
struct parameters_of<L> {
  using type = typename L::parameters_type;
};

}  // namespace detail

/// True when Network<Input, Specs...> can be formed: the input is Input<N> with N > 0, there is
/// at least one layer, and every layer accepts the size before it and has outputs.
template <class T, class InputSpec, class... Specs>
concept ValidNetwork =
    std::is_void_v<typename detail::network_traits<T, InputSpec, Specs...>::error>;

template <class Net, std::size_t B>
class Workspace;
template <class Net, std::size_t B>
class InferenceWorkspace;
template <class Net>
class Gradients;

/// True for Workspace types.
template <class W>
inline constexpr bool is_workspace_v = false;
/// The specialization that makes it true.
template <class Net, std::size_t B>
inline constexpr bool is_workspace_v<Workspace<Net, B>> = true;
/// True for InferenceWorkspace types.
template <class W>
inline constexpr bool is_inference_workspace_v = false;
/// The specialization that makes it true.
template <class Net, std::size_t B>
inline constexpr bool is_inference_workspace_v<InferenceWorkspace<Net, B>> = true;

namespace detail {

/// Tag of BasicNetwork's constructor with every parameter zero (combinators' gradients).
struct zero_parameters_t {};

/// What combinators (Residual<...>) use of the network that holds their branch and is not public.
struct network_access {
  /// A network with every parameter zero.
  template <class Net>
  static constexpr Net zeroed() {
    return Net{zero_parameters_t{}};
  }
  /// net's parameters drawn from rng (the enclosing network's generator), state reset.
  template <class Net>
  static constexpr void initialize(Net& net, SplitMix64& rng) {
    net.initialize_layers(Seed{rng.next()});
  }
  /// The backward pass of net into the parameters of `into` (a network of the same type), and
  /// dC/dX into ws.gradient<0>() when InputGradient.
  template <bool InputGradient, class Net, class W>
  static constexpr void backward(const Net& net, W& ws, Net& into) {
    net.template backward_walk<Net::depth, InputGradient>(ws, into);
  }
};

/// The mistake in feeding a batch of B rows and N columns to Net, or void.
template <class Net, std::size_t B, std::size_t N>
using input_error =
    std::conditional_t<N == Net::input_size, void,
                       shape_error::input_has_wrong_number_of_features<
                           shape_error::network_input_size<Net::input_size>,
                           shape_error::input_features<N>, shape_error::batch_size<B>>>;

/// The mistake in using W as the workspace of Net for a batch of B rows, or void.
template <class Net, std::size_t B, class W, bool ForInference = false>
constexpr auto workspace_error_of() {
  using namespace shape_error;
  if constexpr (!is_workspace_v<W> && !(ForInference && is_inference_workspace_v<W>))
    return std::type_identity<workspace_made_for_another_network<network<Net>, given<W>>>{};
  else if constexpr (!std::is_same_v<typename W::network_type, Net>)
    return std::type_identity<
        workspace_made_for_another_network<network<Net>, made_for<typename W::network_type>>>{};
  else if constexpr (W::batch_size != B)
    return std::type_identity<
        workspace_batch_differs_from_input_batch<input_batch<B>, workspace_batch<W::batch_size>>>{};
  else
    return std::type_identity<void>{};
}
template <class Net, std::size_t B, class W, bool ForInference = false>
using workspace_error = typename decltype(workspace_error_of<Net, B, W, ForInference>())::type;

/// The mistake in using G as the gradients of Net, or void.
template <class Net, class G>
using gradients_error =
    std::conditional_t<std::is_same_v<G, Gradients<Net>>, void,
                       shape_error::gradients_made_for_another_network<shape_error::network<Net>,
                                                                       shape_error::given<G>>>;

/// Never called: what a function returning a reference returns after reporting a mistake.
template <class T, std::size_t B, std::size_t N>
const Matrix<T, B, N>& unreachable_output();

}  // namespace detail

/// A feed-forward network over element type T (float or double). Use `ctnn::Network<...>` for
/// float; `ctnn::BasicNetwork<double, ...>` for double.
template <class T, class InputSpec, class... Specs>
class BasicNetwork {
  using traits = detail::network_traits<T, InputSpec, Specs...>;
  // Report the first shape mistake; the class stays well-formed so that no second error follows.
  static_assert(
      detail::shape_check<std::is_void_v<typename traits::error>, typename traits::error>::ok);

 public:
  /// The element type (float or double).
  using value_type = T;
  /// The tuple of every layer's part.
  using layers_type = typename traits::layers_type;

  /// Number of layers after the input.
  static constexpr std::size_t depth = traits::depth;
  /// `shape_type<0>` is the shape of one input sample (Features<N> or Sequence<Time, Channels>),
  /// `shape_type<I>` that of layer I's output.
  template <std::size_t I>
  requires(I <= depth) using shape_type = typename traits::template shape<I>;
  /// `size<0>` is the number of input values per sample, `size<I>` the output size of layer I.
  template <std::size_t I>
  requires(I <= depth) static constexpr std::size_t size = traits::template shape<I>::size;
  /// Values per input sample.
  static constexpr std::size_t input_size = traits::template shape<0>::size;
  /// Values per output sample.
  static constexpr std::size_t output_size = traits::template shape<depth>::size;

  /// The bound type of layer I (1..depth), e.g. DenseLayer<float, 4, 8>.
  template <std::size_t I>
  requires(I >= 1 && I <= depth) using layer_type =
      std::remove_cvref_t<decltype(hana::at_c<I - 1>(std::declval<layers_type&>()))>;

  /// The spec of layer I (1..depth) as written, e.g. Dense<8>.
  template <std::size_t I>
  requires(I >= 1 &&
           I <= depth) using spec_type = std::tuple_element_t<I - 1, std::tuple<Specs...>>;

  /// One parameter set per layer (NoParameters for activations): what Gradients<Net> and the
  /// optimizers' moments hold; a layer's state and buffers are not in it.
  template <std::size_t... I>
  static auto parameter_sets(std::index_sequence<I...>)
      -> hana::tuple<typename detail::parameters_of<layer_type<I + 1>>::type...>;
  /// The tuple of every layer's parameter set (what Gradients holds).
  using parameters_type = decltype(parameter_sets(std::make_index_sequence<depth>{}));

  /// True when every layer is a TrainableLayer (training calls report the first that is not).
  static constexpr bool trainable = [] {
    return []<std::size_t... I>(std::index_sequence<I...>) {
      return (... && TrainableLayer<layer_type<I + 1>>);
    }
    (std::make_index_sequence<depth>{});
  }();

  /// Number of trainable scalars (weights and biases) in all layers.
  static constexpr std::size_t parameter_count = [] {
    return []<std::size_t... I>(std::index_sequence<I...>) {
      return (
          std::size_t{0} + ... +
          detail::parameter_count_of<typename detail::parameters_of<layer_type<I + 1>>::type>());
    }
    (std::make_index_sequence<depth>{});
  }();
  /// Bytes of the network object (parameters, state, aligned).
  static constexpr std::size_t parameter_bytes = sizeof(layers_type);

  /// Initialized from the default seed: the same weights on every platform.
  constexpr BasicNetwork() { initialize(Seed{}); }
  /// Parameters drawn from the seed (MATH.md's initialization), deterministic.
  constexpr explicit BasicNetwork(Seed seed) { initialize(seed); }

  /// Glorot or He uniform weights (by the activation that follows each dense layer), zero biases,
  /// and every layer's state reset.
  constexpr void initialize(Seed seed) {
    if (std::is_constant_evaluated())
      initialize_layers(seed);
    else
      initialize_at_run_time(seed);
  }

  /// Layer I (1..depth), to read or write its parameters: `net.layer<1>().weights`.
  template <std::size_t I>
  requires(I >= 1 && I <= depth) constexpr auto& layer() { return hana::at_c<I - 1>(layers_); }
  /// Layer I (1..depth), read-only.
  template <std::size_t I>
  requires(I >= 1 && I <= depth) constexpr const auto& layer() const {
    return hana::at_c<I - 1>(layers_);
  }

  /// Inference on a batch of B samples (rows), each an independent sample: layers with state
  /// (streaming convolutions) do not read or change it. Keeps only what the next layer needs, on
  /// the stack (at most `forward_stack_bytes<B>`).
  template <std::size_t B, std::size_t N>
  constexpr Matrix<T, B, output_size> forward(const Matrix<T, B, N>& x) const {
    return forward_to<depth>(x);
  }

  /// Inference up to layer Last (1..depth): A(Last), e.g. the logits before a Softmax output.
  template <std::size_t Last, std::size_t B, std::size_t N>
  requires(Last >= 1 && Last <= depth) constexpr Matrix<T, B, size<Last>> forward_to(
      const Matrix<T, B, N>& x) const {
    using error = detail::first_error_t<
        detail::input_error<BasicNetwork, B, N>,
        std::conditional_t<
            (forward_stack_bytes<B, Last> <= detail::forward_stack_limit), void,
            shape_error::forward_needs_more_stack_than_the_limit<
                shape_error::batch_size<B>, shape_error::stack_bytes<forward_stack_bytes<B, Last>>,
                shape_error::limit_bytes<detail::forward_stack_limit>>>>;
    if constexpr (!std::is_void_v<error>) {
      detail::report_shape_error_in_call<error>();
      return {};
    } else {
      return forward_from<1, Last, false>(*this, x);
    }
  }

  /// Streaming inference on the next part of ONE stream (batch 1): layers with state (a causal
  /// convolution's past inputs) continue from where the previous call ended, so feeding a
  /// sequence in parts (down to one frame per call) gives what forward gives on the whole.
  /// reset() starts a new stream.
  template <std::size_t N>
  constexpr Vector<T, output_size> stream(const Vector<T, N>& x) {
    using error = detail::input_error<BasicNetwork, 1, N>;
    if constexpr (!std::is_void_v<error>) {
      detail::report_shape_error_in_call<error>();
      return {};
    } else {
      return forward_from<1, depth, true>(*this, x);
    }
  }

  /// Clears the state of every layer that has one: the next stream() starts a new stream.
  constexpr void reset() {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (
          [&] {
            if constexpr (has_state_v<layer_type<I + 1>>) layer<I + 1>().reset();
          }(),
          ...);
    }
    (std::make_index_sequence<depth>{});
  }

  /// Forward pass into caller-owned memory; returns the output, which lives in ws. With a
  /// Workspace<ThisNetwork, B>, every layer's activation (and training cache) is kept there for
  /// the backward pass; with an InferenceWorkspace<ThisNetwork, B> (two buffers, each as large as
  /// the largest layer output), inference as forward(x) computes it, with no stack beyond the
  /// kernels' own (for batches whose forward_stack_bytes exceed the limit).
  template <std::size_t B, std::size_t N, class WorkspaceT>
  constexpr const Matrix<T, B, output_size>& forward(const Matrix<T, B, N>& x,
                                                     WorkspaceT& ws) const {
    using error = detail::first_error_t<detail::input_error<BasicNetwork, B, N>,
                                        detail::workspace_error<BasicNetwork, B, WorkspaceT, true>>;
    if constexpr (!std::is_void_v<error>) {
      detail::report_shape_error_in_call<error>();
      return detail::unreachable_output<T, B, output_size>();
    } else if constexpr (is_inference_workspace_v<WorkspaceT>) {
      return forward_alternating<1, 0>(ws, x);
    } else {
      // The copy of x is for the backward pass. The first layer reads x itself: the copy's load
      // of the whole matrix cannot be served by the store buffer when the caller has just written
      // x element by element (one sample at a time), and would hold up the whole pass.
      ws.template activation<0>() = x;
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        (
            [&] {
              const auto& in = [&]() -> const auto& {
                if constexpr (I == 0)
                  return x;
                else
                  return ws.template activation<I>();
              }
              ();
              auto& y = ws.template activation<I + 1>();
              if constexpr (has_cache_v<layer_type<I + 1>>)
                layer<I + 1>().forward(in, y, ws.template cache<I + 1>());
              else
                layer<I + 1>().forward(in, y);
            }(),
            ...);
      }
      (std::make_index_sequence<depth>{});
      return ws.template activation<depth>();
    }
  }

  /// Backward pass. Expects ws to hold a forward pass and ws.gradient<From>() = dC/dA(From); walks
  /// layers From..1 and writes each layer's parameter gradient into `gradients` (layers after From
  /// are skipped: a loss fused with the output activation starts one layer down).
  template <std::size_t From = depth, std::size_t B>
  requires(From <= depth) constexpr void backward(Workspace<BasicNetwork, B>& ws,
                                                  Gradients<BasicNetwork>& gradients) const {
    backward_walk<From, false>(ws, gradients);
  }

  /// Every layer's part, as a tuple.
  constexpr layers_type& layers() { return layers_; }
  /// Every layer's part, as a tuple, read-only.
  constexpr const layers_type& layers() const { return layers_; }

  /// Equal parameters (state is not compared).
  friend constexpr bool operator==(const BasicNetwork& a, const BasicNetwork& b) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return (... && (detail::tensors_of(a.template layer<I + 1>()) ==
                      detail::tensors_of(b.template layer<I + 1>())));
    }
    (std::make_index_sequence<depth>{});
  }

 private:
  friend struct detail::network_access;

  /// Every parameter zero (storage for a combinator's gradients and moments, not a model).
  constexpr explicit BasicNetwork(detail::zero_parameters_t) : layers_{} {}

  /// backward's walk from layer From down. Sink holds the gradients: a Gradients<BasicNetwork>,
  /// or a network of this type whose layers' parameters take them (a combinator's gradient);
  /// FirstInputGradient: layer 1 also writes dC/dX (a combinator's input gradient).
  template <std::size_t From, bool FirstInputGradient, std::size_t B, class Sink>
  constexpr void backward_walk(Workspace<BasicNetwork, B>& ws, Sink& sink) const {
    if constexpr (From >= 1) {
      constexpr bool input_gradient = From > 1 || FirstInputGradient;
      auto& gradient = [&]() -> auto& {
        if constexpr (std::is_same_v<Sink, BasicNetwork>)
          return sink.template layer<From>().parameters();
        else
          return sink.template layer<From>();
      }
      ();
      if constexpr (has_cache_v<layer_type<From>>)
        layer<From>().template backward<input_gradient>(
            ws.template activation<From - 1>(), ws.template activation<From>(),
            ws.template gradient<From>(), ws.template gradient<From - 1>(), gradient,
            ws.template cache<From>());
      else
        layer<From>().template backward<input_gradient>(
            ws.template activation<From - 1>(), ws.template activation<From>(),
            ws.template gradient<From>(), ws.template gradient<From - 1>(), gradient);
      backward_walk<From - 1, FirstInputGradient>(ws, sink);
    }
  }

  template <std::size_t I>
  static constexpr Initialization initialization_of() {
    if constexpr (I < depth) {
      using next = std::tuple_element_t<I, std::tuple<Specs...>>;  // spec of layer I + 1
      if constexpr (requires { next::initialization; })
        return next::initialization;
      else
        return Initialization::glorot;
    } else {
      return Initialization::glorot;
    }
  }

  /// True when layer I says it runs together with layer I + 1 in inference (a dense layer and
  /// the element-wise activation after it, as one product).
  template <std::size_t I>
  static constexpr bool fuses_with_next() {
    if constexpr (I < depth) {
      if constexpr (requires { layer_type<I>::template fuses_with<layer_type<I + 1>>; })
        return layer_type<I>::template fuses_with<layer_type<I + 1>>;
      else
        return false;
    } else {
      return false;
    }
  }

  constexpr void initialize_layers(Seed seed) {
    SplitMix64 rng{seed.value};
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (
          [&] {
            if constexpr (detail::layer_has_initialize<layer_type<I + 1>>)
              layer<I + 1>().initialize(rng, initialization_of<I + 1>());
          }(),
          ...);
    }
    (std::make_index_sequence<depth>{});
    reset();
  }
  /// Not constexpr on purpose. GCC 12 tries to fold the constructor of every network declared as
  /// a local into constants ("speculative" constant evaluation: 38-49 s and 480 MB of compiler
  /// memory for a local 784-128-10 network, its weights then emitted as code); a call to a
  /// function that is not constexpr ends that attempt at once. Constant expressions (constexpr
  /// networks, static ones) still take initialize_layers.
  void initialize_at_run_time(Seed seed) { initialize_layers(seed); }

  /// Inference from layer I to layer Last on `self` (const for forward, not for stream); each
  /// step keeps its output y on the stack while the rest of the chain runs.
  template <std::size_t I, std::size_t Last, bool Streaming, class Self, std::size_t B>
  static constexpr Matrix<T, B, size<Last>> forward_from(Self& self,
                                                         const Matrix<T, B, size<I - 1>>& x) {
    constexpr bool stateful = Streaming && has_state_v<layer_type<I>>;
    constexpr bool fused = !stateful && I < Last && fuses_with_next<I>();
    constexpr std::size_t last = fused ? I + 1 : I;  // the layer whose output y is
    Matrix<T, B, size<last>> y;
    if constexpr (stateful)
      self.template layer<I>().stream(x, y);
    else if constexpr (fused)
      self.template layer<I>().template forward_fused<layer_type<I + 1>>(x, y);
    else
      self.template layer<I>().forward(x, y);
    if constexpr (last == Last)
      return y;
    else
      return forward_from<last + 1, Last, Streaming>(self, y);
  }

  /// forward_from's walk, each output written into one of ws's two buffers in turn (layer I
  /// reads the other one, or the caller's input).
  template <std::size_t I, std::size_t Buffer, std::size_t B, class Buffers>
  constexpr const Matrix<T, B, output_size>& forward_alternating(
      Buffers& ws, const Matrix<T, B, size<I - 1>>& x) const {
    constexpr bool fused = I < depth && fuses_with_next<I>();
    constexpr std::size_t last = fused ? I + 1 : I;  // the layer whose output y is
    auto& y = ws.template emplace<Buffer, last>();
    if constexpr (fused)
      layer<I>().template forward_fused<layer_type<I + 1>>(x, y);
    else
      layer<I>().forward(x, y);
    if constexpr (last == depth)
      return y;
    else
      return forward_alternating<last + 1, 1 - Buffer>(ws, y);
  }

  /// The stack forward_from<I, Last, false> keeps: the same walk, adding each kept output's size.
  template <std::size_t I, std::size_t Last, std::size_t B>
  static constexpr std::size_t stack_bytes_from() {
    constexpr bool fused = I < Last && fuses_with_next<I>();
    constexpr std::size_t last = fused ? I + 1 : I;
    if constexpr (last == Last)
      return 0;
    else
      return sizeof(Matrix<T, B, size<last>>) + stack_bytes_from<last + 1, Last, B>();
  }

  /// Bytes of layer I's parameters.
  template <std::size_t I>
  static constexpr std::size_t layer_parameter_bytes =
      detail::parameter_count_of<typename detail::parameters_of<layer_type<I>>::type>() * sizeof(T);
  /// True when a product of layers 1..Last on a batch of B may pack its weights into a stack
  /// buffer (kernels/simd.hpp, packs(): more than 256 KiB of parameters, and 8 rows or more).
  template <std::size_t B, std::size_t... I>
  static constexpr bool may_pack(std::index_sequence<I...>) {
    return B >= 8 && ((layer_parameter_bytes<I + 1> > 256 * 1024) || ...);
  }

 public:
  /// Bytes of stack that forward(x) and forward_to<I>(x) on a batch of B use at most for the
  /// activations they keep between layers (every layer output but the returned one, which lives
  /// in the caller's object), plus 4 KiB for the kernels' own buffers and call frames, and
  /// packing_buffer_bytes where a layer of more than 256 KiB of parameters may pack them. A call
  /// needing more than CTNN_FORWARD_STACK_LIMIT (default 1 MiB) is a compile error: give such
  /// batches a Workspace in static storage or on the heap (forward(x, ws)).
  template <std::size_t B, std::size_t Last = depth>
  requires(Last >= 1 && Last <= depth) static constexpr std::size_t forward_stack_bytes =
      stack_bytes_from<1, Last, B>() + 4096 +
      (may_pack<B>(std::make_index_sequence<Last>{}) ? packing_buffer_bytes : 0);

 private:
  layers_type layers_;
};

/// A network of float: `ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::ReLU, ...>`.
template <class InputSpec, class... Specs>
using Network = BasicNetwork<float, InputSpec, Specs...>;

/// The gradient of the cost with respect to every parameter of Net: one parameter set per layer
/// (Net::parameters_type), so every gradient has its parameter's shape by construction, and a
/// layer's state or buffers are not repeated here.
template <class Net>
class Gradients {
 public:
  /// The network this object is made for.
  using network_type = Net;
  /// The tuple of every layer's part.
  using layers_type = typename Net::parameters_type;
  /// Its size: a compile-time constant.
  static constexpr std::size_t bytes = sizeof(layers_type);

  /// The gradient of layer I's parameters, e.g. `gradients.layer<1>().weights`.
  template <std::size_t I>
  requires(I >= 1 && I <= Net::depth) constexpr auto& layer() { return hana::at_c<I - 1>(layers_); }
  /// Layer I's gradients (1..depth), read-only.
  template <std::size_t I>
  requires(I >= 1 && I <= Net::depth) constexpr const auto& layer() const {
    return hana::at_c<I - 1>(layers_);
  }

  /// Every layer's part, as a tuple.
  constexpr layers_type& layers() { return layers_; }
  /// Every layer's part, as a tuple, read-only.
  constexpr const layers_type& layers() const { return layers_; }

 private:
  layers_type layers_;
};

/// True for network types (BasicNetwork, Network).
template <class N>
inline constexpr bool is_network_v = false;
/// The specialization that makes it true.
template <class T, class In, class... S>
inline constexpr bool is_network_v<BasicNetwork<T, In, S...>> = true;

/// Every layer's activation for a batch of B samples, kept for the backward pass, the gradients
/// flowing back through them, and each layer's training cache. Its size is a compile-time
/// constant (`bytes`).
template <class Net, std::size_t B>
class Workspace {
  static_assert(is_network_v<Net>, "ctnn::Workspace<Net, B>: Net must be a ctnn::Network");
  static_assert(B > 0, "ctnn::Workspace<Net, B>: the batch size must be positive");
  using T = typename Net::value_type;

  template <std::size_t... I>
  static auto activations(std::index_sequence<I...>)
      -> hana::tuple<Matrix<T, B, Net::template size<I>>...>;
  using activations_type = decltype(activations(std::make_index_sequence<Net::depth + 1>{}));
  template <std::size_t... I>
  static auto caches(std::index_sequence<I...>)
      -> hana::tuple<cache_t<typename Net::template layer_type<I + 1>, B>...>;
  using caches_type = decltype(caches(std::make_index_sequence<Net::depth>{}));

 public:
  /// The network this object is made for.
  using network_type = Net;
  /// Samples per batch.
  static constexpr std::size_t batch_size = B;
  /// Bytes of every activation and activation gradient of a batch and of the layers' caches
  /// (what training adds to the network's parameter_bytes, with Gradients<Net> and the
  /// optimizer's state): sizeof(Workspace).
  static const std::size_t bytes;

  /// A(I): A(0) is the input batch, A(I) the output of layer I.
  template <std::size_t I>
  constexpr auto& activation() {
    return hana::at_c<I>(activations_);
  }
  /// Layer I's activation (0: the input), read-only.
  template <std::size_t I>
  constexpr const auto& activation() const {
    return hana::at_c<I>(activations_);
  }

  /// dC/dA(I), the gradient of the cost with respect to layer I's output (dC/dX for I = 0).
  template <std::size_t I>
  constexpr auto& gradient() {
    return hana::at_c<I>(gradients_);
  }
  /// dC/dA of layer I, read-only.
  template <std::size_t I>
  constexpr const auto& gradient() const {
    return hana::at_c<I>(gradients_);
  }

  /// The training cache of layer I (1..depth).
  template <std::size_t I>
  constexpr auto& cache() {
    return hana::at_c<I - 1>(caches_);
  }

  /// The network's output, read-only.
  constexpr const auto& output() const { return activation<Net::depth>(); }

  /// Zeroes what recurrent layers with CarriedState keep from one training forward pass to the
  /// next (where each sequence of the batch ended): the next windows start new recordings.
  constexpr void reset_states() {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (
          [&] {
            if constexpr (requires { hana::at_c<I>(caches_).reset_states(); })
              hana::at_c<I>(caches_).reset_states();
          }(),
          ...);
    }
    (std::make_index_sequence<Net::depth>{});
  }

 private:
  activations_type activations_;
  activations_type gradients_;
  [[no_unique_address]] caches_type caches_;
};

template <class Net, std::size_t B>
inline constexpr std::size_t Workspace<Net, B>::bytes = sizeof(Workspace<Net, B>);

namespace detail {
/// Room for one of Ms at a time, the one emplace<I> constructed last (a union: a constant
/// expression may switch its member too). No member is alive until then.
template <class... Ms>
union one_of;
template <class M>
union one_of<M> {
  constexpr one_of() {}
  template <std::size_t I>
  requires(I == 0) constexpr M& emplace() { return *std::construct_at(&value); }
  M value;
};
template <class M, class... Rest>
union one_of<M, Rest...> {
  constexpr one_of() {}
  template <std::size_t I>
  requires(I <= sizeof...(Rest)) constexpr auto& emplace() {
    if constexpr (I == 0)
      return *std::construct_at(&value);
    else
      return std::construct_at(&rest)->template emplace<I - 1>();
  }
  M value;
  one_of<Rest...> rest;
};
}  // namespace detail

/// What inference on a batch of B samples needs beyond the input: two buffers, each as large as
/// the largest layer output, which the layers write in turn (forward(x, ws); the output lives in
/// ws until its next use). For batches too large for the stack (forward_stack_bytes above
/// CTNN_FORWARD_STACK_LIMIT): put it in static storage or on the heap. `bytes` is its size, a
/// compile-time constant; a Workspace<Net, B> (for training) keeps every layer's activation and
/// gradient instead. The input must not be the workspace's own previous output (the first layer
/// writes buffer 0, where that output may live): feed a copy back, e.g. in a recurrence.
template <class Net, std::size_t B>
class InferenceWorkspace {
  static_assert(is_network_v<Net>, "ctnn::InferenceWorkspace<Net, B>: Net must be a ctnn::Network");
  static_assert(B > 0, "ctnn::InferenceWorkspace<Net, B>: the batch size must be positive");
  using T = typename Net::value_type;

  template <std::size_t... I>
  static auto outputs(std::index_sequence<I...>)
      -> detail::one_of<Matrix<T, B, Net::template size<I + 1>>...>;
  using buffer_type = decltype(outputs(std::make_index_sequence<Net::depth>{}));

 public:
  /// The network this object is made for.
  using network_type = Net;
  /// Samples per batch.
  static constexpr std::size_t batch_size = B;
  /// sizeof(InferenceWorkspace): twice the largest layer output of a batch.
  static const std::size_t bytes;

  /// Buffer Buffer (0 or 1) as layer I's output (1..depth); Net::forward's walk calls it.
  template <std::size_t Buffer, std::size_t I>
  requires(Buffer < 2 && I >= 1 && I <= Net::depth) constexpr auto& emplace() {
    return buffers_[Buffer].template emplace<I - 1>();
  }

 private:
  buffer_type buffers_[2];
};

template <class Net, std::size_t B>
inline constexpr std::size_t InferenceWorkspace<Net, B>::bytes = sizeof(InferenceWorkspace<Net, B>);

namespace detail {
// for_each_parameter in plain function templates (nested generic lambdas crash GCC 12 here).
template <std::size_t Index, class L, class Tensors, class F, std::size_t... J>
constexpr void visit_named_tensors(const Tensors& tensors, F& f, std::index_sequence<J...>) {
  (f(Index, std::string_view{L::kind}, L::parameters_type::names[J], std::get<J>(tensors)), ...);
}
template <std::size_t Index, class Net, class F>
constexpr void visit_layer_parameters(Net& net, F& f) {
  using L = typename std::remove_const_t<Net>::template layer_type<Index>;
  if constexpr (requires { typename L::parameters_type; }) {
    const auto tensors = net.template layer<Index>().parameters().tensors();
    visit_named_tensors<Index, L>(tensors, f,
                                  std::make_index_sequence<std::tuple_size_v<decltype(tensors)>>{});
  }
}
template <class Net, class F, std::size_t... I>
constexpr void visit_parameters(Net& net, F& f, std::index_sequence<I...>) {
  (visit_layer_parameters<I + 1>(net, f), ...);
}
}  // namespace detail

/// Calls f(index, kind, name, tensor) for every parameter tensor of net, in layer order: index is
/// the layer's position (1..depth), kind its name ("Dense"), name the tensor's ("weight", "bias"),
/// tensor the Matrix itself (const when net is). Layers without parameters are skipped.
template <class Net, class F>
requires is_network_v<std::remove_const_t<Net>>
constexpr void for_each_parameter(Net& net, F&& f) {
  detail::visit_parameters(net, f, std::make_index_sequence<std::remove_const_t<Net>::depth>{});
}

namespace detail {
template <class From, class To, std::size_t... I>
constexpr void copy_layer_parameters(const From& from, To& to, std::index_sequence<I...>) {
  // Tensor by tensor: a combinator's parameter set holds its branch, bound to the sequence length.
  ((void)(tensors_of(to.template layer<I + 1>()) = tensors_of(from.template layer<I + 1>())), ...);
}
}  // namespace detail

/// Copies every layer's parameters from `from` into `to`, two networks of the same layers whose
/// sequences may differ in length: trained on windows of 2,048 frames, then streamed one frame or
/// one block per call. Layers whose tensors differ in type (another width) do not compile.
template <class From, class To>
requires(is_network_v<From>&& is_network_v<To>&& From::depth ==
         To::depth) constexpr void copy_parameters(const From& from, To& to) {
  detail::copy_layer_parameters(from, to, std::make_index_sequence<From::depth>{});
}

}  // namespace ctnn
