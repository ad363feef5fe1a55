#include "promptjournal/copy.h"

#include <algorithm>

namespace promptjournal {

CopyReport copy_session(EventStore& from, EventStore& to, const std::string& id, const CopyOptions& options) {
  validate_session_id(id);
  if (!from.has_stream(id)) throw JournalError::not_found("no session '" + id + "' in " + from.describe());
  CopyReport report;
  report.session_id = id;
  // What the destination holds already, checked whole.
  Position there;
  if (to.has_stream(id)) {
    auto c = to.read(id);
    while (c->next()) {
    }
    there = c->position();
  }
  auto src = from.read(id);
  std::vector<Event> batch;
  const std::size_t per_batch = std::max<std::size_t>(options.batch, 1);
  auto flush = [&] {
    if (batch.empty()) return;
    report.head = to.append_events(id, batch);
    report.copied += batch.size();
    batch.clear();
    if (options.progress) options.progress(report.head.seq);
  };
  while (auto e = src->next()) {
    if (e->seq <= there.seq) {
      if (e->seq == there.seq && e->hash != there.hash)
        throw JournalError(ErrorKind::kAlreadyExists,
                           "session '" + id + "' in " + to.describe() + " holds another history: its event " +
                               std::to_string(there.seq) + " has hash " + there.hash.substr(0, 12) +
                               "..., the source's " + e->hash.substr(0, 12) + "...; nothing copied");
      ++report.already_there;
      continue;
    }
    batch.push_back(std::move(*e));
    if (batch.size() >= per_batch) flush();
  }
  if (src->position().seq < there.seq)
    throw JournalError(ErrorKind::kAlreadyExists, "session '" + id + "' in " + to.describe() + " has " +
                                                      std::to_string(there.seq) + " events, more than the source's " +
                                                      std::to_string(src->position().seq) + "; nothing copied");
  flush();
  if (report.copied == 0) report.head = there;
  return report;
}

}  // namespace promptjournal
