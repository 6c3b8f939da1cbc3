/// @file simd_target.hpp
/// The SIMD target the kernels run on: its name, and with CTNN_RUNTIME_DISPATCH the choice made
/// once per process for this CPU (the environment variable CTNN_SIMD_TARGETS limits it).
#pragma once

#include <cstddef>
#include <cstdint>
#if defined(CTNN_RUNTIME_DISPATCH)
#include <cpuid.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#endif

// Highway picks its static target from the compiler flags (docs/targets.md); the kernels are
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

// The targets named in CTNN_SIMD_TARGETS ("AVX2,SSE4"; "SCALAR": none, ctnn's plain loops), or
// all of them where it is unset or empty. An unknown name rejects the whole list, with a message:
// a typo must not silently select the plain loops.
inline std::int64_t allowed_simd_targets(const char* list) {
  if (list == nullptr || *list == '\0') return ~std::int64_t{0};
  constexpr struct {
    const char* name;
    std::int64_t bit;
  } names[] = {{"AVX3", HWY_AVX3}, {"AVX2", HWY_AVX2}, {"SSE4", HWY_SSE4}, {"SCALAR", 0}};
  std::int64_t allowed = 0;
  for (const char* p = list; *p != '\0';) {
    const char* end = p;
    while (*end != '\0' && *end != ',') ++end;
    const auto length = static_cast<std::size_t>(end - p);
    bool known = false;
    for (const auto& n : names)
      if (std::strlen(n.name) == length && std::strncmp(n.name, p, length) == 0) {
        allowed |= n.bit;
        known = true;
      }
    if (!known) {
      std::fprintf(stderr,
                   "ctnn: CTNN_SIMD_TARGETS=%s ignored: '%.*s' is not one of AVX3, AVX2, "
                   "SSE4, SCALAR\n",
                   list, int(end - p), p);
      return ~std::int64_t{0};
    }
    p = *end == ',' ? end + 1 : end;
  }
  return allowed;
}

// 0 until chosen, then fixed for the process: the best of dispatch_targets & this CPU &
// CTNN_SIMD_TARGETS, or HWY_SCALAR (the plain loops). Written only by the constructor below.
inline std::int64_t simd_target_chosen = 0;

inline void choose_simd_target() {
  const std::int64_t usable =
      cpu_targets() & dispatch_targets & allowed_simd_targets(std::getenv("CTNN_SIMD_TARGETS"));
  const std::int64_t best = usable & -usable;  // Highway's lowest bit is its best target
  simd_target_chosen = best != 0 ? best : HWY_SCALAR;
}
// Chosen before the program's own static initializers (priorities 101 and up are the program's,
// lowest first), which may already run a network, while the program has one thread. Registered
// by every translation unit that includes this header; choosing again gives the same target.
// The environment is the only way to limit the choice: a function to change it at run time
// would make `simd_target() const` below a lie the compiler acts on.
[[gnu::constructor(101)]] inline void choose_simd_target_at_start() {
  choose_simd_target();
}
// The target chosen: 0 (the plain loops) only before the constructor above ran, then the same
// value for the whole process, hence `const`: the compiler may call it once for a whole function,
// and with_simd_target's assertion of the target then folds every kernel's check inside its block
// (a plain load is read again after every vector store, which may alias it: 1-8-8-1 ReLU per
// sample, dispatch over -march build 1.39x with the load, 1.02x with this). Not inlined: inlined,
// it would be that load again. Clang 14's flatten leaves the kernels' dispatchers as calls inside
// the block, so nothing folds there, and a load per dispatcher costs less than a call (1-8-8-1
// ReLU per sample in blocks: 8.3 ns with the load, 10.4 with the call; -march build: 4.3).
#if defined(__clang__)
inline std::int64_t simd_target() {
  return simd_target_chosen;
}
#else
[[gnu::const, gnu::noinline]] inline std::int64_t simd_target() {
  return simd_target_chosen;
}
#endif
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

}  // namespace ctnn
