// Layout constants of a journal line shared by the writer and the reader
// (docs/FORMAT.md, "Event lines"). Do not change: they are the format.
#ifndef PROMPTJOURNAL_SRC_JOURNAL_FORMAT_H_
#define PROMPTJOURNAL_SRC_JOURNAL_FORMAT_H_

#include <cstddef>
#include <string_view>

namespace promptjournal::detail {

// Every line ends with: ,"hash":"<64 lowercase hex>"}
inline constexpr std::string_view kHashLead = ",\"hash\":\"";
inline constexpr std::string_view kLineEnd = "\"}";
inline constexpr std::size_t kHashHexLen = 64;
inline constexpr std::size_t kHashSuffixLen = kHashLead.size() + kHashHexLen + kLineEnd.size();  // 75

// The envelope keys in their required order ("meta" may be absent).
inline constexpr std::string_view kKeys[] = {"v", "seq", "type", "at", "session_id",
                                             "meta", "data", "prev", "hash"};

// "YYYY-MM-DDTHH:MM:SS.ffffffZ"
inline constexpr std::size_t kTimeLen = 27;

inline bool is_hex_hash(std::string_view s) {
  if (s.size() != kHashHexLen) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// True when `line` (without its '\n') ends in ,"hash":"<64 hex>"} and that
// hash is the SHA-256 of every byte before it: the line is exactly as some
// writer produced it, whatever else may be wrong with it. Damage (zeros, stale
// or random bytes, a flipped bit) practically never yields such a line.
// Defined in journal.cc.
bool line_carries_valid_hash(std::string_view line);

}  // namespace promptjournal::detail

#endif  // PROMPTJOURNAL_SRC_JOURNAL_FORMAT_H_
