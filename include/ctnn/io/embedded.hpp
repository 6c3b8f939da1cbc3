/// @file io/embedded.hpp
/// Weights compiled into the program, for firmware: examples/safetensors_to_header.py turns a
/// safetensors file into a header of `ctnn::EmbeddedTensor<"name", dims...>` constants, and
///   constexpr Net net = ctnn::embedded_network<Net>(generated::weights);
/// builds the network at compile time (its parameters land in read-only data, i.e. flash). Tensors
/// are matched by name, in any order (the reference writer sorts them by name). The names, shapes
/// and architecture are checked against Net by the compiler: a mismatch is a compile error naming
/// the tensor and both shapes. A static_assert can then run the network's
/// constexpr forward pass on the file's test vectors.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "ctnn/io/safetensors.hpp"
#include "ctnn/shape_error.hpp"

namespace ctnn {

/// A string usable as a template argument: `EmbeddedTensor<"0.weight", 16, 2>`.
template <std::size_t N>
struct fixed_string {
  /// The characters, with the terminating zero.
  char text[N]{};
  /// From a string literal (a template argument: `EmbeddedTensor<"0.weight", 16, 2>`).
  constexpr fixed_string(const char (&s)[N]) {  // NOLINT(google-explicit-constructor)
    for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
  }
  /// The text without the terminating zero.
  constexpr std::string_view view() const { return {text, N - 1}; }
};

/// One tensor of a weight file: its name and its file shape in the type, its values (in the
/// file's layout, as double: exact for F32 and F64 files) in the object.
template <fixed_string Name, std::size_t... Dims>
struct EmbeddedTensor {
  /// The name as a template argument.
  static constexpr auto name_text = Name;
  /// The tensor's name in the file ("0.weight").
  static constexpr std::string_view name = Name.view();
  /// Number of dimensions.
  static constexpr std::size_t rank = sizeof...(Dims);
  /// The file's shape (PyTorch's layout).
  static constexpr std::array<std::size_t, sizeof...(Dims)> dims{Dims...};
  /// Number of values.
  static constexpr std::size_t size = (std::size_t{1} * ... * Dims);
  /// The values, row-major over dims, in double (rounded to the network's type once).
  double values[size];
};

/// A weight file's tensors (in any order), and the architecture it was saved from ("" if none).
template <fixed_string Architecture, class... Tensors>
struct EmbeddedWeights {
  /// The architecture string the weights were written for.
  static constexpr std::string_view architecture = Architecture.view();
  /// The tensors, in the file's order.
  std::tuple<Tensors...> tensors;
};

/// EmbeddedTensor constants bundled with the architecture they were written for (what
/// examples/safetensors_to_header.py emits).
template <fixed_string Architecture, class... Tensors>
constexpr EmbeddedWeights<Architecture, Tensors...> embed(const Tensors&... tensors) {
  return {{tensors...}};
}

namespace shape_error {
template <fixed_string Text>
struct text {};
template <std::size_t... Dims>
struct dims {};
template <class What>
struct network_expects {};
template <class... What>
struct file_has {};
template <std::size_t N>
struct tensor_index {};

/// embedded_network: the weights hold another number of tensors than the network.
template <class... What>
struct embedded_tensor_count_differs : ::ctnn::detail::shape_error_tag {
  static void report() = delete;
};
/// embedded_network: no tensor of the weights has the name of one of the network's.
template <class... What>
struct embedded_tensor_missing : ::ctnn::detail::shape_error_tag {
  static void report() = delete;
};
/// embedded_network: a tensor has another shape than the network expects.
template <class... What>
struct embedded_tensor_shape_differs : ::ctnn::detail::shape_error_tag {
  static void report() = delete;
};
/// embedded_network: the weights were written for another architecture (the same layers on
/// sequences of another length are not another architecture).
template <class... What>
struct embedded_architecture_differs : ::ctnn::detail::shape_error_tag {
  static void report() = delete;
};
}  // namespace shape_error

namespace detail {

/// The name of manifest entry E of Net as a fixed_string (for error messages).
template <class Net, std::size_t E>
constexpr auto manifest_name() {
  constexpr ManifestEntry entry = manifest<Net>[E];
  char text[entry.name_size + 1] = {};
  for (std::size_t i = 0; i < entry.name_size; ++i) text[i] = entry.name_storage[i];
  return fixed_string<entry.name_size + 1>(text);
}
template <class Net>
constexpr auto architecture_name() {
  constexpr std::size_t n = architecture<Net>.size();
  char text[n + 1] = {};
  for (std::size_t i = 0; i < n; ++i) text[i] = architecture<Net>[i];
  return fixed_string<n + 1>(text);
}
template <class Net, std::size_t E, std::size_t... A>
constexpr auto manifest_dims(std::index_sequence<A...>)
    -> shape_error::dims<manifest<Net>[E].layout.dims[A]...>;
template <class Tensor, std::size_t... A>
constexpr auto tensor_dims(std::index_sequence<A...>) -> shape_error::dims<Tensor::dims[A]...>;

template <class Net, std::size_t E, class Tensor>
constexpr bool same_file_shape() {
  constexpr ManifestEntry entry = manifest<Net>[E];
  if (Tensor::rank != entry.layout.rank) return false;
  for (std::size_t a = 0; a < Tensor::rank; ++a)
    if (Tensor::dims[a] != entry.layout.dims[a]) return false;
  return true;
}

template <class Net, std::size_t E, class Tensor>
constexpr auto embedded_shape_error() {
  using namespace shape_error;
  constexpr ManifestEntry entry = manifest<Net>[E];
  if constexpr (!same_file_shape<Net, E, Tensor>()) {
    return std::type_identity<embedded_tensor_shape_differs<
        text<manifest_name<Net, E>()>,
        network_expects<decltype(manifest_dims<Net, E>(
            std::make_index_sequence<entry.layout.rank>{}))>,
        file_has<decltype(tensor_dims<Tensor>(std::make_index_sequence<Tensor::rank>{}))>>>{};
  } else {
    return std::type_identity<void>{};
  }
}

/// The position among Tensors of the one named as Net's tensor E (sizeof...(Tensors) if none).
template <class Net, std::size_t E, class... Tensors>
constexpr std::size_t embedded_position() {
  constexpr std::array<std::string_view, sizeof...(Tensors)> names{Tensors::name...};
  for (std::size_t k = 0; k < names.size(); ++k)
    if (names[k] == manifest<Net>[E].name()) return k;
  return names.size();
}

template <class Net, std::size_t E, class... Tensors>
constexpr auto embedded_tensor_error() {
  using namespace shape_error;
  constexpr std::size_t k = embedded_position<Net, E, Tensors...>();
  if constexpr (k == sizeof...(Tensors)) {
    return std::type_identity<embedded_tensor_missing<
        network_expects<text<manifest_name<Net, E>()>>, file_has<text<Tensors::name_text>...>>>{};
  } else {
    return embedded_shape_error<Net, E, std::tuple_element_t<k, std::tuple<Tensors...>>>();
  }
}

/// For each of Net's tensors, the position of its embedded tensor (checked to exist).
template <class Net, class... Tensors>
inline constexpr auto embedded_positions = []<std::size_t... E>(std::index_sequence<E...>) {
  return std::array<std::size_t, sizeof...(E)>{embedded_position<Net, E, Tensors...>()...};
}
(std::make_index_sequence<manifest<Net>.size()>{});

template <class Net, fixed_string Architecture, class... Tensors>
constexpr auto embedded_error_of() {
  using namespace shape_error;
  if constexpr (!Architecture.view().empty() && Architecture.view() != architecture<Net> &&
                !same_layers_other_length<Net>(Architecture.view())) {
    return std::type_identity<embedded_architecture_differs<
        network_expects<text<architecture_name<Net>()>>, file_has<text<Architecture>>>>{};
  } else if constexpr (sizeof...(Tensors) != manifest<Net>.size()) {
    return std::type_identity<
        embedded_tensor_count_differs<network_expects<tensor_index<manifest<Net>.size()>>,
                                      file_has<tensor_index<sizeof...(Tensors)>>>>{};
  } else {
    return []<std::size_t... E>(std::index_sequence<E...>) {
      return std::type_identity<
          first_error_t<typename decltype(embedded_tensor_error<Net, E, Tensors...>())::type...>>{};
    }
    (std::make_index_sequence<manifest<Net>.size()>{});
  }
}

/// Writes embedded tensor k (of the tuple) into matrix through the file layout.
template <std::size_t K = 0, class Tuple, class M>
constexpr void assign_embedded(const Tuple& tensors, std::size_t e, M& matrix,
                               const TensorLayout& layout) {
  if constexpr (K < std::tuple_size_v<Tuple>) {
    if (K != e) return assign_embedded<K + 1>(tensors, e, matrix, layout);
    for (std::size_t i = 0; i < layout.size(); ++i)
      matrix[layout.matrix_index(i)] =
          static_cast<typename M::value_type>(std::get<K>(tensors).values[i]);
  }
}

}  // namespace detail

/// Net with the embedded weights, built in a constant expression:
///   constexpr Net net = ctnn::embedded_network<Net>(generated::weights);
/// A tensor name, shape or architecture that differs from Net's is a compile error naming it.
template <class Net, fixed_string Architecture, class... Tensors>
requires is_network_v<Net>
constexpr Net embedded_network(const EmbeddedWeights<Architecture, Tensors...>& weights) {
  using error = typename decltype(detail::embedded_error_of<Net, Architecture, Tensors...>())::type;
  Net net{};
  if constexpr (!std::is_void_v<error>) {
    detail::report_shape_error_in_call<error>();
  } else {
    detail::for_each_manifest_tensor(net, [&](std::size_t e, auto& matrix) {
      detail::assign_embedded(weights.tensors, detail::embedded_positions<Net, Tensors...>[e],
                              matrix, manifest<Net>[e].layout);
    });
  }
  return net;
}

}  // namespace ctnn
