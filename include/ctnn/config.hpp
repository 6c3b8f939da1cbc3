/// @file config.hpp
/// Library-wide configuration: the alignment and padding of matrix storage, and the stack limit of
/// an inference call (CTNN_FORWARD_STACK_LIMIT). The SIMD target: simd_target.hpp.
#pragma once

#include <cstddef>

namespace ctnn {

/// Stack bytes that one inference call (forward(x)) may keep for its intermediate activations;
/// more is a compile error naming the sizes. Define CTNN_FORWARD_STACK_LIMIT to change it.
#ifndef CTNN_FORWARD_STACK_LIMIT
#define CTNN_FORWARD_STACK_LIMIT 1048576
#endif
namespace detail {
inline constexpr std::size_t forward_stack_limit = CTNN_FORWARD_STACK_LIMIT;
}  // namespace detail

/// Alignment of every matrix: one cache line, enough for any vector width up to AVX-512.
inline constexpr std::size_t matrix_alignment = 64;

/// Elements a matrix of n elements of T stores: n rounded up to whole cache lines. The padding
/// (zero at construction) costs no memory (the alignment pads the object anyway) and lets batch-1
/// kernels load and store whole vectors past the last element (kernels/simd.hpp, gemv).
template <class T>
constexpr std::size_t padded_size(std::size_t n) {
  constexpr std::size_t per_line = matrix_alignment / sizeof(T);
  return (n + per_line - 1) / per_line * per_line;
}

}  // namespace ctnn
