#include "manager_core.h"

#include <algorithm>

#include <boost/json/serialize.hpp>

#include "file_names.h"
#include "prepared_apply.h"
#include "promptjournal/logger.h"

namespace promptjournal::detail {

ManagerCore::ManagerCore(std::string root, ManagerOptions options)
    : root_(std::move(root)), opt_(std::move(options)) {
  if (root_.empty()) throw JournalError::invalid_argument("the sessions folder path is empty");
  if (!opt_.journal.fs) opt_.journal.fs = default_file_system();
  fs_ = opt_.journal.fs;
  fs_->make_dir(root_);
}

std::shared_ptr<Journal> ManagerCore::journal(const std::string& id) {
  validate_session_id(id);
  std::lock_guard<std::mutex> lock(mu_);
  auto& j = journals_[id];
  // A poisoned handle is replaced: the new one re-reads and re-verifies the
  // file before its first append (never a silent retry on the old one).
  if (!j || j->poisoned()) j = std::make_shared<Journal>(root_, id, opt_.journal);
  return j;
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
  auto j = journal(id);
  std::string dir = session_dir(root_, id);
  // Opening a session clears what a writer killed mid-snapshot left behind.
  try {
    remove_stale_snapshot_temps(*fs_, dir);
  } catch (const JournalError&) {
    // No folder (no session), or it cannot be listed: the load below tells.
  }
  Loaded out;
  std::vector<SnapshotProblem> found;
  auto snap = load_newest_snapshot(*fs_, dir, j->path(), &found, usable);
  for (auto& p : found) note_problem(std::move(p));
  if (snap && snap->state.session_id == id) {
    out.state = std::move(snap->state);
    out.position = snap->position;
  } else if (snap) {
    note_problem({snap->path, "snapshot names session '" + snap->state.session_id + "'"});
  }
  auto r = j->reader(out.position);
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
    j->adopt(*r);
    if (snap) note_snapshot(id, snap->position, snap->path);
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
    refresh(*cached);
    return cached;
  }
  if (!journal(id)->exists()) return nullptr;
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

void ManagerCore::touch_open(const std::string& id) {
  std::vector<std::shared_ptr<Journal>> to_close;
  {
    std::lock_guard<std::mutex> lock(mu_);
    open_lru_.remove(id);
    open_lru_.push_front(id);
    while (open_lru_.size() > std::max<std::uint32_t>(opt_.max_open_journals, 1)) {
      to_close.push_back(journals_[open_lru_.back()]);
      open_lru_.pop_back();
    }
  }
  for (auto& j : to_close) j->close();
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
  auto j = journal(id);
  // The session object, whole, before anything is written. It keeps the
  // caller's credentials: only what reaches the disk is redacted.
  SessionState state;
  for (const auto& e : events) apply(state, id, e);
  auto on_disk = redacted_config(events, opt_.keep_secrets);
  for (auto& e : events) e = redact(std::move(e));
  auto s = std::shared_ptr<OptimizationSession>(new OptimizationSession(
      OptimizationSession::ManagedTag{}, shared_from_this(), std::move(state), Position{}));
  s->disk_config_ = std::move(on_disk);
  std::map<std::string, std::weak_ptr<OptimizationSession>>::iterator slot;
  {
    std::lock_guard<std::mutex> lock(mu_);
    slot = sessions_.try_emplace(id).first;  // an empty slot is harmless: entries are never erased
  }
  touch_open(id);
  auto r = j->append(events, 0, meta);
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

namespace {

void log_failure(const SessionLogger& logger, const JournalError& e, const EventData& data) noexcept {
  try {
    logger.add_entry(kError, {{"error", e.what()}, {"event", std::string(type_name(data))}});
  } catch (...) {
    // Building the entry failed (no memory): the error itself still reaches the caller.
  }
}

}  // namespace

void ManagerCore::commit(OptimizationSession& s, std::vector<EventData> batch) {
  std::lock_guard<std::mutex> session_lock(s.mu_);
  for (auto& d : batch) d = redact(std::move(d));
  // Feedback commutes with every other event: retrying it after catching up
  // is safe. Anything else was decided on the state the caller saw.
  const bool commutes = std::all_of(batch.begin(), batch.end(), [](const EventData& d) {
    return std::holds_alternative<FeedbackAdded>(d) || std::holds_alternative<IndividualFeedbackAdded>(d);
  });
  auto j = journal(s.session_id());
  for (int attempt = 0;; ++attempt) {
    try {
      touch_open(s.session_id());
      if (batch.size() == 1) {
        PreparedApply change(s.state_, s.session_id(), batch.front());
        auto r = j->append(batch, s.position_.seq);
        // Only now, with the event in the journal, does the session move, and
        // nothing from here on can fail.
        change.commit();
        s.position_ = std::move(r.head);
      } else {
        // Several at once: folded into a copy, which replaces the state by a
        // move once the whole batch is in the journal.
        SessionState next = s.state_;
        for (const auto& d : batch) apply(next, s.session_id(), d);
        auto r = j->append(batch, s.position_.seq);
        s.state_ = std::move(next);
        s.position_ = std::move(r.head);
      }
      for (const auto& d : batch) s.log(d);
      break;
    } catch (const JournalError& e) {
      if (e.kind() == ErrorKind::kConflict && commutes && attempt < opt_.feedback_retries) {
        refresh_locked(s);
        continue;
      }
      for (const auto& d : batch) log_failure(s.logger_, e, d);
      throw;
    }
  }
  maybe_snapshot(s.session_id(), s.state_, s.position_, s.disk_config_);
}

void ManagerCore::refresh(OptimizationSession& s) {
  std::lock_guard<std::mutex> session_lock(s.mu_);
  refresh_locked(s);
}

void ManagerCore::refresh_locked(OptimizationSession& s) {
  auto j = journal(s.session_id());
  auto r = j->reader(s.position_);
  SessionState state = s.state_;
  Position pos = s.position_;
  while (auto e = r->next()) {
    apply(state, *e);
    pos = r->position();
  }
  // Both by move: a failed copy here would leave the state ahead of the position.
  s.state_ = std::move(state);
  s.position_ = std::move(pos);
}

void ManagerCore::persist(OptimizationSession& s) {
  std::lock_guard<std::mutex> session_lock(s.mu_);
  if (!s.pending_.empty()) {
    if (s.core_) throw JournalError::invalid_argument("a managed session has no pending events");
    auto j = journal(s.session_id());
    std::vector<EventData> batch;
    batch.reserve(s.pending_.size());
    for (auto& e : s.pending_) batch.push_back(redact(e));
    // The object keeps its state, credentials included: only the journal
    // (and snapshots) hold them redacted.
    auto written = redacted_config(s.pending_, opt_.keep_secrets);
    auto core = shared_from_this();
    touch_open(s.session_id());
    auto r = j->append(batch, 0);
    // Committed: only moves from here on.
    s.disk_config_ = std::move(written);
    s.position_ = std::move(r.head);
    s.pending_.clear();
    s.core_ = std::move(core);
  } else if (s.core_) {
    refresh_locked(s);
  }
  maybe_snapshot(s.session_id(), s.state_, s.position_, s.disk_config_);
}

// The next snapshot is due once the journal has grown past this one by at
// least the snapshot's own size: writing snapshots then costs no more bytes
// than were appended (amortised O(1) per event even when the state grows with
// every event), and an open reads at most about twice the state.
void ManagerCore::note_snapshot(const std::string& id, const Position& at, const std::string& path) noexcept {
  try {
    std::uint64_t bytes = 0;
    try {
      bytes = fs_->open_read(path)->size();
    } catch (const JournalError&) {
    }
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
    std::string dir = session_dir(root_, id);
    try {
      // Never a snapshot over a journal this process has not checked whole
      // (after an append it has; a no-op then).
      journal(id)->check_history();
      if (disk_config) {
        // The snapshot must equal a replay of the journal: the journal's config.
        SessionState on_disk = state;
        on_disk.config = *disk_config;
        note_snapshot(id, pos, write_snapshot(*fs_, dir, on_disk, pos, opt_.journal.durability));
      } else {
        note_snapshot(id, pos, write_snapshot(*fs_, dir, state, pos, opt_.journal.durability));
      }
      prune_snapshots(*fs_, dir, opt_.snapshots_kept);
    } catch (const std::exception& e) {
      note_problem({snapshot_path(dir, pos.seq), std::string("not written: ") + e.what()});
    }
  } catch (...) {
  }
}

std::string ManagerCore::snapshot_now(const std::string& id) {
  // The state replayed from line 1, never taken from another snapshot, and
  // the whole journal checked: a snapshot is never written over damage.
  Loaded l = load(id, [](const Position&) { return false; });
  journal(id)->check_history();  // a no-op when the replay checked every hash
  if (!l.state.created) throw JournalError::not_found("session '" + id + "' has no events");
  std::string dir = session_dir(root_, id);
  {
    std::lock_guard<std::mutex> lock(mu_);
    snapshot_marks_.try_emplace(id);  // allocated now, not after the snapshot is in place
  }
  std::string path = write_snapshot(*fs_, dir, l.state, l.position, opt_.journal.durability);
  // The snapshot is in place: what follows is housekeeping, and its failure
  // is a problem to report, not a failure of the snapshot.
  try {
    prune_snapshots(*fs_, dir, std::max<std::uint32_t>(opt_.snapshots_kept, 1));
  } catch (const std::exception& e) {
    try {
      note_problem({dir, std::string("old snapshots not pruned: ") + e.what()});
    } catch (...) {
    }
  }
  note_snapshot(id, l.position, path);
  return path;
}

}  // namespace promptjournal::detail
