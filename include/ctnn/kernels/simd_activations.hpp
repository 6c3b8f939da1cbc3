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

/// e^r for |r| <= ln 2 / 2 (Tanh's fitted polynomial, Estrin's scheme: latency counts at batch 1).
template <class D, class V>
HWY_INLINE V exp_reduced(D d, V r) {
  using F = activation::tanh;
  const auto c = [d](double v) { return hn::Set(d, static_cast<hn::TFromD<D>>(v)); };
  const V r2 = hn::Mul(r, r), r4 = hn::Mul(r2, r2);
  return hn::MulAdd(
      hn::MulAdd(c(F::e[6]), r2, hn::MulAdd(c(F::e[5]), r, c(F::e[4]))), r4,
      hn::MulAdd(hn::MulAdd(c(F::e[3]), r, c(F::e[2])), r2, hn::MulAdd(c(F::e[1]), r, c(F::e[0]))));
}
/// 2^n for float n_shifted = n + 1.5 2^23 (n in the mantissa), -126 <= n <= 127: (n + 127) << 23.
template <class D, class V>
HWY_INLINE V two_to_the(D d, V n_shifted) {
  const hn::RebindToSigned<D> di;
  const auto bias = hn::Set(di, 127 - 0x4B400000);  // 127 minus the shifter's bits
  return hn::BitCast(d, hn::ShiftLeft<23>(hn::Add(hn::BitCast(di, n_shifted), bias)));
}

/// e^-a for a >= 0. Float: ctnn's own, with Tanh's polynomial (e^r for |r| <= ln 2 / 2, Estrin's
/// scheme) and a two-step reduction -a = n ln 2 + r; 2^n from n's bits; 0 where e^-a is below the
/// smallest normal float (a > 87.33). Highway's Exp (a longer chain: special cases, Horner) went
/// through the gates of every recurrent cell: measured on Zen 3, streamed per sample, LSTM-16
/// 94 -> 71 ns, 2 x LSTM-8 109 -> 71, LSTM-40 313 -> 270, GRU-8 44 -> 37. Double: Highway's Exp.
template <class D, class V>
HWY_INLINE V exp_of_negative(D d, V a) {
  if constexpr (sizeof(hn::TFromD<D>) != 4) {
    return hn::Exp(d, hn::Neg(a));
  } else {
    using F = activation::tanh;
    const auto c = [d](double v) { return hn::Set(d, static_cast<float>(v)); };
    const auto underflows = hn::Gt(a, c(87.33));
    a = hn::Min(a, c(87.33));
    // n = round(-a / ln 2) by adding 1.5 2^23 (the integer lands in the mantissa); -126 <= n <= 0.
    const V shifter = c(12582912.0);
    const V n_shifted = hn::MulAdd(a, c(-1.0 / F::ln2), shifter);
    const V n = hn::Sub(n_shifted, shifter);
    // r = -a - n ln 2, ln 2 in two parts (the high part's 16 bits make n ln2_high exact).
    const V r =
        hn::MulAdd(n, c(-1.4286068203094173e-06), hn::MulAdd(n, c(-0.693145751953125), hn::Neg(a)));
    const V e_r = exp_reduced(d, r);
    const V two_n = two_to_the(d, n_shifted);
    return hn::IfThenZeroElse(underflows, hn::Mul(e_r, two_n));
  }
}

template <>
struct vector_form<activation::sigmoid> {
  template <class D, class V>
  static HWY_INLINE V value(D d, V z) {
    const V e = exp_of_negative(d, hn::Abs(z));
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
  using F = activation::tanh;
  template <class D, class V>
  static HWY_INLINE V value(D d, V z) {
    if constexpr (sizeof(hn::TFromD<D>) == 4)
      return float_value(d, z);
    else
      return hn::Tanh(d, z);
  }
  /// Float: z + z^3 P(z^2) below |z| = 1, 1 - 2 / (e^2|z| + 1) above (|z| clamped to 10,
  /// where tanh rounds to 1), e^2|z| = 2^n e^r with |r| <= ln 2 / 2. Polynomials by Estrin's
  /// scheme: at batch 1 the activation is on the critical path, so latency counts more than
  /// operations (Highway's Tanh goes through Expm1 and a wider exponent range).
  template <class D, class V>
  static HWY_INLINE V float_value(D d, V z) {
    const auto c = [d](double v) { return hn::Set(d, static_cast<float>(v)); };
    const V one = c(1.0);
    // Small |z|: the odd polynomial.
    const V t = hn::Mul(z, z), t2 = hn::Mul(t, t), t4 = hn::Mul(t2, t2);
    const V p = hn::MulAdd(hn::MulAdd(c(F::p[6]), t2, hn::MulAdd(c(F::p[5]), t, c(F::p[4]))), t4,
                           hn::MulAdd(hn::MulAdd(c(F::p[3]), t, c(F::p[2])), t2,
                                      hn::MulAdd(c(F::p[1]), t, c(F::p[0]))));
    const V small = hn::MulAdd(hn::Mul(z, t), p, z);
    // Often all lanes are small (e.g. an audio model's hidden units), then the exponential is
    // skipped: a branch that is predictable where it pays (as xsimd's tanh does).
    // NaN is not large: it takes the polynomial, which passes it through.
    const auto is_large = hn::Ge(hn::Abs(z), c(F::small_limit));
    if (hn::AllFalse(d, is_large)) return small;
    // Large |z|: n = round(2|z| / ln 2) by adding 1.5 2^23 (the integer lands in the mantissa).
    const V a = hn::Min(hn::Abs(z), c(F::large_limit));
    const V shifter = c(12582912.0);
    const V n_shifted = hn::MulAdd(a, c(2.0 / F::ln2), shifter);
    const V n = hn::Sub(n_shifted, shifter);
    // r = 2|z| - n ln 2 in one step (n <= 29): the float ln 2's error, n 1.9e-9 in r, is
    // nothing beside the rounding of 1 - 2 / (e^2|z| + 1), and a second step with ln 2's low
    // bits would add an FMA's latency (every float of [0.5, 10] checked: the same bound).
    const V r = hn::MulAdd(n, c(-F::ln2), hn::Add(a, a));
    const V e_r = exp_reduced(d, r);
    const V two_n = two_to_the(d, n_shifted);  // 0 <= n <= 29
    const V large = hn::Sub(one, hn::Div(c(2.0), hn::MulAdd(e_r, two_n, one)));
    return hn::IfThenElse(is_large, hn::CopySignToAbs(large, z), small);
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
    // Estrin's scheme (three dependent steps instead of six): latency counts at batch 1.
    const auto c_ = [d](double v) { return hn::Set(d, static_cast<T>(v)); };
    const V t = hn::Mul(z, z), t2 = hn::Mul(t, t), t4 = hn::Mul(t2, t2);
    const V num =
        hn::MulAdd(hn::MulAdd(c_(F::p[6]), t2, hn::MulAdd(c_(F::p[5]), t, c_(F::p[4]))), t4,
                   hn::MulAdd(hn::MulAdd(c_(F::p[3]), t, c_(F::p[2])), t2,
                              hn::MulAdd(c_(F::p[1]), t, c_(F::p[0]))));
    const V den = hn::MulAdd(hn::MulAdd(c_(F::q[3]), t, c_(F::q[2])), t2,
                             hn::MulAdd(c_(F::q[1]), t, c_(F::q[0])));
    const V one = hn::Set(d, T(1));
    return hn::Min(hn::Max(hn::Div(hn::Mul(z, num), den), hn::Neg(one)), one);
  }
  template <class D, class V>
  static HWY_INLINE V gradient(D d, V a, V g) {
    return vector_form<activation::tanh>::gradient(d, a, g);
  }
};

template <>
struct vector_form<activation::fast_sigmoid> {
  template <class D, class V>
  static HWY_INLINE V value(D d, V z) {
    using T = hn::TFromD<D>;
    const V half = hn::Set(d, T(0.5));
    return hn::MulAdd(half, vector_form<activation::fast_tanh>::value(d, hn::Mul(half, z)), half);
  }
  template <class D, class V>
  static HWY_INLINE V gradient(D d, V a, V g) {
    return vector_form<activation::sigmoid>::gradient(d, a, g);
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
