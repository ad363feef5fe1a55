// Sessions on PostgreSQL as their users meet them (issue 16, "Done when"):
// a SessionManager in another process (standing in for another machine)
// sees every event through the server, time travel and audit work there,
// pjournal copy moves a session file -> PostgreSQL -> file byte-exact with
// the same head hash in verify, and follow wakes on NOTIFY, not by polling.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "pg_fixture.h"
#include "promptjournal/history.h"
#include "promptjournal/session_manager.h"
#include "test_util.h"

using namespace promptjournal;
namespace json = boost::json;

namespace {

struct Run {
  int rc = -1;
  std::string out, err;
};

// Runs pjournal with ARGS through the shell (the libpq environment of
// pg_virtualenv is inherited).
Run pjournal(const std::string& args, const pjtest::TempDir& dir) {
  const std::string errf = dir / "stderr.txt";
  const std::string cmd = std::string(PJOURNAL_BIN) + " " + args + " 2>'" + errf + "'";
  Run r;
  FILE* p = ::popen(cmd.c_str(), "r");
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
  const int status = ::pclose(p);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = pjtest::read_file(errf);
  return r;
}

Run must(const std::string& args, const pjtest::TempDir& dir) {
  Run r = pjournal(args, dir);
  BOOST_REQUIRE_MESSAGE(r.rc == 0, "pjournal " + args + " exited " + std::to_string(r.rc) + ": " + r.err);
  return r;
}

std::string head_hash_of(const std::string& verify_json) {
  return std::string(json::parse(verify_json).as_array().at(0).at("head_hash").as_string());
}

ManagerOptions manager_options() {
  ManagerOptions o;
  o.snapshot_every = 2;  // snapshots in the store, too
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pg_manager)

BOOST_AUTO_TEST_CASE(a_manager_in_another_process_sees_every_event_with_time_travel_and_audit) {
  pgtest::require_server_environment();
  const std::string id = pgtest::unique_id("machines");
  // "Machine A": a child process with its own connection writes the flow.
  const pid_t child = ::fork();
  BOOST_REQUIRE(child >= 0);
  if (child == 0) {
    int rc = 0;
    try {
      SessionManager a("postgresql://", manager_options());
      Config c;
      c.set("model_name", "gpt-4o");
      c.set("model_api_key", "sk-secret");
      auto s = a.create_session(id, "classify reviews", c);
      s->update_optimized_prompt("You are a classifier.");
      s->add_feedback(Feedback("f1", "classifier", 11, 21, "say sentiment", std::nullopt, "2026-12-02T10:00:00"));
      s->update_optimized_prompt("You are a sentiment classifier.", {"f1"});
      s->update_human_input("classify reviews by sentiment");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "child: %s\n", e.what());
      rc = 1;
    }
    ::_exit(rc);
  }
  int status = 0;
  BOOST_REQUIRE(::waitpid(child, &status, 0) == child);
  BOOST_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  // "Machine B": a manager of this process.
  SessionManager b("postgresql://", manager_options());
  auto s = b.get_session(id);
  BOOST_REQUIRE(s);
  BOOST_TEST(s->version() == 5u);
  BOOST_TEST(s->latest_optimized_prompt().value() == "You are a sentiment classifier.");
  BOOST_TEST(s->latest_human_feedback().size() == 1u);
  BOOST_TEST(s->config().get("model_api_key")->as_string() == "[REDACTED]");  // never on the server
  BOOST_TEST(b.state_at(id, 2).latest_optimized_prompt.value() == "You are a classifier.");
  BOOST_TEST(b.state_at(id, 4).updated_human_input == "classify reviews");
  const auto ids = b.list_session_ids();
  BOOST_TEST((std::find(ids.begin(), ids.end(), id) != ids.end()));
  auto audit = audit_session(b, id);
  BOOST_TEST(audit.integrity.ok());
  BOOST_TEST(audit.integrity.events == 5u);
  BOOST_TEST(audit.history.optimized_prompt.size() == 2u);
  BOOST_TEST(audit.optimized_prompt_diffs.size() == 1u);

  // B writes; a third process sees it, and an object of B's that is behind
  // gets a conflict instead of overwriting.
  SessionManager c("postgresql://", manager_options());
  auto stale = c.get_session(id);
  s->update_optimized_prompt("You are a careful sentiment classifier.");
  try {
    stale->update_optimized_prompt("a decision made on an old state");
    BOOST_FAIL("a stale session overwrote a newer prompt");
  } catch (const JournalError& e) {
    BOOST_TEST((e.kind() == ErrorKind::kConflict));
    BOOST_TEST(e.expected_seq() == 5u);
    BOOST_TEST(e.actual_seq() == 6u);
  }
  stale->refresh();
  BOOST_TEST(stale->latest_optimized_prompt().value() == "You are a careful sentiment classifier.");
  BOOST_TEST(c.store().verify(id).ok());
}

BOOST_AUTO_TEST_CASE(pjournal_copies_file_to_postgresql_and_back_byte_exact_with_one_head_hash) {
  pgtest::require_server_environment();
  pjtest::TempDir dir;
  const std::string id = pgtest::unique_id("copied");
  const std::string a = dir / "a", back = dir / "back";
  must("--root '" + a + "' create " + id + " --input 'Classify reviews.'", dir);
  must("--root '" + a + "' set-prompt " + id + " --text 'You are a classifier.'", dir);
  must("--root '" + a + "' feedback " + id + " --text classifier --start 10 --end 20 --feedback 'sentiment'", dir);
  must("--root '" + a + "' set-prompt " + id + " --text 'You are a sentiment classifier.'", dir);
  const std::string file_head = head_hash_of(must("--root '" + a + "' --json verify " + id, dir).out);

  Run up = must("--root '" + a + "' --json copy " + id + " --to postgresql://", dir);
  BOOST_TEST(json::parse(up.out).as_array().at(0).at("copied").as_int64() == 4);
  BOOST_TEST(head_hash_of(must("--root postgresql:// --json verify " + id, dir).out) == file_head);
  // Everything reads the same from the server.
  Run show = must("--root postgresql:// --json show " + id + " --at 2", dir);
  BOOST_TEST(json::parse(show.out).at("latest_optimized_prompt").as_string() == "You are a classifier.");
  Run audit = must("--root postgresql:// audit " + id, dir);
  BOOST_TEST(audit.out.find("Integrity: OK") != std::string::npos, audit.out);
  BOOST_TEST(audit.out.find("Optimized prompt (2 versions)") != std::string::npos, audit.out);
  // Resumed: a second copy has nothing to do.
  Run again = must("--root '" + a + "' --json copy " + id + " --to postgresql://", dir);
  BOOST_TEST(json::parse(again.out).as_array().at(0).at("already_there").as_int64() == 4);
  // And back to a folder: the very same bytes.
  must("--root postgresql:// copy " + id + " --to '" + back + "'", dir);
  BOOST_TEST(pjtest::read_file(a + "/" + id + "/events.jsonl") == pjtest::read_file(back + "/" + id + "/events.jsonl"));
  // Writes through pjournal on the server.
  must("--root postgresql:// set-prompt " + id + " --text 'v3' --expect-seq 4", dir);
  Run conflict = pjournal("--root postgresql:// set-prompt " + id + " --text 'v3b' --expect-seq 4", dir);
  BOOST_TEST(conflict.rc == 3);
}

BOOST_AUTO_TEST_CASE(follow_prints_an_event_when_it_is_committed_through_notify_not_by_polling) {
  pgtest::require_server_environment();
  pjtest::TempDir dir;
  const std::string id = pgtest::unique_id("followed");
  SessionManager m("postgresql://", manager_options());
  auto s = m.create_session(id, "input", Config{});
  const std::string out = dir / "follow.out", err = dir / "follow.err";
  // An interval of 60 s: a follower that polled would print nothing within
  // the 20 s this test waits.
  const pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    const std::string cmd = std::string("exec ") + PJOURNAL_BIN + " --root postgresql:// follow " + id +
                            " --interval 60000 >'" + out + "' 2>'" + err + "'";
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  auto wait_for = [](const std::string& file, const std::string& text, std::chrono::seconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      try {
        if (pjtest::read_file(file).find(text) != std::string::npos) return true;
      } catch (const std::runtime_error&) {
        // not created yet
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  };
  BOOST_REQUIRE_MESSAGE(wait_for(err, "following", std::chrono::seconds(20)), "follow did not start");
  const auto t0 = std::chrono::steady_clock::now();
  s->update_optimized_prompt("a prompt the follower must print at once");
  const bool printed = wait_for(out, "a prompt the follower must print at once", std::chrono::seconds(20));
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  BOOST_TEST(printed, "follow printed nothing within 20 s; stderr: " + pjtest::read_file(err));
  BOOST_TEST_MESSAGE("follow printed the event " << waited.count() << " ms after the commit");
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
