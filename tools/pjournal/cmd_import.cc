// pjournal import: promptomatix session files (or folders of them) → journals.
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <boost/json.hpp>
#include <iostream>

#include "output.h"
#include "promptjournal/history.h"
#include "promptjournal/promptomatix.h"

namespace pjournal {

namespace json = boost::json;
namespace fs = boost::filesystem;

namespace {

// A file to import, or an entry that could not be looked at (a link loop, a
// folder it may not read), reported as refused while the others go on.
struct Entry {
  std::string path;
  std::string problem;
};

// Files named on the command line, and the *.json files of named folders
// (sorted; *.ops.json operation logs are not session files).
std::vector<Entry> expand(const std::vector<std::string>& paths) {
  std::vector<Entry> out;
  for (const auto& p : paths) {
    boost::system::error_code ec;
    if (!fs::is_directory(fs::status(p, ec))) {
      out.push_back({p, {}});  // the import names what is wrong with it
      continue;
    }
    std::vector<Entry> found;
    fs::directory_iterator it(p, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (!name.ends_with(".json") || name.ends_with(".ops.json")) continue;
      boost::system::error_code st;
      const auto status = fs::status(it->path(), st);
      if (st)
        found.push_back({it->path().string(), "cannot look at it: " + st.message() + " (skipped)"});
      else if (fs::is_regular_file(status))
        found.push_back({it->path().string(), {}});
    }
    if (ec) found.push_back({p, "cannot list the folder: " + ec.message() + " (skipped)"});
    std::sort(found.begin(), found.end(), [](const Entry& a, const Entry& b) { return a.path < b.path; });
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
  auto* as = cmd->add_option("--as", a->as_id, "import the (single) file under this session id");
  cmd->add_flag("--keep-secrets", a->keep_secrets, "keep API keys (they are redacted otherwise)");
  cmd->callback([&g, a, as, exit_code] {
    if (as->count() > 0 && a->as_id.empty()) throw UsageError("import: --as: the session id is empty");
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
      promptjournal::ImportResult r;
      if (files[i].problem.empty()) {
        r = promptjournal::import_promptomatix_file(m, files[i].path, opt);
      } else {
        r.path = files[i].path;
        r.message = files[i].problem;
      }
      add_cli_hints(r);
      ++counts[static_cast<int>(r.outcome)];
      std::cerr << promptjournal::visible_text(exposed_credentials_warning(files[i].path, r.credentials), true);
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
      std::string text = std::string(promptjournal::to_string(r.outcome)) + "  " + r.path;
      if (!r.session_id.empty()) text += " -> " + r.session_id;
      if (r.outcome == promptjournal::ImportResult::Outcome::kImported)
        text += " (" + std::to_string(r.events) + " events)";
      text += "\n";
      if (!r.message.empty()) text += "    " + r.message + "\n";
      for (const auto& w : r.warnings) text += "    warning: " + w.field + ": " + w.message + "\n";
      std::cout << promptjournal::visible_text(text, /*keep_lines=*/true);
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
