// A FileSystem for fault injection and simulated power loss, wrapping the
// POSIX one (the library's only syscall seam, see file_system.h).
//
// Faults: fail the Nth call of an operation with an errno, once or from then
// on; make the Nth append a short write (half the bytes reach the file, then
// the call fails). Power loss: the file system remembers, per file, how many
// bytes were made durable by sync() and whether its folder entry was made
// durable by sync_dir(); crash() then cuts every file back to its durable
// size plus a random part of the rest (the page cache may have written some
// of it back) and removes files whose entries never reached the disk.
// Thread-safety: one test thread.
#ifndef PROMPTJOURNAL_TESTS_RELIABILITY_FAULT_FS_H_
#define PROMPTJOURNAL_TESTS_RELIABILITY_FAULT_FS_H_

#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>

#include "promptjournal/file_system.h"

namespace pjtest {

enum class Op { kOpen, kAppend, kSync, kSyncDir, kRename, kTruncate, kCreate };

class FaultFs : public promptjournal::FileSystem, public std::enable_shared_from_this<FaultFs> {
 public:
  explicit FaultFs(unsigned seed = 1) : rng_(seed) {}

  // Fails call number `nth` (1-based, counted from now) of `op` with `err`;
  // with `sticky`, every later call of `op` fails too.
  // With `path_part`, only calls on paths containing it count.
  void fail(Op op, int nth, int err, bool sticky = false, std::string path_part = "");
  // Makes append number `nth` write half its bytes, then fail with EIO.
  void short_write(int nth);
  // Removes the next `n` files made by create_exclusive right after creating
  // them, as another process's cleaner would (the handle stays open).
  void unlink_after_create(int n) { unlink_after_create_ = n; }
  void clear_faults();
  // How many calls of `op` were made since construction.
  int calls(Op op) const;

  // Simulates power loss (see above). `keep_unsynced`: keep a random part of
  // unsynced bytes (true) or drop all of them (false).
  void crash(bool keep_unsynced);

  // --- FileSystem ---
  std::unique_ptr<promptjournal::File> open_append(const std::string& path, bool create) override;
  std::unique_ptr<promptjournal::File> open_read(const std::string& path) override;
  std::unique_ptr<promptjournal::File> create_exclusive(const std::string& path) override;
  bool make_dir(const std::string& path) override;
  void sync_dir(const std::string& path) override;
  void rename(const std::string& from, const std::string& to) override;
  void remove(const std::string& path) override;
  bool exists(const std::string& path) override { return base_->exists(path); }
  bool is_dir(const std::string& path) override { return base_->is_dir(path); }
  std::vector<std::string> list_dir(const std::string& path) override { return base_->list_dir(path); }

  // Used by the files it hands out.
  void check(Op op, const std::string& path);
  bool take_short_write();
  void note_synced(const std::string& path, std::uint64_t size) { durable_size_[path] = size; }

 private:
  struct Rule {
    int at;
    int err;
    bool sticky;
    std::string path_part;
    int seen = 0;
  };
  std::shared_ptr<promptjournal::FileSystem> base_ = promptjournal::default_file_system();
  std::map<Op, int> calls_;
  std::map<Op, Rule> rules_;
  int short_write_at_ = 0;
  int unlink_after_create_ = 0;
  std::map<std::string, std::uint64_t> durable_size_;  // files this run wrote
  std::set<std::string> undurable_entries_;            // created, folder not synced since
  std::mt19937 rng_;
};

}  // namespace pjtest

#endif  // PROMPTJOURNAL_TESTS_RELIABILITY_FAULT_FS_H_
