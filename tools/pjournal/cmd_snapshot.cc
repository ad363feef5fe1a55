// pjournal snapshot: write a snapshot now.
#include <iostream>

#include "output.h"
#include "promptjournal/errors.h"

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
    int failed = 0;
    for (const auto& id : ids) {
      // With --all, a journal without an event yet (a creation cut short)
      // has nothing to snapshot: skipped, not a failure of the others.
      if (!a->all) {
        require_session(*m, id);
        out += m->snapshot(id) + "\n";
        continue;
      }
      // With --all, one damaged session is reported and the others are done.
      try {
        if (has_event(*m, id)) out += m->snapshot(id) + "\n";
      } catch (const promptjournal::JournalError& e) {
        std::cerr << "pjournal: error: session '" << id << "': no snapshot: " << e.what() << "\n";
        ++failed;
      }
    }
    std::cout << out;
    *exit_code = failed > 0 ? kExitFailure : kExitOk;
  });
}

}  // namespace pjournal
