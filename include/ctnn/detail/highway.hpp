/// @file detail/highway.hpp
/// How ctnn includes Highway: the targets it compiles kernels for, and how a kernel's entry point
/// is declared. Every ctnn header reaches Highway through this one.
#pragma once

// Fixed-width targets only (kernels keep vectors in arrays and size loops by MaxLanes): on an
// aarch64 build with SVE flags, Highway's static target would be SVE. Unless the program chose
// its own disabled targets, ctnn disables the scalable ones, so the same flags build NEON kernels.
// (HWY_SVE... are expanded where Highway uses the macro, after it defined them.)
#if !defined(HWY_DISABLED_TARGETS) && !defined(HIGHWAY_HWY_DETECT_TARGETS_H_)
#if defined(CTNN_RUNTIME_DISPATCH)
// Runtime dispatch compiles SSE4, AVX2, AVX3 (simd_target.hpp): not SSSE3 (a step below SSE4,
// which every x86 CPU since 2008 has) nor AVX3_DL (nothing in it for float kernels).
#define HWY_DISABLED_TARGETS \
  (HWY_SVE | HWY_SVE2 | HWY_SVE_256 | HWY_SVE2_128 | HWY_SSSE3 | HWY_AVX3_DL)
#else
#define HWY_DISABLED_TARGETS (HWY_SVE | HWY_SVE2 | HWY_SVE_256 | HWY_SVE2_128)
#endif
#endif

// A kernel's entry point (what kernels/dispatch.hpp calls). Inlined into the caller where the
// caller is compiled for the kernel's target (static dispatch on x86). Not forced where it is not:
// with runtime dispatch the caller is baseline code, and on aarch64 Highway compiles NEON kernels
// with "+crypto", which -mcpu=cortex-a53/a72 or plain armv8-a callers lack; GCC refuses to force
// inline across such a mismatch, so the kernel is called instead.
#if defined(CTNN_RUNTIME_DISPATCH) || (defined(__aarch64__) && !defined(__ARM_FEATURE_AES))
#define CTNN_KERNEL inline
#else
#define CTNN_KERNEL HWY_INLINE
#endif

#if defined(CTNN_RUNTIME_DISPATCH) && !(defined(__x86_64__) || defined(__i386__))
#error \
    "ctnn: CTNN_RUNTIME_DISPATCH is implemented for x86 only; on Arm build for the CPU (-mcpu=...)"
#elif defined(CTNN_RUNTIME_DISPATCH)
// Highway's foreach_target.h must see Highway for the first time (1.0.3 compiles the first
// target's pass without its ops otherwise), so ctnn's kernels run it before anything else.
#if defined(HWY_HIGHWAY_INCLUDED)
#error "ctnn: with CTNN_RUNTIME_DISPATCH, include ctnn's headers before Highway's (<hwy/...>)"
#endif
#include "ctnn/kernels/simd.hpp"
#endif

#include <hwy/highway.h>

#if HWY_HAVE_SCALABLE && HWY_TARGET == HWY_STATIC_TARGET
#error \
    "ctnn: Highway's target is scalable (SVE/RVV), ctnn's kernels need a fixed-width one. Highway was included before ctnn with its own HWY_DISABLED_TARGETS: add HWY_SVE | HWY_SVE2 | HWY_SVE_256 | HWY_SVE2_128 to it, or build for NEON (-march=armv8-a)."
#endif
