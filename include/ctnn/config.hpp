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

/// Stack bytes of the buffer into which a product packs panels of a large weight matrix (beyond
/// 256 KiB; kernels/simd.hpp, packs()). Counted in forward_stack_bytes.
inline constexpr std::size_t packing_buffer_bytes = 32 * 1024;

/// Alignment of every matrix in bytes: CTNN_MATRIX_ALIGNMENT, by default 64, one cache line, which
/// holds a whole vector of any target up to AVX-512. On a microcontroller (no vectors, 4-byte
/// floats) `-DCTNN_MATRIX_ALIGNMENT=4` stores each matrix in exactly its elements, and a network's
/// many small matrices no longer round up to 64 bytes each. Smaller than a vector is allowed on
/// SIMD targets too (the batch-1 kernels then skip the paths that use the padding). Every
/// translation unit of a program must use the same value (it is part of every Matrix's layout).
#ifndef CTNN_MATRIX_ALIGNMENT
#define CTNN_MATRIX_ALIGNMENT 64
#endif
/// The alignment of every Matrix, in bytes (CTNN_MATRIX_ALIGNMENT; 64 unless defined).
inline constexpr std::size_t matrix_alignment = CTNN_MATRIX_ALIGNMENT;
static_assert(matrix_alignment > 0 && (matrix_alignment & (matrix_alignment - 1)) == 0,
              "CTNN_MATRIX_ALIGNMENT must be a power of two");

/// The alignment of a matrix of T: matrix_alignment, or T's own where that is larger.
template <class T>
inline constexpr std::size_t alignment_of = matrix_alignment > alignof(T) ? matrix_alignment
                                                                          : alignof(T);

/// Elements a matrix of n elements of T stores: n rounded up to whole alignment units. The padding
/// (zero at construction) costs no memory (the alignment pads the object anyway) and lets batch-1
/// kernels load and store whole vectors past the last element (kernels/simd.hpp, gemv).
template <class T>
constexpr std::size_t padded_size(std::size_t n) {
  constexpr std::size_t per_unit =
      alignment_of<T> / sizeof(T) > 0 ? alignment_of<T> / sizeof(T) : 1;
  return (n + per_unit - 1) / per_unit * per_unit;
}

}  // namespace ctnn
