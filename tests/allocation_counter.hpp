// Counts heap allocations made inside a scope. Linked only into the no-heap test binary, which
// replaces every global allocation function (see allocation_counter.cpp). Keep Catch2 macros
// outside the scope: Catch2 allocates for its own bookkeeping.
#pragma once

#include <cstddef>

namespace alloc {

/// Allocations seen since the last reset while counting was on.
std::size_t count();
void start();
void stop();

class Scope {
 public:
  Scope() { start(); }
  ~Scope() { stop(); }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;
};

}  // namespace alloc
