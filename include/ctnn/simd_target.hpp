/// @file simd_target.hpp
/// The SIMD target the kernels run on: its name, and with CTNN_RUNTIME_DISPATCH the choice made
/// once per process for this CPU (and a way to limit it).
#pragma once

#include <cstddef>
#include <cstdint>
#if defined(CTNN_RUNTIME_DISPATCH)
#include <cpuid.h>
#endif

// Highway picks its static target from the compiler flags (README: presets); the kernels are
// compiled for it, and with CTNN_RUNTIME_DISPATCH for SSE4, AVX2 and AVX3 too, one chosen at run
// time. Headers only either way (no -lhwy).
#include "ctnn/detail/highway.hpp"

namespace ctnn {

namespace detail {
#if defined(CTNN_RUNTIME_DISPATCH)
// The targets runtime dispatch chooses among: SSE4, AVX2, AVX3 where compiled (HWY_TARGETS, from
// the flags; detail/highway.hpp leaves out SSSE3 and AVX3_DL, which add nothing to float
// kernels). Below SSE4, ctnn's plain loops run (HWY_SCALAR stands for them).
inline constexpr std::int64_t dispatch_targets = HWY_TARGETS & (HWY_SSE4 | HWY_AVX2 | HWY_AVX3);

// What this CPU and OS can run, by the compiler's own CPU detection (which also checks that the
// OS saves the AVX and AVX-512 registers): the features of Highway's target strings, except
// AES/CLMUL (HWY_DISABLE_PCLMUL_AES: ctnn uses neither, and Nehalem-class CPUs lack them).
inline bool cpu_has_f16c() {  // not a __builtin_cpu_supports name in Clang 14
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_F16C) != 0;
}
inline std::int64_t cpu_targets() {
  __builtin_cpu_init();
  std::int64_t targets = 0;
  const bool sse4 = __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("sse4.1") &&
                    __builtin_cpu_supports("sse4.2");
  const bool avx2 = sse4 && __builtin_cpu_supports("avx") && __builtin_cpu_supports("avx2") &&
                    __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
                    __builtin_cpu_supports("fma") && cpu_has_f16c();
  const bool avx3 = avx2 && __builtin_cpu_supports("avx512f") &&
                    __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
                    __builtin_cpu_supports("avx512bw");
  if (sse4) targets |= HWY_SSE4;
  if (avx2) targets |= HWY_AVX2;
  if (avx3) targets |= HWY_AVX3;
  return targets;
}

// 0 until chosen; then the best of dispatch_targets & this CPU & the caller's limit, or
// HWY_SCALAR. Chosen once per process, before the program's own static initializers (a
// constructor of priority 101, below), and again only by limit_simd_targets (documented: while no
// network runs). A plain variable, not an atomic, that no kernel call writes: the compiler may
// read it once for a whole loop of kernels (with_simd_target) instead of once per kernel.
inline std::int64_t simd_target_chosen = 0;
inline std::int64_t simd_target_allowed = ~std::int64_t{0};

inline std::int64_t choose_simd_target() {
  const std::int64_t usable = cpu_targets() & dispatch_targets & simd_target_allowed;
  const std::int64_t best = usable & -usable;  // Highway's lowest bit is its best target
  simd_target_chosen = best != 0 ? best : HWY_SCALAR;
  return simd_target_chosen;
}
// Priorities 101 and up are the program's, lowest first: this runs before any static initializer
// of the program's own (which may already run a network), while the program has one thread.
// Registered by every translation unit that includes this header; choosing again is harmless.
[[gnu::constructor(101)]] inline void choose_simd_target_at_start() {
  choose_simd_target();
}
// The target chosen; 0 (ctnn's plain loops) only before choose_simd_target_at_start ran.
inline std::int64_t simd_target() {
  return simd_target_chosen;
}
#else
constexpr std::int64_t simd_target() {
  return HWY_STATIC_TARGET;
}
#endif
}  // namespace detail

/// Name of the SIMD target the kernels run on ("AVX3", "AVX2", "SSE4", "SCALAR", ...): the
/// compiler flags' (static dispatch), or the one chosen for this CPU (CTNN_RUNTIME_DISPATCH).
/// Print it: a silent SCALAR build is the most common performance mistake.
inline const char* simd_target_name() {
  return hwy::TargetName(detail::simd_target());
}

/// True when the kernels use real vectors, not plain loops (no SIMD flags, or no SIMD target
/// usable on this CPU with runtime dispatch).
inline bool simd_is_vectorized() {
  const std::int64_t target = detail::simd_target();
  return target != 0 && target != HWY_SCALAR && target != HWY_EMU128;
}

#if defined(CTNN_RUNTIME_DISPATCH)
/// Runtime dispatch: lets ctnn choose only among `allowed` targets (Highway's bits, e.g.
/// HWY_SSE4 | HWY_AVX2; 0: none, ctnn's plain loops), e.g. to compare targets in one process.
/// Returns the name of the target chosen now. Call it while no network is running.
inline const char* limit_simd_targets(std::int64_t allowed) {
  detail::simd_target_allowed = allowed;
  detail::choose_simd_target();
  return simd_target_name();
}
#endif

}  // namespace ctnn
