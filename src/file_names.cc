#include "file_names.h"

#include <cstdio>

#include "promptjournal/errors.h"
#include "promptjournal/journal.h"
#include "utf8.h"

namespace promptjournal {

namespace detail {

std::string join(const std::string& dir, std::string_view name) {
  std::string out = dir;
  if (!out.empty() && out.back() != '/') out += '/';
  out += name;
  return out;
}

std::string snapshot_name(std::uint64_t seq) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "snapshot-%020llu.json", static_cast<unsigned long long>(seq));
  return buf;
}

std::optional<std::uint64_t> parse_snapshot_name(std::string_view name) {
  if (name.size() != kSnapshotPrefix.size() + 20 + kSnapshotSuffix.size()) return std::nullopt;
  if (!name.starts_with(kSnapshotPrefix) || !name.ends_with(kSnapshotSuffix)) return std::nullopt;
  std::uint64_t seq = 0;
  for (char c : name.substr(kSnapshotPrefix.size(), 20)) {
    if (c < '0' || c > '9') return std::nullopt;
    seq = seq * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return seq;
}

}  // namespace detail

namespace {

[[noreturn]] void refuse(const std::string& id, const std::string& why) {
  std::string shown;
  for (char c : id.substr(0, 60)) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      shown += buf;
    } else {
      shown += c;
    }
  }
  if (id.size() > 60) shown += "...";
  throw JournalError(ErrorKind::kInvalidSessionId, "invalid session id '" + shown + "': " + why);
}

}  // namespace

void validate_session_id(const std::string& id) {
  if (id.empty()) refuse(id, "it is empty");
  if (id == "." || id == "..") refuse(id, "'.' and '..' name folders");
  if (id.size() > 200) refuse(id, "longer than 200 bytes");
  if (id[0] == '-') refuse(id, "it starts with '-'");
  for (std::size_t i = 0; i < id.size();) {
    auto u = static_cast<unsigned char>(id[i]);
    if (u == '/' || u == '\\') refuse(id, "it contains a path separator");
    if (u < 0x20 || u == 0x7F) refuse(id, "it contains a NUL or control character");
    if (!detail::utf8_next(id, i)) refuse(id, "it is not valid UTF-8");
  }
}

std::string session_dir(const std::string& root, const std::string& session_id) {
  validate_session_id(session_id);
  return detail::join(root, session_id);
}

std::string journal_path(const std::string& root, const std::string& session_id) {
  return detail::join(session_dir(root, session_id), detail::kJournalFile);
}

}  // namespace promptjournal
