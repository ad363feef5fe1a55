// Salvage of journals damaged in the middle: every intact event is recovered
// into a new session, in order, with its provenance; nothing else is, the
// source never changes, and a failed salvage leaves no target journal.
#include "promptjournal/salvage.h"

#include <signal.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "fault_fs.h"
#include "promptjournal/projector.h"
#include "promptjournal/session_manager.h"
#include "reliability_util.h"
#include "test_util.h"

using namespace promptjournal;

namespace {

EventData nth_event(int i) {
  switch (i % 4) {
    case 0: return OptimizedPromptUpdated{"prompt " + std::to_string(i) + " ✓", {}};
    case 1: return FeedbackAdded{Feedback("prompt", 0, 6, "feedback " + std::to_string(i))};
    case 2: return IndividualFeedbackAdded{boost::json::value{{"n", i}}};
    default: return pjtest::input("input " + std::to_string(i));
  }
}

// A session "s" of `n` events of mixed types, its bytes and line ends.
struct Salvage {
  pjtest::TempDir root;
  std::string path = root / "s/events.jsonl";
  std::string good;
  std::vector<std::size_t> ends;  // offset just after each '\n'
  std::vector<Event> events;      // as written

  explicit Salvage(int n) {
    JournalOptions opt;
    opt.durability = Durability::kNone;
    Journal j(root.path(), "s", opt);
    j.append({pjtest::created()}, 0);
    for (int i = 2; i <= n; ++i) j.append({nth_event(i)}, i - 1);
    good = pjtest::read_file(path);
    for (std::size_t i = 0; i < good.size(); ++i)
      if (good[i] == '\n') ends.push_back(i + 1);
    events = pjtest::read_events(root.path(), "s");
  }
  std::size_t start(std::size_t line) const { return line == 0 ? 0 : ends[line - 1]; }
  // The line (0-based) holding byte `at`.
  std::size_t line_of(std::size_t at) const { return std::upper_bound(ends.begin(), ends.end(), at) - ends.begin(); }

  SalvageReport run(const std::string& target = "t", bool dry_run = false) {
    SalvageOptions o;
    o.target_id = target;
    o.dry_run = dry_run;
    o.durability = Durability::kNone;
    return salvage_session(root.path(), "s", o);
  }
  // The target holds exactly the source events `lines` (0-based), in order,
  // each with its data and its provenance, and verifies clean.
  void expect_target(const std::vector<std::size_t>& lines, const std::string& target = "t") {
    auto got = pjtest::read_events(root.path(), target);
    BOOST_REQUIRE_EQUAL(got.size(), lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const Event& want = events[lines[i]];
      BOOST_TEST(got[i].seq == i + 1);
      BOOST_TEST(got[i].session_id == target);
      BOOST_TEST((got[i].data == want.data), "event " << i + 1 << " is source seq " << want.seq);
      const auto& from = got[i].meta.at(kSalvagedFromKey).as_object();
      BOOST_TEST(from.at("seq").as_int64() == static_cast<std::int64_t>(want.seq));
      BOOST_TEST(from.at("hash").as_string() == want.hash);
      BOOST_TEST(from.at("session_id").as_string() == "s");
      BOOST_TEST(got[i].at == want.at);  // the source's times are in order: kept as they were
    }
    auto v = verify_session(root.path(), target);
    BOOST_TEST(v.ok());
    BOOST_TEST(v.problems.empty());
  }
};

std::vector<std::size_t> all_but(std::size_t n, const std::set<std::size_t>& lost) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < n; ++i)
    if (!lost.contains(i)) out.push_back(i);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(salvage)

BOOST_AUTO_TEST_CASE(random_bit_flips_recover_exactly_the_intact_lines) {
  Salvage d(200);
  std::mt19937 rng(11);
  const int trials = pjtest::env_count("PJ_SALVAGE_TRIALS", 2000);
  int refused = 0, recovered = 0;
  for (int t = 0; t < trials; ++t) {
    std::string bad = d.good;
    // 1 to 3 flips: a line is intact when no flip touched it, its '\n', or
    // the '\n' before it (that merges it with the line before).
    std::set<std::size_t> lost, flipped;
    const std::size_t flips = 1 + rng() % 3;
    while (flipped.size() < flips) flipped.insert(rng() % bad.size());  // distinct: two flips never cancel
    for (std::size_t at : flipped) {
      bad[at] = static_cast<char>(bad[at] ^ (1 << (rng() % 8)));
      std::size_t line = d.line_of(at);
      lost.insert(line);
      if (at + 1 == d.ends[line] && line + 1 < d.ends.size()) lost.insert(line + 1);
    }
    pjtest::write_file(d.path, bad);
    BOOST_REQUIRE(!verify_session(d.root.path(), "s").ok());
    std::filesystem::remove_all(d.root / "t");
    if (lost.contains(0)) {
      // Without its session_created there is nothing to rebuild a session from.
      BOOST_CHECK_THROW(d.run(), JournalError);
      BOOST_REQUIRE(!std::filesystem::exists(d.root / "t/events.jsonl"));
      ++refused;
      continue;
    }
    auto r = d.run();
    BOOST_REQUIRE(r.written);
    BOOST_TEST(r.readable == *lost.begin(), "trial " << t);
    BOOST_TEST(r.recovered == d.ends.size() - lost.size(), "trial " << t);
    d.expect_target(all_but(d.ends.size(), lost));
    BOOST_REQUIRE(pjtest::read_file(d.path) == bad);  // the source is never changed
    // Every lost line below the last recovered one is a missing seq.
    std::uint64_t missing = 0;
    for (auto [first, last] : r.missing) missing += last - first + 1;
    std::size_t last_kept = all_but(d.ends.size(), lost).back();
    BOOST_TEST(missing == static_cast<std::uint64_t>(std::count_if(lost.begin(), lost.end(),
                                                                   [&](std::size_t l) { return l < last_kept; })));
    ++recovered;
  }
  BOOST_TEST_MESSAGE("salvage: " << trials << " damaged journals (1-3 flipped bits in 200 events): " << recovered
                                 << " salvaged exactly, " << refused << " refused (line 1 damaged)");
}

BOOST_AUTO_TEST_CASE(deleted_lines_are_reported_lost_and_the_rest_recovered) {
  Salvage d(30);
  std::string bad = d.good;
  bad.erase(d.start(20), d.ends[20] - d.start(20));  // seq 21
  bad.erase(d.start(10), d.ends[11] - d.start(10));  // seq 11-12
  pjtest::write_file(d.path, bad);
  auto r = d.run();
  BOOST_TEST(r.readable == 10u);
  BOOST_TEST(r.recovered == 27u);
  BOOST_TEST(r.skipped.empty());
  BOOST_REQUIRE_EQUAL(r.missing.size(), 2u);
  BOOST_TEST(r.missing[0].first == 11u);
  BOOST_TEST(r.missing[0].second == 12u);
  BOOST_TEST(r.missing[1].first == 21u);
  BOOST_REQUIRE_EQUAL(r.breaks.size(), 2u);
  BOOST_TEST(r.breaks[0].seq == 13u);
  BOOST_TEST(r.breaks[1].seq == 22u);
  d.expect_target(all_but(30, {10, 11, 20}));
}

BOOST_AUTO_TEST_CASE(swapped_lines_are_put_back_in_seq_order_and_copies_dropped) {
  Salvage d(30);
  auto line = [&](std::size_t i) { return d.good.substr(d.start(i), d.ends[i] - d.start(i)); };
  std::string bad;
  for (std::size_t i = 0; i < 30; ++i) {
    std::size_t src = i == 7 ? 8 : i == 8 ? 7 : i;
    bad += line(src);
    if (i == 14) bad += line(14);        // a duplicated line
    if (i == 20) bad += line(3);         // an old line copied further down
  }
  pjtest::write_file(d.path, bad);
  auto r = d.run();
  BOOST_TEST(r.readable == 7u);
  BOOST_TEST(r.recovered == 30u);
  BOOST_TEST(r.breaks.empty());
  BOOST_TEST(r.missing.empty());
  BOOST_REQUIRE_EQUAL(r.skipped.size(), 2u);
  BOOST_TEST(r.skipped[0].reason.find("a copy of line") == 0);
  BOOST_TEST(*r.skipped[1].seq == 4u);
  d.expect_target(all_but(30, {}));
}

BOOST_AUTO_TEST_CASE(of_two_intact_events_with_one_seq_the_one_chained_to_the_history_is_taken) {
  Salvage d(30);
  // An intact line claiming seq 5 that was not written after seq 4 (its
  // prev is another event's hash), placed before the real seq 5.
  Event stray = d.events[4];
  stray.prev = d.events[0].hash;
  stray.data = pjtest::input("from another history");
  std::string bad = d.good.substr(0, d.start(4)) + encode_event_line(stray) + d.good.substr(d.start(4));
  pjtest::write_file(d.path, bad);
  auto r = d.run();
  BOOST_TEST(r.readable == 4u);
  BOOST_TEST(r.recovered == 30u);
  BOOST_TEST(r.breaks.empty());
  BOOST_REQUIRE_EQUAL(r.skipped.size(), 1u);
  BOOST_TEST(r.skipped[0].line == 5u);
  BOOST_TEST(r.skipped[0].reason == "another intact event claims seq 5 (line 6 was taken)");
  d.expect_target(all_but(30, {}));
}

BOOST_AUTO_TEST_CASE(a_forged_event_with_its_own_hash_recomputed_is_recovered_but_named_as_a_break) {
  Salvage d(30);
  // Rewrite event 12's payload and give it a valid own hash: the line is
  // intact by itself; only the next line's prev shows it was changed.
  Event forged = d.events[11];
  forged.data = pjtest::input("forged");
  std::string bad = d.good.substr(0, d.start(11)) + encode_event_line(forged) + d.good.substr(d.ends[11]);
  pjtest::write_file(d.path, bad);
  auto r = d.run();
  BOOST_TEST(r.readable == 12u);  // the forged line itself links to seq 11
  BOOST_TEST(r.recovered == 30u);
  BOOST_REQUIRE_EQUAL(r.breaks.size(), 1u);
  BOOST_TEST(r.breaks[0].seq == 13u);
  BOOST_TEST(r.breaks[0].reason.find("changed") != std::string::npos);
  auto got = pjtest::read_events(d.root.path(), "t");
  BOOST_TEST((got[11].data == forged.data));
}

BOOST_AUTO_TEST_CASE(the_salvaged_session_opens_equals_a_replay_of_what_was_recovered_and_goes_on) {
  Salvage d(40);
  std::string bad = d.good;
  bad[d.start(25) + 5] ^= 0x20;
  pjtest::write_file(d.path, bad);
  d.run();
  SessionManager m(d.root.path());
  auto s = m.get_session("t");
  BOOST_REQUIRE(s);
  BOOST_TEST(s->version() == 39u);
  std::vector<Event> kept;
  for (std::size_t i : all_but(40, {25})) {
    kept.push_back(d.events[i]);
    kept.back().session_id = "t";
  }
  BOOST_TEST(boost::json::serialize(s->to_dict()) == boost::json::serialize(to_dict(replay(kept))));
  s->update_optimized_prompt("after the salvage");
  BOOST_TEST(verify_session(d.root.path(), "t").ok());
  BOOST_TEST(SessionManager(d.root.path()).get_session("t")->version() == 40u);
}

BOOST_AUTO_TEST_CASE(a_salvage_of_a_salvaged_journal_keeps_both_provenances) {
  Salvage d(10);
  std::string bad = d.good;
  bad[d.start(4) + 3] ^= 1;
  pjtest::write_file(d.path, bad);
  d.run("t");
  std::string t = pjtest::read_file(d.root / "t/events.jsonl");
  auto tends = t.find('\n', t.find('\n', t.find('\n') + 1) + 1) + 1;  // after line 3
  t[tends + 3] ^= 1;
  pjtest::write_file(d.root / "t/events.jsonl", t);
  SalvageOptions o;
  o.target_id = "u";
  auto r = salvage_session(d.root.path(), "t", o);
  BOOST_TEST(r.recovered == 8u);
  auto got = pjtest::read_events(d.root.path(), "u");
  const auto& from = got[4].meta.at(kSalvagedFromKey).as_object();
  BOOST_TEST(from.at("session_id").as_string() == "t");
  BOOST_TEST(from.at("seq").as_int64() == 6);
  const auto& older = from.at(kSalvagedFromKey).as_object();
  BOOST_TEST(older.at("session_id").as_string() == "s");
  BOOST_TEST(older.at("seq").as_int64() == 7);
}

BOOST_AUTO_TEST_CASE(a_dry_run_reports_the_same_and_writes_nothing) {
  Salvage d(20);
  std::string bad = d.good;
  bad[d.start(9) + 2] ^= 4;
  pjtest::write_file(d.path, bad);
  auto dry = d.run("t", /*dry_run=*/true);
  BOOST_TEST(!dry.written);
  BOOST_TEST(!std::filesystem::exists(d.root / "t"));
  auto real = d.run("t");
  BOOST_TEST(real.written);
  BOOST_TEST(dry.recovered == real.recovered);
  BOOST_TEST((dry.head == real.head));
  BOOST_TEST(dry.skipped.size() == 1u);
}

BOOST_AUTO_TEST_CASE(bad_targets_and_sources_are_refused_and_change_nothing) {
  Salvage d(5);
  auto expect_kind = [&](const std::string& target, ErrorKind kind) {
    try {
      d.run(target);
      BOOST_ERROR("salvage into '" << target << "' was not refused");
    } catch (const JournalError& e) {
      BOOST_TEST((e.kind() == kind), e.what());
    }
  };
  expect_kind("s", ErrorKind::kInvalidArgument);
  expect_kind("../t", ErrorKind::kInvalidSessionId);
  d.run("t");
  expect_kind("t", ErrorKind::kAlreadyExists);  // never written over
  SalvageOptions o;
  o.target_id = "x";
  BOOST_CHECK_THROW(salvage_session(d.root.path(), "nope", o), JournalError);
  BOOST_TEST(pjtest::read_file(d.path) == d.good);
}

BOOST_AUTO_TEST_CASE(a_failed_write_leaves_no_target_journal_and_a_retry_succeeds) {
  Salvage d(20);
  std::string bad = d.good;
  bad[d.start(5) + 1] ^= 2;
  pjtest::write_file(d.path, bad);
  for (pjtest::Op op : {pjtest::Op::kCreate, pjtest::Op::kAppend, pjtest::Op::kSync, pjtest::Op::kRename,
                        pjtest::Op::kSyncDir}) {
    auto fs = std::make_shared<pjtest::FaultFs>();
    fs->fail(op, 1, EIO);
    SalvageOptions o;
    o.target_id = "t";
    o.fs = fs;
    bool threw = false;
    try {
      salvage_session(d.root.path(), "s", o);
    } catch (const JournalError& e) {
      threw = true;
      BOOST_TEST(e.sys_errno() == EIO);
    }
    BOOST_TEST(threw);
    // A failed folder fsync comes after the rename: the journal is there
    // (whole), but the call did not claim it durable.
    if (op != pjtest::Op::kSyncDir) BOOST_TEST(!std::filesystem::exists(d.root / "t/events.jsonl"));
    for (const auto& f : std::filesystem::directory_iterator(d.root / "t"))
      BOOST_TEST(f.path().extension() != ".tmp", f.path());
    std::filesystem::remove_all(d.root / "t");
  }
  d.run("t");
  d.expect_target(all_but(20, {5}));
  BOOST_TEST(pjtest::read_file(d.path) == bad);
}

BOOST_AUTO_TEST_CASE(a_salvage_killed_at_any_moment_leaves_all_of_the_new_journal_or_none) {
  Salvage d(3000);
  std::string bad = d.good;
  bad[d.start(1500) + 7] ^= 8;
  pjtest::write_file(d.path, bad);
  const int trials = pjtest::env_count("PJ_SALVAGE_KILLS", 40);
  std::mt19937 rng(5);
  int whole = 0, none = 0;
  for (int t = 0; t < trials; ++t) {
    std::filesystem::remove_all(d.root / "t");
    auto child = pjtest::spawn_with_pipe([&](int) {
      SalvageOptions o;
      o.target_id = "t";
      salvage_session(d.root.path(), "s", o);
    });
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 150000));
    ::kill(child.pid, SIGKILL);
    int status = 0;
    BOOST_REQUIRE(::waitpid(child.pid, &status, 0) == child.pid);
    ::close(child.fd);
    BOOST_REQUIRE_MESSAGE(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0),
                          "the salvage failed on its own: exit " << WEXITSTATUS(status));
    if (std::filesystem::exists(d.root / "t/events.jsonl")) {
      ++whole;  // the rename happened: all of it is there
    } else {
      ++none;   // a new salvage goes on over what the killed one left
      d.run("t");
    }
    d.expect_target(all_but(3000, {1500}));
    for (const auto& f : std::filesystem::directory_iterator(d.root / "t"))
      BOOST_TEST(f.path().extension() != ".tmp", f.path());
  }
  BOOST_TEST_MESSAGE("salvage kills: " << trials << " salvages killed, " << whole << " had renamed the whole new journal into place, "
                                       << none << " left none (then salvaged again)");
  BOOST_TEST(none > 0);
}

BOOST_AUTO_TEST_SUITE_END()
