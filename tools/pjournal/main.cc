// pjournal: inspect and write promptjournal session journals.
// Dispatch, global options, and the one place errors become exit codes.
#include <cstdlib>
#include <iostream>

#include "cli.h"
#include "output.h"
#include "promptjournal/errors.h"
#include "promptjournal/version.h"

namespace {

constexpr const char* kFooter =
    "Exit codes: 0 success; 1 failure or problems found; 2 usage error;\n"
    "3 concurrency conflict (--expect-seq did not match).\n"
    "Sessions folder: --root, else $PROMPTJOURNAL_ROOT, else ./sessions.";

std::string default_root() {
  const char* env = std::getenv("PROMPTJOURNAL_ROOT");
  return env != nullptr && *env != '\0' ? env : "./sessions";
}

int run(int argc, char** argv) {
  pjournal::Globals g;
  g.root = default_root();
  int exit_code = pjournal::kExitOk;
  CLI::App app{"pjournal: replay, audit, verify and write promptjournal session journals"};
  app.footer(kFooter);
  app.set_version_flag("--version", std::string("pjournal ") + PROMPTJOURNAL_VERSION_STRING);
  app.add_option("--root", g.root, "the sessions folder")->envname("PROMPTJOURNAL_ROOT");
  app.add_flag("--json", g.json, "machine-readable output (JSON)");
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the command
  for (auto reg : {pjournal::register_list, pjournal::register_show, pjournal::register_log,
                   pjournal::register_history, pjournal::register_diff, pjournal::register_audit,
                   pjournal::register_verify, pjournal::register_salvage,
                   pjournal::register_snapshot, pjournal::register_follow,
                   pjournal::register_write_commands, pjournal::register_import,
                   pjournal::register_export})
    reg(app, g, &exit_code);
  // A command's own footer (what it does in more words) comes first.
  for (auto* sub : app.get_subcommands({}))
    sub->footer(sub->get_footer().empty() ? std::string(kFooter) : sub->get_footer() + "\n\n" + kFooter);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return pjournal::kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return pjournal::kExitOk;
  } catch (const CLI::CallForVersion&) {
    std::cout << app.version() << "\n";
    return pjournal::kExitOk;
  } catch (const CLI::ParseError& e) {
    std::cerr << "pjournal: " << e.what() << " (see pjournal --help)\n";
    return pjournal::kExitUsage;
  } catch (const pjournal::UsageError& e) {
    std::cerr << "pjournal: " << e.what() << "\n";
    return pjournal::kExitUsage;
  } catch (const promptjournal::JournalError& e) {
    std::cerr << "pjournal: error: " << e.what() << "\n";
    return e.kind() == promptjournal::ErrorKind::kConflict ? pjournal::kExitConflict : pjournal::kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << "pjournal: error: " << e.what() << "\n";
    return pjournal::kExitFailure;
  }
  return exit_code;
}

}  // namespace

// Every command's output is checked once at the end: a full disk or a closed
// pipe behind standard output is a failure, not a silent success.
int main(int argc, char** argv) { return pjournal::finish_stdout(run(argc, argv)); }
