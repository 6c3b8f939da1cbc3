/// @file operations.hpp
/// Matrix arithmetic whose shapes the compiler checks: the product `a * b`, the transposed
/// products A^T B and A B^T (no transpose is materialized), row-broadcast add, column sums,
/// element-wise operations. Each forwards to a SIMD kernel at run time and to plain loops in a
/// constant expression.
///
/// A product of incompatible matrices is not an expression, and its first error line names both
/// shapes: on GCC through a deleted overload ("use of deleted function ... [with lhs_rows = 2;
/// lhs_cols = 3; rhs_rows = 4; rhs_cols = 5]"), on Clang through the operand types ("invalid
/// operands to binary expression ('Matrix<float, 2, 3>' and 'Matrix<float, 4, 5>')").
#pragma once

#include <cstddef>

#include "ctnn/kernels/dispatch.hpp"
#include "ctnn/matrix.hpp"

namespace ctnn {

// Out-parameter forms: the library's own hot paths use these, so that every product it computes
// (forward, and the backward products dW = A^T G, db = 1^T G, dA = G W^T) is shape-checked by
// the same types a user sees, without a temporary.

/// out = a * b, (R, K) x (K, C) -> (R, C).
template <class T, std::size_t R, std::size_t K, std::size_t C>
constexpr void multiply(const Matrix<T, R, K>& a, const Matrix<T, K, C>& b, Matrix<T, R, C>& out) {
  kernels::gemm<R, K, C>(a.data(), b.data(), out.data());
}
/// out = a * w + 1 bias: the affine map Z = A W + 1 b of a dense layer, bias fused.
template <class T, std::size_t R, std::size_t K, std::size_t C>
constexpr void multiply_add_row(const Matrix<T, R, K>& a, const Matrix<T, K, C>& w,
                                const Matrix<T, 1, C>& bias, Matrix<T, R, C>& out) {
  kernels::gemm<R, K, C>(a.data(), w.data(), bias.data(), out.data());
}
/// out = a^T b, (K, M)^T x (K, N) -> (M, N).
template <class T, std::size_t K, std::size_t M, std::size_t N>
constexpr void transposed_times(const Matrix<T, K, M>& a, const Matrix<T, K, N>& b,
                                Matrix<T, M, N>& out) {
  kernels::gemm_tn<K, M, N>(a.data(), b.data(), out.data());
}
/// out = a b^T, (M, K) x (N, K)^T -> (M, N).
template <class T, std::size_t M, std::size_t K, std::size_t N>
constexpr void times_transposed(const Matrix<T, M, K>& a, const Matrix<T, N, K>& b,
                                Matrix<T, M, N>& out) {
  kernels::gemm_nt<M, K, N>(a.data(), b.data(), out.data());
}
/// out = 1^T m, the (1, C) row of column sums.
template <class T, std::size_t R, std::size_t C>
constexpr void column_sums(const Matrix<T, R, C>& m, Matrix<T, 1, C>& out) {
  kernels::column_sums<R, C>(m.data(), out.data());
}

/// The matrix product (R, K) x (K, C) -> (R, C).
template <class T, std::size_t R, std::size_t K, std::size_t C>
constexpr Matrix<T, R, C> operator*(const Matrix<T, R, K>& a, const Matrix<T, K, C>& b) {
  Matrix<T, R, C> c;
  kernels::gemm<R, K, C>(a.data(), b.data(), c.data());
  return c;
}
#if !defined(__clang__)
/// Shape error: the product needs lhs_cols == rhs_rows. GCC names a deleted function's template
/// arguments in its first error line; Clang names both operand types when no operator* fits at
/// all, so it is told nothing more. On both, `a * b` is not a valid expression.
template <class T, std::size_t lhs_rows, std::size_t lhs_cols, std::size_t rhs_rows,
          std::size_t rhs_cols>
requires(lhs_cols != rhs_rows) void operator*(const Matrix<T, lhs_rows, lhs_cols>&,
                                              const Matrix<T, rhs_rows, rhs_cols>&) = delete;
#endif

/// A^T B for A (K, M) and B (K, N) -> (M, N), reading A column-wise: the weight gradient A^T G.
template <class T, std::size_t K, std::size_t M, std::size_t N>
constexpr Matrix<T, M, N> transposed_times(const Matrix<T, K, M>& a, const Matrix<T, K, N>& b) {
  Matrix<T, M, N> c;
  kernels::gemm_tn<K, M, N>(a.data(), b.data(), c.data());
  return c;
}
/// Shape error: A^T B needs lhs_rows == rhs_rows.
template <class T, std::size_t lhs_rows, std::size_t lhs_cols, std::size_t rhs_rows,
          std::size_t rhs_cols>
requires(lhs_rows != rhs_rows) void transposed_times(const Matrix<T, lhs_rows, lhs_cols>&,
                                                     const Matrix<T, rhs_rows, rhs_cols>&) = delete;

/// A B^T for A (M, K) and B (N, K) -> (M, N), rows against rows: the input gradient G W^T.
template <class T, std::size_t M, std::size_t K, std::size_t N>
constexpr Matrix<T, M, N> times_transposed(const Matrix<T, M, K>& a, const Matrix<T, N, K>& b) {
  Matrix<T, M, N> c;
  kernels::gemm_nt<M, K, N>(a.data(), b.data(), c.data());
  return c;
}
/// Shape error: A B^T needs lhs_cols == rhs_cols.
template <class T, std::size_t lhs_rows, std::size_t lhs_cols, std::size_t rhs_rows,
          std::size_t rhs_cols>
requires(lhs_cols != rhs_cols) void times_transposed(const Matrix<T, lhs_rows, lhs_cols>&,
                                                     const Matrix<T, rhs_rows, rhs_cols>&) = delete;

/// m + 1 row: adds the (1, C) row to every row of m (the bias broadcast of Z = A W + 1 b).
template <class T, std::size_t R, std::size_t C>
constexpr Matrix<T, R, C> add_to_each_row(Matrix<T, R, C> m, const Matrix<T, 1, C>& row) {
  kernels::add_row<R, C>(row.data(), m.data());
  return m;
}

/// 1^T m: the (1, C) row of column sums (the bias gradient 1^T G).
template <class T, std::size_t R, std::size_t C>
constexpr Matrix<T, 1, C> column_sums(const Matrix<T, R, C>& m) {
  Matrix<T, 1, C> s;
  kernels::column_sums<R, C>(m.data(), s.data());
  return s;
}

/// Element-wise sum of two matrices of the same shape.
template <class T, std::size_t R, std::size_t C>
constexpr Matrix<T, R, C> operator+(const Matrix<T, R, C>& a, const Matrix<T, R, C>& b) {
  Matrix<T, R, C> c;
  kernels::add<R * C>(a.data(), b.data(), c.data());
  return c;
}
/// Element-wise difference of two matrices of the same shape.
template <class T, std::size_t R, std::size_t C>
constexpr Matrix<T, R, C> operator-(const Matrix<T, R, C>& a, const Matrix<T, R, C>& b) {
  Matrix<T, R, C> c;
  kernels::sub<R * C>(a.data(), b.data(), c.data());
  return c;
}
/// Adds b to a, element by element.
template <class T, std::size_t R, std::size_t C>
constexpr Matrix<T, R, C>& operator+=(Matrix<T, R, C>& a, const Matrix<T, R, C>& b) {
  kernels::add<R * C>(a.data(), b.data(), a.data());
  return a;
}
/// Subtracts b from a, element by element.
template <class T, std::size_t R, std::size_t C>
constexpr Matrix<T, R, C>& operator-=(Matrix<T, R, C>& a, const Matrix<T, R, C>& b) {
  kernels::sub<R * C>(a.data(), b.data(), a.data());
  return a;
}
/// Element-wise (Hadamard) product.
template <class T, std::size_t R, std::size_t C>
constexpr Matrix<T, R, C> hadamard(const Matrix<T, R, C>& a, const Matrix<T, R, C>& b) {
  Matrix<T, R, C> c;
  kernels::mul<R * C>(a.data(), b.data(), c.data());
  return c;
}
/// A matrix scaled by s.
template <class T, std::size_t R, std::size_t C>
constexpr Matrix<T, R, C> operator*(T s, const Matrix<T, R, C>& a) {
  Matrix<T, R, C> c;
  kernels::scale<R * C>(s, a.data(), c.data());
  return c;
}
/// A matrix scaled by s.
template <class T, std::size_t R, std::size_t C>
constexpr Matrix<T, R, C> operator*(const Matrix<T, R, C>& a, T s) {
  return s * a;
}

/// Shape error: element-wise operations need equal shapes.
template <class T, std::size_t lhs_rows, std::size_t lhs_cols, std::size_t rhs_rows,
          std::size_t rhs_cols>
requires(lhs_rows != rhs_rows || lhs_cols != rhs_cols) void operator+(
    const Matrix<T, lhs_rows, lhs_cols>&, const Matrix<T, rhs_rows, rhs_cols>&) = delete;
template <class T, std::size_t lhs_rows, std::size_t lhs_cols, std::size_t rhs_rows,
          std::size_t rhs_cols>
requires(lhs_rows != rhs_rows || lhs_cols != rhs_cols) void operator-(
    const Matrix<T, lhs_rows, lhs_cols>&, const Matrix<T, rhs_rows, rhs_cols>&) = delete;
template <class T, std::size_t lhs_rows, std::size_t lhs_cols, std::size_t rhs_rows,
          std::size_t rhs_cols>
requires(lhs_rows != rhs_rows ||
         lhs_cols != rhs_cols) void hadamard(const Matrix<T, lhs_rows, lhs_cols>&,
                                             const Matrix<T, rhs_rows, rhs_cols>&) = delete;

/// The transpose, materialized (for tests and printing; the library never needs it).
template <class T, std::size_t R, std::size_t C>
constexpr Matrix<T, C, R> transpose(const Matrix<T, R, C>& m) {
  Matrix<T, C, R> t;
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c) t(c, r) = m(r, c);
  return t;
}

}  // namespace ctnn
