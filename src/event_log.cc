#include "promptjournal/event_log.h"

#include "promptjournal/event_store.h"

namespace promptjournal {

std::vector<Event> read_events(SessionManager& manager, const std::string& session_id,
                               std::uint64_t from_seq) {
  validate_session_id(session_id);
  std::vector<Event> out;
  bool any = false;
  // Unknown ids, one rule: without a stream, or without one complete event
  // in it, there is no session.
  if (manager.store().has_stream(session_id)) {
    auto reader = manager.store().read(session_id);
    while (auto e = reader->next()) {
      any = true;
      if (e->seq >= from_seq) out.push_back(std::move(*e));
    }
  }
  if (!any) throw JournalError::not_found("no session '" + session_id + "'");
  return out;
}

}  // namespace promptjournal
