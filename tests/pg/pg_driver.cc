// A writer for the multi-process test (pg_concurrency_test.cc): appends to
// random sessions of a PostgreSQL store until `seconds` pass, and records
// every acknowledged event as "<session> <seq> <hash>\n" in `out`, written
// and fsynced after the append returned.
// Usage: pj_pg_driver LOCATION OUT SECONDS SEED ID...
// Exit: 0 when the time is up; 2 on an error that is not a transient one
// (corruption, a wrong answer).
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "pg/pg_event_store.h"
#include "promptjournal/errors.h"

using namespace promptjournal;

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: pj_pg_driver LOCATION OUT SECONDS SEED ID...\n");
    return 2;
  }
  const std::string location = argv[1];
  int fd = ::open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd < 0) return 2;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(std::atoi(argv[3]));
  std::mt19937 rng(static_cast<unsigned>(std::atoi(argv[4])));
  std::vector<std::string> ids(argv + 5, argv + argc);
  std::shared_ptr<EventStore> store;
  int n = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string& id = ids[rng() % ids.size()];
    try {
      if (!store) store = detail::open_postgresql_store(location, ManagerOptions{});
      AppendResult r;
      if (!store->has_stream(id)) {
        r = store->append(id, {SessionCreated{"soak", "2026-01-02T00:00:00", Config{}}}, 0);
      } else {
        Position head = store->check_history(id);
        std::vector<EventData> batch;
        for (unsigned i = 0, k = 1 + rng() % 3; i < k; ++i)
          batch.push_back(HumanInputUpdated{std::string(argv[4]) + "-" + std::to_string(n++)});
        r = store->append(id, batch, head.seq);
      }
      std::string rec;
      for (const auto& e : r.events) rec += id + " " + std::to_string(e.seq) + " " + e.hash + "\n";
      if (::write(fd, rec.data(), rec.size()) != static_cast<ssize_t>(rec.size()) || ::fsync(fd) != 0) return 2;
    } catch (const JournalError& e) {
      switch (e.kind()) {
        case ErrorKind::kConflict:
        case ErrorKind::kAlreadyExists:
        case ErrorKind::kUnavailable:
        case ErrorKind::kTimeout:
        case ErrorKind::kOutcomeUnknown:
          continue;
        default:
          std::fprintf(stderr, "pj_pg_driver: %s\n", e.what());
          return 2;
      }
    }
  }
  return 0;
}
