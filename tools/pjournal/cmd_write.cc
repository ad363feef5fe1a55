// pjournal create / feedback / set-prompt / set-input: write events, as a
// program in another language would. Each prints the new seq. With
// --expect-seq the write happens only if the session's last seq is that one.
#include <iostream>
#include <optional>

#include <boost/json.hpp>

#include "output.h"
#include "promptjournal/errors.h"
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

// Appends one event through the session API, or conditionally with --expect-seq.
std::uint64_t write_event(const Globals& g, const std::string& id, EventData data, std::optional<std::uint64_t> expect) {
  auto m = open_manager(g);
  require_session(*m, id);
  if (expect) {
    // Conditional: exactly this seq or nothing (a conflict exits with 3).
    auto r = m->journal(id)->append({std::move(data)}, *expect);
    return r.head.seq;
  }
  auto s = m->get_session(id);
  if (!s) throw std::runtime_error("no session '" + id + "'");
  std::visit(
      [&](auto& d) {
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
  cmd->add_option("--expect-seq", a->expect, "only if the session does not exist yet (must be 0)");
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
      std::cerr << exposed_credentials_warning(a->config_file, keys);
    }
    auto m = open_manager(g, false);
    try {
      auto s = m->create_session(a->id, input, config);
      std::cout << s->version() << "\n";
    } catch (const promptjournal::JournalError& e) {
      if (e.kind() == promptjournal::ErrorKind::kAlreadyExists && a->expect)
        throw promptjournal::JournalError::conflict(a->id, 0, m->journal(a->id)->head().seq);
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
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("ID", a->id, "session id")->required();
  cmd->add_option("--text", a->text, "the text the feedback is about")->required();
  cmd->add_option("--start", a->start, "start offset (code points)")->required()->check(CLI::NonNegativeNumber);
  cmd->add_option("--end", a->end, "end offset (code points, exclusive)")->required()->check(CLI::NonNegativeNumber);
  cmd->add_option("--feedback", a->feedback, "the comment")->required();
  cmd->add_option("--prompt-id", a->prompt_id, "the prompt it belongs to");
  cmd->add_option("--expect-seq", a->expect, "only if the session's last seq is N");
  cmd->callback([&g, a, exit_code] {
    if (a->end < a->start) throw UsageError("feedback: --end is before --start");
    promptjournal::Feedback f(a->text, a->start, a->end, a->feedback,
                              a->prompt_id.empty() ? std::nullopt : std::optional<std::string>(a->prompt_id));
    std::cout << write_event(g, a->id, promptjournal::FeedbackAdded{f}, a->expect) << "\n";
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
  cmd->add_option("--expect-seq", a->expect, "only if the session's last seq is N");
  cmd->callback([&g, a, exit_code, prompt] {
    std::string text = text_of(a->text, "--text", "--file");
    EventData d = prompt ? EventData(promptjournal::OptimizedPromptUpdated{text, a->caused_by})
                         : EventData(promptjournal::HumanInputUpdated{text});
    std::cout << write_event(g, a->id, std::move(d), a->expect) << "\n";
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
