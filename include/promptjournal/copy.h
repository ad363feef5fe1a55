// Copying sessions between stores (file journal to PostgreSQL and back),
// byte-exact: every event line in the destination is the source's, so the
// head hash is the same on both sides and verify agrees.
//
// Resumable: when the destination already holds a prefix of the session (a
// copy cut short), the copy checks that its last event is the source's at
// that seq and appends only the rest. Snapshots are caches and are not
// copied (the destination writes its own).
// Thread-safety: reentrant; the stores may be shared. Errors: JournalError.
#ifndef PROMPTJOURNAL_COPY_H_
#define PROMPTJOURNAL_COPY_H_

#include <cstdint>
#include <functional>
#include <string>

#include "promptjournal/event_store.h"

namespace promptjournal {

struct CopyOptions {
  // Events per append in the destination (one transaction or one write each).
  std::size_t batch = 256;
  // Called after each batch with the seq reached and the source's seq so far.
  std::function<void(std::uint64_t copied_to_seq)> progress;
};

struct CopyReport {
  std::string session_id;
  std::uint64_t already_there = 0;  // events the destination held before
  std::uint64_t copied = 0;         // events appended now
  Position head;                    // the destination's head after the copy (= the source's)
};

// Copies session `id` from `from` to `to`. Every source event is checked as
// it is read (the chain, every hash). Throws kNotFound for an id `from` does
// not hold; kAlreadyExists when the destination holds a history that is not
// a prefix of the source's (nothing is written); kCorrupt for damage in
// either; kConflict when another writer appended to the destination meanwhile;
// the errors of EventStore::append_events.
CopyReport copy_session(EventStore& from, EventStore& to, const std::string& id, const CopyOptions& options = {});

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_COPY_H_
