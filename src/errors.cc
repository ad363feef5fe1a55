#include "promptjournal/errors.h"

#include <cstring>

namespace promptjournal {

std::string_view to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::kCorrupt: return "corrupt";
    case ErrorKind::kConflict: return "conflict";
    case ErrorKind::kInvalidSessionId: return "invalid session id";
    case ErrorKind::kNotFound: return "not found";
    case ErrorKind::kAlreadyExists: return "already exists";
    case ErrorKind::kIo: return "i/o error";
    case ErrorKind::kInvalidArgument: return "invalid argument";
    case ErrorKind::kTooLarge: return "too large";
    case ErrorKind::kUnsupportedVersion: return "unsupported version";
    case ErrorKind::kPoisoned: return "poisoned";
    case ErrorKind::kUnavailable: return "unavailable";
    case ErrorKind::kTimeout: return "timeout";
    case ErrorKind::kOutcomeUnknown: return "outcome unknown";
  }
  return "unknown";
}

namespace {

// One line: "<reason> (<path>, line N, byte B, seq S)".
std::string compose(const std::string& reason, const ErrorLocation& w, int err) {
  std::string out = reason;
  std::string loc;
  auto add = [&](const std::string& s) { loc += loc.empty() ? s : ", " + s; };
  if (!w.path.empty()) add(w.path);
  if (w.line) add("line " + std::to_string(*w.line));
  if (w.offset) add("byte " + std::to_string(*w.offset));
  if (w.seq) add("seq " + std::to_string(*w.seq));
  if (err != 0) add(std::strerror(err));
  if (!loc.empty()) out += " (" + loc + ")";
  return out;
}

}  // namespace

JournalError::JournalError(ErrorKind kind, std::string message, ErrorLocation where, int sys_errno)
    : std::runtime_error(compose(message, where, sys_errno)),
      kind_(kind),
      reason_(std::move(message)),
      where_(std::move(where)),
      errno_(sys_errno) {}

JournalError JournalError::corrupt(std::string reason, ErrorLocation where) {
  return JournalError(ErrorKind::kCorrupt, std::move(reason), std::move(where));
}

JournalError JournalError::conflict(std::string session_id, std::uint64_t expected_seq,
                                    std::uint64_t actual_seq) {
  JournalError e(ErrorKind::kConflict,
                 "concurrent change to session '" + session_id + "': expected last seq " +
                     std::to_string(expected_seq) + " but the journal is at seq " +
                     std::to_string(actual_seq));
  e.expected_ = expected_seq;
  e.actual_ = actual_seq;
  return e;
}

JournalError JournalError::io(std::string what, std::string path, int sys_errno) {
  ErrorLocation w;
  w.path = std::move(path);
  return JournalError(ErrorKind::kIo, std::move(what), std::move(w), sys_errno);
}

JournalError JournalError::invalid_argument(std::string reason) {
  return JournalError(ErrorKind::kInvalidArgument, std::move(reason));
}

JournalError JournalError::not_found(std::string what) {
  return JournalError(ErrorKind::kNotFound, std::move(what));
}

}  // namespace promptjournal
