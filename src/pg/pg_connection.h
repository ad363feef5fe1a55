// RAII over libpq for the PostgreSQL event store. This pair of files is the
// only place that includes <libpq-fe.h> (as posix_file_system.cc is for
// system calls): the rest of the library sees connections, results and
// JournalErrors.
//
// Errors: every failure is a JournalError whose kind is classified from the
// SQLSTATE and the connection status (classify_sqlstate): 23505 (unique
// violation) kConflict (the caller builds the real one, with both seqs);
// 57014 (query_canceled: statement_timeout) and 55P03 (lock_not_available)
// kTimeout; class 08, 57P01..57P03, 53300 and a lost connection kUnavailable;
// anything else kIo. Messages name the server as describe() does: the URL
// without its password.
//
// A lost connection is noticed by the call that fails (kUnavailable); the
// next call reconnects. Thread-safety: none; the owner serialises (a
// Connection under a mutex).
#ifndef PROMPTJOURNAL_SRC_PG_PG_CONNECTION_H_
#define PROMPTJOURNAL_SRC_PG_PG_CONNECTION_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "promptjournal/errors.h"

struct pg_conn;    // PGconn
struct pg_result;  // PGresult

namespace promptjournal::detail::pg {

// The kind of JournalError a SQLSTATE (five characters; empty when the
// server sent none) stands for; `connection_bad` when the connection is gone.
ErrorKind classify_sqlstate(std::string_view sqlstate, bool connection_bad) noexcept;

// `url` with any password removed (user:password@ and password=...), for messages.
std::string redact_url(const std::string& url);

// One query's result; owns its PGresult.
class Result {
 public:
  Result() = default;
  explicit Result(pg_result* r) noexcept : r_(r) {}
  ~Result();
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result& operator=(Result&& o) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  int rows() const noexcept;
  bool is_null(int row, int col) const noexcept;
  // The text of a value (exact bytes; valid until the Result goes).
  std::string_view text(int row, int col) const noexcept;
  // A value as an integer; throws kIo when it is not one.
  std::int64_t int64(int row, int col) const;

 private:
  pg_result* r_ = nullptr;
};

// A parameter: text, or SQL NULL.
using Param = std::optional<std::string_view>;

class Connection {
 public:
  // No I/O. `url` is a libpq connection URI (postgresql://...).
  explicit Connection(std::string url);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects unless connected (a lost connection is dropped and made anew).
  // Throws kUnavailable naming the server and libpq's reason.
  void ensure();
  // True when a connection is up as far as libpq knows.
  bool connected() const noexcept;
  // Drops the connection (the next ensure() makes a new one).
  void drop() noexcept;

  // Runs `sql` with text parameters $1..$n (PQexecParams) and returns its
  // rows. Connects first if needed. Throws JournalError as classified above;
  // its reason names `what` (a short description of the statement).
  Result exec(const char* what, const std::string& sql, const std::vector<Param>& params = {});
  // The SQLSTATE of the last failed exec ("" when none was sent).
  const std::string& last_sqlstate() const noexcept { return last_state_; }

  // Notifications (LISTEN): reads what the server sent without blocking and
  // returns the payloads of notifications on `channel`. Throws kUnavailable.
  std::vector<std::string> take_notifications(const std::string& channel);
  // Waits until the server sends something or `timeout` passes (poll on the
  // socket). Returns false on timeout. Throws kUnavailable.
  bool wait_readable(std::chrono::milliseconds timeout);

  // "postgresql://user@host:port/db" once connected; the redacted URL before.
  const std::string& describe() const noexcept { return description_; }

 private:
  [[noreturn]] void fail(const char* what, pg_result* r);

  std::string url_;
  std::string description_;
  pg_conn* conn_ = nullptr;
  std::string last_state_;
};

}  // namespace promptjournal::detail::pg

#endif  // PROMPTJOURNAL_SRC_PG_PG_CONNECTION_H_
