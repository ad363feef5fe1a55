// Process crash: writer processes append through the library and report each
// acknowledged seq and hash over a pipe; the driver SIGKILLs them at random
// moments. After every kill the journal opens, verifies (a torn tail is
// allowed), holds every acknowledged event exactly once, and the next writer
// repairs any torn tail.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <map>
#include <random>
#include <thread>

#include "promptjournal/journal.h"
#include "reliability_util.h"
#include "test_util.h"

using namespace promptjournal;

namespace {

// Appends forever with expected seqs, writing "seq hash\n" to `fd` per ack.
[[noreturn]] void writer(const std::string& root, Durability d, int fd, unsigned seed) {
  std::mt19937 rng(seed);
  JournalOptions opt;
  opt.durability = d;
  Journal j(root, "s", opt);
  {
    auto r = j.reader();  // learn the head, as any writer opening a session does
    while (r->next()) {
    }
    j.assume_validated(r->position());
  }
  for (;;) {
    std::uint64_t last = j.head().seq;
    // Mixed sizes, a few large enough to need several pages per write.
    std::size_t size = rng() % 20 == 0 ? 200000 + rng() % 300000 : 100 + rng() % 2000;
    try {
      auto r = j.append({pjtest::input(std::string(size, static_cast<char>('a' + rng() % 26)))}, last);
      char line[128];
      int n = std::snprintf(line, sizeof line, "%llu %s\n", static_cast<unsigned long long>(r.head.seq), r.head.hash.c_str());
      if (::write(fd, line, static_cast<std::size_t>(n)) != n) ::_exit(3);
    } catch (const JournalError& e) {
      // A fresh handle expects seq 0 (kAlreadyExists); either way it caught up.
      if (e.kind() != ErrorKind::kConflict && e.kind() != ErrorKind::kAlreadyExists) {
        std::fprintf(stderr, "writer: %s\n", e.what());
        ::_exit(2);
      }
    }
  }
}

std::map<std::uint64_t, std::string> read_acks(int fd) {
  std::map<std::uint64_t, std::string> acks;
  std::string buf;
  char chunk[4096];
  for (ssize_t n; (n = ::read(fd, chunk, sizeof chunk)) > 0;) buf.append(chunk, static_cast<std::size_t>(n));
  std::size_t at = 0, nl;
  while ((nl = buf.find('\n', at)) != std::string::npos) {
    unsigned long long seq = 0;
    char hash[65] = {0};
    if (std::sscanf(buf.c_str() + at, "%llu %64s", &seq, hash) == 2) acks[seq] = hash;
    at = nl + 1;
  }
  return acks;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(crash)

BOOST_AUTO_TEST_CASE(sigkill_never_loses_an_acknowledged_event) {
  const int per_config = pjtest::env_count("PJ_CRASH_TRIALS", 34);
  std::mt19937 rng(20261125);
  int trials = 0, kills = 0, torn = 0, acked_total = 0;
  for (Durability d : {Durability::kNone, Durability::kFsync}) {
    for (int writers : {1, 2, 4}) {
      for (int t = 0; t < per_config; ++t) {
        pjtest::TempDir root;
        Journal(root.path(), "s").append({pjtest::created()}, 0);
        std::vector<pid_t> pids;
        std::vector<int> fds;
        for (int w = 0; w < writers; ++w) {
          const unsigned seed = rng();
          auto child = pjtest::spawn_with_pipe([&](int out) { writer(root.path(), d, out, seed); });
          pids.push_back(child.pid);
          fds.push_back(child.fd);
        }
        std::this_thread::sleep_for(std::chrono::microseconds(rng() % 300000));
        for (pid_t pid : pids) ::kill(pid, SIGKILL);
        std::map<std::uint64_t, std::string> acked;
        for (std::size_t w = 0; w < pids.size(); ++w) {
          int status = 0;
          ::waitpid(pids[w], &status, 0);
          BOOST_TEST((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL),
                     "a writer died on its own: exit " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1) << " signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0));
          for (auto& [seq, hash] : read_acks(fds[w])) {
            BOOST_TEST(!acked.count(seq), "seq " << seq << " acknowledged twice");
            acked[seq] = hash;
          }
          ::close(fds[w]);
          ++kills;
        }
        ++trials;
        acked_total += static_cast<int>(acked.size());
        auto report = verify_session(root.path(), "s");
        BOOST_TEST(report.ok(), "trial " << trials);
        if (!report.problems.empty()) ++torn;
        auto events = pjtest::read_events(root.path(), "s");
        for (const auto& [seq, hash] : acked) {
          BOOST_REQUIRE_MESSAGE(seq <= events.size(), "acknowledged seq " << seq << " lost");
          BOOST_TEST(events[seq - 1].hash == hash);
        }
        // The next writer cuts a torn tail and appends; the result verifies clean.
        Journal next(root.path(), "s");
        next.append({pjtest::input("after the crash")}, events.size());
        BOOST_TEST(verify_session(root.path(), "s").problems.empty());
      }
    }
  }
  BOOST_TEST_MESSAGE("crash trials " << trials << ", writers killed " << kills << ", acknowledged events checked "
                                     << acked_total << ", torn tails seen " << torn);
  BOOST_TEST(trials >= 6 * per_config);
}

BOOST_AUTO_TEST_SUITE_END()
