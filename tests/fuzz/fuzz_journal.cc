// A whole journal file: reading, verifying and salvaging it never crash, what
// the reader returns is a chain (contiguous seqs, each prev the hash before),
// and salvage accounts for every complete line exactly once (recovered or
// skipped) without writing anything in a dry run.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "promptjournal/journal.h"
#include "promptjournal/salvage.h"
#include "promptjournal/verify.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string root = [] {
    char tmpl[] = "/tmp/pjfuzz-journal-XXXXXX";
    std::string r = ::mkdtemp(tmpl);
    std::string cmd = "mkdir -p " + r + "/s";
    if (std::system(cmd.c_str()) != 0) std::abort();
    return r;
  }();
  {
    std::ofstream out(root + "/s/events.jsonl", std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  std::uint64_t seq = 0;
  try {
    promptjournal::Journal j(root, "s");
    auto r = j.reader();
    std::string prev(promptjournal::kGenesisHash);
    while (auto e = r->next()) {
      if (e->seq != ++seq || e->prev != prev) std::abort();
      prev = e->hash;
    }
  } catch (const promptjournal::JournalError&) {
  }
  promptjournal::verify_session(root, "s");
  try {
    promptjournal::SalvageOptions o;
    o.target_id = "t";
    o.dry_run = true;
    auto r = promptjournal::salvage_session(root, "s", o);
    if (r.recovered + r.skipped.size() != r.lines || r.readable > seq || r.written) std::abort();
  } catch (const promptjournal::JournalError&) {
    // No intact session_created at seq 1: nothing to salvage.
  }
  return 0;
}
