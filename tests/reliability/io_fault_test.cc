// I/O errors at every system call of an append, a create and a snapshot:
// the call fails clearly, the session does not move ahead of the journal,
// no partial line survives, and a failed fsync is never retried silently.
#include <boost/test/unit_test.hpp>

#include <cerrno>

#include "fault_fs.h"
#include "promptjournal/session_manager.h"
#include "promptjournal/snapshot.h"
#include "reliability_util.h"
#include "test_util.h"

using namespace promptjournal;
using pjtest::Op;

namespace {

// Session "s" (one event) through a SessionManager on a FaultFs, with no
// automatic snapshots.
struct FaultySession {
  static ManagerOptions options(std::shared_ptr<pjtest::FaultFs> fs) {
    ManagerOptions mo;
    mo.journal.fs = std::move(fs);
    mo.snapshot_every = 0;
    return mo;
  }
  pjtest::TempDir root;
  std::shared_ptr<pjtest::FaultFs> fs = std::make_shared<pjtest::FaultFs>();
  SessionManager m{root.path(), options(fs)};
  std::shared_ptr<OptimizationSession> s = m.create_session("s", "in", Config());
};

}  // namespace

BOOST_AUTO_TEST_SUITE(io_faults)

BOOST_AUTO_TEST_CASE(every_injected_error_fails_the_append_and_leaves_a_clean_journal) {
  int injected = 0;
  for (Op op : {Op::kOpen, Op::kAppend, Op::kSync, Op::kSyncDir, Op::kTruncate}) {
    for (int err : {EIO, ENOSPC, EDQUOT}) {
      for (int nth = 1; nth <= 4; ++nth) {
        FaultySession f;
        auto& s = f.s;
        f.fs->fail(op, nth, err);
        std::uint64_t acked = s->version();
        for (int i = 0; i < 4; ++i) {
          SessionState before = s->state();
          try {
            s->update_optimized_prompt("p" + std::to_string(i));
            acked = s->version();
          } catch (const JournalError& e) {
            ++injected;
            BOOST_TEST((e.kind() == ErrorKind::kIo || e.kind() == ErrorKind::kPoisoned));
            BOOST_TEST((s->state() == before));  // the session did not move ahead
            break;
          }
        }
        f.fs->clear_faults();
        auto report = verify_session(f.root.path(), "s");
        BOOST_TEST(report.ok());
        BOOST_TEST(report.problems.empty());  // not even a torn tail: partial bytes were cut
        BOOST_TEST(pjtest::read_events(f.root.path(), "s").size() == acked);
      }
    }
  }
  BOOST_TEST(injected > 0);
  BOOST_TEST_MESSAGE("injected failures that surfaced: " << injected);
}

BOOST_AUTO_TEST_CASE(a_short_write_is_cut_back_and_reported) {
  pjtest::TempDir root;
  auto fs = std::make_shared<pjtest::FaultFs>();
  JournalOptions opt;
  opt.fs = fs;
  Journal j(root.path(), "s", opt);
  j.append({pjtest::created()}, 0);
  std::string before = pjtest::read_file(root / "s/events.jsonl");
  fs->short_write(1);
  BOOST_CHECK_THROW(j.append({pjtest::input(std::string(5000, 'y'))}, 1), JournalError);
  BOOST_TEST(pjtest::read_file(root / "s/events.jsonl") == before);
  BOOST_TEST(j.append({pjtest::input("next")}, 1).head.seq == 2u);
}

BOOST_AUTO_TEST_CASE(after_a_failed_fsync_the_handle_refuses_until_reopened) {
  pjtest::TempDir root;
  auto fs = std::make_shared<pjtest::FaultFs>();
  JournalOptions opt;
  opt.fs = fs;
  Journal j(root.path(), "s", opt);
  j.append({pjtest::created()}, 0);
  fs->fail(Op::kSync, 1, EIO);
  try {
    j.append({pjtest::input("a")}, 1);
    BOOST_FAIL("expected the fsync failure");
  } catch (const JournalError& e) {
    BOOST_TEST((e.kind() == ErrorKind::kIo));
    BOOST_TEST(e.sys_errno() == EIO);
  }
  fs->clear_faults();
  for (int i = 0; i < 3; ++i) {
    try {
      j.append({pjtest::input("b")}, 1);
      BOOST_FAIL("a poisoned handle accepted an append");
    } catch (const JournalError& e) {
      BOOST_TEST((e.kind() == ErrorKind::kPoisoned));
    }
  }
  Journal reopened(root.path(), "s", opt);  // re-reads and re-verifies
  BOOST_TEST(reopened.append({pjtest::input("c")}, 1).head.seq == 2u);
  BOOST_TEST(verify_session(root.path(), "s").ok());
}

BOOST_AUTO_TEST_CASE(an_error_creating_a_session_leaves_no_session) {
  for (Op op : {Op::kOpen, Op::kAppend, Op::kSync, Op::kSyncDir}) {
    pjtest::TempDir root;
    auto fs = std::make_shared<pjtest::FaultFs>();
    ManagerOptions mo;
    mo.journal.fs = fs;
    SessionManager m(root.path(), mo);
    fs->fail(op, 1, ENOSPC);
    BOOST_CHECK_THROW(m.create_session("s", "in", Config()), JournalError);
    fs->clear_faults();
    BOOST_TEST(!SessionManager(root.path()).get_session("s"));
    BOOST_TEST(m.create_session("s", "again", Config())->version() == 1u);  // the id is usable
  }
}

BOOST_AUTO_TEST_CASE(a_snapshot_temp_removed_by_a_cleaner_is_written_again_under_a_new_name) {
  // Another process's cleaner may take a temp file for abandoned in the moment
  // between its creation and its writer's lock: the writer starts again, three
  // times at most, and otherwise fails with nothing left behind.
  for (int removed : {1, 3, 4}) {
    FaultySession f;
    auto& fs = f.fs;
    auto& m = f.m;
    const std::string dir = session_dir(f.root.path(), "s");
    fs->unlink_after_create(removed);
    const int creates = fs->calls(Op::kCreate);
    if (removed <= 3) {
      BOOST_TEST(m.snapshot("s") == snapshot_path(dir, 1));
      BOOST_TEST(fs->calls(Op::kCreate) - creates == removed + 1);
    } else {
      BOOST_CHECK_EXCEPTION(m.snapshot("s"), JournalError, [](const JournalError& e) {
        return e.kind() == ErrorKind::kIo && std::string(e.what()).find("removed while being written") != std::string::npos;
      });
      BOOST_TEST(list_snapshots(*fs, dir).empty());
    }
    for (const auto& name : fs->list_dir(dir)) BOOST_TEST(name.find(".tmp") == std::string::npos, name);
  }
}

BOOST_AUTO_TEST_SUITE_END()
