// A snapshot file against a fixed valid journal: loading never crashes, and a
// snapshot it accepts names a position the journal really has.
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "promptjournal/journal.h"
#include "promptjournal/snapshot.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string root = [] {
    char tmpl[] = "/tmp/pjfuzz-snapshot-XXXXXX";
    std::string r = ::mkdtemp(tmpl);
    promptjournal::JournalOptions opt;
    opt.durability = promptjournal::Durability::kNone;
    // A fixed clock: the seed corpus holds a valid snapshot of this journal.
    opt.clock = [] { return std::chrono::system_clock::time_point(std::chrono::seconds(1795522344)); };
    promptjournal::Journal j(r, "s", opt);
    j.append({promptjournal::SessionCreated{"in", "2026-11-24T12:00:00", promptjournal::Config()},
              promptjournal::HumanInputUpdated{"two"}},
             0);
    return r;
  }();
  std::string snap = root + "/s/snapshot-00000000000000000002.json";
  {
    std::ofstream out(snap, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto fs = promptjournal::default_file_system();
  try {
    auto s = promptjournal::load_snapshot(*fs, snap, root + "/s/events.jsonl");
    if (s.position.seq == 0 || s.position.hash.size() != 64) std::abort();
  } catch (const promptjournal::JournalError&) {
  }
  return 0;
}
