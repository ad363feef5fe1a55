#include "utf8.h"

#include <cstdint>
#include <cstring>

namespace promptjournal::detail {

bool utf8_next(std::string_view s, std::size_t& i, std::uint32_t* out) noexcept {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    if (out) *out = c;
    ++i;
    return true;
  }
  std::size_t n;
  std::uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 1, cp = c & 0x1Fu;
  } else if ((c & 0xF0) == 0xE0) {
    n = 2, cp = c & 0x0Fu;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 3, cp = c & 0x07u;
  } else {
    return false;
  }
  if (i + n >= s.size()) return false;
  for (std::size_t k = 1; k <= n; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (cc & 0x3Fu);
  }
  if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
      (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
    return false;
  if (out) *out = cp;
  i += n + 1;
  return true;
}

bool is_valid_utf8(std::string_view s, std::size_t* bad) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    // Fast path over ASCII runs, eight bytes at a time.
    while (i + 8 <= s.size()) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if ((w & 0x8080808080808080ULL) != 0) break;
      i += 8;
    }
    while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
    if (i == s.size()) break;
    if (!utf8_next(s, i)) {
      if (bad) *bad = i;
      return false;
    }
  }
  return true;
}

}  // namespace promptjournal::detail
