// pj_store_compare: the file journal and PostgreSQL side by side in one run,
// through the same EventStore calls, next to the floor (FloorWriter /
// parse_floor: the least work that writes or reads the same bytes). Prints a
// table with ratios to the file journal. PostgreSQL is the server the libpq
// environment names (run it inside pg_virtualenv; scripts/bench-full.sh does).
//
//   pj_store_compare [--events N] [--location postgresql://...]
//
// Figures are medians of 3 rounds; the machine is shared and noisy, so
// compare within one run only.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "baselines.h"
#include "promptjournal/event_store.h"
#include "workload.h"

using namespace promptjournal;
using Steady = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Microseconds per operation of `body(round)` doing `ops` operations.
double per_op_us(int ops, const std::function<void(int)>& body) {
  std::vector<double> rounds;
  for (int r = 0; r < 3; ++r) {
    auto t0 = Steady::now();
    body(r);
    rounds.push_back(std::chrono::duration<double, std::micro>(Steady::now() - t0).count() / ops);
  }
  return median(rounds);
}

std::vector<EventData> stream(std::size_t n) {
  pjbench::EventSource src(pjbench::Mix::kMixed);
  std::vector<EventData> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(src.next());
  return out;
}

struct Row {
  std::string what;
  double file = 0, pg = 0, floor = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::size_t events = 2000;
  std::string location = "postgresql://";
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--events") && i + 1 < argc) events = std::strtoul(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--location") && i + 1 < argc) location = argv[++i];
    else if (!std::strcmp(argv[i], "--quick")) events = 128;
    else {
      std::fprintf(stderr, "usage: pj_store_compare [--events N] [--location postgresql://...] [--quick]\n");
      return 2;
    }
  }
  events = std::max<std::size_t>(events - events % 64, 128);
  const std::string dir = pjbench::bench_dir() + "/store-compare";
  pjbench::remove_tree(dir);
  std::filesystem::create_directories(dir);
  ManagerOptions opt;
  opt.journal.durability = Durability::kFsync;  // both acknowledge only what is durable
  auto file = open_event_store(dir + "/files", opt);
  std::shared_ptr<EventStore> pg;
  try {
    pg = open_event_store(location, opt);
  } catch (const JournalError& e) {
    std::fprintf(stderr, "pj_store_compare: %s\n", e.what());
    return 1;
  }
  const auto data = stream(events);
  const std::string run = std::to_string(::getpid());
  std::vector<Row> rows;

  // Appends of one event, each acknowledged (fdatasync / COMMIT).
  auto single = [&](EventStore& s, const std::string& tag) {
    return per_op_us(static_cast<int>(events), [&](int r) {
      const std::string id = "single-" + tag + "-" + run + "-" + std::to_string(r);
      s.append(id, {pjbench::EventSource::created()}, 0);
      for (std::size_t i = 0; i < events; ++i) s.append(id, {data[i]}, i + 1);
    });
  };
  Row r1{"append 1 event (per event)"};
  r1.file = single(*file, "f");
  r1.pg = single(*pg, "p");
  r1.floor = per_op_us(static_cast<int>(events), [&](int r) {
    pjbench::FloorWriter w(dir + "/floor-single-" + std::to_string(r), true);
    for (std::size_t i = 0; i < events; ++i) w.append({data[i]});
  });
  rows.push_back(r1);

  // Appends of 64 events in one commit.
  auto batched = [&](EventStore& s, const std::string& tag) {
    return per_op_us(static_cast<int>(events), [&](int r) {
      const std::string id = "batch-" + tag + "-" + run + "-" + std::to_string(r);
      s.append(id, {pjbench::EventSource::created()}, 0);
      for (std::size_t i = 0; i < events; i += 64)
        s.append(id, std::vector<EventData>(data.begin() + i, data.begin() + i + 64), i + 1);
    });
  };
  Row r2{"append batches of 64 (per event)"};
  r2.file = batched(*file, "f");
  r2.pg = batched(*pg, "p");
  r2.floor = per_op_us(static_cast<int>(events), [&](int r) {
    pjbench::FloorWriter w(dir + "/floor-batch-" + std::to_string(r), true);
    for (std::size_t i = 0; i < events; i += 64) w.append(std::vector<EventData>(data.begin() + i, data.begin() + i + 64));
  });
  rows.push_back(r2);

  // Replay: every event read and checked (hashes, chain) from seq 1.
  const std::string rid = "batch-f-" + run + "-0", pid = "batch-p-" + run + "-0";
  auto replay = [&](EventStore& s, const std::string& id) {
    return per_op_us(static_cast<int>(events + 1), [&](int) {
      auto c = s.read(id, {});
      std::size_t n = 0;
      while (c->next()) ++n;
      if (n != events + 1) std::abort();
    });
  };
  Row r3{"replay, every hash checked (per event)"};
  r3.file = replay(*file, rid);
  r3.pg = replay(*pg, pid);
  r3.floor = per_op_us(static_cast<int>(events + 1), [&](int) {
    pjbench::parse_floor(dir + "/files/" + rid + "/events.jsonl", true, true);
  });
  rows.push_back(r3);

  std::printf("%zu events (mixed payloads, 300 B - 2 KB), durable acknowledgements; PostgreSQL at %s\n\n", events,
              pg->describe().c_str());
  std::printf("| operation | floor | file journal | PostgreSQL | PostgreSQL / file |\n|---|---:|---:|---:|---:|\n");
  for (const auto& r : rows)
    std::printf("| %s | %.1f us | %.1f us | %.1f us | %.2fx |\n", r.what.c_str(), r.floor, r.file, r.pg, r.pg / r.file);
  pjbench::remove_tree(dir);
  return 0;
}
