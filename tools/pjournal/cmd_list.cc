// pjournal list: every session with its size and the head of its prompt.
#include <iostream>
#include <sstream>

#include <boost/json.hpp>

#include "output.h"
#include "promptjournal/history.h"

namespace pjournal {

namespace json = boost::json;

void register_list(CLI::App& app, Globals& g, int* exit_code) {
  auto* cmd = app.add_subcommand("list", "List every session: events, created, last change, size, prompt head");
  cmd->callback([&g, exit_code] {
    auto m = open_manager(g);
    json::array all;
    std::vector<promptjournal::SessionInfo> infos;
    std::vector<std::string> empty;  // journals without an event: creations cut short
    // One damaged or odd session must not hide the others: each is reported
    // on stderr, the rest listed, and the exit code is 1 at the end.
    std::vector<std::pair<std::string, std::string>> bad;
    for (const auto& id : m->list_session_ids()) {
      try {
        infos.push_back(m->session_info(id));
      } catch (const promptjournal::JournalError& e) {
        if (e.kind() == promptjournal::ErrorKind::kNotFound)
          empty.push_back(id);
        else
          bad.emplace_back(id, e.what());
      }
    }
    for (const auto& id : empty)
      std::cerr << "pjournal: note: '" << promptjournal::visible_text(id) << "' has no event yet (a creation cut short); not listed\n";
    for (const auto& [id, why] : bad)
      std::cerr << "pjournal: error: session '" << promptjournal::visible_text(id) << "' cannot be read; not listed: "
                << promptjournal::visible_text(why) << "\n";
    const int done = bad.empty() ? kExitOk : kExitFailure;
    if (g.json) {
      for (const auto& info : infos) {
        json::object o{{"session_id", info.session_id}, {"events", info.events},
                       {"created_at", info.created_at}, {"last_change", info.last_change},
                       {"bytes", info.bytes}, {"head_hash", info.head_hash}};
        o.emplace("latest_optimized_prompt", info.latest_optimized_prompt
                                                 ? json::value(*info.latest_optimized_prompt)
                                                 : json::value(nullptr));
        all.push_back(std::move(o));
      }
      std::cout << json::serialize(all) << "\n";
      *exit_code = done;
      return;
    }
    if (infos.empty()) {
      std::cout << "no " << (bad.empty() ? "" : "readable ") << "sessions in "
                << promptjournal::visible_text(m->sessions_dir()) << "\n";
      *exit_code = done;
      return;
    }
    // Aligned for 80 columns: the prompt head goes on its own indented line.
    std::size_t w = 2;
    for (const auto& info : infos) w = std::max(w, info.session_id.size());
    std::ostringstream out;
    auto cell = [](std::string s, std::size_t width, bool right = false) {
      if (s.size() < width) s = right ? std::string(width - s.size(), ' ') + s : s + std::string(width - s.size(), ' ');
      return s;
    };
    out << cell("ID", w) << "  " << cell("EVENTS", 6, true) << "  " << cell("CREATED", 16) << "  "
        << cell("LAST CHANGE", 16) << "  " << cell("SIZE", 8, true) << "\n";
    for (const auto& info : infos) {
      out << cell(info.session_id, w) << "  " << cell(std::to_string(info.events), 6, true) << "  "
          << cell(human_time(info.created_at).substr(0, 16), 16) << "  "
          << cell(human_time(info.last_change).substr(0, 16), 16) << "  " << cell(human_size(info.bytes), 8, true)
          << "\n    "
          << (info.latest_optimized_prompt ? "\"" + shorten(*info.latest_optimized_prompt, 70) + "\""
                                           : std::string("(no optimized prompt yet)"))
          << "\n";
    }
    std::cout << promptjournal::visible_text(out.str(), /*keep_lines=*/true);
    *exit_code = done;
  });
}

}  // namespace pjournal
