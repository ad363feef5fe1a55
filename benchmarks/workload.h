// Workloads shared by the benchmarks: realistic, deterministic event streams
// and journals built from them (cached on disk, since a 10^6-event journal is
// over 1 GB). Not thread-safe; benchmark harness code only.
#ifndef PROMPTJOURNAL_BENCHMARKS_WORKLOAD_H_
#define PROMPTJOURNAL_BENCHMARKS_WORKLOAD_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "promptjournal/event.h"

namespace pjbench {

enum class Mix {
  kFeedback,  // feedback_added only: the session state grows with every event
  kEdits,     // prompt and input edits: the state stays about 2 KB
  kMixed,     // 60% feedback, 25% optimized prompt, 15% human input
};

// Deterministic stream of realistic mutations, payloads of 300 B - 2 KB.
class EventSource {
 public:
  explicit EventSource(Mix mix, std::uint32_t seed = 42) : mix_(mix), rng_(seed) {}
  promptjournal::EventData next();
  // The first event of every session.
  static promptjournal::EventData created();

 private:
  std::string text(std::size_t min, std::size_t max);
  Mix mix_;
  std::mt19937 rng_;
  std::uint64_t n_ = 0;
};

// Where generated data lives: $PJ_BENCH_DIR or /tmp/pj-bench.
std::string bench_dir();

// A session root holding session "s" with `events` events of `mix`, written
// with Durability::kNone in batches (fast to build), without snapshots.
// Reused across runs when its marker file says it is complete.
std::string journal_root(Mix mix, std::uint64_t events);
// The same history with snapshots every `every` events (written by a
// SessionManager, as a long-running user would get them).
std::string journal_root_with_snapshots(Mix mix, std::uint64_t events, std::uint64_t every);

// Removes a directory tree (ignores errors).
void remove_tree(const std::string& path);
// Size of a file in bytes.
std::uint64_t file_size(const std::string& path);

}  // namespace pjbench

#endif  // PROMPTJOURNAL_BENCHMARKS_WORKLOAD_H_
