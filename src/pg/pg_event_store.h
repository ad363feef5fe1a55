// The PostgreSQL event store (docs/postgresql.md): every EventStore member
// over libpq (pg_connection.h), the hash chain from chain.h.
//
// Schema (created by the first opener, versioned, idempotent: CREATE ... IF
// NOT EXISTS under a transaction-scoped advisory lock):
//   promptjournal.schema_version(version integer)
//   promptjournal.events(session_id text, seq bigint, line text NOT NULL,
//                        end_offset bigint NOT NULL, PRIMARY KEY(session_id, seq))
//   promptjournal.snapshots(session_id text, seq bigint, doc text NOT NULL,
//                           PRIMARY KEY(session_id, seq))
// `line` is the exact line encode_event_line wrote, without its '\n' (text,
// never jsonb); `doc` is encode_snapshot's exact bytes; end_offset is
// Position::offset after that event.
//
// Thread-safety: one connection under a mutex for everything but
// wait_for_append, which LISTENs on a second one (waiters take turns).
#ifndef PROMPTJOURNAL_SRC_PG_PG_EVENT_STORE_H_
#define PROMPTJOURNAL_SRC_PG_PG_EVENT_STORE_H_

#include <memory>
#include <string>

#include "promptjournal/event_store.h"
#include "promptjournal/options.h"

namespace promptjournal::detail {

// The schema version this build creates and reads.
inline constexpr int kPgSchemaVersion = 1;
// The NOTIFY channel appends announce "<session id>:<last seq>" on.
inline constexpr const char* kPgNotifyChannel = "promptjournal_events";

// Connects to `location` (a libpq URI) and creates the schema if needed.
// Throws kUnavailable (no server), kUnsupportedVersion (a newer schema), kIo.
std::shared_ptr<EventStore> open_postgresql_store(const std::string& location, const ManagerOptions& options);

}  // namespace promptjournal::detail

#endif  // PROMPTJOURNAL_SRC_PG_PG_EVENT_STORE_H_
