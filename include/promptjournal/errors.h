// JournalError: the one exception type promptjournal throws for anything that
// concerns journals, sessions and files. Every error carries a kind (what went
// wrong, as data a program can branch on) and, where known, the file, line,
// byte offset, seq and errno that locate it. what() is one line naming them.
//
// Exception policy: library calls throw JournalError (or std::bad_alloc); they
// never print, never abort, and leave no partial effect unless documented.
// Thread-safety: JournalError is an immutable value; copy it freely.
#ifndef PROMPTJOURNAL_ERRORS_H_
#define PROMPTJOURNAL_ERRORS_H_

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace promptjournal {

// The kinds of failure. Programs may switch on them; messages are for people.
enum class ErrorKind {
  kCorrupt,             // the journal or a snapshot holds damage other than a torn tail
  kConflict,            // an append's expected seq did not match the journal's last seq
  kInvalidSessionId,    // a session id that may not be used as a file name
  kNotFound,            // no such session, event or file
  kAlreadyExists,       // create on an id that already has history
  kIo,                  // a system call failed (errno() tells which error)
  kInvalidArgument,     // a value the API cannot accept (bad type, non-finite number, ...)
  kTooLarge,            // an event line longer than kMaxLineBytes
  kUnsupportedVersion,  // a format version this build does not know
  kPoisoned,            // a journal handle refused further writes after a failed fsync
  // Remote stores (PostgreSQL). kUnavailable: the server cannot be reached or
  // the connection was lost, and a write that throws it stored nothing; the
  // next call reconnects. kTimeout: the server cancelled a statement (its
  // statement_timeout or lock_timeout); nothing was stored. kOutcomeUnknown:
  // the connection was lost while a write was committing and could not be
  // re-established to find out: the events are either all stored or none;
  // refresh() (or read the session) before deciding to write again.
  kUnavailable,
  kTimeout,
  kOutcomeUnknown,
};

// Returns a short stable name for `kind` ("corrupt", "conflict", ...).
std::string_view to_string(ErrorKind kind) noexcept;

// Where an error was found; every member is optional.
struct ErrorLocation {
  std::string path;
  std::optional<std::uint64_t> line;    // 1-based line in a journal file
  std::optional<std::uint64_t> offset;  // byte offset of the start of that line
  std::optional<std::uint64_t> seq;     // seq of the event concerned
};

class JournalError : public std::runtime_error {
 public:
  JournalError(ErrorKind kind, std::string message, ErrorLocation where = {}, int sys_errno = 0);

  // Named factories, one per kind that needs context.
  static JournalError corrupt(std::string reason, ErrorLocation where);
  static JournalError conflict(std::string session_id, std::uint64_t expected_seq,
                               std::uint64_t actual_seq);
  static JournalError io(std::string what, std::string path, int sys_errno);
  static JournalError invalid_argument(std::string reason);
  static JournalError not_found(std::string what);

  ErrorKind kind() const noexcept { return kind_; }
  const ErrorLocation& where() const noexcept { return where_; }
  int sys_errno() const noexcept { return errno_; }
  // The bare reason, without the location suffix that what() adds.
  const std::string& reason() const noexcept { return reason_; }
  // For kConflict: the seq the caller expected and the one the journal had.
  std::uint64_t expected_seq() const noexcept { return expected_; }
  std::uint64_t actual_seq() const noexcept { return actual_; }

 private:
  ErrorKind kind_;
  std::string reason_;
  ErrorLocation where_;
  int errno_ = 0;
  std::uint64_t expected_ = 0;
  std::uint64_t actual_ = 0;
};

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_ERRORS_H_
