// Targets built to fail, one per kind of finding, so that CI can prove its
// fuzz step fails on each (scripts/ci-fuzz.sh runs them through the same
// scripts/fuzz-run.sh as the real targets and requires that every run fail).
// Each fails on the first non-empty input, which libFuzzer makes within its
// first few executions. Built only in fuzzer builds; never a normal target.
#include <climits>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput([[maybe_unused]] const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
#if defined(PJ_PLANTED_CRASH)
  std::abort();
#elif defined(PJ_PLANTED_UBSAN)
  // Signed overflow: UBSan reports it, and the build makes the report fatal.
  volatile int big = INT_MAX;
  volatile int sum = big + static_cast<int>(data[0] % 8 + 1);
  (void)sum;
#elif defined(PJ_PLANTED_LEAK)
  [[maybe_unused]] static char* volatile sink;
  sink = new char[64];  // dropped on the next input: a leak
  sink = nullptr;
#elif defined(PJ_PLANTED_TIMEOUT)
  for (volatile unsigned long i = 0;; i = i + 1) {
  }
#else
#error "define one of PJ_PLANTED_CRASH, _UBSAN, _LEAK, _TIMEOUT"
#endif
  return 0;
}
