#include "promptjournal/event_log.h"

#include "promptjournal/journal.h"

namespace promptjournal {

std::vector<Event> read_events(SessionManager& manager, const std::string& session_id,
                               std::uint64_t from_seq) {
  auto journal = manager.journal(session_id);
  std::vector<Event> out;
  bool any = false;
  // Unknown ids, one rule: without a journal file, or without one complete
  // event in it, there is no session.
  if (journal->exists()) {
    auto reader = journal->reader();
    while (auto e = reader->next()) {
      any = true;
      if (e->seq >= from_seq) out.push_back(std::move(*e));
    }
  }
  if (!any) throw JournalError::not_found("no session '" + session_id + "'");
  return out;
}

}  // namespace promptjournal
