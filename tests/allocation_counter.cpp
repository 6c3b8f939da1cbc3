// Replaces the global allocation functions (all new/delete forms, malloc and friends) with
// versions that count calls while a Scope is active.
#include "allocation_counter.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace alloc {
namespace {
std::atomic<bool> counting{false};
std::atomic<std::size_t> allocations{0};

void note() {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

std::size_t count() {
  return allocations.load();
}
void start() {
  allocations = 0;
  counting = true;
}
void stop() {
  counting = false;
}
}  // namespace alloc

namespace {
// new goes through malloc below, which counts it.
void* allocate(std::size_t n) {
  void* p = std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  return p;
}
void* allocate_aligned(std::size_t n, std::size_t a) {
  void* p = nullptr;
  if (posix_memalign(&p, a < sizeof(void*) ? sizeof(void*) : a, n ? n : 1) != 0)
    throw std::bad_alloc();
  return p;
}
}  // namespace

// glibc's own entry points, so the replacements need no dlsym.
extern "C" {
void* __libc_malloc(std::size_t);
void __libc_free(void*);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);

void* malloc(std::size_t n) {
  alloc::note();
  return __libc_malloc(n);
}
void free(void* p) {
  __libc_free(p);
}
void* calloc(std::size_t n, std::size_t s) {
  alloc::note();
  return __libc_calloc(n, s);
}
void* realloc(void* p, std::size_t n) {
  alloc::note();
  return __libc_realloc(p, n);
}
void* aligned_alloc(std::size_t a, std::size_t n) {
  alloc::note();
  return __libc_memalign(a, n);
}
int posix_memalign(void** p, std::size_t a, std::size_t n) {
  alloc::note();
  *p = __libc_memalign(a, n);
  return *p ? 0 : 12;  // ENOMEM
}
}

void* operator new(std::size_t n) {
  return allocate(n);
}
void* operator new[](std::size_t n) {
  return allocate(n);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return std::malloc(n ? n : 1);
}
void* operator new(std::size_t n, std::align_val_t a) {
  return allocate_aligned(n, std::size_t(a));
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return allocate_aligned(n, std::size_t(a));
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  void* p = nullptr;
  return posix_memalign(&p, std::size_t(a), n ? n : 1) == 0 ? p : nullptr;
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  void* p = nullptr;
  return posix_memalign(&p, std::size_t(a), n ? n : 1) == 0 ? p : nullptr;
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(p);
}
