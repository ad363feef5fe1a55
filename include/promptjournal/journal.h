// Journal: the append-only, hash-chained event log of one session,
// <root>/<session_id>/events.jsonl (format: docs/FORMAT.md).
//
// Writing: append() takes the process-local mutex and an exclusive flock on
// the file, reads and validates whatever other writers appended since this
// handle last looked, cuts a torn or damaged tail (see TornTail; left by a
// crash or a power loss) aside into torn-<offset>-<length>.bin, checks the
// expected seq, then writes the whole batch in one write(2) and, under
// Durability::kFsync, fdatasync(2)s it before returning. A conflict writes
// nothing. Other damage is corruption: append refuses (kCorrupt) and writes
// nothing.
//
// A handle never extends a journal it has not checked whole: before its first
// append it reads and checks the history from line 1 (every hash, the chain,
// the seqs), whatever a snapshot or assume_validated() told it, unless it
// adopted a reader that did exactly that (docs/FORMAT.md, "Opening, reading
// and writing a journal with damage"). That costs one full read per handle;
// later appends read only what other writers appended since.
//
// Reading: JournalReader streams events with bounded memory (one line at a time).
//
// Thread-safety: a Journal may be shared by threads (appends are serialised);
// a JournalReader belongs to one thread. Errors: JournalError, see each call.
#ifndef PROMPTJOURNAL_JOURNAL_H_
#define PROMPTJOURNAL_JOURNAL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "promptjournal/errors.h"
#include "promptjournal/event.h"
#include "promptjournal/options.h"

namespace promptjournal {

// A point in a journal: just after the event `seq` whose hash is `hash` and
// whose line ends at byte `offset`. The default is the empty journal.
struct Position {
  std::uint64_t seq = 0;
  std::string hash{kGenesisHash};
  std::uint64_t offset = 0;
  std::string at;  // time of event `seq`; empty for the empty journal
  bool operator==(const Position&) const = default;
};

// The end of a journal file that is not history (docs/FORMAT.md, "Reading a
// journal"): the bytes from `offset` to the end of the file. Either
//  - torn: a last line without its '\n', cut short by a crash; or
//  - damaged: complete lines at the end that do not decode, the first of which
//    does not carry its own valid hash, and after which no line up to the end
//    of the file carries a valid hash (what unsynced sectors hold after a power
//    loss: zeros or stale bytes). A damaged tail is also what a changed last
//    line looks like, so verify reports it as a problem; writers cut it aside
//    like a torn tail. Damage followed by a line with a valid hash is
//    corruption instead (JournalError kCorrupt), and so is a first line that
//    is recognisably a changed event (a JSON object with a "seq" member: a
//    journal converted to CRLF, say), so that no writer cuts a whole history
//    aside.
struct TornTail {
  std::uint64_t offset = 0;  // where the partial or first undecodable line starts
  std::uint64_t bytes = 0;   // from there to the end of the file
  bool damaged = false;      // complete but undecodable lines (see above), not just a cut
  std::string reason;        // for a damaged tail: why its first line does not decode
};

// What an append committed.
struct AppendResult {
  std::vector<Event> events;         // the committed events, hashes filled
  Position head;                     // the position after the last of them
  std::optional<TornTail> repaired;  // file backend: a torn or damaged tail this append cut off
};

// Returns the journal file path of a session; throws kInvalidSessionId.
std::string journal_path(const std::string& root, const std::string& session_id);
// Returns the session folder; throws kInvalidSessionId.
std::string session_dir(const std::string& root, const std::string& session_id);
// Throws JournalError(kInvalidSessionId) unless `id` can be a file name: not
// empty, not "." or "..", no '/', '\\', NUL or control character, no leading
// '-', at most 200 bytes, valid UTF-8.
void validate_session_id(const std::string& id);

class JournalReader {
 public:
  struct Options {
    Position from;             // where to start; its hash is the expected first prev
    bool verify_hashes = true;
    std::string session_id;    // the id every event must carry; empty skips the check
  };
  // Opens the journal file at `path`. Throws kNotFound if it does not exist, kIo.
  JournalReader(FileSystem& fs, std::string path, Options options);
  ~JournalReader();
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;

  // The next event, or nullopt at the end (a torn or damaged tail counts as the
  // end and is recorded in torn_tail()). Throws JournalError(kCorrupt) with
  // path, true 1-based line, byte offset and seq for bad JSON (unless it starts
  // a damaged tail: to decide, the reader scans on to the end of the file, one
  // line at a time; a first line that is recognisably a changed event never
  // does), a seq gap, a broken chain, a wrong id, a session_created anywhere
  // but at seq 1 or a seq 1 that is not one, an `at` earlier than the one before.
  std::optional<Event> next();
  // The position after the last event returned.
  const Position& position() const noexcept { return pos_; }
  // The 1-based line number of the last event returned (from.seq when none
  // was: line N of a journal holds event N, so a reader that starts at a
  // snapshot's position counts on from there).
  std::uint64_t line() const noexcept { return line_; }
  const std::string& path() const noexcept { return path_; }
  // True when this reader started at line 1 and recomputes every hash: what it
  // returned is checked whole (see Journal::adopt).
  bool checks_from_line_one() const noexcept {
    return opt_.from.seq == 0 && opt_.from.offset == 0 && opt_.verify_hashes;
  }
  const std::optional<TornTail>& torn_tail() const noexcept { return torn_; }

 private:
  bool read_line(std::string& line);
  // After an undecodable line: reads on to the end of the file and returns
  // true if a line whose own hash verifies follows (so the damage is mid-file).
  bool intact_line_follows();

  std::unique_ptr<File> file_;
  std::string path_;
  Options opt_;
  Position pos_;
  std::uint64_t line_ = 0;  // set to from.seq: line N holds event N
  std::uint64_t read_offset_ = 0;
  std::string buf_;
  std::size_t buf_pos_ = 0;
  bool eof_ = false;
  bool done_ = false;  // a damaged tail was found: the end
  std::optional<TornTail> torn_;
};

class Journal {
 public:
  // No I/O: validates the id and remembers where the journal lives.
  Journal(std::string root, std::string session_id, JournalOptions options = {});
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  const std::string& session_id() const noexcept { return id_; }
  const std::string& path() const noexcept { return path_; }
  const JournalOptions& options() const noexcept { return opt_; }
  // True when the journal file exists (it may still hold no complete event).
  bool exists() const;

  // The last position this handle knows of: checked (history_checked()), or
  // the hint of assume_validated.
  Position head() const;
  // A hint: the journal's head is at least `p` (a caller read up to there, from
  // a snapshot for instance). head() reports it until the handle checks the
  // history itself; it never spares that check (a snapshot does not vouch for
  // the lines before it), and once the handle has checked, hints are ignored.
  // REQUIRES: p describes this journal's file.
  void assume_validated(const Position& p);
  // Takes over what `r` read: when r.checks_from_line_one() and r met no
  // corruption, the history up to r.position() counts as checked whole (no
  // second read before the first append); otherwise its position is only a
  // hint, as with assume_validated. REQUIRES: r reads this journal's file.
  void adopt(const JournalReader& r);
  // Reads and checks the whole history from line 1 (every hash, whatever
  // verify_hashes_on_read says) unless this handle already did, and returns the
  // checked head. Writers of anything derived from the journal (snapshots)
  // call it first. Does not cut a tail. Throws kCorrupt, kNotFound, kTooLarge, kIo.
  Position check_history();
  // True once this handle has checked the history from line 1.
  bool history_checked() const;

  using AppendResult = promptjournal::AppendResult;
  // Appends `batch` as events seq expected_seq+1 ... if and only if the last
  // seq is `expected_seq` (0 creates the journal). One write, one fdatasync.
  // Exception-safe: everything that allocates happens before the write, so
  // an exception (std::bad_alloc included) means nothing was committed and
  // nothing of the batch is left in the file; the handle's head is unchanged.
  // Throws: kConflict (nothing written), kNotFound (expected_seq > 0 but no
  // journal), kAlreadyExists (expected_seq == 0 on a journal with events),
  // kCorrupt (damage anywhere in the history: see the file comment), kTooLarge,
  // kInvalidArgument (an empty batch; session_created other than as seq 1, or
  // a first event that is not), kIo (nothing acknowledged; partial
  // bytes truncated), kPoisoned (an earlier fdatasync failed: reopen).
  AppendResult append(const std::vector<EventData>& batch, std::uint64_t expected_seq,
                      const boost::json::object& meta = {});

  // Appends events that are already whole (read from another journal or
  // store), byte-exact: each must re-encode to its own hash and continue the
  // chain from the head, which must be at events.front().seq - 1 (0 creates
  // the journal). Same guarantees and errors as append; kInvalidArgument for
  // events that do not re-encode or chain. Returns the new head.
  Position append_events(const std::vector<Event>& events);

  // True after a failed fdatasync (or a failed cut-back): this handle refuses
  // appends; open a new Journal, which re-reads the file, to go on.
  bool poisoned() const;

  // Closes the file handle (releasing its descriptor); the next append
  // reopens it. What was validated stays known.
  void close();

  // A reader from `from` (default: the start).
  std::unique_ptr<JournalReader> reader(const Position& from = {}) const;

 private:
  struct Prepared;
  void prepare_locked(const std::vector<EventData>& batch, const boost::json::object& meta,
                      Prepared& p) const;
  void open_for_append(bool create);
  void write_locked(const std::string& buf);
  void catch_up_locked();
  Position read_from_line_one_locked() const;
  void cut_torn_tail_locked(const TornTail& t);

  std::string root_;
  std::string id_;
  std::string dir_;
  std::string path_;
  JournalOptions opt_;
  std::shared_ptr<FileSystem> fs_;
  mutable std::mutex mu_;
  std::unique_ptr<File> file_;
  Position head_;
  bool checked_ = false;  // head_ was reached by checking every line from line 1
  bool poisoned_ = false;
  std::optional<TornTail> repaired_;
};

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_JOURNAL_H_
