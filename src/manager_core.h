// The shared state behind a SessionManager and the sessions it hands out.
// Internal. Thread-safety: all members lock mu_ where they touch shared maps.
#ifndef PROMPTJOURNAL_SRC_MANAGER_CORE_H_
#define PROMPTJOURNAL_SRC_MANAGER_CORE_H_

#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "promptjournal/event_store.h"
#include "promptjournal/journal.h"
#include "promptjournal/options.h"
#include "promptjournal/session.h"
#include "promptjournal/snapshot.h"
#include "session_sink.h"

namespace promptjournal::detail {

class ManagerCore final : public SessionSink, public std::enable_shared_from_this<ManagerCore> {
 public:
  // Opens the store `location` names (open_event_store).
  ManagerCore(std::string location, ManagerOptions options);
  // Uses `store` (any backend).
  ManagerCore(std::shared_ptr<EventStore> store, ManagerOptions options);

  // The location the manager was given (a folder, or a URL).
  const std::string& root() const noexcept { return root_; }
  const ManagerOptions& options() const noexcept { return opt_; }
  // The local file system: for files the user names (imports, exports), never
  // for the sessions themselves, which live in store().
  FileSystem& fs() const noexcept { return *fs_; }
  EventStore& store() const noexcept { return *store_; }
  const std::shared_ptr<EventStore>& store_ptr() const noexcept { return store_; }

  // A prefix of the history: events are applied while `keep(event)` holds;
  // snapshots are used when `usable(position)` holds. Both default to "all".
  struct Loaded {
    SessionState state;
    Position position;
    bool at_head = true;  // no event was left out by `keep`
  };
  Loaded load(const std::string& id, const std::function<bool(const Position&)>& usable = {},
              const std::function<bool(const Event&)>& keep = {});

  std::shared_ptr<OptimizationSession> get(const std::string& id);
  std::shared_ptr<OptimizationSession> create(const std::string& id, std::vector<EventData> events,
                                              const boost::json::object& meta = {});
  void persist(OptimizationSession& s);
  std::string snapshot_now(const std::string& id);
  std::vector<SnapshotProblem> problems() const;
  // --- SessionSink, for the sessions of this manager ---
  // Redacts credentials in a session_created payload unless keep_secrets.
  EventData redact(EventData data) const override;
  std::optional<Config> disk_config(const std::vector<EventData>& events) const override;
  int feedback_retries() const noexcept override { return opt_.feedback_retries; }
  AppendResult append(const std::string& id, const std::vector<EventData>& batch,
                      std::uint64_t expected_seq) override {
    return store_->append(id, batch, expected_seq);
  }
  std::unique_ptr<EventCursor> read(const std::string& id, const Position& from) override {
    return store_->read(id, from);
  }
  void committed(const std::string& id, const SessionState& state, const Position& pos,
                 const std::optional<Config>& disk_config) noexcept override {
    maybe_snapshot(id, state, pos, disk_config);
  }

 private:
  // Writes a snapshot when one is due; never throws (a snapshot is a cache).
  // `disk_config`: the journal's config when the object holds the caller's
  // unredacted one (the snapshot must equal a replay of the journal).
  void maybe_snapshot(const std::string& id, const SessionState& state, const Position& pos,
                      const std::optional<Config>& disk_config = std::nullopt) noexcept;
  // Records a snapshot at `at` and when the next one is due; never throws.
  void note_snapshot(const std::string& id, const Position& at, std::uint64_t snapshot_bytes) noexcept;
  void note_problem(SnapshotProblem p);

  std::string root_;
  ManagerOptions opt_;
  std::shared_ptr<FileSystem> fs_;
  std::shared_ptr<EventStore> store_;
  mutable std::mutex mu_;
  // Weak: a session holds the core, so a strong cache would be a cycle.
  std::map<std::string, std::weak_ptr<OptimizationSession>> sessions_;
  // Per session, the newest snapshot this manager knows of: its seq, and the
  // history size (Position::offset) the tail must reach before the next one
  // is worth writing.
  struct SnapshotMark {
    std::uint64_t seq = 0;
    std::uint64_t due_offset = 0;
  };
  std::map<std::string, SnapshotMark> snapshot_marks_;
  std::vector<SnapshotProblem> problems_;
};

}  // namespace promptjournal::detail

#endif  // PROMPTJOURNAL_SRC_MANAGER_CORE_H_
