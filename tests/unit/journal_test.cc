#include "promptjournal/journal.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <set>

#include "promptjournal/verify.h"
#include "test_util.h"

using namespace promptjournal;
namespace json = boost::json;

namespace {

// Fixture verbs: a journal under a temp root, appends, reads, damage.
struct JournalFixture {
  pjtest::TempDir root;
  JournalOptions opt;

  JournalFixture() { opt.durability = Durability::kNone; }

  std::unique_ptr<Journal> open(const std::string& id = "s") {
    return std::make_unique<Journal>(root.path(), id, opt);
  }
  static EventData created() { return SessionCreated{"in", "2026-11-24T12:00:00", Config()}; }
  static EventData input(const std::string& s) { return HumanInputUpdated{s}; }

  // Creates session "s" with n events in all.
  void write(std::size_t n) {
    auto j = open();
    j->append({created()}, 0);
    for (std::size_t i = 2; i <= n; ++i) j->append({input("v" + std::to_string(i))}, i - 1);
  }
  std::string path() const { return root / "s/events.jsonl"; }
  std::string contents() const { return pjtest::read_file(path()); }
  void set_contents(const std::string& s) { pjtest::write_file(path(), s); }

  std::vector<Event> read_all() {
    std::vector<Event> out;
    auto r = open()->reader();
    while (auto e = r->next()) out.push_back(*e);
    return out;
  }
  JournalError read_error() {
    try {
      read_all();
    } catch (const JournalError& e) {
      return e;
    }
    BOOST_FAIL("expected the read to fail");
    throw;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(journal, JournalFixture)

BOOST_AUTO_TEST_CASE(appended_events_read_back_in_order_with_a_hash_chain) {
  write(5);
  auto events = read_all();
  BOOST_REQUIRE(events.size() == 5u);
  std::string prev(kGenesisHash);
  for (std::size_t i = 0; i < events.size(); ++i) {
    BOOST_TEST(events[i].seq == i + 1);
    BOOST_TEST(events[i].prev == prev);
    prev = events[i].hash;
  }
  BOOST_TEST(pjtest::read_lines(path()).size() == 5u);
}

BOOST_AUTO_TEST_CASE(event_times_are_utc_with_microseconds_and_never_go_back) {
  auto t = std::chrono::system_clock::now();
  int calls = 0;
  opt.clock = [&] { return t - std::chrono::seconds(++calls * 10); };  // a clock running backwards
  write(3);
  auto events = read_all();
  BOOST_TEST(events[0].at.size() == 27u);
  BOOST_TEST(events[0].at.back() == 'Z');
  BOOST_TEST(events[1].at >= events[0].at);
  BOOST_TEST(events[2].at >= events[1].at);
}

BOOST_AUTO_TEST_CASE(a_conflicting_append_writes_nothing) {
  write(3);
  std::string before = contents();
  try {
    open()->append({input("late")}, 2);
    BOOST_FAIL("expected a conflict");
  } catch (const JournalError& e) {
    BOOST_TEST((e.kind() == ErrorKind::kConflict));
    BOOST_TEST(e.expected_seq() == 2u);
    BOOST_TEST(e.actual_seq() == 3u);
  }
  BOOST_TEST(contents() == before);
}

BOOST_AUTO_TEST_CASE(creating_an_existing_session_is_refused) {
  write(1);
  try {
    open()->append({created()}, 0);
    BOOST_FAIL("expected an error");
  } catch (const JournalError& e) {
    BOOST_TEST((e.kind() == ErrorKind::kAlreadyExists));
  }
}

BOOST_AUTO_TEST_CASE(appending_to_a_missing_session_is_not_found) {
  try {
    open("nobody")->append({input("x")}, 3);
    BOOST_FAIL("expected an error");
  } catch (const JournalError& e) {
    BOOST_TEST((e.kind() == ErrorKind::kNotFound));
  }
}

BOOST_AUTO_TEST_CASE(a_batch_is_one_contiguous_commit) {
  auto j = open();
  auto r = j->append({created(), input("a"), input("b")}, 0);
  BOOST_TEST(r.events.size() == 3u);
  BOOST_TEST(r.head.seq == 3u);
  BOOST_TEST(r.head.offset == contents().size());
  BOOST_TEST(read_all().size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_torn_tail_is_not_history_and_the_next_writer_cuts_it_aside) {
  write(3);
  std::string good = contents();
  const std::string fragment = R"({"v":1,"seq":4,"type":"human_inp)";
  set_contents(good + fragment);
  {
    auto r = open()->reader();
    int n = 0;
    while (r->next()) ++n;
    BOOST_TEST(n == 3);
    BOOST_REQUIRE(r->torn_tail().has_value());
    BOOST_TEST(r->torn_tail()->offset == good.size());
  }
  auto result = open()->append({input("after crash")}, 3);
  BOOST_REQUIRE(result.repaired.has_value());
  BOOST_TEST(read_all().size() == 4u);
  BOOST_TEST(contents().substr(0, good.size()) == good);
  std::string aside = root / ("s/torn-" + std::to_string(good.size()) + "-" +
                              std::to_string(fragment.size()) + ".bin");
  BOOST_TEST(pjtest::read_file(aside) == fragment);
}

BOOST_AUTO_TEST_CASE(damage_mid_file_is_corruption_located_by_line_and_offset) {
  write(4);
  auto lines = pjtest::read_lines(path());
  std::string damaged = lines[0] + "\n" + lines[1] + "\n" + "{not json}\n" + lines[3] + "\n";
  set_contents(damaged);
  JournalError e = read_error();
  BOOST_TEST((e.kind() == ErrorKind::kCorrupt));
  BOOST_TEST(*e.where().line == 3u);
  BOOST_TEST(*e.where().offset == lines[0].size() + lines[1].size() + 2);
  BOOST_TEST(*e.where().seq == 3u);
  BOOST_TEST(e.where().path == path());
}

BOOST_AUTO_TEST_CASE(a_missing_line_is_a_seq_gap) {
  write(4);
  auto lines = pjtest::read_lines(path());
  set_contents(lines[0] + "\n" + lines[1] + "\n" + lines[3] + "\n");
  JournalError e = read_error();
  BOOST_TEST(std::string(e.what()).find("seq 4 where seq 3") != std::string::npos, e.what());
}

BOOST_AUTO_TEST_CASE(reordered_lines_break_the_seq) {
  write(4);
  auto lines = pjtest::read_lines(path());
  set_contents(lines[0] + "\n" + lines[2] + "\n" + lines[1] + "\n" + lines[3] + "\n");
  BOOST_TEST((read_error().kind() == ErrorKind::kCorrupt));
}

BOOST_AUTO_TEST_CASE(nothing_is_appended_after_corruption) {
  write(3);
  auto lines = pjtest::read_lines(path());
  lines[1][lines[1].find("v2")] = 'w';  // an edit the hash catches
  std::string damaged = lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n";
  set_contents(damaged);
  try {
    open()->append({input("x")}, 3);
    BOOST_FAIL("expected corruption");
  } catch (const JournalError& e) {
    BOOST_TEST((e.kind() == ErrorKind::kCorrupt));
    BOOST_TEST(*e.where().line == 2u);
  }
  BOOST_TEST(contents() == damaged);
}

BOOST_AUTO_TEST_CASE(undecodable_last_lines_are_a_damaged_tail_that_the_next_writer_cuts_aside) {
  write(3);
  std::string good = contents();
  // What unsynced sectors may hold after a power loss: zeros, stale bytes,
  // '\n' among them, and a last partial line.
  const std::string tail = std::string(600, '\0') + "\n" + "x}\"hash\":\n" + R"({"v":1,"seq":6,"ty)";
  set_contents(good + tail);
  {
    auto r = open()->reader();
    int n = 0;
    while (r->next()) ++n;
    BOOST_TEST(n == 3);
    BOOST_TEST(!r->next().has_value());  // and it stays at the end
    BOOST_REQUIRE(r->torn_tail().has_value());
    BOOST_TEST(r->torn_tail()->damaged);
    BOOST_TEST(r->torn_tail()->offset == good.size());
    BOOST_TEST(r->torn_tail()->bytes == tail.size());
    BOOST_TEST(!r->torn_tail()->reason.empty());
    BOOST_TEST(r->position().offset == good.size());
  }
  // verify reports it, at its line and byte, as a problem (unlike a torn tail).
  auto report = verify_session(root.path(), "s");
  BOOST_TEST(!report.ok());
  BOOST_TEST(report.events == 3u);
  BOOST_REQUIRE(report.problems.size() == 1u);
  BOOST_TEST((report.problems[0].kind == VerifyProblem::Kind::kDamagedTail));
  BOOST_TEST(to_string(report.problems[0].kind) == "damaged tail");
  BOOST_TEST(*report.problems[0].where.line == 4u);
  BOOST_TEST(*report.problems[0].where.offset == good.size());
  BOOST_TEST(*report.problems[0].where.seq == 4u);
  auto result = open()->append({input("after power loss")}, 3);
  BOOST_REQUIRE(result.repaired.has_value());
  BOOST_TEST(result.repaired->damaged);
  BOOST_TEST(pjtest::read_file(root / ("s/torn-" + std::to_string(good.size()) + "-" + std::to_string(tail.size()) +
                                       ".bin")) == tail);
  BOOST_TEST(contents().substr(0, good.size()) == good);
  BOOST_TEST(read_all().size() == 4u);
  auto after = verify_session(root.path(), "s");
  BOOST_TEST(after.problems.empty());
  // Sound, but the bytes set aside are still named for an auditor.
  BOOST_REQUIRE(after.cut_aside.size() == 1u);
  BOOST_TEST(after.cut_aside[0].offset == good.size());
  BOOST_TEST(after.cut_aside[0].bytes == tail.size());
  BOOST_TEST(after.cut_aside[0].path == (root / ("s/torn-" + std::to_string(good.size()) + "-" +
                                                 std::to_string(tail.size()) + ".bin")));
}

BOOST_AUTO_TEST_CASE(damage_followed_by_any_line_with_a_valid_hash_is_corruption) {
  write(4);
  auto lines = pjtest::read_lines(path());
  // Zeros, garbage, then a line whose own hash verifies (even out of place:
  // here a copy of line 2) mean damage inside the history, not a tail.
  std::string damaged = lines[0] + "\n" + lines[1] + "\n" + std::string(700, '\0') + "\n" + "garbage\n" + lines[1] + "\n";
  set_contents(damaged);
  JournalError e = read_error();
  BOOST_TEST((e.kind() == ErrorKind::kCorrupt));
  BOOST_TEST(*e.where().line == 3u);
  BOOST_TEST(*e.where().offset == lines[0].size() + lines[1].size() + 2);
  BOOST_CHECK_THROW(open()->append({input("x")}, 2), JournalError);
  BOOST_TEST(contents() == damaged);
}

BOOST_AUTO_TEST_CASE(an_intact_last_line_this_build_cannot_read_is_never_cut) {
  // A last line with a valid hash that fails for another reason (here: a
  // newer format version) was written by someone: it is not a damaged tail.
  write(3);
  auto lines = pjtest::read_lines(path());
  std::string& l = lines[2];
  l.replace(0, 6, "{\"v\":2");
  std::string body = l.substr(0, l.size() - 75);
  l = body + ",\"hash\":\"" + pjtest::sha256_hex_of(body) + "\"}";
  std::string text = lines[0] + "\n" + lines[1] + "\n" + l + "\n";
  set_contents(text);
  JournalError e = read_error();
  BOOST_TEST((e.kind() == ErrorKind::kCorrupt));
  BOOST_TEST(std::string(e.what()).find("newer") != std::string::npos, e.what());
  BOOST_CHECK_THROW(open()->append({input("x")}, 2), JournalError);
  BOOST_TEST(contents() == text);
}

BOOST_AUTO_TEST_CASE(an_append_sees_what_another_handle_wrote) {
  write(2);
  auto a = open();
  auto b = open();
  a->append({input("from a")}, 2);
  b->append({input("from b")}, 3);  // b catches up under the lock, then appends
  BOOST_TEST(read_all().size() == 4u);
  BOOST_CHECK_THROW(a->append({input("stale")}, 3), JournalError);
}

BOOST_AUTO_TEST_CASE(files_are_private_to_their_owner) {
  mode_t old = ::umask(0);
  write(1);
  ::umask(old);
  struct stat st;
  BOOST_REQUIRE(::stat(path().c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  BOOST_REQUIRE(::stat((root / "s").c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0700u);
}

BOOST_AUTO_TEST_CASE(concurrent_processes_lose_and_duplicate_nothing) {
  opt.durability = Durability::kFsync;
  write(1);
  constexpr int kProcs = 4, kEach = 50;
  std::vector<pid_t> kids;
  for (int p = 0; p < kProcs; ++p) {
    pid_t pid = ::fork();
    BOOST_REQUIRE(pid >= 0);  // never kill(-1, ...) or wait for any child
    if (pid == 0) {
      int rc = 0;
      try {
        Journal j(root.path(), "s", opt);
        for (int i = 0; i < kEach;) {
          std::uint64_t last = j.head().seq;
          if (last == 0) {  // learn the head by reading
            auto r = j.reader();
            while (r->next()) {
            }
            j.assume_validated(r->position());
            last = r->position().seq;
          }
          try {
            j.append({input("p" + std::to_string(p) + "-" + std::to_string(i))}, last);
            ++i;
          } catch (const JournalError& e) {
            if (e.kind() != ErrorKind::kConflict) throw;
            // Lost the race: the next append catches up under the lock.
            auto r = j.reader(j.head());
            while (r->next()) {
            }
            j.assume_validated(r->position());
          }
        }
      } catch (...) {
        rc = 1;
      }
      ::_exit(rc);
    }
    kids.push_back(pid);
  }
  for (pid_t k : kids) {
    int status = 0;
    ::waitpid(k, &status, 0);
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  auto events = read_all();
  BOOST_TEST(events.size() == 1u + kProcs * kEach);
  std::set<std::string> seen;
  for (const auto& e : events)
    if (auto* d = std::get_if<HumanInputUpdated>(&e.data)) seen.insert(d->input);
  BOOST_TEST(seen.size() == static_cast<std::size_t>(kProcs * kEach));
}

BOOST_AUTO_TEST_CASE(bad_session_ids_never_touch_the_file_system) {
  for (std::string id : std::vector<std::string>{"", ".", "..", "../x", "a/b", "a\\b", std::string("a\0b", 3), "tab\there",
                         std::string(201, 'x'), "-rf", std::string("\xff")}) {
    try {
      Journal j(root.path(), id, opt);
      BOOST_FAIL("accepted id " + id);
    } catch (const JournalError& e) {
      BOOST_TEST((e.kind() == ErrorKind::kInvalidSessionId));
    }
  }
  for (std::string id : std::vector<std::string>{"1795522344.3433027", "a-b_c.d", std::string(200, 'x'), "日本語"})
    BOOST_CHECK_NO_THROW(Journal(root.path(), id, opt));
}

BOOST_AUTO_TEST_SUITE_END()
