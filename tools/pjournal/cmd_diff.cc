// pjournal diff: what changed between two versions of a prompt.
#include <unistd.h>

#include <climits>
#include <iostream>

#include <boost/json.hpp>

#include "numbers.h"
#include "output.h"
#include "promptjournal/history.h"

namespace pjournal {

namespace json = boost::json;
promptjournal::PromptField field_option(const std::string& s);

// The segments with their control characters shown visibly (newlines and
// tabs kept), ready for render_diff, whose colours must stay real escapes.
std::vector<promptjournal::DiffSegment> visible_segments(std::vector<promptjournal::DiffSegment> d) {
  for (auto& s : d) s.text = promptjournal::visible_text(s.text, /*keep_lines=*/true);
  return d;
}

void register_diff(CLI::App& app, Globals& g, int* exit_code) {
  auto* cmd = app.add_subcommand("diff", "Show what changed between two versions of a prompt (default: the last two)");
  struct Args {
    std::string id, field = "optimized_prompt";
    std::vector<std::string> versions;
    bool lines = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("ID", a->id, "session id")->required();
  // Read as text: CLI11 lets an empty value through an optional positional.
  cmd->add_option("FROM_TO", a->versions, "version numbers (see pjournal history)")->expected(0, 2);
  cmd->add_option("--field", a->field, "optimized_prompt (default) or human_input");
  cmd->add_flag("--lines", a->lines, "line-level diff (default: word-level)");
  cmd->callback([&g, a, exit_code] {
    auto f = field_option(a->field);
    std::vector<int> given;
    for (const auto& v : a->versions) {
      if (auto problem = whole_number_problem(v, 0, INT_MAX); !problem.empty())
        throw CLI::ValidationError("FROM_TO", problem);
      given.push_back(static_cast<int>(*parse_whole_number(v)));
    }
    auto m = open_manager(g);
    require_session(*m, a->id);
    const auto h = promptjournal::read_history(*m, a->id);
    const auto& vs = h.versions(f);
    int n = static_cast<int>(vs.size());
    int from = n - 1, to = n;
    if (given.size() >= 1) from = given[0];
    if (given.size() == 2) to = given[1];
    if (a->versions.size() == 1) to = n;
    if (n == 0) throw std::runtime_error("session '" + a->id + "' has no " + a->field + " versions");
    if (n == 1 && a->versions.empty()) from = 0;  // the only version against nothing
    for (int v : {from, to})
      if (v < 0 || v > n || (v == 0 && to == 0))
        throw std::runtime_error("session '" + a->id + "' has no version " + std::to_string(v) + " of " +
                                 a->field + " (it has 1.." + std::to_string(n) + ")");
    std::string_view left = from == 0 ? std::string_view() : std::string_view(vs[from - 1].text);
    std::string_view right = vs[to - 1].text;
    auto d = a->lines ? promptjournal::diff_lines(left, right) : promptjournal::diff_words(left, right);
    if (g.json) {
      json::array segs;
      for (const auto& s : d) segs.push_back(json::object{{"op", promptjournal::to_string(s.op)}, {"text", s.text}});
      std::cout << json::serialize(json::object{{"from", from}, {"to", to}, {"field", a->field}, {"segments", segs}})
                << "\n";
    } else {
      std::cout << "--- " << a->field << " v" << from << "\n+++ " << a->field << " v" << to << "\n"
                << render_diff(visible_segments(d), a->lines, use_colour(STDOUT_FILENO));
    }
    *exit_code = kExitOk;
  });
}

}  // namespace pjournal
