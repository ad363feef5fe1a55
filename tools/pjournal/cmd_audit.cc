// pjournal audit: the prompt-evolution report of a session.
#include <unistd.h>

#include <iostream>
#include <sstream>

#include <boost/json.hpp>

#include "output.h"
#include "promptjournal/audit_html.h"
#include "promptjournal/feedback.h"
#include "promptjournal/history.h"

namespace pjournal {

namespace json = boost::json;
using promptjournal::AuditReport;
using promptjournal::PromptVersion;

std::vector<promptjournal::DiffSegment> visible_segments(std::vector<promptjournal::DiffSegment> d);  // cmd_diff.cc


namespace {

json::array segments_json(const std::vector<promptjournal::DiffSegment>& d) {
  json::array a;
  for (const auto& s : d) a.push_back(json::object{{"op", promptjournal::to_string(s.op)}, {"text", s.text}});
  return a;
}

// Why a feedback's span does not fit the version it is listed under (the
// optimized prompt then current; before the first one, the human input), or
// nothing. The HTML report marks the same.
std::optional<std::string> span_mismatch(const promptjournal::Feedback& f, const PromptVersion& v) {
  return promptjournal::feedback_span_mismatch(f, std::string_view(v.text));
}

json::array versions_json(const std::vector<PromptVersion>& vs,
                          const std::vector<std::vector<promptjournal::DiffSegment>>& diffs) {
  json::array out;
  for (std::size_t i = 0; i < vs.size(); ++i) {
    const auto& v = vs[i];
    json::array fb, caused;
    for (const auto& f : v.feedback) {
      auto o = promptjournal::to_json(f);
      auto why = span_mismatch(f, v);
      o.emplace("span_mismatch", why ? json::value(*why) : json::value(nullptr));
      fb.push_back(std::move(o));
    }
    for (const auto& c : v.caused_by) caused.push_back(json::string(c));
    json::object o{{"version", v.version}, {"seq", v.seq}, {"at", v.at}, {"text", v.text},
                   {"caused_by", caused}, {"feedback", fb}};
    o.emplace("diff_from_previous", i == 0 ? json::value(nullptr) : json::value(segments_json(diffs[i - 1])));
    out.push_back(std::move(o));
  }
  return out;
}

std::string indented(std::string text, const char* pad) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  std::string out = pad;
  for (char c : text) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out + "\n";
}

// Text from the journal goes through visible_text (control characters shown,
// not acted on); only the colours of render_diff stay real escapes.
void print_versions(std::ostream& out, const char* title, const std::vector<PromptVersion>& vs,
                    const std::vector<std::vector<promptjournal::DiffSegment>>& diffs, bool colour) {
  using promptjournal::visible_text;
  out << "\n" << title << " (" << vs.size() << (vs.size() == 1 ? " version" : " versions") << ")\n";
  for (std::size_t i = 0; i < vs.size(); ++i) {
    const auto& v = vs[i];
    out << "\n  v" << v.version << "  seq " << v.seq << "  " << human_time(v.at) << "  " << human_size(v.text.size())
        << "\n";
    if (!v.caused_by.empty()) {
      out << "  in answer to feedback:";
      for (const auto& c : v.caused_by) out << " " << visible_text(c);
      out << "\n";
    }
    if (i == 0)
      out << indented(visible_text(v.text, /*keep_lines=*/true), "    | ");
    else
      out << "  changes from v" << v.version - 1 << ":\n"
          << indented(render_diff(visible_segments(diffs[i - 1]), false, colour), "    | ");
    for (const auto& f : v.feedback) {
      out << "  feedback " << visible_text(f.id) << " on \"" << visible_text(shorten(f.text, 30)) << "\" ["
          << f.start_offset << ".." << f.end_offset << "] at " << visible_text(human_time(f.created_at)) << ":\n"
          << indented(visible_text(f.feedback, /*keep_lines=*/true), "    ");
      if (auto why = span_mismatch(f, v)) out << "    ! span does not match: " << visible_text(*why) << "\n";
    }
  }
}

}  // namespace

void register_audit(CLI::App& app, Globals& g, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "audit", "Report integrity, then every version of the input and prompt with time, feedback and diff");
  auto id = std::make_shared<std::string>();
  auto html = std::make_shared<std::string>();
  cmd->add_option("ID", *id, "session id")->required();
  cmd->add_option("--html", *html, "write a self-contained HTML report to FILE ('-': standard output)");
  cmd->callback([&g, id, html, exit_code] {
    auto m = open_manager(g);
    require_session(*m, *id);
    AuditReport r = promptjournal::audit_session(*m, *id);
    if (!html->empty()) {
      std::string page = promptjournal::render_audit_html(r);
      if (*html == "-") {
        std::cout << page;
      } else {
        write_output_file(g.root, *html, page);
        std::cerr << "wrote " << *html << " (" << human_size(page.size()) << ")\n";
      }
    } else if (g.json) {
      json::object o{{"session_id", *id}, {"integrity", verify_json(r.integrity)},
                     {"human_input", versions_json(r.history.human_input, r.human_input_diffs)},
                     {"optimized_prompt", versions_json(r.history.optimized_prompt, r.optimized_prompt_diffs)}};
      std::cout << json::serialize(o) << "\n";
    } else {
      std::ostringstream out;
      out << "Session " << *id << "\n  created " << human_time(r.head.created_at) << ", "
          << r.integrity.events << " events, last change " << human_time(r.integrity.head.at) << "\n"
          << "  model " << r.head.config.get_string("model_name").value_or("-") << ", task "
          << r.head.config.get_string("task_type").value_or("-") << "\n";
      out << "\nIntegrity: "
          << (r.integrity.ok() ? "OK (every hash recomputed, chain intact, " +
                                     std::to_string(r.integrity.snapshots_checked) + " snapshot" +
                                     (r.integrity.snapshots_checked == 1 ? "" : "s") + " in agreement)"
                               : std::string("PROBLEMS"))
          << "\n  head hash " << r.integrity.head.hash << "\n";
      for (const auto& p : r.integrity.problems) out << problem_line(p);
      for (const auto& c : r.integrity.cut_aside) out << cut_aside_line(c);
      // Everything so far is text from the journal or its paths: shown visibly.
      std::string head = promptjournal::visible_text(out.str(), /*keep_lines=*/true);
      out.str(head);
      out.seekp(0, std::ios_base::end);
      bool colour = use_colour(STDOUT_FILENO);
      print_versions(out, "Human input", r.history.human_input, r.human_input_diffs, colour);
      print_versions(out, "Optimized prompt", r.history.optimized_prompt, r.optimized_prompt_diffs, colour);
      std::cout << out.str();
    }
    *exit_code = r.integrity.ok() ? kExitOk : kExitFailure;
  });
}

}  // namespace pjournal
