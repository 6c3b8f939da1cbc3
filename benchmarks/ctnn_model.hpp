// The benchmark's parameters and training batch (cases.hpp) written into ctnn's objects, for the
// cases and the sweep alike: every library trains the same networks on the same data.
#pragma once

#include <cstddef>
#include <type_traits>

#include <ctnn/ctnn.hpp>

#include "cases.hpp"

namespace bench {

/// model_weight and model_bias into every dense layer of net (layer I counts from 1 over the
/// network's list, activations included).
template <class Net, std::size_t I = 1>
Net& set_model_parameters(Net& net) {
  if constexpr (I <= Net::depth) {
    auto& layer = net.template layer<I>();
    if constexpr (requires { layer.weights; }) {
      using L = std::remove_cvref_t<decltype(layer)>;
      for (std::size_t k = 0; k < L::input_size; ++k)
        for (std::size_t o = 0; o < L::output_size; ++o)
          layer.weights(k, o) = model_weight(I, L::input_size, L::output_size, k, o);
      for (std::size_t o = 0; o < L::output_size; ++o) layer.bias(0, o) = model_bias(I, o);
    }
    set_model_parameters<Net, I + 1>(net);
  }
  return net;
}

/// train_input and train_target into x (B, N) and target (B, C), in place (the sweep's are MBs).
template <std::size_t B, std::size_t N, std::size_t C>
void set_training_batch(ctnn::Matrix<float, B, N>& x, ctnn::Matrix<float, B, C>& target,
                        bool one_hot) {
  for (std::size_t i = 0; i < B; ++i) {
    for (std::size_t k = 0; k < N; ++k) x(i, k) = train_input(i, k);
    for (std::size_t j = 0; j < C; ++j) target(i, j) = train_target(i, j, C, one_hot);
  }
}

}  // namespace bench
