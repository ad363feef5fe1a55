// Failure behaviour against the real server: a restart, a dropped
// connection, a statement timeout, a client killed between its insert and
// COMMIT. Each time: a JournalError whose kind names the cause, nothing
// acknowledged lost, nothing unacknowledged half-written, and the next call
// on the same store object works.
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <optional>
#include <sstream>
#include <thread>

#include "pg_fixture.h"

using namespace promptjournal;
using namespace pgtest;
using detail::pg::Param;

namespace {

// "15 regress": the cluster pg_virtualenv made (from pg_lsclusters).
std::string cluster() {
  FILE* p = ::popen("pg_lsclusters -h", "r");
  BOOST_TEST_REQUIRE(p != nullptr);
  char buf[512] = {};
  std::string out;
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  ::pclose(p);
  std::istringstream in(out);
  std::string version, name;
  in >> version >> name;
  BOOST_TEST_REQUIRE(!name.empty(), "pg_lsclusters lists no cluster: " << out);
  return version + " " + name;
}

// A store whose backend can be found by its application_name.
std::shared_ptr<EventStore> named_store(const std::string& app, const std::string& extra = "") {
  return open_store("postgresql://?application_name=" + app + extra);
}

// Holds row (id, seq) in an open transaction of `sql`, so an insert of that
// key by anyone else waits.
void hold_row(Sql& sql, const std::string& id, std::uint64_t seq) {
  sql.exec("BEGIN");
  sql.exec("INSERT INTO promptjournal.events(session_id, seq, line, end_offset) VALUES ($1, $2, 'held', 0)",
           {Param(id), Param(std::to_string(seq))});
}

void expect_kind(const std::function<void()>& f, ErrorKind kind) {
  try {
    f();
    BOOST_FAIL("no error; expected " << to_string(kind));
  } catch (const JournalError& e) {
    BOOST_TEST(e.kind() == kind, "got " << to_string(e.kind()) << ": " << e.what());
  }
}

// While alive, a deferred constraint trigger makes the COMMIT of any insert
// of a "slowcommit-..." session sleep 60 s inside the server: a window in
// which the test cuts the connection or stops the server mid-COMMIT.
struct SlowCommit {
  Sql sql;
  SlowCommit() {
    sql.exec("CREATE OR REPLACE FUNCTION public.pjtest_slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ "
             "BEGIN IF NEW.session_id LIKE 'slowcommit-%' THEN PERFORM pg_sleep(60); END IF; RETURN NULL; END $$");
    sql.exec("DROP TRIGGER IF EXISTS pjtest_slow_commit ON promptjournal.events");
    sql.exec("CREATE CONSTRAINT TRIGGER pjtest_slow_commit AFTER INSERT ON promptjournal.events "
             "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.pjtest_slow_commit()");
  }
  ~SlowCommit() {
    try {
      sql.exec("DROP TRIGGER IF EXISTS pjtest_slow_commit ON promptjournal.events");
    } catch (...) {
    }
  }
  void wait_until_committing(const std::string& app) {
    for (int i = 0; i < 1000; ++i) {
      auto r = sql.exec("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND "
                        "wait_event = 'PgSleep' AND query = 'COMMIT'",
                        {Param(app)});
      if (r.int64(0, 0) > 0) return;
      ::usleep(10000);
    }
    BOOST_FAIL("the append of " + app + " never reached its COMMIT");
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(pg_failures)

BOOST_AUTO_TEST_CASE(a_connection_lost_during_commit_is_looked_up_after_reconnecting) {
  const std::string app = unique_id("commitlost");
  const std::string id = unique_id("slowcommit");
  auto s = named_store(app);
  auto acked = s->append(id, created(), 0);
  std::optional<JournalError> err;
  {
    SlowCommit slow;
    std::thread t([&] {
      try {
        s->append(id, {HumanInputUpdated{"one"}, HumanInputUpdated{"two"}}, 1);
      } catch (const JournalError& e) {
        err = e;
      }
    });
    slow.wait_until_committing(app);
    slow.sql.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
                  {Param(app)});
    t.join();
  }
  // Reconnected, found no row of the batch: nothing stored, and it says so.
  BOOST_TEST_REQUIRE(err.has_value());
  BOOST_TEST(err->kind() == ErrorKind::kUnavailable, err->what());
  BOOST_TEST(std::string(err->what()).find("while committing; nothing of the batch was stored") !=
             std::string::npos);
  Sql sql;
  BOOST_TEST(sql.count(id) == 1);
  BOOST_TEST(s->append(id, edit("next"), 1).head.seq == 2u);
  BOOST_TEST(read_all(*s, id)[0].hash == acked.head.hash);
}

BOOST_AUTO_TEST_CASE(a_server_stopped_during_commit_is_outcome_unknown_and_nothing_is_half_written) {
  const std::string app = unique_id("commitstop");
  const std::string id = unique_id("slowcommit");
  auto s = named_store(app);
  s->append(id, created(), 0);
  std::optional<JournalError> err;
  const std::string c = cluster();
  {
    SlowCommit slow;
    std::thread t([&] {
      try {
        s->append(id, {HumanInputUpdated{"one"}, HumanInputUpdated{"two"}}, 1);
      } catch (const JournalError& e) {
        err = e;
      }
    });
    slow.wait_until_committing(app);
    const std::string stop = "pg_ctlcluster " + c + " stop -m fast >/dev/null 2>&1";
    BOOST_TEST(std::system(stop.c_str()) == 0);
    t.join();
    const std::string start = "pg_ctlcluster " + c + " start >/dev/null 2>&1";
    BOOST_TEST_REQUIRE(std::system(start.c_str()) == 0);
    slow.sql.conn.drop();  // its connection died with the server; the destructor reconnects
  }
  BOOST_TEST_REQUIRE(err.has_value());
  BOOST_TEST(err->kind() == ErrorKind::kOutcomeUnknown, err->what());
  // Either all or none: here none (the server never committed).
  Sql sql;
  BOOST_TEST(sql.count(id) == 1);
  BOOST_TEST(s->append(id, edit("after"), 1).head.seq == 2u);  // the same object reconnects
  BOOST_TEST(s->verify(id).ok());
}

BOOST_AUTO_TEST_CASE(a_server_restart_is_unavailable_once_and_the_next_call_reconnects) {
  auto s = open_store();
  const std::string id = unique_id("restart");
  s->append(id, created(), 0);
  auto acked = s->append(id, edit("before the restart"), 1);
  // The restarted server inherits our stderr otherwise, and logs there.
  const std::string restart = "pg_ctlcluster " + cluster() + " restart >/dev/null 2>&1";
  BOOST_TEST_REQUIRE(std::system(restart.c_str()) == 0, restart);
  expect_kind([&] { s->append(id, edit("on the dead connection"), 2); }, ErrorKind::kUnavailable);
  auto r = s->append(id, edit("after the restart"), 2);  // the same object reconnects
  BOOST_TEST(r.head.seq == 3u);
  auto events = read_all(*s, id);
  BOOST_TEST_REQUIRE(events.size() == 3u);
  BOOST_TEST(events[1].hash == acked.head.hash);
  BOOST_TEST(std::get<HumanInputUpdated>(events[2].data).input == "after the restart");
  BOOST_TEST(s->verify(id).ok());
}

BOOST_AUTO_TEST_CASE(a_connection_dropped_during_an_append_is_unavailable_and_stores_nothing) {
  const std::string app = unique_id("dropped");
  auto s = named_store(app);
  const std::string id = unique_id("drop");
  s->append(id, created(), 0);
  Sql holder, killer;
  hold_row(holder, id, 2);
  std::thread t([&] {
    killer.wait_until_waiting(app);
    killer.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", {Param(app)});
  });
  expect_kind([&] { s->append(id, {HumanInputUpdated{"one"}, HumanInputUpdated{"two"}}, 1); },
              ErrorKind::kUnavailable);
  t.join();
  holder.exec("ROLLBACK");
  BOOST_TEST(killer.count(id) == 1);  // nothing of the batch
  auto r = s->append(id, edit("next"), 1);  // reconnects
  BOOST_TEST(r.head.seq == 2u);
  BOOST_TEST(s->verify(id).ok());
  // An idle connection terminated: the next call says so, the one after works.
  killer.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", {Param(app)});
  ::usleep(100000);
  expect_kind([&] { s->append(id, edit("x"), 2); }, ErrorKind::kUnavailable);
  BOOST_TEST(s->append(id, edit("y"), 2).head.seq == 3u);
}

BOOST_AUTO_TEST_CASE(a_statement_timeout_is_timeout_and_stores_nothing) {
  const std::string app = unique_id("timeout");
  auto s = named_store(app, "&options=-c%20statement_timeout%3D300");
  const std::string id = unique_id("slow");
  s->append(id, created(), 0);
  Sql holder;
  hold_row(holder, id, 2);
  expect_kind([&] { s->append(id, edit("waits for the lock"), 1); }, ErrorKind::kTimeout);
  holder.exec("ROLLBACK");
  BOOST_TEST(holder.count(id) == 1);
  auto r = s->append(id, edit("now"), 1);  // same object, same connection
  BOOST_TEST(r.head.seq == 2u);
  BOOST_TEST(s->verify(id).ok());
}

BOOST_AUTO_TEST_CASE(a_client_killed_between_its_insert_and_commit_leaves_nothing_half_written) {
  const std::string app = unique_id("killed");
  const std::string id = unique_id("kill");
  auto s = open_store();
  s->append(id, created(), 0);
  auto acked = s->append(id, edit("acknowledged"), 1);
  Sql holder;
  hold_row(holder, id, 4);  // the child inserts seq 3, then waits at seq 4, before COMMIT
  pid_t child = ::fork();
  BOOST_TEST_REQUIRE(child >= 0);
  if (child == 0) {
    try {
      auto mine = detail::open_postgresql_store("postgresql://?application_name=" + app, options());
      mine->append(id, {HumanInputUpdated{"three"}, HumanInputUpdated{"four"}}, 2);
    } catch (...) {
    }
    ::_exit(0);
  }
  Sql watcher;
  watcher.wait_until_waiting(app);
  // The child's seq 3 is inserted (in its transaction), seq 4 is waiting.
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  BOOST_TEST(WIFSIGNALED(status));
  holder.exec("ROLLBACK");
  BOOST_TEST(watcher.count(id) == 2);
  auto events = read_all(*s, id);
  BOOST_TEST_REQUIRE(events.size() == 2u);
  BOOST_TEST(events[1].hash == acked.head.hash);
  BOOST_TEST(s->append(id, edit("three, by the survivor"), 2).head.seq == 3u);
  BOOST_TEST(s->verify(id).ok());
}

BOOST_AUTO_TEST_SUITE_END()
