// Google Benchmark suite: the journal's append, open, time travel, verify and
// salvage, each next to its floor (and verify) and to SQLite, in one run. Sizes go up to
// $PJ_BENCH_MAX_EVENTS (default 10^6; CI's smoke run uses 1000).
// Figures and the commands that made them: benchmarks/RESULTS.md.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include "baselines.h"
#include "promptjournal/journal.h"
#include "promptjournal/salvage.h"
#include "promptjournal/session_manager.h"
#include "promptjournal/verify.h"
#include "workload.h"

namespace pj = promptjournal;
using pjbench::Mix;

namespace {

std::uint64_t max_events() {
  const char* v = std::getenv("PJ_BENCH_MAX_EVENTS");
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : 1000000;
}

// A pool of realistic events, generated once, cycled through while timing.
const std::vector<pj::EventData>& pool() {
  static const std::vector<pj::EventData> events = [] {
    pjbench::EventSource src(Mix::kMixed, 7);
    std::vector<pj::EventData> v;
    for (int i = 0; i < 4096; ++i) v.push_back(src.next());
    return v;
  }();
  return events;
}

std::vector<pj::EventData> take(std::size_t& at, std::size_t n) {
  std::vector<pj::EventData> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(pool()[at++ % pool().size()]);
  return out;
}

std::string scratch(const char* name) {
  std::string dir = pjbench::bench_dir() + "/scratch-" + name;
  pjbench::remove_tree(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// --- append -----------------------------------------------------------------

// args: durability (0 none, 1 fsync), batch size
void BM_AppendJournal(benchmark::State& state) {
  std::string root = scratch("append");
  pj::JournalOptions opt;
  opt.durability = static_cast<pj::Durability>(state.range(0));
  auto batch_size = static_cast<std::size_t>(state.range(1));
  pj::Journal j(root, "s", opt);
  std::uint64_t seq = j.append({pjbench::EventSource::created()}, 0).head.seq;
  std::size_t at = 0;
  std::vector<std::vector<pj::EventData>> batches;
  for (int i = 0; i < 64; ++i) batches.push_back(take(at, batch_size));
  std::size_t b = 0;
  for (auto _ : state) seq = j.append(batches[b++ % batches.size()], seq).head.seq;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch_size));
  state.SetBytesProcessed(static_cast<std::int64_t>(pjbench::file_size(j.path())));
  pjbench::remove_tree(root);
}

// The floor of the same commits: serialise + SHA-256 + write (+ fdatasync).
void BM_AppendFloor(benchmark::State& state) {
  std::string root = scratch("floor");
  pjbench::FloorWriter w(root + "/floor.jsonl", state.range(0) != 0);
  auto batch_size = static_cast<std::size_t>(state.range(1));
  std::size_t at = 0;
  std::vector<std::vector<pj::EventData>> batches;
  for (int i = 0; i < 64; ++i) batches.push_back(take(at, batch_size));
  std::size_t b = 0;
  for (auto _ : state) w.append(batches[b++ % batches.size()]);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch_size));
  pjbench::remove_tree(root);
}

// The seed API: OptimizationSession::add_feedback writes through.
void BM_AppendSessionFeedback(benchmark::State& state) {
  std::string root = scratch("session");
  pj::ManagerOptions mo;
  mo.journal.durability = static_cast<pj::Durability>(state.range(0));
  pj::SessionManager m(root, mo);
  auto s = m.create_session("s", "in", pj::Config());
  pjbench::EventSource src(Mix::kFeedback, 9);
  std::vector<pj::Feedback> fbs;
  for (int i = 0; i < 1024; ++i) fbs.push_back(std::get<pj::FeedbackAdded>(src.next()).feedback);
  std::size_t i = 0;
  for (auto _ : state) s->add_feedback(fbs[i++ % fbs.size()]);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  pjbench::remove_tree(root);
}

// args: synchronous (0 OFF, 1 NORMAL, 2 FULL), batch size
void BM_AppendSqlite(benchmark::State& state) {
  static const char* kSync[] = {"OFF", "NORMAL", "FULL"};
  std::string root = scratch("sqlite");
  pjbench::SqliteStore db(root + "/events.db", kSync[state.range(0)]);
  auto batch_size = static_cast<std::size_t>(state.range(1));
  std::size_t at = 0;
  std::vector<std::vector<pj::EventData>> batches;
  for (int i = 0; i < 64; ++i) batches.push_back(take(at, batch_size));
  std::size_t b = 0;
  for (auto _ : state) db.append("s", batches[b++ % batches.size()]);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch_size));
  state.SetLabel(kSync[state.range(0)]);
  pjbench::remove_tree(root);
}

// --- open, replay, time travel, verify --------------------------------------

void BM_OpenAtHead(benchmark::State& state, bool snapshots) {
  auto n = static_cast<std::uint64_t>(state.range(0));
  std::string root = snapshots ? pjbench::journal_root_with_snapshots(Mix::kEdits, n, 100)
                               : pjbench::journal_root(Mix::kEdits, n);
  pj::ManagerOptions mo;
  mo.snapshot_every = 0;  // reading only
  for (auto _ : state) {
    pj::SessionManager m(root, mo);  // a fresh manager: nothing cached
    auto s = m.get_session("s");
    if (!s || s->version() != n) state.SkipWithError("wrong head");
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * pjbench::file_size(root + "/s/events.jsonl")));
}

// Open at the head from the snapshots and append one event, as each write
// command of pjournal does in a process of its own: the first append through
// a journal handle checks the whole history from line 1 (docs/FORMAT.md,
// "Opening, reading and writing a journal with damage"), so this costs a
// full read where open/snapshots costs only the tail. On a copy: it writes.
void BM_OpenAndAppend(benchmark::State& state) {
  auto n = static_cast<std::uint64_t>(state.range(0));
  std::string root = scratch("open-append");
  std::filesystem::copy(pjbench::journal_root_with_snapshots(Mix::kEdits, n, 100), root,
                        std::filesystem::copy_options::recursive);
  pj::ManagerOptions mo;
  mo.snapshot_every = 0;
  mo.journal.durability = pj::Durability::kNone;
  std::uint64_t i = 0;
  for (auto _ : state) {
    pj::SessionManager m(root, mo);  // a fresh manager: a new process
    auto s = m.get_session("s");
    if (!s) state.SkipWithError("no session");
    s->update_human_input("input " + std::to_string(++i));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  pjbench::remove_tree(root);
}

void BM_ParseFloor(benchmark::State& state, bool sha, bool exact) {
  auto n = static_cast<std::uint64_t>(state.range(0));
  std::string path = pjbench::journal_root(Mix::kEdits, n) + "/s/events.jsonl";
  for (auto _ : state)
    if (pjbench::parse_floor(path, sha, exact) != n) state.SkipWithError("wrong line count");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * pjbench::file_size(path)));
}

void BM_TimeTravelMiddle(benchmark::State& state) {
  auto n = static_cast<std::uint64_t>(state.range(0));
  std::string root = pjbench::journal_root_with_snapshots(Mix::kEdits, n, 100);
  pj::ManagerOptions mo;
  mo.snapshot_every = 0;
  pj::SessionManager m(root, mo);
  for (auto _ : state) benchmark::DoNotOptimize(m.state_at("s", n / 2));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n / 2));
}

void BM_Verify(benchmark::State& state) {
  auto n = static_cast<std::uint64_t>(state.range(0));
  std::string root = pjbench::journal_root(Mix::kEdits, n);
  for (auto _ : state) {
    auto report = pj::verify_session(root, "s");
    if (!report.ok() || report.events != n) state.SkipWithError("verify failed");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * pjbench::file_size(root + "/s/events.jsonl")));
}

// Salvage of the same journal as verify: a dry run (both passes over the
// source, no output) and a real one (written without fsync, read back).
void BM_Salvage(benchmark::State& state, bool write) {
  auto n = static_cast<std::uint64_t>(state.range(0));
  std::string root = pjbench::journal_root(Mix::kEdits, n);
  pj::SalvageOptions o;
  o.target_id = "salvaged";
  o.dry_run = !write;
  o.durability = pj::Durability::kNone;
  for (auto _ : state) {
    auto r = pj::salvage_session(root, "s", o);
    if (r.recovered != n) state.SkipWithError("salvage recovered less than the journal holds");
    state.PauseTiming();
    pjbench::remove_tree(root + "/salvaged");
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * pjbench::file_size(root + "/s/events.jsonl")));
}

void BM_ReplaySqlite(benchmark::State& state) {
  auto n = static_cast<std::uint64_t>(state.range(0));
  std::string path = pjbench::bench_dir() + "/sqlite-edits-" + std::to_string(n) + ".db";
  if (!std::filesystem::exists(path + ".complete")) {
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
  }
  pjbench::SqliteStore db(path, "NORMAL");
  for (auto _ : state) benchmark::DoNotOptimize(db.replay("s"));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  for (int d : {0, 1})
    for (int batch : {1, 64}) {
      benchmark::RegisterBenchmark("append/journal", BM_AppendJournal)->Args({d, batch})->ArgNames({"fsync", "batch"});
      benchmark::RegisterBenchmark("append/floor", BM_AppendFloor)->Args({d, batch})->ArgNames({"fsync", "batch"});
    }
  for (int d : {0, 1})
    benchmark::RegisterBenchmark("append/session_add_feedback", BM_AppendSessionFeedback)->Arg(d)->ArgName("fsync");
  for (int sync : {0, 1, 2})
    for (int batch : {1, 64})
      benchmark::RegisterBenchmark("append/sqlite", BM_AppendSqlite)->Args({sync, batch})->ArgNames({"sync", "batch"});

  std::vector<std::int64_t> sizes;
  for (std::uint64_t n = 100; n <= max_events(); n *= 10) sizes.push_back(static_cast<std::int64_t>(n));
  for (auto n : sizes) {
    auto unit = benchmark::kMillisecond;
    benchmark::RegisterBenchmark("open/no_snapshot", BM_OpenAtHead, false)->Arg(n)->Unit(unit);
    benchmark::RegisterBenchmark("open/snapshots", BM_OpenAtHead, true)->Arg(n)->Unit(unit);
    benchmark::RegisterBenchmark("open/snapshots_then_append", BM_OpenAndAppend)->Arg(n)->Unit(unit);
    benchmark::RegisterBenchmark("floor/parse", BM_ParseFloor, false, false)->Arg(n)->Unit(unit);
    benchmark::RegisterBenchmark("floor/parse_exact", BM_ParseFloor, false, true)->Arg(n)->Unit(unit);
    benchmark::RegisterBenchmark("floor/parse_sha256", BM_ParseFloor, true, false)->Arg(n)->Unit(unit);
    benchmark::RegisterBenchmark("verify", BM_Verify)->Arg(n)->Unit(unit);
    benchmark::RegisterBenchmark("salvage/dry_run", BM_Salvage, false)->Arg(n)->Unit(unit);
    benchmark::RegisterBenchmark("salvage/write", BM_Salvage, true)->Arg(n)->Unit(unit);
    benchmark::RegisterBenchmark("time_travel/middle", BM_TimeTravelMiddle)->Arg(n)->Unit(unit);
    benchmark::RegisterBenchmark("sqlite/replay", BM_ReplaySqlite)->Arg(n)->Unit(unit);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
