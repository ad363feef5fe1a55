#include "promptjournal/event_log.h"

#include <fstream>
#include <iterator>

#include <boost/test/unit_test.hpp>

#include "test_util.h"

using namespace promptjournal;

namespace {

struct EventLogFixture {
  pjtest::TempDir root;
  SessionManager manager{root.path(), [] {
                           ManagerOptions o;
                           o.journal.durability = Durability::kNone;
                           return o;
                         }()};

  std::string journal_path(const std::string& id) { return root.path() + "/" + id + "/events.jsonl"; }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(event_log, EventLogFixture)

BOOST_AUTO_TEST_CASE(read_events_returns_every_event_in_order_from_a_seq) {
  auto s = manager.create_session("s", "in", Config());
  s->update_optimized_prompt("p1");
  s->update_human_input("in2");
  auto all = read_events(manager, "s");
  BOOST_TEST(all.size() == 3u);
  BOOST_TEST(all[0].type() == "session_created");
  BOOST_TEST(all[2].seq == 3u);
  BOOST_TEST(all[2].prev == all[1].hash);
  auto tail = read_events(manager, "s", 2);
  BOOST_TEST(tail.size() == 2u);
  BOOST_TEST(tail[0].seq == 2u);
  BOOST_TEST(read_events(manager, "s", 4).empty());
}

BOOST_AUTO_TEST_CASE(read_events_throws_not_found_for_an_id_without_events) {
  BOOST_CHECK_EXCEPTION(read_events(manager, "missing"), JournalError,
                        [](const JournalError& e) { return e.kind() == ErrorKind::kNotFound; });
  BOOST_CHECK_EXCEPTION(read_events(manager, "../x"), JournalError,
                        [](const JournalError& e) { return e.kind() == ErrorKind::kInvalidSessionId; });
}

BOOST_AUTO_TEST_CASE(read_events_throws_corrupt_naming_the_line_of_an_edited_event) {
  auto s = manager.create_session("s", "in", Config());
  s->update_optimized_prompt("first");
  s->update_optimized_prompt("second");
  std::string text;
  {
    std::ifstream in(journal_path("s"));
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  text.replace(text.find("first"), 5, "FIRST");
  std::ofstream(journal_path("s"), std::ios::trunc) << text;
  SessionManager fresh(root.path());
  BOOST_CHECK_EXCEPTION(read_events(fresh, "s"), JournalError, [](const JournalError& e) {
    return e.kind() == ErrorKind::kCorrupt && e.where().line == std::optional<std::uint64_t>(2);
  });
}

BOOST_AUTO_TEST_SUITE_END()
