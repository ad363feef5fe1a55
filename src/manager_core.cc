#include "manager_core.h"

#include <algorithm>

#include <boost/json/serialize.hpp>

#include "file_names.h"
#include "promptjournal/logger.h"

namespace promptjournal::detail {

ManagerCore::ManagerCore(std::string location, ManagerOptions options)
    : root_(std::move(location)), opt_(std::move(options)) {
  if (root_.empty()) throw JournalError::invalid_argument("the sessions folder path is empty (give a folder, file://PATH or postgresql://URL)");
  if (!opt_.journal.fs) opt_.journal.fs = default_file_system();
  fs_ = opt_.journal.fs;
  store_ = open_event_store(root_, opt_);
}

ManagerCore::ManagerCore(std::shared_ptr<EventStore> store, ManagerOptions options)
    : opt_(std::move(options)), store_(std::move(store)) {
  if (!store_) throw JournalError::invalid_argument("no event store");
  root_ = store_->describe();
  if (!opt_.journal.fs) opt_.journal.fs = default_file_system();
  fs_ = opt_.journal.fs;
}

void ManagerCore::note_problem(SnapshotProblem p) {
  SessionLogger("").add_entry(kError, {{"snapshot", p.path}, {"error", p.reason}});
  std::lock_guard<std::mutex> lock(mu_);
  problems_.push_back(std::move(p));
}

std::vector<SnapshotProblem> ManagerCore::problems() const {
  std::lock_guard<std::mutex> lock(mu_);
  return problems_;
}

ManagerCore::Loaded ManagerCore::load(const std::string& id,
                                      const std::function<bool(const Position&)>& usable,
                                      const std::function<bool(const Event&)>& keep) {
  validate_session_id(id);
  // Opening a session clears what a writer killed mid-snapshot left behind.
  store_->opened(id);
  Loaded out;
  std::vector<SnapshotProblem> found;
  auto snap = store_->newest_snapshot(id, &found, usable);
  for (auto& p : found) note_problem(std::move(p));
  if (snap && snap->state.session_id == id) {
    out.state = std::move(snap->state);
    out.position = snap->position;
  } else if (snap) {
    note_problem({snap->path, "snapshot names session '" + snap->state.session_id + "'"});
  }
  auto r = store_->read(id, out.position);
  while (auto e = r->next()) {
    if (keep && !keep(*e)) {
      out.at_head = false;
      break;
    }
    apply(out.state, *e);
    out.position = r->position();
  }
  if (out.at_head) {
    // Without a snapshot the reader checked every line from line 1, and the
    // journal need not read them again before its first append; from a
    // snapshot it is only a hint (a snapshot vouches for nothing before it).
    store_->adopt(id, *r);
    if (snap) note_snapshot(id, snap->position, snap->bytes);
  }
  return out;
}

std::shared_ptr<OptimizationSession> ManagerCore::get(const std::string& id) {
  validate_session_id(id);
  std::shared_ptr<OptimizationSession> cached;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = sessions_.find(id); it != sessions_.end()) cached = it->second.lock();
  }
  if (cached) {
    cached->refresh();
    return cached;
  }
  if (!store_->has_stream(id)) return nullptr;
  Loaded l = load(id);
  if (!l.state.created) return nullptr;  // a journal file with no complete event
  auto s = std::shared_ptr<OptimizationSession>(new OptimizationSession(
      OptimizationSession::ManagedTag{}, shared_from_this(), std::move(l.state), l.position));
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = sessions_[id];
  if (auto other = slot.lock()) return other;  // another thread got there first
  slot = s;
  return s;
}

namespace {

// The config the journal will hold for the session_created in `events`,
// when redaction changes it. (Not by comparing configs: boost::json's
// operator== is noexcept yet may allocate, so it terminates on bad_alloc.)
std::optional<Config> redacted_config(const std::vector<EventData>& events, bool keep_secrets) {
  if (keep_secrets) return std::nullopt;
  for (const auto& e : events) {
    if (const auto* c = std::get_if<SessionCreated>(&e)) {
      std::vector<std::string> keys;
      Config r = c->config.redacted(&keys);
      if (!keys.empty()) return r;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Config> ManagerCore::disk_config(const std::vector<EventData>& events) const {
  return redacted_config(events, opt_.keep_secrets);
}

EventData ManagerCore::redact(EventData data) const {
  if (auto* c = std::get_if<SessionCreated>(&data); c && !opt_.keep_secrets) c->config = c->config.redacted();
  return data;
}

// The write paths below (create, commit, persist) keep one rule: everything
// that can allocate or throw happens before Journal::append, and after it
// returns only moves and noexcept calls remain. So an exception from them
// always means "not committed" (the journal holds nothing of it and the
// session did not move), and a return means committed: the caller never sees
// a failure for an event that is in the journal.

std::shared_ptr<OptimizationSession> ManagerCore::create(const std::string& id,
                                                         std::vector<EventData> events,
                                                         const boost::json::object& meta) {
  validate_session_id(id);
  // The session object, whole, before anything is written. It keeps the
  // caller's credentials: only what reaches the disk is redacted.
  SessionState state;
  for (const auto& e : events) apply(state, id, e);
  auto on_disk = redacted_config(events, opt_.keep_secrets);
  for (auto& e : events) e = redact(std::move(e));
  auto s = std::shared_ptr<OptimizationSession>(new OptimizationSession(
      OptimizationSession::ManagedTag{}, shared_from_this(), std::move(state), Position{}, std::move(on_disk)));
  std::map<std::string, std::weak_ptr<OptimizationSession>>::iterator slot;
  {
    std::lock_guard<std::mutex> lock(mu_);
    slot = sessions_.try_emplace(id).first;  // an empty slot is harmless: entries are never erased
  }
  auto r = store_->append(id, events, 0, meta);
  // Committed: only moves and noexcept calls from here on.
  s->position_ = std::move(r.head);
  {
    std::lock_guard<std::mutex> lock(mu_);
    slot->second = s;
  }
  for (const auto& e : events) s->log(e);
  maybe_snapshot(id, s->state_, s->position_, s->disk_config_);
  return s;
}

void ManagerCore::persist(OptimizationSession& s) { s.persist_through(shared_from_this()); }

// The next snapshot is due once the journal has grown past this one by at
// least the snapshot's own size: writing snapshots then costs no more bytes
// than were appended (amortised O(1) per event even when the state grows with
// every event), and an open reads at most about twice the state.
void ManagerCore::note_snapshot(const std::string& id, const Position& at, std::uint64_t bytes) noexcept {
  try {
    std::lock_guard<std::mutex> lock(mu_);
    auto& mark = snapshot_marks_[id];
    if (at.seq < mark.seq) return;
    mark.seq = at.seq;
    mark.due_offset = at.offset + bytes;
  } catch (...) {
    // Only the timing of the next snapshot is lost.
  }
}

void ManagerCore::maybe_snapshot(const std::string& id, const SessionState& state, const Position& pos,
                                 const std::optional<Config>& disk_config) noexcept {
  if (opt_.snapshot_every == 0) return;
  // A snapshot is a cache: failing to write one, even failing to allocate
  // for it, loses nothing, and must not turn a committed event into an error.
  try {
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto& mark = snapshot_marks_[id];
      if (pos.seq < mark.seq + opt_.snapshot_every || pos.offset < mark.due_offset) return;
      mark.seq = pos.seq;  // claimed: no other thread writes this one
    }
    try {
      // Never a snapshot over a journal this process has not checked whole
      // (after an append it has; a no-op then).
      store_->check_history(id);
      if (disk_config) {
        // The snapshot must equal a replay of the journal: the journal's config.
        SessionState on_disk = state;
        on_disk.config = *disk_config;
        note_snapshot(id, pos, store_->put_snapshot(id, on_disk, pos).bytes);
      } else {
        note_snapshot(id, pos, store_->put_snapshot(id, state, pos).bytes);
      }
      store_->prune_snapshots(id, opt_.snapshots_kept);
    } catch (const std::exception& e) {
      note_problem({store_->describe(id) + " (snapshot at seq " + std::to_string(pos.seq) + ")",
                    std::string("not written: ") + e.what()});
    }
  } catch (...) {
  }
}

std::string ManagerCore::snapshot_now(const std::string& id) {
  // The state replayed from line 1, never taken from another snapshot, and
  // the whole journal checked: a snapshot is never written over damage.
  Loaded l = load(id, [](const Position&) { return false; });
  store_->check_history(id);  // a no-op when the replay checked every hash
  if (!l.state.created) throw JournalError::not_found("session '" + id + "' has no events");
  {
    std::lock_guard<std::mutex> lock(mu_);
    snapshot_marks_.try_emplace(id);  // allocated now, not after the snapshot is in place
  }
  SnapshotWritten w = store_->put_snapshot(id, l.state, l.position);
  // The snapshot is in place: what follows is housekeeping, and its failure
  // is a problem to report, not a failure of the snapshot.
  try {
    store_->prune_snapshots(id, std::max<std::uint32_t>(opt_.snapshots_kept, 1));
  } catch (const std::exception& e) {
    try {
      note_problem({store_->describe(id), std::string("old snapshots not pruned: ") + e.what()});
    } catch (...) {
    }
  }
  note_snapshot(id, l.position, w.bytes);
  return std::move(w.where);
}

}  // namespace promptjournal::detail
