// The projector: a pure fold from events to session state. No I/O.
//
// The same events always give the same state and a byte-identical to_dict().
// Thread-safety: functions are reentrant; SessionState is a copyable value.
#ifndef PROMPTJOURNAL_PROJECTOR_H_
#define PROMPTJOURNAL_PROJECTOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "promptjournal/config.h"
#include "promptjournal/event.h"
#include "promptjournal/feedback.h"

namespace promptjournal {

// The state of an OptimizationSession, field for field as promptomatix's.
struct SessionState {
  std::string session_id;
  std::string initial_human_input;
  std::string updated_human_input;
  std::optional<std::string> latest_optimized_prompt;
  std::vector<Feedback> latest_human_feedback;
  boost::json::value comprehensive_feedback;  // null until set
  boost::json::value individual_feedbacks = boost::json::array();
  std::string created_at;
  Config config;
  bool created = false;  // false until a session_created event was applied

  bool operator==(const SessionState&) const = default;
};

// Applies one payload. Throws JournalError(kCorrupt) when it cannot apply:
// anything before session_created, or a second session_created.
void apply(SessionState& state, const std::string& session_id, const EventData& data);
inline void apply(SessionState& state, const Event& e) { apply(state, e.session_id, e.data); }

// Folds events in order from an empty state.
SessionState replay(const std::vector<Event>& events);

// promptomatix's to_dict, in its key order: session_id, initial_human_input,
// updated_human_input, latest_optimized_prompt, latest_human_feedback (each:
// id, text, start_offset, end_offset, feedback, prompt_id, created_at),
// comprehensive_feedback, individual_feedbacks, created_at, config.
// Providers are their string value. prompt_id is our one addition (the
// original dropped it); export_promptomatix() leaves it out.
boost::json::object to_dict(const SessionState& state);

// The inverse of to_dict, for snapshots and promptomatix files: accepts the
// to_dict shape with or without prompt_id, ignores unknown top-level keys.
// Missing optional fields take their defaults. Throws JournalError
// (kInvalidArgument) naming the field that is missing or of the wrong type.
SessionState state_from_dict(const boost::json::object& dict);

// The events that, replayed from nothing, give `state` (for imports):
// session_created, then human input, optimized prompt, feedbacks,
// comprehensive and individual feedback when they differ from the defaults.
std::vector<EventData> events_for_state(const SessionState& state);

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_PROJECTOR_H_
