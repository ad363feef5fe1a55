// Options for journals and session managers. Intentionally copyable values;
// every field has a default that is safe.
#ifndef PROMPTJOURNAL_OPTIONS_H_
#define PROMPTJOURNAL_OPTIONS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "promptjournal/file_system.h"

namespace promptjournal {

// What an acknowledged append survives. Do not change the values of existing
// entries: they are named on the command line and in docs.
enum class Durability {
  // write(2) only. An acknowledged event survives a crash of the process (the
  // kernel holds it) but may be lost on power loss or a kernel crash.
  kNone = 0,
  // write(2) then fdatasync(2) before the append returns (and fsync of the
  // folder when the journal file is created). An acknowledged event survives
  // power loss. A failed fdatasync poisons the handle: no later append on it
  // succeeds until the journal is reopened and re-read (see Journal).
  kFsync = 1,
};

using Clock = std::function<std::chrono::system_clock::time_point()>;

struct JournalOptions {
  // --- behaviour ---
  Durability durability = Durability::kFsync;
  // Recompute every event's SHA-256 when reading (false checks only seq and
  // the prev links, which is faster but misses an edited line that kept its hash).
  bool verify_hashes_on_read = true;
  // The file system seam; null means default_file_system().
  std::shared_ptr<FileSystem> fs;
  // Where event times come from; null means std::chrono::system_clock::now.
  Clock clock;
};

struct ManagerOptions {
  JournalOptions journal;
  // --- behaviour ---
  // Write a snapshot once this many events were appended since the last one
  // and the journal has grown by at least the last snapshot's size (so
  // snapshots never cost more than the appends they follow, even when the
  // state grows with every event). 0 disables automatic snapshots;
  // SessionManager::snapshot still works.
  std::uint64_t snapshot_every = 100;
  // How many snapshots to keep per session (older ones are removed).
  std::uint32_t snapshots_kept = 2;
  // Keep config values whose keys name credentials (api_key, secret, token,
  // password; is_secret_key). Off by default: every string below such a key,
  // at any depth, is replaced by "[REDACTED]" in what reaches the disk
  // (events, snapshots, saved files); the session objects handed to the
  // caller keep the values it gave (see session.h, "Credentials").
  bool keep_secrets = false;
  // --- performance ---
  // At most this many journal files stay open between appends (least recently
  // used ones are closed), so a process may hold any number of sessions.
  std::uint32_t max_open_journals = 64;
  // How often add_feedback retries after a concurrency conflict (feedback
  // commutes with other events, so retrying after catching up is safe).
  // From the second retry on it first pauses a random 0..2^n ms (64 ms at
  // most), so that a busy writer that keeps winning lets the others through.
  int feedback_retries = 16;
};

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_OPTIONS_H_
