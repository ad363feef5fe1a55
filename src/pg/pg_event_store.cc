#include "pg/pg_event_store.h"

#include <algorithm>
#include <map>
#include <mutex>

#include <boost/json/serialize.hpp>

#include "chain.h"
#include "pg/pg_connection.h"
#include "promptjournal/projector.h"
#include "time_format.h"

namespace promptjournal::detail {

namespace {

using pg::Connection;
using pg::Param;
using pg::Result;

constexpr int kPageRows = 512;
// pg_advisory_xact_lock key of schema creation ("pjschema" as ASCII).
constexpr const char* kSchemaLockKey = "8100555929143078253";

std::string num(std::uint64_t v) { return std::to_string(v); }

class PgEventStore;

class PgCursor final : public EventCursor {
 public:
  PgCursor(std::shared_ptr<PgEventStore> store, std::string id, Position from, bool verify)
      : store_(std::move(store)), id_(std::move(id)), start_(from), pos_(std::move(from)), verify_(verify) {}
  std::optional<Event> next() override;
  const Position& position() const noexcept override { return pos_; }
  bool checks_from_line_one() const noexcept override { return start_.seq == 0 && start_.offset == 0 && verify_; }
  const std::string& id() const noexcept { return id_; }
  const PgEventStore* store() const noexcept { return store_.get(); }

 private:
  std::shared_ptr<PgEventStore> store_;
  std::string id_;
  Position start_;
  Position pos_;
  bool verify_;
  std::vector<std::pair<std::uint64_t, std::string>> page_;  // (end_offset, line)
  std::size_t next_ = 0;
  std::string path_;  // for errors
};

class PgEventStore final : public EventStore, public std::enable_shared_from_this<PgEventStore> {
 public:
  PgEventStore(const std::string& location, const ManagerOptions& options)
      : opt_(options), conn_(location), listen_(location) {}

  void open() {
    std::lock_guard lock(mu_);
    ensure_schema_locked();
  }

  std::string describe() const override {
    std::lock_guard lock(mu_);
    return conn_.describe();
  }
  std::string describe(const std::string& id) const override { return describe() + "#" + id; }

  bool has_stream(const std::string& id) override {
    validate_session_id(id);
    std::lock_guard lock(mu_);
    return has_stream_locked(id);
  }

  std::vector<std::string> list_streams() override {
    std::lock_guard lock(mu_);
    Result r = conn_.exec("listing sessions",
                          "SELECT session_id FROM promptjournal.events GROUP BY session_id ORDER BY session_id COLLATE \"C\"");
    std::vector<std::string> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.text(i, 0));
    return out;
  }

  std::unique_ptr<EventCursor> read(const std::string& id, const Position& from) override {
    validate_session_id(id);
    {
      std::lock_guard lock(mu_);
      if (!has_stream_locked(id)) throw JournalError::not_found("session '" + id + "' in " + conn_.describe());
    }
    return std::make_unique<PgCursor>(shared_from_this(), id, from, opt_.journal.verify_hashes_on_read);
  }

  AppendResult append(const std::string& id, const std::vector<EventData>& batch, std::uint64_t expected_seq,
                      const boost::json::object& meta) override {
    validate_session_id(id);
    check_batch_shape(batch, expected_seq);
    std::string at = format_utc(opt_.journal.clock ? opt_.journal.clock() : std::chrono::system_clock::now());
    std::lock_guard lock(mu_);
    if (expected_seq > 0 && !checked_.contains(id)) check_history_locked(id);  // once; later, catch_up_locked
    begin_locked();
    AppendResult out;
    try {
      std::optional<Position> head = head_locked(id);
      check_expected_locked(id, head, expected_seq);
      catch_up_locked(id, head);
      EncodedBatch enc = encode_batch(head ? *head : Position{}, id, batch, meta, std::move(at));
      std::vector<std::string_view> lines;
      std::string_view all(enc.lines);
      for (std::size_t p = 0; p < all.size();) {
        std::size_t nl = all.find('\n', p);
        lines.push_back(all.substr(p, nl - p));
        p = nl + 1;
      }
      insert_locked(id, enc.events, lines, head ? *head : Position{}, expected_seq);
      commit_locked(id, expected_seq + 1, lines.front());
      out.events = std::move(enc.events);
      out.head = enc.next;
    } catch (...) {
      rollback_locked();
      throw;
    }
    note_head_locked(id, out.head);
    return out;
  }

  Position append_events(const std::string& id, const std::vector<Event>& events) override {
    validate_session_id(id);
    if (events.empty()) throw JournalError::invalid_argument("append of an empty batch");
    // Each must re-encode to its own hash: the line we store is the line
    // whose hash the chain names.
    std::vector<std::string> owned;
    owned.reserve(events.size());
    for (const Event& e : events) {
      Event copy = e;
      std::string line = encode_event_line(copy);
      if (copy.hash != e.hash)
        throw JournalError::invalid_argument("event seq " + num(e.seq) + " of '" + id +
                                             "' does not re-encode to its hash (not a whole event)");
      line.pop_back();
      owned.push_back(std::move(line));
    }
    const std::uint64_t expected_seq = events.front().seq - 1;
    std::lock_guard lock(mu_);
    if (expected_seq > 0 && !checked_.contains(id)) check_history_locked(id);  // once; later, catch_up_locked
    begin_locked();
    Position end;
    try {
      std::optional<Position> head = head_locked(id);
      check_expected_locked(id, head, expected_seq);
      catch_up_locked(id, head);
      Position pos = head ? *head : Position{};
      for (std::size_t i = 0; i < events.size(); ++i) {
        try {
          check_follows(events[i], pos, id, {describe_locked(id), events[i].seq, pos.offset, events[i].seq});
        } catch (const JournalError& bad) {
          throw JournalError::invalid_argument("events do not chain: " + bad.reason());
        }
        pos = position_after(pos, events[i], owned[i].size());
      }
      std::vector<std::string_view> lines(owned.begin(), owned.end());
      insert_locked(id, events, lines, head ? *head : Position{}, expected_seq);
      commit_locked(id, expected_seq + 1, lines.front());
      end = pos;
    } catch (...) {
      rollback_locked();
      throw;
    }
    note_head_locked(id, end);
    return end;
  }

  Position check_history(const std::string& id) override {
    validate_session_id(id);
    std::lock_guard lock(mu_);
    return check_history_locked(id);
  }

  void adopt(const std::string& id, const EventCursor& cursor) override {
    auto* c = dynamic_cast<const PgCursor*>(&cursor);
    if (!c || c->store() != this || c->id() != id || !cursor.checks_from_line_one()) return;
    std::lock_guard lock(mu_);
    auto it = checked_.find(id);
    if (it == checked_.end() || it->second.seq < cursor.position().seq) checked_[id] = cursor.position();
  }

  SnapshotWritten put_snapshot(const std::string& id, const SessionState& state, const Position& at) override {
    validate_session_id(id);
    std::string doc = encode_snapshot(state, at);
    std::lock_guard lock(mu_);
    ensure_schema_locked();
    conn_.exec("writing a snapshot",
               "INSERT INTO promptjournal.snapshots(session_id, seq, doc) VALUES ($1, $2, $3) "
               "ON CONFLICT (session_id, seq) DO UPDATE SET doc = EXCLUDED.doc",
               {Param(id), Param(num(at.seq)), Param(doc)});
    return {snapshot_name_locked(id, at.seq), doc.size()};
  }

  std::optional<LoadedSnapshot> newest_snapshot(const std::string& id, std::vector<SnapshotProblem>* problems,
                                                const std::function<bool(const Position&)>& usable) override {
    validate_session_id(id);
    std::lock_guard lock(mu_);
    for (std::uint64_t seq : snapshot_seqs_locked(id, true)) {
      const std::string where = snapshot_name_locked(id, seq);
      try {
        LoadedSnapshot s = load_snapshot_locked(id, seq, where);
        if (usable && !usable(s.position)) continue;
        return s;
      } catch (const JournalError& e) {
        if (e.kind() != ErrorKind::kCorrupt && e.kind() != ErrorKind::kUnsupportedVersion) throw;  // not the snapshot's fault
        if (problems) problems->push_back({where, e.what()});
      }
    }
    return std::nullopt;
  }

  void prune_snapshots(const std::string& id, std::uint32_t keep) override {
    validate_session_id(id);
    std::lock_guard lock(mu_);
    conn_.exec("pruning snapshots",
               "DELETE FROM promptjournal.snapshots WHERE session_id = $1 AND seq NOT IN "
               "(SELECT seq FROM promptjournal.snapshots WHERE session_id = $1 ORDER BY seq DESC LIMIT $2)",
               {Param(id), Param(num(keep))});
  }

  VerifyReport verify(const std::string& id) override {
    validate_session_id(id);
    VerifyReport report;
    report.session_id = id;
    std::vector<std::uint64_t> seqs;
    {
      std::lock_guard lock(mu_);
      if (!has_stream_locked(id)) {
        report.problems.push_back({VerifyProblem::Kind::kMissing, {describe_locked(id), {}, {}, {}},
                                   "no events for this session"});
        return report;
      }
      seqs = snapshot_seqs_locked(id, false);
    }
    // Snapshot agreement means the snapshot's state equals the history's
    // state at that seq, so fold while reading.
    std::map<std::uint64_t, std::string> expected;
    PgCursor cursor(shared_from_this(), id, {}, true);
    SessionState state;
    try {
      while (auto e = cursor.next()) {
        try {
          apply(state, *e);
        } catch (const JournalError& bad) {
          throw JournalError::corrupt(bad.reason(), {describe(id), e->seq, {}, e->seq});
        }
        ++report.events;
        if (std::binary_search(seqs.begin(), seqs.end(), e->seq))
          expected[e->seq] = boost::json::serialize(to_dict(state));
      }
    } catch (const JournalError& e) {
      if (e.kind() != ErrorKind::kCorrupt) throw;
      report.problems.push_back({VerifyProblem::Kind::kCorrupt, e.where(), e.reason()});
    }
    report.head = cursor.position();
    std::lock_guard lock(mu_);
    for (std::uint64_t seq : seqs) {
      const std::string where = snapshot_name_locked(id, seq);
      ++report.snapshots_checked;
      try {
        LoadedSnapshot s = load_snapshot_locked(id, seq, where);
        auto it = expected.find(seq);
        if (it == expected.end()) throw JournalError::corrupt("snapshot stands beyond the last valid event", {});
        if (boost::json::serialize(to_dict(s.state)) != it->second)
          throw JournalError::corrupt("snapshot content differs from the history's state at seq " + num(seq) +
                                          " (it would be ignored)",
                                      {});
      } catch (const JournalError& e) {
        if (e.kind() != ErrorKind::kCorrupt && e.kind() != ErrorKind::kUnsupportedVersion) throw;
        report.problems.push_back({e.kind() == ErrorKind::kUnsupportedVersion ? VerifyProblem::Kind::kStaleSnapshot
                                                                               : VerifyProblem::Kind::kSnapshot,
                                   {where, {}, {}, seq}, e.reason()});
      }
    }
    return report;
  }

  bool wait_for_append(const std::string& id, std::uint64_t after_seq, std::chrono::milliseconds timeout) override {
    validate_session_id(id);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::lock_guard lock(listen_mu_);
    if (!listen_.connected()) {
      listen_.ensure();
      listen_.exec("listening for appends", std::string("LISTEN ") + kPgNotifyChannel);
    }
    // After LISTEN: an append committed from here on is announced, one
    // committed before shows in the head.
    Result r = listen_.exec("reading the head",
                            "SELECT max(seq) FROM promptjournal.events WHERE session_id = $1", {Param(id)});
    if (!r.is_null(0, 0) && static_cast<std::uint64_t>(r.int64(0, 0)) > after_seq) return true;
    const std::string prefix = id + ":";
    for (;;) {
      for (const std::string& p : listen_.take_notifications(kPgNotifyChannel)) {
        if (p.size() <= prefix.size() || p.compare(0, prefix.size(), prefix) != 0) continue;
        if (p.find(':', prefix.size()) != std::string::npos) continue;  // another id with ':' in it
        std::uint64_t seq = std::strtoull(p.c_str() + prefix.size(), nullptr, 10);
        if (seq > after_seq) return true;
      }
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return false;
      listen_.wait_readable(std::chrono::ceil<std::chrono::milliseconds>(deadline - now));
    }
  }

 private:
  friend class PgCursor;

  std::string describe_locked(const std::string& id) const { return conn_.describe() + "#" + id; }
  std::string snapshot_name_locked(const std::string& id, std::uint64_t seq) const {
    return describe_locked(id) + "/snapshot/" + num(seq);
  }

  void ensure_schema_locked() {
    if (schema_ok_ && conn_.connected()) return;
    conn_.exec("checking the server encoding", "SELECT 1");  // connects
    Result enc = conn_.exec("checking the server encoding", "SHOW server_encoding");
    if (enc.text(0, 0) != "UTF8" && enc.text(0, 0) != "SQL_ASCII")
      throw JournalError(ErrorKind::kInvalidArgument,
                         conn_.describe() + ": the database's encoding is " + std::string(enc.text(0, 0)) +
                             "; promptjournal stores UTF-8 lines byte for byte and needs a UTF8 database");
    begin_locked();
    try {
      conn_.exec("creating the schema", std::string("SELECT pg_advisory_xact_lock(") + kSchemaLockKey + ")");
      conn_.exec("creating the schema", "CREATE SCHEMA IF NOT EXISTS promptjournal");
      conn_.exec("creating the schema",
                 "CREATE TABLE IF NOT EXISTS promptjournal.schema_version(version integer NOT NULL)");
      Result v = conn_.exec("reading the schema version", "SELECT max(version) FROM promptjournal.schema_version");
      const std::int64_t have = v.is_null(0, 0) ? 0 : v.int64(0, 0);
      if (have > kPgSchemaVersion)
        throw JournalError(ErrorKind::kUnsupportedVersion,
                           conn_.describe() + ": the promptjournal schema is version " + num(have) +
                               ", newer than this build's " + num(kPgSchemaVersion));
      conn_.exec("creating the schema",
                 "CREATE TABLE IF NOT EXISTS promptjournal.events("
                 "session_id text NOT NULL, seq bigint NOT NULL CHECK (seq > 0), line text NOT NULL, "
                 "end_offset bigint NOT NULL, PRIMARY KEY (session_id, seq))");
      conn_.exec("creating the schema",
                 "CREATE TABLE IF NOT EXISTS promptjournal.snapshots("
                 "session_id text NOT NULL, seq bigint NOT NULL CHECK (seq > 0), doc text NOT NULL, "
                 "PRIMARY KEY (session_id, seq))");
      if (have == 0)
        conn_.exec("recording the schema version", "INSERT INTO promptjournal.schema_version VALUES ($1)",
                   {Param(num(kPgSchemaVersion))});
      in_txn_ = false;
      conn_.exec("creating the schema", "COMMIT");
    } catch (...) {
      rollback_locked();
      throw;
    }
    schema_ok_ = true;
  }

  void begin_locked() {
    ensure_schema_or_connect_locked();
    conn_.exec("starting a transaction", "BEGIN");
    in_txn_ = true;
  }
  // A transaction on a fresh connection: the schema is checked once per
  // store, but a reconnect needs nothing more than the connection.
  void ensure_schema_or_connect_locked() { conn_.ensure(); }

  void rollback_locked() noexcept {
    if (!in_txn_) return;
    in_txn_ = false;
    if (!conn_.connected()) return;
    try {
      conn_.exec("rolling back", "ROLLBACK");
    } catch (...) {
      conn_.drop();
    }
  }

  bool has_stream_locked(const std::string& id) {
    Result r = conn_.exec("looking up a session", "SELECT 1 FROM promptjournal.events WHERE session_id = $1 LIMIT 1",
                          {Param(id)});
    return r.rows() > 0;
  }

  // The head row of `id`, decoded (its own hash checked), or nullopt.
  std::optional<Position> head_locked(const std::string& id) {
    Result r = conn_.exec("reading the head",
                          "SELECT seq, line, end_offset FROM promptjournal.events WHERE session_id = $1 "
                          "ORDER BY seq DESC LIMIT 1",
                          {Param(id)});
    if (r.rows() == 0) return std::nullopt;
    const auto seq = static_cast<std::uint64_t>(r.int64(0, 0));
    std::string why;
    auto e = decode_event_line(r.text(0, 1), true, &why);
    if (!e || e->seq != seq)
      throw JournalError::corrupt(e ? "the row of seq " + num(seq) + " holds seq " + num(e->seq)
                                    : "the last event does not decode: " + why,
                                  {describe_locked(id), seq, {}, seq});
    return Position{seq, e->hash, static_cast<std::uint64_t>(r.int64(0, 2)), e->at};
  }

  void check_expected_locked(const std::string& id, const std::optional<Position>& head, std::uint64_t expected) {
    if (!head && expected > 0)
      throw JournalError(ErrorKind::kNotFound, "no session '" + id + "' in " + conn_.describe() +
                                                   " (append expected seq " + num(expected) + ")");
    if (head && expected == 0)
      throw JournalError(ErrorKind::kAlreadyExists,
                         "session '" + id + "' already has " + num(head->seq) + " events in " + conn_.describe());
    if (head && head->seq != expected) throw JournalError::conflict(id, expected, head->seq);
  }

  void insert_locked(const std::string& id, const std::vector<Event>& events,
                     const std::vector<std::string_view>& lines, const Position& head, std::uint64_t expected) {
    // Multi-row INSERTs (one round trip per kRowsPerInsert rows, not per row);
    // the texts of the numbers live here while the statements run.
    constexpr std::size_t kRowsPerInsert = 500;
    std::vector<std::string> numbers;
    numbers.reserve(2 * events.size());
    std::uint64_t offset = head.offset;
    for (std::size_t i = 0; i < events.size(); ++i) {
      offset += lines[i].size() + 1;
      numbers.push_back(num(events[i].seq));
      numbers.push_back(num(offset));
    }
    for (std::size_t start = 0; start < events.size(); start += kRowsPerInsert) {
      const std::size_t end = std::min(events.size(), start + kRowsPerInsert);
      std::string sql = "INSERT INTO promptjournal.events(session_id, seq, line, end_offset) VALUES ";
      std::vector<Param> params;
      params.reserve(1 + 3 * (end - start));
      params.push_back(Param(id));
      for (std::size_t i = start; i < end; ++i) {
        const std::size_t b = params.size();
        sql += (i > start ? ",($1,$" : "($1,$") + std::to_string(b + 1) + ",$" + std::to_string(b + 2) + ",$" +
               std::to_string(b + 3) + ")";
        params.push_back(Param(numbers[2 * i]));
        params.push_back(Param(lines[i]));
        params.push_back(Param(numbers[2 * i + 1]));
      }
      try {
        conn_.exec("appending events", sql, params);
      } catch (const JournalError& e) {
        if (e.kind() != ErrorKind::kConflict) throw;
        // Another writer took a seq between our head read and the insert.
        rollback_locked();
        Result r = conn_.exec("reading the head", "SELECT max(seq) FROM promptjournal.events WHERE session_id = $1",
                              {Param(id)});
        throw JournalError::conflict(id, expected, r.is_null(0, 0) ? 0 : static_cast<std::uint64_t>(r.int64(0, 0)));
      }
    }
    conn_.exec("announcing the append", "SELECT pg_notify($1, $2)",
               {Param(kPgNotifyChannel), Param(id + ":" + num(events.back().seq))});
  }

  // COMMIT; when the connection is lost during it, reconnects once and looks
  // whether the first row is ours.
  void commit_locked(const std::string& id, std::uint64_t first_seq, std::string_view first_line) {
    try {
      in_txn_ = false;
      conn_.exec("committing an append", "COMMIT");
      return;
    } catch (const JournalError& e) {
      if (e.kind() != ErrorKind::kUnavailable) throw;
      std::string lost = e.reason();
      Result r;
      try {
        conn_.ensure();
        r = conn_.exec("checking a lost commit",
                       "SELECT line FROM promptjournal.events WHERE session_id = $1 AND seq = $2",
                       {Param(id), Param(num(first_seq))});
      } catch (const JournalError& again) {
        throw JournalError(ErrorKind::kOutcomeUnknown,
                           "the connection was lost while committing events " + num(first_seq) + "... of '" + id +
                               "' and could not be re-established to find out whether they were stored (" +
                               again.reason() + "); read the session before writing again");
      }
      if (r.rows() == 1 && r.text(0, 0) == first_line) return;  // it committed
      throw JournalError(ErrorKind::kUnavailable, lost + " (while committing; nothing of the batch was stored)");
    }
  }

  // After an append: this store created the history or checked it before
  // appending, and checked what others appended since (catch_up_locked).
  void note_head_locked(const std::string& id, const Position& head) { checked_[id] = head; }

  // Inside an append's transaction: checks the rows other writers appended
  // after what this store checked, up to `head`.
  void catch_up_locked(const std::string& id, const std::optional<Position>& head) {
    auto it = checked_.find(id);
    if (!head || it == checked_.end() || it->second.seq >= head->seq) return;
    it->second = check_rows_locked(id, it->second);
  }

  // Reads and checks rows after `from` (every hash), returning the new head.
  Position check_rows_locked(const std::string& id, Position pos) {
    for (;;) {
      Result r = conn_.exec("reading events",
                            "SELECT seq, line, end_offset FROM promptjournal.events WHERE session_id = $1 AND seq > $2 "
                            "ORDER BY seq LIMIT " + std::to_string(kPageRows),
                            {Param(id), Param(num(pos.seq))});
      const std::string path = describe_locked(id);
      for (int i = 0; i < r.rows(); ++i) pos = check_row(id, path, pos, r.text(i, 1), r.int64(i, 2), true);
      if (r.rows() < kPageRows) return pos;
    }
  }

  Position check_history_locked(const std::string& id) {
    auto it = checked_.find(id);
    if (it != checked_.end()) {
      Position p = check_rows_locked(id, it->second);
      checked_[id] = p;
      return p;
    }
    if (!has_stream_locked(id)) throw JournalError::not_found("session '" + id + "' in " + conn_.describe());
    Position p = check_rows_locked(id, Position{});
    checked_[id] = p;
    return p;
  }

 public:
  // Checks one row after `pos`; returns the position after it.
  static Position check_row(const std::string& id, const std::string& path, const Position& pos,
                            std::string_view line, std::int64_t end_offset, bool verify, Event* out = nullptr) {
    std::string why;
    ErrorLocation where{path, pos.seq + 1, pos.offset, pos.seq + 1};
    auto e = decode_event_line(line, verify, &why);
    if (!e) throw JournalError::corrupt("event does not decode: " + why, where);
    check_follows(*e, pos, id, where);
    Position next = position_after(pos, *e, line.size());
    if (end_offset < 0 || static_cast<std::uint64_t>(end_offset) != next.offset)
      throw JournalError::corrupt("end_offset " + std::to_string(end_offset) + " where " + num(next.offset) +
                                      " was expected",
                                  where);
    if (out) *out = std::move(*e);
    return next;
  }

  // One page of rows after `after_seq`: (end_offset, line).
  std::vector<std::pair<std::uint64_t, std::string>> page(const std::string& id, std::uint64_t after_seq) {
    std::lock_guard lock(mu_);
    Result r = conn_.exec("reading events",
                          "SELECT end_offset, line FROM promptjournal.events WHERE session_id = $1 AND seq > $2 "
                          "ORDER BY seq LIMIT " + std::to_string(kPageRows),
                          {Param(id), Param(num(after_seq))});
    std::vector<std::pair<std::uint64_t, std::string>> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.emplace_back(static_cast<std::uint64_t>(r.int64(i, 0)), r.text(i, 1));
    return out;
  }

 private:
  std::vector<std::uint64_t> snapshot_seqs_locked(const std::string& id, bool newest_first) {
    Result r = conn_.exec("listing snapshots",
                          std::string("SELECT seq FROM promptjournal.snapshots WHERE session_id = $1 ORDER BY seq ") +
                              (newest_first ? "DESC" : "ASC"),
                          {Param(id)});
    std::vector<std::uint64_t> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(static_cast<std::uint64_t>(r.int64(i, 0)));
    return out;
  }

  // Decodes snapshot `seq` and checks it against the events row at its seq:
  // that row's line carries a valid hash, the recorded one, with the
  // recorded seq, time and end offset. Throws kCorrupt with the reason.
  LoadedSnapshot load_snapshot_locked(const std::string& id, std::uint64_t seq, const std::string& where) {
    auto bad = [&](const std::string& why) { return JournalError::corrupt("snapshot " + why, {where, {}, {}, seq}); };
    Result d = conn_.exec("reading a snapshot",
                          "SELECT doc FROM promptjournal.snapshots WHERE session_id = $1 AND seq = $2",
                          {Param(id), Param(num(seq))});
    if (d.rows() == 0) throw bad("was removed while being read");
    LoadedSnapshot s = decode_snapshot(d.text(0, 0), where);
    if (s.position.seq != seq) throw bad("records seq " + num(s.position.seq) + " but is stored as seq " + num(seq));
    if (s.state.session_id != id) throw bad("is of session '" + s.state.session_id + "'");
    Result r = conn_.exec("reading the event under a snapshot",
                          "SELECT line, end_offset FROM promptjournal.events WHERE session_id = $1 AND seq = $2",
                          {Param(id), Param(num(seq))});
    if (r.rows() == 0) throw bad("stands beyond the last event");
    std::string why;
    auto e = decode_event_line(r.text(0, 0), true, &why);
    if (!e) throw bad("disagrees with the history: the event at seq " + num(seq) + " does not decode (" + why + ")");
    if (e->hash != s.position.hash || e->seq != seq || e->at != s.position.at ||
        static_cast<std::uint64_t>(r.int64(0, 1)) != s.position.offset)
      throw bad("disagrees with the history: the event at seq " + num(seq) + " has hash " + e->hash.substr(0, 12) +
                "..., at " + e->at + ", end offset " + std::string(r.text(0, 1)));
    return s;
  }

  ManagerOptions opt_;
  mutable std::mutex mu_;
  Connection conn_;
  bool schema_ok_ = false;
  bool in_txn_ = false;  // a transaction of ours is open on conn_
  std::map<std::string, Position> checked_;  // sessions whose history this store checked whole
  std::mutex listen_mu_;
  Connection listen_;
};

std::optional<Event> PgCursor::next() {
  if (next_ == page_.size()) {
    // At the end a later call asks again: an append may have come since.
    page_ = store_->page(id_, pos_.seq);
    next_ = 0;
    if (page_.empty()) return std::nullopt;
  }
  auto& [end_offset, line] = page_[next_++];
  Event e;
  if (path_.empty()) path_ = store_->describe(id_);
  pos_ = PgEventStore::check_row(id_, path_, pos_, line, static_cast<std::int64_t>(end_offset), verify_, &e);
  std::string().swap(line);
  return e;
}

}  // namespace

std::shared_ptr<EventStore> open_postgresql_store(const std::string& location, const ManagerOptions& options) {
  auto store = std::make_shared<PgEventStore>(location, options);
  store->open();
  return store;
}

}  // namespace promptjournal::detail
