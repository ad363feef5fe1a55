// Simulated power loss through the file-system seam: everything not fsynced
// is dropped or cut at a random byte, after every append and snapshot.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "fault_fs.h"
#include "promptjournal/session_manager.h"
#include "reliability_util.h"
#include "test_util.h"

using namespace promptjournal;

namespace {

struct Trial {
  pjtest::TempDir root;
  std::shared_ptr<pjtest::FaultFs> fs;
  JournalOptions opt;
  Trial(Durability d, unsigned seed) : fs(std::make_shared<pjtest::FaultFs>(seed)) {
    opt.durability = d;
    opt.fs = fs;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(power_loss)

BOOST_AUTO_TEST_CASE(with_fsync_no_acknowledged_event_is_ever_lost) {
  const int trials = pjtest::env_count("PJ_POWER_TRIALS", 300);
  int states = 0;
  for (int t = 0; t < trials; ++t) {
    Trial tr(Durability::kFsync, static_cast<unsigned>(t));
    std::vector<std::string> acked;
    {
      Journal j(tr.root.path(), "s", tr.opt);
      int n = 1 + t % 12;
      acked.push_back(j.append({pjtest::created()}, 0).events.back().hash);
      for (int i = 2; i <= n; ++i)
        acked.push_back(j.append({pjtest::input(std::string(37 * i, 'x'))}, i - 1).events.back().hash);
    }
    tr.fs->crash(t % 2 == 0);
    ++states;
    auto events = pjtest::read_events(tr.root.path(), "s");  // opens cleanly
    BOOST_REQUIRE_EQUAL(events.size(), acked.size());
    for (std::size_t i = 0; i < acked.size(); ++i) BOOST_TEST(events[i].hash == acked[i]);
    BOOST_TEST(verify_session(tr.root.path(), "s").ok());
  }
  BOOST_TEST_MESSAGE("power-loss states checked with fsync: " << states);
}

BOOST_AUTO_TEST_CASE(without_fsync_only_unsynced_events_are_lost_and_the_journal_reopens) {
  const int trials = pjtest::env_count("PJ_POWER_TRIALS", 300);
  int lost_all = 0, kept_some = 0;
  for (int t = 0; t < trials; ++t) {
    Trial tr(Durability::kNone, static_cast<unsigned>(t));
    std::vector<std::string> written;
    {
      JournalOptions durable = tr.opt;  // the journal itself is created durably
      durable.durability = Durability::kFsync;
      written.push_back(Journal(tr.root.path(), "s", durable).append({pjtest::created()}, 0).events.back().hash);
      Journal j(tr.root.path(), "s", tr.opt);
      auto r = j.reader();  // learn the head, as any writer opening a session does
      while (r->next()) {
      }
      j.assume_validated(r->position());
      for (int i = 2; i <= 6; ++i) written.push_back(j.append({pjtest::input("v" + std::to_string(i))}, i - 1).events.back().hash);
    }
    tr.fs->crash(true);
    if (!default_file_system()->exists(tr.root / "s/events.jsonl")) {
      ++lost_all;
      continue;
    }
    BOOST_TEST(pjtest::read_events(tr.root.path(), "s").size() >= 1u);  // the synced event survives
    auto report = verify_session(tr.root.path(), "s");
    BOOST_TEST(report.ok());  // at most a torn tail
    auto events = pjtest::read_events(tr.root.path(), "s");
    BOOST_TEST(events.size() <= written.size());
    for (std::size_t i = 0; i < events.size(); ++i) BOOST_TEST(events[i].hash == written[i]);  // a prefix
    // The next writer repairs the tail and carries on.
    Journal j(tr.root.path(), "s", JournalOptions{});
    if (!events.empty()) {
      j.append({pjtest::input("after")}, events.size());
      ++kept_some;
    }
  }
  BOOST_TEST(lost_all == 0);  // its entry was synced at creation
  BOOST_TEST(kept_some == trials);
  BOOST_TEST_MESSAGE("without fsync: " << lost_all << " journals lost whole, " << kept_some << " kept a prefix");
}

BOOST_AUTO_TEST_CASE(a_journal_created_without_fsync_may_vanish_whole_but_never_half) {
  int vanished = 0;
  for (int t = 0; t < 50; ++t) {
    Trial tr(Durability::kNone, static_cast<unsigned>(t));
    Journal(tr.root.path(), "s", tr.opt).append({pjtest::created()}, 0);
    tr.fs->crash(true);
    if (!default_file_system()->exists(tr.root / "s/events.jsonl")) {
      ++vanished;
      continue;
    }
    BOOST_TEST(verify_session(tr.root.path(), "s").ok());
  }
  BOOST_TEST(vanished == 50);  // the simulated disk never got the folder entry
}

BOOST_AUTO_TEST_CASE(a_crash_during_a_snapshot_leaves_the_old_one_or_the_new_one) {
  for (int t = 0; t < 60; ++t) {
    Trial tr(Durability::kFsync, static_cast<unsigned>(t));
    ManagerOptions mo;
    mo.journal = tr.opt;
    mo.snapshot_every = 5;
    std::string before;
    {
      SessionManager m(tr.root.path(), mo);
      auto s = m.create_session("s", "in", Config());
      for (int i = 0; i < 4; ++i) s->update_optimized_prompt("p" + std::to_string(i));  // snapshot at 5
      before = boost::json::serialize(s->to_dict());
      // Fail somewhere in the next snapshot's sequence: create, append, sync, rename, sync_dir.
      static const pjtest::Op ops[] = {pjtest::Op::kCreate, pjtest::Op::kSync, pjtest::Op::kRename, pjtest::Op::kSyncDir};
      tr.fs->fail(ops[t % 4], 1, EIO, false, "snapshot");
      for (int i = 4; i < 9; ++i) s->update_optimized_prompt("p" + std::to_string(i));  // snapshot at 10 fails
    }
    tr.fs->clear_faults();
    tr.fs->crash(t % 2 == 0);
    for (const auto& name : default_file_system()->list_dir(tr.root / "s"))
      BOOST_TEST(name.find(".tmp") == std::string::npos, name);  // no temp file survives
    auto report = verify_session(tr.root.path(), "s");
    BOOST_TEST(report.ok());
    SessionManager m(tr.root.path(), ManagerOptions{});
    BOOST_TEST(*m.get_session("s")->latest_optimized_prompt() == "p8");
    BOOST_TEST(m.snapshot_problems().empty());
  }
}

BOOST_AUTO_TEST_SUITE_END()
