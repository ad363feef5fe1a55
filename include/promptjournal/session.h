// OptimizationSession: the state of one prompt-optimization session, with the
// seed's attributes and methods.
//
// Every mutation is an event. On a session obtained from a SessionManager
// (managed), a mutation returns only after its event is in the journal
// (write-through) and the in-memory state never moves ahead of the journal: if
// the append throws, the session is unchanged. This holds for every exception,
// std::bad_alloc included: nothing that can fail runs after the event is
// written, so an exception always means "not committed" (the journal holds
// nothing of it) and a return always means committed; retrying after an
// exception never duplicates an event. A session built with the public
// constructor (detached) keeps its events pending until
// SessionManager::update_session persists them.
//
// Credentials: the object keeps the config it was given, whole (an API key
// included), so the caller can use it again; only what reaches the disk
// (journal, snapshots) has credentials redacted (unless
// ManagerOptions::keep_secrets). A session opened from disk (get_session in
// another manager or process, or after this object is gone) therefore holds
// "[REDACTED]" where the key was: keep keys in the application, not in the
// session.
//
// Thread-safety: one object is shared by every thread that asks a manager for
// its id (get_session returns the same object). What is safe at the same time
// as a mutation or refresh from another thread: the methods marked
// [locked] below (state(), to_dict(), position(), version(), the mutations,
// refresh(), apply_changes(), retry_on_conflict()), which take the object's
// lock and return values. The getters that return references (session_id()
// excepted, which never changes) are NOT: their result may change or dangle
// while another thread mutates; from several threads use state(), which
// returns a consistent copy of every attribute at one position. Several
// objects and processes may share a session: the journal orders them.
//
// Errors: mutations throw JournalError (or std::bad_alloc); a detached
// session's mutation that throws leaves its state and pending events
// unchanged. kConflict (managed sessions): a mutation is appended only if
// the journal still ends where this object last saw it; if another writer
// (another manager or process) appended meanwhile, update_optimized_prompt,
// update_human_input, set_comprehensive_feedback, set_individual_feedbacks
// and apply_changes throw kConflict and change nothing, since they were
// decided on an old state. refresh() then shows what changed; or use
// retry_on_conflict(). add_feedback and add_individual_feedback commute with
// any other event: they catch up and retry by themselves
// (ManagerOptions::feedback_retries times) and throw kConflict only when
// other writers win every retry.
#ifndef PROMPTJOURNAL_SESSION_H_
#define PROMPTJOURNAL_SESSION_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "promptjournal/config.h"
#include "promptjournal/errors.h"
#include "promptjournal/feedback.h"
#include "promptjournal/journal.h"
#include "promptjournal/logger.h"
#include "promptjournal/projector.h"

namespace promptjournal {

namespace detail {
class ManagerCore;
class SessionSink;
}

class OptimizationSession {
 public:
  // A detached session, as the seed's constructor: created_at is now, the
  // session_created event is pending until SessionManager::update_session.
  OptimizationSession(std::string session_id, std::string initial_human_input, Config config);
  OptimizationSession(const OptimizationSession&) = delete;
  OptimizationSession& operator=(const OptimizationSession&) = delete;

  // --- the seed's attributes (read-only: change them through the methods) ---
  const std::string& session_id() const noexcept { return state_.session_id; }
  const std::string& initial_human_input() const noexcept { return state_.initial_human_input; }
  const std::string& updated_human_input() const noexcept { return state_.updated_human_input; }
  const std::optional<std::string>& latest_optimized_prompt() const noexcept {
    return state_.latest_optimized_prompt;
  }
  const std::vector<Feedback>& latest_human_feedback() const noexcept {
    return state_.latest_human_feedback;
  }
  const Config& config() const noexcept { return state_.config; }
  const std::string& created_at() const noexcept { return state_.created_at; }
  const SessionLogger& logger() const noexcept { return logger_; }
  const boost::json::value& comprehensive_feedback() const noexcept {
    return state_.comprehensive_feedback;
  }
  const boost::json::value& individual_feedbacks() const noexcept {
    return state_.individual_feedbacks;
  }

  // --- the seed's methods [locked] ---
  // Throws kInvalidArgument for text that is not UTF-8 (naming the field);
  // kConflict only after the retries (see above). add_feedback throws
  // kInvalidArgument, writing nothing, unless 0 <= start_offset <= end_offset
  // (check_feedback_span); whether the span fits the prompt is for the
  // caller: feedback_span_mismatch tells.
  void add_feedback(const Feedback& feedback);
  // `caused_by`: optional ids of the feedback this update answers (lineage).
  // Throws kConflict when another writer appended since position() (see above).
  void update_optimized_prompt(std::string new_prompt, std::vector<std::string> caused_by = {});
  // Throws kConflict when another writer appended since position().
  void update_human_input(std::string new_input);
  // The original assigned these attributes directly; here they are events too.
  // Throws kConflict when another writer appended since position().
  void set_comprehensive_feedback(boost::json::value value);
  // REQUIRES: `value` is a list (the seed's List[Dict]); anything else throws
  // kInvalidArgument. Throws kConflict when another writer appended since position().
  void set_individual_feedbacks(boost::json::value value);
  // Appends one entry to individual_feedbacks; retries on conflict as add_feedback.
  void add_individual_feedback(boost::json::value value);
  // A copy of promptomatix's to_dict, at one position. [locked]
  boost::json::object to_dict() const;

  // Several changes as one write: all of them are in the journal or none
  // (e.g. a new optimized prompt and the feedback on it). Each is checked as
  // its method checks it; a session_created is refused (kInvalidArgument).
  // Throws kConflict as update_optimized_prompt does, unless every change is
  // a feedback (which then retries as add_feedback). [locked]
  void apply_changes(std::vector<EventData> changes);

  // The loop every writer that shares a session needs: calls `change(*this)`,
  // and if it throws kConflict (another writer appended first), refresh()es
  // and calls it again, at most `attempts` times in all; the last kConflict
  // is rethrown, any other error at once. `change` must decide from the
  // session's current state (it sees the refreshed one) and make ONE
  // mutation (use apply_changes for several): a mutation that throws changed
  // nothing, so retrying never duplicates an event. Managed sessions only
  // (a detached session never conflicts). REQUIRES: attempts >= 1.
  template <class Change>
  void retry_on_conflict(Change&& change, int attempts = 16);

  // --- journal ---
  // A consistent copy of every attribute, taken under the object's lock: safe
  // while other threads mutate the object. [locked]
  SessionState state() const;
  // The last event this object has applied (seq 0 before any is persisted). [locked]
  Position position() const;
  std::uint64_t version() const;  // position().seq [locked]
  bool is_managed() const noexcept { return sink_ != nullptr; }
  // Events waiting for update_session (detached sessions only).
  const std::vector<EventData>& pending() const noexcept { return pending_; }
  // Applies events other writers appended since position(). Managed sessions only.
  void refresh();

 private:
  // The manager constructs managed sessions and attaches detached ones
  // (persist_through); every write and read of a managed session goes
  // through its detail::SessionSink, never through the manager itself.
  friend class detail::ManagerCore;
  struct ManagedTag {};
  OptimizationSession(ManagedTag, std::shared_ptr<detail::SessionSink> sink, SessionState state,
                      Position position, std::optional<Config> disk_config = std::nullopt);

  void commit(EventData data);
  void commit_all(std::vector<EventData> changes);
  // Appends `batch` at position_ through the sink, then applies it.
  void commit_managed(std::vector<EventData> batch);
  // Applies what other writers appended since position_. REQUIRES: mu_ held.
  void refresh_locked();
  // update_session: a detached session's pending events go to the journal
  // through `sink`, which the session then keeps; a managed one refreshes.
  void persist_through(std::shared_ptr<detail::SessionSink> sink);
  static bool is_conflict(const JournalError& e) noexcept { return e.kind() == ErrorKind::kConflict; }
  void log(const EventData& data) const noexcept;
  void log_entry(const EventData& data) const;

  mutable std::mutex mu_;
  SessionState state_;
  Position position_;
  std::vector<EventData> pending_;
  // The config the journal holds when it differs from state_.config (the
  // caller's, whose credentials were redacted on disk); snapshots use it.
  std::optional<Config> disk_config_;
  std::shared_ptr<detail::SessionSink> sink_;
  SessionLogger logger_;
};

template <class Change>
void OptimizationSession::retry_on_conflict(Change&& change, int attempts) {
  for (int attempt = 1;; ++attempt) {
    try {
      change(*this);
      return;
    } catch (const JournalError& e) {
      if (!is_conflict(e) || attempt >= attempts) throw;
    }
    refresh();
  }
}

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_SESSION_H_
