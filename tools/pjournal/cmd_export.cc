// pjournal export: a session as the exact file promptomatix would write.
#include <iostream>
#include <optional>

#include "numbers.h"
#include "output.h"
#include "promptjournal/promptomatix.h"

namespace pjournal {

void register_export(CLI::App& app, Globals& g, int* exit_code) {
  auto* cmd = app.add_subcommand("export", "Write a session as a promptomatix session file");
  struct Args {
    std::string id, out;
    std::optional<std::uint64_t> at;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("ID", a->id, "session id")->required();
  cmd->add_option("--at", a->at, "the state just after event SEQ (default: the head)")->transform(whole_number());
  cmd->add_option("-o,--output", a->out, "write to FILE (default: standard output)");
  cmd->callback([&g, a, exit_code] {
    auto m = open_manager(g);
    require_session(*m, a->id);
    auto state = a->at ? m->state_at(a->id, *a->at) : m->get_session(a->id)->state();
    std::string bytes = promptjournal::export_promptomatix(state);
    if (a->out.empty())
      std::cout << bytes;
    else
      write_output_file(g.root, a->out, bytes);
    *exit_code = kExitOk;
  });
}

}  // namespace pjournal
