// pjournal show: the state (to_dict) at the head, at an event, or at a moment.
#include <iostream>
#include <optional>

#include "numbers.h"
#include "output.h"
#include "promptjournal/projector.h"

namespace pjournal {

void register_show(CLI::App& app, Globals& g, int* exit_code) {
  auto* cmd = app.add_subcommand("show", "Show a session's state (to_dict JSON) at the head, an event or a time");
  struct Args {
    std::string id;
    std::optional<std::uint64_t> at;
    std::string as_of;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("ID", a->id, "session id")->required();
  auto* at = cmd->add_option("--at", a->at, "the state just after event SEQ")->transform(whole_number());
  cmd->add_option("--as-of", a->as_of, "the state at TIME (ISO-8601; no zone means UTC)")->excludes(at);
  cmd->callback([&g, a, exit_code] {
    auto m = open_manager(g);
    require_session(*m, a->id);
    promptjournal::SessionState s;
    if (a->at)
      s = m->state_at(a->id, *a->at);
    else if (!a->as_of.empty())
      s = m->state_as_of(a->id, parse_time_option("--as-of", a->as_of));
    else
      s = m->get_session(a->id)->state();
    if (!s.created) throw std::runtime_error("session '" + a->id + "' did not exist yet at that time");
    std::cout << to_json_text(promptjournal::to_dict(s), g.json) << "\n";
    *exit_code = kExitOk;
  });
}

}  // namespace pjournal
