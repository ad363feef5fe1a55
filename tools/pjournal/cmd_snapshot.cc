// pjournal snapshot: write a snapshot now; prints its path (with --json, an
// array of {session_id, path}).
#include <iostream>

#include <boost/json.hpp>

#include "output.h"
#include "promptjournal/errors.h"
#include "promptjournal/history.h"

namespace pjournal {

void register_snapshot(CLI::App& app, Globals& g, int* exit_code) {
  auto* cmd = app.add_subcommand("snapshot", "Write a snapshot of a session (or of all) at its head now");
  struct Args {
    std::string id;
    bool all = false;
  };
  auto a = std::make_shared<Args>();
  auto* id = cmd->add_option("ID", a->id, "session id");
  cmd->add_flag("--all", a->all, "every session")->excludes(id);
  cmd->callback([&g, a, exit_code] {
    if (a->id.empty() && !a->all) throw UsageError("snapshot: give a session ID or --all");
    auto m = open_manager(g);
    std::vector<std::string> ids = a->all ? m->list_session_ids() : std::vector<std::string>{a->id};
    std::string out;
    boost::json::array all;
    int failed = 0;
    for (const auto& id : ids) {
      std::string path;
      if (!a->all) {
        require_session(*m, id);
        path = m->snapshot(id);
      } else {
        // With --all, a journal without an event yet (a creation cut short)
        // has nothing to snapshot, and one damaged session is reported while
        // the others are done.
        try {
          if (!has_event(*m, id)) continue;
          path = m->snapshot(id);
        } catch (const promptjournal::JournalError& e) {
          std::cerr << "pjournal: error: session '" << promptjournal::visible_text(id)
                    << "': no snapshot: " << promptjournal::visible_text(e.what()) << "\n";
          ++failed;
          continue;
        }
      }
      all.push_back(boost::json::object{{"session_id", id}, {"path", path}});
      out += path + "\n";
    }
    if (g.json)
      std::cout << boost::json::serialize(all) << "\n";
    else
      std::cout << promptjournal::visible_text(out, /*keep_lines=*/true);
    *exit_code = failed > 0 ? kExitFailure : kExitOk;
  });
}

}  // namespace pjournal
