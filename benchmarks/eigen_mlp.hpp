// The Eigen 3.4 side of the benchmarks: a dense network written as a careful user would
// (noalias() products, element-wise work as single array expressions, the same Adam and the same
// fused softmax + cross-entropy gradient as ctnn), fixed-size or preallocated dynamic matrices.
#pragma once

#include <cmath>
#include <cstddef>
#include <tuple>
#include <type_traits>

#include <Eigen/Dense>

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
    W.setRandom();
    W *= std::sqrt(6.0f / float(In + Out));
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

  Net() {
    x.setRandom(B, In);
    auto& last = std::get<sizeof...(L) - 1>(layers);
    target.setZero(B, last.A.cols());
    for (int i = 0; i < B; ++i) target(i, i % last.A.cols()) = 1.0f;
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

}  // namespace bench::eigen
