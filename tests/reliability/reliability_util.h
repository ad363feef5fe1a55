// Helpers shared by the reliability suites.
#ifndef PROMPTJOURNAL_TESTS_RELIABILITY_UTIL_H_
#define PROMPTJOURNAL_TESTS_RELIABILITY_UTIL_H_

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

inline promptjournal::EventData created() {
  return promptjournal::SessionCreated{"in", "2026-11-24T12:00:00", promptjournal::Config()};
}
inline promptjournal::EventData input(std::string s) { return promptjournal::HumanInputUpdated{std::move(s)}; }

}  // namespace pjtest

#endif  // PROMPTJOURNAL_TESTS_RELIABILITY_UTIL_H_
