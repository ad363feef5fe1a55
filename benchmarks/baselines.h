// What the journal is measured against: the physical floor (the least work
// any design must do for the same bytes) and the alternatives a user would
// pick instead (rewrite-the-whole-file, as the original did; SQLite as an
// event store). Benchmark harness code: not thread-safe; errors throw
// std::runtime_error.
#ifndef PROMPTJOURNAL_BENCHMARKS_BASELINES_H_
#define PROMPTJOURNAL_BENCHMARKS_BASELINES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "promptjournal/event.h"
#include "promptjournal/projector.h"

struct sqlite3;
struct sqlite3_stmt;

namespace pjbench {

// The append floor: serialise the event with Boost.JSON, SHA-256 it, write(2)
// it to an O_APPEND file, and fdatasync(2) per commit when `sync`.
class FloorWriter {
 public:
  FloorWriter(const std::string& path, bool sync);
  ~FloorWriter();
  // One commit of one or more events.
  void append(const std::vector<promptjournal::EventData>& batch);

 private:
  int fd_ = -1;
  bool sync_;
  std::uint64_t seq_ = 0;
  std::string prev_ = std::string(64, '0');
  std::string buf_;
};

// The read floor over an events.jsonl: split lines and parse each with a
// reused Boost.JSON parser; with `sha`, also SHA-256 every line. Returns the
// number of lines. Memory: one read buffer. With `exact`, parse with the
// library's reader (numbers correctly rounded, which every reader of the
// library must do) instead of Boost.JSON's own parser, which rounds some
// doubles one unit off: the honest floor for reading journals.
std::uint64_t parse_floor(const std::string& path, bool sha, bool exact = false);

// The original's design: the whole session JSON (to_dict) rewritten on every
// mutation (open O_TRUNC, write, [fsync], close).
class RewriteStore {
 public:
  RewriteStore(std::string path, bool sync);
  void mutate(const promptjournal::EventData& data);
  std::uint64_t bytes_written() const { return bytes_; }

 private:
  std::string path_;
  bool sync_;
  promptjournal::SessionState state_;
  std::uint64_t bytes_ = 0;
};

// SQLite as an event store: events(session, seq, type, data) keyed by
// (session, seq), WAL mode, one transaction per commit.
class SqliteStore {
 public:
  // synchronous: "FULL", "NORMAL" or "OFF".
  SqliteStore(const std::string& path, const std::string& synchronous);
  ~SqliteStore();
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;
  void append(const std::string& session, const std::vector<promptjournal::EventData>& batch);
  // Reads a session back through SQLite and projects it, as the journal's open does.
  promptjournal::SessionState replay(const std::string& session);

 private:
  void exec(const char* sql);
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* select_ = nullptr;
  std::uint64_t seq_ = 0;
};

}  // namespace pjbench

#endif  // PROMPTJOURNAL_BENCHMARKS_BASELINES_H_
