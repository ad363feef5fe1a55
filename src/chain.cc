#include "chain.h"

#include <variant>

namespace promptjournal::detail {

void check_batch_shape(const std::vector<EventData>& batch, std::uint64_t expected_seq) {
  if (batch.empty()) throw JournalError::invalid_argument("append of an empty batch");
  if (expected_seq == 0 && !std::holds_alternative<SessionCreated>(batch.front()))
    throw JournalError::invalid_argument("the first event of a session must be session_created");
  for (std::size_t i = expected_seq == 0 ? 1 : 0; i < batch.size(); ++i)
    if (std::holds_alternative<SessionCreated>(batch[i]))
      throw JournalError::invalid_argument("session_created can only be the first event (seq 1)");
}

EncodedBatch encode_batch(const Position& head, const std::string& id, const std::vector<EventData>& batch,
                          const boost::json::object& meta, std::string at) {
  if (at < head.at) at = head.at;
  EncodedBatch out;
  out.next = head;
  out.events.reserve(batch.size());
  for (const auto& data : batch) {
    Event e;
    e.seq = out.next.seq + 1;
    e.at = at;
    e.session_id = id;
    e.meta = meta;
    e.data = data;
    e.prev = out.next.hash;
    out.lines += encode_event_line(e);
    out.next.seq = e.seq;
    out.next.hash = e.hash;
    out.next.offset = head.offset + out.lines.size();
    out.next.at = e.at;
    out.events.push_back(std::move(e));
  }
  return out;
}

void check_follows(const Event& e, const Position& pos, const std::string& session_id,
                   const ErrorLocation& where) {
  if (e.seq != pos.seq + 1)
    throw JournalError::corrupt("seq " + std::to_string(e.seq) + " where seq " + std::to_string(pos.seq + 1) +
                                    " was expected",
                                where);
  if (e.prev != pos.hash)
    throw JournalError::corrupt("broken hash chain: prev " + e.prev.substr(0, 12) +
                                    "... is not the hash of the event before (" + pos.hash.substr(0, 12) +
                                    "...)",
                                where);
  if (!session_id.empty() && e.session_id != session_id)
    throw JournalError::corrupt("event of session '" + e.session_id + "' in the journal of '" + session_id + "'",
                                where);
  if (std::holds_alternative<SessionCreated>(e.data) != (e.seq == 1))
    throw JournalError::corrupt(e.seq == 1 ? "seq 1 is a " + std::string(e.type()) + " event, not session_created"
                                           : std::string("a session_created event where only seq 1 may be one"),
                                where);
  if (e.at < pos.at)
    throw JournalError::corrupt("at " + e.at + " is earlier than the " + pos.at + " of the event before", where);
}

Position position_after(const Position& pos, const Event& e, std::size_t line_bytes) {
  return Position{e.seq, e.hash, pos.offset + line_bytes + 1, e.at};
}

}  // namespace promptjournal::detail
