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

ImportResult detail::import_file(SessionManager& manager, const std::string& path, const ImportOptions& opt,
                                 std::shared_ptr<OptimizationSession>* session) {
  ImportResult r;
  r.path = path;
  auto fs = manager.options().journal.fs ? manager.options().journal.fs : default_file_system();
  std::string text;
  try {
    text = read_named_file(*fs, path, kMaxLineBytes);
  } catch (const JournalError& e) {
    return refuse(r, e.what());
  }
  r.source_sha256 = detail::sha256_hex(text);
  SessionState state;
  try {
    json::value doc = parse_python_json(text, &r.warnings);
    if (!doc.is_object()) return refuse(r, "not a promptomatix session file (not a JSON object)");
    repair_providers(doc.get_object(), r.warnings);
    state = state_from_dict(doc.get_object());
  } catch (const JournalError& e) {
    return refuse(r, "not a promptomatix session file: " + e.reason());
  }
  r.session_id = opt.as_id.value_or(state.session_id);
  try {
    validate_session_id(r.session_id);
  } catch (const JournalError& e) {
    return refuse(r, std::string(e.what()) + " (import it with --as NEW_ID)");
  }
  state.session_id = r.session_id;
  {
    Config redacted = state.config.redacted(&r.credentials);
    if (!opt.keep_secrets) {
      state.config = std::move(redacted);
      for (const auto& k : r.credentials)
        r.warnings.push_back({"config." + k, "a credential; replaced by [REDACTED] (use --keep-secrets to keep it)"});
    }
  }
  std::vector<EventData> events = events_for_state(state);
  r.events = events.size();
  json::object meta{{"import", json::object{{"sha256", r.source_sha256}, {"file", base_name(path)}}}};

  if (auto existing = manager.get_session(r.session_id)) {
    // Same source, or same content: nothing to do. Anything else is refused.
    auto first = manager.journal(r.session_id)->reader()->next();
    bool same_source = first && first->meta.contains("import") &&
                       json::value_to<std::string>(first->meta.at("import").at("sha256")) == r.source_sha256;
    SessionState wanted;
    for (const auto& e : events) apply(wanted, r.session_id, e);
    if (same_source || to_dict(wanted) == existing->to_dict()) {
      r.outcome = ImportResult::Outcome::kUnchanged;
      r.message = "session '" + r.session_id + "' already holds this content; nothing changed";
      r.warnings.clear();
      if (session) *session = std::move(existing);
      return r;
    }
    return refuse(r, "session '" + r.session_id +
                         "' already exists with other content (import under another id with --as NEW_ID)");
  }
  std::shared_ptr<OptimizationSession> imported;
  try {
    imported = manager.import_session(r.session_id, std::move(events), meta);
  } catch (const JournalError& e) {
    return refuse(r, e.what());
  }
  // Committed: no allocation from here on (import_session has the same rule).
  r.outcome = ImportResult::Outcome::kImported;
  if (session) *session = std::move(imported);
  return r;
}

}  // namespace promptjournal
