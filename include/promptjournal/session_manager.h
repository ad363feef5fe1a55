// SessionManager: the seed's SessionManager, backed by one journal per session
// under a root folder (<root>/<session_id>/events.jsonl plus snapshots).
//
// Unlike the original it sees the disk: get_session and list_sessions find
// every session there, also those another process wrote, and create_session
// on an id with history is an error, never an overwrite. Sessions are shared
// objects: get_session returns the same object for the same id, brought up to
// date with the journal.
//
// Opening reads from the newest valid snapshot on; the first write through
// a session of this manager checks the whole journal from line 1 first (see
// Journal), so a journal damaged before its snapshot opens for reading but
// takes no event.
//
// Thread-safety: all members may be called concurrently. Errors: JournalError
// (or std::bad_alloc). Writes (create_session, update_session, import_session,
// load_session_from_file) do everything that can fail before the journal
// append and nothing that can fail after it: an exception means nothing was
// committed, a return means committed. Reads change nothing on failure, and a
// cached session object stays at a position the journal holds. snapshot() is
// the exception: it may throw after the new snapshot file is in place (a
// failed folder fsync), which is harmless, since snapshots are caches.
#ifndef PROMPTJOURNAL_SESSION_MANAGER_H_
#define PROMPTJOURNAL_SESSION_MANAGER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "promptjournal/config.h"
#include "promptjournal/errors.h"
#include "promptjournal/journal.h"
#include "promptjournal/options.h"
#include "promptjournal/session.h"
#include "promptjournal/snapshot.h"
#include "promptjournal/time.h"

namespace promptjournal {

// One line of list_session_infos().
struct SessionInfo {
  std::string session_id;
  std::uint64_t events = 0;
  std::string created_at;   // the session's created_at, as recorded (Python isoformat)
  std::string last_change;  // time of the last event (UTC)
  std::uint64_t bytes = 0;  // size of events.jsonl
  std::optional<std::string> latest_optimized_prompt;
  std::string head_hash;
};

// A session list_sessions_checked() could not read, and why (kCorrupt for
// damage, kIo for an events.jsonl that is a folder, a FIFO or unreadable, ...).
struct SessionProblem {
  std::string session_id;
  JournalError error;
};

// What list_sessions_checked() found: every readable session, and the others.
struct SessionList {
  std::vector<boost::json::object> sessions;  // to_dict() of each, sorted by id
  std::vector<SessionProblem> problems;       // sorted by id
};

class SessionManager {
 public:
  // Uses (and creates, mode 0700) `sessions_dir` as the root.
  // Throws kIo when it cannot be created, or is a symbolic link or a file.
  explicit SessionManager(std::string sessions_dir, ManagerOptions options = {});
  ~SessionManager();
  SessionManager(const SessionManager&) = delete;
  SessionManager& operator=(const SessionManager&) = delete;

  const std::string& sessions_dir() const noexcept;
  const ManagerOptions& options() const noexcept;

  // Creates a session: its session_created event is in the journal on return.
  // Credentials in `config` are redacted unless options().keep_secrets.
  // Throws kAlreadyExists if the id has history, kCorrupt if its journal is
  // damaged (a changed first line included: nothing is moved aside),
  // kInvalidSessionId.
  std::shared_ptr<OptimizationSession> create_session(const std::string& session_id,
                                                      const std::string& initial_input,
                                                      const Config& config);
  // The session at the head of its journal, or nullptr if there is none.
  // Throws kCorrupt for a damaged journal, kInvalidSessionId.
  std::shared_ptr<OptimizationSession> get_session(const std::string& session_id);
  // Persists the session's pending events (a detached session is created
  // here) and writes a snapshot when one is due. Throws kConflict when the
  // journal moved on in a way the pending events cannot follow.
  void update_session(OptimizationSession& session);
  // to_dict() of every session on disk that can be read, sorted by id. One
  // damaged or unreadable session does not make it throw: it is left out
  // (list_sessions_checked() says which and why). Throws kIo only when the
  // root itself cannot be listed.
  std::vector<boost::json::object> list_sessions();
  // The same, with a SessionProblem for each session left out. A journal
  // without a complete event yet (a creation cut short) is neither: it is not
  // a session yet.
  SessionList list_sessions_checked();
  // The ids of every session on disk, sorted.
  std::vector<std::string> list_session_ids();
  // Throws kNotFound for a session without a complete event (no journal, or
  // an empty one: a creation cut short), kCorrupt for a damaged journal.
  SessionInfo session_info(const std::string& session_id);

  // Loads a file in the to_dict shape (a snapshot, or a promptomatix session
  // file): imports it as a new journal, or returns the existing session when
  // one with the same state exists. Throws kInvalidArgument for a file that is
  // not such a document, kAlreadyExists when the id holds a different history.
  std::shared_ptr<OptimizationSession> load_session_from_file(const std::string& session_file_path);

  // Creates a session from a whole history at once (imports): `events` must
  // start with session_created; `meta` is recorded on every event. Credentials
  // are redacted unless options().keep_secrets. Throws kAlreadyExists.
  std::shared_ptr<OptimizationSession> import_session(const std::string& session_id,
                                                      std::vector<EventData> events,
                                                      const boost::json::object& meta = {});

  // --- time travel and maintenance ---
  // The state just after event `seq` (0: before any). Throws kNotFound past the head.
  SessionState state_at(const std::string& session_id, std::uint64_t seq);
  // The state after the last event whose time is <= `t` (any time of the
  // years 0001 to 9999: EventTime, not system_clock's nanoseconds, which end in 2262).
  SessionState state_as_of(const std::string& session_id, EventTime t);
  template <class Duration>
  SessionState state_as_of(const std::string& session_id, std::chrono::sys_time<Duration> t) {
    return state_as_of(session_id, std::chrono::floor<std::chrono::microseconds>(t));
  }
  // Writes a snapshot at the head now, of the state replayed from line 1;
  // returns its path. Throws kCorrupt (and writes nothing) for a damaged journal.
  std::string snapshot(const std::string& session_id);
  // The journal of a session (shared with the sessions of this manager).
  std::shared_ptr<Journal> journal(const std::string& session_id);
  // Problems met with snapshots since this manager was made (ignored snapshots).
  std::vector<SnapshotProblem> snapshot_problems() const;

 private:
  std::shared_ptr<detail::ManagerCore> core_;
};

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_SESSION_MANAGER_H_
