// Shared pieces of the pjournal command-line tool: global options, exit codes
// and the registration function of each subcommand (one cmd_<name>.cc each).
// The tool holds no format logic: every operation is a public library call.
#ifndef PROMPTJOURNAL_TOOLS_PJOURNAL_CLI_H_
#define PROMPTJOURNAL_TOOLS_PJOURNAL_CLI_H_

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace pjournal {

// Exit codes, documented in --help and docs/pjournal.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;   // failure, or problems found (verify)
inline constexpr int kExitUsage = 2;     // bad arguments
inline constexpr int kExitConflict = 3;  // --expect-seq did not match

struct Globals {
  std::string root;   // --root, else $PROMPTJOURNAL_ROOT, else ./sessions
  bool json = false;  // --json: machine output
};

// Each cmd_<name>.cc defines one of these. It adds its subcommand to `app`
// and sets the callback that runs it; the callback stores the exit code in
// `*exit_code`. Errors are thrown as promptjournal::JournalError or
// std::exception and reported by main in one line on stderr.
using Register = void (*)(CLI::App& app, Globals& globals, int* exit_code);

void register_list(CLI::App&, Globals&, int*);
void register_show(CLI::App&, Globals&, int*);
void register_log(CLI::App&, Globals&, int*);
void register_history(CLI::App&, Globals&, int*);
void register_diff(CLI::App&, Globals&, int*);
void register_audit(CLI::App&, Globals&, int*);
void register_verify(CLI::App&, Globals&, int*);
void register_salvage(CLI::App&, Globals&, int*);
void register_snapshot(CLI::App&, Globals&, int*);
void register_follow(CLI::App&, Globals&, int*);
void register_copy(CLI::App&, Globals&, int*);
void register_write_commands(CLI::App&, Globals&, int*);  // create, feedback, set-prompt, set-input
void register_import(CLI::App&, Globals&, int*);          // cmd_import.cc (compatibility)
void register_export(CLI::App&, Globals&, int*);          // cmd_export.cc (compatibility)

}  // namespace pjournal

#endif  // PROMPTJOURNAL_TOOLS_PJOURNAL_CLI_H_
