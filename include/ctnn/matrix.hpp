/// @file matrix.hpp
/// `ctnn::Matrix<T, Rows, Cols>`: a fixed-size, row-major matrix stored inside the object,
/// aligned to a cache line; and `ctnn::Vector<T, N>`, a single row (one sample: samples are rows).
#pragma once

#include <cstddef>
#include <type_traits>

#include "ctnn/config.hpp"
#include "ctnn/element.hpp"

namespace ctnn {

/// A fixed-size matrix: element (r, c) at data()[r * Cols + c]. Zero-initialized by default,
/// usable in constant expressions. Shapes are part of the type, so a size mistake is a compile
/// error rather than a wrong result.
template <class T, std::size_t Rows, std::size_t Cols>
class Matrix {
  static_assert(Element<T>,
                "ctnn::Matrix: the element type must be float, double or a type given "
                "ctnn::element_traits (element.hpp)");
  static_assert(Rows > 0 && Cols > 0, "ctnn::Matrix: zero-sized matrices are not allowed");

 public:
  /// The element type (float or double).
  using value_type = T;
  /// Rows.
  static constexpr std::size_t rows = Rows;
  /// Columns.
  static constexpr std::size_t cols = Cols;
  /// Rows x columns.
  static constexpr std::size_t size = Rows * Cols;

  constexpr Matrix() = default;

  /// Matrix<float, 2, 3> m{{{1, 2, 3}, {4, 5, 6}}}; one braced row per matrix row.
  constexpr Matrix(const T (&values)[Rows][Cols]) {  // NOLINT(google-explicit-constructor)
    for (std::size_t r = 0; r < Rows; ++r)
      for (std::size_t c = 0; c < Cols; ++c) data_[r * Cols + c] = values[r][c];
  }

  /// Vector<float, 3> v{{1, 2, 3}}; a single row written without the extra braces.
  constexpr Matrix(const T (&values)[Cols])  // NOLINT(google-explicit-constructor)
      requires(Rows == 1 && Cols > 1) {
    for (std::size_t c = 0; c < Cols; ++c) data_[c] = values[c];
  }

  /// A matrix with every element equal to `value`.
  static constexpr Matrix filled(T value) {
    Matrix m;
    for (auto& x : m) x = value;
    return m;
  }

  /// Element (r, c).
  constexpr T& operator()(std::size_t r, std::size_t c) { return data_[r * Cols + c]; }
  /// Element (r, c), read-only.
  constexpr const T& operator()(std::size_t r, std::size_t c) const { return data_[r * Cols + c]; }

  /// Flat, row-major access to the Rows * Cols elements.
  constexpr T& operator[](std::size_t i) { return data_[i]; }
  /// Element i of the row-major storage, read-only.
  constexpr const T& operator[](std::size_t i) const { return data_[i]; }

  /// The row-major storage (padded past size: see padded_size).
  constexpr T* data() { return data_; }
  /// The row-major storage, read-only.
  constexpr const T* data() const { return data_; }
  /// Iteration over the size elements.
  constexpr T* begin() { return data_; }
  /// Iteration over the size elements.
  constexpr T* end() { return data_ + size; }
  /// Iteration over the size elements.
  constexpr const T* begin() const { return data_; }
  /// Iteration over the size elements.
  constexpr const T* end() const { return data_ + size; }

  /// Element-wise equality of the Rows * Cols elements (not of the padding).
  friend constexpr bool operator==(const Matrix& a, const Matrix& b) {
    for (std::size_t i = 0; i < size; ++i)
      if (!(a.data_[i] == b.data_[i])) return false;
    return true;
  }

 private:
  // Padded to whole alignment units (padded_size): batch-1 kernels may write whole vectors there.
  alignas(alignment_of<T>) T data_[padded_size<T>(Rows * Cols)]{};
};

/// One sample: a single row of N features.
template <class T, std::size_t N>
using Vector = Matrix<T, 1, N>;

/// True for Matrix types.
template <class M>
inline constexpr bool is_matrix_v = false;
/// The specialization that makes it true.
template <class T, std::size_t R, std::size_t C>
inline constexpr bool is_matrix_v<Matrix<T, R, C>> = true;

/// Anything that is a ctnn::Matrix.
template <class M>
concept AnyMatrix = is_matrix_v<std::remove_cvref_t<M>>;

}  // namespace ctnn
