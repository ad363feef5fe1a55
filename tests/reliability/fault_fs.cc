#include "fault_fs.h"

#include <unistd.h>

#include <cerrno>

#include "promptjournal/errors.h"

namespace pjtest {

using promptjournal::File;
using promptjournal::JournalError;

namespace {

std::string dir_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

class FaultFile final : public File {
 public:
  FaultFile(std::unique_ptr<File> f, std::string path, FaultFs* fs) : f_(std::move(f)), path_(std::move(path)), fs_(fs) {}
  std::size_t read_at(void* buf, std::size_t n, std::uint64_t off) override { return f_->read_at(buf, n, off); }
  void append(const void* data, std::size_t n) override {
    fs_->check(Op::kAppend, path_);
    if (fs_->take_short_write()) {
      f_->append(data, n / 2);
      throw JournalError::io("cannot write (injected short write)", path_, EIO);
    }
    f_->append(data, n);
  }
  void sync() override {
    fs_->check(Op::kSync, path_);
    f_->sync();
    fs_->note_synced(path_, f_->size());
  }
  std::uint64_t size() override { return f_->size(); }
  void truncate(std::uint64_t size) override {
    fs_->check(Op::kTruncate, path_);
    f_->truncate(size);
  }
  void lock() override { f_->lock(); }
  void unlock() override { f_->unlock(); }
  bool try_lock() override { return f_->try_lock(); }

 private:
  std::unique_ptr<File> f_;
  std::string path_;
  FaultFs* fs_;
};

}  // namespace

void FaultFs::fail(Op op, int nth, int err, bool sticky, std::string path_part) {
  rules_[op] = Rule{nth, err, sticky, std::move(path_part)};
}
void FaultFs::short_write(int nth) { short_write_at_ = calls_[Op::kAppend] + nth; }
void FaultFs::clear_faults() {
  rules_.clear();
  short_write_at_ = 0;
}
int FaultFs::calls(Op op) const {
  auto it = calls_.find(op);
  return it == calls_.end() ? 0 : it->second;
}

void FaultFs::check(Op op, const std::string& path) {
  ++calls_[op];
  auto it = rules_.find(op);
  if (it == rules_.end()) return;
  Rule& r = it->second;
  if (!r.path_part.empty() && path.find(r.path_part) == std::string::npos) return;
  int n = ++r.seen;
  if (n == r.at || (r.sticky && n > r.at)) throw JournalError::io("injected failure", path, r.err);
}

bool FaultFs::take_short_write() { return short_write_at_ != 0 && calls_[Op::kAppend] == short_write_at_; }

std::unique_ptr<File> FaultFs::open_append(const std::string& path, bool create) {
  check(Op::kOpen, path);
  bool existed = base_->exists(path);
  auto f = base_->open_append(path, create);
  if (!existed) {
    undurable_entries_.insert(path);
    durable_size_[path] = 0;
  } else if (!durable_size_.count(path)) {
    durable_size_[path] = f->size();  // written before this file system was in use
  }
  return std::make_unique<FaultFile>(std::move(f), path, this);
}

std::unique_ptr<File> FaultFs::open_read(const std::string& path) {
  check(Op::kOpen, path);
  return base_->open_read(path);
}

std::unique_ptr<File> FaultFs::create_exclusive(const std::string& path) {
  check(Op::kCreate, path);
  auto f = base_->create_exclusive(path);
  if (unlink_after_create_ > 0) {
    --unlink_after_create_;
    base_->remove(path);
  }
  undurable_entries_.insert(path);
  durable_size_[path] = 0;
  return std::make_unique<FaultFile>(std::move(f), path, this);
}

bool FaultFs::make_dir(const std::string& path) { return base_->make_dir(path); }

void FaultFs::sync_dir(const std::string& path) {
  check(Op::kSyncDir, path);
  base_->sync_dir(path);
  for (auto it = undurable_entries_.begin(); it != undurable_entries_.end();)
    it = dir_of(*it) == path ? undurable_entries_.erase(it) : std::next(it);
}

void FaultFs::rename(const std::string& from, const std::string& to) {
  check(Op::kRename, from);
  base_->rename(from, to);
  if (durable_size_.count(from)) durable_size_[to] = durable_size_[from];
  durable_size_.erase(from);
  undurable_entries_.erase(from);
  undurable_entries_.insert(to);  // the new name is durable only after sync_dir
}

void FaultFs::remove(const std::string& path) {
  base_->remove(path);
  durable_size_.erase(path);
  undurable_entries_.erase(path);
}

void FaultFs::crash(bool keep_unsynced) {
  for (const auto& path : undurable_entries_) {
    base_->remove(path);
    durable_size_.erase(path);
  }
  undurable_entries_.clear();
  for (auto& [path, durable] : durable_size_) {
    if (!base_->exists(path)) continue;
    auto f = base_->open_append(path, false);
    std::uint64_t size = f->size();
    std::uint64_t keep = durable;
    if (keep_unsynced && size > durable) keep += std::uniform_int_distribution<std::uint64_t>(0, size - durable)(rng_);
    if (keep < size) f->truncate(keep);
    durable = std::min(keep, size);
  }
}

}  // namespace pjtest
