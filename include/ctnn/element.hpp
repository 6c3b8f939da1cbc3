/// @file element.hpp
/// `ctnn::element_traits<T>`: what ctnn needs to know of an element type, in one place, so that
/// new types (int8 with int32 accumulation, for inference) are added here and not in Matrix's
/// users. float and double are elements: trainable, accumulated in their own type.
#pragma once

namespace ctnn {

/// Specialize for a new element type: `is_element = true`, the `accumulator_type` products are
/// summed in, and whether networks of it can be trained.
template <class T>
struct element_traits {
  /// True for the element types a Matrix may hold.
  static constexpr bool is_element = false;
};

/// float: an element type that can be trained; accumulates in float.
template <>
struct element_traits<float> {
  /// float is an element type.
  static constexpr bool is_element = true;
  /// Sums of products are kept in float.
  using accumulator_type = float;
  /// Networks of float can be trained.
  static constexpr bool trainable = true;
};

/// double: an element type that can be trained; accumulates in double.
template <>
struct element_traits<double> {
  /// double is an element type.
  static constexpr bool is_element = true;
  /// Sums of products are kept in double.
  using accumulator_type = double;
  /// Networks of double can be trained.
  static constexpr bool trainable = true;
};

/// A type a Matrix may hold.
template <class T>
concept Element = element_traits<T>::is_element;

/// An element type networks can be trained in (gradients, optimizer moments).
template <class T>
concept TrainableElement = Element<T> && element_traits<T>::trainable;

}  // namespace ctnn
