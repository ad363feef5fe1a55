#include "pg/pg_connection.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <regex>

#include <libpq-fe.h>

namespace promptjournal::detail::pg {

namespace {

// The library never prints: libpq's default notice processor writes NOTICEs
// ("relation ... already exists, skipping") to stderr.
void ignore_notice(void*, const char*) {}

// libpq's messages end in '\n' and may span lines; one line for JournalError.
std::string one_line(const char* msg) {
  std::string s = msg ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (char& c : s)
    if (c == '\n' || c == '\t') c = ' ';
  return s.empty() ? "no message from libpq" : s;
}

}  // namespace

ErrorKind classify_sqlstate(std::string_view state, bool connection_bad) noexcept {
  if (state == "23505") return ErrorKind::kConflict;
  if (state == "57014" || state == "55P03") return ErrorKind::kTimeout;
  if (connection_bad || state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03" ||
      state == "53300")
    return ErrorKind::kUnavailable;
  return ErrorKind::kIo;
}

std::string redact_url(const std::string& url) {
  // scheme://user:password@host -> scheme://user@host
  static const std::regex userinfo(R"(^([A-Za-z][A-Za-z0-9+.-]*://[^:@/?#]*):[^@/?#]*@)");
  static const std::regex param(R"(([?&])password=[^&#]*&?)");
  std::string out = std::regex_replace(url, userinfo, "$1@");
  out = std::regex_replace(out, param, "$1");
  while (!out.empty() && (out.back() == '&' || out.back() == '?')) out.pop_back();
  return out;
}

Result::~Result() {
  if (r_) PQclear(r_);
}

Result& Result::operator=(Result&& o) noexcept {
  if (this != &o) {
    if (r_) PQclear(r_);
    r_ = o.r_;
    o.r_ = nullptr;
  }
  return *this;
}

int Result::rows() const noexcept { return r_ ? PQntuples(r_) : 0; }

bool Result::is_null(int row, int col) const noexcept { return PQgetisnull(r_, row, col) != 0; }

std::string_view Result::text(int row, int col) const noexcept {
  return {PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col))};
}

std::int64_t Result::int64(int row, int col) const {
  std::string_view s = text(row, col);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size())
    throw JournalError(ErrorKind::kIo, "PostgreSQL returned '" + std::string(s.substr(0, 40)) +
                                           "' where an integer was expected");
  return v;
}

Connection::Connection(std::string url) : url_(std::move(url)), description_(redact_url(url_)) {}

Connection::~Connection() { drop(); }

bool Connection::connected() const noexcept { return conn_ && PQstatus(conn_) == CONNECTION_OK; }

void Connection::drop() noexcept {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
}

void Connection::ensure() {
  if (connected()) return;
  drop();
  // The URL's own settings win over these defaults (later keywords override
  // earlier ones), except the client encoding: lines are UTF-8 bytes and
  // must reach the server unconverted.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", "client_encoding", nullptr};
  const char* values[] = {"10", "promptjournal", url_.c_str(), "UTF8", nullptr};
  conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!conn_) throw JournalError(ErrorKind::kUnavailable, description_ + ": out of memory in libpq");
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string why = one_line(PQerrorMessage(conn_));
    drop();
    throw JournalError(ErrorKind::kUnavailable, "cannot connect to " + description_ + ": " + why);
  }
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
  const char* host = PQhost(conn_);
  const char* port = PQport(conn_);
  const char* db = PQdb(conn_);
  const char* user = PQuser(conn_);
  description_ = "postgresql://" + std::string(user ? user : "") + (user && *user ? "@" : "") +
                 std::string(host ? host : "") + (port && *port ? ":" + std::string(port) : "") + "/" +
                 std::string(db ? db : "");
}

void Connection::fail(const char* what, pg_result* r) {
  last_state_.clear();
  std::string why;
  if (r) {
    const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (s) last_state_ = s;
    why = one_line(PQresultErrorMessage(r));
    PQclear(r);
  }
  if (why == "no message from libpq" || why.empty()) why = one_line(PQerrorMessage(conn_));
  const bool bad = !conn_ || PQstatus(conn_) != CONNECTION_OK;
  ErrorKind kind = classify_sqlstate(last_state_, bad);
  std::string msg = description_ + ": " + what + ": " + why;
  if (!last_state_.empty()) msg += " (SQLSTATE " + last_state_ + ")";
  if (kind == ErrorKind::kUnavailable) drop();  // the next call connects anew
  throw JournalError(kind, msg);
}

Result Connection::exec(const char* what, const std::string& sql, const std::vector<Param>& params) {
  ensure();
  std::vector<const char*> values(params.size());
  std::vector<int> lengths(params.size());
  std::vector<int> formats(params.size(), 0);  // text
  std::vector<std::string> holders;  // text params must end in NUL for libpq
  holders.reserve(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (!params[i]) continue;
    holders.emplace_back(*params[i]);
    values[i] = holders.back().c_str();
    lengths[i] = static_cast<int>(holders.back().size());
  }
  PGresult* r = PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                             lengths.data(), formats.data(), 0);
  if (!r) fail(what, nullptr);
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(what, r);
  last_state_.clear();
  return Result(r);
}

std::vector<std::string> Connection::take_notifications(const std::string& channel) {
  ensure();
  if (!PQconsumeInput(conn_)) fail("reading notifications", nullptr);
  std::vector<std::string> out;
  while (PGnotify* n = PQnotifies(conn_)) {
    if (channel == n->relname) out.emplace_back(n->extra ? n->extra : "");
    PQfreemem(n);
  }
  return out;
}

bool Connection::wait_readable(std::chrono::milliseconds timeout) {
  ensure();
  pollfd p{PQsocket(conn_), POLLIN, 0};
  if (p.fd < 0) fail("waiting for notifications", nullptr);
  int ms = static_cast<int>(std::max<std::int64_t>(0, std::min<std::int64_t>(timeout.count(), 1 << 30)));
  int n = ::poll(&p, 1, ms);
  if (n < 0 && errno != EINTR)
    throw JournalError(ErrorKind::kUnavailable, description_ + ": poll on the connection failed", {}, errno);
  return n > 0;
}

}  // namespace promptjournal::detail::pg
