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
//
// Unknown ids, one rule: a session exists when its journal holds at least one
// complete event. For an id that is valid but names no session (no folder,
// no journal, or an empty one: a creation cut short), get_session returns
// nullptr (the seed's Optional), and every other call that reads a session
// (state_at, state_as_of, session_info, snapshot, read_history) throws
// kNotFound; none of them creates anything. An id that is not a valid file
// name throws kInvalidSessionId from every call. A state is only ever
// returned for a moment the session existed: state_as_of a time before its
// first event, and state_at(id, 0), throw kNotFound too.
//
// Credentials: what reaches the disk (journal, snapshots, saved files) has
// them redacted unless options().keep_secrets; the objects returned by
// create_session (and update_session) keep the caller's config whole, so a
// session reopened from disk holds "[REDACTED]" instead (see session.h).
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
#include "promptjournal/event_store.h"
#include "promptjournal/journal.h"
#include "promptjournal/options.h"
#include "promptjournal/session.h"
#include "promptjournal/snapshot.h"
#include "promptjournal/time.h"

namespace promptjournal {

// One line of list_session_infos(): what a listing shows, without the
// session's prompts and feedback (cheap to hold for many sessions).
struct SessionInfo {
  std::string session_id;
  std::uint64_t events = 0;
  std::string created_at;   // the session's created_at, as recorded (Python isoformat)
  std::string last_change;  // time of the last event (UTC)
  std::uint64_t bytes = 0;  // size of the history: its lines, '\n' included (events.jsonl without a torn tail)
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
  // Keeps the sessions where `location` says (open_event_store): a folder
  // path or file://PATH (the file journal; the folder is created, mode
  // 0700), or a postgresql:// URL (docs/postgresql.md).
  // Throws kInvalidArgument for an empty location or an unknown scheme; kIo
  // naming the path when a folder cannot be created, or is a symbolic link or
  // a file; kUnavailable when a PostgreSQL server cannot be reached.
  explicit SessionManager(std::string location, ManagerOptions options = {});
  // Keeps the sessions in `store` (any backend, a third one included).
  // options.journal.fs is then only used for files the caller names
  // (imports, save_session). Throws kInvalidArgument for a null store.
  explicit SessionManager(std::shared_ptr<EventStore> store, ManagerOptions options = {});
  ~SessionManager();
  SessionManager(const SessionManager&) = delete;
  SessionManager& operator=(const SessionManager&) = delete;

  // The location given to the constructor (or the store's describe()).
  const std::string& sessions_dir() const noexcept;
  // Where the events live; shared by every session of this manager.
  EventStore& store() const noexcept;
  const ManagerOptions& options() const noexcept;

  // Creates a session: its session_created event is in the journal on return.
  // Credentials in `config` are redacted on disk unless
  // options().keep_secrets; the returned object keeps `config` whole.
  // Throws kAlreadyExists if the id has history, kCorrupt if its journal is
  // damaged (a changed first line included: nothing is moved aside),
  // kInvalidSessionId, kInvalidArgument for an initial_input that is not UTF-8.
  std::shared_ptr<OptimizationSession> create_session(const std::string& session_id,
                                                      const std::string& initial_input,
                                                      const Config& config);
  // The session at the head of its journal, or nullptr if there is none
  // (see "Unknown ids"). The same object for the same id, to every thread
  // (see session.h for what is safe to call on it concurrently).
  // Throws kCorrupt for a damaged journal, kInvalidSessionId.
  std::shared_ptr<OptimizationSession> get_session(const std::string& session_id);
  // Persists the session's pending events (a detached session is created
  // here; its object keeps its config whole, the journal gets it redacted)
  // and writes a snapshot when one is due. Throws kConflict when the
  // journal moved on in a way the pending events cannot follow.
  void update_session(OptimizationSession& session);
  // to_dict() of every session on disk that can be read, sorted by id (the
  // seed's list_sessions: every prompt and feedback of every session; for a
  // listing use list_session_infos()). One damaged or unreadable session does
  // not make it throw: it is left out (list_sessions_checked() says which and
  // why). Throws kIo only when the root itself cannot be listed.
  std::vector<boost::json::object> list_sessions();
  // The same, with a SessionProblem for each session left out. A journal
  // without a complete event yet (a creation cut short) is neither: it is not
  // a session yet.
  SessionList list_sessions_checked();
  // A SessionInfo for every session on disk, sorted by id. Memory: the infos
  // and one session's state at a time. Throws kCorrupt for a damaged session
  // (list_sessions_checked() lists around them).
  std::vector<SessionInfo> list_session_infos();
  // The ids of every session on disk, sorted.
  std::vector<std::string> list_session_ids();
  // Throws kNotFound for an unknown id (see "Unknown ids") or a session
  // without a complete event (an empty journal: a creation cut short),
  // kCorrupt for a damaged journal.
  SessionInfo session_info(const std::string& session_id);

  // Loads a file in the to_dict shape (one save_session wrote, a snapshot,
  // or a promptomatix session file, export_promptomatix's included): imports
  // it as a new journal, or returns the existing session when it already
  // holds that state (credentials compared as the journal keeps them, and a
  // feedback's prompt_id only where the file has one). Throws kNotFound (no
  // file), kInvalidArgument for a file that is not such a document,
  // kInvalidSessionId, kAlreadyExists when the id holds a different state.
  std::shared_ptr<OptimizationSession> load_session_from_file(const std::string& session_file_path);
  // The same from a document in memory (the inverse of to_dict(); the events
  // carry no meta.import, since there is no file). Same errors.
  std::shared_ptr<OptimizationSession> load_session_from_dict(const boost::json::object& dict);
  // promptomatix's _save_session: writes session.state() to `path`
  // atomically, as save_session_file with this manager's keep_secrets,
  // durability and file system (shape kComplete: every field).
  void save_session(const OptimizationSession& session, const std::string& path);

  // Creates a session from a whole history at once (imports): `events` must
  // start with session_created; `meta` is recorded on every event. Credentials
  // are redacted unless options().keep_secrets. Throws kAlreadyExists.
  std::shared_ptr<OptimizationSession> import_session(const std::string& session_id,
                                                      std::vector<EventData> events,
                                                      const boost::json::object& meta = {});

  // --- time travel and maintenance ---
  // The state just after event `seq`. Throws kNotFound for an unknown id,
  // and for seq 0 or a seq past the head.
  SessionState state_at(const std::string& session_id, std::uint64_t seq);
  // The state after the last event whose time is <= `t` (any time of the
  // years 0001 to 9999: EventTime, not system_clock's nanoseconds, which end
  // in 2262). Throws kNotFound for an unknown id, and for a `t` before the
  // session's first event.
  SessionState state_as_of(const std::string& session_id, EventTime t);
  template <class Duration>
  SessionState state_as_of(const std::string& session_id, std::chrono::sys_time<Duration> t) {
    return state_as_of(session_id, std::chrono::floor<std::chrono::microseconds>(t));
  }
  // Writes a snapshot at the head now, of the state replayed from line 1;
  // returns its path. Throws kNotFound for an unknown id, kCorrupt (and
  // writes nothing) for a damaged journal.
  std::string snapshot(const std::string& session_id);
  // The file journal of a session (shared with the sessions of this
  // manager). File backend only: throws kInvalidArgument for another store.
  std::shared_ptr<Journal> journal(const std::string& session_id);
  // Problems met with snapshots since this manager was made (ignored snapshots).
  std::vector<SnapshotProblem> snapshot_problems() const;

 private:
  // Throws kNotFound unless the session exists (see "Unknown ids").
  void require_session(const std::string& session_id);

  std::shared_ptr<detail::ManagerCore> core_;
};

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_SESSION_MANAGER_H_
