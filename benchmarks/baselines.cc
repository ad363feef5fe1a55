#include "baselines.h"

#include "json_read.h"

#include <fcntl.h>
#include <openssl/sha.h>
#include <sqlite3.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace pjbench {

namespace json = boost::json;
namespace pj = promptjournal;

namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

void write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) fail("write failed");
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

void sha256(const char* p, std::size_t n, unsigned char out[SHA256_DIGEST_LENGTH]) {
  SHA256(reinterpret_cast<const unsigned char*>(p), n, out);
}

}  // namespace

// ---------------------------------------------------------------- floor

FloorWriter::FloorWriter(const std::string& path, bool sync) : sync_(sync) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) fail("cannot open " + path);
}

FloorWriter::~FloorWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void FloorWriter::append(const std::vector<pj::EventData>& batch) {
  buf_.clear();
  for (const auto& d : batch) {
    json::object o;
    o.emplace("v", 1);
    o.emplace("seq", ++seq_);
    o.emplace("type", pj::type_name(d));
    o.emplace("at", "2026-11-25T10:00:00.000000Z");
    o.emplace("session_id", "s");
    o.emplace("data", pj::data_to_json(d));
    o.emplace("prev", prev_);
    std::string line = json::serialize(o);
    line.pop_back();  // the closing brace: the hash field goes last
    unsigned char digest[SHA256_DIGEST_LENGTH];
    sha256(line.data(), line.size(), digest);
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
      prev_[2 * i] = kHex[digest[i] >> 4];
      prev_[2 * i + 1] = kHex[digest[i] & 15];
    }
    buf_ += line;
    buf_ += ",\"hash\":\"";
    buf_ += prev_;
    buf_ += "\"}\n";
  }
  write_all(fd_, buf_.data(), buf_.size());
  if (sync_ && ::fdatasync(fd_) != 0) fail("fdatasync failed");
}

std::uint64_t parse_floor(const std::string& path, bool sha, bool exact) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("cannot open " + path);
  std::string buf(1 << 20, '\0');
  std::string carry;
  json::parser parser;
  constexpr std::size_t kArena = 16 * 1024;
  std::unique_ptr<unsigned char[]> arena(new unsigned char[kArena]);
  std::uint64_t lines = 0;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  auto one = [&](const char* p, std::size_t n) {
    if (sha) sha256(p, n, digest);
    if (exact) {
      // As the journal reader does: a fresh arena resource per line.
      json::monotonic_resource mr(arena.get(), kArena);
      boost::system::error_code ec;
      json::value v = promptjournal::detail::parse_json(std::string_view(p, n), ec, &mr);
      if (ec || !v.is_object()) fail("not an object");
    } else {
      parser.reset();
      parser.write(p, n);
      json::value v = parser.release();
      if (!v.is_object()) fail("not an object");
    }
    ++lines;
  };
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) fail("read failed");
    if (n == 0) break;
    const char* p = buf.data();
    const char* end = p + n;
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      if (nl == nullptr) {
        carry.append(p, end);
        break;
      }
      if (!carry.empty()) {
        carry.append(p, nl);
        one(carry.data(), carry.size());
        carry.clear();
      } else {
        one(p, static_cast<std::size_t>(nl - p));
      }
      p = nl + 1;
    }
  }
  ::close(fd);
  return lines;
}

// ---------------------------------------------------------------- rewrite

RewriteStore::RewriteStore(std::string path, bool sync) : path_(std::move(path)), sync_(sync) {}

void RewriteStore::mutate(const pj::EventData& data) {
  pj::apply(state_, "s", data);
  std::string doc = json::serialize(pj::to_dict(state_));
  int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail("cannot open " + path_);
  write_all(fd, doc.data(), doc.size());
  if (sync_ && ::fdatasync(fd) != 0) fail("fdatasync failed");
  ::close(fd);
  bytes_ += doc.size();
}

// ---------------------------------------------------------------- sqlite

SqliteStore::SqliteStore(const std::string& path, const std::string& synchronous) {
  if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) fail("cannot open " + path);
  exec("PRAGMA journal_mode=WAL");
  exec(("PRAGMA synchronous=" + synchronous).c_str());
  exec("CREATE TABLE IF NOT EXISTS events(session TEXT NOT NULL, seq INTEGER NOT NULL, "
       "type TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY(session, seq)) WITHOUT ROWID");
  if (sqlite3_prepare_v2(db_, "INSERT INTO events(session, seq, type, data) VALUES(?1, ?2, ?3, ?4)", -1,
                         &insert_, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db_, "SELECT type, data FROM events WHERE session = ?1 ORDER BY seq", -1, &select_,
                         nullptr) != SQLITE_OK)
    fail(sqlite3_errmsg(db_));
}

SqliteStore::~SqliteStore() {
  sqlite3_finalize(insert_);
  sqlite3_finalize(select_);
  sqlite3_close(db_);
}

void SqliteStore::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : "sqlite error";
    sqlite3_free(err);
    fail(msg);
  }
}

void SqliteStore::append(const std::string& session, const std::vector<pj::EventData>& batch) {
  exec("BEGIN IMMEDIATE");
  for (const auto& d : batch) {
    std::string data = json::serialize(pj::data_to_json(d));
    std::string_view type = pj::type_name(d);
    sqlite3_bind_text(insert_, 1, session.data(), static_cast<int>(session.size()), SQLITE_STATIC);
    sqlite3_bind_int64(insert_, 2, static_cast<sqlite3_int64>(++seq_));
    sqlite3_bind_text(insert_, 3, type.data(), static_cast<int>(type.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert_, 4, data.data(), static_cast<int>(data.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(insert_) != SQLITE_DONE) fail(sqlite3_errmsg(db_));
    sqlite3_reset(insert_);
  }
  exec("COMMIT");
}

pj::SessionState SqliteStore::replay(const std::string& session) {
  pj::SessionState state;
  json::parser parser;
  sqlite3_bind_text(select_, 1, session.data(), static_cast<int>(session.size()), SQLITE_STATIC);
  int rc;
  while ((rc = sqlite3_step(select_)) == SQLITE_ROW) {
    auto type = reinterpret_cast<const char*>(sqlite3_column_text(select_, 0));
    auto data = reinterpret_cast<const char*>(sqlite3_column_text(select_, 1));
    int n = sqlite3_column_bytes(select_, 1);
    parser.reset();
    parser.write(data, static_cast<std::size_t>(n));
    json::value v = parser.release();
    pj::apply(state, session, pj::data_from_json(type, v.as_object()));
  }
  sqlite3_reset(select_);
  if (rc != SQLITE_DONE) fail(sqlite3_errmsg(db_));
  return state;
}

}  // namespace pjbench
