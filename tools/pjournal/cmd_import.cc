// pjournal import: promptomatix session files (or folders of them) → journals.
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <boost/json.hpp>
#include <iostream>

#include "output.h"
#include "promptjournal/promptomatix.h"

namespace pjournal {

namespace json = boost::json;
namespace fs = boost::filesystem;

namespace {

// Files named on the command line, and the *.json files of named folders
// (sorted; *.ops.json operation logs are not session files).
std::vector<std::string> expand(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    if (!fs::is_directory(p)) {
      out.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(p)) {
      std::string name = e.path().filename().string();
      if (fs::is_regular_file(e.path()) && name.ends_with(".json") && !name.ends_with(".ops.json"))
        found.push_back(e.path().string());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

// The library's words, with the options of this tool that act on them.
void add_cli_hints(promptjournal::ImportResult& r) {
  using promptjournal::ErrorKind;
  if (r.refusal == ErrorKind::kAlreadyExists || r.refusal == ErrorKind::kInvalidSessionId) {
    r.message += " (import it under another id with --as NEW_ID)";
  }
  for (auto& w : r.warnings)
    for (const auto& c : r.credentials)
      if (w.field == "config." + c) w.message += " (use --keep-secrets to keep it)";
}

}  // namespace

void register_import(CLI::App& app, Globals& g, int* exit_code) {
  auto* cmd = app.add_subcommand("import", "Import promptomatix session files (or folders of them) as journals");
  struct Args {
    std::vector<std::string> paths;
    std::string as_id;
    bool keep_secrets = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("PATH", a->paths, "session files or folders")->required();
  cmd->add_option("--as", a->as_id, "import the (single) file under this session id");
  cmd->add_flag("--keep-secrets", a->keep_secrets, "keep API keys (they are redacted otherwise)");
  cmd->callback([&g, a, exit_code] {
    auto files = expand(a->paths);
    if (!a->as_id.empty() && files.size() != 1) throw UsageError("import: --as takes exactly one file");
    promptjournal::ManagerOptions mo;
    mo.keep_secrets = a->keep_secrets;
    promptjournal::SessionManager m(g.root, mo);
    promptjournal::ImportOptions opt;
    opt.keep_secrets = a->keep_secrets;
    if (!a->as_id.empty()) opt.as_id = a->as_id;
    const bool progress = files.size() > 5 && ::isatty(STDERR_FILENO) == 1;
    int counts[3] = {0, 0, 0}, warned = 0;
    json::array all;
    for (std::size_t i = 0; i < files.size(); ++i) {
      if (progress) std::cerr << "\rimporting " << (i + 1) << "/" << files.size() << std::flush;
      auto r = promptjournal::import_promptomatix_file(m, files[i], opt);
      add_cli_hints(r);
      ++counts[static_cast<int>(r.outcome)];
      std::cerr << exposed_credentials_warning(files[i], r.credentials);
      if (!r.warnings.empty()) ++warned;
      if (g.json) {
        json::array w;
        for (const auto& x : r.warnings) w.push_back(json::object{{"field", x.field}, {"message", x.message}});
        all.push_back(json::object{{"path", r.path}, {"outcome", promptjournal::to_string(r.outcome)},
                                   {"session_id", r.session_id}, {"source_sha256", r.source_sha256},
                                   {"events", r.events}, {"message", r.message}, {"warnings", w}});
        continue;
      }
      if (progress) std::cerr << "\r";
      std::cout << promptjournal::to_string(r.outcome) << "  " << r.path;
      if (!r.session_id.empty()) std::cout << " -> " << r.session_id;
      if (r.outcome == promptjournal::ImportResult::Outcome::kImported) std::cout << " (" << r.events << " events)";
      std::cout << "\n";
      if (!r.message.empty()) std::cout << "    " << r.message << "\n";
      for (const auto& w : r.warnings) std::cout << "    warning: " << w.field << ": " << w.message << "\n";
    }
    if (progress) std::cerr << "\n";
    if (g.json)
      std::cout << json::serialize(all) << "\n";
    else
      std::cout << counts[0] << " imported, " << counts[1] << " unchanged, " << counts[2] << " refused, " << warned
                << " with warnings\n";
    *exit_code = counts[2] > 0 ? kExitFailure : kExitOk;
  });
}

}  // namespace pjournal
