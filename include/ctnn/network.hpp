/// @file network.hpp
/// `ctnn::Network<Input<N>, Layers...>`: the network as a type-level list of layers.
///
/// Every layer's input and output size, parameter shapes and activation shapes are computed at
/// compile time from the list; the parameters live inside the network object (no heap, ever).
/// Layer indices follow the template argument list: Input<N> is layer 0, the first layer after it
/// is layer 1, as A(0) = X and l = 1..L in MATH.md.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>
#include <boost/hana/tuple.hpp>

#include "ctnn/detail/tensors.hpp"
#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/layers/input.hpp"
#include "ctnn/layers/layer.hpp"
#include "ctnn/matrix.hpp"
#include "ctnn/random.hpp"
#include "ctnn/shape_error.hpp"

namespace ctnn {

namespace hana = boost::hana;

namespace detail {

/// Stands in for a layer that could not be bound, so that one mistake gives one error.
template <class T, std::size_t In, std::size_t Out>
struct placeholder_layer : NoParameters {
  using value_type = T;
  static constexpr std::size_t input_size = In;
  static constexpr std::size_t output_size = Out;
  template <std::size_t B>
  constexpr void forward(const Matrix<T, B, In>&, Matrix<T, B, Out>&) const {}
  template <bool InputGradient, std::size_t B>
  constexpr void backward(const Matrix<T, B, In>&, const Matrix<T, B, Out>&,
                          const Matrix<T, B, Out>&, Matrix<T, B, In>&, placeholder_layer&) const {}
  constexpr void initialize(SplitMix64&, Initialization) {}
};

template <class Spec, std::size_t In>
constexpr bool spec_accepts() {
  if constexpr (LayerSpec<Spec>)
    return Spec::template accepts_input<In>;
  else
    return false;
}

/// Output size of Spec fed with In features; a rejected or zero-sized layer keeps In.
template <class Spec, std::size_t In>
constexpr std::size_t spec_output_size() {
  if constexpr (spec_accepts<Spec, In>()) {
    constexpr std::size_t out = Spec::template output_size<In>;
    return out > 0 ? out : In;
  } else {
    return In;
  }
}

template <class Spec, std::size_t In>
constexpr bool spec_binds() {
  if constexpr (spec_accepts<Spec, In>())
    return Spec::template output_size<In> > 0;
  else
    return false;
}

/// Spec bound to T and In, when it binds and the result is a Layer.
template <class T, class Spec, std::size_t In>
constexpr bool spec_gives_layer() {
  if constexpr (spec_binds<Spec, In>())
    return Layer<typename Spec::template layer<T, In>>;
  else
    return false;
}

/// The first mistake made by layer Index (Spec, fed In features), or void if there is none.
template <class T, std::size_t Index, class Spec, std::size_t In>
constexpr auto layer_error() {
  using namespace shape_error;
  using which = layer<Index, Spec>;
  if constexpr (!LayerSpec<Spec>) {
    return std::type_identity<not_a_layer_spec<which>>{};
  } else if constexpr (!Spec::template accepts_input<In>) {
    if constexpr (requires { Spec::declared_input_size; }) {
      if constexpr (Index == 1)
        return std::type_identity<first_layer_does_not_fit_the_input<
            which, network_input_size<In>, declared_input_size<Spec::declared_input_size>>>{};
      else
        return std::type_identity<layer_does_not_fit_the_one_before<
            which, previous_output_size<In>, declared_input_size<Spec::declared_input_size>>>{};
    } else {
      return std::type_identity<
          layer_does_not_accept_its_input_size<which, previous_output_size<In>>>{};
    }
  } else if constexpr (Spec::template output_size<In> == 0) {
    return std::type_identity<layer_has_zero_outputs<which>>{};
  } else {
    using missing =
        typename decltype(missing_layer_requirement<typename Spec::template layer<T, In>>())::type;
    if constexpr (!std::is_void_v<missing>)
      return std::type_identity<layer_misses_a_requirement<which, missing>>{};
    else
      return std::type_identity<void>{};
  }
}

template <std::size_t In, class... Specs>
struct size_chain {
  static constexpr std::array<std::size_t, 1> value{In};
};
template <std::size_t In, class Spec, class... Rest>
struct size_chain<In, Spec, Rest...> {
  static constexpr auto value = [] {
    constexpr auto& tail = size_chain<spec_output_size<Spec, In>(), Rest...>::value;
    std::array<std::size_t, tail.size() + 1> all{In};
    for (std::size_t i = 0; i < tail.size(); ++i) all[i + 1] = tail[i];
    return all;
  }();
};

template <class T, class Spec, std::size_t In, bool Binds = spec_gives_layer<T, Spec, In>()>
struct bind {
  using type = placeholder_layer<T, In, spec_output_size<Spec, In>()>;
};
template <class T, class Spec, std::size_t In>
struct bind<T, Spec, In, true> {
  using type = typename Spec::template layer<T, In>;
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

template <class T, class InputSpec, class... Specs>
struct network_traits {
  static constexpr std::size_t input_size = [] {
    if constexpr (is_input_v<InputSpec>)
      return InputSpec::size > 0 ? InputSpec::size : 1;
    else
      return std::size_t{1};
  }();
  static constexpr std::size_t depth = sizeof...(Specs);
  /// sizes[0] = input features, sizes[i] = output size of layer i.
  static constexpr auto sizes = size_chain<input_size, Specs...>::value;

  template <std::size_t... I>
  static auto bound_layers(std::index_sequence<I...>)
      -> hana::tuple<typename bind<T, Specs, sizes[I]>::type...>;
  using layers_type = decltype(bound_layers(std::index_sequence_for<Specs...>{}));

  template <std::size_t... I>
  static auto errors(std::index_sequence<I...>)
      -> first_error<typename decltype(network_error<InputSpec, depth>())::type,
                     typename decltype(layer_error<T, I + 1, Specs, sizes[I]>())::type...>;
  /// The first mistake in the list, or void.
  using error = typename decltype(errors(std::index_sequence_for<Specs...>{}))::type;
};

}  // namespace detail

/// True when Network<Input, Specs...> can be formed: the input is Input<N> with N > 0, there is
/// at least one layer, and every layer accepts the size before it and has outputs.
template <class T, class InputSpec, class... Specs>
concept ValidNetwork =
    std::is_void_v<typename detail::network_traits<T, InputSpec, Specs...>::error>;

template <class Net, std::size_t B>
class Workspace;
template <class Net>
class Gradients;

template <class W>
inline constexpr bool is_workspace_v = false;
template <class Net, std::size_t B>
inline constexpr bool is_workspace_v<Workspace<Net, B>> = true;

namespace detail {

/// The mistake in feeding a batch of B rows and N columns to Net, or void.
template <class Net, std::size_t B, std::size_t N>
using input_error =
    std::conditional_t<N == Net::input_size, void,
                       shape_error::input_has_wrong_number_of_features<
                           shape_error::network_input_size<Net::input_size>,
                           shape_error::input_features<N>, shape_error::batch_size<B>>>;

/// The mistake in using W as the workspace of Net for a batch of B rows, or void.
template <class Net, std::size_t B, class W>
constexpr auto workspace_error_of() {
  using namespace shape_error;
  if constexpr (!is_workspace_v<W>)
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
template <class Net, std::size_t B, class W>
using workspace_error = typename decltype(workspace_error_of<Net, B, W>())::type;

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
  using value_type = T;
  using layers_type = typename traits::layers_type;

  /// Number of layers after the input.
  static constexpr std::size_t depth = traits::depth;
  /// size<0> is the number of input features, size<I> the output size of layer I.
  template <std::size_t I>
  requires(I <= depth) static constexpr std::size_t size = traits::sizes[I];
  static constexpr std::size_t input_size = traits::sizes[0];
  static constexpr std::size_t output_size = traits::sizes[depth];

  /// The bound type of layer I (1..depth), e.g. DenseLayer<float, 4, 8>.
  template <std::size_t I>
  requires(I >= 1 && I <= depth) using layer_type =
      std::remove_cvref_t<decltype(hana::at_c<I - 1>(std::declval<layers_type&>()))>;

  /// The spec of layer I (1..depth) as written, e.g. Dense<8>.
  template <std::size_t I>
  requires(I >= 1 &&
           I <= depth) using spec_type = std::tuple_element_t<I - 1, std::tuple<Specs...>>;

  /// Number of trainable scalars (weights and biases) in all layers.
  static constexpr std::size_t parameter_count = [] {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return (std::size_t{0} + ... + detail::parameter_count_of<layer_type<I + 1>>());
    }
    (std::make_index_sequence<depth>{});
  }();
  /// Bytes of the network object (parameters, aligned).
  static constexpr std::size_t parameter_bytes = sizeof(layers_type);

  /// Initialized from the default seed: the same weights on every platform.
  constexpr BasicNetwork() { initialize(Seed{}); }
  constexpr explicit BasicNetwork(Seed seed) { initialize(seed); }

  /// Glorot or He uniform weights (by the activation that follows each dense layer), zero biases.
  constexpr void initialize(Seed seed) {
    if (std::is_constant_evaluated())
      initialize_layers(seed);
    else
      initialize_at_run_time(seed);
  }

  /// Layer I (1..depth), to read or write its parameters: `net.layer<1>().weights`.
  template <std::size_t I>
  requires(I >= 1 && I <= depth) constexpr auto& layer() { return hana::at_c<I - 1>(layers_); }
  template <std::size_t I>
  requires(I >= 1 && I <= depth) constexpr const auto& layer() const {
    return hana::at_c<I - 1>(layers_);
  }

  /// Inference on a batch of B samples (rows). Keeps only what the next layer needs, on the stack
  /// (at most forward_stack_bytes<B>).
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
      return forward_from<1, Last, B>(x);
    }
  }

  /// Forward pass that keeps every layer's activation in `ws` (a Workspace<ThisNetwork, B>) for
  /// the backward pass; returns the output, which lives in ws.
  template <std::size_t B, std::size_t N, class WorkspaceT>
  constexpr const Matrix<T, B, output_size>& forward(const Matrix<T, B, N>& x,
                                                     WorkspaceT& ws) const {
    using error = detail::first_error_t<detail::input_error<BasicNetwork, B, N>,
                                        detail::workspace_error<BasicNetwork, B, WorkspaceT>>;
    if constexpr (!std::is_void_v<error>) {
      detail::report_shape_error_in_call<error>();
      return detail::unreachable_output<T, B, output_size>();
    } else {
      ws.template activation<0>() = x;
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        (layer<I + 1>().forward(ws.template activation<I>(), ws.template activation<I + 1>()), ...);
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
    if constexpr (From >= 1) {
      layer<From>().template backward<(From > 1)>(
          ws.template activation<From - 1>(), ws.template activation<From>(),
          ws.template gradient<From>(), ws.template gradient<From - 1>(),
          gradients.template layer<From>());
      backward<From - 1>(ws, gradients);
    }
  }

  constexpr layers_type& layers() { return layers_; }
  constexpr const layers_type& layers() const { return layers_; }

  friend constexpr bool operator==(const BasicNetwork& a, const BasicNetwork& b) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return (... && (a.template layer<I + 1>().tensors() == b.template layer<I + 1>().tensors()));
    }
    (std::make_index_sequence<depth>{});
  }

 private:
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

  /// True when layer I is dense and layer I + 1 an element-wise activation: inference runs both
  /// as one fused product.
  template <std::size_t I>
  static constexpr bool fuses_with_next() {
    if constexpr (I < depth) {
      using next = layer_type<I + 1>;
      return requires {
        typename next::function::simd_epilogue;
      }
      &&requires(const layer_type<I>& l, const Matrix<T, 1, size<I - 1>>& x,
                 Matrix<T, 1, size<I + 1>>& y) {
        l.template forward_activated<typename next::function>(x, y);
      };
    } else {
      return false;
    }
  }

  constexpr void initialize_layers(Seed seed) {
    SplitMix64 rng{seed.value};
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (layer<I + 1>().initialize(rng, initialization_of<I + 1>()), ...);
    }
    (std::make_index_sequence<depth>{});
  }
  /// Not constexpr on purpose. GCC 12 tries to fold the constructor of every network declared as
  /// a local into constants ("speculative" constant evaluation: 38-49 s and 480 MB of compiler
  /// memory for a local 784-128-10 network, its weights then emitted as code); a call to a
  /// function that is not constexpr ends that attempt at once. Constant expressions (constexpr
  /// networks, static ones) still take initialize_layers.
  void initialize_at_run_time(Seed seed) { initialize_layers(seed); }

  /// Inference from layer I to layer Last; each step keeps its output y on the stack while the
  /// rest of the chain runs.
  template <std::size_t I, std::size_t Last, std::size_t B>
  constexpr Matrix<T, B, size<Last>> forward_from(const Matrix<T, B, size<I - 1>>& x) const {
    constexpr bool fused = I < Last && fuses_with_next<I>();
    constexpr std::size_t last = fused ? I + 1 : I;  // the layer whose output y is
    Matrix<T, B, size<last>> y;
    if constexpr (fused)
      layer<I>().template forward_activated<typename layer_type<I + 1>::function>(x, y);
    else
      layer<I>().forward(x, y);
    if constexpr (last == Last)
      return y;
    else
      return forward_from<last + 1, Last, B>(y);
  }

  /// The stack forward_from<I, Last, B> keeps: the same walk, adding each kept output's size.
  template <std::size_t I, std::size_t Last, std::size_t B>
  static constexpr std::size_t stack_bytes_from() {
    constexpr bool fused = I < Last && fuses_with_next<I>();
    constexpr std::size_t last = fused ? I + 1 : I;
    if constexpr (last == Last)
      return 0;
    else
      return sizeof(Matrix<T, B, size<last>>) + stack_bytes_from<last + 1, Last, B>();
  }

 public:
  /// Bytes of stack that forward(x) and forward_to<I>(x) on a batch of B use at most for the
  /// activations they keep between layers (every layer output but the returned one, which lives
  /// in the caller's object), plus 4 KiB for the kernels' own buffers and call frames. A call
  /// needing more than CTNN_FORWARD_STACK_LIMIT (default 1 MiB) is a compile error: give such
  /// batches a Workspace in static storage or on the heap (forward(x, ws)).
  template <std::size_t B, std::size_t Last = depth>
  requires(Last >= 1 && Last <= depth) static constexpr std::size_t forward_stack_bytes =
      stack_bytes_from<1, Last, B>() + 4096;

 private:
  layers_type layers_;
};

/// A network of float: `ctnn::Network<ctnn::Input<4>, ctnn::Dense<8>, ctnn::ReLU, ...>`.
template <class InputSpec, class... Specs>
using Network = BasicNetwork<float, InputSpec, Specs...>;

/// The gradient of the cost with respect to every parameter of Net: one object per layer, of the
/// layer's own type, so every gradient has its parameter's shape by construction.
template <class Net>
class Gradients {
 public:
  using network_type = Net;
  using layers_type = typename Net::layers_type;
  static constexpr std::size_t bytes = sizeof(layers_type);

  template <std::size_t I>
  requires(I >= 1 && I <= Net::depth) constexpr auto& layer() { return hana::at_c<I - 1>(layers_); }
  template <std::size_t I>
  requires(I >= 1 && I <= Net::depth) constexpr const auto& layer() const {
    return hana::at_c<I - 1>(layers_);
  }

  constexpr layers_type& layers() { return layers_; }
  constexpr const layers_type& layers() const { return layers_; }

 private:
  layers_type layers_;
};

template <class N>
inline constexpr bool is_network_v = false;
template <class T, class In, class... S>
inline constexpr bool is_network_v<BasicNetwork<T, In, S...>> = true;

/// Every layer's activation for a batch of B samples, kept for the backward pass, and the
/// gradients flowing back through them. Its size is a compile-time constant (`bytes`).
template <class Net, std::size_t B>
class Workspace {
  static_assert(is_network_v<Net>, "ctnn::Workspace<Net, B>: Net must be a ctnn::Network");
  static_assert(B > 0, "ctnn::Workspace<Net, B>: the batch size must be positive");
  using T = typename Net::value_type;

  template <std::size_t... I>
  static auto activations(std::index_sequence<I...>)
      -> hana::tuple<Matrix<T, B, Net::template size<I>>...>;
  using activations_type = decltype(activations(std::make_index_sequence<Net::depth + 1>{}));

 public:
  using network_type = Net;
  static constexpr std::size_t batch_size = B;
  /// Bytes of every activation and activation gradient of a batch (what training adds to the
  /// network's parameter_bytes, with Gradients<Net> and the optimizer's state).
  static constexpr std::size_t bytes = 2 * sizeof(activations_type);

  /// A(I): A(0) is the input batch, A(I) the output of layer I.
  template <std::size_t I>
  constexpr auto& activation() {
    return hana::at_c<I>(activations_);
  }
  template <std::size_t I>
  constexpr const auto& activation() const {
    return hana::at_c<I>(activations_);
  }

  /// dC/dA(I), the gradient of the cost with respect to layer I's output (dC/dX for I = 0).
  template <std::size_t I>
  constexpr auto& gradient() {
    return hana::at_c<I>(gradients_);
  }
  template <std::size_t I>
  constexpr const auto& gradient() const {
    return hana::at_c<I>(gradients_);
  }

  constexpr const auto& output() const { return activation<Net::depth>(); }

 private:
  activations_type activations_;
  activations_type gradients_;
};

}  // namespace ctnn
