// pjournal list: every session with its size and the head of its prompt.
#include <iostream>
#include <sstream>

#include <boost/json.hpp>

#include "output.h"

namespace pjournal {

namespace json = boost::json;

void register_list(CLI::App& app, Globals& g, int* exit_code) {
  auto* cmd = app.add_subcommand("list", "List every session: events, created, last change, size, prompt head");
  cmd->callback([&g, exit_code] {
    auto m = open_manager(g);
    std::ostringstream out;
    json::array all;
    for (const auto& id : m->list_session_ids()) {
      auto info = m->session_info(id);
      if (g.json) {
        json::object o{{"session_id", info.session_id}, {"events", info.events},
                       {"created", info.created_at}, {"last_change", info.last_change},
                       {"bytes", info.bytes}, {"head_hash", info.head_hash}};
        o.emplace("latest_optimized_prompt", info.latest_optimized_prompt
                                                 ? json::value(*info.latest_optimized_prompt)
                                                 : json::value(nullptr));
        all.push_back(std::move(o));
        continue;
      }
      out << shorten(info.session_id, 30) << "  " << info.events << (info.events == 1 ? " event" : " events")
          << "  created " << human_time(info.created_at) << "  changed " << human_time(info.last_change)
          << "  " << human_size(info.bytes) << "\n    "
          << (info.latest_optimized_prompt ? "\"" + shorten(*info.latest_optimized_prompt, 72) + "\""
                                           : std::string("(no optimized prompt yet)"))
          << "\n";
    }
    if (g.json)
      std::cout << json::serialize(all) << "\n";
    else
      std::cout << (out.str().empty() ? "no sessions in " + m->sessions_dir() + "\n" : out.str());
    *exit_code = kExitOk;
  });
}

}  // namespace pjournal
