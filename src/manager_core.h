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

#include "promptjournal/journal.h"
#include "promptjournal/options.h"
#include "promptjournal/session.h"
#include "promptjournal/snapshot.h"

namespace promptjournal::detail {

class ManagerCore : public std::enable_shared_from_this<ManagerCore> {
 public:
  ManagerCore(std::string root, ManagerOptions options);

  const std::string& root() const noexcept { return root_; }
  const ManagerOptions& options() const noexcept { return opt_; }
  FileSystem& fs() const noexcept { return *fs_; }

  std::shared_ptr<Journal> journal(const std::string& id);

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
  // Appends `batch` (one write) at the session's position and applies it.
  void commit(OptimizationSession& s, std::vector<EventData> batch);
  void refresh(OptimizationSession& s);
  void persist(OptimizationSession& s);
  std::string snapshot_now(const std::string& id);
  std::vector<SnapshotProblem> problems() const;
  // Redacts credentials in a session_created payload unless keep_secrets.
  EventData redact(EventData data) const;

 private:
  void refresh_locked(OptimizationSession& s);
  // Records that `id`'s journal file is open; closes the least recently used
  // ones beyond options().max_open_journals.
  void touch_open(const std::string& id);
  // Writes a snapshot when one is due; never throws (a snapshot is a cache).
  // `disk_config`: the journal's config when the object holds the caller's
  // unredacted one (the snapshot must equal a replay of the journal).
  void maybe_snapshot(const std::string& id, const SessionState& state, const Position& pos,
                      const std::optional<Config>& disk_config = std::nullopt) noexcept;
  // Records a snapshot at `at` and when the next one is due; never throws.
  void note_snapshot(const std::string& id, const Position& at, const std::string& snapshot_path) noexcept;
  void note_problem(SnapshotProblem p);

  std::string root_;
  ManagerOptions opt_;
  std::shared_ptr<FileSystem> fs_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Journal>> journals_;
  // Weak: a session holds the core, so a strong cache would be a cycle.
  std::map<std::string, std::weak_ptr<OptimizationSession>> sessions_;
  std::list<std::string> open_lru_;  // ids whose journal file is open, most recent first
  // Per session, the newest snapshot this manager knows of: its seq, and the
  // journal offset the tail must reach before the next one is worth writing.
  struct SnapshotMark {
    std::uint64_t seq = 0;
    std::uint64_t due_offset = 0;
  };
  std::map<std::string, SnapshotMark> snapshot_marks_;
  std::vector<SnapshotProblem> problems_;
};

}  // namespace promptjournal::detail

#endif  // PROMPTJOURNAL_SRC_MANAGER_CORE_H_
