#include "promptjournal/snapshot.h"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "promptjournal/session_manager.h"
#include "test_util.h"

using namespace promptjournal;
namespace json = boost::json;

namespace {

struct SnapshotFixture {
  pjtest::TempDir root;
  ManagerOptions opt;

  SnapshotFixture() {
    opt.journal.durability = Durability::kNone;
    opt.snapshot_every = 10;
  }
  // Session "s" with 1 + n events.
  void write(int n) {
    SessionManager m(root.path(), opt);
    auto s = m.create_session("s", "start", Config());
    for (int i = 1; i <= n; ++i) s->update_optimized_prompt("version " + std::to_string(i));
  }
  std::string dir() const { return root / "s"; }
  std::vector<std::uint64_t> snapshots() { return list_snapshots(*default_file_system(), dir()); }
  std::string head_dict() {
    SessionManager m(root.path(), opt);
    return json::serialize(m.get_session("s")->to_dict());
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(snapshot, SnapshotFixture)

BOOST_AUTO_TEST_CASE(a_snapshot_is_written_every_n_events_and_old_ones_pruned) {
  write(34);  // 35 events: snapshots at 10, 20, 30; two are kept
  BOOST_TEST((snapshots() == std::vector<std::uint64_t>{20, 30}));
}

BOOST_AUTO_TEST_CASE(a_snapshot_is_the_to_dict_document_plus_one_key) {
  write(9);
  auto doc = pjtest::read_json(snapshot_path(dir(), 10)).as_object();
  auto meta = doc.at(kSnapshotKey).as_object();
  BOOST_TEST(meta.at("seq").as_int64() == 10);
  BOOST_TEST(meta.at("offset").as_int64() == static_cast<std::int64_t>(pjtest::read_file(dir() + "/events.jsonl").size()));
  doc.erase(kSnapshotKey);
  SessionManager m(root.path(), opt);
  BOOST_TEST(json::serialize(doc) == json::serialize(m.get_session("s")->to_dict()));
}

BOOST_AUTO_TEST_CASE(opening_reads_the_snapshot_and_only_the_tail) {
  write(14);
  // Plant a recognisable value in the snapshot body (the anchor stays valid):
  // if opening replayed the whole history, it would not show.
  auto loaded = load_snapshot(*default_file_system(), snapshot_path(dir(), 10), dir() + "/events.jsonl");
  loaded.state.initial_human_input = "from the snapshot";
  pjtest::write_file(snapshot_path(dir(), 10), encode_snapshot(loaded.state, loaded.position));
  SessionManager m(root.path(), opt);
  auto s = m.get_session("s");
  BOOST_TEST(s->initial_human_input() == "from the snapshot");
  BOOST_TEST(*s->latest_optimized_prompt() == "version 14");  // from the tail
  BOOST_TEST(s->version() == 15u);
}

BOOST_AUTO_TEST_CASE(deleting_every_snapshot_changes_no_result) {
  write(25);
  std::string with = head_dict();
  for (auto seq : snapshots()) std::remove(snapshot_path(dir(), seq).c_str());
  BOOST_TEST(snapshots().empty());
  BOOST_TEST(head_dict() == with);
}

BOOST_AUTO_TEST_CASE(a_snapshot_that_disagrees_with_the_journal_is_ignored_and_reported) {
  write(14);
  std::string truth = head_dict();
  // A well-sealed snapshot whose anchor names a hash the journal does not have.
  auto loaded = load_snapshot(*default_file_system(), snapshot_path(dir(), 10), dir() + "/events.jsonl");
  loaded.state.initial_human_input = "lies";
  loaded.position.hash = std::string(64, 'a');
  pjtest::write_file(snapshot_path(dir(), 10), encode_snapshot(loaded.state, loaded.position));
  SessionManager m(root.path(), opt);
  BOOST_TEST(json::serialize(m.get_session("s")->to_dict()) == truth);
  auto problems = m.snapshot_problems();
  BOOST_REQUIRE(problems.size() == 1u);
  BOOST_TEST(problems[0].path == snapshot_path(dir(), 10));
  BOOST_TEST(problems[0].reason.find("disagrees with the journal") != std::string::npos, problems[0].reason);
}

BOOST_AUTO_TEST_CASE(a_snapshot_whose_event_line_is_damaged_before_its_last_bytes_is_ignored) {
  // After a power loss without fsync the snapshot may be on disk while the
  // sectors of the journal line it stands on hold zeros, all but the last
  // one. Its last bytes (<hash>"}\n) are intact; the line as a whole is not.
  write(12);
  const std::string journal = dir() + "/events.jsonl";
  std::string text = pjtest::read_file(journal);
  auto loaded = load_snapshot(*default_file_system(), snapshot_path(dir(), 10), journal);
  const std::size_t end = loaded.position.offset;
  const std::size_t start = text.rfind('\n', end - 2) + 1;
  std::fill(text.begin() + start, text.begin() + (end - 80), '\0');  // event 10, all but its last 80 bytes
  text.resize(end);                                                     // events 11 and 12 lost
  pjtest::write_file(journal, text);
  BOOST_CHECK_THROW(load_snapshot(*default_file_system(), snapshot_path(dir(), 10), journal), JournalError);
  SessionManager m(root.path(), opt);
  auto s = m.get_session("s");
  BOOST_TEST(s->position().seq == 9u);  // a full replay: event 10 is a damaged tail
  BOOST_REQUIRE(m.snapshot_problems().size() == 1u);
  BOOST_TEST(m.snapshot_problems()[0].reason.find("disagrees with the journal") != std::string::npos);
  s->update_optimized_prompt("after the power loss");  // cuts the damaged tail, appends seq 10
  BOOST_TEST(s->position().seq == 10u);
}

BOOST_AUTO_TEST_CASE(a_snapshot_edited_inside_its_body_is_ignored_and_reported) {
  write(14);
  std::string truth = head_dict();
  std::string text = pjtest::read_file(snapshot_path(dir(), 10));
  text.replace(text.find("version 9"), 9, "version X");
  pjtest::write_file(snapshot_path(dir(), 10), text);
  SessionManager m(root.path(), opt);
  BOOST_TEST(json::serialize(m.get_session("s")->to_dict()) == truth);
  BOOST_REQUIRE(m.snapshot_problems().size() == 1u);
  BOOST_TEST(m.snapshot_problems()[0].reason.find("body_sha256") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_truncated_snapshot_is_ignored) {
  write(14);
  std::string truth = head_dict();
  std::string text = pjtest::read_file(snapshot_path(dir(), 10));
  pjtest::write_file(snapshot_path(dir(), 10), text.substr(0, text.size() / 2));
  SessionManager m(root.path(), opt);
  BOOST_TEST(json::serialize(m.get_session("s")->to_dict()) == truth);
  BOOST_TEST(m.snapshot_problems().size() == 1u);
}

BOOST_AUTO_TEST_CASE(snapshot_on_demand_stands_at_the_head_and_leaves_no_temp_file) {
  write(3);
  SessionManager m(root.path(), opt);
  std::string path = m.snapshot("s");
  BOOST_TEST(path == snapshot_path(dir(), 4));
  for (const auto& name : default_file_system()->list_dir(dir()))
    BOOST_TEST(name.find(".tmp") == std::string::npos, name);
}

BOOST_AUTO_TEST_CASE(time_travel_uses_a_snapshot_at_or_before_the_seq) {
  write(24);
  SessionManager m(root.path(), opt);
  BOOST_TEST(*m.state_at("s", 15).latest_optimized_prompt == "version 14");
  BOOST_TEST(*m.state_at("s", 20).latest_optimized_prompt == "version 19");
  BOOST_TEST(!m.state_at("s", 1).latest_optimized_prompt.has_value());
  BOOST_CHECK_THROW(m.state_at("s", 26), JournalError);
}

BOOST_AUTO_TEST_SUITE_END()
