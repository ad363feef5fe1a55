// pj_compare: runs the journal and what it is measured against side by side
// in one process, interleaved round by round, and prints Markdown tables of
// medians and ratios (benchmarks/RESULTS.md). With --out DIR it also writes
// the data files plot.gp turns into pictures.
//
//   pj_compare [--max-events N] [--sessions N] [--feedbacks N] [--rounds N] [--out DIR]
//              [--only append|rewrite|open|sessions] [--quick]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "baselines.h"
#include "promptjournal/journal.h"
#include "promptjournal/session_manager.h"
#include "promptjournal/verify.h"
#include "workload.h"

namespace pj = promptjournal;
using pjbench::Mix;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
  std::uint64_t max_events = 1000000;
  std::uint64_t sessions = 10000;
  std::uint64_t feedbacks = 10000;
  int rounds = 5;
  std::string out;
  std::string only;  // one section: append, rewrite, open, sessions
};

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

std::string fmt(double v, const char* f = "%.2f") {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

std::string us(double seconds) { return fmt(seconds * 1e6, seconds * 1e6 < 100 ? "%.2f" : "%.0f"); }
std::string ms(double seconds) { return fmt(seconds * 1e3, seconds * 1e3 < 10 ? "%.3f" : "%.1f"); }

void progress(const std::string& what) { std::fprintf(stderr, "pj_compare: %s\n", what.c_str()); }

std::string scratch(const std::string& name) {
  std::string dir = pjbench::bench_dir() + "/cmp-" + name;
  pjbench::remove_tree(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Peak resident memory (MiB) of a fresh process (this program re-executed
// with --rss-child) doing one `what` ("verify" or "open") on `root`, so the
// figure holds nothing of this process's own data. The child reports its own
// VmHWM: rusage would carry the parent's high-water mark across fork+exec.
double peak_rss_mib(const std::string& what, const std::string& root) {
  std::string cmd = "/proc/" + std::to_string(::getpid()) + "/exe --rss-child " + what + " '" + root + "'";
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  double kib = -1;
  if (std::fscanf(p, "%lf", &kib) != 1) kib = -1;
  return ::pclose(p) == 0 && kib >= 0 ? kib / 1024.0 : -1;
}

int rss_child(const std::string& what, const std::string& root) {
  pj::ManagerOptions mo;
  mo.snapshot_every = 0;
  bool ok = false;
  if (what == "verify") {
    ok = pj::verify_session(root, "s").ok();
  } else {
    pj::SessionManager m(root, mo);
    ok = m.get_session("s") != nullptr;
  }
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) std::printf("%s\n", line.c_str() + 6);
  return ok ? 0 : 1;
}

// ---------------------------------------------------------------- append

// A contender appends `ops` commits per call; returns seconds per event.
struct Contender {
  std::string name;
  std::string durability;
  int batch;
  std::function<void(int ops)> run;
  std::string baseline;  // the row it is compared with
  std::vector<double> samples;
};

void append_table(const Args& a, std::ostream& dat) {
  progress("append");
  pjbench::EventSource src(Mix::kMixed, 7);
  std::vector<pj::EventData> pool;
  for (int i = 0; i < 4096; ++i) pool.push_back(src.next());
  std::size_t at = 0;
  auto take = [&](int n) {
    std::vector<pj::EventData> v;
    for (int i = 0; i < n; ++i) v.push_back(pool[at++ % pool.size()]);
    return v;
  };

  std::vector<std::unique_ptr<pj::Journal>> journals;
  std::vector<std::unique_ptr<pjbench::FloorWriter>> floors;
  std::vector<std::unique_ptr<pjbench::SqliteStore>> dbs;
  std::vector<std::unique_ptr<pj::SessionManager>> managers;
  std::vector<Contender> cs;
  auto journal = [&](bool sync, int batch) {
    pj::JournalOptions o;
    o.durability = sync ? pj::Durability::kFsync : pj::Durability::kNone;
    std::string root = scratch("append-journal-" + std::to_string(sync) + "-" + std::to_string(batch));
    journals.push_back(std::make_unique<pj::Journal>(root, "s", o));
    pj::Journal* j = journals.back().get();
    j->append({pjbench::EventSource::created()}, 0);
    auto batches = std::make_shared<std::vector<std::vector<pj::EventData>>>();
    for (int i = 0; i < 32; ++i) batches->push_back(take(batch));
    cs.push_back({"journal (Journal::append)", sync ? "fsync" : "none", batch,
                  [j, batches](int ops) {
                    for (int i = 0; i < ops; ++i) j->append((*batches)[i % batches->size()], j->head().seq);
                  },
                  "floor"});
  };
  auto floor = [&](bool sync, int batch) {
    std::string root = scratch("append-floor-" + std::to_string(sync) + "-" + std::to_string(batch));
    floors.push_back(std::make_unique<pjbench::FloorWriter>(root + "/f.jsonl", sync));
    auto* f = floors.back().get();
    auto batches = std::make_shared<std::vector<std::vector<pj::EventData>>>();
    for (int i = 0; i < 32; ++i) batches->push_back(take(batch));
    cs.push_back({"floor (serialise + SHA-256 + write" + std::string(sync ? " + fdatasync)" : ")"),
                  sync ? "fsync" : "none", batch,
                  [f, batches](int ops) {
                    for (int i = 0; i < ops; ++i) f->append((*batches)[i % batches->size()]);
                  },
                  ""});
  };
  auto session = [&](bool sync) {
    pj::ManagerOptions mo;
    mo.journal.durability = sync ? pj::Durability::kFsync : pj::Durability::kNone;
    managers.push_back(std::make_unique<pj::SessionManager>(scratch(std::string("append-session-") + (sync ? "1" : "0")), mo));
    auto s = managers.back()->create_session("s", "in", pj::Config());
    auto fbs = std::make_shared<std::vector<pj::Feedback>>();
    pjbench::EventSource fsrc(Mix::kFeedback, 9);
    for (int i = 0; i < 512; ++i) fbs->push_back(std::get<pj::FeedbackAdded>(fsrc.next()).feedback);
    cs.push_back({"session (OptimizationSession::add_feedback)", sync ? "fsync" : "none", 1,
                  [s, fbs](int ops) {
                    for (int i = 0; i < ops; ++i) s->add_feedback((*fbs)[i % fbs->size()]);
                  },
                  "floor"});
  };
  auto sqlite = [&](const char* mode, int batch) {
    std::string root = scratch(std::string("append-sqlite-") + mode + "-" + std::to_string(batch));
    dbs.push_back(std::make_unique<pjbench::SqliteStore>(root + "/e.db", mode));
    auto* db = dbs.back().get();
    auto batches = std::make_shared<std::vector<std::vector<pj::EventData>>>();
    for (int i = 0; i < 32; ++i) batches->push_back(take(batch));
    bool full = std::strcmp(mode, "FULL") == 0;
    cs.push_back({std::string("SQLite WAL, synchronous=") + mode, full ? "fsync" : "none", batch,
                  [db, batches](int ops) {
                    for (int i = 0; i < ops; ++i) db->append("s", (*batches)[i % batches->size()]);
                  },
                  "journal"});
  };
  for (bool sync : {false, true})
    for (int batch : {1, 64}) {
      floor(sync, batch);
      journal(sync, batch);
    }
  session(false);
  session(true);
  for (int batch : {1, 64}) {
    sqlite("OFF", batch);
    sqlite("NORMAL", batch);
    sqlite("FULL", batch);
  }
  for (int r = 0; r < a.rounds; ++r) {
    for (auto& c : cs) {
      bool sync = c.durability == "fsync";
      int events = sync ? 300 : 3000;
      int ops = std::max(1, events / c.batch);
      auto t0 = Clock::now();
      c.run(ops);
      c.samples.push_back(seconds_since(t0) / (ops * c.batch));
    }
  }
  auto find = [&](const std::string& prefix, const std::string& d, int batch) -> const Contender* {
    for (const auto& c : cs)
      if (c.name.rfind(prefix, 0) == 0 && c.durability == d && c.batch == batch) return &c;
    return nullptr;
  };
  std::cout << "\n### Append (median µs per event over " << a.rounds << " interleaved rounds)\n\n"
            << "| contender | durability | batch | µs/event | events/s | ratio |\n|---|---|---|---|---|---|\n";
  for (const auto& c : cs) {
    double t = median(c.samples);
    std::string ratio;
    if (!c.baseline.empty()) {
      int batch = c.batch;
      const Contender* base = find(c.baseline, c.durability, batch);
      if (base) ratio = fmt(t / median(base->samples)) + "× " + c.baseline;
    }
    std::cout << "| " << c.name << " | " << c.durability << " | " << c.batch << " | " << us(t) << " | "
              << fmt(1.0 / t, "%.0f") << " | " << ratio << " |\n";
    std::string label = c.name.substr(0, c.name.find(' '));
    if (label == "SQLite") label += "-" + c.name.substr(c.name.find('=') + 1);
    else label += "-" + c.durability;
    dat << '"' << label << " b" << c.batch << "\" " << 1.0 / t << "\n";
  }
}

// ---------------------------------------------------------------- rewrite

void rewrite_table(const Args& a) {
  progress("rewrite vs journal, " + std::to_string(a.feedbacks) + " feedback mutations");
  pjbench::EventSource src(Mix::kFeedback, 11);
  std::vector<pj::EventData> events;
  for (std::uint64_t i = 0; i < a.feedbacks; ++i) events.push_back(src.next());
  std::cout << "\n### " << a.feedbacks << " feedback mutations of one session: journal vs rewriting the whole "
            << "session JSON (the original's design)\n\n"
            << "| design | durability | total s | µs/mutation | bytes written | ratio |\n|---|---|---|---|---|---|\n";
  // Both journal runs go first, and each run starts with no dirty pages: on
  // ext4 (data=ordered) an fdatasync also waits for other files' dirty data
  // and freed blocks, and the rewrite design leaves gigabytes of both.
  struct Run {
    std::uint64_t n;
    double t_journal = 0, t_rewrite = 0;
    std::uint64_t journal_bytes = 0, rewrite_bytes = 0;
  } runs[2];
  for (bool sync : {false, true}) {
    Run& r = runs[sync];
    r.n = sync ? std::min<std::uint64_t>(a.feedbacks, 2000) : a.feedbacks;
    std::string root = scratch(std::string("rewrite-journal-") + (sync ? "1" : "0"));
    ::sync();
    pj::ManagerOptions mo;
    mo.journal.durability = sync ? pj::Durability::kFsync : pj::Durability::kNone;
    pj::SessionManager m(root, mo);
    auto s = m.create_session("s", "in", pj::Config());
    auto t0 = Clock::now();
    for (std::uint64_t i = 0; i < r.n; ++i) s->add_feedback(std::get<pj::FeedbackAdded>(events[i]).feedback);
    r.t_journal = seconds_since(t0);
    for (const auto& e : std::filesystem::recursive_directory_iterator(root))
      if (e.is_regular_file()) r.journal_bytes += e.file_size();
  }
  for (bool sync : {false, true}) {
    Run& r = runs[sync];
    std::string root = scratch(std::string("rewrite-") + (sync ? "1" : "0"));
    ::sync();
    pjbench::RewriteStore rw(root + "/session.json", sync);
    rw.mutate(pjbench::EventSource::created());
    auto t0 = Clock::now();
    for (std::uint64_t i = 0; i < r.n; ++i) rw.mutate(events[i]);
    r.t_rewrite = seconds_since(t0);
    r.rewrite_bytes = rw.bytes_written();
  }
  for (bool sync : {false, true}) {
    const Run& r = runs[sync];
    const char* d = sync ? "fsync" : "none";
    std::cout << "| rewrite whole JSON per mutation | " << d << " (" << r.n << ") | " << fmt(r.t_rewrite, "%.3f")
              << " | " << us(r.t_rewrite / r.n) << " | " << r.rewrite_bytes << " | "
              << fmt(r.t_rewrite / r.t_journal, "%.0f") << "× slower |\n"
              << "| journal (add_feedback, snapshots on) | " << d << " (" << r.n << ") | "
              << fmt(r.t_journal, "%.3f") << " | " << us(r.t_journal / r.n) << " | " << r.journal_bytes
              << " (on disk) | 1 |\n";
  }
}

// ---------------------------------------------------------------- open / replay / verify

template <class F>
double time_median(F&& f, int min_reps, double budget_s) {
  std::vector<double> v;
  auto start = Clock::now();
  while (static_cast<int>(v.size()) < min_reps || (seconds_since(start) < budget_s && v.size() < 50)) {
    auto t0 = Clock::now();
    f();
    v.push_back(seconds_since(t0));
    if (v.size() >= 1 && seconds_since(start) > budget_s * 4) break;
  }
  return median(v);
}

std::string sqlite_journal(std::uint64_t n) {
  std::string path = pjbench::bench_dir() + "/sqlite-edits-" + std::to_string(n) + ".db";
  if (std::filesystem::exists(path + ".complete")) return path;
  std::filesystem::remove(path);
  pjbench::SqliteStore db(path, "OFF");
  pjbench::EventSource src(Mix::kEdits);
  db.append("s", {pjbench::EventSource::created()});
  for (std::uint64_t seq = 1; seq < n;) {
    std::vector<pj::EventData> batch;
    while (batch.size() < 512 && seq + batch.size() < n) batch.push_back(src.next());
    seq += batch.size();
    db.append("s", batch);
  }
  std::ofstream(path + ".complete") << n << "\n";
  return path;
}

void open_table(const Args& a, std::ostream& dat) {
  std::cout << "\n### Open, replay, time travel and verify (median ms; edits workload, history of n events)\n\n"
            << "| n | journal MB | parse floor | exact-parse floor | open, no snapshot | replay vs floor | replay vs exact floor | open, no snapshot, links only | "
               "open, snapshots | vs n=100 | time travel to n/2 | SQLite replay | SQLite / journal (links only) | "
               "parse+SHA floor | verify | verify vs floor | verify MB/s | verify peak RSS MiB | "
               "open (no snapshot) peak RSS MiB |\n"
            << "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  double snap100 = 0;
  for (std::uint64_t n = 100; n <= a.max_events; n *= 10) {
    progress("open/replay/verify at n=" + std::to_string(n) + " (building data on first use)");
    std::string plain = pjbench::journal_root(Mix::kEdits, n);
    std::string snap = pjbench::journal_root_with_snapshots(Mix::kEdits, n, 100);
    std::string db_path = sqlite_journal(n);
    std::string file = plain + "/s/events.jsonl";
    double mb = static_cast<double>(pjbench::file_size(file)) / 1e6;
    pj::ManagerOptions mo;
    mo.snapshot_every = 0;
    pj::ManagerOptions fast = mo;
    fast.journal.verify_hashes_on_read = false;
    auto open = [&](const std::string& root, const pj::ManagerOptions& o) {
      pj::SessionManager m(root, o);
      auto s = m.get_session("s");
      if (!s || s->version() != n) throw std::runtime_error("wrong head");
    };
    int reps = n >= 1000000 ? 1 : 3;
    double budget = n >= 100000 ? 0.5 : 1.0;
    // Interleave: each measurement of one side is next to the other's.
    std::vector<double> t_floor, t_exact, t_open, t_links, t_snap, t_sha, t_verify, t_sqlite, t_tt;
    pjbench::SqliteStore db(db_path, "NORMAL");
    pj::SessionManager tt(snap, mo);
    for (int r = 0; r < 3; ++r) {
      t_floor.push_back(time_median([&] { pjbench::parse_floor(file, false); }, reps, budget));
      t_exact.push_back(time_median([&] { pjbench::parse_floor(file, false, true); }, reps, budget));
      t_open.push_back(time_median([&] { open(plain, mo); }, reps, budget));
      t_links.push_back(time_median([&] { open(plain, fast); }, reps, budget));
      t_snap.push_back(time_median([&] { open(snap, mo); }, reps, budget));
      t_tt.push_back(time_median([&] { tt.state_at("s", n / 2); }, reps, budget));
      t_sqlite.push_back(time_median([&] { db.replay("s"); }, reps, budget));
      t_sha.push_back(time_median([&] { pjbench::parse_floor(file, true); }, reps, budget));
      t_verify.push_back(time_median(
          [&] {
            if (!pj::verify_session(plain, "s").ok()) throw std::runtime_error("verify failed");
          },
          reps, budget));
    }
    double f = median(t_floor), fx = median(t_exact), o = median(t_open), l = median(t_links), s = median(t_snap), sh = median(t_sha), v = median(t_verify),
           q = median(t_sqlite), t = median(t_tt);
    if (n == 100) snap100 = s;
    double rss_verify = peak_rss_mib("verify", plain);
    double rss_open = peak_rss_mib("open", plain);
    std::cout << "| " << n << " | " << fmt(mb, "%.1f") << " | " << ms(f) << " | " << ms(fx) << " | " << ms(o) << " | "
              << fmt(f / o) << " | " << fmt(fx / o) << " | " << ms(l) << " | " << ms(s) << " | " << fmt(s / snap100) << "× | " << ms(t) << " | " << ms(q)
              << " | " << fmt(q / o) << " (" << fmt(q / l) << ") | " << ms(sh) << " | " << ms(v) << " | " << fmt(sh / v) << " | "
              << fmt(mb / v, "%.0f") << " | " << fmt(rss_verify, "%.1f") << " | " << fmt(rss_open, "%.1f") << " |\n";
    dat << n << ' ' << f * 1e3 << ' ' << o * 1e3 << ' ' << s * 1e3 << ' ' << q * 1e3 << ' ' << v * 1e3 << '\n';
  }
}

// ---------------------------------------------------------------- many sessions

void many_sessions_table(const Args& a) {
  progress("many sessions: " + std::to_string(a.sessions));
  std::string root = pjbench::bench_dir() + "/many-" + std::to_string(a.sessions);
  if (!std::filesystem::exists(root + ".complete")) {
    pjbench::remove_tree(root);
    pj::ManagerOptions mo;
    mo.journal.durability = pj::Durability::kNone;
    mo.snapshot_every = 0;
    pj::SessionManager m(root, mo);
    pjbench::EventSource src(Mix::kMixed, 3);
    for (std::uint64_t i = 0; i < a.sessions; ++i) {
      std::vector<pj::EventData> ev{pjbench::EventSource::created()};
      for (int k = 0; k < 9; ++k) ev.push_back(src.next());
      m.import_session("session-" + std::to_string(i), ev);
    }
    std::ofstream(root + ".complete") << a.sessions << "\n";
  }
  pj::ManagerOptions mo;
  mo.snapshot_every = 0;
  double t_ids = time_median([&] { pj::SessionManager(root, mo).list_session_ids(); }, 3, 1);
  double t_list = time_median([&] { pj::SessionManager(root, mo).list_sessions(); }, 3, 1);
  double t_verify = time_median(
      [&] {
        pj::SessionManager m(root, mo);
        for (const auto& id : m.list_session_ids())
          if (!pj::verify_session(root, id).ok()) throw std::runtime_error("verify failed");
      },
      3, 1);
  std::cout << "\n### " << a.sessions << " sessions of 10 events each\n\n"
            << "| operation | total ms | µs per session |\n|---|---|---|\n"
            << "| list_session_ids | " << ms(t_ids) << " | " << us(t_ids / a.sessions) << " |\n"
            << "| list_sessions (to_dict of each, replayed) | " << ms(t_list) << " | " << us(t_list / a.sessions) << " |\n"
            << "| verify every session | " << ms(t_verify) << " | " << us(t_verify / a.sessions) << " |\n";
}

[[noreturn]] void usage(int code) {
  std::fprintf(code == 0 ? stdout : stderr,
               "usage: pj_compare [--max-events N] [--sessions N] [--feedbacks N] [--rounds N] [--out DIR] "
               "[--only append|rewrite|open|sessions] [--quick]\n"
               "Runs the journal next to its floor, SQLite and the rewrite design; prints Markdown tables.\n"
               "Data is built once under $PJ_BENCH_DIR (default /tmp/pj-bench); 10^6 events need ~1.3 GB.\n");
  std::exit(code);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (argc == 4 && std::strcmp(argv[1], "--rss-child") == 0) return rss_child(argv[2], argv[3]);
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) usage(2);
      return argv[++i];
    };
    if (k == "--help" || k == "-h") usage(0);
    else if (k == "--max-events") a.max_events = std::stoull(val());
    else if (k == "--sessions") a.sessions = std::stoull(val());
    else if (k == "--feedbacks") a.feedbacks = std::stoull(val());
    else if (k == "--rounds") a.rounds = std::stoi(val());
    else if (k == "--out") a.out = val();
    else if (k == "--only") a.only = val();
    else if (k == "--quick") {
      a.max_events = 1000;
      a.sessions = 50;
      a.feedbacks = 200;
      a.rounds = 1;
    } else {
      std::fprintf(stderr, "pj_compare: unknown argument '%s'\n", k.c_str());
      usage(2);
    }
  }
  try {
    std::ofstream append_dat, open_dat;
    if (!a.out.empty()) {
      std::filesystem::create_directories(a.out);
      append_dat.open(a.out + "/append.dat");
      open_dat.open(a.out + "/open.dat");
    }
    auto want = [&](const char* section) { return a.only.empty() || a.only == section; };
    if (want("append")) append_table(a, append_dat);
    if (want("rewrite")) rewrite_table(a);
    if (want("open")) open_table(a, open_dat);
    if (want("sessions")) many_sessions_table(a);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pj_compare: %s\n", e.what());
    return 1;
  }
  return 0;
}
