#include "output.h"

#include "promptjournal/history.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include <boost/filesystem.hpp>
#include <boost/json.hpp>

#include "promptjournal/errors.h"
#include "promptjournal/time.h"

namespace pjournal {

namespace json = boost::json;
using promptjournal::DiffSegment;

std::unique_ptr<promptjournal::SessionManager> open_manager(const Globals& g, bool must_exist) {
  if (must_exist && !promptjournal::is_postgresql_location(g.root) &&
      !promptjournal::default_file_system()->is_dir(g.root))
    throw std::runtime_error("no sessions folder at " + g.root +
                             " (give --root DIR or set PROMPTJOURNAL_ROOT)");
  promptjournal::ManagerOptions opt;
  return std::make_unique<promptjournal::SessionManager>(g.root, opt);
}

bool has_event(promptjournal::SessionManager& m, const std::string& id) {
  try {
    return m.store().read(id)->next().has_value();
  } catch (const promptjournal::JournalError&) {
    return true;  // damage (or no file): the command itself reports it, with its location
  }
}

void reject_password_in_url(const std::string& option, const std::string& location) {
  if (!promptjournal::is_postgresql_location(location)) return;
  const auto scheme_end = location.find("://") + 3;
  const auto auth_end = location.find_first_of("/?", scheme_end);
  const std::string authority = location.substr(scheme_end, auth_end - scheme_end);
  const auto at = authority.rfind('@');
  const bool in_userinfo = at != std::string::npos && authority.substr(0, at).find(':') != std::string::npos;
  const bool in_query = location.find("password=") != std::string::npos;
  if (in_userinfo || in_query)
    throw UsageError(option + ": the URL holds a password; give it through PGPASSFILE (~/.pgpass) or PGPASSWORD "
                              "instead, never on the command line");
}

void require_session(promptjournal::SessionManager& m, const std::string& id, bool need_event) {
  promptjournal::validate_session_id(id);
  if (!m.store().has_stream(id)) throw std::runtime_error("no session '" + id + "' in " + m.sessions_dir());
  if (need_event && !has_event(m, id))
    throw std::runtime_error("session '" + id + "' has no event yet: its creation was cut short before the first "
                             "event was written (see pjournal verify " + id + ")");
}

namespace {

void indent(std::string& out, int depth) { out.append(static_cast<std::size_t>(depth) * 2, ' '); }

void pretty(std::string& out, const json::value& v, int depth) {
  if (v.is_object() && !v.get_object().empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& kv : v.get_object()) {
      if (!first) out += ",\n";
      first = false;
      indent(out, depth + 1);
      out += json::serialize(json::string_view(kv.key()));
      out += ": ";
      pretty(out, kv.value(), depth + 1);
    }
    out += "\n";
    indent(out, depth);
    out += "}";
  } else if (v.is_array() && !v.get_array().empty()) {
    out += "[\n";
    bool first = true;
    for (const auto& x : v.get_array()) {
      if (!first) out += ",\n";
      first = false;
      indent(out, depth + 1);
      pretty(out, x, depth + 1);
    }
    out += "\n";
    indent(out, depth);
    out += "]";
  } else {
    out += json::serialize(v);
  }
}

}  // namespace

std::string to_json_text(const json::value& v, bool compact) {
  if (compact) return json::serialize(v);
  std::string out;
  pretty(out, v, 0);
  return out;
}

std::string shorten(std::string_view s, std::size_t max) { return promptjournal::one_line(s, max); }

std::string human_time(std::string_view at) {
  if (at.size() < 19) return std::string(at);
  std::string out(at.substr(0, 19));
  out[10] = ' ';
  return out;
}

std::string human_size(std::uint64_t b) {
  char buf[32];
  if (b < 1024)
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
  else if (b < 1024 * 1024)
    std::snprintf(buf, sizeof buf, "%.1f KB", b / 1024.0);
  else
    std::snprintf(buf, sizeof buf, "%.1f MB", b / (1024.0 * 1024.0));
  return buf;
}

promptjournal::EventTime parse_time_option(const std::string& option, const std::string& text) {
  auto t = promptjournal::parse_time(text);
  if (!t)
    throw UsageError(option + ": '" + text +
                     "' is not an ISO-8601 time in the years 0001 to 9999 (e.g. 2026-11-24T12:00:00Z)");
  return *t;
}

bool use_colour(int fd) {
  const char* no = std::getenv("NO_COLOR");
  if (no != nullptr && *no != '\0') return false;
  return ::isatty(fd) == 1;
}

std::string render_diff(const std::vector<DiffSegment>& d, bool lines, bool colour) {
  const char* red = colour ? "\033[31m" : "";
  const char* green = colour ? "\033[32m" : "";
  const char* reset = colour ? "\033[0m" : "";
  std::string out;
  for (const auto& seg : d) {
    if (lines) {
      char mark = seg.op == DiffSegment::Op::kInsert ? '+' : seg.op == DiffSegment::Op::kDelete ? '-' : ' ';
      const char* c = seg.op == DiffSegment::Op::kInsert ? green : seg.op == DiffSegment::Op::kDelete ? red : "";
      std::istringstream in(seg.text);
      for (std::string line; std::getline(in, line);) {
        out += c;
        out += mark;
        out += line;
        out += *c ? reset : "";
        out += '\n';
      }
    } else if (seg.op == DiffSegment::Op::kEqual) {
      out += seg.text;
    } else if (seg.op == DiffSegment::Op::kDelete) {
      out += red + std::string("[-") + seg.text + "-]" + reset;
    } else {
      out += green + std::string("{+") + seg.text + "+}" + reset;
    }
  }
  if (!lines && (out.empty() || out.back() != '\n')) out += '\n';
  return out;
}

std::string exposed_credentials_warning(const std::string& path, const std::vector<std::string>& keys) {
  namespace bfs = boost::filesystem;
  boost::system::error_code ec;
  const auto perms = bfs::status(path, ec).permissions();
  if (ec || keys.empty() || (perms & (bfs::group_read | bfs::others_read)) == 0) return {};
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(perms & bfs::perms_mask));
  std::string names;
  for (const auto& k : keys) names += (names.empty() ? "" : ", ") + k;
  return "pjournal: warning: " + path + " (mode " + mode + ") can be read by other users and holds " +
         (keys.size() == 1 ? "a credential" : "credentials") + " in plain text (config: " + names +
         "); restrict it with chmod 600, or delete it once it is no longer needed\n";
}

}  // namespace pjournal
