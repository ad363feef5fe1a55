// Verification of a session's journal and snapshots: JSON validity, seq
// continuity, the hash chain (every hash recomputed), snapshot agreement and
// torn or damaged tails. Reads with bounded memory.
//
// Damage other than a torn tail stops the scan of the journal at the first bad
// line (nothing after it can be trusted); every snapshot is still checked.
// Damage that reaches to the end of the file with no valid event after it is
// a damaged tail (see TornTail): a problem, but not corruption; writers cut it
// aside and go on.
// Thread-safety: reentrant. Errors: problems are data, not exceptions; only an
// invalid session id or an unreadable root throws JournalError.
#ifndef PROMPTJOURNAL_VERIFY_H_
#define PROMPTJOURNAL_VERIFY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "promptjournal/errors.h"
#include "promptjournal/file_system.h"
#include "promptjournal/journal.h"

namespace promptjournal {

struct VerifyProblem {
  // kTornTail: a last line without '\n', or an empty journal (a creation cut
  // short): not history; not a fault.
  // kDamagedTail: undecodable lines up to the end of the file and no valid
  // event after them (not history, but the bytes were damaged: a fault).
  // kStaleSnapshot: a snapshot of an earlier format, ignored by readers and
  // replaced by the next snapshot written; not a fault.
  enum class Kind { kTornTail, kCorrupt, kSnapshot, kMissing, kDamagedTail, kStaleSnapshot };
  Kind kind;
  ErrorLocation where;  // file, and for the journal line/offset/seq
  std::string reason;
};

// Bytes a writer once cut from the end of the journal (a torn or damaged
// tail) and kept in <session>/torn-<offset>-<length>.bin. Not a problem: the
// journal is sound without them. But a damaged tail can also be a changed last
// event, so an auditor should know that bytes were set aside, and where.
struct CutAside {
  std::string path;
  std::uint64_t offset = 0;  // where the cut bytes started in the journal
  std::uint64_t bytes = 0;   // how many were cut (from the name)
};

struct VerifyReport {
  std::string session_id;
  std::uint64_t events = 0;  // complete, valid events read
  Position head;             // after the last valid event
  std::uint64_t snapshots_checked = 0;
  std::vector<VerifyProblem> problems;
  std::vector<CutAside> cut_aside;  // by offset; does not affect ok()
  // Sound: no problem other than a torn tail (which is not history) or a stale
  // snapshot (which is not read). A damaged
  // tail makes it false, so a change to the last event is never passed over.
  bool ok() const noexcept;
};

// "torn tail", "corrupt", "snapshot", "missing", "damaged tail".
std::string_view to_string(VerifyProblem::Kind kind) noexcept;

VerifyReport verify_session(const std::string& root, const std::string& session_id,
                            std::shared_ptr<FileSystem> fs = nullptr);

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_VERIFY_H_
