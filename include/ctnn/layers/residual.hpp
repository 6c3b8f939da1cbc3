/// @file layers/residual.hpp
/// `ctnn::Residual<Layers...>`: y = x + f(x), where f is the chain of Layers (a branch) and its
/// output has the shape of its input: GuitarML Proteus's `LSTM -> Linear` with the input added
/// (`Residual<LSTM<40>, Linear<1>>`), a ResNet block (`Residual<Dense<64>, ReLU, Dense<64>>`).
///
/// The branch is a network of its own type (Input of the residual's input shape, then Layers...),
/// so every shape in it is checked as a network's is; a mistake in it, or a branch whose output
/// shape differs from its input's, is a catalogue compile error naming the residual layer and the
/// shapes. Backward: dC/dx = dC/dy + the branch's dC/dx (the gradients add at the fork). In weight
/// files the branch's tensors are named as a PyTorch nn.Sequential inside the model's: layer j of
/// the branch of layer i is "i.j.weight". Streaming continues the branch's layers' state.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "ctnn/detail/tensors.hpp"
#include "ctnn/layers/input.hpp"
#include "ctnn/layers/layer.hpp"
#include "ctnn/matrix.hpp"
#include "ctnn/network.hpp"
#include "ctnn/random.hpp"
#include "ctnn/shape.hpp"
#include "ctnn/shape_error.hpp"

namespace ctnn {

namespace detail {

/// The Input spec of a sample shape: Input<N> for Features<N>, Input<Time, C> for a sequence.
template <class S>
struct input_of_shape {
  using type = Input<S::size>;
};
template <std::size_t Time, std::size_t C>
struct input_of_shape<Sequence<Time, C>> {
  using type = Input<Time, C>;
};

/// The branch of a Residual<Specs...> fed samples of shape S, as a network.
template <class T, class S, class... Specs>
using branch_network = BasicNetwork<T, typename input_of_shape<S>::type, Specs...>;

// The walks over the branch's layers are recursive function templates: generic lambdas over
// index packs crash Clang 14 here.

/// Writes the names of the tensors of the branch's layers I.. ("0.weight", each ended by '\0')
/// from out[size] on (counting only when out is null), their starts and sizes from [count] on.
template <class Branch, std::size_t I = 1>
constexpr void write_branch_names(char* out, std::size_t* starts, std::size_t* sizes,
                                  std::size_t& size, std::size_t& count) {
  if constexpr (I <= Branch::depth) {
    using P = typename parameters_of<typename Branch::template layer_type<I>>::type;
    const auto put = [&](char c) {
      if (out != nullptr) out[size] = c;
      ++size;
    };
    for (const std::string_view name : P::names) {
      const std::size_t start = size;
      char digits[20] = {};
      int n = 0;
      std::size_t index = I - 1;  // PyTorch's nn.Sequential index
      do {
        digits[n++] = static_cast<char>('0' + index % 10);
        index /= 10;
      } while (index != 0);
      while (n > 0) put(digits[--n]);
      put('.');
      for (const char c : name) put(c);
      if (starts != nullptr) starts[count] = start;
      if (sizes != nullptr) sizes[count] = size - start;
      put('\0');  // each name a C string too, as a literal name is
      ++count;
    }
    write_branch_names<Branch, I + 1>(out, starts, sizes, size, count);
  }
}

/// Number of tensors of the branch's layers I.. (and, with d, their L2 flags from d[k] on).
template <class Branch, std::size_t I = 1>
constexpr std::size_t branch_tensors(bool* d = nullptr, std::size_t k = 0) {
  if constexpr (I <= Branch::depth) {
    using P = typename parameters_of<typename Branch::template layer_type<I>>::type;
    for (const bool b : P::decayed)
      if (d != nullptr) d[k++] = b;
    return P::names.size() + branch_tensors<Branch, I + 1>(d, k);
  } else {
    return 0;
  }
}

template <class Branch>
constexpr std::size_t branch_text_size() {
  std::size_t size = 0, count = 0;
  write_branch_names<Branch>(nullptr, nullptr, nullptr, size, count);
  return size;
}

/// Every tensor name of the branch, one after another (what branch_names views).
template <class Branch>
inline constexpr auto branch_name_text = [] {
  std::array<char, branch_text_size<Branch>()> text{};
  std::size_t size = 0, count = 0;
  write_branch_names<Branch>(text.data(), nullptr, nullptr, size, count);
  return text;
}();

/// The branch's tensor names, "j.weight", viewing branch_name_text.
template <class Branch>
inline constexpr auto branch_names = [] {
  constexpr std::size_t tensors = branch_tensors<Branch>();
  std::array<std::size_t, tensors> starts{}, sizes{};
  std::size_t size = 0, count = 0;
  write_branch_names<Branch>(nullptr, starts.data(), sizes.data(), size, count);
  std::array<std::string_view, tensors> views{};
  for (std::size_t k = 0; k < tensors; ++k)
    views[k] = {branch_name_text<Branch>.data() + starts[k], sizes[k]};
  return views;
}();

/// Per tensor of the branch: whether L2 applies, as its layers say.
template <class Branch>
inline constexpr auto branch_decayed = [] {
  std::array<bool, branch_tensors<Branch>()> d{};
  branch_tensors<Branch>(d.data());
  return d;
}();

template <class Net, std::size_t... I>
constexpr auto branch_tensor_tuple(Net& net, std::index_sequence<I...>) {
  return std::tuple_cat(tensors_of(net.template layer<I + 1>())...);
}

}  // namespace detail

/// The parameters of a combinator whose branch is the network type Branch: the branch itself (its
/// layers' parameters; their streaming state goes unused when this set holds gradients or an
/// optimizer's moments). Its tensors are the branch layers', in order, named "j.name".
template <class Branch>
struct BranchParameters {
  /// The branch: a network of the combinator's layers, fed the combinator's input shape.
  Branch branch = detail::network_access::zeroed<Branch>();

  /// The tensors' names: "j.weight" for tensor "weight" of the branch's layer j + 1.
  static constexpr const auto& names = detail::branch_names<Branch>;
  /// Per tensor: whether L2 applies, as the branch's layers say.
  static constexpr const auto& decayed = detail::branch_decayed<Branch>;

  /// The tensors as a tuple of references, in the order of `names`.
  constexpr auto tensors() {
    return detail::branch_tensor_tuple(branch, std::make_index_sequence<Branch::depth>{});
  }
  /// The tensors as a tuple of const references, in the order of `names`.
  constexpr auto tensors() const {
    return detail::branch_tensor_tuple(branch, std::make_index_sequence<Branch::depth>{});
  }
};

/// The bound residual layer: y = x + f(x), f the branch network of Specs... on samples of shape S.
template <class T, class S, class... Specs>
struct ResidualLayer : WithParameters<BranchParameters<detail::branch_network<T, S, Specs...>>> {
  /// The branch, as a network type.
  using branch_type = detail::branch_network<T, S, Specs...>;
  /// The element type (float or double).
  using value_type = T;
  /// The shape of one input sample.
  using input_shape = S;
  /// The shape of one output sample: the input's.
  using output_shape = S;
  /// The layer's name in architecture strings, weight files and messages.
  static constexpr std::string_view kind = "Residual";
  /// The training cache: the branch's workspace (its activations, gradients and caches).
  template <std::size_t B>
  using cache = Workspace<branch_type, B>;
  /// The branch's layers keep their own streaming state; this marks the layer as streaming.
  struct state_type {};

  /// y = x + f(x) on B independent samples.
  template <std::size_t B>
  constexpr void forward(const Matrix<T, B, S::size>& x, Matrix<T, B, S::size>& y) const {
    y = this->branch.forward(x);
    add(x, y);
  }
  /// Training forward pass: the branch keeps its activations in the cache.
  template <std::size_t B>
  constexpr void forward(const Matrix<T, B, S::size>& x, Matrix<T, B, S::size>& y,
                         cache<B>& ws) const {
    y = this->branch.forward(x, ws);
    add(x, y);
  }
  /// The branch's parameter gradients; dC/dx = dC/dy + the branch's dC/dx (when wanted).
  template <bool InputGradient, std::size_t B>
  constexpr void backward(const Matrix<T, B, S::size>&, const Matrix<T, B, S::size>&,
                          const Matrix<T, B, S::size>& g, Matrix<T, B, S::size>& dx,
                          BranchParameters<branch_type>& gradient, cache<B>& ws) const {
    ws.template gradient<branch_type::depth>() = g;
    detail::network_access::backward<InputGradient>(this->branch, ws, gradient.branch);
    if constexpr (InputGradient) {
      dx = ws.template gradient<0>();
      add(g, dx);
    }
  }
  /// Streaming: the branch continues its stream.
  template <std::size_t N>
  constexpr void stream(const Matrix<T, 1, N>& x, Matrix<T, 1, N>& y) {
    y = this->branch.stream(x);
    add(x, y);
  }
  /// Resets the branch's layers' state.
  constexpr void reset() { this->branch.reset(); }
  /// The branch's parameters, drawn from the enclosing network's generator.
  constexpr void initialize(SplitMix64& rng, Initialization) {
    detail::network_access::initialize(this->branch, rng);
  }

 private:
  template <std::size_t B>
  static constexpr void add(const Matrix<T, B, S::size>& a, Matrix<T, B, S::size>& y) {
    for (std::size_t i = 0; i < B * S::size; ++i) y.data()[i] += a.data()[i];
  }
};

namespace detail {
/// The mistake of Residual<Layers...> as layer Which fed samples of shape S, or void.
template <class T, class Which, class S, class... Layers>
constexpr auto residual_mistake() {
  using traits = network_traits<T, typename input_of_shape<S>::type, Layers...>;
  using out = typename traits::template shape<traits::depth>;
  if constexpr (!std::is_void_v<typename traits::error>)
    return std::type_identity<
        shape_error::mistake_in_residual_branch<Which, typename traits::error>>{};
  else if constexpr (!std::is_same_v<out, S>)
    return std::type_identity<shape_error::residual_branch_changes_the_shape<
        Which, shape_error::branch_input<S>, shape_error::branch_output<out>>>{};
  else
    return std::type_identity<void>{};
}
}  // namespace detail

/// y = x + f(x), f the chain of Layers...: `Residual<LSTM<40>, Linear<1>>` on a Sequence<Time, 1>
/// is GuitarML Proteus's model with its input added to the output. The branch must end in the
/// shape it starts from.
template <class... Layers>
struct Residual {
  /// Whether the residual accepts the sample shape S: its branch forms a network on S and ends in
  /// S.
  template <class S>
  static constexpr bool accepts = std::is_void_v<
      typename decltype(detail::residual_mistake<float, void, S, Layers...>())::type>;
  /// The shape of one output sample: the input's.
  template <class S>
  using output_shape = S;
  /// The bound layer for element type T and input shape S.
  template <class T, class S>
  using layer = ResidualLayer<T, S, Layers...>;
  /// The mistake of this residual as layer Which fed S (void when none), for the network's error.
  template <class T, class Which, class S>
  using mistake = typename decltype(detail::residual_mistake<T, Which, S, Layers...>())::type;
};

}  // namespace ctnn
