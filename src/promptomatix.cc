#include "promptjournal/promptomatix.h"

#include <boost/json.hpp>

#include "file_names.h"
#include "import_internal.h"
#include "promptjournal/errors.h"
#include "sha256.h"

namespace promptjournal {

namespace json = boost::json;

std::string_view to_string(ImportResult::Outcome o) noexcept {
  switch (o) {
    case ImportResult::Outcome::kImported: return "imported";
    case ImportResult::Outcome::kUnchanged: return "unchanged";
    case ImportResult::Outcome::kRefused: return "refused";
  }
  return "?";
}

void save_session_file(const SessionState& state, const std::string& path, const SaveOptions& opt) {
  if (path.empty()) throw JournalError::invalid_argument("save_session_file: the path is empty");
  SessionState on_disk = state;
  if (!opt.keep_secrets) on_disk.config = on_disk.config.redacted();
  const std::string bytes = opt.shape == SaveOptions::Shape::kPromptomatix
                                ? export_promptomatix(on_disk)
                                : python_json_dump(to_dict(on_disk));
  auto fs = opt.fs ? opt.fs : default_file_system();
  const auto slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  const std::string tmp = path + "." + new_uuid().substr(0, 8) + std::string(detail::kTempSuffix);
  replace_file(*fs, path, tmp, bytes, opt.durability == Durability::kFsync, dir);
}

std::string export_promptomatix(const SessionState& s) {
  // The original's to_dict, field for field; its feedback had no prompt_id.
  json::object o;
  o.emplace("session_id", s.session_id);
  o.emplace("initial_human_input", s.initial_human_input);
  o.emplace("updated_human_input", s.updated_human_input);
  o.emplace("latest_optimized_prompt",
            s.latest_optimized_prompt ? json::value(*s.latest_optimized_prompt) : json::value(nullptr));
  json::array fb;
  for (const auto& f : s.latest_human_feedback)
    fb.push_back(json::object{{"id", f.id}, {"text", f.text}, {"start_offset", f.start_offset},
                              {"end_offset", f.end_offset}, {"feedback", f.feedback}, {"created_at", f.created_at}});
  o.emplace("latest_human_feedback", std::move(fb));
  o.emplace("comprehensive_feedback", s.comprehensive_feedback);
  o.emplace("individual_feedbacks", s.individual_feedbacks);
  o.emplace("created_at", s.created_at);
  o.emplace("config", s.config.values());
  return python_json_dump(o);
}

namespace {

// promptomatix wrote enum providers as {} (an Enum's public __dict__ is
// empty), losing the value; its own loader then rejects the file.
void repair_providers(json::object& doc, std::vector<ImportWarning>& warnings) {
  auto it = doc.find("config");
  if (it == doc.end() || !it->value().is_object()) return;
  for (auto& kv : it->value().get_object()) {
    std::string_view key = kv.key();
    if (!key.ends_with("provider")) continue;
    if (kv.value().is_object() && kv.value().get_object().empty()) {
      kv.value() = "unknown";
      warnings.push_back({"config." + std::string(key),
                          "written as {} by promptomatix (the enum's value was lost); imported as \"unknown\""});
    }
  }
}

std::string base_name(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

ImportResult refuse(ImportResult r, std::string why) {
  r.outcome = ImportResult::Outcome::kRefused;
  r.message = std::move(why);
  return r;
}

}  // namespace

ImportResult import_promptomatix_file(SessionManager& manager, const std::string& path, const ImportOptions& opt) {
  return detail::import_file(manager, path, opt, nullptr);
}

namespace {

ImportResult refuse(ImportResult r, ErrorKind kind, std::string why) {
  r.refusal = kind;
  return refuse(std::move(r), std::move(why));
}

// Whether the session `existing` already holds `wanted`, as the journal keeps
// it: credentials redacted unless kept, and a feedback's prompt_id counts
// only where the source has one (promptomatix's files carry none).
bool holds(const OptimizationSession& existing, SessionState wanted, bool keep_secrets) {
  SessionState have = existing.state();
  if (!keep_secrets) have.config = have.config.redacted();
  if (have.latest_human_feedback.size() == wanted.latest_human_feedback.size())
    for (std::size_t i = 0; i < have.latest_human_feedback.size(); ++i)
      if (!wanted.latest_human_feedback[i].prompt_id) have.latest_human_feedback[i].prompt_id.reset();
  // As text: boost::json's operator== is noexcept yet may allocate.
  return json::serialize(to_dict(wanted)) == json::serialize(to_dict(have));
}

}  // namespace

ImportResult detail::import_state(SessionManager& manager, SessionState state, const json::object& meta,
                                  const ImportOptions& opt, std::shared_ptr<OptimizationSession>* session,
                                  ImportResult r) {
  r.session_id = opt.as_id.value_or(state.session_id);
  try {
    validate_session_id(r.session_id);
  } catch (const JournalError& e) {
    return refuse(r, ErrorKind::kInvalidSessionId, e.what());
  }
  state.session_id = r.session_id;
  {
    Config redacted = state.config.redacted(&r.credentials);
    if (!opt.keep_secrets) {
      state.config = std::move(redacted);
      for (const auto& k : r.credentials)
        r.warnings.push_back({"config." + k, "a credential; replaced by [REDACTED]"});
    }
  }
  std::vector<EventData> events = events_for_state(state);
  r.events = events.size();

  if (auto existing = manager.get_session(r.session_id)) {
    // Same source, or same content: nothing to do. Anything else is refused.
    bool same_source = false;
    if (auto it = meta.find("import"); it != meta.end()) {
      auto first = manager.store().read(r.session_id)->next();
      same_source = first && first->meta.contains("import") &&
                    first->meta.at("import").at("sha256") == it->value().at("sha256");
    }
    SessionState wanted;
    for (const auto& e : events) apply(wanted, r.session_id, e);
    if (same_source || holds(*existing, std::move(wanted), opt.keep_secrets)) {
      r.outcome = ImportResult::Outcome::kUnchanged;
      r.message = "session '" + r.session_id + "' already holds this content; nothing changed";
      r.warnings.clear();
      if (session) *session = std::move(existing);
      return r;
    }
    return refuse(r, ErrorKind::kAlreadyExists, "session '" + r.session_id + "' already exists with other content");
  }
  std::shared_ptr<OptimizationSession> imported;
  try {
    imported = manager.import_session(r.session_id, std::move(events), meta);
  } catch (const JournalError& e) {
    return refuse(r, e.kind(), e.what());
  }
  // Committed: no allocation from here on (import_session has the same rule).
  r.outcome = ImportResult::Outcome::kImported;
  r.refusal.reset();
  if (session) *session = std::move(imported);
  return r;
}

ImportResult detail::import_file(SessionManager& manager, const std::string& path, const ImportOptions& opt,
                                 std::shared_ptr<OptimizationSession>* session) {
  ImportResult r;
  r.path = path;
  auto fs = manager.options().journal.fs ? manager.options().journal.fs : default_file_system();
  std::string text;
  try {
    text = read_named_file(*fs, path, kMaxLineBytes);
  } catch (const JournalError& e) {
    return refuse(r, e.kind(), e.what());
  }
  r.source_sha256 = detail::sha256_hex(text);
  SessionState state;
  try {
    json::value doc = parse_python_json(text, &r.warnings);
    if (!doc.is_object())
      return refuse(r, ErrorKind::kInvalidArgument, "not a promptomatix session file (not a JSON object)");
    repair_providers(doc.get_object(), r.warnings);
    state = state_from_dict(doc.get_object());
  } catch (const JournalError& e) {
    return refuse(r, ErrorKind::kInvalidArgument, "not a promptomatix session file: " + e.reason());
  }
  json::object meta{{"import", json::object{{"sha256", r.source_sha256}, {"file", base_name(path)}}}};
  return import_state(manager, std::move(state), meta, opt, session, std::move(r));
}

}  // namespace promptjournal
