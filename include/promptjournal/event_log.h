// read_events: every event of a session, in order, as values (for bindings
// and tools that show a session's raw history without driving a reader).
//
// It reads the journal of `session_id` under `manager` once, checking each
// event as the manager's readers do (the hash chain, and every hash unless
// JournalOptions::verify_hashes_on_read is off). A torn last line is not
// history and is left out. Memory: every event, so for a very long journal
// prefer a streaming reader.
//
// Thread-safety: reentrant; concurrent appends by others may or may not be
// seen. Errors: JournalError: kInvalidSessionId, kNotFound for an id without
// a complete event (session_manager.h, "Unknown ids"), kCorrupt naming the
// line for a damaged journal, kIo.
#ifndef PROMPTJOURNAL_EVENT_LOG_H_
#define PROMPTJOURNAL_EVENT_LOG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "promptjournal/event.h"
#include "promptjournal/session_manager.h"

namespace promptjournal {

// The events of `session_id` whose seq is >= `from_seq` (1 gives them all).
std::vector<Event> read_events(SessionManager& manager, const std::string& session_id,
                               std::uint64_t from_seq = 1);

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_EVENT_LOG_H_
