// pjournal verify: integrity of one, several or all sessions.
#include <unistd.h>

#include <iostream>
#include <sstream>

#include <boost/json.hpp>

#include "output.h"
#include "promptjournal/history.h"
#include "promptjournal/verify.h"

namespace pjournal {

namespace json = boost::json;

json::object verify_json(const promptjournal::VerifyReport& r) {
  json::array problems;
  for (const auto& p : r.problems) {
    json::object o{{"kind", promptjournal::to_string(p.kind)}, {"file", p.where.path}, {"reason", p.reason}};
    if (p.where.line) o.emplace("line", *p.where.line);
    if (p.where.offset) o.emplace("offset", *p.where.offset);
    if (p.where.seq) o.emplace("seq", *p.where.seq);
    problems.push_back(std::move(o));
  }
  json::array cut;
  for (const auto& c : r.cut_aside) cut.push_back(json::object{{"file", c.path}, {"offset", c.offset}, {"bytes", c.bytes}});
  return {{"session_id", r.session_id}, {"ok", r.ok()},
          {"events", r.events}, {"head_hash", r.head.hash},
          {"snapshots_checked", r.snapshots_checked}, {"problems", std::move(problems)},
          {"cut_aside", std::move(cut)}};
}

std::string problem_line(const promptjournal::VerifyProblem& p) {
  std::ostringstream out;
  out << "  " << promptjournal::to_string(p.kind) << ": " << p.where.path;
  if (p.where.line) out << ":" << *p.where.line;
  if (p.where.offset) out << " (byte " << *p.where.offset << ")";
  if (p.where.seq) out << " seq " << *p.where.seq;
  out << ": " << p.reason << "\n";
  return out.str();
}

std::string cut_aside_line(const promptjournal::CutAside& c) {
  return "  cut aside: " + c.path + ": " + std::to_string(c.bytes) + " bytes that stood at byte " +
         std::to_string(c.offset) + " of the journal, removed by a writer (not history; see docs/pjournal.md, verify)\n";
}

void register_verify(CLI::App& app, Globals& g, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "verify", "Check JSON, seq continuity, the hash chain, snapshots and torn or damaged tails (exit 1 on problems)");
  auto ids = std::make_shared<std::vector<std::string>>();
  cmd->add_option("ID", *ids, "sessions to check (default: all)");
  cmd->callback([&g, ids, exit_code] {
    auto m = open_manager(g);
    std::vector<std::string> todo = ids->empty() ? m->list_session_ids() : *ids;
    for (const auto& id : todo) require_session(*m, id, /*need_event=*/false);
    const bool progress = todo.size() > 20 && ::isatty(STDERR_FILENO) == 1;
    std::ostringstream out;
    json::array all;
    int bad = 0;
    for (std::size_t i = 0; i < todo.size(); ++i) {
      if (progress && (i % 10 == 0 || i + 1 == todo.size())) {
        int width = 40, done = static_cast<int>((i + 1) * width / todo.size());
        std::cerr << "\r[" << std::string(done, '#') << std::string(width - done, ' ') << "] " << (i + 1) << "/"
                  << todo.size() << std::flush;
      }
      auto r = m->store().verify(todo[i]);
      if (!r.ok()) ++bad;
      if (g.json) {
        all.push_back(verify_json(r));
        continue;
      }
      out << (r.ok() ? "ok    " : "FAIL  ") << todo[i] << "  " << r.events << " events  head " << r.head.hash
          << "\n";
      for (const auto& p : r.problems) out << problem_line(p);
      for (const auto& c : r.cut_aside) out << cut_aside_line(c);
    }
    if (progress) std::cerr << "\n";
    if (g.json)
      std::cout << json::serialize(all) << "\n";
    else
      std::cout << promptjournal::visible_text(out.str(), /*keep_lines=*/true) << todo.size() << " sessions checked, "
                << bad << " with problems\n";
    *exit_code = bad == 0 ? kExitOk : kExitFailure;
  });
}

}  // namespace pjournal
