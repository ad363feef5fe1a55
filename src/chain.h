// The hash chain, in one place for every backend: how a batch is encoded
// after a head, and how each event read is checked against the one before
// it (docs/FORMAT.md, "Reading a journal"). Internal.
// Thread-safety: reentrant. Errors: JournalError, std::bad_alloc.
#ifndef PROMPTJOURNAL_SRC_CHAIN_H_
#define PROMPTJOURNAL_SRC_CHAIN_H_

#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "promptjournal/errors.h"
#include "promptjournal/event.h"
#include "promptjournal/journal.h"

namespace promptjournal::detail {

// Throws kInvalidArgument unless `batch` may be appended after `expected_seq`:
// not empty, a session_created first when expected_seq is 0 and nowhere else.
void check_batch_shape(const std::vector<EventData>& batch, std::uint64_t expected_seq);

// A batch encoded after a head: the lines (each ending in '\n', one buffer),
// the events with their hashes, and the head after the last of them.
struct EncodedBatch {
  std::string lines;
  std::vector<Event> events;
  Position next;
};

// Encodes `batch` as the events after `head` of session `id`, at time `at`
// (raised to head.at when earlier: times never go backwards in a journal).
EncodedBatch encode_batch(const Position& head, const std::string& id, const std::vector<EventData>& batch,
                          const boost::json::object& meta, std::string at);

// Throws JournalError(kCorrupt) at `where` unless `e` may follow `pos` in the
// history of `session_id` (empty: any id): the next seq, prev = pos.hash, the
// same session, session_created exactly at seq 1, `at` not earlier.
void check_follows(const Event& e, const Position& pos, const std::string& session_id,
                   const ErrorLocation& where);

// The position after `e`, whose line (without '\n') is `line_bytes` long.
Position position_after(const Position& pos, const Event& e, std::size_t line_bytes);

}  // namespace promptjournal::detail

#endif  // PROMPTJOURNAL_SRC_CHAIN_H_
