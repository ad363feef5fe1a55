// pjournal log: the events of a session, one per line.
#include <iostream>
#include <sstream>

#include <boost/json.hpp>

#include "output.h"
#include "promptjournal/history.h"
#include "promptjournal/time.h"

namespace pjournal {

namespace json = boost::json;

json::object event_json(const promptjournal::Event& e) {
  json::object o{{"v", e.version}, {"seq", e.seq}, {"type", e.type()}, {"at", e.at}, {"session_id", e.session_id}};
  if (!e.meta.empty()) o.emplace("meta", e.meta);
  o.emplace("data", promptjournal::data_to_json(e.data));
  o.emplace("prev", e.prev);
  o.emplace("hash", e.hash);
  return o;
}

std::string event_line(const promptjournal::Event& e) {
  std::ostringstream out;
  out.width(5);
  out << e.seq << "  " << human_time(e.at) << "  " << promptjournal::visible_text(promptjournal::summarize(e, 50))
      << "\n";
  return out.str();
}

void register_log(CLI::App& app, Globals& g, int* exit_code) {
  auto* cmd = app.add_subcommand("log", "List a session's events, one per line");
  struct Args {
    std::string id, type, since, until;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("ID", a->id, "session id")->required();
  std::string types;
  for (auto t : promptjournal::event_type_names()) types += (types.empty() ? "" : ", ") + std::string(t);
  cmd->add_option("--type", a->type, "only events of this type: " + types);
  cmd->add_option("--since", a->since, "only events at or after TIME (ISO-8601)");
  cmd->add_option("--until", a->until, "only events at or before TIME (ISO-8601)");
  cmd->callback([&g, a, exit_code] {
    if (!a->type.empty()) {
      const auto& names = promptjournal::event_type_names();
      if (std::find(names.begin(), names.end(), a->type) == names.end())
        throw UsageError("--type: unknown event type '" + a->type + "'");
    }
    std::string since = a->since.empty() ? "" : promptjournal::format_event_time(parse_time_option("--since", a->since));
    std::string until = a->until.empty() ? "" : promptjournal::format_event_time(parse_time_option("--until", a->until));
    auto m = open_manager(g);
    require_session(*m, a->id);
    std::string out;
    auto r = m->store().read(a->id);
    while (auto e = r->next()) {
      if (!a->type.empty() && e->type() != a->type) continue;
      if (!since.empty() && e->at < since) continue;
      if (!until.empty() && e->at > until) continue;
      out += g.json ? json::serialize(event_json(*e)) + "\n" : event_line(*e);
    }
    std::cout << out;
    *exit_code = kExitOk;
  });
}

}  // namespace pjournal
