#include "promptjournal/session_manager.h"

#include <algorithm>

#include <boost/json.hpp>

#include "file_event_store.h"
#include "file_names.h"
#include "import_internal.h"
#include "json_util.h"
#include "manager_core.h"
#include "promptjournal/promptomatix.h"
#include "time_format.h"

namespace promptjournal {

namespace json = boost::json;

SessionManager::SessionManager(std::string location, ManagerOptions options)
    : core_(std::make_shared<detail::ManagerCore>(std::move(location), std::move(options))) {}

SessionManager::SessionManager(std::shared_ptr<EventStore> store, ManagerOptions options)
    : core_(std::make_shared<detail::ManagerCore>(std::move(store), std::move(options))) {}

SessionManager::~SessionManager() = default;

const std::string& SessionManager::sessions_dir() const noexcept { return core_->root(); }
const ManagerOptions& SessionManager::options() const noexcept { return core_->options(); }
EventStore& SessionManager::store() const noexcept { return core_->store(); }

std::shared_ptr<OptimizationSession> SessionManager::create_session(const std::string& session_id,
                                                                    const std::string& initial_input,
                                                                    const Config& config) {
  validate_session_id(session_id);
  detail::require_utf8(initial_input, "initial_human_input");
  auto now = core_->options().journal.clock ? core_->options().journal.clock()
                                            : std::chrono::system_clock::now();
  std::vector<EventData> events;
  events.emplace_back(SessionCreated{initial_input, detail::format_python_isoformat(now), config});
  return core_->create(session_id, std::move(events));
}

std::shared_ptr<OptimizationSession> SessionManager::get_session(const std::string& session_id) {
  return core_->get(session_id);
}

void SessionManager::update_session(OptimizationSession& session) { core_->persist(session); }

std::vector<std::string> SessionManager::list_session_ids() { return core_->store().list_streams(); }

void SessionManager::require_session(const std::string& session_id) {
  validate_session_id(session_id);
  if (!core_->store().has_stream(session_id))
    throw JournalError::not_found("no session '" + session_id + "' in " + core_->root());
}

std::vector<SessionInfo> SessionManager::list_session_infos() {
  std::vector<SessionInfo> out;
  for (const auto& id : list_session_ids()) {
    try {
      out.push_back(session_info(id));
    } catch (const JournalError& e) {
      if (e.kind() != ErrorKind::kNotFound) throw;  // a creation cut short: not a session
    }
  }
  return out;
}

std::vector<json::object> SessionManager::list_sessions() { return list_sessions_checked().sessions; }

SessionList SessionManager::list_sessions_checked() {
  SessionList out;
  for (const auto& id : list_session_ids()) {
    try {
      if (auto s = get_session(id)) out.sessions.push_back(s->to_dict());
    } catch (const JournalError& e) {
      out.problems.push_back({id, e});
    }
  }
  return out;
}

SessionInfo SessionManager::session_info(const std::string& session_id) {
  require_session(session_id);
  auto l = core_->load(session_id);
  if (!l.state.created) throw JournalError::not_found("session '" + session_id + "' has no events");
  SessionInfo info;
  info.session_id = session_id;
  info.events = l.position.seq;
  info.last_change = l.position.at;
  info.bytes = l.position.offset;
  info.latest_optimized_prompt = l.state.latest_optimized_prompt;
  info.head_hash = l.position.hash;
  info.created_at = l.state.created_at;
  return info;
}

std::shared_ptr<OptimizationSession> SessionManager::load_session_from_file(
    const std::string& session_file_path) {
  ImportOptions opt;
  opt.keep_secrets = options().keep_secrets;
  std::shared_ptr<OptimizationSession> session;
  ImportResult r = detail::import_file(*this, session_file_path, opt, &session);
  if (r.outcome == ImportResult::Outcome::kRefused) {
    if (!core_->fs().exists(session_file_path))
      throw JournalError::not_found("no session file at " + session_file_path);
    throw JournalError(r.refusal.value_or(ErrorKind::kInvalidArgument), session_file_path + ": " + r.message);
  }
  // Not a new look-up: after an import, nothing that can fail may follow.
  if (session) return session;
  return get_session(r.session_id);
}

std::shared_ptr<OptimizationSession> SessionManager::load_session_from_dict(const json::object& dict) {
  ImportOptions opt;
  opt.keep_secrets = options().keep_secrets;
  std::shared_ptr<OptimizationSession> session;
  ImportResult r = detail::import_state(*this, state_from_dict(dict), {}, opt, &session, ImportResult{});
  if (r.outcome == ImportResult::Outcome::kRefused)
    throw JournalError(r.refusal.value_or(ErrorKind::kInvalidArgument), r.message);
  return session;
}

void SessionManager::save_session(const OptimizationSession& session, const std::string& path) {
  SaveOptions opt;
  opt.keep_secrets = options().keep_secrets;
  opt.durability = options().journal.durability;
  opt.fs = core_->options().journal.fs;
  save_session_file(session.state(), path, opt);
}

std::shared_ptr<OptimizationSession> SessionManager::import_session(const std::string& session_id,
                                                                    std::vector<EventData> events,
                                                                    const json::object& meta) {
  validate_session_id(session_id);
  return core_->create(session_id, std::move(events), meta);
}

SessionState SessionManager::state_at(const std::string& session_id, std::uint64_t seq) {
  require_session(session_id);
  if (seq == 0)
    throw JournalError::not_found("session '" + session_id + "' has no event 0 (seqs start at 1)");
  auto l = core_->load(
      session_id, [seq](const Position& p) { return p.seq <= seq; },
      [seq](const Event& e) { return e.seq <= seq; });
  if (l.position.seq < seq || !l.state.created)
    throw JournalError::not_found("session '" + session_id + "' has " + std::to_string(l.position.seq) +
                                  " events; there is no seq " + std::to_string(seq));
  return l.state;
}

SessionState SessionManager::state_as_of(const std::string& session_id, EventTime t) {
  // Event times are fixed-width UTC strings that never decrease in a journal,
  // so comparing the strings compares the times.
  require_session(session_id);
  std::string limit = detail::format_utc(t);
  auto l = core_->load(
      session_id, [&](const Position& p) { return p.at <= limit; },
      [&](const Event& e) { return e.at <= limit; });
  if (!l.state.created)
    throw JournalError::not_found("session '" + session_id + "' did not exist yet at " + limit);
  return l.state;
}

std::string SessionManager::snapshot(const std::string& session_id) {
  require_session(session_id);
  return core_->snapshot_now(session_id);
}

std::shared_ptr<Journal> SessionManager::journal(const std::string& session_id) {
  auto* files = dynamic_cast<detail::FileEventStore*>(&core_->store());
  if (!files)
    throw JournalError::invalid_argument("session '" + session_id + "' is in " + core_->store().describe() +
                                         ", which is not a file journal");
  return files->journal(session_id);
}

std::vector<SnapshotProblem> SessionManager::snapshot_problems() const { return core_->problems(); }

}  // namespace promptjournal
