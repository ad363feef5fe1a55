// EventStore: the one seam between sessions and where their events live.
//
// Everything above it (OptimizationSession, SessionManager, history, audit,
// import/export and every pjournal command except file-only repair) is
// written against this interface, never against files or byte offsets. Two
// backends implement it: the file journal (a folder of JSON-lines files, the
// embedded default; docs/FORMAT.md) and PostgreSQL (docs/postgresql.md).
//
// What every backend keeps, so that the hash chain stays one piece of code
// above the seam (event.h encodes and decodes lines, chain.h checks them):
//  - the exact bytes of every event line as encode_event_line wrote them
//    (without its '\n'), so verify recomputes the same hashes everywhere and a
//    session copied between backends keeps its head hash;
//  - seqs 1..N contiguous per session, at most one event per (session, seq):
//    an append whose expected seq is not the head writes nothing and throws
//    kConflict;
//  - every cursor checks what it returns as JournalReader does (seq, prev
//    link, session id, session_created only at seq 1, `at` never decreasing,
//    and with verify_hashes each line's own hash).
//
// Position::offset, for every backend, is the size of the history up to that
// event: the sum of the lengths of lines 1..seq, '\n' included (the file
// backend's byte offset). Snapshot policy counts it; snapshots record it.
//
// Thread-safety: a store may be shared by threads; a cursor belongs to one
// thread. Errors: JournalError (see each call), std::bad_alloc.
#ifndef PROMPTJOURNAL_EVENT_STORE_H_
#define PROMPTJOURNAL_EVENT_STORE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "promptjournal/event.h"
#include "promptjournal/journal.h"
#include "promptjournal/options.h"
#include "promptjournal/snapshot.h"
#include "promptjournal/verify.h"

namespace promptjournal {

// Reads one session's events in seq order from a position, checking each.
class EventCursor {
 public:
  virtual ~EventCursor() = default;
  // The next event, or nullopt at the end. Throws JournalError(kCorrupt) with
  // where it is for an event that fails a check; kIo, kUnavailable.
  virtual std::optional<Event> next() = 0;
  // The position after the last event returned (the start position before).
  virtual const Position& position() const noexcept = 0;
  // True when the cursor started at seq 0 and recomputes every hash.
  virtual bool checks_from_line_one() const noexcept = 0;
};

// A snapshot a store wrote: where (a path or a name) and its size in bytes.
struct SnapshotWritten {
  std::string where;
  std::uint64_t bytes = 0;
};

class EventStore {
 public:
  virtual ~EventStore() = default;

  // Where the store is, for messages: a folder path, or a URL without its
  // password.
  virtual std::string describe() const = 0;
  // Where session `id` lives, for messages and ErrorLocation::file.
  virtual std::string describe(const std::string& id) const = 0;

  // True when the store holds anything for `id` (possibly no complete event:
  // a creation cut short). Throws kInvalidSessionId.
  virtual bool has_stream(const std::string& id) = 0;
  // The ids for which has_stream holds, ascending.
  virtual std::vector<std::string> list_streams() = 0;

  // A cursor from `from` (default: the start). Throws kNotFound unless
  // has_stream(id).
  virtual std::unique_ptr<EventCursor> read(const std::string& id, const Position& from = {}) = 0;

  // Appends `batch` as events expected_seq+1... if and only if the last seq
  // is `expected_seq` (0 creates the session). Atomic: on any exception none
  // of the batch is stored. Before the first append to a session a store
  // checks its whole history (see check_history). Throws kConflict (nothing
  // written), kAlreadyExists, kNotFound, kCorrupt, kInvalidArgument (empty
  // batch, session_created other than as seq 1), kTooLarge, kIo, kUnavailable.
  virtual AppendResult append(const std::string& id, const std::vector<EventData>& batch,
                              std::uint64_t expected_seq, const boost::json::object& meta = {}) = 0;
  // Appends events that are already whole (seq, prev, at, hash set: read from
  // another store, say), byte-exact: each must re-encode to its hash and
  // continue the chain from the head, which must be at events.front().seq - 1.
  // Throws as append; kInvalidArgument for events that do not chain.
  virtual Position append_events(const std::string& id, const std::vector<Event>& events) = 0;

  // Reads and checks the history from seq 1 (every hash, the chain) unless
  // this store already did for `id`; returns the head. Writers of anything
  // derived from the history (snapshots) call it first. Throws kCorrupt,
  // kNotFound, kIo.
  virtual Position check_history(const std::string& id) = 0;
  // Takes over what `cursor` (one of this store's, for `id`) read: when it
  // checked from line one, the history up to its position counts as checked.
  virtual void adopt(const std::string& id, const EventCursor& cursor) = 0;

  // Snapshots are caches: a snapshot that disagrees with the history is
  // ignored and reported. The state is written as encode_snapshot does.
  virtual SnapshotWritten put_snapshot(const std::string& id, const SessionState& state,
                                       const Position& at) = 0;
  // The newest snapshot that checks out against the history and passes
  // `usable`; each one skipped for damage goes to *problems.
  virtual std::optional<LoadedSnapshot> newest_snapshot(
      const std::string& id, std::vector<SnapshotProblem>* problems,
      const std::function<bool(const Position&)>& usable = {}) = 0;
  // Removes all but the newest `keep` snapshots of `id`.
  virtual void prune_snapshots(const std::string& id, std::uint32_t keep) = 0;

  // Everything verify_session checks, for this backend. Problems are data;
  // throws only kInvalidSessionId, kIo, kUnavailable.
  virtual VerifyReport verify(const std::string& id) = 0;

  // Waits until `id` may hold an event after `after_seq` or `timeout` passes;
  // returns false on timeout. May wake early (callers read and look again).
  virtual bool wait_for_append(const std::string& id, std::uint64_t after_seq,
                               std::chrono::milliseconds timeout) = 0;

  // Housekeeping when a session is opened (the file backend removes the
  // temp files of snapshot writers that died). Never throws.
  virtual void opened(const std::string& id) noexcept { (void)id; }
};

// Opens the store a location names (docs/postgresql.md, "Locations"):
//  - "postgresql://..." or "postgres://..." (a libpq connection URI; the
//    password comes from PGPASSFILE or the environment): PostgreSQL;
//  - "file://PATH", or any other string, a folder path: the file journal
//    (the folder is created, mode 0700).
// Throws kInvalidArgument for an empty location or a URL scheme no backend
// serves, kUnavailable when a PostgreSQL server cannot be reached (or this
// build has no PostgreSQL support), kIo.
std::shared_ptr<EventStore> open_event_store(const std::string& location, const ManagerOptions& options);

// True when `location` names a PostgreSQL store.
bool is_postgresql_location(const std::string& location) noexcept;

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_EVENT_STORE_H_
