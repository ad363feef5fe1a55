// The event-line decoder on arbitrary bytes: never crashes; whatever it
// accepts is canonical: it re-encodes to exactly the same bytes (docs/FORMAT.md,
// "Event lines"), hash included.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "promptjournal/event.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string line(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto e = promptjournal::decode_event_line(line, true, &error);
  if (!e) return 0;
  std::string again = promptjournal::encode_event_line(*e);
  again.pop_back();
  if (again != line) std::abort();
  return 0;
}
