#include "file_event_store.h"

#include <algorithm>
#include <thread>

#include "file_names.h"

namespace promptjournal::detail {

namespace {

// A JournalReader seen through the EventCursor interface.
class FileCursor final : public EventCursor {
 public:
  explicit FileCursor(std::unique_ptr<JournalReader> r) : r_(std::move(r)) {}
  std::optional<Event> next() override { return r_->next(); }
  const Position& position() const noexcept override { return r_->position(); }
  bool checks_from_line_one() const noexcept override { return r_->checks_from_line_one(); }
  const JournalReader& reader() const noexcept { return *r_; }

 private:
  std::unique_ptr<JournalReader> r_;
};

}  // namespace

FileEventStore::FileEventStore(std::string root, JournalOptions options, std::uint32_t max_open_journals)
    : root_(std::move(root)), opt_(std::move(options)), max_open_(std::max<std::uint32_t>(max_open_journals, 1)) {
  if (root_.empty()) throw JournalError::invalid_argument("the sessions folder path is empty");
  if (!opt_.fs) opt_.fs = default_file_system();
  fs_ = opt_.fs;
  fs_->make_dir(root_);
}

std::string FileEventStore::describe(const std::string& id) const { return journal_path(root_, id); }

std::shared_ptr<Journal> FileEventStore::journal(const std::string& id) {
  validate_session_id(id);
  std::lock_guard<std::mutex> lock(mu_);
  auto& j = journals_[id];
  // A poisoned handle is replaced: the new one re-reads and re-verifies the
  // file before its first append (never a silent retry on the old one).
  if (!j || j->poisoned()) j = std::make_shared<Journal>(root_, id, opt_);
  return j;
}

bool FileEventStore::has_stream(const std::string& id) { return journal(id)->exists(); }

std::vector<std::string> FileEventStore::list_streams() {
  std::vector<std::string> ids;
  for (auto& name : fs_->list_dir(root_)) {
    try {
      validate_session_id(name);
    } catch (const JournalError&) {
      continue;  // not a session folder of ours
    }
    std::string dir = join(root_, name);
    if (fs_->is_dir(dir) && fs_->exists(join(dir, kJournalFile))) ids.push_back(name);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::unique_ptr<EventCursor> FileEventStore::read(const std::string& id, const Position& from) {
  return std::make_unique<FileCursor>(journal(id)->reader(from));
}

AppendResult FileEventStore::append(const std::string& id, const std::vector<EventData>& batch,
                                    std::uint64_t expected_seq, const boost::json::object& meta) {
  auto j = journal(id);
  touch(id);
  return j->append(batch, expected_seq, meta);
}

Position FileEventStore::append_events(const std::string& id, const std::vector<Event>& events) {
  auto j = journal(id);
  touch(id);
  return j->append_events(events);
}

Position FileEventStore::check_history(const std::string& id) { return journal(id)->check_history(); }

void FileEventStore::adopt(const std::string& id, const EventCursor& cursor) {
  if (const auto* c = dynamic_cast<const FileCursor*>(&cursor)) journal(id)->adopt(c->reader());
}

SnapshotWritten FileEventStore::put_snapshot(const std::string& id, const SessionState& state, const Position& at) {
  // Nothing may allocate once the snapshot is in place (SessionManager::snapshot
  // promises that a failure after it is only a folder fsync): the size is
  // known before, and the path is moved out.
  SnapshotWritten out;
  out.where = write_snapshot(*fs_, session_dir(root_, id), state, at, opt_.durability, &out.bytes);
  return out;
}

std::optional<LoadedSnapshot> FileEventStore::newest_snapshot(const std::string& id,
                                                              std::vector<SnapshotProblem>* problems,
                                                              const std::function<bool(const Position&)>& usable) {
  return load_newest_snapshot(*fs_, session_dir(root_, id), journal_path(root_, id), problems, usable);
}

void FileEventStore::prune_snapshots(const std::string& id, std::uint32_t keep) {
  promptjournal::prune_snapshots(*fs_, session_dir(root_, id), keep);
}

VerifyReport FileEventStore::verify(const std::string& id) { return verify_session(root_, id, fs_); }

bool FileEventStore::wait_for_append(const std::string& id, std::uint64_t after_seq,
                                     std::chrono::milliseconds timeout) {
  // Files give no notification here that is worth its complexity: a reader
  // looks again after the interval.
  (void)id;
  (void)after_seq;
  std::this_thread::sleep_for(timeout);
  return true;
}

void FileEventStore::opened(const std::string& id) noexcept {
  try {
    remove_stale_snapshot_temps(*fs_, session_dir(root_, id));
  } catch (...) {
    // No folder (no session), or it cannot be listed: reading tells.
  }
}

void FileEventStore::touch(const std::string& id) noexcept {
  try {
    std::vector<std::shared_ptr<Journal>> to_close;
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_lru_.remove(id);
      open_lru_.push_front(id);
      while (open_lru_.size() > max_open_) {
        if (auto it = journals_.find(open_lru_.back()); it != journals_.end()) to_close.push_back(it->second);
        open_lru_.pop_back();
      }
    }
    for (auto& j : to_close) j->close();
  } catch (...) {
    // Only the number of open descriptors depends on it.
  }
}

}  // namespace promptjournal::detail
