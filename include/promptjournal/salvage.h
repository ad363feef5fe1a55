// Salvage: recovering every intact event of a journal that holds damage in
// the middle (kCorrupt), which no writer appends to and no reader reads past.
//
// salvage_session reads every complete line of the source journal. A line is
// intact when it decodes (docs/FORMAT.md, "Reading a journal", step 2: the
// grammar, the field types, a known type, its own hash) and names the source
// session. The intact events are taken in the order of their seq (of two that
// claim one seq, the one chained to the event kept before it, else the first
// in the file), from the source's session_created on (session_created counts
// only at seq 1, any other type only elsewhere: the projector's rules of
// order, so every event taken applies). They become the journal of a new
// session: renumbered from 1 and chained anew, with `at`, `meta` and `data`
// unchanged (but for credentials in the config: see keep_secrets) and meta
// "salvaged_from" naming the source session, seq and hash of each
// (docs/FORMAT.md, "Salvaged journals").
//
// The source is never changed: salvage only writes the target, whose journal
// goes to a locked temp file, is read back and checked, fsynced and renamed
// into place, so after a crash the target has the whole salvaged journal or
// none. Memory: one line plus about 170 bytes per event of the source.
//
// Thread-safety: reentrant; nobody else may write the target while salvage
// runs. Errors: JournalError: kInvalidSessionId; kInvalidArgument (the target
// is the source); kNotFound (no source journal); kAlreadyExists (the target
// has a journal); kCorrupt (the source's session_created is not intact, so
// there is nothing to rebuild a session from); kIo, kTooLarge.
#ifndef PROMPTJOURNAL_SALVAGE_H_
#define PROMPTJOURNAL_SALVAGE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "promptjournal/file_system.h"
#include "promptjournal/journal.h"
#include "promptjournal/options.h"

namespace promptjournal {

// The meta key of a salvaged event. Persisted: do not change.
inline constexpr std::string_view kSalvagedFromKey = "salvaged_from";

struct SalvageOptions {
  // --- behaviour ---
  std::string target_id;  // REQUIRES: a valid session id other than the source's
  bool dry_run = false;   // report what would be recovered; write nothing
  // Keep credentials the source's session_created holds in clear (written
  // with keep_secrets, or by an older version that redacted only top-level
  // keys). Off by default: the target's config has them redacted as
  // Config::redacted does, the one change salvage makes to `data`.
  bool keep_secrets = false;
  // kFsync: the target's journal and folder entries are durable on return.
  Durability durability = Durability::kFsync;
  std::shared_ptr<FileSystem> fs;  // default: POSIX
};

// A complete line of the source that was not recovered.
struct SalvageSkip {
  std::uint64_t line = 0;             // 1-based
  std::uint64_t offset = 0;           // byte offset of its start
  std::uint64_t bytes = 0;            // its length without the '\n'
  std::optional<std::uint64_t> seq;   // the seq it carries, when it decodes
  std::string reason;
};

// A recovered event that was not written after the event recovered before it:
// events between them are lost, or one of the two was changed (an edited
// event whose own hash was recomputed is intact, but the next one's prev
// gives it away).
struct SalvageBreak {
  std::uint64_t seq = 0;  // the source seq of the event whose prev does not match
  std::string reason;
};

struct SalvageReport {
  std::string source_id;
  std::string target_id;
  std::uint64_t lines = 0;          // complete lines read
  std::uint64_t readable = 0;       // events a reader returns: the unbroken run from line 1
  std::uint64_t recovered = 0;      // events in the target (or that would be, in a dry run)
  std::vector<SalvageSkip> skipped;  // complete lines not recovered, in file order
  std::vector<SalvageBreak> breaks;  // in seq order
  // Ranges [first, last] of source seqs below the highest recovered one that
  // no recovered event holds.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> missing;
  std::uint64_t tail_bytes = 0;     // bytes after the last '\n' (a torn tail)
  Position head;                    // the target's head (also in a dry run)
  bool written = false;             // the target's journal was written
  std::string journal;              // the target's journal path
};

SalvageReport salvage_session(const std::string& root, const std::string& source_id,
                              const SalvageOptions& options);

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_SALVAGE_H_
