// Allocation failure (SQLite's OOM loop): for each operation, fail allocation
// number N = 1, 2, ... (alloc_inject.h) until the operation runs without
// reaching an injected failure, and after every N check that
//   - the failure surfaced as std::bad_alloc or JournalError (a std::terminate
//     aborts the run, naming the operation and N),
//   - the journal verifies clean (not even a torn tail),
//   - the file holds exactly the events before the operation (failure) or
//     those plus the new ones (success): an exception means nothing was
//     committed, never a partial line, never an acknowledged-looking failure,
//   - a fresh reader / SessionManager sees a state consistent with the disk,
//   - the in-memory object (Journal head, OptimizationSession) is never ahead
//     of the disk and stays usable: retrying the operation succeeds,
//   - no file descriptor leaks (and, under ASan, no memory leaks).
// Each operation runs twice: the Nth allocation fails once, and from the Nth
// on every allocation fails (error paths that allocate must not terminate).
#include <dirent.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <exception>
#include <functional>
#include <memory>
#include <sstream>

#include "alloc_inject.h"
#include "promptjournal/session_manager.h"
#include "promptjournal/snapshot.h"
#include "promptjournal/verify.h"
#include "reliability_util.h"
#include "test_util.h"

using namespace promptjournal;
namespace json = boost::json;

namespace {

// --- reporting a std::terminate -------------------------------------------

const char* g_case = "(none)";
std::uint64_t g_n = 0;
bool g_persistent = false;

[[noreturn]] void on_terminate() {
  std::fprintf(stderr, "std::terminate in '%s' with allocation %llu failing%s\n", g_case,
               static_cast<unsigned long long>(g_n), g_persistent ? " (and every one after it)" : "");
  std::abort();
}

struct InstallTerminate {
  InstallTerminate() { std::set_terminate(on_terminate); }
} install_terminate;

// --- files ------------------------------------------------------------------

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

std::string bytes_of(const std::string& path) { return exists(path) ? pjtest::read_file(path) : std::string(); }

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") out.push_back(n);
    }
    ::closedir(d);
  }
  return out;
}

int open_fds() { return static_cast<int>(names_in("/proc/self/fd").size()); }

std::size_t count_lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

std::vector<Event> events_of(const std::string& root, const std::string& id) {
  return exists(journal_path(root, id)) ? pjtest::read_events(root, id) : std::vector<Event>{};
}

std::string dict_of(const SessionState& s) { return json::serialize(to_dict(s)); }

std::string replayed_dict(const std::vector<Event>& events, std::size_t n) {
  return dict_of(replay(std::vector<Event>(events.begin(), events.begin() + static_cast<long>(n))));
}

// The byte offset just after line `n` of a journal.
std::uint64_t offset_after(const std::string& root, const std::string& id, std::uint64_t n) {
  std::string bytes = bytes_of(journal_path(root, id));
  std::uint64_t at = 0;
  for (std::uint64_t i = 0; i < n; ++i) at = bytes.find('\n', at) + 1;
  return at;
}

// --- shared checks ------------------------------------------------------------

// The journal after the operation: clean, and exactly `before` (failure) or
// `before` plus `added` complete lines (success).
void check_journal(const std::string& root, const std::string& id, const std::string& before, bool committed,
                   std::size_t added) {
  std::string after = bytes_of(journal_path(root, id));
  if (!committed) {
    BOOST_TEST(after.size() == before.size(), "a failed operation changed the journal");
    BOOST_TEST((after == before));
  } else {
    BOOST_TEST((after.compare(0, before.size(), before) == 0), "history before the operation changed");
    BOOST_TEST(count_lines(after) == count_lines(before) + added);
    BOOST_TEST((after.empty() || after.back() == '\n'), "a partial line");
  }
  if (exists(journal_path(root, id))) {
    auto report = verify_session(root, id);
    BOOST_TEST(report.ok());
    BOOST_TEST(report.problems.empty(), "verify: " << (report.problems.empty() ? "" : report.problems[0].reason));
  } else {
    BOOST_TEST(before.empty());
  }
  for (const auto& n : names_in(session_dir(root, id)))
    BOOST_TEST(!n.ends_with(".tmp"), "a temp file was left behind: " << n);
}

// A fresh manager sees exactly the journal.
void check_fresh_manager(const std::string& root, const std::string& id) {
  auto events = events_of(root, id);
  ManagerOptions mo;
  mo.snapshot_every = 0;
  SessionManager fresh(root, mo);
  auto s = fresh.get_session(id);
  if (events.empty()) {
    BOOST_TEST(!s);
    return;
  }
  BOOST_REQUIRE(s);
  BOOST_TEST(s->version() == events.size());
  BOOST_TEST(json::serialize(s->to_dict()) == replayed_dict(events, events.size()));
  BOOST_TEST(fresh.snapshot_problems().empty());
}

// The object stands at a position the disk holds, with the state of that prefix.
void check_session_not_ahead(const OptimizationSession& s, const std::string& root) {
  auto events = events_of(root, s.session_id());
  BOOST_TEST(s.version() <= events.size(), "the session is ahead of the journal");
  if (s.version() > events.size()) return;
  if (s.version() == 0) {
    BOOST_TEST((s.position() == Position{}));
    return;
  }
  const Event& last = events[s.version() - 1];
  BOOST_TEST(s.position().hash == last.hash);
  BOOST_TEST(s.position().at == last.at);
  BOOST_TEST(s.position().offset == offset_after(root, s.session_id(), s.version()));
  // The object keeps its caller's credentials; the journal has them redacted.
  SessionState st = s.state();
  st.config = st.config.redacted();
  BOOST_TEST(json::serialize(to_dict(st)) == replayed_dict(events, s.version()));
}

void check_head_not_ahead(const Journal& j, const std::string& root) {
  auto events = events_of(root, j.session_id());
  Position h = j.head();
  BOOST_TEST(h.seq <= events.size(), "the journal handle is ahead of the file");
  if (h.seq == 0 || h.seq > events.size()) {
    BOOST_TEST((h.seq > 0 || h == Position{}));
    return;
  }
  BOOST_TEST(h.hash == events[h.seq - 1].hash);
  BOOST_TEST(h.offset == offset_after(root, j.session_id(), h.seq));
  BOOST_TEST(h.at == events[h.seq - 1].at);
}

// --- the loop -----------------------------------------------------------------

struct Outcome {
  bool threw = false;
  bool bad_alloc = false;
  bool journal_error = false;
  std::string what;
  std::uint64_t injected = 0;     // failed allocations
  std::uint64_t allocations = 0;  // allocations the operation made (armed)
};

// One operation on a fresh folder: set up unarmed in the constructor, run()
// armed, check() unarmed.
class Case {
 public:
  explicit Case(std::string root) : root_(std::move(root)) {}
  virtual ~Case() = default;
  virtual void run() = 0;
  virtual void check(const Outcome& o) = 0;

 protected:
  std::string root_;
};

using Factory = std::function<std::unique_ptr<Case>(const std::string& root)>;

Outcome run_armed(Case& c, std::uint64_t n, bool persistent) {
  Outcome o;
  std::exception_ptr error;
  {
    pjtest::alloc::Armed armed(n, persistent);
    try {
      c.run();
    } catch (...) {
      error = std::current_exception();  // no allocation: a reference count
    }
    o.injected = pjtest::alloc::failed();
    o.allocations = pjtest::alloc::count();
  }
  if (error) {
    o.threw = true;
    try {
      std::rethrow_exception(error);
    } catch (const std::bad_alloc& e) {
      o.bad_alloc = true;
      o.what = e.what();
    } catch (const JournalError& e) {
      o.journal_error = true;
      o.what = e.what();
    } catch (const std::exception& e) {
      o.what = std::string("unexpected exception type: ") + e.what();
    } catch (...) {
      o.what = "unexpected exception of a non-standard type";
    }
  }
  return o;
}

struct Tally {
  std::uint64_t points = 0;       // N at which an injected failure happened
  std::uint64_t bad_alloc = 0;    // ... and surfaced as std::bad_alloc
  std::uint64_t journal_error = 0;
  std::uint64_t absorbed = 0;     // ... and the operation still succeeded
  std::uint64_t clean_allocations = 0;
};

Tally loop(const char* name, bool persistent, const Factory& make) {
  Tally t;
  g_case = name;
  g_persistent = persistent;
  for (std::uint64_t n = 1;; ++n) {
    g_n = n;
    pjtest::TempDir root;
    const int fds = open_fds();
    Outcome o;
    {
      auto c = make(root.path());
      o = run_armed(*c, n, persistent);
      BOOST_TEST_CONTEXT(name << (persistent ? " (persistent)" : "") << ", allocation " << n << " failing: "
                              << (o.threw ? o.what : std::string("succeeded"))) {
        BOOST_TEST((!o.threw || o.bad_alloc || o.journal_error), "not std::bad_alloc or JournalError");
        BOOST_TEST((!o.threw || o.injected > 0), "failed with no injected failure");
        c->check(o);
      }
    }
    BOOST_TEST(open_fds() == fds, name << ", allocation " << n << ": a file descriptor leaked");
    if (o.injected == 0) {
      t.clean_allocations = o.allocations;
      break;
    }
    ++t.points;
    if (o.bad_alloc) ++t.bad_alloc;
    if (o.journal_error) ++t.journal_error;
    if (!o.threw) ++t.absorbed;
    BOOST_REQUIRE_MESSAGE(n < 200000, name << ": no end to the allocations");
  }
  return t;
}

void run_both(const char* name, const Factory& make) {
  for (bool persistent : {false, true}) {
    Tally t = loop(name, persistent, make);
    BOOST_TEST_MESSAGE(name << (persistent ? ", every allocation from N on failing: " : ", allocation N failing: ")
                            << t.points << " failure points (" << t.bad_alloc << " std::bad_alloc, "
                            << t.journal_error << " JournalError, " << t.absorbed << " absorbed), "
                            << t.clean_allocations << " allocations in a clean run");
    BOOST_TEST(t.points > 0u);
  }
}

// --- fixtures -------------------------------------------------------------------

Config test_config() {
  Config c;
  c.set_model_name("gpt-test").set_task_type("qa").set_temperature(0.5);
  c.set("model_api_key", json::string("sk-TEST-secret"));
  return c;
}

EventData feedback(const std::string& text) {
  return FeedbackAdded{Feedback("fb-" + text, text, 0, 4, "comment on " + text, std::string("p1"),
                                "2026-11-25T10:00:00.000001")};
}

// A session "s" of `events` events written by a manager without snapshots;
// with `snapshot_at`, a snapshot at that seq.
void seed_session(const std::string& root, int events, int snapshot_at = 0) {
  ManagerOptions mo;
  mo.journal.durability = Durability::kNone;
  mo.snapshot_every = 0;
  SessionManager m(root, mo);
  auto s = m.create_session("s", "initial input", test_config());
  for (int i = 2; i <= events; ++i) {
    if (i % 3 == 0)
      s->update_optimized_prompt("prompt " + std::to_string(i), {"fb-" + std::to_string(i - 1)});
    else if (i % 3 == 1)
      s->add_individual_feedback(json::value{{"n", i}, {"list", json::array{1, "two", nullptr}}});
    else
      s->add_feedback(Feedback("fb-" + std::to_string(i), "span", 0, 4, "comment " + std::to_string(i),
                               std::string("p1"), "2026-11-25T10:00:00.000001"));
    if (i == snapshot_at) m.snapshot("s");
  }
}

// Journal::append of `batch_size` events, through a fresh handle (which reads
// the file first) or one that has just written the history (warm).
class JournalAppend : public Case {
 public:
  JournalAppend(std::string root, Durability d, std::size_t batch_size, bool warm) : Case(std::move(root)) {
    JournalOptions opt;
    opt.durability = d;
    if (warm) {
      j_ = std::make_unique<Journal>(root_, "s", opt);
      j_->append({pjtest::created(), pjtest::input("a"), feedback("b")}, 0);
    } else {
      Journal(root_, "s", opt).append({pjtest::created(), pjtest::input("a"), feedback("b")}, 0);
      j_ = std::make_unique<Journal>(root_, "s", opt);
    }
    for (std::size_t i = 0; i < batch_size; ++i) {
      if (i % 4 == 0) batch_.push_back(pjtest::input("input " + std::to_string(i)));
      if (i % 4 == 1) batch_.push_back(feedback(std::to_string(i)));
      if (i % 4 == 2) batch_.push_back(OptimizedPromptUpdated{"prompt " + std::to_string(i), {"fb-1"}});
      if (i % 4 == 3) batch_.push_back(ComprehensiveFeedbackSet{json::value{{"score", i}, {"notes", "ok"}}});
    }
    meta_ = json::object{{"source", "alloc test"}};
    before_ = bytes_of(journal_path(root_, "s"));
  }
  void run() override { result_ = j_->append(batch_, 3, meta_); }
  void check(const Outcome& o) override {
    check_journal(root_, "s", before_, !o.threw, batch_.size());
    check_head_not_ahead(*j_, root_);
    auto events = events_of(root_, "s");
    if (!o.threw) {
      BOOST_TEST(result_.events.size() == batch_.size());
      BOOST_TEST(result_.head.seq == 3 + batch_.size());
      BOOST_TEST((result_.head == j_->head()));
      BOOST_TEST(result_.events.back().hash == events.back().hash);
    } else {
      // The handle is not bricked: the same append now goes through.
      BOOST_TEST(j_->append(batch_, 3, meta_).head.seq == 3 + batch_.size());
      check_head_not_ahead(*j_, root_);
      BOOST_TEST(verify_session(root_, "s").problems.empty());
    }
    check_fresh_manager(root_, "s");
  }

 private:
  std::unique_ptr<Journal> j_;
  std::vector<EventData> batch_;
  json::object meta_;
  std::string before_;
  Journal::AppendResult result_;
};

ManagerOptions fsync_options(std::uint64_t snapshot_every = 0) {
  ManagerOptions mo;
  mo.journal.durability = Durability::kFsync;
  mo.snapshot_every = snapshot_every;
  return mo;
}

class CreateSession : public Case {
 public:
  explicit CreateSession(std::string root) : Case(std::move(root)), m_(root_, fsync_options(1)) {}
  void run() override { s_ = m_.create_session("c", "the initial input", test_config()); }
  void check(const Outcome& o) override {
    check_journal(root_, "c", "", !o.threw, 1);
    if (o.threw) {
      BOOST_TEST(!exists(journal_path(root_, "c")), "a failed create left a journal file");
      BOOST_TEST(!m_.get_session("c"));
      s_ = m_.create_session("c", "the initial input", test_config());  // the id is usable
    }
    BOOST_REQUIRE(s_);
    BOOST_TEST(s_->version() == 1u);
    check_session_not_ahead(*s_, root_);
    // Whole in the caller's object, redacted on disk (check_fresh_manager reads the disk).
    BOOST_TEST(s_->config().get_string("model_api_key").value_or("") == "sk-TEST-secret");
    BOOST_TEST(pjtest::read_file(journal_path(root_, "c")).find("sk-TEST-secret") == std::string::npos);
    check_fresh_manager(root_, "c");
  }

 private:
  SessionManager m_;
  std::shared_ptr<OptimizationSession> s_;
};

// A managed session's write-through mutations, then update_session as the
// seed API does it. `snapshot_every` 1 makes every commit write a snapshot.
class ManagedMutation : public Case {
 public:
  enum class What { kAddFeedback, kPromptThenUpdate, kEveryKind };
  ManagedMutation(std::string root, What what, std::uint64_t snapshot_every)
      : Case(std::move(root)), what_(what) {
    seed_session(root_, 4);
    m_ = std::make_unique<SessionManager>(root_, fsync_options(snapshot_every));
    s_ = m_->get_session("s");
    fb_ = std::make_unique<Feedback>("fb-new", "span", 1, 3, "a new comment", std::string("p2"),
                                     "2026-11-25T11:00:00.000001");
    before_ = bytes_of(journal_path(root_, "s"));
    state_before_ = dict_of(s_->state());
    // Every kind of mutation. (An individual feedback appended to something
    // that is not a list can no longer be reached through the API: a set
    // requires a list.)
    steps_ = {
        [this] { s_->add_feedback(*fb_); },
        [this] { s_->update_optimized_prompt("the new prompt", {"fb-2"}); },
        [this] { s_->update_human_input("a new input"); },
        [this] { s_->set_comprehensive_feedback(json::value{{"score", 0.5}, {"notes", json::array{"a", "b"}}}); },
        [this] { s_->add_individual_feedback(json::value{{"n", 1}}); },
        [this] { s_->set_individual_feedbacks(json::array{"a", "list"}); },
        [this] { s_->add_individual_feedback(json::value{{"n", 2}}); },
        [this] { s_->set_individual_feedbacks(json::array{1, 2}); },
    };
    if (what_ == What::kAddFeedback) steps_.resize(1);
  }
  void run() override {
    if (what_ == What::kPromptThenUpdate) {
      s_->update_optimized_prompt("the new prompt", {"fb-2"});
      ++done_;
      m_->update_session(*s_);
      return;
    }
    for (; done_ < steps_.size(); ++done_) steps_[done_]();
  }
  void check(const Outcome& o) override {
    // Each mutation that returned has its event in the journal, whatever came
    // after; the one that threw has none.
    check_journal(root_, "s", before_, true, done_);
    check_session_not_ahead(*s_, root_);
    BOOST_TEST(s_->version() == 4u + done_);
    if (done_ == 0) BOOST_TEST(dict_of(s_->state()) == state_before_, "a failed mutation moved the session");
    if (o.threw) {
      if (what_ == What::kPromptThenUpdate) {
        if (done_ == 0) s_->update_optimized_prompt("the new prompt", {"fb-2"});
        m_->update_session(*s_);
        done_ = 1;
      } else {
        for (; done_ < steps_.size(); ++done_) steps_[done_]();
      }
      check_session_not_ahead(*s_, root_);
      BOOST_TEST(verify_session(root_, "s").problems.empty());
    }
    BOOST_TEST(s_->version() == 4u + (what_ == What::kPromptThenUpdate ? 1u : steps_.size()));
    check_fresh_manager(root_, "s");
  }

 private:
  What what_;
  std::unique_ptr<SessionManager> m_;
  std::shared_ptr<OptimizationSession> s_;
  std::unique_ptr<Feedback> fb_;
  std::vector<std::function<void()>> steps_;
  std::string before_, state_before_;
  std::size_t done_ = 0;
};

// The seed's flow for a new session: the public constructor, a mutation
// (pending), then update_session, which creates the journal with both events.
class DetachedUpdateSession : public Case {
 public:
  explicit DetachedUpdateSession(std::string root)
      : Case(std::move(root)), m_(root_, fsync_options(1)) {
    d_ = std::make_unique<OptimizationSession>("d", "detached input", test_config());
    state_before_ = dict_of(d_->state());
  }
  void run() override {
    d_->update_optimized_prompt("prompt while detached");
    mutated_ = true;
    m_.update_session(*d_);
  }
  void check(const Outcome& o) override {
    const bool persisted = d_->is_managed();
    check_journal(root_, "d", "", persisted, 2);
    if (!persisted) {
      BOOST_TEST(!exists(journal_path(root_, "d")), "a failed update_session left a journal file");
      // The detached object is consistent: its state is its pending events.
      BOOST_TEST(d_->pending().size() == (mutated_ ? 2u : 1u));
      SessionState replayed;
      for (const auto& e : d_->pending()) apply(replayed, "d", e);
      BOOST_TEST(dict_of(replayed) == dict_of(d_->state()));
      if (!mutated_) BOOST_TEST(dict_of(d_->state()) == state_before_);
      BOOST_TEST(d_->version() == 0u);
    } else {
      BOOST_TEST(!o.threw, "update_session persisted the session but threw");
      BOOST_TEST(d_->pending().empty());
      BOOST_TEST(d_->version() == 2u);
      check_session_not_ahead(*d_, root_);
    }
    if (o.threw) {
      if (!mutated_) d_->update_optimized_prompt("prompt while detached");
      m_.update_session(*d_);
      BOOST_TEST(d_->version() == 2u);
      check_session_not_ahead(*d_, root_);
      check_journal(root_, "d", "", true, 2);
    }
    check_fresh_manager(root_, "d");
  }

 private:
  SessionManager m_;
  std::unique_ptr<OptimizationSession> d_;
  std::string state_before_;
  bool mutated_ = false;
};

// get_session: through a new manager from a snapshot plus its tail, or on a
// cached session that another manager's writes moved on (a refresh).
class GetSession : public Case {
 public:
  GetSession(std::string root, bool cached) : Case(std::move(root)), cached_(cached) {
    seed_session(root_, 10, 6);
    m_ = std::make_unique<SessionManager>(root_, fsync_options(0));
    if (cached_) {
      held_ = m_->get_session("s");
      auto other = SessionManager(root_, fsync_options(0)).get_session("s");
      other->update_human_input("moved on");
      other->add_feedback(Feedback("fb-x", "span", 0, 1, "from elsewhere", std::nullopt, "2026-11-25T12:00:00"));
    }
    before_ = bytes_of(journal_path(root_, "s"));
  }
  void run() override { got_ = m_->get_session("s"); }
  void check(const Outcome& o) override {
    check_journal(root_, "s", before_, false, 0);
    auto events = events_of(root_, "s");
    if (held_) check_session_not_ahead(*held_, root_);
    if (o.threw) got_ = m_->get_session("s");
    BOOST_REQUIRE(got_);
    if (held_) BOOST_TEST((got_ == held_));
    BOOST_TEST(got_->version() == events.size());
    BOOST_TEST(json::serialize(got_->to_dict()) == replayed_dict(events, events.size()));
    check_session_not_ahead(*got_, root_);
    BOOST_TEST(m_->snapshot_problems().empty());
    check_fresh_manager(root_, "s");
  }

 private:
  bool cached_;
  std::unique_ptr<SessionManager> m_;
  std::shared_ptr<OptimizationSession> held_, got_;
  std::string before_;
};

class Snapshot : public Case {
 public:
  explicit Snapshot(std::string root) : Case(std::move(root)), m_(root_, fsync_options(0)) {
    seed_session(root_, 10, 4);
    before_ = bytes_of(journal_path(root_, "s"));
  }
  void run() override { path_ = m_.snapshot("s"); }
  void check(const Outcome& o) override {
    check_journal(root_, "s", before_, false, 0);  // also: every snapshot agrees, no .tmp
    const std::string ten = snapshot_path(session_dir(root_, "s"), 10);
    if (!o.threw) BOOST_TEST(path_ == ten);
    if (o.threw) BOOST_TEST(!exists(ten), "snapshot() threw but its snapshot is in place");
    if (exists(ten)) {
      auto s = load_snapshot(*default_file_system(), ten, journal_path(root_, "s"));
      BOOST_TEST(dict_of(s.state) == replayed_dict(events_of(root_, "s"), 10));
    }
    if (o.threw) BOOST_TEST(m_.snapshot("s") == ten);
    check_fresh_manager(root_, "s");
  }

 private:
  SessionManager m_;
  std::string before_, path_;
};

class Verify : public Case {
 public:
  explicit Verify(std::string root) : Case(std::move(root)) {
    seed_session(root_, 10, 6);
    before_ = bytes_of(journal_path(root_, "s"));
  }
  void run() override { report_ = verify_session(root_, "s"); }
  void check(const Outcome& o) override {
    check_journal(root_, "s", before_, false, 0);
    if (!o.threw) {
      BOOST_TEST(report_.ok());
      BOOST_TEST(report_.problems.empty());
      BOOST_TEST(report_.events == 10u);
      BOOST_TEST(report_.snapshots_checked == 1u);
    }
  }

 private:
  std::string before_;
  VerifyReport report_;
};

// load_session_from_file of a promptomatix file from the corpus: imported
// once (a new journal), or again (nothing changes).
class Import : public Case {
 public:
  Import(std::string root, std::string file, bool again)
      : Case(std::move(root)), file_(pjtest::data_path("corpus/" + file + ".json")), id_(file),
        m_(root_, fsync_options(100)) {
    if (again) m_.load_session_from_file(file_);
    before_ = bytes_of(journal_path(root_, id_));
  }
  void run() override { s_ = m_.load_session_from_file(file_); }
  void check(const Outcome& o) override {
    if (before_.empty()) {
      if (o.threw) BOOST_TEST(!exists(journal_path(root_, id_)), "a failed import left a journal");
      check_journal(root_, id_, "", !o.threw, expected_events());
    } else {
      check_journal(root_, id_, before_, false, 0);
    }
    if (o.threw) s_ = m_.load_session_from_file(file_);
    BOOST_REQUIRE(s_);
    check_session_not_ahead(*s_, root_);
    BOOST_TEST(json::serialize(s_->to_dict()) == reference_dict());
    check_fresh_manager(root_, id_);
  }

 private:
  std::size_t expected_events() {
    if (events_ == 0) events_ = reference().second;
    return events_;
  }
  const std::string& reference_dict() { return reference().first; }
  // The state and event count of a clean import (once per file).
  const std::pair<std::string, std::size_t>& reference() {
    static std::map<std::string, std::pair<std::string, std::size_t>> cache;
    auto it = cache.find(file_);
    if (it == cache.end()) {
      pjtest::TempDir dir;
      SessionManager m(dir.path());
      auto s = m.load_session_from_file(file_);
      it = cache.emplace(file_, std::make_pair(json::serialize(s->to_dict()), s->version())).first;
    }
    return it->second;
  }

  std::string file_, id_;
  SessionManager m_;
  std::shared_ptr<OptimizationSession> s_;
  std::string before_;
  std::size_t events_ = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(alloc_failure)

BOOST_AUTO_TEST_CASE(journal_append_of_one_event) {
  run_both("Journal::append, 1 event, fresh handle, fsync", [](const std::string& r) {
    return std::make_unique<JournalAppend>(r, Durability::kFsync, 1, false);
  });
  run_both("Journal::append, 1 event, warm handle, no fsync", [](const std::string& r) {
    return std::make_unique<JournalAppend>(r, Durability::kNone, 1, true);
  });
}

BOOST_AUTO_TEST_CASE(journal_append_of_a_batch_of_8) {
  run_both("Journal::append, 8 events, warm handle, fsync", [](const std::string& r) {
    return std::make_unique<JournalAppend>(r, Durability::kFsync, 8, true);
  });
  run_both("Journal::append, 8 events, fresh handle, no fsync", [](const std::string& r) {
    return std::make_unique<JournalAppend>(r, Durability::kNone, 8, false);
  });
}

BOOST_AUTO_TEST_CASE(create_session) {
  run_both("SessionManager::create_session", [](const std::string& r) { return std::make_unique<CreateSession>(r); });
}

BOOST_AUTO_TEST_CASE(add_feedback) {
  run_both("OptimizationSession::add_feedback", [](const std::string& r) {
    return std::make_unique<ManagedMutation>(r, ManagedMutation::What::kAddFeedback, 0);
  });
  run_both("OptimizationSession::add_feedback, snapshot due", [](const std::string& r) {
    return std::make_unique<ManagedMutation>(r, ManagedMutation::What::kAddFeedback, 1);
  });
}

BOOST_AUTO_TEST_CASE(every_kind_of_mutation) {
  run_both("8 mutations of every kind, in a row", [](const std::string& r) {
    return std::make_unique<ManagedMutation>(r, ManagedMutation::What::kEveryKind, 0);
  });
}

BOOST_AUTO_TEST_CASE(update_optimized_prompt_then_update_session) {
  run_both("update_optimized_prompt + update_session", [](const std::string& r) {
    return std::make_unique<ManagedMutation>(r, ManagedMutation::What::kPromptThenUpdate, 0);
  });
  run_both("detached session: update_optimized_prompt + update_session", [](const std::string& r) {
    return std::make_unique<DetachedUpdateSession>(r);
  });
}

BOOST_AUTO_TEST_CASE(get_session) {
  run_both("get_session, snapshot + tail", [](const std::string& r) { return std::make_unique<GetSession>(r, false); });
  run_both("get_session, cached session refreshed", [](const std::string& r) {
    return std::make_unique<GetSession>(r, true);
  });
}

BOOST_AUTO_TEST_CASE(snapshot) {
  run_both("SessionManager::snapshot", [](const std::string& r) { return std::make_unique<Snapshot>(r); });
}

BOOST_AUTO_TEST_CASE(verify) {
  run_both("verify_session", [](const std::string& r) { return std::make_unique<Verify>(r); });
}

BOOST_AUTO_TEST_CASE(import_from_the_corpus) {
  run_both("load_session_from_file (corpus, Unicode)", [](const std::string& r) {
    return std::make_unique<Import>(r, "1795522344.376803", false);
  });
  run_both("load_session_from_file again (unchanged)", [](const std::string& r) {
    return std::make_unique<Import>(r, "1795522344.376803", true);
  });
}

BOOST_AUTO_TEST_SUITE_END()
