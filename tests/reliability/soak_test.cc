// Soak (RELIABILITY-PLAN item 14): 4 child processes (1 to 3 threads each,
// every thread with a SessionManager of its own) do random operations on
// a few sessions through SessionManager (create_session, the seed's detached
// session + update_session, add_feedback, prompt and input updates with
// update_session, individual and comprehensive feedback, snapshot(),
// get_session, new managers), each with a random durability policy, snapshot
// interval and open-journal limit, and report every acknowledged event
// (session id, seq, hash) over a pipe. The driver SIGKILLs a random child at
// a random moment and restarts it, for PJ_SOAK_SECONDS (default 20; the long
// form is 1800). After each kill (the other children stopped with SIGSTOP,
// so the files hold still: each child has a process group of its own, which
// nothing but the driver resumes, and a check whose folder changed while it
// was read, or whose children were resumed, fails as such instead of judging
// the library) and at the end, for every session:
//   - it opens with a fresh SessionManager, and verify_session is ok (a torn
//     tail allowed), with no snapshot problem;
//   - every acknowledged (seq, hash) is in the journal exactly once, at that
//     seq; seqs are contiguous (the reader checks) and no hash repeats;
//   - get_session's state (from the newest snapshot plus tail) equals a full
//     replay from seq 0 with snapshots ignored (to_dict JSON);
//   - after that open no *.tmp is left, except one a live writer holds (at
//     the end, with every child dead, none at all).
// Sessions are renewed every PJ_SOAK_ROUND_SECONDS (default 15), so the checks
// stay cheap however long the soak runs.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "promptjournal/session_manager.h"
#include "promptjournal/snapshot.h"
#include "promptjournal/verify.h"
#include "reliability_util.h"
#include "test_util.h"

using namespace promptjournal;
namespace json = boost::json;

namespace {

using Steady = std::chrono::steady_clock;

// ------------------------------------------------------------------ child

class Child {
 public:
  Child(std::string root, std::vector<std::string> ids, int fd, unsigned seed)
      : root_(std::move(root)), ids_(std::move(ids)), fd_(fd), rng_(seed) {}

  [[noreturn]] void run() {
    new_manager();
    for (;;) {
      const std::string& id = ids_[rng_() % ids_.size()];
      try {
        step(id);
      } catch (const JournalError& e) {
        // Expected: an id that already has history, a session that does not
        // exist yet, a conflict that outlived the retries (another process
        // won every time). Anything else is a failure of the library.
        if (e.kind() != ErrorKind::kAlreadyExists && e.kind() != ErrorKind::kNotFound &&
            e.kind() != ErrorKind::kConflict) {
          std::fprintf(stderr, "soak child %d: unexpected error: %s\n", static_cast<int>(::getpid()), e.what());
          ::_exit(2);
        }
        held_.erase(id);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "soak child %d: unexpected exception: %s\n", static_cast<int>(::getpid()), e.what());
        ::_exit(3);
      }
      if (rng_() % 4 == 0) std::this_thread::sleep_for(std::chrono::microseconds(rng_() % 3000));
    }
  }

 private:
  void new_manager() {
    held_.clear();
    ManagerOptions mo;
    mo.journal.durability = rng_() % 2 == 0 ? Durability::kFsync : Durability::kNone;
    mo.snapshot_every = 2 + rng_() % 8;
    mo.snapshots_kept = 1 + rng_() % 3;
    mo.max_open_journals = 1 + rng_() % 4;
    mo.feedback_retries = 100;
    m_ = std::make_unique<SessionManager>(root_, mo);
  }

  void ack(const OptimizationSession& s) {
    char line[256];
    int n = std::snprintf(line, sizeof line, "%s %llu %s\n", s.session_id().c_str(),
                          static_cast<unsigned long long>(s.version()), s.position().hash.c_str());
    if (n <= 0 || ::write(fd_, line, static_cast<std::size_t>(n)) != n) ::_exit(4);
  }

  // A session object: one held from before (possibly stale, so conflicts
  // happen) or a fresh get_session.
  std::shared_ptr<OptimizationSession> session(const std::string& id) {
    auto& held = held_[id];
    if (!held || rng_() % 3 == 0) held = m_->get_session(id);
    std::shared_ptr<OptimizationSession> s = held;  // a copy: erase ends `held`
    if (!s) held_.erase(id);
    return s;
  }

  // A non-commuting update through update_session, as the seed API does it;
  // a conflict is answered by getting the session again.
  template <class F>
  void update(const std::string& id, F mutate) {
    auto s = session(id);
    if (!s) return;
    for (int attempt = 0;; ++attempt) {
      try {
        mutate(*s);
        ack(*s);
        m_->update_session(*s);
        return;
      } catch (const JournalError& e) {
        if (e.kind() != ErrorKind::kConflict || attempt >= 50) throw;
        s = m_->get_session(id);  // the cached object, brought up to date
        held_[id] = s;
      }
    }
  }

  std::string text(const char* what) { return std::string(what) + " " + std::to_string(rng_() % 100000); }

  void step(const std::string& id) {
    unsigned op = rng_() % 100;
    if (op < 6) {
      Config c;
      c.set_model_name("m").set("api_key", json::string("sk-TEST-soak"));
      auto s = m_->create_session(id, text("input"), c);
      ack(*s);
      held_[id] = s;
    } else if (op < 10) {
      // The seed's flow: a detached session, persisted by update_session.
      OptimizationSession d(id, text("detached input"), Config());
      m_->update_session(d);
      ack(d);
    } else if (op < 38) {
      auto s = session(id);
      if (!s) return;
      s->add_feedback(Feedback(text("span"), 0, 3, text("comment")));
      ack(*s);
    } else if (op < 55) {
      update(id, [&](OptimizationSession& s) { s.update_optimized_prompt(text("prompt"), {}); });
    } else if (op < 65) {
      // Now and then an input of 100-300 KB: a write(2) of many pages, which a
      // SIGKILL can cut short (a torn tail for the next writer to repair).
      std::string input = rng_() % 40 == 0 ? std::string(100000 + rng_() % 200000, 'x') : text("input");
      update(id, [&](OptimizationSession& s) { s.update_human_input(input); });
    } else if (op < 70) {
      auto s = session(id);
      if (!s) return;
      s->add_individual_feedback(json::value{{"n", rng_() % 1000}});
      ack(*s);
    } else if (op < 73) {
      update(id, [&](OptimizationSession& s) {
        s.set_comprehensive_feedback(json::value{{"score", (rng_() % 100) / 10.0}});
      });
    } else if (op < 80) {
      if (m_->journal(id)->exists()) m_->snapshot(id);
    } else if (op < 95) {
      held_[id] = m_->get_session(id);
      if (!held_[id]) held_.erase(id);
    } else if (op < 97) {
      new_manager();
    } else {
      held_.erase(id);
    }
  }

  std::string root_;
  std::vector<std::string> ids_;
  int fd_;
  std::mt19937 rng_;
  std::unique_ptr<SessionManager> m_;
  std::map<std::string, std::shared_ptr<OptimizationSession>> held_;
};

// One child process: 1 to 3 threads, each a Child with a manager of its own
// (session objects are shared within a manager, and a thread must read its
// ack from an object no other thread mutates), all writing to one pipe (an
// ack line is shorter than PIPE_BUF, so lines never interleave).
[[noreturn]] void run_child(const std::string& root, const std::vector<std::string>& ids, int fd, unsigned seed) {
  std::mt19937 rng(seed);
  const unsigned n = 1 + rng() % 3;
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < n; ++i) {
    unsigned s = rng();
    threads.emplace_back([&root, &ids, fd, s] { Child(root, ids, fd, s).run(); });
  }
  Child(root, ids, fd, rng()).run();
}

// ------------------------------------------------------------------ driver

struct Proc {
  pid_t pid = -1;
  int fd = -1;
  std::string buf;
};

struct Counts {
  std::uint64_t kills = 0, acks = 0, recoveries = 0, violations = 0, rounds = 0, torn = 0, snapshots = 0,
                events = 0;
};

class Soak {
 public:
  Soak(std::mt19937& rng, Counts& counts) : rng_(rng), n_(counts) {}

  void round(double seconds) {
    pjtest::TempDir dir;
    root_ = dir.path();
    acks_.clear();
    ++n_.rounds;
    const int ids = 3 + static_cast<int>(rng_() % 3);  // 3 to 5 sessions
    ids_.clear();
    for (int i = 0; i < ids; ++i) ids_.push_back("s" + std::to_string(i));
    std::vector<Proc> procs(4);
    for (auto& p : procs) start(p);
    const auto end = Steady::now() + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(seconds));
    while (Steady::now() < end) {
      drain_for(procs, std::chrono::milliseconds(rng_() % 250));
      Proc& victim = procs[rng_() % procs.size()];
      kill_and_reap(victim);
      ++n_.kills;
      std::vector<Proc*> stopped, ended;
      for (auto& p : procs)
        if (&p != &victim) (stop(p) ? stopped : ended).push_back(&p);
      for (auto& p : procs)
        if (p.fd >= 0) drain(p, false);
      check(/*all_dead=*/false);
      for (Proc* p : stopped) {
        if (resumed_by_someone_else(*p))
          violation("child " + std::to_string(p->pid) + " was resumed by someone else while stopped for the check");
        ::kill(p->pid, SIGCONT);
      }
      for (Proc* p : ended) start(*p);
      start(victim);
    }
    for (auto& p : procs) {
      kill_and_reap(p);
      ++n_.kills;
    }
    check(/*all_dead=*/true);
  }

 private:
  void start(Proc& p) {
    int fds[2];
    BOOST_REQUIRE(::pipe(fds) == 0);
    unsigned seed = rng_();
    const pid_t driver = ::getpid();
    pid_t pid = ::fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
      // A process group of its own. In the driver's group, a stopped child is
      // resumed by the kernel (SIGHUP, then SIGCONT, to every member) when
      // that group becomes orphaned, for instance when the shell that started
      // the soak in the background exits: the files then change while they
      // are checked. A group whose only member's parent (the driver) lives in
      // another group of the same session is never orphaned while the driver
      // lives; and the child dies with the driver.
      ::setpgid(0, 0);
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != driver) ::_exit(0);
      ::close(fds[0]);
      run_child(root_, ids_, fds[1], seed);
    }
    ::setpgid(pid, pid);  // also here, so it holds before the first SIGSTOP
    ::close(fds[1]);
    ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    p.pid = pid;
    p.fd = fds[0];
    p.buf.clear();
  }

  // Stops a child (returns true), or reaps one that ended on its own (a
  // violation: children only ever die by SIGKILL) and returns false.
  // A SIGCONT from someone else before the child stopped cancels the
  // SIGSTOP, so it is sent again every half second rather than waited for
  // forever.
  bool stop(Proc& p) {
    int status = 0;
    for (pid_t r = 0; r == 0;) {
      ::kill(p.pid, SIGSTOP);
      const auto resend = Steady::now() + std::chrono::milliseconds(500);
      for (auto pause = std::chrono::microseconds(50); (r = ::waitpid(p.pid, &status, WUNTRACED | WNOHANG)) == 0 &&
                                                       Steady::now() < resend;
           pause = std::min(2 * pause, std::chrono::microseconds(10000)))
        std::this_thread::sleep_for(pause);
    }
    if (WIFSTOPPED(status)) return true;
    violation("a child ended on its own: exit " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
              ", signal " + std::to_string(WIFSIGNALED(status) ? WTERMSIG(status) : 0));
    drain(p, true);
    ::close(p.fd);
    p.fd = -1;
    return false;
  }

  // Whether a stopped child was continued since stop() saw it stop (a
  // SIGCONT the driver did not send). Its own SIGCONT's report is cleared by
  // the next stop.
  static bool resumed_by_someone_else(const Proc& p) {
    int status = 0;
    return ::waitpid(p.pid, &status, WNOHANG | WCONTINUED) == p.pid && WIFCONTINUED(status);
  }

  void kill_and_reap(Proc& p) {
    ::kill(p.pid, SIGKILL);
    int status = 0;
    ::waitpid(p.pid, &status, 0);
    if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
      violation("a child ended on its own: exit " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1));
    drain(p, true);
    ::close(p.fd);
    p.fd = -1;
  }

  // Reads what is there (or, `to_eof`, everything until the child's end).
  void drain(Proc& p, bool to_eof) {
    char chunk[8192];
    for (;;) {
      ssize_t n = ::read(p.fd, chunk, sizeof chunk);
      if (n > 0) {
        p.buf.append(chunk, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0 || !to_eof || errno != EAGAIN) break;
      pollfd pfd{p.fd, POLLIN, 0};
      ::poll(&pfd, 1, 100);
    }
    std::size_t at = 0, nl;
    while ((nl = p.buf.find('\n', at)) != std::string::npos) {
      char id[64] = {0}, hash[65] = {0};
      unsigned long long seq = 0;
      if (std::sscanf(p.buf.c_str() + at, "%63s %llu %64s", id, &seq, hash) == 3) {
        auto [it, fresh] = acks_.emplace(std::make_pair(std::string(id), seq), hash);
        ++n_.acks;
        if (!fresh) violation(std::string("seq ") + std::to_string(seq) + " of " + id + " acknowledged twice");
      } else {
        violation("an unreadable ack line");
      }
      at = nl + 1;
    }
    p.buf.erase(0, at);
  }

  void drain_for(std::vector<Proc>& procs, std::chrono::milliseconds d) {
    const auto end = Steady::now() + d;
    std::vector<pollfd> pfds;
    for (auto& p : procs) pfds.push_back({p.fd, POLLIN, 0});
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Steady::now()).count();
      if (left <= 0) break;
      if (::poll(pfds.data(), pfds.size(), static_cast<int>(left)) > 0)
        for (auto& p : procs) drain(p, false);
    }
  }

  void violation(const std::string& what) {
    ++n_.violations;
    BOOST_ERROR("soak invariant violated (round " << n_.rounds << ", kill " << n_.kills << "): " << what);
  }

  void check(bool all_dead) {
    ++n_.recoveries;
    for (const auto& id : ids_) {
      try {
        check_session(id, all_dead);
      } catch (const std::exception& e) {
        violation("session " + id + ": " + e.what());
      }
    }
  }

  void check_session(const std::string& id, bool all_dead) {
    const std::string dir = session_dir(root_, id);
    if (!default_file_system()->exists(journal_path(root_, id))) {
      for (const auto& [key, hash] : acks_)
        if (key.first == id) violation("session " + id + " was acknowledged but has no journal");
      return;
    }
    // Everything is read first, and judged only if no byte of the folder
    // changed meanwhile: the check rests on the other children staying
    // stopped (see start() and resumed_by_someone_else()).
    const std::string before = folder_fingerprint(dir);
    // Opens with a fresh manager (snapshot plus tail).
    SessionManager m(root_);
    auto s = m.get_session(id);
    auto report = verify_session(root_, id);
    // Full replay from seq 0, snapshots ignored (the reader checks seqs are
    // contiguous and the chain holds).
    auto events = pjtest::read_events(root_, id);
    const std::string after = folder_fingerprint(dir);
    if (after != before) {
      violation("the folder of " + id + " changed while it was checked, so this check proves nothing (was a stopped " +
                "child resumed?):\n before:" + before + "\n after: " + after);
      return;
    }
    // verify: ok, a torn tail allowed.
    if (!report.ok()) violation("verify " + id + ": " + report.problems.front().reason);
    for (const auto& p : report.problems)
      if (p.kind == VerifyProblem::Kind::kTornTail) ++n_.torn;
    n_.snapshots += report.snapshots_checked;
    if (!m.snapshot_problems().empty()) violation("snapshot problem in " + id + ": " + m.snapshot_problems()[0].reason);
    n_.events += events.size();
    std::set<std::string> hashes;
    for (const auto& e : events)
      if (!hashes.insert(e.hash).second) violation("hash repeated in " + id + " at seq " + std::to_string(e.seq));
    for (auto it = acks_.lower_bound({id, 0}); it != acks_.end() && it->first.first == id; ++it) {
      std::uint64_t seq = it->first.second;
      if (seq == 0 || seq > events.size())
        violation("acknowledged seq " + std::to_string(seq) + " of " + id + " is lost (journal has " +
                  std::to_string(events.size()) + ")");
      else if (events[seq - 1].hash != it->second)
        violation("acknowledged seq " + std::to_string(seq) + " of " + id + " has another hash on disk");
    }
    if (events.empty()) {
      if (s) violation("a session without events opened");
    } else if (!s) {
      violation("session " + id + " with events did not open");
    } else {
      const bool differs = s->version() != events.size() ||
                           json::serialize(s->to_dict()) != json::serialize(to_dict(replay(events)));
      if (differs) keep_evidence(id);
      if (s->version() != events.size()) {
        std::vector<SnapshotProblem> problems;
        auto snap = load_newest_snapshot(*default_file_system(), dir, journal_path(root_, id), &problems);
        violation("get_session of " + id + " stands at seq " + std::to_string(s->version()) + ", a full replay at " +
                  std::to_string(events.size()) + " (newest usable snapshot: " +
                  (snap ? "seq " + std::to_string(snap->position.seq) + " offset " +
                              std::to_string(snap->position.offset)
                        : std::string("none")) +
                  ", " + std::to_string(problems.size()) + " unusable; verify: " + std::to_string(report.events) +
                  " events, " + std::to_string(report.problems.size()) + " problems; folder:" + after + ")");
      }
      if (json::serialize(s->to_dict()) != json::serialize(to_dict(replay(events))))
        violation("get_session state differs from a full replay of " + id);
    }
    // No temp file survives the open, unless a live writer holds it.
    for (const auto& name : default_file_system()->list_dir(dir)) {
      if (!name.ends_with(".tmp")) continue;
      if (all_dead) {
        violation("temp file left after the open: " + id + "/" + name);
        continue;
      }
      int fd = ::open((dir + "/" + name).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
      if (fd < 0) continue;  // gone meanwhile
      if (::flock(fd, LOCK_EX | LOCK_NB) == 0) violation("stale temp file left after the open: " + id + "/" + name);
      ::close(fd);
    }
  }

  // Each file of a session folder with its size and SHA-256: equal
  // fingerprints mean no byte changed. Snapshot temp files are left out: the
  // open removes the dead victim's.
  static std::string folder_fingerprint(const std::string& dir) {
    auto names = default_file_system()->list_dir(dir);
    std::sort(names.begin(), names.end());
    std::string out;
    for (const auto& name : names) {
      if (name.ends_with(".tmp")) continue;
      std::string bytes;
      try {
        bytes = pjtest::read_file(dir + "/" + name);
      } catch (const std::exception&) {
        bytes = "(unreadable)";
      }
      out += " " + name + ":" + std::to_string(bytes.size()) + ":" + pjtest::sha256_hex_of(bytes).substr(0, 12);
    }
    return out;
  }

  // Copies a session folder that failed a check to $PJ_SOAK_EVIDENCE (default
  // /tmp/pj-soak-evidence) and says whether a second fresh open agrees.
  void keep_evidence(const std::string& id) {
    const char* env = std::getenv("PJ_SOAK_EVIDENCE");
    std::string to = std::string(env ? env : "/tmp/pj-soak-evidence") + "/round" + std::to_string(n_.rounds) + "-kill" +
                     std::to_string(n_.kills) + "-" + id;
    std::error_code ec;
    std::filesystem::create_directories(to, ec);
    std::filesystem::copy(session_dir(root_, id), to, std::filesystem::copy_options::recursive, ec);
    SessionManager again(root_);
    auto s2 = again.get_session(id);
    auto events2 = pjtest::read_events(root_, id);
    BOOST_TEST_MESSAGE("soak evidence kept in " << to << " (" << (ec ? ec.message() : "copied") << "); a second open stands at seq "
                                                << (s2 ? s2->version() : 0) << ", a second full read has "
                                                << events2.size() << " events");
  }

  std::mt19937& rng_;
  Counts& n_;
  std::string root_;
  std::vector<std::string> ids_;
  std::map<std::pair<std::string, std::uint64_t>, std::string> acks_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(soak)

BOOST_AUTO_TEST_CASE(random_operations_and_kills_keep_every_invariant) {
  const double seconds = pjtest::env_count("PJ_SOAK_SECONDS", 20);
  const double round_seconds = std::max(1, pjtest::env_count("PJ_SOAK_ROUND_SECONDS", 15));
  std::mt19937 rng(static_cast<unsigned>(pjtest::env_count("PJ_SOAK_SEED", 20261125)));
  Counts n;
  Soak soak(rng, n);
  const auto start = Steady::now();
  for (double left = seconds; left > 0;) {
    soak.round(std::min(left, round_seconds));
    left = seconds - std::chrono::duration<double>(Steady::now() - start).count();
  }
  const double took = std::chrono::duration<double>(Steady::now() - start).count();
  BOOST_TEST_MESSAGE("soak " << static_cast<int>(took) << " s, " << n.rounds << " rounds: children killed "
                             << n.kills << ", acknowledged events " << n.acks << ", recoveries checked "
                             << n.recoveries << " (" << n.events << " events replayed, " << n.snapshots
                             << " snapshots verified, " << n.torn << " torn tails), invariant violations "
                             << n.violations);
  BOOST_TEST(n.violations == 0u);
  BOOST_TEST(n.kills > 0u);
  BOOST_TEST(n.acks > 0u);
}

BOOST_AUTO_TEST_SUITE_END()
