// apply() in two steps, for callers that must not fail once an event is
// committed to the journal (internal).
//
// The constructor makes every check apply() makes and every allocation the
// change needs (copies of the payload, room in the lists); it may throw, and
// then the state is unchanged (at most a list has more spare capacity).
// commit() moves the prepared values into the state and cannot throw. Between
// the two, nothing else may change the state.
#ifndef PROMPTJOURNAL_SRC_PREPARED_APPLY_H_
#define PROMPTJOURNAL_SRC_PREPARED_APPLY_H_

#include <optional>
#include <string>

#include <boost/json/value.hpp>

#include "promptjournal/projector.h"

namespace promptjournal::detail {

class PreparedApply {
 public:
  PreparedApply(SessionState& state, const std::string& session_id, const EventData& data);
  PreparedApply(const PreparedApply&) = delete;
  PreparedApply& operator=(const PreparedApply&) = delete;

  void commit() noexcept;

 private:
  enum class Kind { kWhole, kFeedback, kPrompt, kInput, kComprehensive, kIndividuals, kIndividualAdded };
  SessionState& s_;
  Kind kind_;
  std::optional<SessionState> whole_;  // session_created: the whole new state
  std::optional<Feedback> feedback_;
  std::string text_;                   // prompt or input
  boost::json::value value_;           // a JSON payload, in the target's storage
  bool new_list_ = false;              // individual_feedbacks was not a list
};

}  // namespace promptjournal::detail

#endif  // PROMPTJOURNAL_SRC_PREPARED_APPLY_H_
