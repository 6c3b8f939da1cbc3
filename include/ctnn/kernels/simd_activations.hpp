/// @file kernels/simd_activations.hpp
/// The vector forms of the element-wise activations (layers/activation_functions.hpp states their
/// accuracy): vector_form<F>::value(d, z) and ::gradient(d, a, g), as F::value and F::gradient.
/// Compiled once per SIMD target (included from kernels/simd.hpp, inside its per-target pass):
/// Highway code must be inside Highway's per-target namespaces to be compiled for more than one
/// target. Include kernels/simd.hpp, not this file.

#if !defined(CTNN_KERNELS_SIMD_PASS)
// Included on its own: kernels/simd.hpp includes this file in each target's pass.
#include "ctnn/kernels/simd.hpp"
#else

// Per-target include guard (Highway's toggle; see kernels/simd.hpp).
#if defined(CTNN_KERNELS_SIMD_ACTIVATIONS_HPP) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_KERNELS_SIMD_ACTIVATIONS_HPP
#undef CTNN_KERNELS_SIMD_ACTIVATIONS_HPP
#else
#define CTNN_KERNELS_SIMD_ACTIVATIONS_HPP
#endif

#include "ctnn/detail/highway.hpp"  // first: it chooses the targets

#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>

#include "ctnn/layers/activation_functions.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctnn::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class F>
struct vector_form;

template <>
struct vector_form<activation::relu> {
  template <class D, class V>
  static HWY_INLINE V value(D d, V z) {
    return hn::Max(z, hn::Zero(d));
  }
  template <class D, class V>
  static HWY_INLINE V gradient(D d, V a, V g) {
    return hn::IfThenElseZero(hn::Gt(a, hn::Zero(d)), g);
  }
};

template <>
struct vector_form<activation::sigmoid> {
  template <class D, class V>
  static HWY_INLINE V value(D d, V z) {
    const V e = hn::Exp(d, hn::Neg(hn::Abs(z)));
    const V one = hn::Set(d, 1);
    const V inv = hn::Div(one, hn::Add(one, e));
    return hn::IfThenElse(hn::Ge(z, hn::Zero(d)), inv, hn::Mul(e, inv));  // exact form per sign
  }
  template <class D, class V>
  static HWY_INLINE V gradient(D d, V a, V g) {
    return hn::Mul(g, hn::Mul(a, hn::Sub(hn::Set(d, 1), a)));
  }
};

template <>
struct vector_form<activation::tanh> {
  template <class D, class V>
  static HWY_INLINE V value(D d, V z) {
    return hn::Tanh(d, z);
  }
  template <class D, class V>
  static HWY_INLINE V gradient(D d, V a, V g) {
    return hn::Mul(g, hn::NegMulAdd(a, a, hn::Set(d, 1)));
  }
};

template <>
struct vector_form<activation::fast_tanh> {
  using F = activation::fast_tanh;
  template <class D, class V>
  static HWY_INLINE V value(D d, V z) {
    using T = hn::TFromD<D>;
    const V c = hn::Set(d, static_cast<T>(F::limit));
    z = hn::Min(hn::Max(z, hn::Neg(c)), c);
    const V t = hn::Mul(z, z);
    V num = hn::Set(d, static_cast<T>(F::p[6]));
    for (int k = 5; k >= 0; --k) num = hn::MulAdd(num, t, hn::Set(d, static_cast<T>(F::p[k])));
    V den = hn::Set(d, static_cast<T>(F::q[3]));
    for (int k = 2; k >= 0; --k) den = hn::MulAdd(den, t, hn::Set(d, static_cast<T>(F::q[k])));
    const V one = hn::Set(d, T(1));
    return hn::Min(hn::Max(hn::Div(hn::Mul(z, num), den), hn::Neg(one)), one);
  }
  template <class D, class V>
  static HWY_INLINE V gradient(D d, V a, V g) {
    return vector_form<activation::tanh>::gradient(d, a, g);
  }
};

template <>
struct vector_form<activation::identity> {
  template <class D, class V>
  static HWY_INLINE V value(D, V z) {
    return z;
  }
  template <class D, class V>
  static HWY_INLINE V gradient(D, V, V g) {
    return g;
  }
};

}  // namespace ctnn::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
#endif  // CTNN_KERNELS_SIMD_PASS
