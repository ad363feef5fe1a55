// pjournal: inspect and write promptjournal session journals.
// Dispatch, global options, and the one place errors become exit codes.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include <boost/filesystem.hpp>

#include "cli.h"
#include "output.h"
#include "promptjournal/errors.h"
#include "promptjournal/history.h"
#include "promptjournal/version.h"

namespace {

constexpr const char* kFooter =
    "Exit codes: 0 success; 1 failure or problems found; 2 usage error;\n"
    "3 concurrency conflict (--expect-seq did not match).\n"
    "Sessions: --root, else $PROMPTJOURNAL_ROOT, else ./sessions: a folder, file://PATH,\n"
    "or postgresql://URL (password from PGPASSFILE or PGPASSWORD; see docs/postgresql.md).";

std::string default_root() {
  const char* env = std::getenv("PROMPTJOURNAL_ROOT");
  return env != nullptr && *env != '\0' ? env : "./sessions";
}

// The sessions folder as the library will see it. The root is the user's
// choice: if it is a symbolic link to a folder, it is followed here, once
// (the library refuses links wherever it meets one, which is right for what
// is inside the root). A root this user may not read is an error now, not a
// "no session" later.
std::string followed_root(const std::string& root) {
  namespace bfs = boost::filesystem;
  if (promptjournal::is_postgresql_location(root)) return root;  // not a folder
  if (root.starts_with("file://")) return followed_root(root.substr(7));
  std::string out = root;
  struct stat link, target;
  if (::lstat(root.c_str(), &link) == 0 && S_ISLNK(link.st_mode) && ::stat(root.c_str(), &target) == 0 &&
      S_ISDIR(target.st_mode)) {
    boost::system::error_code ec;
    out = bfs::canonical(root, ec).string();
    if (ec) throw std::runtime_error("cannot follow the link " + root + ": " + ec.message());
  }
  // A folder that is not there yet is fine here: read commands say so, and
  // write commands create it.
  if (::access(out.c_str(), R_OK | X_OK) != 0 && errno != ENOENT) {
    const int err = errno;
    throw std::runtime_error("cannot read the sessions folder " + root + ": " + std::strerror(err));
  }
  return out;
}

// One line on stderr: the prefix, then the message with control characters
// shown visibly (messages echo ids, paths and texts from the command line).
int report(const std::string& message, int code) {
  std::cerr << "pjournal: error: " << promptjournal::visible_text(message) << "\n";
  return code;
}

// The first argument that is neither an option nor an option's value: the
// command CLI11 did not recognise (it only says that one is required).
std::string unknown_command(const CLI::App& app) {
  for (const auto& arg : app.remaining(/*recurse=*/false))
    if (!arg.empty() && arg[0] != '-') return arg;
  return {};
}

int run(int argc, char** argv) {
  pjournal::Globals g;
  g.root = default_root();
  int exit_code = pjournal::kExitOk;
  CLI::App app{"pjournal: replay, audit, verify and write promptjournal session journals"};
  app.set_version_flag("--version", std::string("pjournal ") + PROMPTJOURNAL_VERSION_STRING);
  app.add_option("--root", g.root, "the sessions: a folder, file://PATH or postgresql://URL")
      ->envname("PROMPTJOURNAL_ROOT");
  app.add_flag("--json", g.json, "machine-readable output (JSON)");
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the command
  for (auto reg : {pjournal::register_list, pjournal::register_show, pjournal::register_log,
                   pjournal::register_history, pjournal::register_diff, pjournal::register_audit,
                   pjournal::register_verify, pjournal::register_salvage,
                   pjournal::register_snapshot, pjournal::register_follow,
                   pjournal::register_write_commands, pjournal::register_import,
                   pjournal::register_export, pjournal::register_copy})
    reg(app, g, &exit_code);
  // A command's own footer (what it does in more words) comes first. Set
  // after the commands exist: CLI11 copies the tool's footer into each new
  // command, which printed it twice.
  app.footer(kFooter);
  for (auto* sub : app.get_subcommands({}))
    sub->footer(sub->get_footer().empty() ? std::string(kFooter) : sub->get_footer() + "\n\n" + kFooter);
  // Runs once the arguments are read, before the command.
  app.parse_complete_callback([&g, argc, argv] {
    // A password typed on the command line is refused (it would stay in
    // shell histories and process lists); PROMPTJOURNAL_ROOT is not checked.
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg == "--root" && i + 1 < argc) pjournal::reject_password_in_url("--root", argv[i + 1]);
      if (arg.starts_with("--root=")) pjournal::reject_password_in_url("--root", arg.substr(7));
    }
    g.root = followed_root(g.root);
  });
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
    const std::string command = app.get_subcommands().empty() ? unknown_command(app) : std::string();
    if (!command.empty()) return report("unknown command '" + command + "' (see pjournal --help)", pjournal::kExitUsage);
    return report(std::string(e.what()) + " (see pjournal --help)", pjournal::kExitUsage);
  } catch (const pjournal::UsageError& e) {
    return report(e.what(), pjournal::kExitUsage);
  } catch (const promptjournal::JournalError& e) {
    return report(e.what(), e.kind() == promptjournal::ErrorKind::kConflict ? pjournal::kExitConflict
                                                                            : pjournal::kExitFailure);
  } catch (const std::exception& e) {
    return report(e.what(), pjournal::kExitFailure);
  }
  return exit_code;
}

}  // namespace

// Every command's output is checked once at the end: a full disk or a closed
// pipe behind standard output is a failure, not a silent success.
int main(int argc, char** argv) { return pjournal::finish_stdout(run(argc, argv)); }
