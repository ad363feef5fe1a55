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
// Thread-safety: mutations (and refresh) of a managed session may come from
// several threads at once: they are serialised per object. Reading attributes
// while another thread mutates the same object is a data race: synchronise
// that yourself, or use one object per thread (several objects and processes
// may share a session: the journal orders them). Errors: mutations throw
// JournalError (or std::bad_alloc); a detached session's mutation that throws
// leaves its state and pending events unchanged.
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
#include "promptjournal/feedback.h"
#include "promptjournal/journal.h"
#include "promptjournal/logger.h"
#include "promptjournal/projector.h"

namespace promptjournal {

namespace detail {
class ManagerCore;
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

  // --- the seed's methods ---
  // Throws JournalError(kInvalidArgument), writing nothing, unless
  // 0 <= start_offset <= end_offset (check_feedback_span). Whether the span
  // fits the prompt is for the caller: feedback_span_mismatch tells.
  void add_feedback(const Feedback& feedback);
  // `caused_by`: optional ids of the feedback this update answers (lineage).
  void update_optimized_prompt(std::string new_prompt, std::vector<std::string> caused_by = {});
  void update_human_input(std::string new_input);
  // The original assigned these attributes directly; here they are events too.
  void set_comprehensive_feedback(boost::json::value value);
  void set_individual_feedbacks(boost::json::value value);
  void add_individual_feedback(boost::json::value value);
  boost::json::object to_dict() const { return promptjournal::to_dict(state_); }

  // --- journal ---
  const SessionState& state() const noexcept { return state_; }
  // The last event this object has applied (seq 0 before any is persisted).
  const Position& position() const noexcept { return position_; }
  std::uint64_t version() const noexcept { return position_.seq; }
  bool is_managed() const noexcept { return core_ != nullptr; }
  // Events waiting for update_session (detached sessions only).
  const std::vector<EventData>& pending() const noexcept { return pending_; }
  // Applies events other writers appended since position(). Managed sessions only.
  void refresh();

 private:
  friend class detail::ManagerCore;
  struct ManagedTag {};
  OptimizationSession(ManagedTag, std::shared_ptr<detail::ManagerCore> core, SessionState state,
                      Position position);

  void commit(EventData data);
  void log(const EventData& data) const noexcept;
  void log_entry(const EventData& data) const;

  mutable std::mutex mu_;
  SessionState state_;
  Position position_;
  std::vector<EventData> pending_;
  std::shared_ptr<detail::ManagerCore> core_;
  SessionLogger logger_;
};

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_SESSION_H_
