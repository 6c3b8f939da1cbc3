/// @file kernels/dispatch.hpp
/// The one place that chooses between the SIMD and the scalar kernels: the scalar loops inside
/// constant expressions (Highway is not constexpr), the SIMD kernels at run time, except where
/// Highway has no vector target (no SIMD flags on x86, Cortex-M, ...): there ctnn's plain loops
/// run, which the compiler vectorizes where it can (x86-64 baseline: 2.9x faster than Highway's
/// one-lane SCALAR ops, 64-128-128-10 forward, batch 32) and which on a single-precision FPU never
/// go through double (Highway 1.0.3's SCALAR multiply and float-to-int conversion do).
#pragma once

#include <cstddef>
#include <type_traits>

#include "ctnn/kernels/optimizer.hpp"
#include "ctnn/kernels/scalar.hpp"
#include "ctnn/kernels/simd.hpp"

namespace ctnn::kernels {
// The choosers differ with CTNN_FORCE_SCALAR, so each mode has its own inline namespace: a
// translation unit built with it and one built without call different functions, not one
// function with two bodies.
#if defined(CTNN_FORCE_SCALAR)
inline namespace forced_scalar {
#elif HWY_STATIC_TARGET == HWY_SCALAR
inline namespace no_simd_target {
#else
inline namespace scalar_in_constant_expressions {
#endif

/// True where the scalar kernels run: in constant expressions, everywhere in a program built with
/// CTNN_FORCE_SCALAR (a reference build, or the benchmark's scalar column), and everywhere when
/// Highway's target is SCALAR.
constexpr bool use_scalar_kernels() {
#if defined(CTNN_FORCE_SCALAR) || HWY_STATIC_TARGET == HWY_SCALAR
  return true;
#else
  return std::is_constant_evaluated();
#endif
}

template <std::size_t M, std::size_t K, std::size_t N, class T>
constexpr void gemm(const T* a, const T* b, T* c) {
  if (use_scalar_kernels())
    scalar::gemm<M, K, N>(a, b, c);
  else
    simd::gemm<M, K, N>(a, b, static_cast<const T*>(nullptr), c);
}
template <std::size_t M, std::size_t K, std::size_t N, class T>
constexpr void gemm(const T* a, const T* b, const T* bias, T* c) {
  if (use_scalar_kernels())
    scalar::gemm<M, K, N>(a, b, bias, c);
  else
    simd::gemm<M, K, N>(a, b, bias, c);
}
/// c = F(a b + 1 bias) in one pass, F an element-wise activation: the SIMD path applies F's
/// vector form in registers before the store; the scalar path runs F over c afterwards.
template <std::size_t M, std::size_t K, std::size_t N, class F, class T>
constexpr void gemm_activated(const T* a, const T* b, const T* bias, T* c) {
  if (use_scalar_kernels()) {
    scalar::gemm<M, K, N>(a, b, bias, c);
    scalar::activate<M * N, F>(c, c);
  } else {
    simd::gemm<M, K, N, simd::apply<F>>(a, b, bias, c);
  }
}
/// a = F(z) and its backward, F an element-wise activation (layers/activations.hpp).
template <std::size_t N, class F, class T>
constexpr void activate(const T* z, T* a) {
  if (use_scalar_kernels())
    scalar::activate<N, F>(z, a);
  else
    simd::activate<N, F>(z, a);
}
template <std::size_t N, class F, class T>
constexpr void activate_backward(const T* a, const T* da, T* dz) {
  if (use_scalar_kernels())
    scalar::activate_backward<N, F>(a, da, dz);
  else
    simd::activate_backward<N, F>(a, da, dz);
}
template <std::size_t M, std::size_t K, std::size_t N, class T>
constexpr void gemm_tn(const T* a, const T* g, T* c) {
  if (use_scalar_kernels())
    scalar::gemm_tn<M, K, N>(a, g, c);
  else
    simd::gemm_tn<M, K, N>(a, g, c);
}
template <std::size_t M, std::size_t N, std::size_t K, class T>
constexpr void gemm_nt(const T* g, const T* w, T* c) {
  if (use_scalar_kernels())
    scalar::gemm_nt<M, N, K>(g, w, c);
  else
    simd::gemm_nt<M, N, K>(g, w, c);
}
template <std::size_t M, std::size_t N, class T>
constexpr void column_sums(const T* g, T* out) {
  if (use_scalar_kernels())
    scalar::column_sums<M, N>(g, out);
  else
    simd::column_sums<M, N>(g, out);
}
template <std::size_t M, std::size_t N, class T>
constexpr void add_row(const T* row, T* m) {
  if (use_scalar_kernels())
    scalar::add_row<M, N>(row, m);
  else
    simd::add_row<M, N>(row, m);
}
template <std::size_t M, std::size_t N, class T>
constexpr void softmax_rows(const T* z, T* s) {
  if (use_scalar_kernels())
    scalar::softmax_rows<M, N>(z, s);
  else
    simd::softmax_rows<M, N>(z, s);
}
template <std::size_t M, std::size_t N, class T>
constexpr void softmax_backward_rows(const T* s, const T* da, T* dz) {
  if (use_scalar_kernels())
    scalar::softmax_backward_rows<M, N>(s, da, dz);
  else
    simd::softmax_backward_rows<M, N>(s, da, dz);
}

// Kernels over N elements share one dispatch shape.
#define CTNN_ELEMENTWISE(name)            \
  template <std::size_t N, class... Args> \
  constexpr void name(Args... args) {     \
    if (use_scalar_kernels())             \
      scalar::name<N>(args...);           \
    else                                  \
      simd::name<N>(args...);             \
  }
CTNN_ELEMENTWISE(add)
CTNN_ELEMENTWISE(sub)
CTNN_ELEMENTWISE(mul)
CTNN_ELEMENTWISE(scale)
CTNN_ELEMENTWISE(axpy)
CTNN_ELEMENTWISE(sgd)
CTNN_ELEMENTWISE(momentum)
CTNN_ELEMENTWISE(rmsprop)
CTNN_ELEMENTWISE(adam)
#undef CTNN_ELEMENTWISE

}  // inline namespace

}  // namespace ctnn::kernels
