// Helpers shared by the reliability suites.
#ifndef PROMPTJOURNAL_TESTS_RELIABILITY_UTIL_H_
#define PROMPTJOURNAL_TESTS_RELIABILITY_UTIL_H_

#include <sys/types.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "promptjournal/journal.h"
#include "promptjournal/verify.h"

namespace pjtest {

// An env var as a count, or `fallback` (short CI form vs. long form).
inline int env_count(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
}

// Every event of a journal (throws on corruption).
inline std::vector<promptjournal::Event> read_events(const std::string& root, const std::string& id) {
  promptjournal::Journal j(root, id);
  std::vector<promptjournal::Event> out;
  auto r = j.reader();
  while (auto e = r->next()) out.push_back(*e);
  return out;
}

// A child process that runs body(write end of a pipe) and then _exits 0, or
// 99 if body throws (never unwinding into the test framework's copy in the
// child); body may _exit itself. The parent gets its pid and the read end.
struct Spawned {
  pid_t pid;
  int fd;
};
template <class Body>
Spawned spawn_with_pipe(Body&& body) {
  int p[2];
  BOOST_REQUIRE(::pipe(p) == 0);
  const pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);  // never kill(-1, ...) or wait for any child
  if (pid == 0) {
    ::close(p[0]);
    try {
      body(p[1]);
    } catch (...) {
      ::_exit(99);
    }
    ::_exit(0);
  }
  ::close(p[1]);
  return {pid, p[0]};
}

inline promptjournal::EventData created() {
  return promptjournal::SessionCreated{"in", "2026-11-24T12:00:00", promptjournal::Config()};
}
inline promptjournal::EventData input(std::string s) { return promptjournal::HumanInputUpdated{std::move(s)}; }

}  // namespace pjtest

#endif  // PROMPTJOURNAL_TESTS_RELIABILITY_UTIL_H_
