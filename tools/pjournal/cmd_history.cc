// pjournal history: the versions of a prompt.
#include <iostream>
#include <sstream>

#include <boost/json.hpp>

#include "output.h"
#include "promptjournal/history.h"

namespace pjournal {

namespace json = boost::json;
using promptjournal::PromptField;

PromptField field_option(const std::string& s) {
  auto f = promptjournal::prompt_field_from_string(s);
  if (!f) throw UsageError("--field: '" + s + "' is not optimized_prompt or human_input");
  return *f;
}

void register_history(CLI::App& app, Globals& g, int* exit_code) {
  auto* cmd = app.add_subcommand("history", "List the versions of a prompt with their seq, time and size");
  struct Args {
    std::string id, field = "optimized_prompt";
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("ID", a->id, "session id")->required();
  cmd->add_option("--field", a->field, "optimized_prompt (default) or human_input");
  cmd->callback([&g, a, exit_code] {
    PromptField f = field_option(a->field);
    auto m = open_manager(g);
    require_session(*m, a->id);
    auto h = promptjournal::read_history(*m, a->id);
    std::ostringstream out;
    json::array all;
    for (const auto& v : h.versions(f)) {
      if (g.json) {
        all.push_back(json::object{{"version", v.version}, {"seq", v.seq}, {"at", v.at},
                                   {"bytes", v.text.size()}, {"text", v.text}});
        continue;
      }
      out << "v" << v.version << "  seq " << v.seq << "  " << human_time(v.at) << "  " << human_size(v.text.size())
          << "  \"" << promptjournal::visible_text(shorten(v.text, 40)) << "\"\n";
    }
    if (g.json)
      std::cout << json::serialize(all) << "\n";
    else
      std::cout << (out.str().empty() ? "no versions of " + a->field + " yet\n" : out.str());
    *exit_code = kExitOk;
  });
}

}  // namespace pjournal
