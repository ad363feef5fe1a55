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

[[noreturn]] void fail(const char* what, const std::string& text) {
  std::fprintf(stderr, "fuzz_import: %s:\n%s\n", what, text.c_str());
  std::abort();
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
    fail(e.what(), out);  // before, this was caught with the refusals and the input passed unchecked
  }
  if (again != out) fail("export -> import -> export changed the bytes; the first export was", out);
  return 0;
}
