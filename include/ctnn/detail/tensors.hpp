/// @file detail/tensors.hpp
/// Visits matching parameter tensors across objects that hold one tuple of layers or parameter
/// sets each (a network's layers, its gradients, an optimizer's moments): f(p, g, m, ...) once per
/// tensor, in layer order.
#pragma once

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>
#include <boost/hana/length.hpp>

namespace ctnn::detail {

/// Number of scalars in the tensors of parameter set P (the sizes of its tensors()).
template <class P>
constexpr std::size_t parameter_count_of() {
  using tensors = decltype(std::declval<const P&>().tensors());
  return []<std::size_t... J>(std::index_sequence<J...>) {
    return (std::size_t{0} + ... + std::remove_cvref_t<std::tuple_element_t<J, tensors>>::size);
  }
  (std::make_index_sequence<std::tuple_size_v<tensors>>{});
}

/// The tensors of x: a layer's parameters (x.parameters().tensors()), or a parameter set's own.
template <class X>
constexpr auto tensors_of(X& x) {
  if constexpr (requires { x.parameters(); })
    return x.parameters().tensors();
  else
    return x.tensors();
}

// One tensor position J of one layer, across all objects' tensor tuples.
template <std::size_t J, class F, class... TensorTuples>
constexpr void visit_tensor(F& f, TensorTuples&... tensors) {
  f(std::get<J>(tensors)...);
}

template <class F, class First, class... Rest, std::size_t... J>
constexpr void visit_layer(F& f, std::index_sequence<J...>, [[maybe_unused]] First first,
                           [[maybe_unused]] Rest... rest) {
  (visit_tensor<J>(f, first, rest...), ...);
}

template <std::size_t I, class F, class... LayerTuples>
constexpr void visit_layer_at(F& f, LayerTuples&... layers) {
  using first =
      decltype(tensors_of(boost::hana::at_c<I>(std::get<0>(std::forward_as_tuple(layers...)))));
  visit_layer(f, std::make_index_sequence<std::tuple_size_v<first>>{},
              tensors_of(boost::hana::at_c<I>(layers))...);
}

template <class F, class... LayerTuples, std::size_t... I>
constexpr void for_each_tensor_impl(F& f, std::index_sequence<I...>, LayerTuples&... layers) {
  (visit_layer_at<I>(f, layers...), ...);
}

template <class F, class First, class... Rest>
constexpr void for_each_tensor(F&& f, First& first, Rest&... rest) {
  constexpr std::size_t depth = decltype(boost::hana::length(first))::value;
  for_each_tensor_impl(f, std::make_index_sequence<depth>{}, first, rest...);
}

}  // namespace ctnn::detail
