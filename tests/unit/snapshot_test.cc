#include "promptjournal/snapshot.h"

#include <filesystem>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "promptjournal/session_manager.h"
#include "promptjournal/verify.h"
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
  // Snapshots exist and are used first: else deleting them proves nothing.
  BOOST_REQUIRE((snapshots() == std::vector<std::uint64_t>{10, 20}));
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
  BOOST_TEST(m.snapshot_problems()[0].reason.find("sha256 mismatch") != std::string::npos);
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

BOOST_AUTO_TEST_CASE(opening_removes_a_dead_writers_snapshot_temp_but_not_a_live_one) {
  write(3);
  auto fs = default_file_system();
  const std::string live = dir() + "/snapshot-00000000000000000004.json.aaaaaaaa.tmp";
  const std::string dead = dir() + "/snapshot-00000000000000000004.json.bbbbbbbb.tmp";
  auto writer = fs->create_exclusive(live);
  writer->lock();  // a writer between its create and its rename
  fs->create_exclusive(dead)->append("{", 1);  // closed unlocked: its writer died
  {
    SessionManager m(root.path(), opt);
    BOOST_REQUIRE(m.get_session("s"));
  }
  BOOST_TEST(fs->exists(live), "a temp file a live writer holds was removed");
  BOOST_TEST(!fs->exists(dead), "an abandoned temp file survived the open");
  writer.reset();
  {
    SessionManager m(root.path(), opt);
    BOOST_REQUIRE(m.get_session("s"));
  }
  BOOST_TEST(!fs->exists(live), "a temp file survived its writer");
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

namespace {

// Counts the bytes written into new files (snapshot temps) through the seam.
class CountingFs final : public FileSystem {
 public:
  std::uint64_t created = 0, created_bytes = 0;
  std::unique_ptr<File> open_append(const std::string& p, bool c) override { return base_->open_append(p, c); }
  std::unique_ptr<File> open_read(const std::string& p) override { return base_->open_read(p); }
  std::unique_ptr<File> create_exclusive(const std::string& p) override {
    ++created;
    return std::make_unique<Counted>(base_->create_exclusive(p), this);
  }
  bool make_dir(const std::string& p) override { return base_->make_dir(p); }
  void sync_dir(const std::string& p) override { base_->sync_dir(p); }
  void rename(const std::string& f, const std::string& t) override { base_->rename(f, t); }
  void remove(const std::string& p) override { base_->remove(p); }
  bool exists(const std::string& p) override { return base_->exists(p); }
  bool is_dir(const std::string& p) override { return base_->is_dir(p); }
  std::vector<std::string> list_dir(const std::string& p) override { return base_->list_dir(p); }

 private:
  struct Counted final : File {
    Counted(std::unique_ptr<File> f, CountingFs* fs) : f_(std::move(f)), fs_(fs) {}
    std::size_t read_at(void* b, std::size_t n, std::uint64_t o) override { return f_->read_at(b, n, o); }
    void append(const void* d, std::size_t n) override {
      fs_->created_bytes += n;
      f_->append(d, n);
    }
    void sync() override { f_->sync(); }
    std::uint64_t size() override { return f_->size(); }
    void truncate(std::uint64_t s) override { f_->truncate(s); }
    void lock() override { f_->lock(); }
    void unlock() override { f_->unlock(); }
    std::unique_ptr<File> f_;
    CountingFs* fs_;
  };
  std::shared_ptr<FileSystem> base_ = default_file_system();
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(snapshot_policy, SnapshotFixture)

BOOST_AUTO_TEST_CASE(snapshots_never_cost_more_bytes_than_the_appends_they_follow) {
  // Feedback accumulates in the state, so a snapshot every 10 events would
  // rewrite the whole growing state each time (quadratic, like the original
  // design). Snapshots are due only once the journal grew by their size.
  auto fs = std::make_shared<CountingFs>();
  opt.journal.fs = fs;
  {
    SessionManager m(root.path(), opt);
    auto s = m.create_session("s", "start", Config());
    for (int i = 0; i < 1500; ++i)
      s->add_feedback(Feedback("span", 0, 4, std::string(400, 'a' + i % 26) + std::to_string(i)));
  }
  std::uint64_t journal = pjtest::read_file(root / "s/events.jsonl").size();
  BOOST_TEST_MESSAGE("snapshots written: " << fs->created << ", " << fs->created_bytes << " bytes for a "
                                           << journal << "-byte journal");
  BOOST_TEST(fs->created >= 3u);                      // snapshots still happen...
  BOOST_TEST(fs->created_bytes <= 2 * journal);       // ...but cost at most the appends
  // The state opened from the newest snapshot equals a full replay.
  const std::string from_snapshot = head_dict();
  for (auto seq : snapshots()) std::filesystem::remove(snapshot_path(dir(), seq));
  opt.snapshot_every = 0;
  BOOST_TEST(from_snapshot == head_dict());
}

BOOST_AUTO_TEST_CASE(with_a_small_state_snapshots_follow_the_event_count) {
  write(95);  // 96 events, a few hundred bytes of state
  auto seqs = snapshots();
  BOOST_REQUIRE(!seqs.empty());
  BOOST_TEST(seqs.back() == 90u);
}

BOOST_AUTO_TEST_CASE(the_snapshot_checksum_covers_its_metadata_too) {
  write(14);
  std::string truth = head_dict();
  std::string text = pjtest::read_file(snapshot_path(dir(), 10));
  auto at = text.find("\"at\":\"", text.find(kSnapshotKey));
  BOOST_REQUIRE(at != std::string::npos);
  text[at + 6] = text[at + 6] == '1' ? '2' : '1';  // the year of the metadata's at
  pjtest::write_file(snapshot_path(dir(), 10), text);
  SessionManager m(root.path(), opt);
  BOOST_TEST(json::serialize(m.get_session("s")->to_dict()) == truth);
  BOOST_REQUIRE(m.snapshot_problems().size() == 1u);
  BOOST_TEST(m.snapshot_problems()[0].reason.find("sha256 mismatch") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_format_1_snapshot_is_ignored_as_stale_and_replaced) {
  // An earlier build wrote format 1 (body_sha256 over the to_dict part only)
  // and could hold a double one unit in the last place off: here 0.7 became
  // 0.7000000000000001. Readers must not take its state.
  {
    SessionManager m(root.path(), opt);
    Config c;
    c.set("temperature", 0.7);
    auto s = m.create_session("s", "start", c);
    for (int i = 1; i <= 4; ++i) s->update_optimized_prompt("version " + std::to_string(i));
  }
  const std::string truth = head_dict();
  auto loaded = load_snapshot(*default_file_system(), SessionManager(root.path(), opt).snapshot("s"),
                              dir() + "/events.jsonl");
  std::string text = encode_snapshot(loaded.state, loaded.position);
  std::string body = text.substr(0, text.find(",\"" + std::string(kSnapshotKey) + "\":"));
  const std::string exact = "\"temperature\":7E-1";
  auto t = body.find(exact);
  BOOST_REQUIRE(t != std::string::npos);
  body.replace(t, exact.size(), "\"temperature\":7.000000000000001E-1");
  json::object meta{{"format", 1}, {"seq", loaded.position.seq}, {"hash", loaded.position.hash},
                    {"offset", loaded.position.offset}, {"at", loaded.position.at},
                    {"body_sha256", pjtest::sha256_hex_of(body)}};
  const std::string old = snapshot_path(dir(), loaded.position.seq);
  pjtest::write_file(old, body + ",\"" + std::string(kSnapshotKey) + "\":" + json::serialize(meta) + "}\n");

  SessionManager m(root.path(), opt);
  BOOST_TEST(json::serialize(m.get_session("s")->to_dict()) == truth);  // 0.7, from the journal
  BOOST_REQUIRE(m.snapshot_problems().size() == 1u);
  BOOST_TEST(m.snapshot_problems()[0].reason.find("format 1") != std::string::npos);
  auto report = verify_session(root.path(), "s");
  BOOST_TEST(report.ok());  // stale, not a fault
  BOOST_REQUIRE(report.problems.size() == 1u);
  BOOST_TEST((report.problems[0].kind == VerifyProblem::Kind::kStaleSnapshot));
  m.snapshot("s");  // the next snapshot replaces it
  BOOST_TEST(pjtest::read_file(old).find("\"format\":2") != std::string::npos);
  BOOST_TEST(verify_session(root.path(), "s").problems.empty());
}

BOOST_AUTO_TEST_SUITE_END()
