// Shared by the PostgreSQL suites: the server pg_virtualenv started (its
// libpq environment is required: the suite fails without it, never skips),
// unique session ids, a fixed clock, and a side connection for raw SQL.
#ifndef PROMPTJOURNAL_TESTS_PG_PG_FIXTURE_H_
#define PROMPTJOURNAL_TESTS_PG_PG_FIXTURE_H_

#include <unistd.h>

#include <atomic>
#include <ostream>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "pg/pg_connection.h"
#include "pg/pg_event_store.h"
#include "promptjournal/event_store.h"

namespace promptjournal {
// For Boost.Test's messages.
inline std::ostream& boost_test_print_type(std::ostream& o, ErrorKind k) { return o << to_string(k); }
inline std::ostream& boost_test_print_type(std::ostream& o, const Position& p) {
  return o << "{seq " << p.seq << ", " << p.hash.substr(0, 12) << "..., offset " << p.offset << ", " << p.at << "}";
}
}  // namespace promptjournal

namespace pgtest {

using namespace promptjournal;

// Fails the test unless the libpq environment of pg_virtualenv is set.
inline void require_server_environment() {
  std::string missing;
  for (const char* v : {"PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"})
    if (!std::getenv(v)) missing += std::string(missing.empty() ? "" : ", ") + v;
  if (!missing.empty())
    BOOST_FAIL("no PostgreSQL server: " + missing +
               " not set. Run this suite inside pg_virtualenv, e.g. "
               "pg_virtualenv -t -o fsync=off bash -c 'cd build && ctest -L postgresql --output-on-failure'");
}

// A session id no other test (or earlier run) uses.
inline std::string unique_id(const std::string& name) {
  static std::atomic<int> n{0};
  static const unsigned salt = std::random_device{}();
  return name + "-" + std::to_string(::getpid()) + "-" + std::to_string(salt % 100000) + "-" +
         std::to_string(n++);
}

// A clock that starts at a fixed time and advances 1 ms per call.
inline Clock stepping_clock() {
  auto t = std::make_shared<std::chrono::system_clock::time_point>(std::chrono::sys_days{
      std::chrono::year{2026} / 1 / 2});
  return [t] { return *t += std::chrono::milliseconds(1); };
}

inline ManagerOptions options() {
  ManagerOptions o;
  o.journal.clock = stepping_clock();
  return o;
}

inline std::shared_ptr<EventStore> open_store(const std::string& location = "postgresql://",
                                              const ManagerOptions& o = options()) {
  require_server_environment();
  return detail::open_postgresql_store(location, o);
}

inline std::vector<EventData> created(const std::string& input = "classify sentiment") {
  return {SessionCreated{input, "2026-01-02T00:00:00", Config{}}};
}
inline std::vector<EventData> edit(const std::string& text) { return {HumanInputUpdated{text}}; }

// Raw SQL on its own connection.
struct Sql {
  Sql() { require_server_environment(); }
  detail::pg::Connection conn{"postgresql://"};
  detail::pg::Result exec(const std::string& sql, const std::vector<detail::pg::Param>& p = {}) {
    return conn.exec("test SQL", sql, p);
  }
  std::int64_t count(const std::string& id) {
    auto r = exec("SELECT count(*) FROM promptjournal.events WHERE session_id = $1", {detail::pg::Param(id)});
    return r.int64(0, 0);
  }
  // True once a backend whose application_name is `app` waits on a lock.
  bool waits_on_lock(const std::string& app) {
    auto r = exec("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
                  {detail::pg::Param(app)});
    return r.int64(0, 0) > 0;
  }
  void wait_until_waiting(const std::string& app) {
    for (int i = 0; i < 1000; ++i) {
      if (waits_on_lock(app)) return;
      ::usleep(10000);
    }
    BOOST_FAIL("the backend of " + app + " never waited on the lock");
  }
};

inline std::vector<Event> read_all(EventStore& s, const std::string& id, const Position& from = {}) {
  std::vector<Event> out;
  auto c = s.read(id, from);
  while (auto e = c->next()) out.push_back(std::move(*e));
  return out;
}

}  // namespace pgtest

#endif  // PROMPTJOURNAL_TESTS_PG_PG_FIXTURE_H_
