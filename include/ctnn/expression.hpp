/// @file expression.hpp
/// A reverse-mode expression graph over scalars (note 002, "Scalar Operations"): variables,
/// constants, + - * /, max, min, sigmoid, tanh, exp, log, and sum / product / max / min over a
/// pack. The graph's structure is its type; `gradient(expr, values...)` evaluates it forward,
/// keeping every node's value on a tape (an object, no heap), and then sweeps backward once,
/// each node applying its local rule from MATH.md. Works for float and double, in constant
/// expressions too.
///
///   auto [x, y, z] = ctnn::variables<3>();  // or ctnn::expr::Var<0>{}, ... in constexpr code
///   auto g = ctnn::gradient((x + y) * z, -2.0, 5.0, -4.0);  // g.value, g.partial[i]
///   auto m = ctnn::gradient(max(x, y, z), 1.0, 3.0, 2.0);  // sum, product, max, min, sigmoid,
///                                                           // ... live in ctnn::expr (found by
///                                                           ADL)
#pragma once

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "ctnn/detail/math.hpp"

namespace ctnn::expr {

/// Every node derives from Node; `is_expression` recognizes them.
struct Node {};
template <class E>
concept Expression = std::is_base_of_v<Node, std::remove_cvref_t<E>>;

/// A node's record after the forward pass: its value, the gradient of the output with respect
/// to it (after the backward pass), and its children's records.
template <class T, class... Children>
struct Tape {
  /// The node's value, from the forward sweep.
  T value{};
  /// dL/d(this node), accumulated by the backward sweep.
  T grad{};
  /// The children's tapes.
  std::tuple<Children...> children{};

  /// The I-th child's tape.
  template <std::size_t I>
  constexpr const auto& child() const {
    return std::get<I>(children);
  }
};

/// The I-th variable of gradient(expr, values...).
template <std::size_t I>
struct Var : Node {
  /// Which of gradient()'s values this variable is.
  static constexpr std::size_t index = I;
  /// Forward sweep: the variable's value.
  template <class T, std::size_t N>
  constexpr Tape<T> forward(const std::array<T, N>& x) const {
    return {x[I], T(0), {}};
  }
  /// Backward sweep: adds the flowing gradient to the variable's partial derivative.
  template <class T, std::size_t N>
  constexpr void backward(Tape<T>& t, std::array<T, N>& partial) const {
    partial[I] += t.grad;
  }
};

/// A constant of the expression (a literal operand); its gradient is not taken.
template <class T>
struct Const : Node {
  /// The constant's value.
  T c;
  /// Forward sweep: the constant.
  template <class U, std::size_t N>
  constexpr Tape<U> forward(const std::array<U, N>&) const {
    return {static_cast<U>(c), U(0), {}};
  }
  /// Backward sweep: nothing flows into a constant.
  template <class U, std::size_t N>
  constexpr void backward(Tape<U>&, std::array<U, N>&) const {}
};

/// A node with children Es...; Rule supplies value(child values...) and the local derivative
/// of the node with respect to child i, given the children's values and the node's value.
template <class Rule, class... Es>
struct Op : Node {
  /// The operands.
  std::tuple<Es...> args;

  /// Forward sweep: the operands' tapes, then Rule's value.
  template <class T, std::size_t N>
  constexpr auto forward(const std::array<T, N>& x) const {
    return std::apply(
        [&](const auto&... e) {
          auto kids = std::make_tuple(e.forward(x)...);
          const T v = std::apply([](const auto&... k) { return Rule::value(k.value...); }, kids);
          return Tape<T, decltype(e.forward(x))...>{v, T(0), kids};
        },
        args);
  }

  /// Backward sweep: each operand receives Rule's local derivative times the flowing gradient.
  template <class Tp, class T, std::size_t N>
  constexpr void backward(Tp& t, std::array<T, N>& partial) const {
    backward_children(t, partial, std::index_sequence_for<Es...>{});
  }

 private:
  template <class Tp, class T, std::size_t N, std::size_t... I>
  constexpr void backward_children(Tp& t, std::array<T, N>& partial,
                                   std::index_sequence<I...>) const {
    const std::array<T, sizeof...(Es)> values{std::get<I>(t.children).value...};
    ((std::get<I>(t.children).grad = t.grad * Rule::template local<I>(values, t.value)), ...);
    (std::get<I>(args).backward(std::get<I>(t.children), partial), ...);
  }
};

namespace rule {
/// Rule of a sum: every input receives the output gradient unchanged.
struct sum {  // "distribute flow unchanged"
  /// The operation's value for its operands' values.
  template <class... V>
  static constexpr auto value(V... v) {
    return (v + ...);
  }
  /// The local derivative with respect to operand i, given the operands and the output z.
  template <std::size_t, class T, std::size_t N>
  static constexpr T local(const std::array<T, N>&, T) {
    return T(1);
  }
};
/// Rule of a difference: the first input receives the gradient, the second its negation.
struct difference {
  /// The operation's value for its operands' values.
  template <class T>
  static constexpr T value(T a, T b) {
    return a - b;
  }
  /// The local derivative with respect to operand i, given the operands and the output z.
  template <std::size_t I, class T>
  static constexpr T local(const std::array<T, 2>&, T) {
    return I == 0 ? T(1) : T(-1);
  }
};
/// Rule of a product: each input receives the gradient times the product of the others.
struct product {  // "split flow and scale": the product of the other inputs (no division)
  /// The operation's value for its operands' values.
  template <class... V>
  static constexpr auto value(V... v) {
    return (v * ...);
  }
  /// The local derivative with respect to operand i, given the operands and the output z.
  template <std::size_t I, class T, std::size_t N>
  static constexpr T local(const std::array<T, N>& v, T) {
    T p = T(1);
    for (std::size_t j = 0; j < N; ++j)
      if (j != I) p *= v[j];
    return p;
  }
};
/// Rule of a quotient a / b: da = g / b, db = -g a / b^2.
struct quotient {
  /// The operation's value for its operands' values.
  template <class T>
  static constexpr T value(T a, T b) {
    return a / b;
  }
  /// The local derivative with respect to operand i, given the operands and the output z.
  template <std::size_t I, class T>
  static constexpr T local(const std::array<T, 2>& v, T) {
    return I == 0 ? T(1) / v[1] : -v[0] / (v[1] * v[1]);
  }
};
/// Rule of max and min: the whole gradient goes to the chosen input (the first one on ties).
template <bool Max>
struct extremum {  // "direct flow to the max input": the first one, on ties
  /// The operation's value for its operands' values.
  template <class T, class... V>
  static constexpr T value(T first, V... rest) {
    T m = first;
    ((m = (Max ? rest > m : rest < m) ? rest : m), ...);
    return m;
  }
  /// The local derivative with respect to operand i, given the operands and the output z.
  template <std::size_t I, class T, std::size_t N>
  static constexpr T local(const std::array<T, N>& v, T z) {
    for (std::size_t j = 0; j < N; ++j)
      if (v[j] == z) return j == I ? T(1) : T(0);
    return T(0);
  }
};
/// Rule of the logistic sigmoid: dz = g s (1 - s).
struct sigmoid {  // "attenuate flow as the output saturates": z (1 - z)
  /// The operation's value for its operands' values.
  template <class T>
  static constexpr T value(T x) {
    return detail::sigmoid(x);
  }
  /// The local derivative with respect to operand i, given the operands and the output z.
  template <std::size_t, class T>
  static constexpr T local(const std::array<T, 1>&, T z) {
    return z * (T(1) - z);
  }
};
/// Rule of tanh: dz = g (1 - t^2).
struct tanh {
  /// The operation's value for its operands' values.
  template <class T>
  static constexpr T value(T x) {
    return detail::tanh(x);
  }
  /// The local derivative with respect to operand i, given the operands and the output z.
  template <std::size_t, class T>
  static constexpr T local(const std::array<T, 1>&, T z) {
    return T(1) - z * z;
  }
};
/// Rule of exp: dz = g e^z.
struct exp {
  /// The operation's value for its operands' values.
  template <class T>
  static constexpr T value(T x) {
    return detail::exp(x);
  }
  /// The local derivative with respect to operand i, given the operands and the output z.
  template <std::size_t, class T>
  static constexpr T local(const std::array<T, 1>&, T z) {
    return z;
  }
};
/// Rule of the natural logarithm: dz = g / z.
struct log {
  /// The operation's value for its operands' values.
  template <class T>
  static constexpr T value(T x) {
    return detail::log(x);
  }
  /// The local derivative with respect to operand i, given the operands and the output z.
  template <std::size_t, class T>
  static constexpr T local(const std::array<T, 1>& v, T) {
    return T(1) / v[0];
  }
};
}  // namespace rule

/// An expression as a node: itself when it is one, otherwise a Const.
template <class E>
constexpr auto as_node(const E& e) {
  if constexpr (Expression<E>)
    return e;
  else
    return Const<E>{{}, e};
}
/// The node that applies Rule to the expressions es.
template <class Rule, class... Es>
constexpr auto make(const Es&... es) {
  return Op<Rule, decltype(as_node(es))...>{{}, {as_node(es)...}};
}

/// a + b as a graph node.
template <class A, class B>
requires(Expression<A> || Expression<B>) constexpr auto operator+(const A& a, const B& b) {
  return make<rule::sum>(a, b);
}
/// a - b as a graph node.
template <class A, class B>
requires(Expression<A> || Expression<B>) constexpr auto operator-(const A& a, const B& b) {
  return make<rule::difference>(a, b);
}
/// a * b as a graph node.
template <class A, class B>
requires(Expression<A> || Expression<B>) constexpr auto operator*(const A& a, const B& b) {
  return make<rule::product>(a, b);
}
/// a / b as a graph node.
template <class A, class B>
requires(Expression<A> || Expression<B>) constexpr auto operator/(const A& a, const B& b) {
  return make<rule::quotient>(a, b);
}

/// At least one operand is an expression node (the others may be numbers): the pack functions
/// below are found by argument-dependent lookup only for expressions, never for Matrix or float.
template <class... E>
concept AnyExpression = (... || Expression<E>);

/// The sum of any number of expressions, one node.
template <class... E>
requires AnyExpression<E...>
constexpr auto sum(const E&... e) {
  return make<rule::sum>(e...);
}
/// The product of any number of expressions, one node.
template <class... E>
requires AnyExpression<E...>
constexpr auto product(const E&... e) {
  return make<rule::product>(e...);
}
/// The largest of the expressions (its gradient goes to that one).
template <class... E>
requires AnyExpression<E...>
constexpr auto max(const E&... e) {
  return make<rule::extremum<true>>(e...);
}
/// The smallest of the expressions (its gradient goes to that one).
template <class... E>
requires AnyExpression<E...>
constexpr auto min(const E&... e) {
  return make<rule::extremum<false>>(e...);
}
/// The logistic sigmoid of an expression.
template <Expression E>
constexpr auto sigmoid(const E& e) {
  return make<rule::sigmoid>(e);
}
/// tanh of an expression.
template <Expression E>
constexpr auto tanh(const E& e) {
  return make<rule::tanh>(e);
}
/// e to the power of an expression.
template <Expression E>
constexpr auto exp(const E& e) {
  return make<rule::exp>(e);
}
/// The natural logarithm of an expression.
template <Expression E>
constexpr auto log(const E& e) {
  return make<rule::log>(e);
}

}  // namespace ctnn::expr

namespace ctnn {

/// Variables 0..N-1, to bind with structured bindings: `auto [x, y] = variables<2>();`.
template <std::size_t N>
constexpr auto variables() {
  return []<std::size_t... I>(std::index_sequence<I...>) {
    return std::tuple<expr::Var<I>...>{};
  }
  (std::make_index_sequence<N>{});
}

/// The value of an expression and its partial derivative with respect to each variable.
template <class T, std::size_t N>
struct GradientResult {
  /// The expression's value.
  T value;
  /// Its partial derivative with respect to each variable.
  std::array<T, N> partial;
};

/// Forward pass and one backward sweep; returns the tape (every node's value and gradient, for
/// printing a graph the way note 002 does) and the partials.
template <expr::Expression E, class T, class... U>
constexpr auto gradient_tape(const E& e, T x0, U... xs) {
  constexpr std::size_t n = 1 + sizeof...(U);
  const std::array<T, n> x{x0, static_cast<T>(xs)...};
  auto tape = e.forward(x);
  tape.grad = T(1);
  std::array<T, n> partial{};
  e.backward(tape, partial);
  return std::pair{tape, partial};
}

/// `gradient(expr, x0, x1, ...)`: the value of expr at (x0, x1, ...) and every partial.
template <expr::Expression E, class T, class... U>
constexpr GradientResult<T, 1 + sizeof...(U)> gradient(const E& e, T x0, U... xs) {
  const auto [tape, partial] = gradient_tape(e, x0, xs...);
  return {tape.value, partial};
}

}  // namespace ctnn
