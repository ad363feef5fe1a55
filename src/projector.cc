#include "promptjournal/projector.h"

#include <boost/json.hpp>

#include <algorithm>

#include "json_util.h"
#include "prepared_apply.h"
#include "promptjournal/errors.h"

namespace promptjournal {

namespace json = boost::json;

// One apply path: apply() is PreparedApply's two steps back to back, so a
// replay and a write-through mutation fold events by the same code.
void apply(SessionState& state, const std::string& session_id, const EventData& data) {
  detail::PreparedApply change(state, session_id, data);
  change.commit();
}

namespace detail {

PreparedApply::PreparedApply(SessionState& state, const std::string& session_id, const EventData& data)
    : s_(state) {
  if (!state.created && !std::holds_alternative<SessionCreated>(data))
    throw JournalError::corrupt("event " + std::string(type_name(data)) + " for '" + session_id +
                                    "' before its session_created event",
                                {});
  if (const auto* d = std::get_if<FeedbackAdded>(&data)) {
    kind_ = Kind::kFeedback;
    feedback_.emplace(d->feedback);
    auto& list = s_.latest_human_feedback;
    if (list.size() == list.capacity()) list.reserve(std::max<std::size_t>(2 * list.size(), 4));
  } else if (const auto* d = std::get_if<OptimizedPromptUpdated>(&data)) {
    kind_ = Kind::kPrompt;
    text_ = d->prompt;
  } else if (const auto* d = std::get_if<HumanInputUpdated>(&data)) {
    kind_ = Kind::kInput;
    text_ = d->input;
  } else if (const auto* d = std::get_if<ComprehensiveFeedbackSet>(&data)) {
    kind_ = Kind::kComprehensive;
    value_ = json::value(d->value, s_.comprehensive_feedback.storage());
  } else if (const auto* d = std::get_if<IndividualFeedbacksSet>(&data)) {
    kind_ = Kind::kIndividuals;
    value_ = json::value(d->value, s_.individual_feedbacks.storage());
  } else if (const auto* d = std::get_if<IndividualFeedbackAdded>(&data)) {
    kind_ = Kind::kIndividualAdded;
    json::storage_ptr sp = s_.individual_feedbacks.storage();
    if (s_.individual_feedbacks.is_array()) {
      auto& list = s_.individual_feedbacks.get_array();
      if (list.size() == list.capacity()) list.reserve(list.size() + 1);  // grows by half
      value_ = json::value(d->value, sp);
    } else {
      // Appending to something that is not a list starts a new list (FORMAT.md).
      json::array fresh(sp);
      fresh.reserve(1);
      fresh.emplace_back(d->value);
      value_ = json::value(std::move(fresh), sp);
      new_list_ = true;
    }
  } else {
    // session_created: a whole new state (it only ever follows nothing).
    const auto& c = std::get<SessionCreated>(data);
    if (state.created) throw JournalError::corrupt("a second session_created event for '" + session_id + "'", {});
    kind_ = Kind::kWhole;
    SessionState& fresh = whole_.emplace();
    fresh.session_id = session_id;
    fresh.initial_human_input = c.initial_human_input;
    fresh.updated_human_input = c.initial_human_input;
    fresh.created_at = c.created_at;
    fresh.config = c.config;
    fresh.created = true;
  }
}

void PreparedApply::commit() noexcept {
  // Only moves into storage prepared above: no allocation. Every JSON value
  // was made in its target's storage, so moving it cannot copy.
  switch (kind_) {
    case Kind::kWhole: s_ = std::move(*whole_); break;
    case Kind::kFeedback: s_.latest_human_feedback.push_back(std::move(*feedback_)); break;
    case Kind::kPrompt: s_.latest_optimized_prompt = std::move(text_); break;
    case Kind::kInput: s_.updated_human_input = std::move(text_); break;
    case Kind::kComprehensive: s_.comprehensive_feedback = std::move(value_); break;
    case Kind::kIndividuals: s_.individual_feedbacks = std::move(value_); break;
    case Kind::kIndividualAdded:
      if (new_list_)
        s_.individual_feedbacks = std::move(value_);
      else
        s_.individual_feedbacks.get_array().push_back(std::move(value_));
      break;
  }
}

}  // namespace detail

SessionState replay(const std::vector<Event>& events) {
  SessionState s;
  for (const auto& e : events) apply(s, e);
  return s;
}

json::object to_dict(const SessionState& s) {
  json::object o;
  o.reserve(10);
  o.emplace("session_id", s.session_id);
  o.emplace("initial_human_input", s.initial_human_input);
  o.emplace("updated_human_input", s.updated_human_input);
  if (s.latest_optimized_prompt)
    o.emplace("latest_optimized_prompt", *s.latest_optimized_prompt);
  else
    o.emplace("latest_optimized_prompt", nullptr);
  json::array fb;
  fb.reserve(s.latest_human_feedback.size());
  for (const auto& f : s.latest_human_feedback) fb.emplace_back(to_json(f));
  o.emplace("latest_human_feedback", std::move(fb));
  o.emplace("comprehensive_feedback", s.comprehensive_feedback);
  o.emplace("individual_feedbacks", s.individual_feedbacks);
  o.emplace("created_at", s.created_at);
  o.emplace("config", s.config.values());
  return o;
}

SessionState state_from_dict(const json::object& d) {
  constexpr std::string_view w = "session";
  SessionState s;
  s.session_id = detail::get_string(d, "session_id", w);
  s.initial_human_input = detail::get_string(d, "initial_human_input", w);
  s.updated_human_input =
      detail::get_optional_string(d, "updated_human_input", w).value_or(s.initial_human_input);
  s.latest_optimized_prompt = detail::get_optional_string(d, "latest_optimized_prompt", w);
  if (auto it = d.find("latest_human_feedback"); it != d.end() && !it->value().is_null()) {
    if (!it->value().is_array())
      throw JournalError::invalid_argument("field 'session.latest_human_feedback': expected an array");
    for (const auto& f : it->value().get_array()) {
      if (!f.is_object())
        throw JournalError::invalid_argument("field 'session.latest_human_feedback': expected objects");
      s.latest_human_feedback.push_back(feedback_from_json(f.get_object()));
    }
  }
  if (auto it = d.find("comprehensive_feedback"); it != d.end())
    s.comprehensive_feedback = json::value(it->value(), json::storage_ptr());
  if (auto it = d.find("individual_feedbacks"); it != d.end())
    s.individual_feedbacks = json::value(it->value(), json::storage_ptr());
  s.created_at = detail::get_string(d, "created_at", w);
  if (auto it = d.find("config"); it != d.end() && !it->value().is_null()) {
    if (!it->value().is_object())
      throw JournalError::invalid_argument("field 'session.config': expected an object");
    s.config = Config(json::object(it->value().get_object(), json::storage_ptr()));
  }
  s.created = true;
  return s;
}

std::vector<EventData> events_for_state(const SessionState& s) {
  std::vector<EventData> out;
  out.emplace_back(SessionCreated{s.initial_human_input, s.created_at, s.config});
  if (s.updated_human_input != s.initial_human_input)
    out.emplace_back(HumanInputUpdated{s.updated_human_input});
  if (s.latest_optimized_prompt) out.emplace_back(OptimizedPromptUpdated{*s.latest_optimized_prompt, {}});
  for (const auto& f : s.latest_human_feedback) out.emplace_back(FeedbackAdded{f});
  if (!s.comprehensive_feedback.is_null()) out.emplace_back(ComprehensiveFeedbackSet{s.comprehensive_feedback});
  if (!(s.individual_feedbacks.is_array() && s.individual_feedbacks.get_array().empty()))
    out.emplace_back(IndividualFeedbacksSet{s.individual_feedbacks});
  return out;
}

}  // namespace promptjournal
