// SessionSink: what a managed OptimizationSession writes through and reads
// from. The session knows only this narrow interface; the manager
// (ManagerCore) implements it on its EventStore with its policies:
// credential redaction, feedback retries, snapshots. Internal.
// Thread-safety: implementations may be called from any thread.
#ifndef PROMPTJOURNAL_SRC_SESSION_SINK_H_
#define PROMPTJOURNAL_SRC_SESSION_SINK_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "promptjournal/config.h"
#include "promptjournal/event_store.h"
#include "promptjournal/projector.h"

namespace promptjournal::detail {

class SessionSink {
 public:
  virtual ~SessionSink() = default;
  // The payload as it may reach the disk (credentials redacted unless the
  // manager keeps secrets).
  virtual EventData redact(EventData data) const = 0;
  // The config the journal will hold for the session_created in `events`
  // when redaction changes it; nullopt when it holds the caller's.
  virtual std::optional<Config> disk_config(const std::vector<EventData>& events) const = 0;
  // How often a batch of feedback is retried after a conflict.
  virtual int feedback_retries() const noexcept = 0;
  // EventStore::append for session `id`.
  virtual AppendResult append(const std::string& id, const std::vector<EventData>& batch,
                              std::uint64_t expected_seq) = 0;
  // EventStore::read for session `id`.
  virtual std::unique_ptr<EventCursor> read(const std::string& id, const Position& from) = 0;
  // Called after every commit, with the state at `pos` (and the config the
  // journal holds when it differs from the state's): writes a snapshot when
  // one is due. Never throws (a snapshot is a cache).
  virtual void committed(const std::string& id, const SessionState& state, const Position& pos,
                         const std::optional<Config>& disk_config) noexcept = 0;
};

}  // namespace promptjournal::detail

#endif  // PROMPTJOURNAL_SRC_SESSION_SINK_H_
