// The promptomatix reader on arbitrary bytes: never crashes; any session it
// accepts exports to Python JSON that it reads back to the same state. The
// round trip is checked on every accepted input: the importer may refuse the
// fuzz input, never its own export.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <boost/json.hpp>

#include "promptjournal/errors.h"
#include "promptjournal/promptomatix.h"

namespace {

// Prints the export, then the finding on the last line (where
// scripts/fuzz-run.sh's report starts).
[[noreturn]] void fail(const std::string& what, const std::string& text) {
  std::fprintf(stderr, "%s\nfuzz_import: %s\n", text.c_str(), what.c_str());
  std::abort();
}

// The first line where `a` and `b` differ, as "line N: A -> B".
std::string first_difference(const std::string& a, const std::string& b) {
  std::size_t at = 0, line = 1;
  while (at < a.size() && at < b.size() && a[at] == b[at]) line += a[at++] == '\n';
  auto line_of = [](const std::string& s, std::size_t i) {
    std::size_t begin = s.rfind('\n', i == 0 ? 0 : i - 1);
    begin = begin == std::string::npos ? 0 : begin + 1;
    return s.substr(begin, s.find('\n', i) - begin);
  };
  return "line " + std::to_string(line) + ": " + line_of(a, at) + " -> " + line_of(b, at);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  promptjournal::SessionState state;
  try {
    auto v = promptjournal::parse_python_json(text, nullptr);
    if (!v.is_object()) return 0;
    state = promptjournal::state_from_dict(v.as_object());
  } catch (const promptjournal::JournalError&) {
    return 0;  // refused: there is nothing to round-trip
  }
  std::string out = promptjournal::export_promptomatix(state);
  std::string again;
  try {
    auto v = promptjournal::parse_python_json(out, nullptr);
    if (!v.is_object()) fail("the export is not an object", out);
    again = promptjournal::export_promptomatix(promptjournal::state_from_dict(v.as_object()));
  } catch (const promptjournal::JournalError& e) {
    // Before, this was caught with the refusals and the input passed unchecked.
    fail(std::string("the importer refused its own export (above): ") + e.what(), out);
  }
  if (again != out)
    fail("export -> import -> export changed the bytes (export above), " + first_difference(out, again), out);
  return 0;
}
