#include "promptjournal/session.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "json_util.h"
#include "prepared_apply.h"
#include "session_sink.h"
#include "time_format.h"

namespace promptjournal {

namespace json = boost::json;

namespace {

// What every mutation checks before anything moves: the value types the
// seed gives each attribute, and UTF-8 text, each error naming its field.
struct CheckChange {
  void operator()(const SessionCreated&) const {
    throw JournalError::invalid_argument("session_created cannot be a change of an existing session");
  }
  void operator()(const FeedbackAdded& d) const {
    detail::require_utf8(d.feedback.id, "feedback.id");
    detail::require_utf8(d.feedback.text, "feedback.text");
    detail::require_utf8(d.feedback.feedback, "feedback.feedback");
    if (d.feedback.prompt_id) detail::require_utf8(*d.feedback.prompt_id, "feedback.prompt_id");
    detail::require_utf8(d.feedback.created_at, "feedback.created_at");
  }
  void operator()(const OptimizedPromptUpdated& d) const {
    detail::require_utf8(d.prompt, "latest_optimized_prompt");
    for (const auto& id : d.caused_by) detail::require_utf8(id, "caused_by");
  }
  void operator()(const HumanInputUpdated& d) const { detail::require_utf8(d.input, "updated_human_input"); }
  void operator()(const ComprehensiveFeedbackSet& d) const {
    detail::require_storable(d.value, "comprehensive_feedback");
    detail::require_utf8(d.value, "comprehensive_feedback");
  }
  void operator()(const IndividualFeedbacksSet& d) const {
    if (!d.value.is_array())
      throw JournalError::invalid_argument("individual_feedbacks must be a list, not " +
                                           std::string(detail::kind_name(d.value)));
    detail::require_storable(d.value, "individual_feedbacks");
    detail::require_utf8(d.value, "individual_feedbacks");
  }
  void operator()(const IndividualFeedbackAdded& d) const {
    detail::require_storable(d.value, "individual_feedbacks[]");
    detail::require_utf8(d.value, "individual_feedbacks[]");
  }
};

void check_change(const EventData& data) { std::visit(CheckChange{}, data); }

}  // namespace

OptimizationSession::OptimizationSession(std::string session_id, std::string initial_human_input,
                                         Config config)
    : logger_(session_id) {
  validate_session_id(session_id);
  detail::require_utf8(initial_human_input, "initial_human_input");
  SessionCreated created{std::move(initial_human_input),
                         detail::format_python_isoformat(std::chrono::system_clock::now()),
                         std::move(config)};
  apply(state_, session_id, created);
  log(created);
  pending_.emplace_back(std::move(created));
}

OptimizationSession::OptimizationSession(ManagedTag, std::shared_ptr<detail::SessionSink> sink,
                                         SessionState state, Position position, std::optional<Config> disk_config)
    : state_(std::move(state)),
      position_(std::move(position)),
      disk_config_(std::move(disk_config)),
      sink_(std::move(sink)),
      logger_(state_.session_id) {}

SessionState OptimizationSession::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

Position OptimizationSession::position() const {
  std::lock_guard<std::mutex> lock(mu_);
  return position_;
}

std::uint64_t OptimizationSession::version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return position_.seq;
}

json::object OptimizationSession::to_dict() const {
  std::lock_guard<std::mutex> lock(mu_);
  return promptjournal::to_dict(state_);
}

void OptimizationSession::apply_changes(std::vector<EventData> changes) {
  for (const auto& c : changes) check_change(c);
  if (changes.empty()) return;
  commit_all(std::move(changes));
}

void OptimizationSession::commit_all(std::vector<EventData> changes) {
  if (sink_) {
    commit_managed(std::move(changes));
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  // All or nothing: the changes are folded into a copy, which replaces the
  // state only when every one of them applied.
  SessionState next = state_;
  for (const auto& c : changes) apply(next, state_.session_id, c);
  pending_.reserve(pending_.size() + changes.size());
  state_ = std::move(next);
  for (auto& c : changes) {
    log(c);
    pending_.push_back(std::move(c));  // room reserved: no allocation
  }
}

void OptimizationSession::commit(EventData data) {
  check_change(data);
  if (sink_) {
    std::vector<EventData> one;
    one.push_back(std::move(data));
    commit_managed(std::move(one));
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
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
  if (!sink_) return;
  std::lock_guard<std::mutex> lock(mu_);
  refresh_locked();
}

void OptimizationSession::refresh_locked() {
  auto r = sink_->read(state_.session_id, position_);
  // Nothing new (the common case): no copy of the state.
  auto first = r->next();
  if (!first) return;
  SessionState state = state_;
  apply(state, *first);
  Position pos = r->position();
  while (auto e = r->next()) {
    apply(state, *e);
    pos = r->position();
  }
  // Both by move: a failed copy here would leave the state ahead of the position.
  state_ = std::move(state);
  position_ = std::move(pos);
}

namespace {

// Sleeps a random 0..2^attempt ms, at most 64 ms.
void backoff(int attempt) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  const int cap = 1 << std::min(attempt, 6);
  std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, cap * 1000)(rng)));
}

void log_failure(const SessionLogger& logger, const JournalError& e, const EventData& data) noexcept {
  try {
    logger.add_entry(kError, {{"error", e.what()}, {"event", std::string(type_name(data))}});
  } catch (...) {
    // Building the entry failed (no memory): the error itself still reaches the caller.
  }
}

}  // namespace

// The write path keeps one rule: everything that can allocate or throw
// happens before the append, and after it returns only moves and noexcept
// calls remain. So an exception always means "not committed" (the journal
// holds nothing of it and the session did not move), and a return means
// committed: the caller never sees a failure for an event that is stored.
void OptimizationSession::commit_managed(std::vector<EventData> batch) {
  std::lock_guard<std::mutex> session_lock(mu_);
  for (auto& d : batch) d = sink_->redact(std::move(d));
  // Feedback commutes with every other event: retrying it after catching up
  // is safe. Anything else was decided on the state the caller saw.
  const bool commutes = std::all_of(batch.begin(), batch.end(), [](const EventData& d) {
    return std::holds_alternative<FeedbackAdded>(d) || std::holds_alternative<IndividualFeedbackAdded>(d);
  });
  const std::string& id = state_.session_id;
  for (int attempt = 0;; ++attempt) {
    try {
      if (batch.size() == 1) {
        detail::PreparedApply change(state_, id, batch.front());
        auto r = sink_->append(id, batch, position_.seq);
        // Only now, with the event stored, does the session move, and
        // nothing from here on can fail.
        change.commit();
        position_ = std::move(r.head);
      } else {
        // Several at once: folded into a copy, which replaces the state by a
        // move once the whole batch is stored.
        SessionState next = state_;
        for (const auto& d : batch) apply(next, id, d);
        auto r = sink_->append(id, batch, position_.seq);
        state_ = std::move(next);
        position_ = std::move(r.head);
      }
      for (const auto& d : batch) log(d);
      break;
    } catch (const JournalError& e) {
      if (e.kind() == ErrorKind::kConflict && commutes && attempt < sink_->feedback_retries()) {
        // A writer that just won appends again at once, while the loser
        // must catch up first: without a pause the same writer keeps
        // winning (seen on PostgreSQL with two busy processes). A random
        // pause, growing with each loss, lets the loser through.
        if (attempt >= 1) backoff(attempt);
        refresh_locked();
        continue;
      }
      for (const auto& d : batch) log_failure(logger_, e, d);
      throw;
    }
  }
  sink_->committed(id, state_, position_, disk_config_);
}

void OptimizationSession::persist_through(std::shared_ptr<detail::SessionSink> sink) {
  std::lock_guard<std::mutex> session_lock(mu_);
  if (!pending_.empty()) {
    if (sink_) throw JournalError::invalid_argument("a managed session has no pending events");
    std::vector<EventData> batch;
    batch.reserve(pending_.size());
    for (auto& e : pending_) batch.push_back(sink->redact(e));
    // The object keeps its state, credentials included: only the journal
    // (and snapshots) hold them redacted.
    std::optional<Config> written = sink->disk_config(pending_);
    auto r = sink->append(state_.session_id, batch, 0);
    // Committed: only moves from here on.
    disk_config_ = std::move(written);
    position_ = std::move(r.head);
    pending_.clear();
    sink_ = std::move(sink);
  } else if (sink_) {
    refresh_locked();
  }
  if (sink_) sink_->committed(state_.session_id, state_, position_, disk_config_);
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
