// SimFs: an in-memory FileSystem that models durability exactly, for the
// crash-state enumeration (crash_states_test.cc; SQLite's test6 and ALICE are
// the models).
//
// Per file it keeps the current bytes (what reads see) and the durable bytes,
// which File::sync (fdatasync) sets to the current ones. Per folder it keeps
// the current entries and the durable ones, which sync_dir sets; creating,
// renaming and removing change only the current entries until then (the
// changes since are kept, in order, as pending).
//
// Every mutating call is counted: make_dir, open_append with create,
// create_exclusive, append, sync, sync_dir, rename, remove, truncate.
// crash_at(k) makes the power go out at the k-th mutating call from then on:
// that call and every later mutating call throw PowerLoss (not a
// JournalError, so no library code takes it for an error it may handle) and
// change nothing. Reads keep working.
//
// image() then builds one crash state, as a new SimFs in which everything is
// durable: every file is its durable bytes plus a damage pattern applied to
// the unsynced part at 512-byte sector granularity (each unsynced sector kept,
// zero-filled as when the size reached the disk before the data, garbled with
// random bytes, or holding the older durable bytes a truncate had removed; the
// file ends at its new size, its old size, the size after any one unsynced
// write, a sector boundary or any byte), and every folder is its durable
// entries plus a prefix of the changes pending in it (so a create or a rename
// whose folder was not synced may or may not have persisted). Bytes before
// the last sync are never touched: a sector holding both keeps the synced ones.
//
// Locks are no-ops (one thread uses a SimFs at a time); all members are
// nevertheless serialised by a mutex, as the FileSystem contract asks.
#ifndef PROMPTJOURNAL_TESTS_RELIABILITY_SIM_FS_H_
#define PROMPTJOURNAL_TESTS_RELIABILITY_SIM_FS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "promptjournal/file_system.h"

namespace pjtest {

// Thrown by a SimFs from the call at which the power went out, and every
// mutating call after it.
struct PowerLoss {};

// What image() does with what was not synced.
enum class Damage {
  kNothing,     // nothing unsynced persisted: the durable bytes and entries
  kEverything,  // everything persisted (as if the crash came after a full flush)
  kSizeOnly,    // every entry change and file size persisted, no unsynced data: zeros
  kRandom,      // a random pattern (see the file comment)
};

// Counts of what image() did, for the report.
struct DamageStats {
  std::uint64_t sectors_kept = 0, sectors_zeroed = 0, sectors_garbled = 0, sectors_old = 0;
  std::uint64_t files_cut = 0;  // files that ended before their current size
  std::uint64_t entry_changes_kept = 0, entry_changes_lost = 0;
  DamageStats& operator+=(const DamageStats& o);
};

class SimFs : public promptjournal::FileSystem, public std::enable_shared_from_this<SimFs> {
 public:
  static constexpr std::size_t kSector = 512;

  // A file system holding only the durable, empty folder "/".
  SimFs();

  // Power goes out at the k-th mutating call from now (k >= 1); 0 never.
  void crash_at(std::uint64_t k);
  bool crashed() const;
  // Mutating calls made since construction, and a description ("sync /a/b")
  // of the i-th one (1-based).
  std::uint64_t mutations() const;
  std::string call(std::uint64_t i) const;

  // One crash state (see the file comment) as a new file system.
  std::shared_ptr<SimFs> image(Damage damage, std::mt19937& rng, DamageStats* stats = nullptr) const;

  // --- helpers for tests (not counted, never crash) ---
  // Writes a file with these bytes, durably, entry and all; its folder must exist.
  void put_durable(const std::string& path, const std::string& bytes);
  // The current bytes of a file (throws JournalError kNotFound).
  std::string contents(const std::string& path) const;

  // --- FileSystem ---
  std::unique_ptr<promptjournal::File> open_append(const std::string& path, bool create) override;
  std::unique_ptr<promptjournal::File> open_read(const std::string& path) override;
  std::unique_ptr<promptjournal::File> create_exclusive(const std::string& path) override;
  bool make_dir(const std::string& path) override;
  void sync_dir(const std::string& path) override;
  void rename(const std::string& from, const std::string& to) override;
  void remove(const std::string& path) override;
  bool exists(const std::string& path) override;
  bool is_dir(const std::string& path) override;
  std::vector<std::string> list_dir(const std::string& path) override;

  // Used by the files it hands out.
  std::size_t file_read(int node, void* buf, std::size_t n, std::uint64_t offset);
  void file_append(int node, const std::string& path, const void* data, std::size_t n);
  void file_sync(int node, const std::string& path);
  std::uint64_t file_size(int node);
  void file_truncate(int node, const std::string& path, std::uint64_t size);

 private:
  struct EntryChange {
    std::string name;  // created (node >= 0), removed (node < 0), or renamed from
    std::string to;    // for a rename: the new name
    int node = -1;
  };
  struct Node {
    bool dir = false;
    // files
    std::string data;                // current bytes
    std::string durable;             // bytes on stable storage
    std::uint64_t floor = 0;         // data and durable agree below this
    std::vector<std::uint64_t> ends; // sizes after each unsynced append or truncate
    // folders
    std::map<std::string, int> entries;
    std::map<std::string, int> durable_entries;
    std::vector<EntryChange> pending;  // changes since the last sync_dir, in order
  };

  // Counts a mutating call; throws PowerLoss at (and after) the crash point.
  void mutate(const char* op, const std::string& path);
  int lookup(const std::string& path) const;  // -1 when absent
  // The parent folder's node and the last name of `path`; throws ENOENT/ENOTDIR.
  std::pair<int, std::string> parent_of(const std::string& path) const;
  std::string crash_bytes(const Node& n, Damage damage, std::mt19937& rng, DamageStats& st) const;

  mutable std::mutex mu_;
  std::vector<Node> nodes_;  // node 0 is "/"
  std::uint64_t mutations_ = 0;
  std::uint64_t crash_at_ = 0;  // absolute call number; 0: never
  bool crashed_ = false;
  std::vector<std::string> calls_;
};

}  // namespace pjtest

#endif  // PROMPTJOURNAL_TESTS_RELIABILITY_SIM_FS_H_
