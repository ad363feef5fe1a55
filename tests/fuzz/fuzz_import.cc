// The promptomatix reader on arbitrary bytes: never crashes; any session it
// accepts exports to Python JSON that it reads back to the same state.
#include <cstdint>
#include <cstdlib>
#include <string>

#include <boost/json.hpp>

#include "promptjournal/promptomatix.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto v = promptjournal::parse_python_json(text, nullptr);
    if (!v.is_object()) return 0;
    auto state = promptjournal::state_from_dict(v.as_object());
    std::string out = promptjournal::export_promptomatix(state);
    auto back = promptjournal::state_from_dict(promptjournal::parse_python_json(out, nullptr).as_object());
    if (promptjournal::export_promptomatix(back) != out) std::abort();
  } catch (const promptjournal::JournalError&) {
  }
  return 0;
}
