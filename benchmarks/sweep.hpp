// The scaling sweep: one network shape, Input<W> -> Dense<W> -> ReLU -> Dense<W> (MSE, Adam), for
// widths W = 16, 64, 256, 1024 and batches B = 1, 8, 32, 128, forward and training step, in ctnn
// and Eigen, against OpenBLAS sgemm (one thread) on the same products as the roofline.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <utility>

namespace bench::sweep {

inline constexpr std::size_t widths[] = {16, 64, 256, 1024};
inline constexpr std::size_t batches[] = {1, 8, 32, 128};
inline constexpr std::size_t count = std::size(widths) * std::size(batches);

struct Case {
  std::size_t width, batch;
  void (*forward)();
  void (*train)();
};

/// Products' flops: forward X W1, A1 W2; a training step adds A^T G for both layers and G W2^T.
constexpr double forward_flops(std::size_t width, std::size_t batch) {
  return 2.0 * 2.0 * double(batch) * double(width) * double(width);
}
constexpr double training_flops(std::size_t width, std::size_t batch) {
  return 5.0 / 2.0 * forward_flops(width, batch);
}

/// The cases in the order of widths (outer) and batches (inner); objects are built on first use.
const Case* ctnn_cases();
const Case* eigen_cases();

/// The one S, built on the heap on first use (the widest cases need tens of MB).
template <class S>
S& built_on_first_use() {
  static const std::unique_ptr<S> s = std::make_unique<S>();
  return *s;
}

/// A library's table: make<W, B>() for every width and batch, in that order.
template <template <std::size_t, std::size_t> class Make, std::size_t... I>
constexpr std::array<Case, count> table(std::index_sequence<I...>) {
  constexpr std::size_t n = std::size(batches);
  return {Make<widths[I / n], batches[I % n]>::make()...};
}

}  // namespace bench::sweep
