// A whole journal file: reading and verifying it never crashes, and what the
// reader returns is a chain (contiguous seqs, each prev the hash before).
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "promptjournal/journal.h"
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
  try {
    promptjournal::Journal j(root, "s");
    auto r = j.reader();
    std::string prev(promptjournal::kGenesisHash);
    std::uint64_t seq = 0;
    while (auto e = r->next()) {
      if (e->seq != ++seq || e->prev != prev) std::abort();
      prev = e->hash;
    }
  } catch (const promptjournal::JournalError&) {
  }
  promptjournal::verify_session(root, "s");
  return 0;
}
