// SIGKILL in the middle of snapshot writes (RELIABILITY-PLAN item 2): a
// writer process appends and snapshots a session with a large state in a
// loop (so most of its time is spent writing, fsyncing and renaming
// snapshots); the driver kills it at a random moment: from its start, or
// while a snapshot's temp file exists. After every kill: each
// snapshot file is complete and agrees with the journal, the newest one the
// writer reported done is there (or a newer one), abandoned temp files are
// gone once the session is opened, and the opened session equals a full
// replay of the journal, byte for byte in to_dict.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "fault_fs.h"
#include "promptjournal/projector.h"
#include "promptjournal/session_manager.h"
#include "reliability_util.h"
#include "test_util.h"

using namespace promptjournal;

namespace {

// What the writer reports on its pipe: a snapshot's temp file was created,
// or renamed into place, or a snapshot at `seq` is done (kDone | seq).
constexpr std::uint64_t kDone = std::uint64_t{1} << 63;
constexpr std::uint64_t kTempCreated = 1, kTempRenamed = 2;

void report(int fd, std::uint64_t v) {
  if (::write(fd, &v, sizeof v) != static_cast<ssize_t>(sizeof v)) ::_exit(4);
}

// The POSIX file system (through FaultFs, with no fault set) that reports
// when a snapshot temp file is created and when it is renamed, so the driver
// can time its kills inside that window.
class ReportingFs : public pjtest::FaultFs {
 public:
  explicit ReportingFs(int fd) : fd_(fd) {}
  std::unique_ptr<File> create_exclusive(const std::string& path) override {
    auto f = FaultFs::create_exclusive(path);
    if (path.ends_with(".tmp")) report(fd_, kTempCreated);
    return f;
  }
  void rename(const std::string& from, const std::string& to) override {
    FaultFs::rename(from, to);
    if (from.ends_with(".tmp")) report(fd_, kTempRenamed);
  }

 private:
  int fd_;
};

// Appends a prompt update and writes a snapshot, for ever, reporting each
// step of the snapshot on `fd`.
[[noreturn]] void snapshot_writer(const std::string& root, int fd) {
  try {
    ManagerOptions mo;
    mo.journal.fs = std::make_shared<ReportingFs>(fd);
    SessionManager m(root, mo);
    auto s = m.get_session("s");
    for (int i = 0;; ++i) {
      s->update_optimized_prompt("prompt " + std::to_string(i));
      m.snapshot("s");
      report(fd, kDone | s->version());
    }
  } catch (...) {
    ::_exit(3);
  }
}

// Reads reports up to the next `what` (kDone: any done report) and returns
// true, or false when the writer is gone; the seq of the last done snapshot
// read goes to `done`.
bool await(int fd, std::uint64_t what, std::uint64_t& done) {
  for (std::uint64_t v = 0; ::read(fd, &v, sizeof v) == static_cast<ssize_t>(sizeof v);) {
    if ((v & kDone) != 0) done = v & ~kDone;
    if (what == kDone ? (v & kDone) != 0 : v == what) return true;
  }
  return false;
}

struct Folder {
  std::vector<std::uint64_t> snapshots;
  int temps = 0;
};

Folder look(const std::string& dir) {
  Folder f;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(".tmp")) ++f.temps;
    if (name.starts_with("snapshot-") && name.ends_with(".json")) f.snapshots.push_back(std::stoull(name.substr(9, 20)));
  }
  std::sort(f.snapshots.begin(), f.snapshots.end());
  return f;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(snapshot_crash)

BOOST_AUTO_TEST_CASE(a_kill_during_a_snapshot_leaves_the_old_or_the_new_one_whole) {
  const int trials = pjtest::env_count("PJ_SNAPSHOT_KILLS", 200);
  pjtest::TempDir root;
  const std::string dir = root / "s";
  {
    // A state of about 1.5 MB, so that a snapshot takes a while to write.
    SessionManager m(root.path());
    m.create_session("s", std::string(768 * 1024, 'x'), Config());
  }
  std::mt19937 rng(20261201);
  int mid_snapshot = 0, reported = 0;
  std::size_t checked = 0;
  for (int t = 0; t < trials; ++t) {
    auto [pid, fd] = pjtest::spawn_with_pipe([&](int out) { snapshot_writer(root.path(), out); });
    std::uint64_t done = 0;
    if (t % 2 == 0) {
      // Anywhere from the start: while it opens the session, or in the loop.
      std::this_thread::sleep_for(std::chrono::microseconds(rng() % 120000));
    } else {
      // While a snapshot's temp file exists (between its creation and its
      // rename, timed by the snapshot before), or just after: whatever the
      // speed of the build (sanitizers), the kill lands in the write, the
      // fsync, the rename or the folder fsync.
      BOOST_REQUIRE_MESSAGE(await(fd, kTempCreated, done), "the writer stopped before its first snapshot");
      const auto created = std::chrono::steady_clock::now();
      BOOST_REQUIRE(await(fd, kTempRenamed, done));
      const auto window = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - created);
      BOOST_REQUIRE(await(fd, kTempCreated, done));
      std::this_thread::sleep_for(std::chrono::microseconds(rng() % std::max<std::int64_t>(window.count() * 5 / 4, 1)));
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
    BOOST_REQUIRE_MESSAGE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                          "the writer died on its own: exit " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1));
    await(fd, 0, done);  // 0 is never reported: reads all it reported before it died
    ::close(fd);
    if (done > 0) ++reported;

    Folder before = look(dir);
    if (before.temps > 0) ++mid_snapshot;
    // The newest finished snapshot (or a newer one) is in place, and every
    // snapshot file is whole and agrees with the journal.
    BOOST_TEST((before.snapshots.empty() ? 0 : before.snapshots.back()) >= done, "trial " << t);
    auto v = verify_session(root.path(), "s");
    BOOST_TEST(v.ok(), "trial " << t);
    for (const auto& problem : v.problems)
      BOOST_TEST((problem.kind == VerifyProblem::Kind::kTornTail), "trial " << t << ": " << problem.reason);
    checked += v.snapshots_checked;
    // Opening the session uses a snapshot, equals a full replay, and removes
    // the temp files the killed writer abandoned.
    SessionManager m(root.path());
    auto s = m.get_session("s");
    BOOST_REQUIRE(s);
    BOOST_TEST(boost::json::serialize(s->to_dict()) ==
                   boost::json::serialize(to_dict(replay(pjtest::read_events(root.path(), "s")))),
               "trial " << t);
    BOOST_TEST(m.snapshot_problems().empty(), "trial " << t);
    BOOST_TEST(look(dir).temps == 0, "trial " << t);
  }
  BOOST_TEST_MESSAGE("snapshot kills: " << trials << " writers killed, " << mid_snapshot
                                        << " in the middle of a snapshot (a temp file left behind), " << reported
                                        << " after at least one finished snapshot; " << checked
                                        << " snapshot files checked against the journal");
  BOOST_TEST(mid_snapshot > 0);  // the kills did land inside snapshot writes
}

BOOST_AUTO_TEST_SUITE_END()
