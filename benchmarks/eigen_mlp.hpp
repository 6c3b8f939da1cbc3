// The Eigen 3.4 side of the benchmarks: a dense network written as a careful user would
// (noalias() products, element-wise work as single array expressions, the same Adam and the same
// fused softmax + cross-entropy gradient as ctnn), fixed-size or preallocated dynamic matrices.
#pragma once

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include <Eigen/Dense>

#include "cases.hpp"

namespace bench::eigen {

constexpr int dynamic = Eigen::Dynamic;

template <int R, int C, bool Fixed>
using Mat =
    std::conditional_t<Fixed, Eigen::Matrix<float, R, C>, Eigen::Matrix<float, dynamic, dynamic>>;
template <int C, bool Fixed>
using Row = std::conditional_t<Fixed, Eigen::Matrix<float, 1, C>, Eigen::Matrix<float, 1, dynamic>>;

enum class Act { none, tanh, relu, softmax };

template <int In, int Out, int B, Act F, bool Fixed>
struct Layer {
  static constexpr Act act = F;
  Mat<In, Out, Fixed> W, dW, mW, vW;
  Row<Out, Fixed> b, db, mb, vb;
  Mat<B, Out, Fixed> Z, A, dZ, dA;

  Layer() {
    for (auto* m : {&W, &dW, &mW, &vW}) m->setZero(In, Out);
    for (auto* r : {&b, &db, &mb, &vb}) r->setZero(1, Out);
    for (auto* m : {&Z, &A, &dZ, &dA}) m->setZero(B, Out);
  }

  /// The benchmark's parameters (cases.hpp), those of the layer at `list_index` in ctnn's list.
  void set_model_parameters(std::size_t list_index) {
    for (int k = 0; k < In; ++k)
      for (int o = 0; o < Out; ++o)
        W(k, o) = model_weight(list_index, In, Out, std::size_t(k), std::size_t(o));
    for (int o = 0; o < Out; ++o) b(0, o) = model_bias(list_index, std::size_t(o));
  }

  template <class X>
  void forward(const X& x) {
    Z.noalias() = x * W;
    Z.rowwise() += b;
    if constexpr (F == Act::tanh) {
      A = Z.array().tanh();
    } else if constexpr (F == Act::relu) {
      A = Z.cwiseMax(0.0f);
    } else if constexpr (F == Act::softmax) {
      A = (Z.colwise() - Z.rowwise().maxCoeff()).array().exp();
      A.array().colwise() /= A.rowwise().sum().array();
    } else {
      A = Z;
    }
  }

  /// From dA (or dZ directly for the fused output), the gradients; dx when wanted.
  template <class X, class DX>
  void backward(const X& x, DX* dx) {
    if constexpr (F == Act::tanh)
      dZ = dA.array() * (1.0f - A.array().square());
    else if constexpr (F == Act::relu)
      dZ = (A.array() > 0.0f).select(dA, 0.0f);
    else if constexpr (F == Act::none)
      dZ = dA;
    // softmax: dZ was set by the fused loss
    dW.noalias() = x.transpose() * dZ;
    db = dZ.colwise().sum();
    if (dx) dx->noalias() = dZ * W.transpose();
  }

  void adam(float lr, float c1, float c2) {
    constexpr float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
    mW = b1 * mW + (1 - b1) * dW;
    vW = b2 * vW + (1 - b2) * dW.cwiseProduct(dW);
    W.array() -= lr * (mW.array() * c1) / ((vW.array() * c2).sqrt() + eps);
    mb = b1 * mb + (1 - b1) * db;
    vb = b2 * vb + (1 - b2) * db.cwiseProduct(db);
    b.array() -= lr * (mb.array() * c1) / ((vb.array() * c2).sqrt() + eps);
  }
};

struct AdamClock {
  int t = 0;
  double p1 = 1, p2 = 1;
  void tick(float& c1, float& c2) {
    ++t;
    p1 *= 0.9;
    p2 *= 0.999;
    c1 = float(1 / (1 - p1));
    c2 = float(1 / (1 - p2));
  }
};

/// A network of dense layers L... trained with MSE (identity output) or softmax cross-entropy.
template <int B, int In, bool Fixed, class... L>
struct Net {
  Mat<B, In, Fixed> x;
  std::tuple<L...> layers;
  using Last = std::tuple_element_t<sizeof...(L) - 1, std::tuple<L...>>;
  decltype(Last::A) target;
  AdamClock clock;

  /// The same parameters, input and target as ctnn's networks in the benchmark (cases.hpp); in
  /// ctnn's lists every dense layer but the last is followed by one activation, so layer I is at
  /// 2 I + 1.
  Net() {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (std::get<I>(layers).set_model_parameters(2 * I + 1), ...);
    }
    (std::index_sequence_for<L...>{});
    x.setZero(B, In);
    for (int i = 0; i < B; ++i)
      for (int k = 0; k < In; ++k) x(i, k) = train_input(std::size_t(i), std::size_t(k));
    const int outputs = int(std::get<sizeof...(L) - 1>(layers).A.cols());
    target.setZero(B, outputs);
    for (int i = 0; i < B; ++i)
      for (int j = 0; j < outputs; ++j)
        target(i, j) = train_target(std::size_t(i), std::size_t(j), std::size_t(outputs),
                                    Last::act == Act::softmax);
  }

  template <std::size_t I = 0>
  void forward() {
    auto& l = std::get<I>(layers);
    if constexpr (I == 0)
      l.forward(x);
    else
      l.forward(std::get<I - 1>(layers).A);
    if constexpr (I + 1 < sizeof...(L)) forward<I + 1>();
  }

  template <std::size_t I>
  void backward() {
    auto& l = std::get<I>(layers);
    if constexpr (I == 0) {
      l.backward(x, static_cast<Mat<B, In, Fixed>*>(nullptr));
    } else {
      auto& prev = std::get<I - 1>(layers);
      l.backward(prev.A, &prev.dA);
      backward<I - 1>();
    }
  }

  float train() {
    forward();
    constexpr std::size_t last_index = sizeof...(L) - 1;
    auto& last = std::get<last_index>(layers);
    float cost;
    if constexpr (Last::act == Act::softmax) {
      cost = -(target.array() * (last.A.array() + 1e-30f).log()).sum() / float(B);
      last.dZ = (last.A - target) / float(B);
    } else {
      const float n = float(B * last.A.cols());
      cost = (last.A - target).squaredNorm() / n;
      last.dA = (2.0f / n) * (last.A - target);
    }
    backward<last_index>();
    float c1, c2;
    clock.tick(c1, c2);
    std::apply([&](auto&... l) { (l.adam(1e-3f, c1, c2), ...); }, layers);
    return cost;
  }
};

/// A network N trained from its initial state again every restart_steps steps (cases.hpp).
template <class N>
struct Training {
  N net;
  N initial = net;
  int steps = 0;

  float step() {
    const float cost = net.train();
    if (++steps == restart_steps) {
      net = initial;  // same sizes: no allocation
      steps = 0;
    }
    return cost;
  }
};

}  // namespace bench::eigen
