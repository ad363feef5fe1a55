// The storage seam: sessions, history, audit, time travel and copy written
// against EventStore work the same on the file journal and on a third
// backend (an in-memory store in memory_store.h, written only against the
// public seam and the shared chain code).
#include "promptjournal/copy.h"
#include "promptjournal/event_store.h"
#include "promptjournal/history.h"
#include "promptjournal/session_manager.h"

#include <boost/test/unit_test.hpp>

#include "memory_store.h"
#include "test_util.h"

using namespace promptjournal;

namespace {

ManagerOptions quiet() {
  ManagerOptions o;
  o.journal.durability = Durability::kNone;
  o.snapshot_every = 3;
  return o;
}

// The promptomatix flow every backend must serve the same way.
void run_flow(SessionManager& m) {
  Config c;
  c.set("model_name", "gpt-4o");
  auto s = m.create_session("s1", "write a haiku", c);
  s->update_optimized_prompt("Write a haiku about autumn.");
  s->add_feedback(Feedback("f1", "haiku", 8, 13, "more vivid", std::nullopt, "2026-12-02T10:00:00"));
  s->update_optimized_prompt("Write a vivid haiku about autumn.", {"f1"});
  s->update_human_input("write a vivid haiku");
  for (int i = 0; i < 5; ++i) s->add_individual_feedback(boost::json::value(i));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(event_store)

BOOST_AUTO_TEST_CASE(a_third_backend_serves_sessions_history_time_travel_and_audit_unchanged) {
  auto mem = std::make_shared<pjtest::MemoryEventStore>();
  SessionManager m(mem, quiet());
  run_flow(m);
  BOOST_TEST(mem->appends == 10);
  BOOST_TEST(mem->lines("s1").size() == 10u);
  // A second manager on the same store sees everything (the store, not the
  // manager, holds the sessions), and opens from a snapshot.
  SessionManager other(mem, quiet());
  auto s = other.get_session("s1");
  BOOST_REQUIRE(s);
  BOOST_TEST(s->version() == 10u);
  BOOST_TEST(mem->snapshot_loads >= 1);
  BOOST_TEST(*s->latest_optimized_prompt() == "Write a vivid haiku about autumn.");
  BOOST_TEST(other.state_at("s1", 2).latest_optimized_prompt.value() == "Write a haiku about autumn.");
  BOOST_TEST(other.list_session_ids() == std::vector<std::string>{"s1"});
  auto audit = audit_session(other, "s1");
  BOOST_TEST(audit.integrity.ok());
  BOOST_TEST(audit.history.optimized_prompt.size() == 2u);
  BOOST_TEST(audit.info.events == 10u);
  // Damage in the store is found by the chain code above the seam.
  auto lines = mem->lines("s1");
  std::string changed = lines[3];
  changed.replace(changed.find("vivid"), 5, "VIVID");
  mem->set_line("s1", 3, changed);
  BOOST_TEST(!other.store().verify("s1").ok());
  BOOST_CHECK_THROW(SessionManager(mem, quiet()).state_at("s1", 5), JournalError);
}

BOOST_AUTO_TEST_CASE(copy_is_byte_exact_between_backends_and_keeps_the_head_hash) {
  pjtest::TempDir a, b;
  SessionManager files(a.path(), quiet());
  run_flow(files);
  auto mem = std::make_shared<pjtest::MemoryEventStore>();
  auto r1 = copy_session(files.store(), *mem, "s1");
  BOOST_TEST(r1.copied == 10u);
  BOOST_TEST(r1.head.hash == files.store().verify("s1").head.hash);
  auto back = open_event_store(b.path(), quiet());
  auto r2 = copy_session(*mem, *back, "s1");
  BOOST_TEST(r2.head.hash == r1.head.hash);
  BOOST_TEST(r2.head.offset == r1.head.offset);
  // file -> memory -> file: the very same bytes.
  BOOST_TEST(pjtest::read_file(a / "s1/events.jsonl") == pjtest::read_file(b / "s1/events.jsonl"));
  BOOST_TEST(back->verify("s1").ok());
  // Sessions opened from the copy hold the same state.
  SessionManager copy(back, quiet());
  BOOST_TEST(copy.get_session("s1")->to_dict() == files.get_session("s1")->to_dict());
}

BOOST_AUTO_TEST_CASE(a_copy_cut_short_resumes_where_it_stopped) {
  pjtest::TempDir a, b;
  SessionManager files(a.path(), quiet());
  run_flow(files);
  auto dst = open_event_store(b.path(), quiet());
  CopyOptions cut;
  cut.batch = 3;
  cut.progress = [](std::uint64_t seq) {
    if (seq >= 6) throw std::runtime_error("interrupted");
  };
  BOOST_CHECK_THROW(copy_session(files.store(), *dst, "s1", cut), std::runtime_error);
  BOOST_TEST(dst->verify("s1").events == 6u);
  auto r = copy_session(files.store(), *dst, "s1", CopyOptions{2, {}});
  BOOST_TEST(r.already_there == 6u);
  BOOST_TEST(r.copied == 4u);
  BOOST_TEST(pjtest::read_file(a / "s1/events.jsonl") == pjtest::read_file(b / "s1/events.jsonl"));
  // Again: nothing left to do.
  auto again = copy_session(files.store(), *dst, "s1");
  BOOST_TEST(again.copied == 0u);
  BOOST_TEST(again.head.hash == r.head.hash);
}

BOOST_AUTO_TEST_CASE(a_copy_onto_another_history_writes_nothing) {
  pjtest::TempDir a, b;
  SessionManager files(a.path(), quiet());
  run_flow(files);
  SessionManager other(b.path(), quiet());
  other.create_session("s1", "another input", Config{});
  const std::string before = pjtest::read_file(b / "s1/events.jsonl");
  try {
    copy_session(files.store(), other.store(), "s1");
    BOOST_FAIL("copied onto another history");
  } catch (const JournalError& e) {
    BOOST_TEST((e.kind() == ErrorKind::kAlreadyExists));
  }
  BOOST_TEST(pjtest::read_file(b / "s1/events.jsonl") == before);
  BOOST_CHECK_THROW(copy_session(files.store(), other.store(), "nope"), JournalError);
}

BOOST_AUTO_TEST_CASE(locations_name_their_backend) {
  pjtest::TempDir a;
  auto by_url = open_event_store("file://" + a.path() + "/x", quiet());
  BOOST_TEST(by_url->describe() == a.path() + "/x");
  SessionManager m("file://" + a.path() + "/x", quiet());
  m.create_session("s", "in", Config{});
  BOOST_TEST(pjtest::read_lines(a / "x/s/events.jsonl").size() == 1u);
  BOOST_TEST(is_postgresql_location("postgresql://h/db"));
  BOOST_TEST(is_postgresql_location("postgres://"));
  BOOST_TEST(!is_postgresql_location(a.path()));
  try {
    open_event_store("mysql://h/db", quiet());
    BOOST_FAIL("an unknown scheme was taken for a folder");
  } catch (const JournalError& e) {
    BOOST_TEST((e.kind() == ErrorKind::kInvalidArgument));
  }
  BOOST_CHECK_THROW(open_event_store("", quiet()), JournalError);
  BOOST_CHECK_THROW(SessionManager(std::shared_ptr<EventStore>{}, quiet()), JournalError);
  // SessionManager::journal is the file backend's; another store says so.
  SessionManager mem(std::make_shared<pjtest::MemoryEventStore>(), quiet());
  BOOST_CHECK_THROW(mem.journal("s"), JournalError);
}

BOOST_AUTO_TEST_SUITE_END()
