// Session ids: validate_session_id accepts exactly the ids docs/FORMAT.md
// allows (checked here against an independent reading of the rule), and an
// accepted id names a folder directly under the root.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "promptjournal/errors.h"
#include "promptjournal/journal.h"

namespace {

// RFC 3629 UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t cp = n == 1 ? b : n == 2 ? b & 0x1F : n == 3 ? b & 0x0F : b & 0x07;
    for (std::size_t k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c >> 6) != 0x2) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

bool allowed(std::string_view id) {
  if (id.empty() || id.size() > 200 || id == "." || id == ".." || id.front() == '-') return false;
  for (char c : id) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\' || u < 0x20 || u == 0x7F) return false;
  }
  return valid_utf8(id);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string id(reinterpret_cast<const char*>(data), size);
  bool accepted = true;
  try {
    promptjournal::validate_session_id(id);
  } catch (const promptjournal::JournalError& e) {
    if (e.kind() != promptjournal::ErrorKind::kInvalidSessionId) std::abort();
    accepted = false;
  }
  if (accepted != allowed(id)) std::abort();
  if (accepted && promptjournal::session_dir("/root-of-test", id) != "/root-of-test/" + id) std::abort();
  return 0;
}
