#include "promptjournal/session.h"

#include <algorithm>
#include <chrono>

#include "manager_core.h"
#include "prepared_apply.h"
#include "time_format.h"

namespace promptjournal {

namespace json = boost::json;

OptimizationSession::OptimizationSession(std::string session_id, std::string initial_human_input,
                                         Config config)
    : logger_(session_id) {
  validate_session_id(session_id);
  SessionCreated created{std::move(initial_human_input),
                         detail::format_python_isoformat(std::chrono::system_clock::now()),
                         std::move(config)};
  apply(state_, session_id, created);
  log(created);
  pending_.emplace_back(std::move(created));
}

OptimizationSession::OptimizationSession(ManagedTag, std::shared_ptr<detail::ManagerCore> core,
                                         SessionState state, Position position)
    : state_(std::move(state)),
      position_(std::move(position)),
      core_(std::move(core)),
      logger_(state_.session_id) {}

void OptimizationSession::commit(EventData data) {
  if (core_) {
    core_->commit(*this, std::move(data));
    return;
  }
  // Strong guarantee: all that can fail happens before the state moves, so a
  // failure leaves both the state and the pending events as they were.
  detail::PreparedApply change(state_, state_.session_id, data);
  if (pending_.size() == pending_.capacity()) pending_.reserve(std::max<std::size_t>(2 * pending_.size(), 4));
  change.commit();
  log(data);
  pending_.push_back(std::move(data));  // room reserved: no allocation
}

void OptimizationSession::add_feedback(const Feedback& feedback) {
  check_feedback_span(feedback);
  commit(FeedbackAdded{feedback});
}

void OptimizationSession::update_optimized_prompt(std::string new_prompt,
                                                  std::vector<std::string> caused_by) {
  commit(OptimizedPromptUpdated{std::move(new_prompt), std::move(caused_by)});
}

void OptimizationSession::update_human_input(std::string new_input) {
  commit(HumanInputUpdated{std::move(new_input)});
}

void OptimizationSession::set_comprehensive_feedback(json::value value) {
  commit(ComprehensiveFeedbackSet{std::move(value)});
}

void OptimizationSession::set_individual_feedbacks(json::value value) {
  commit(IndividualFeedbacksSet{std::move(value)});
}

void OptimizationSession::add_individual_feedback(json::value value) {
  commit(IndividualFeedbackAdded{std::move(value)});
}

void OptimizationSession::refresh() {
  if (core_) core_->refresh(*this);
}

void OptimizationSession::log(const EventData& data) const noexcept {
  // Best effort, like SessionLogger itself: building an entry may fail to
  // allocate, and a log entry must never fail a mutation that is committed.
  if (!SessionLogger::enabled()) return;
  try {
    log_entry(data);
  } catch (...) {
  }
}

void OptimizationSession::log_entry(const EventData& data) const {
  struct Visitor {
    const SessionLogger& lg;
    void operator()(const SessionCreated& d) const {
      json::object cfg;
      cfg.emplace("model", d.config.get("model_name") ? *d.config.get("model_name") : json::value());
      cfg.emplace("task_type", d.config.get("task_type") ? *d.config.get("task_type") : json::value());
      lg.add_entry(kSessionStart, {{"action", "Session Created"},
                                   {"input", d.initial_human_input},
                                   {"config", std::move(cfg)}});
    }
    void operator()(const FeedbackAdded& d) const {
      lg.add_entry(kCommentAdded, {{"feedback_id", d.feedback.id},
                                   {"text", d.feedback.text},
                                   {"feedback", d.feedback.feedback}});
    }
    void operator()(const OptimizedPromptUpdated& d) const {
      lg.add_entry(kPromptUpdate, {{"action", "Optimized Prompt Updated"}, {"new_prompt", d.prompt}});
    }
    void operator()(const HumanInputUpdated& d) const {
      lg.add_entry(kInputUpdate, {{"action", "Human Input Updated"}, {"new_input", d.input}});
    }
    // The original logged no entry for these attribute assignments.
    void operator()(const ComprehensiveFeedbackSet&) const {}
    void operator()(const IndividualFeedbacksSet&) const {}
    void operator()(const IndividualFeedbackAdded&) const {}
  };
  std::visit(Visitor{logger_}, data);
}

}  // namespace promptjournal
