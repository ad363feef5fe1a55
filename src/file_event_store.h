// The file backend of EventStore: one folder per session under a root, an
// events.jsonl journal and snapshot files in it (docs/FORMAT.md). Internal:
// users reach it through open_event_store. Thread-safety: as EventStore.
#ifndef PROMPTJOURNAL_SRC_FILE_EVENT_STORE_H_
#define PROMPTJOURNAL_SRC_FILE_EVENT_STORE_H_

#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "promptjournal/event_store.h"
#include "promptjournal/journal.h"

namespace promptjournal::detail {

class FileEventStore final : public EventStore {
 public:
  // Creates `root` (mode 0700) unless it exists. Throws kInvalidArgument for
  // an empty path, kIo as FileSystem::make_dir.
  FileEventStore(std::string root, JournalOptions options, std::uint32_t max_open_journals);

  std::string describe() const override { return root_; }
  std::string describe(const std::string& id) const override;
  bool has_stream(const std::string& id) override;
  std::vector<std::string> list_streams() override;
  std::unique_ptr<EventCursor> read(const std::string& id, const Position& from) override;
  AppendResult append(const std::string& id, const std::vector<EventData>& batch, std::uint64_t expected_seq,
                      const boost::json::object& meta) override;
  Position append_events(const std::string& id, const std::vector<Event>& events) override;
  Position check_history(const std::string& id) override;
  void adopt(const std::string& id, const EventCursor& cursor) override;
  SnapshotWritten put_snapshot(const std::string& id, const SessionState& state, const Position& at) override;
  std::optional<LoadedSnapshot> newest_snapshot(const std::string& id, std::vector<SnapshotProblem>* problems,
                                                const std::function<bool(const Position&)>& usable) override;
  void prune_snapshots(const std::string& id, std::uint32_t keep) override;
  VerifyReport verify(const std::string& id) override;
  bool wait_for_append(const std::string& id, std::uint64_t after_seq, std::chrono::milliseconds timeout) override;
  void opened(const std::string& id) noexcept override;

  const std::string& root() const noexcept { return root_; }
  FileSystem& fs() const noexcept { return *fs_; }
  // The journal handle of a session (shared by every user of this store). A
  // poisoned handle is replaced by a new one, which re-reads the file before
  // its first append. Throws kInvalidSessionId.
  std::shared_ptr<Journal> journal(const std::string& id);

 private:
  // Records that `id`'s journal file is open; closes the least recently used
  // ones beyond max_open_journals. Never throws.
  void touch(const std::string& id) noexcept;

  std::string root_;
  JournalOptions opt_;
  std::shared_ptr<FileSystem> fs_;
  std::uint32_t max_open_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Journal>> journals_;
  std::list<std::string> open_lru_;  // ids whose journal file is open, most recent first
};

}  // namespace promptjournal::detail

#endif  // PROMPTJOURNAL_SRC_FILE_EVENT_STORE_H_
