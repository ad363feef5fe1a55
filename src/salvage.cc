#include "promptjournal/salvage.h"

#include <algorithm>
#include <array>

#include <boost/json.hpp>

#include "file_names.h"
#include "promptjournal/event.h"
#include "promptjournal/feedback.h"

namespace promptjournal {

namespace json = boost::json;

namespace {

constexpr std::size_t kReadChunk = 1 << 16;
constexpr std::size_t kWriteChunk = 1 << 20;
// The longest line that can be an event, without its '\n'.
constexpr std::size_t kMaxBody = kMaxLineBytes - 1;

// The complete lines of a file, in order, one in memory at a time. A line too
// long to be an event is measured but not kept (oversized()). Unlike a
// JournalReader it never stops at damage: salvage wants every line.
class LineScanner {
 public:
  explicit LineScanner(File& f) : f_(f) {}

  // The next complete line, without its '\n', into `line`; false at the end
  // of the file, with the bytes after the last '\n' counted in tail_bytes().
  bool next(std::string& line) {
    line.clear();
    oversized_ = false;
    start_ = next_start_;
    std::uint64_t length = 0;
    for (;;) {
      const std::size_t nl = buf_.find('\n', pos_);
      const std::size_t take = (nl == std::string::npos ? buf_.size() : nl) - pos_;
      length += take;
      if (!oversized_ && line.size() + take > kMaxBody) {
        oversized_ = true;
        std::string().swap(line);
      }
      if (!oversized_) line.append(buf_, pos_, take);
      if (nl != std::string::npos) {
        pos_ = nl + 1;
        length_ = length;
        next_start_ = start_ + length + 1;
        return true;
      }
      buf_.resize(kReadChunk);
      const std::size_t n = f_.read_at(buf_.data(), kReadChunk, read_);
      buf_.resize(n);
      pos_ = 0;
      read_ += n;
      if (n == 0) {
        tail_ = length;
        return false;
      }
    }
  }
  std::uint64_t start() const noexcept { return start_; }    // of the last line returned
  std::uint64_t length() const noexcept { return length_; }  // of the last line returned
  bool oversized() const noexcept { return oversized_; }
  std::uint64_t tail_bytes() const noexcept { return tail_; }

 private:
  File& f_;
  std::string buf_;
  std::size_t pos_ = 0;
  std::uint64_t read_ = 0;
  std::uint64_t start_ = 0, next_start_ = 0, length_ = 0, tail_ = 0;
  bool oversized_ = false;
};

// An intact line of the source: enough to choose it and to read it again.
struct Candidate {
  using Hash = std::array<char, 64>;  // hex, as in the line: no allocation per event
  std::uint64_t seq = 0;
  Hash hash{}, prev{};
  std::uint64_t line = 0, offset = 0, bytes = 0;
};

Candidate::Hash to_hash(std::string_view hex) {
  Candidate::Hash h{};
  std::copy_n(hex.begin(), std::min(hex.size(), h.size()), h.begin());
  return h;
}

SalvageSkip skip(const LineScanner& s, std::uint64_t line, std::optional<std::uint64_t> seq, std::string why) {
  return {line, s.start(), s.length(), seq, std::move(why)};
}

// Reads every line of the source: the intact events become candidates, the
// rest are skipped with their reason; counts what a reader would return.
std::vector<Candidate> scan(File& file, const std::string& source_id, SalvageReport& r) {
  std::vector<Candidate> out;
  LineScanner s(file);
  std::string line, error;
  std::string chain{kGenesisHash};
  bool unbroken = true;
  while (s.next(line)) {
    const std::uint64_t n = ++r.lines;
    if (s.oversized()) {
      r.skipped.push_back(skip(s, n, {}, "longer than the " + std::to_string(kMaxLineBytes) + "-byte line limit"));
      unbroken = false;
      continue;
    }
    auto e = decode_event_line(line, /*verify_hash=*/true, &error);
    if (!e || e->session_id != source_id) {
      r.skipped.push_back(skip(s, n, e ? std::optional(e->seq) : std::nullopt,
                               e ? "an event of session '" + e->session_id + "'" : "does not decode: " + error));
      unbroken = false;
      continue;
    }
    // The projector's only rules about order: session_created is seq 1 and
    // only there. Enforced here, every event taken applies, so no state needs
    // to be folded (it would cost as much memory as the session).
    const bool created = std::holds_alternative<SessionCreated>(e->data);
    if (created != (e->seq == 1)) {
      r.skipped.push_back(skip(s, n, e->seq,
                               created ? "session_created at seq " + std::to_string(e->seq) + " (only seq 1 creates)"
                                       : "seq 1 is not session_created"));
      unbroken = false;
      continue;
    }
    unbroken = unbroken && e->seq == r.readable + 1 && e->prev == chain;
    if (unbroken) {
      ++r.readable;
      chain = e->hash;
    }
    out.push_back({e->seq, to_hash(e->hash), to_hash(e->prev), n, s.start(), s.length()});
  }
  r.tail_bytes = s.tail_bytes();
  return out;
}

// Orders the candidates by seq and keeps one per seq: the one chained to the
// one kept before it, else the first in the file. The others are skipped.
// In place: no second list of the size of the journal.
void choose(std::vector<Candidate>& all, SalvageReport& r) {
  std::sort(all.begin(), all.end(), [](const Candidate& a, const Candidate& b) {
    return a.seq != b.seq ? a.seq < b.seq : a.line < b.line;  // equal seqs in file order
  });
  Candidate::Hash chain = to_hash(kGenesisHash);
  auto kept = all.begin();  // never ahead of the group being read
  for (auto it = all.begin(); it != all.end();) {
    auto end = std::find_if(it, all.end(), [&](const Candidate& c) { return c.seq != it->seq; });
    auto pick = std::find_if(it, end, [&](const Candidate& c) { return c.prev == chain; });
    if (pick == end) pick = it;
    for (auto o = it; o != end; ++o) {
      if (o == pick) continue;
      std::string why = o->hash == pick->hash ? "a copy of line " + std::to_string(pick->line)
                                              : "another intact event claims seq " + std::to_string(o->seq) +
                                                    " (line " + std::to_string(pick->line) + " was taken)";
      r.skipped.push_back({o->line, o->offset, o->bytes, o->seq, std::move(why)});
    }
    chain = pick->hash;
    *kept++ = *pick;
    it = end;
  }
  all.erase(kept, all.end());
}

json::object salvaged_meta(json::object meta, const std::string& source_id, const Event& e) {
  json::object from{{"session_id", source_id}, {"seq", e.seq}, {"hash", e.hash}};
  // A salvage of a salvaged journal keeps the older provenance inside.
  if (auto it = meta.find(kSalvagedFromKey); it != meta.end()) from.emplace(kSalvagedFromKey, std::move(it->value()));
  meta[kSalvagedFromKey] = std::move(from);
  return meta;
}

// The target's journal, written to a temp file that is locked until it is
// renamed into place (the rule of snapshot temps, docs/FORMAT.md).
class TargetWriter {
 public:
  TargetWriter(FileSystem& fs, const std::string& root, const std::string& dir, std::string path, Durability d)
      : fs_(fs), root_(root), dir_(dir), path_(std::move(path)), durability_(d) {
    fs_.make_dir(dir_);
    remove_abandoned_temps();
    tmp_ = path_ + "." + new_uuid().substr(0, 8) + std::string(detail::kTempSuffix);
    file_ = fs_.create_exclusive(tmp_);
    file_->lock();
  }
  ~TargetWriter() {
    if (!file_) return;
    try {
      fs_.remove(tmp_);
    } catch (...) {
      // Left behind unlocked: the next salvage into this folder removes it.
    }
  }
  TargetWriter(const TargetWriter&) = delete;
  TargetWriter& operator=(const TargetWriter&) = delete;

  void write(std::string& buf, bool force) {
    if (buf.empty() || (!force && buf.size() < kWriteChunk)) return;
    file_->append(buf.data(), buf.size());
    buf.clear();
  }
  // Syncs, reads the temp back as the target's journal, and renames it into
  // place unless a journal appeared there meanwhile.
  void commit(const std::string& target_id, const Position& head) {
    if (durability_ == Durability::kFsync) file_->sync();
    JournalReader::Options o;
    o.session_id = target_id;
    JournalReader back(fs_, tmp_, o);
    while (back.next()) {
    }
    if (!(back.position() == head) || back.torn_tail())
      throw JournalError::corrupt("the salvaged journal did not read back as written", {tmp_, {}, {}, {}});
    if (fs_.exists(path_))
      throw JournalError(ErrorKind::kAlreadyExists, "session '" + target_id + "' was created during the salvage",
                         {path_, {}, {}, {}});
    fs_.rename(tmp_, path_);
    file_.reset();
    if (durability_ == Durability::kFsync) {
      fs_.sync_dir(dir_);
      fs_.sync_dir(root_);
    }
  }

 private:
  void remove_abandoned_temps() {
    const std::string prefix = std::string(detail::kJournalFile) + ".";
    for (const auto& name : fs_.list_dir(dir_)) {
      if (!name.starts_with(prefix) || !name.ends_with(detail::kTempSuffix)) continue;
      try {
        auto f = fs_.open_read(detail::join(dir_, name));
        if (f->try_lock()) fs_.remove(detail::join(dir_, name));
      } catch (const JournalError&) {
        // Gone meanwhile, or not ours: leave it.
      }
    }
  }

  FileSystem& fs_;
  std::string root_, dir_, path_, tmp_;
  Durability durability_;
  std::unique_ptr<File> file_;
};

}  // namespace

SalvageReport salvage_session(const std::string& root, const std::string& source_id, const SalvageOptions& opt) {
  const std::string source = journal_path(root, source_id);
  const std::string dir = session_dir(root, opt.target_id);
  if (opt.target_id == source_id)
    throw JournalError::invalid_argument("salvage writes a new session: the target id must differ from '" +
                                         source_id + "', which is never changed");
  auto fs = opt.fs ? opt.fs : default_file_system();
  SalvageReport r;
  r.source_id = source_id;
  r.target_id = opt.target_id;
  r.journal = detail::join(dir, detail::kJournalFile);
  if (!fs->exists(source)) throw JournalError::not_found("session '" + source_id + "' has no journal at " + source);
  if (fs->exists(r.journal))
    throw JournalError(ErrorKind::kAlreadyExists, "session '" + opt.target_id + "' already has a journal",
                       {r.journal, {}, {}, {}});
  auto file = fs->open_read(source);
  std::vector<Candidate> kept = scan(*file, source_id, r);
  choose(kept, r);
  if (kept.empty() || kept.front().seq != 1)
    throw JournalError::corrupt("nothing to salvage: the session's first event (session_created, seq 1) is not intact",
                                {source, {}, {}, 1});

  std::optional<TargetWriter> out;
  if (!opt.dry_run) out.emplace(*fs, root, dir, r.journal, opt.durability);
  std::string buf, line, error;
  std::uint64_t last_seq = 0;
  Candidate::Hash last_hash = to_hash(kGenesisHash);
  for (const Candidate& c : kept) {
    line.resize(static_cast<std::size_t>(c.bytes));
    if (file->read_at(line.data(), line.size(), c.offset) != line.size())
      throw JournalError::io("the journal shrank during the salvage", source, 0);
    auto e = decode_event_line(line, true, &error);
    if (!e || to_hash(e->hash) != c.hash)
      throw JournalError::corrupt("line " + std::to_string(c.line) + " changed during the salvage", {source, c.line, c.offset, c.seq});
    if (c.seq != last_seq + 1) {
      r.missing.emplace_back(last_seq + 1, c.seq - 1);
      r.breaks.push_back({c.seq, "seq " + std::to_string(last_seq + 1) +
                                     (c.seq - 1 > last_seq + 1 ? "-" + std::to_string(c.seq - 1) : std::string()) +
                                     " before it could not be recovered"});
    } else if (c.prev != last_hash) {
      r.breaks.push_back({c.seq, "its prev is not the hash of seq " + std::to_string(last_seq) +
                                     " as recovered: one of the two events was changed"});
    }
    last_seq = c.seq;
    last_hash = c.hash;
    Event n;
    n.seq = r.head.seq + 1;
    n.at = std::max(e->at, r.head.at);
    n.session_id = opt.target_id;
    n.meta = salvaged_meta(std::move(e->meta), source_id, *e);
    n.data = std::move(e->data);
    if (auto* created = std::get_if<SessionCreated>(&n.data); created && !opt.keep_secrets)
      created->config = created->config.redacted();
    n.prev = r.head.hash;
    const std::string encoded = encode_event_line(n);
    r.head = {n.seq, n.hash, r.head.offset + encoded.size(), n.at};
    ++r.recovered;
    if (out) {
      buf += encoded;
      out->write(buf, false);
    }
  }
  std::sort(r.skipped.begin(), r.skipped.end(), [](const SalvageSkip& a, const SalvageSkip& b) { return a.line < b.line; });
  if (out) {
    out->write(buf, true);
    out->commit(opt.target_id, r.head);
    r.written = true;
  }
  return r;
}

}  // namespace promptjournal
