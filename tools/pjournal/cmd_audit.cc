// pjournal audit: the prompt-evolution report of a session.
#include <unistd.h>

#include <iostream>
#include <sstream>

#include <boost/json.hpp>

#include "output.h"
#include "promptjournal/audit_html.h"
#include "promptjournal/history.h"

namespace pjournal {

namespace json = boost::json;
using promptjournal::AuditReport;
using promptjournal::PromptVersion;


namespace {

json::array segments_json(const std::vector<promptjournal::DiffSegment>& d) {
  json::array a;
  for (const auto& s : d) a.push_back(json::object{{"op", promptjournal::to_string(s.op)}, {"text", s.text}});
  return a;
}

json::array versions_json(const std::vector<PromptVersion>& vs,
                          const std::vector<std::vector<promptjournal::DiffSegment>>& diffs) {
  json::array out;
  for (std::size_t i = 0; i < vs.size(); ++i) {
    const auto& v = vs[i];
    json::array fb, caused;
    for (const auto& f : v.feedback) fb.push_back(promptjournal::to_json(f));
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

void print_versions(std::ostream& out, const char* title, const std::vector<PromptVersion>& vs,
                    const std::vector<std::vector<promptjournal::DiffSegment>>& diffs, bool colour) {
  out << "\n" << title << " (" << vs.size() << (vs.size() == 1 ? " version" : " versions") << ")\n";
  for (std::size_t i = 0; i < vs.size(); ++i) {
    const auto& v = vs[i];
    out << "\n  v" << v.version << "  seq " << v.seq << "  " << human_time(v.at) << "  " << human_size(v.text.size())
        << "\n";
    if (!v.caused_by.empty()) {
      out << "  in answer to feedback:";
      for (const auto& c : v.caused_by) out << " " << c;
      out << "\n";
    }
    if (i == 0)
      out << indented(v.text, "    | ");
    else
      out << "  changes from v" << v.version - 1 << ":\n"
          << indented(render_diff(diffs[i - 1], false, colour).substr(0), "    | ");
    for (const auto& f : v.feedback)
      out << "  feedback " << f.id << " on \"" << shorten(f.text, 30) << "\" [" << f.start_offset << ".."
          << f.end_offset << "] at " << human_time(f.created_at) << ":\n    " << f.feedback << "\n";
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
      bool colour = use_colour(STDOUT_FILENO);
      print_versions(out, "Human input", r.history.human_input, r.human_input_diffs, colour);
      print_versions(out, "Optimized prompt", r.history.optimized_prompt, r.optimized_prompt_diffs, colour);
      std::cout << out.str();
    }
    *exit_code = r.integrity.ok() ? kExitOk : kExitFailure;
  });
}

}  // namespace pjournal
