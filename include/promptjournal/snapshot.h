// Snapshots: a session's state at some seq, cached so that opening a long
// session costs the tail, not the history.
//
// A snapshot file <dir>/snapshot-<seq, 20 digits>.json holds exactly
// to_dict(state) plus one extra key, "promptjournal_snapshot", naming the seq,
// hash and byte offset it stands at (docs/FORMAT.md); so it is also a valid
// promptomatix session file. Snapshots are caches: a snapshot that disagrees
// with the journal is ignored and reported, and deleting all of them changes
// no result. Thread-safety: functions are reentrant; concurrent writers of the
// same snapshot are safe (temp file + rename).
#ifndef PROMPTJOURNAL_SNAPSHOT_H_
#define PROMPTJOURNAL_SNAPSHOT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "promptjournal/file_system.h"
#include "promptjournal/journal.h"
#include "promptjournal/options.h"
#include "promptjournal/projector.h"

namespace promptjournal {

// The key a snapshot adds to to_dict. Persisted: do not change.
inline constexpr std::string_view kSnapshotKey = "promptjournal_snapshot";
// 2: numbers read exactly, and the checksum covers the metadata too. Format 1
// snapshots are ignored (they may hold numbers an earlier build read one unit
// in the last place off) and rebuilt from the journal.
inline constexpr int kSnapshotFormat = 2;
// What precedes a snapshot's checksum, its last field. Persisted.
inline constexpr std::string_view kSnapshotSumLead = "\"sha256\":\"";

std::string snapshot_path(const std::string& session_dir, std::uint64_t seq);

// The snapshot document: to_dict(state) plus kSnapshotKey.
boost::json::object snapshot_document(const SessionState& state, const Position& at);
// The exact bytes of a snapshot file (docs/FORMAT.md, "Snapshots").
std::string encode_snapshot(const SessionState& state, const Position& at);

// Writes atomically: a temp file (O_EXCL|O_NOFOLLOW, 0600, held under an
// exclusive flock until after the rename), write, fsync, rename over the final
// name, fsync the folder (the fsyncs only under Durability::kFsync). On
// failure removes the temp file and throws JournalError; an existing snapshot
// is never damaged. Returns the snapshot's path.
// When `bytes` is given, the file's size goes there (set before the write).
std::string write_snapshot(FileSystem& fs, const std::string& session_dir,
                           const SessionState& state, const Position& at,
                           Durability durability, std::uint64_t* bytes = nullptr);

struct LoadedSnapshot {
  SessionState state;
  Position position;
  std::string path;         // where it is: a file path, or the store's name for it
  std::uint64_t bytes = 0;  // its size (the snapshot policy weighs it against appends)
};

struct SnapshotProblem {
  std::string path;
  std::string reason;
};

// The seqs of the snapshot files in a session folder, ascending.
std::vector<std::uint64_t> list_snapshots(FileSystem& fs, const std::string& session_dir);

// Parses one snapshot's bytes and checks them on their own: the document is
// well formed, of this format, and its sha256 matches (docs/FORMAT.md,
// "Snapshots"). `where` names it in errors. Does not check it against the
// history (every store does that its own way). Throws as load_snapshot.
LoadedSnapshot decode_snapshot(std::string_view text, const std::string& where);

// Parses and checks one snapshot file against the journal file: the document
// must be well formed, its sha256 must match its bytes, and the journal
// must hold, ending at the recorded offset, a whole line whose own hash
// verifies and is the recorded hash (docs/FORMAT.md, "Snapshots"). Throws
// JournalError(kCorrupt) with the reason otherwise, and
// JournalError(kUnsupportedVersion) for a format 1 snapshot (stale, not a fault).
LoadedSnapshot load_snapshot(FileSystem& fs, const std::string& snapshot_file,
                             const std::string& journal_file);

// The newest snapshot that passes load_snapshot and `usable` (for time travel:
// at or before a seq or time). Each one skipped for damage is reported in
// *problems. nullopt when none is usable.
std::optional<LoadedSnapshot> load_newest_snapshot(
    FileSystem& fs, const std::string& session_dir, const std::string& journal_file,
    std::vector<SnapshotProblem>* problems,
    const std::function<bool(const Position&)>& usable = {});

// Removes all but the newest `keep` snapshots and any stale temp files.
void prune_snapshots(FileSystem& fs, const std::string& session_dir, std::uint32_t keep);

// Removes the temp files of snapshot writers that died before their rename
// (a process killed mid-snapshot). A temp file whose lock another File holds
// belongs to a live writer and is left alone. SessionManager calls this
// whenever it opens a session. Throws kIo only when the folder cannot be listed.
void remove_stale_snapshot_temps(FileSystem& fs, const std::string& session_dir);

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_SNAPSHOT_H_
