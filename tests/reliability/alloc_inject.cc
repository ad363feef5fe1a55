// Replacements of every global operator new / delete (see alloc_inject.h).
// They allocate with malloc / posix_memalign and free with free, so the
// sanitizers still see (and LeakSanitizer still checks) every block.
#include "alloc_inject.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace pjtest::alloc {

namespace {

struct State {
  bool armed = false;
  bool persistent = false;
  std::uint64_t fail_at = 0;
  std::uint64_t count = 0;
  std::uint64_t failed = 0;
};

thread_local State t_state;
std::atomic<std::uint64_t> g_total{0};

// True when this allocation is to fail.
bool should_fail() noexcept {
  g_total.fetch_add(1, std::memory_order_relaxed);
  State& s = t_state;
  if (!s.armed) return false;
  ++s.count;
  if (s.count == s.fail_at || (s.persistent && s.count > s.fail_at)) {
    ++s.failed;
    return true;
  }
  return false;
}

void* allocate(std::size_t n) noexcept {
  if (should_fail()) return nullptr;
  return std::malloc(n == 0 ? 1 : n);
}

void* allocate_aligned(std::size_t n, std::align_val_t a) noexcept {
  if (should_fail()) return nullptr;
  std::size_t align = static_cast<std::size_t>(a);
  if (align < sizeof(void*)) align = sizeof(void*);
  void* p = nullptr;
  if (::posix_memalign(&p, align, n == 0 ? 1 : n) != 0) return nullptr;
  return p;
}

}  // namespace

Armed::Armed(std::uint64_t fail_at, bool persistent) noexcept {
  t_state.count = 0;
  t_state.failed = 0;
  t_state.fail_at = fail_at;
  t_state.persistent = persistent;
  t_state.armed = true;
}

Armed::~Armed() { t_state.armed = false; }

std::uint64_t count() noexcept { return t_state.count; }
std::uint64_t failed() noexcept { return t_state.failed; }
std::uint64_t total() noexcept { return g_total.load(std::memory_order_relaxed); }

}  // namespace pjtest::alloc

using pjtest::alloc::allocate;
using pjtest::alloc::allocate_aligned;

void* operator new(std::size_t n) {
  if (void* p = allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return allocate(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return allocate(n); }
void* operator new(std::size_t n, std::align_val_t a) {
  if (void* p = allocate_aligned(n, a)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) {
  if (void* p = allocate_aligned(n, a)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate_aligned(n, a);
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate_aligned(n, a);
}

void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
