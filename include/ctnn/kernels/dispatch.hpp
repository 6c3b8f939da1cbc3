/// @file kernels/dispatch.hpp
/// The one place that chooses between the SIMD and the scalar kernels: the scalar loops inside
/// constant expressions (Highway is not constexpr), the SIMD kernels at run time, except where
/// Highway has no vector target (no SIMD flags on x86, Cortex-M, ...): there ctnn's plain loops
/// run, which the compiler vectorizes where it can (x86-64 baseline: 2.9x faster than Highway's
/// one-lane SCALAR ops, 64-128-128-10 forward, batch 32) and which on a single-precision FPU never
/// go through double (Highway 1.0.3's SCALAR multiply and float-to-int conversion do).
///
/// With CTNN_RUNTIME_DISPATCH the SIMD kernels exist once per x86 target (kernels/simd.hpp) and
/// each call goes to the target chosen once per process for this CPU (simd_target.hpp): one call
/// of detail::simd_target per function (the compiler merges them) and a jump per kernel call,
/// nothing per element; with_simd_target (below) once per block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "ctnn/config.hpp"
#include "ctnn/kernels/scalar.hpp"
#include "ctnn/kernels/simd.hpp"
#include "ctnn/simd_target.hpp"

// CTNN_SIMD(kernel<sizes>(args)) calls the SIMD kernel of the target in use.
#if defined(CTNN_RUNTIME_DISPATCH)
#define CTNN_IF_TARGET_AVX3(...)
#define CTNN_IF_TARGET_AVX2(...)
#define CTNN_IF_TARGET_SSE4(...)
#if HWY_TARGETS & HWY_AVX3
#undef CTNN_IF_TARGET_AVX3
#define CTNN_IF_TARGET_AVX3(...) __VA_ARGS__
#endif
#if HWY_TARGETS & HWY_AVX2
#undef CTNN_IF_TARGET_AVX2
#define CTNN_IF_TARGET_AVX2(...) __VA_ARGS__
#endif
#if HWY_TARGETS & HWY_SSE4
#undef CTNN_IF_TARGET_SSE4
#define CTNN_IF_TARGET_SSE4(...) __VA_ARGS__
#endif
// Only targets in detail::dispatch_targets (SSE4, AVX2, AVX3) are ever chosen; HWY_SCALAR (ctnn's
// loops) is handled by use_scalar_kernels() before this runs.
#define CTNN_SIMD(...)                                               \
  switch (::ctnn::detail::simd_target()) {                           \
    CTNN_IF_TARGET_AVX3(case HWY_AVX3 : return N_AVX3::__VA_ARGS__;) \
    CTNN_IF_TARGET_AVX2(case HWY_AVX2 : return N_AVX2::__VA_ARGS__;) \
    CTNN_IF_TARGET_SSE4(case HWY_SSE4 : return N_SSE4::__VA_ARGS__;) \
    default:                                                         \
      __builtin_unreachable();                                       \
  }
#else
#define CTNN_SIMD(...) return simd::__VA_ARGS__
#endif

namespace ctnn::kernels {
// The choosers differ by mode, so each mode has its own inline namespace: translation units
// built in different modes call different functions, not one function with two bodies.
#if defined(CTNN_FORCE_SCALAR)
inline namespace forced_scalar {
#elif defined(CTNN_RUNTIME_DISPATCH)
inline namespace runtime_dispatch {
#elif HWY_STATIC_TARGET == HWY_SCALAR || HWY_STATIC_TARGET == HWY_EMU128
inline namespace no_simd_target {
#else
inline namespace scalar_in_constant_expressions {
#endif

/// True where the scalar kernels run: in constant expressions, everywhere in a program built with
/// CTNN_FORCE_SCALAR (a reference build, or the benchmark's scalar column), everywhere when
/// Highway's static target is a one-lane one (SCALAR, EMU128), and with runtime dispatch on a CPU
/// with none of the compiled targets (or where CTNN_SIMD_TARGETS=SCALAR asked for none).
constexpr bool use_scalar_kernels() {
  if (std::is_constant_evaluated()) return true;
#if defined(CTNN_FORCE_SCALAR)
  return true;
#elif defined(CTNN_RUNTIME_DISPATCH)
  const std::int64_t target = detail::simd_target();
  return target == HWY_SCALAR || target == 0;  // 0: before the choice (simd_target.hpp)
#else
  return HWY_STATIC_TARGET == HWY_SCALAR || HWY_STATIC_TARGET == HWY_EMU128;
#endif
}

template <std::size_t M, std::size_t K, std::size_t N, class T>
constexpr void gemm(const T* a, const T* b, T* c) {
  if (use_scalar_kernels())
    scalar::gemm<M, K, N>(a, b, c);
  else
    CTNN_SIMD(gemm<M, K, N>(a, b, static_cast<const T*>(nullptr), c));
}
template <std::size_t M, std::size_t K, std::size_t N, class T>
constexpr void gemm(const T* a, const T* b, const T* bias, T* c) {
  if (use_scalar_kernels())
    scalar::gemm<M, K, N>(a, b, bias, c);
  else
    CTNN_SIMD(gemm<M, K, N>(a, b, bias, c));
}
/// c = F(a b + 1 bias) in one pass, F an element-wise activation: the SIMD path applies F's
/// vector form in registers before the store; the scalar path runs F over c afterwards.
template <std::size_t M, std::size_t K, std::size_t N, class F, class T>
constexpr void gemm_activated(const T* a, const T* b, const T* bias, T* c) {
  if (use_scalar_kernels()) {
    scalar::gemm<M, K, N>(a, b, bias, c);
    scalar::activate<M * N, F>(c, c);
  } else {
    CTNN_SIMD(gemm_activated<M, K, N, F>(a, b, bias, c));
  }
}
/// a = F(z) and its backward, F an element-wise activation (layers/activations.hpp).
template <std::size_t N, class F, class T>
constexpr void activate(const T* z, T* a) {
  if (use_scalar_kernels())
    scalar::activate<N, F>(z, a);
  else
    CTNN_SIMD(activate<N, F>(z, a));
}
template <std::size_t N, class F, class T>
constexpr void activate_backward(const T* a, const T* da, T* dz) {
  if (use_scalar_kernels())
    scalar::activate_backward<N, F>(a, da, dz);
  else
    CTNN_SIMD(activate_backward<N, F>(a, da, dz));
}
/// The element-wise part of one LSTM or GRU frame (layers/recurrent.hpp).
template <std::size_t H, class Gate, class Tanh, bool Keep, class T>
constexpr void lstm_cell(const T* z, const T* b, T* c, T* h, T* gates, T* tanh_c) {
  if (use_scalar_kernels())
    scalar::lstm_cell<H, Gate, Tanh, Keep>(z, b, c, h, gates, tanh_c);
  else
    CTNN_SIMD(lstm_cell<H, Gate, Tanh, Keep>(z, b, c, h, gates, tanh_c));
}
template <std::size_t H, class Gate, class Tanh, bool Keep, class T>
constexpr void gru_cell(const T* u, const T* v, T* h, T* gates, T* hidden_n) {
  if (use_scalar_kernels())
    scalar::gru_cell<H, Gate, Tanh, Keep>(u, v, h, gates, hidden_n);
  else
    CTNN_SIMD(gru_cell<H, Gate, Tanh, Keep>(u, v, h, gates, hidden_n));
}
template <std::size_t M, std::size_t K, std::size_t N, class T>
constexpr void gemm_tn(const T* a, const T* g, T* c) {
  if (use_scalar_kernels())
    scalar::gemm_tn<M, K, N>(a, g, c);
  else
    CTNN_SIMD(gemm_tn<M, K, N>(a, g, c));
}
template <std::size_t M, std::size_t N, std::size_t K, class T>
constexpr void gemm_nt(const T* g, const T* w, T* c) {
  if (use_scalar_kernels())
    scalar::gemm_nt<M, N, K>(g, w, c);
  else
    CTNN_SIMD(gemm_nt<M, N, K>(g, w, c));
}
template <std::size_t M, std::size_t N, class T>
constexpr void column_sums(const T* g, T* out) {
  if (use_scalar_kernels())
    scalar::column_sums<M, N>(g, out);
  else
    CTNN_SIMD(column_sums<M, N>(g, out));
}
template <std::size_t M, std::size_t N, class T>
constexpr void add_row(const T* row, T* m) {
  if (use_scalar_kernels())
    scalar::add_row<M, N>(row, m);
  else
    CTNN_SIMD(add_row<M, N>(row, m));
}
template <std::size_t M, std::size_t N, class T>
constexpr void softmax_rows(const T* z, T* s) {
  if (use_scalar_kernels())
    scalar::softmax_rows<M, N>(z, s);
  else
    CTNN_SIMD(softmax_rows<M, N>(z, s));
}
template <std::size_t M, std::size_t N, class T>
constexpr void softmax_backward_rows(const T* s, const T* da, T* dz) {
  if (use_scalar_kernels())
    scalar::softmax_backward_rows<M, N>(s, da, dz);
  else
    CTNN_SIMD(softmax_backward_rows<M, N>(s, da, dz));
}

// Kernels over N elements share one dispatch shape.
#define CTNN_ELEMENTWISE(name)            \
  template <std::size_t N, class... Args> \
  constexpr void name(Args... args) {     \
    if (use_scalar_kernels())             \
      scalar::name<N>(args...);           \
    else                                  \
      CTNN_SIMD(name<N>(args...));        \
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

/// True when none of the N elements is NaN or +-Inf (by their bits; kernels/scalar.hpp).
template <std::size_t N, class T>
constexpr bool all_finite(const T* x) {
  if (use_scalar_kernels())
    return scalar::all_finite<N>(x);
  else
    CTNN_SIMD(all_finite<N>(x));
}

}  // inline namespace

}  // namespace ctnn::kernels

namespace ctnn {
/// Runs f() with ctnn's kernels for the SIMD target in use inlined into it. With
/// CTNN_RUNTIME_DISPATCH each kernel call otherwise checks the target and is a call (about 1 ns,
/// which at batch 1 is a large share of a small layer): wrap a real-time loop that runs a small
/// network per sample (an audio block, a control cycle) to choose the target once per loop. f and
/// everything it calls are compiled for that target and inlined (GCC/Clang `flatten`). Without
/// runtime dispatch: f().
template <class F>
decltype(auto) with_simd_target(F&& f) {
#if defined(CTNN_RUNTIME_DISPATCH)
  using namespace kernels;
  constexpr auto chosen = [] { return detail::simd_target(); };
  switch (chosen()) {
    CTNN_IF_TARGET_AVX3(case HWY_AVX3 : return N_AVX3::run_flattened(f, chosen);)
    CTNN_IF_TARGET_AVX2(case HWY_AVX2 : return N_AVX2::run_flattened(f, chosen);)
    CTNN_IF_TARGET_SSE4(case HWY_SSE4 : return N_SSE4::run_flattened(f, chosen);)
    default:
      return f();
  }
#else
  return f();
#endif
}
}  // namespace ctnn
