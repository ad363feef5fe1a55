// Allocation-failure injection for pj_alloc_failure_tests (and only that
// executable: alloc_inject.cc replaces the global operator new/delete).
//
// Every allocation through ::operator new (any overload: plain, array, sized,
// aligned, nothrow) is counted per thread. While an Armed scope is active on
// the calling thread, allocation number `fail_at` (1-based, counted from the
// scope's start) throws std::bad_alloc (the nothrow forms return nullptr);
// with `persistent`, every allocation after it fails too. Boost.JSON's default
// memory resource allocates with ::operator new, so this covers it as well.
// Other threads and unarmed code are never failed.
#ifndef PROMPTJOURNAL_TESTS_RELIABILITY_ALLOC_INJECT_H_
#define PROMPTJOURNAL_TESTS_RELIABILITY_ALLOC_INJECT_H_

#include <cstdint>

namespace pjtest::alloc {

class Armed {
 public:
  explicit Armed(std::uint64_t fail_at, bool persistent = false) noexcept;
  ~Armed();
  Armed(const Armed&) = delete;
  Armed& operator=(const Armed&) = delete;
};

// Allocations seen by the current (or last) armed scope of this thread.
std::uint64_t count() noexcept;
// How many of them were failed on purpose (0: the scope never reached fail_at).
std::uint64_t failed() noexcept;
// Allocations made by this process so far, armed or not.
std::uint64_t total() noexcept;

}  // namespace pjtest::alloc

#endif  // PROMPTJOURNAL_TESTS_RELIABILITY_ALLOC_INJECT_H_
