#include "promptjournal/journal.h"

#include <algorithm>
#include <chrono>
#include <variant>

#include <boost/json/parse.hpp>

#include "chain.h"
#include "file_names.h"
#include "journal_format.h"
#include "sha256.h"
#include "time_format.h"

namespace promptjournal {

bool detail::line_carries_valid_hash(std::string_view line) {
  const std::size_t n = line.size();
  if (n < detail::kHashSuffixLen || line.substr(n - detail::kLineEnd.size()) != detail::kLineEnd ||
      line.substr(n - detail::kHashSuffixLen, detail::kHashLead.size()) != detail::kHashLead)
    return false;
  std::string_view hash = line.substr(n - detail::kHashHexLen - detail::kLineEnd.size(), detail::kHashHexLen);
  if (!detail::is_hex_hash(hash)) return false;
  char computed[detail::kHashHexLen];
  detail::sha256_hex(line.substr(0, n - detail::kHashSuffixLen), computed);
  return std::string_view(computed, detail::kHashHexLen) == hash;
}

namespace {

constexpr std::size_t kReadChunk = 1 << 16;

// A line that does not decode but is still a JSON object with a "seq" member
// was an event once: what changed it was not a power loss (zeros, stale
// sectors) but an edit or a conversion (CRLF line ends, say).
bool recognisably_an_event(std::string_view line) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(line, ec);
  return !ec && v.is_object() && v.get_object().contains("seq");
}

void refuse_if_poisoned(bool poisoned, const std::string& path) {
  if (poisoned)
    throw JournalError(ErrorKind::kPoisoned,
                       "an earlier fdatasync of this journal failed; reopen it and re-read before writing",
                       ErrorLocation{path, {}, {}, {}});
}

// After a catch-up: throws unless the head is at `expected_seq`.
void require_head(std::uint64_t head_seq, std::uint64_t expected_seq, const std::string& id, const std::string& path) {
  if (head_seq == expected_seq) return;
  if (expected_seq == 0)
    throw JournalError(ErrorKind::kAlreadyExists,
                       "session '" + id + "' already exists (" + std::to_string(head_seq) + " events)",
                       ErrorLocation{path, {}, {}, {}});
  throw JournalError::conflict(id, expected_seq, head_seq);
}

}  // namespace

// ---------------------------------------------------------------- reader

JournalReader::JournalReader(FileSystem& fs, std::string path, Options options)
    : path_(std::move(path)), opt_(std::move(options)), pos_(opt_.from), line_(opt_.from.seq),
      read_offset_(opt_.from.offset) {
  if (!fs.exists(path_)) throw JournalError::not_found("no journal at " + path_);
  file_ = fs.open_read(path_);
}

JournalReader::~JournalReader() = default;

// Reads the next complete line (without '\n') into `line`. Returns false at the
// end; bytes after the last '\n' are a torn tail, not a line.
bool JournalReader::read_line(std::string& line) {
  line.clear();
  for (;;) {
    std::size_t nl = buf_.find('\n', buf_pos_);
    if (nl != std::string::npos) {
      line.append(buf_, buf_pos_, nl - buf_pos_);
      buf_pos_ = nl + 1;
      return true;
    }
    line.append(buf_, buf_pos_, std::string::npos);
    buf_.clear();
    buf_pos_ = 0;
    if (line.size() > kMaxLineBytes) {
      ErrorLocation w{path_, line_ + 1, pos_.offset, pos_.seq + 1};
      throw JournalError(ErrorKind::kTooLarge,
                         "a line is longer than the " + std::to_string(kMaxLineBytes) + "-byte limit", w);
    }
    if (eof_) break;
    buf_.resize(kReadChunk);
    std::size_t n = file_->read_at(buf_.data(), kReadChunk, read_offset_);
    buf_.resize(n);
    read_offset_ += n;
    if (n == 0) eof_ = true;
  }
  // A crash in the middle of a write(2) leaves a last line without its '\n'.
  // It was never acknowledged, so it is not history: report it, do not fail.
  if (!line.empty()) torn_ = TornTail{pos_.offset, line.size(), false, {}};
  return false;
}

// Called after a complete line that does not decode, with the read position
// just after it. Reads the rest of the file line by line (one line in memory,
// lines beyond the size limit skipped unread) and returns true as soon as a
// line whose own hash verifies turns up. The bytes after the last '\n' are not
// a line. Leaves the reader at the end of the file when it returns false.
bool JournalReader::intact_line_follows() {
  std::string line;
  bool skipping = false;  // the current line is over the limit: not an event
  for (;;) {
    std::size_t nl = buf_.find('\n', buf_pos_);
    if (nl != std::string::npos) {
      if (!skipping) {
        line.append(buf_, buf_pos_, nl - buf_pos_);
        if (detail::line_carries_valid_hash(line)) return true;
      }
      line.clear();
      skipping = false;
      buf_pos_ = nl + 1;
      continue;
    }
    if (!skipping) {
      line.append(buf_, buf_pos_, std::string::npos);
      if (line.size() > kMaxLineBytes) {
        skipping = true;
        std::string().swap(line);
      }
    }
    buf_.clear();
    buf_pos_ = 0;
    if (eof_) return false;
    buf_.resize(kReadChunk);
    std::size_t n = file_->read_at(buf_.data(), kReadChunk, read_offset_);
    buf_.resize(n);
    read_offset_ += n;
    if (n == 0) eof_ = true;
  }
}

std::optional<Event> JournalReader::next() {
  if (done_) return std::nullopt;
  std::string line;
  if (!read_line(line)) return std::nullopt;
  ErrorLocation where{path_, line_ + 1, pos_.offset, pos_.seq + 1};
  std::string error;
  auto e = decode_event_line(line, opt_.verify_hashes, &error);
  if (!e) {
    // A damaged tail (docs/FORMAT.md, "Reading a journal"): this line is not
    // as any writer wrote it, and no line after it is either. Typically the
    // unsynced sectors of the last write after a power loss, which may hold
    // zeros or stale bytes, '\n' among them. Like a torn tail it is the end.
    if (detail::line_carries_valid_hash(line)) throw JournalError::corrupt(error, where);
    if (intact_line_follows())
      throw JournalError::corrupt(error + "; a later line carries a valid hash, so this is damage inside the "
                                          "history, not a damaged tail",
                                  where);
    // At line 1 a damaged tail would be the whole file, and a writer creating
    // the session would cut it all aside. Only bytes that were never an event
    // (a creation cut short by a power loss) may go that way.
    if (pos_.seq == 0 && recognisably_an_event(line))
      throw JournalError::corrupt(error + "; the first line is still a JSON object with a seq: an event that "
                                          "was changed (a journal converted to CRLF line ends?), not a creation "
                                          "cut short",
                                  where);
    torn_ = TornTail{pos_.offset, read_offset_ - pos_.offset, true, error};
    done_ = true;
    return std::nullopt;
  }
  detail::check_follows(*e, pos_, opt_.session_id, where);
  // Build the new position whole, then move it in: a failed copy must not
  // leave pos_ half updated (a seq with the hash of another event).
  Position next = detail::position_after(pos_, *e, line.size());
  pos_ = std::move(next);
  ++line_;
  return e;
}

// ---------------------------------------------------------------- journal

Journal::Journal(std::string root, std::string session_id, JournalOptions options)
    : root_(std::move(root)), id_(std::move(session_id)), opt_(std::move(options)) {
  dir_ = session_dir(root_, id_);
  path_ = detail::join(dir_, detail::kJournalFile);
  fs_ = opt_.fs ? opt_.fs : default_file_system();
  if (!opt_.clock) opt_.clock = [] { return std::chrono::system_clock::now(); };
}

Journal::~Journal() = default;

bool Journal::exists() const { return fs_->exists(path_); }

Position Journal::head() const {
  std::lock_guard<std::mutex> lock(mu_);
  return head_;
}

void Journal::assume_validated(const Position& p) {
  Position copy = p;  // may throw; the move under the lock cannot
  std::lock_guard<std::mutex> lock(mu_);
  if (!checked_ && copy.seq > head_.seq) head_ = std::move(copy);
}

void Journal::adopt(const JournalReader& r) {
  Position copy = r.position();
  std::lock_guard<std::mutex> lock(mu_);
  if (!r.checks_from_line_one()) {
    if (!checked_ && copy.seq > head_.seq) head_ = std::move(copy);
  } else if (!checked_ || copy.seq > head_.seq) {
    head_ = std::move(copy);
    checked_ = true;
  }
}

bool Journal::history_checked() const {
  std::lock_guard<std::mutex> lock(mu_);
  return checked_;
}

Position Journal::check_history() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!checked_) {
    Position p = read_from_line_one_locked();
    head_ = std::move(p);
    checked_ = true;
  }
  return head_;
}

// Every line from line 1, every hash recomputed; returns the position after
// the last event (a torn or damaged tail is left where it is).
Position Journal::read_from_line_one_locked() const {
  JournalReader::Options o;
  o.verify_hashes = true;
  o.session_id = id_;
  JournalReader r(*fs_, path_, std::move(o));
  while (r.next()) {
  }
  return r.position();
}

bool Journal::poisoned() const {
  std::lock_guard<std::mutex> lock(mu_);
  return poisoned_;
}

void Journal::close() {
  std::lock_guard<std::mutex> lock(mu_);
  file_.reset();
}

std::unique_ptr<JournalReader> Journal::reader(const Position& from) const {
  JournalReader::Options o;
  o.from = from;
  o.verify_hashes = opt_.verify_hashes_on_read;
  o.session_id = id_;
  return std::make_unique<JournalReader>(*fs_, path_, std::move(o));
}

void Journal::open_for_append(bool create) {
  if (file_) return;
  if (!create && !fs_->exists(path_))
    throw JournalError::not_found("session '" + id_ + "' has no journal at " + path_);
  bool new_dir = fs_->make_dir(dir_);
  bool new_file = !fs_->exists(path_);
  auto file = fs_->open_append(path_, create);
  if (opt_.durability == Durability::kFsync && (new_dir || new_file || create)) {
    // The journal's name must be durable before any event in it is
    // acknowledged; only a handle whose folder entries were synced is kept.
    fs_->sync_dir(dir_);
    if (new_dir || create) fs_->sync_dir(root_);
  }
  file_ = std::move(file);
}

// Validates what other writers appended since head_, under the file lock. A
// handle that has not checked the history yet reads it all, from line 1: a
// writer never extends a journal it has not checked whole, whatever a
// snapshot said about the lines before it.
void Journal::catch_up_locked() {
  // Nothing here may allocate before the reader below is needed: a new
  // journal file was just created, and a failure must not leave it behind.
  const std::uint64_t from_offset = checked_ ? head_.offset : 0;
  std::uint64_t size = file_->size();
  if (size < from_offset)
    throw JournalError::corrupt("the journal shrank to " + std::to_string(size) +
                                    " bytes below the " + std::to_string(from_offset) +
                                    " bytes already read",
                                ErrorLocation{path_, {}, size, {}});
  if (size == from_offset) {
    if (!checked_) {
      // An empty file: nothing to check. Without allocating (the file may
      // have just been created, and a failure here must not leave it behind):
      // every hash is 64 characters, so assign reuses the buffer.
      head_.seq = 0;
      head_.offset = 0;
      head_.hash.assign(kGenesisHash);
      head_.at.clear();
      checked_ = true;
    }
    return;
  }
  JournalReader::Options o;
  if (checked_) o.from = head_;
  o.verify_hashes = true;
  o.session_id = id_;
  JournalReader r(*fs_, path_, std::move(o));
  while (r.next()) {
  }
  Position caught_up = r.position();
  head_ = std::move(caught_up);
  checked_ = true;
  if (r.torn_tail()) cut_torn_tail_locked(*r.torn_tail());
}

void Journal::cut_torn_tail_locked(const TornTail& t) {
  // Keep the cut bytes aside for inspection before removing them (in chunks:
  // a damaged tail may be longer than one line).
  std::string aside = detail::join(dir_, std::string(detail::kTornPrefix) + std::to_string(t.offset) +
                                             "-" + std::to_string(t.bytes) + ".bin");
  try {
    fs_->remove(aside);
    auto f = fs_->create_exclusive(aside);
    std::string chunk;
    for (std::uint64_t done = 0; done < t.bytes;) {
      chunk.resize(static_cast<std::size_t>(std::min<std::uint64_t>(kReadChunk, t.bytes - done)));
      std::size_t got = file_->read_at(chunk.data(), chunk.size(), t.offset + done);
      if (got == 0) break;
      f->append(chunk.data(), got);
      done += got;
    }
  } catch (const JournalError&) {
    // Keeping the fragment is a courtesy; cutting it is what matters.
  }
  file_->truncate(t.offset);
  if (opt_.durability == Durability::kFsync) file_->sync();
  repaired_ = t;
}

// Everything an append allocates, done before the file is touched: the lines
// of the batch, the result to hand back and the head to move to.
struct Journal::Prepared {
  Position from;   // the head the lines were encoded after
  std::string buf;
  AppendResult result;
  Position next;
};

void Journal::prepare_locked(const std::vector<EventData>& batch, const boost::json::object& meta,
                             Prepared& p) const {
  detail::EncodedBatch enc = detail::encode_batch(head_, id_, batch, meta, detail::format_utc(opt_.clock()));
  Prepared out;
  out.from = head_;
  out.buf = std::move(enc.lines);
  out.next = enc.next;
  out.result.events = std::move(enc.events);
  out.result.head = std::move(enc.next);
  p = std::move(out);
}

// Exception safety: nothing that can allocate (or otherwise throw) happens
// after write(2) succeeded, except the fdatasync itself. An exception from
// append therefore always means "not committed, nothing of it left in the
// file"; a return means committed.
Journal::AppendResult Journal::append(const std::vector<EventData>& batch, std::uint64_t expected_seq,
                                      const boost::json::object& meta) {
  std::lock_guard<std::mutex> lock(mu_);
  refuse_if_poisoned(poisoned_, path_);
  detail::check_batch_shape(batch, expected_seq);
  // Encode before the file is opened (or created): a failure to allocate
  // must leave no trace, not even a new empty journal. When the catch-up
  // below finds that the head moved, the batch is encoded again.
  Prepared p;
  const bool speculative = head_.seq == expected_seq;
  if (speculative) prepare_locked(batch, meta, p);
  open_for_append(expected_seq == 0);
  file_->lock();
  struct Unlock {
    File* f;
    ~Unlock() { f->unlock(); }
  } unlock{file_.get()};
  repaired_.reset();
  catch_up_locked();
  require_head(head_.seq, expected_seq, id_, path_);
  if (!speculative || !(p.from == head_)) prepare_locked(batch, meta, p);

  write_locked(p.buf);
  // Committed: from here on only moves, which cannot throw.
  head_ = std::move(p.next);
  p.result.repaired = repaired_;
  return std::move(p.result);
}

// Writes `buf` (whole lines) at the end of the file under the lock, with the
// fdatasync the durability asks for. On failure nothing of it stays in the
// file (or the handle is poisoned) and the exception propagates.
void Journal::write_locked(const std::string& buf) {
  try {
    file_->append(buf.data(), buf.size());
  } catch (...) {
    // Part of the batch may have reached the file: cut it, or refuse all
    // further writes if even that fails. (Any exception: a file system may
    // fail to allocate its error, too.)
    try {
      file_->truncate(head_.offset);
    } catch (...) {
      poisoned_ = true;
    }
    throw;
  }
  if (opt_.durability == Durability::kFsync) {
    try {
      file_->sync();
    } catch (...) {
      // After a failed fdatasync the kernel may have dropped the dirty pages
      // and cleared the error: retrying could "succeed" over lost data
      // (fsyncgate). Never acknowledge; refuse until the journal is re-read.
      poisoned_ = true;
      try {
        file_->truncate(head_.offset);
      } catch (...) {
      }
      throw;
    }
  }
}

Position Journal::append_events(const std::vector<Event>& events) {
  std::lock_guard<std::mutex> lock(mu_);
  refuse_if_poisoned(poisoned_, path_);
  if (events.empty()) throw JournalError::invalid_argument("append of no events");
  const std::uint64_t expected_seq = events.front().seq - 1;
  // Re-encode each event before the file is touched: it must be exactly the
  // line whose hash it carries (canonical events re-encode to their bytes).
  std::string buf;
  std::vector<std::size_t> ends;
  for (const auto& e : events) {
    Event copy = e;
    buf += encode_event_line(copy);
    if (copy.hash != e.hash)
      throw JournalError::invalid_argument("event " + std::to_string(e.seq) + " of '" + e.session_id +
                                           "' does not re-encode to its hash");
    ends.push_back(buf.size());
  }
  open_for_append(expected_seq == 0);
  file_->lock();
  struct Unlock {
    File* f;
    ~Unlock() { f->unlock(); }
  } unlock{file_.get()};
  catch_up_locked();
  require_head(head_.seq, expected_seq, id_, path_);
  Position next = head_;
  std::size_t start = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    ErrorLocation where{path_, next.seq + 1, next.offset, next.seq + 1};
    try {
      detail::check_follows(events[i], next, id_, where);
    } catch (const JournalError& e) {
      throw JournalError::invalid_argument("the events do not continue this journal: " + e.reason());
    }
    next = detail::position_after(next, events[i], ends[i] - start - 1);
    start = ends[i];
  }
  Position result = next;  // copied before the write: after it, only moves
  write_locked(buf);
  head_ = std::move(next);
  return result;
}

}  // namespace promptjournal
