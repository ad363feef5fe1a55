// pjournal create / feedback / set-prompt / set-input: write events, as a
// program in another language would. Each prints the new seq. With
// --expect-seq the write happens only if the session's last seq is that one;
// without it the write is unconditional (it catches up with other writers).
#include <algorithm>
#include <cstdint>
#include <functional>
#include <iostream>
#include <optional>

#include <boost/json.hpp>

#include "numbers.h"
#include "output.h"
#include "promptjournal/errors.h"
#include "promptjournal/feedback.h"
#include "promptjournal/history.h"
#include "promptjournal/promptomatix.h"

namespace pjournal {

namespace json = boost::json;
using promptjournal::EventData;

namespace {

struct TextArgs {
  std::string text, file;
};

void add_text_options(CLI::App* cmd, TextArgs& t, const std::string& what, const std::string& name = "--text",
                      const std::string& file_name = "--file") {
  auto* text = cmd->add_option(name, t.text, "the " + what);
  cmd->add_option(file_name, t.file, "read the " + what + " from a file")->excludes(text);
}

std::string text_of(const TextArgs& t, const std::string& name, const std::string& file_name) {
  if (!t.file.empty()) return read_input_file(t.file);
  if (t.text.empty()) throw UsageError("give " + name + " or " + file_name);
  return t.text;
}

// How often a write without --expect-seq catches up and tries again. Each
// conflict means another writer appended in between, so this only runs out
// if others append faster than this process can read one event, a thousand
// times in a row.
constexpr int kCatchUps = 1000;

// What the session must hold for the event to make sense (checked against
// the state the event will follow); throws a one-line error.
using Check = std::function<void(const promptjournal::SessionState&)>;

// Appends one event through the session API. With --expect-seq, only if the
// session's last seq is that one (else a conflict: exit 3). Without it the
// write is unconditional, as docs/pjournal.md says: on a conflict (another
// writer got in first) it catches up, checks again, and appends.
std::uint64_t write_event(const Globals& g, const std::string& id, const EventData& data,
                          std::optional<std::uint64_t> expect, const Check& check = {}) {
  open_manager(g);  // the folder must exist: the same check and error as every command
  // Sessions of this manager never retry on their own (add_feedback would):
  // a retry here checks the event again against the state it follows.
  promptjournal::ManagerOptions options;
  options.feedback_retries = 0;
  promptjournal::SessionManager m(g.root, options);
  require_session(m, id);
  auto s = m.get_session(id);
  if (!s) throw std::runtime_error("no session '" + id + "' in " + m.sessions_dir());
  for (int attempt = 0;; ++attempt) {
    if (expect && s->version() != *expect) throw promptjournal::JournalError::conflict(id, *expect, s->version());
    if (check) check(s->state());
    try {
      std::visit(
          [&](const auto& d) {
            using T = std::decay_t<decltype(d)>;
            if constexpr (std::is_same_v<T, promptjournal::FeedbackAdded>)
              s->add_feedback(d.feedback);
            else if constexpr (std::is_same_v<T, promptjournal::OptimizedPromptUpdated>)
              s->update_optimized_prompt(d.prompt, d.caused_by);
            else if constexpr (std::is_same_v<T, promptjournal::HumanInputUpdated>)
              s->update_human_input(d.input);
          },
          data);
      return s->version();
    } catch (const promptjournal::JournalError& e) {
      if (e.kind() != promptjournal::ErrorKind::kConflict || expect || attempt + 1 >= kCatchUps) throw;
      s->refresh();
    }
  }
}

// Refuses feedback whose span does not fit the latest optimized prompt (the
// text promptomatix sends the feedback with), unless --force.
Check span_check(const promptjournal::Feedback& f, const std::string& id) {
  return [f, id](const promptjournal::SessionState& state) {
    std::optional<std::string_view> prompt;
    if (state.latest_optimized_prompt) prompt = *state.latest_optimized_prompt;
    if (auto why = promptjournal::feedback_span_mismatch(f, prompt))
      throw std::runtime_error("feedback on session '" + id + "' not recorded: " + *why +
                               " (spans are code-point offsets into the latest optimized prompt; --force records it "
                               "anyway)");
  };
}

// Refuses --caused-by ids that name no feedback of the session.
Check caused_by_check(const std::vector<std::string>& ids, const std::string& id) {
  return [ids, id](const promptjournal::SessionState& state) {
    for (const auto& c : ids) {
      const auto& all = state.latest_human_feedback;
      if (std::none_of(all.begin(), all.end(), [&](const promptjournal::Feedback& f) { return f.id == c; }))
        throw std::runtime_error("--caused-by: session '" + id + "' has no feedback '" + c +
                                 "' (see pjournal audit " + id + ")");
    }
  };
}

void register_create(CLI::App& app, Globals& g, int* exit_code) {
  auto* cmd = app.add_subcommand("create", "Create a session (prints its seq, 1)");
  struct Args {
    std::string id, config_file;
    TextArgs input;
    std::optional<std::uint64_t> expect;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("ID", a->id, "session id")->required();
  add_text_options(cmd, a->input, "initial human input", "--input", "--input-file");
  cmd->add_option("--config", a->config_file, "a JSON file holding the session's config object");
  cmd->add_option("--expect-seq", a->expect, "only if the session does not exist yet (must be 0)")
      ->transform(whole_number());
  cmd->callback([&g, a, exit_code] {
    std::string input = text_of(a->input, "--input", "--input-file");
    if (a->expect && *a->expect != 0) throw UsageError("create: --expect-seq can only be 0");
    promptjournal::Config config;
    if (!a->config_file.empty()) {
      // Python's dialect, numbers read exactly: what json.dump writes reads back as it was.
      boost::json::value v;
      try {
        v = promptjournal::parse_python_json(read_input_file(a->config_file), nullptr);
      } catch (const promptjournal::JournalError& e) {
        throw std::runtime_error(a->config_file + ": " + e.reason());
      }
      if (!v.is_object()) throw std::runtime_error(a->config_file + ": not a JSON object");
      config = promptjournal::Config(v.get_object());
      std::vector<std::string> keys;
      config.redacted(&keys);
      std::cerr << promptjournal::visible_text(exposed_credentials_warning(a->config_file, keys), true);
    }
    auto m = open_manager(g, false);
    try {
      auto s = m->create_session(a->id, input, config);
      std::cout << s->version() << "\n";
    } catch (const promptjournal::JournalError& e) {
      if (e.kind() == promptjournal::ErrorKind::kAlreadyExists && a->expect)
        if (auto s = m->get_session(a->id)) throw promptjournal::JournalError::conflict(a->id, 0, s->version());
      throw;
    }
    *exit_code = kExitOk;
  });
}

void register_feedback(CLI::App& app, Globals& g, int* exit_code) {
  auto* cmd = app.add_subcommand("feedback", "Add feedback on a span of the prompt (prints the new seq)");
  struct Args {
    std::string id, text, feedback, prompt_id;
    std::int64_t start = 0, end = 0;
    std::optional<std::uint64_t> expect;
    bool force = false;
  };
  auto a = std::make_shared<Args>();
  const auto offset = whole_number(0, INT64_MAX);
  cmd->add_option("ID", a->id, "session id")->required();
  cmd->add_option("--text", a->text, "the text the feedback is about (what the span covers)")->required();
  cmd->add_option("--start", a->start, "start offset (code points into the latest optimized prompt)")
      ->required()
      ->transform(offset);
  cmd->add_option("--end", a->end, "end offset (code points, exclusive)")->required()->transform(offset);
  cmd->add_option("--feedback", a->feedback, "the comment")->required();
  cmd->add_option("--prompt-id", a->prompt_id, "the prompt it belongs to");
  cmd->add_option("--expect-seq", a->expect, "only if the session's last seq is N")->transform(whole_number());
  cmd->add_flag("--force", a->force,
                "record it even if the span is not within the latest optimized prompt or --text is not what it "
                "covers");
  cmd->footer(
      "Offsets are Python code-point offsets into the session's latest optimized prompt, end exclusive.\n"
      "The feedback is refused (exit 1) when the session has no optimized prompt yet, when the span goes\n"
      "past its end, or when --text is not the text the span covers; --force records it anyway.");
  cmd->callback([&g, a, exit_code] {
    if (a->end < a->start) throw UsageError("feedback: --end is before --start");
    promptjournal::Feedback f(a->text, a->start, a->end, a->feedback,
                              a->prompt_id.empty() ? std::nullopt : std::optional<std::string>(a->prompt_id));
    Check check = a->force ? Check() : span_check(f, a->id);
    std::cout << write_event(g, a->id, promptjournal::FeedbackAdded{f}, a->expect, check) << "\n";
    *exit_code = kExitOk;
  });
}

void register_set(CLI::App& app, Globals& g, int* exit_code, bool prompt) {
  auto* cmd = app.add_subcommand(prompt ? "set-prompt" : "set-input",
                                 prompt ? "Record a new optimized prompt (prints the new seq)"
                                        : "Record a new version of the human input (prints the new seq)");
  struct Args {
    std::string id;
    TextArgs text;
    std::vector<std::string> caused_by;
    std::optional<std::uint64_t> expect;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("ID", a->id, "session id")->required();
  add_text_options(cmd, a->text, prompt ? "new prompt" : "new input");
  if (prompt) cmd->add_option("--caused-by", a->caused_by, "ids of the feedback this version answers");
  cmd->add_option("--expect-seq", a->expect, "only if the session's last seq is N")->transform(whole_number());
  cmd->callback([&g, a, exit_code, prompt] {
    std::string text = text_of(a->text, "--text", "--file");
    EventData d = prompt ? EventData(promptjournal::OptimizedPromptUpdated{text, a->caused_by})
                         : EventData(promptjournal::HumanInputUpdated{text});
    Check check = a->caused_by.empty() ? Check() : caused_by_check(a->caused_by, a->id);
    std::cout << write_event(g, a->id, d, a->expect, check) << "\n";
    *exit_code = kExitOk;
  });
}

}  // namespace

void register_write_commands(CLI::App& app, Globals& g, int* exit_code) {
  register_create(app, g, exit_code);
  register_feedback(app, g, exit_code);
  register_set(app, g, exit_code, true);
  register_set(app, g, exit_code, false);
}

}  // namespace pjournal
