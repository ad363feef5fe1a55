// Presentation helpers of pjournal: opening the sessions folder, JSON and
// aligned text output, shortening, colour. No journal format logic here.
#ifndef PROMPTJOURNAL_TOOLS_PJOURNAL_OUTPUT_H_
#define PROMPTJOURNAL_TOOLS_PJOURNAL_OUTPUT_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "cli.h"
#include "files.h"
#include "promptjournal/diff.h"
#include "promptjournal/session_manager.h"
#include "promptjournal/time.h"
#include "promptjournal/verify.h"

namespace pjournal {

// A manager on globals.root. With `must_exist`, a missing folder is an error
// (read commands never create it).
std::unique_ptr<promptjournal::SessionManager> open_manager(const Globals& g, bool must_exist = true);

// False when the session's journal holds no complete event (an empty file: a
// creation cut short). Damage or a missing file count as true: the command
// that goes on reports them.
bool has_event(promptjournal::SessionManager& m, const std::string& id);

// Throws UsageError when `location`, given as `option` on the command line,
// is a PostgreSQL URL holding a password (user:password@ or password=): a
// password there ends up in shell histories and process lists. It belongs in
// PGPASSFILE (~/.pgpass) or PGPASSWORD.
void reject_password_in_url(const std::string& option, const std::string& location);
// Throws a one-line error unless the session's journal exists and (with
// `need_event`) holds a complete event; an empty journal is a creation cut
// short. Damage is left for the command to report.
void require_session(promptjournal::SessionManager& m, const std::string& id, bool need_event = true);

// JSON indented by two spaces (for people); compact with `compact`.
std::string to_json_text(const boost::json::value& v, bool compact = false);

// At most `max` code points on one line ("..." when cut); never splits UTF-8.
std::string shorten(std::string_view s, std::size_t max);
// "2026-11-24 12:12:24" from "2026-11-24T12:12:24.352944Z".
std::string human_time(std::string_view at);
// "512 B", "3.8 KB", "12.0 MB".
std::string human_size(std::uint64_t bytes);
// Parses --since/--as-of values; throws a usage error naming the option.
promptjournal::EventTime parse_time_option(const std::string& option, const std::string& text);

// Colour only on a terminal and when NO_COLOR is unset.
bool use_colour(int fd);
// A diff as text: word diffs mark [-deleted-]{+inserted+} (red/green when
// `colour`); line diffs prefix lines with "-", "+" or " ".
std::string render_diff(const std::vector<promptjournal::DiffSegment>& d, bool lines, bool colour);

// A warning for stderr when the file at `path` may be read by its group or by
// others and holds the credentials `keys` (config key names) in plain text;
// empty when there is nothing to warn about.
std::string exposed_credentials_warning(const std::string& path, const std::vector<std::string>& keys);

// A verify report as pjournal prints it (cmd_verify.cc; audit uses them too):
// the --json object, one line per problem, one line per cut-aside file.
boost::json::object verify_json(const promptjournal::VerifyReport& r);
std::string problem_line(const promptjournal::VerifyProblem& p);
std::string cut_aside_line(const promptjournal::CutAside& c);

// A usage error (exit 2) raised after parsing, e.g. conflicting options.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace pjournal

#endif  // PROMPTJOURNAL_TOOLS_PJOURNAL_OUTPUT_H_
