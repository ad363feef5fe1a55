// Issue 14: damage before a snapshot, line numbers after one, a first line
// that is a changed event, and the sequence rules of reading (docs/FORMAT.md,
// "Reading a journal" and "Opening, reading and writing a journal with damage").
//
// Each damage is made to a session of five events with a valid snapshot at
// seq 5, so that opening it reads nothing before the snapshot: verify must
// call it corrupt, and no writer (an append, a session's update, a snapshot)
// may extend it or write over it.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <functional>

#include "promptjournal/session_manager.h"
#include "promptjournal/snapshot.h"
#include "reliability_util.h"
#include "test_util.h"

using namespace promptjournal;

namespace {

// ,"hash":" + 64 hex + "} at the end of every line (without its '\n').
constexpr std::size_t kHashSuffix = 75;

std::vector<std::string> lines_of(const std::string& bytes) {
  std::vector<std::string> out;
  std::size_t off = 0;
  for (std::size_t nl; (nl = bytes.find('\n', off)) != std::string::npos; off = nl + 1)
    out.push_back(bytes.substr(off, nl - off));
  return out;
}
std::string join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}
std::string hash_of(const std::string& line) { return line.substr(line.size() - 66, 64); }
// The line with its own hash recomputed (the body as it is).
std::string rehash(const std::string& line) {
  std::string body = line.substr(0, line.size() - kHashSuffix);
  return body + ",\"hash\":\"" + pjtest::sha256_hex_of(body) + "\"}";
}
// Every line from `from` (0-based) given the prev of the line before and a new
// hash: a chain that is valid link by link, as a forger would write it.
void rechain(std::vector<std::string>& lines, std::size_t from) {
  for (std::size_t i = from; i < lines.size(); ++i) {
    std::string body = lines[i].substr(0, lines[i].size() - kHashSuffix);
    const std::string prev = i == 0 ? std::string(kGenesisHash) : hash_of(lines[i - 1]);
    body.replace(body.size() - 65, 64, prev);
    lines[i] = rehash(body + ",\"hash\":\"" + std::string(64, '0') + "\"}");
  }
}

struct Session {
  pjtest::TempDir root;
  std::string dir = root / "s";
  std::string path = root / "s/events.jsonl";
  std::string snapshot;  // the valid snapshot at seq 5
  std::string good;      // the journal's bytes before any damage

  static ManagerOptions options() {
    ManagerOptions o;
    o.journal.durability = Durability::kNone;
    o.snapshot_every = 0;  // only the snapshot made here
    return o;
  }
  // create "v1", then set the input to v2, v3, v4, v5, and a snapshot at 5
  // (the reproduction of the issue).
  Session() {
    SessionManager m(root.path(), options());
    auto s = m.create_session("s", "v1", Config());
    for (int i = 2; i <= 5; ++i) s->update_human_input("v" + std::to_string(i));
    snapshot = m.snapshot("s");
    good = pjtest::read_file(path);
  }
  std::vector<std::string> lines() const { return lines_of(pjtest::read_file(path)); }
  void put(const std::vector<std::string>& lines) { pjtest::write_file(path, join(lines)); }
  // The bytes of every file in the session folder, by name.
  std::map<std::string, std::string> files() const {
    std::map<std::string, std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      out[e.path().filename().string()] = pjtest::read_file(e.path().string());
    return out;
  }
  // verify's single journal problem: corrupt, at a line; returns the line.
  std::uint64_t verify_says_corrupt() const {
    auto rep = verify_session(root.path(), "s");
    BOOST_TEST(!rep.ok());
    const VerifyProblem* p = nullptr;
    for (const auto& q : rep.problems)
      if (q.kind != VerifyProblem::Kind::kSnapshot) p = &q;
    BOOST_REQUIRE(p != nullptr);
    BOOST_TEST((p->kind == VerifyProblem::Kind::kCorrupt), p->reason);
    BOOST_REQUIRE(p->where.line.has_value());
    return *p->where.line;
  }
};

// Runs `write`, which must fail with kCorrupt naming `line`; returns nothing.
void refused(const std::string& what, std::uint64_t line, const std::function<void()>& write) {
  try {
    write();
    BOOST_ERROR(what << ": the write went through");
  } catch (const JournalError& e) {
    BOOST_TEST((e.kind() == ErrorKind::kCorrupt), what << ": " << e.what());
    BOOST_TEST(e.where().line.value_or(0) == line, what << ": " << e.what());
  }
}

// Every writer refuses the damaged journal of `s` and leaves every file as it was.
void no_writer_goes_on(Session& s, const std::string& what) {
  const std::uint64_t line = s.verify_says_corrupt();
  const auto before = s.files();
  {
    // Opening for reading trusts a valid snapshot: the session opens with its
    // state, which is what a reader of a tampered journal sees.
    SessionManager m(s.root.path(), Session::options());
    auto session = m.get_session("s");
    BOOST_REQUIRE(session != nullptr);
    BOOST_TEST(session->version() == 5u);
    BOOST_TEST(session->state().updated_human_input == "v5");
    refused(what + ", update", line, [&] { session->update_human_input("v6"); });
    refused(what + ", add_feedback", line, [&] { session->add_feedback(Feedback("v", 0, 1, "fb")); });
  }
  refused(what + ", snapshot", line, [&] { SessionManager(s.root.path(), Session::options()).snapshot("s"); });
  refused(what + ", append", line, [&] {
    Journal j(s.root.path(), "s");
    j.assume_validated(load_snapshot(*default_file_system(), s.snapshot, s.path).position);
    j.append({pjtest::input("v6")}, 5);
  });
  refused(what + ", create", line, [&] { SessionManager(s.root.path(), Session::options()).create_session("s", "x", Config()); });
  BOOST_TEST((s.files() == before), what << ": a refused write changed the session folder");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(damaged_history)

BOOST_AUTO_TEST_CASE(an_undamaged_session_with_a_snapshot_takes_the_next_event) {
  Session s;
  BOOST_TEST(verify_session(s.root.path(), "s").ok());
  SessionManager m(s.root.path(), Session::options());
  m.get_session("s")->update_human_input("v6");
  BOOST_TEST(verify_session(s.root.path(), "s").events == 6u);
}

BOOST_AUTO_TEST_CASE(no_writer_extends_a_journal_damaged_before_its_snapshot) {
  struct Case {
    const char* what;
    std::function<void(std::vector<std::string>&)> damage;
  };
  const Case cases[] = {
      {"a changed byte in data (v2 -> X2)",
       [](auto& l) { l[1].replace(l[1].find("\"v2\""), 4, "\"X2\""); }},
      {"a flipped byte in hash", [](auto& l) { l[1][l[1].size() - 10] ^= 0x01; }},
      {"a flipped byte in prev", [](auto& l) { l[1][l[1].size() - kHashSuffix - 10] ^= 0x01; }},
      {"two lines swapped", [](auto& l) { std::swap(l[1], l[2]); }},
      {"a 0xFF byte in data", [](auto& l) { l[1][l[1].find("\"v2\"") + 1] = static_cast<char>(0xFF); }},
      // Reordered envelope keys, the line rehashed (its successor's prev then
      // breaks). With the whole chain after it recomputed as well the
      // snapshot no longer matches and the reordering itself must be refused:
      // that is the strict envelope grammar of decode_event_line.
      {"envelope keys reordered, the line rehashed",
       [](auto& l) {
         std::string& x = l[1];
         const std::string v = "{\"v\":1,", seq = "\"seq\":2,";
         BOOST_REQUIRE(x.compare(0, v.size() + seq.size(), v + seq) == 0);
         x = "{" + seq + v.substr(1) + x.substr(v.size() + seq.size());
         x = rehash(x);
       }},
  };
  for (const auto& c : cases) {
    Session s;
    auto l = s.lines();
    BOOST_REQUIRE(l.size() == 5u);
    c.damage(l);
    s.put(l);
    no_writer_goes_on(s, c.what);
  }
}

BOOST_AUTO_TEST_CASE(a_writer_checks_the_whole_history_once_per_handle) {
  Session s;
  Journal j(s.root.path(), "s");
  j.assume_validated(load_snapshot(*default_file_system(), s.snapshot, s.path).position);
  BOOST_TEST(!j.history_checked());
  j.append({pjtest::input("v6")}, 5);
  BOOST_TEST(j.history_checked());
  // Damage now, behind the handle's back, is for verify to find: the handle
  // reads only what was appended since it looked.
  auto l = s.lines();
  l[1].replace(l[1].find("\"v2\""), 4, "\"X2\"");
  s.put(l);
  j.append({pjtest::input("v7")}, 6);
  BOOST_TEST(s.verify_says_corrupt() == 2u);
  // A new handle checks again, and refuses.
  refused("a new handle", 2, [&] { Journal(s.root.path(), "s").append({pjtest::input("v8")}, 7); });
}

BOOST_AUTO_TEST_CASE(a_replay_from_line_one_spares_the_second_read) {
  Session s;
  std::filesystem::remove(s.snapshot);
  SessionManager m(s.root.path(), Session::options());
  auto session = m.get_session("s");
  BOOST_TEST(m.journal("s")->history_checked());
  session->update_human_input("v6");
}

BOOST_AUTO_TEST_CASE(errors_after_a_snapshot_name_the_true_line) {
  Session s;
  auto l = s.lines();
  l.push_back(l.back());  // the last line twice: seq 5 where 6 is expected, at line 6
  s.put(l);
  BOOST_TEST(s.verify_says_corrupt() == 6u);
  // A reader that starts at the snapshot.
  SessionManager m(s.root.path(), Session::options());
  refused("opening from the snapshot", 6, [&] { m.get_session("s"); });
  // A writer that had checked up to seq 5 and catches up.
  Session t;
  Journal j(t.root.path(), "s");
  BOOST_TEST(j.check_history().seq == 5u);
  auto tl = t.lines();
  tl.push_back(tl.back());
  t.put(tl);
  refused("a writer catching up", 6, [&] { j.append({pjtest::input("v6")}, 5); });
  // The reader's own count.
  Journal k(t.root.path(), "s");
  auto r = k.reader(load_snapshot(*default_file_system(), t.snapshot, t.path).position);
  BOOST_TEST(r->line() == 5u);
}

BOOST_AUTO_TEST_CASE(a_first_line_that_is_a_changed_event_is_corruption_not_an_absent_session) {
  Session s;
  std::string crlf;
  for (const auto& line : s.lines()) crlf += line + "\r\n";
  pjtest::write_file(s.path, crlf);
  BOOST_TEST(s.verify_says_corrupt() == 1u);
  const auto before = s.files();
  SessionManager m(s.root.path(), Session::options());
  refused("get_session", 1, [&] { m.get_session("s"); });
  refused("session_info", 1, [&] { m.session_info("s"); });
  refused("create_session", 1, [&] { m.create_session("s", "new", Config()); });
  refused("Journal::append at 0", 1, [&] { Journal(s.root.path(), "s").append({pjtest::created()}, 0); });
  BOOST_TEST((s.files() == before));
}

BOOST_AUTO_TEST_CASE(a_first_line_of_bytes_that_were_never_an_event_is_a_creation_cut_short) {
  // What a power loss during the first write may leave: zeros, then the end of
  // the line. Not a session; the next create cuts it aside.
  pjtest::TempDir root;
  std::filesystem::create_directories(root / "s");
  const std::string bytes = std::string(300, '\0') + "\"}\n";
  pjtest::write_file(root / "s/events.jsonl", bytes);
  SessionManager m(root.path(), Session::options());
  BOOST_TEST(m.get_session("s") == nullptr);
  m.create_session("s", "new", Config());
  BOOST_TEST(pjtest::read_file(root / ("s/torn-0-" + std::to_string(bytes.size()) + ".bin")) == bytes);
  BOOST_TEST(verify_session(root.path(), "s").ok());
}

BOOST_AUTO_TEST_CASE(an_at_earlier_than_the_one_before_is_corruption) {
  Session s;
  auto l = s.lines();
  const std::size_t at = l[2].find("\"at\":\"") + 6;
  l[2].replace(at, 27, "2000-01-01T00:00:00.000000Z");
  rechain(l, 2);
  s.put(l);
  std::filesystem::remove(s.snapshot);  // it names the old hash of seq 5
  BOOST_TEST(s.verify_says_corrupt() == 3u);
  refused("read", 3, [&] { pjtest::read_events(s.root.path(), "s"); });
  refused("append", 3, [&] { Journal(s.root.path(), "s").append({pjtest::input("v6")}, 5); });
}

BOOST_AUTO_TEST_CASE(session_created_is_seq_1_and_only_seq_1) {
  {
    // A second session_created at seq 3, chained.
    Session s;
    auto l = s.lines();
    Event e;
    e.seq = 3;
    e.at = l[2].substr(l[2].find("\"at\":\"") + 6, 27);
    e.session_id = "s";
    e.data = pjtest::created();
    e.prev = hash_of(l[1]);
    std::string line = encode_event_line(e);
    l[2] = line.substr(0, line.size() - 1);
    rechain(l, 3);
    s.put(l);
    std::filesystem::remove(s.snapshot);
    refused("read", 3, [&] { pjtest::read_events(s.root.path(), "s"); });
    BOOST_TEST(s.verify_says_corrupt() == 3u);
  }
  {
    // Seq 1 that is not session_created.
    Session s;
    auto l = s.lines();
    Event e;
    e.seq = 1;
    e.at = l[0].substr(l[0].find("\"at\":\"") + 6, 27);
    e.session_id = "s";
    e.data = pjtest::input("v1");
    e.prev = std::string(kGenesisHash);
    std::string line = encode_event_line(e);
    l[0] = line.substr(0, line.size() - 1);
    rechain(l, 1);
    s.put(l);
    std::filesystem::remove(s.snapshot);
    refused("read", 1, [&] { pjtest::read_events(s.root.path(), "s"); });
    BOOST_TEST(s.verify_says_corrupt() == 1u);
  }
  {
    // The writer never produces one.
    Session s;
    Journal j(s.root.path(), "s");
    BOOST_CHECK_THROW(j.append({pjtest::created()}, 5), JournalError);
    BOOST_CHECK_THROW(j.append({pjtest::input("v6"), pjtest::created()}, 5), JournalError);
    BOOST_TEST(pjtest::read_file(s.path) == s.good);
  }
}

BOOST_AUTO_TEST_SUITE_END()
