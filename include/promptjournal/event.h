// Events: the immutable facts a session's journal holds, one per line.
//
// An Event is an envelope (format version, seq, time, session id, optional
// meta, hash chain) around a typed payload (EventData). Encoding and decoding
// follow docs/FORMAT.md to the byte; the hash covers the exact line bytes.
// Intentionally copyable values. Thread-safety: values; functions are reentrant.
#ifndef PROMPTJOURNAL_EVENT_H_
#define PROMPTJOURNAL_EVENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "promptjournal/config.h"
#include "promptjournal/feedback.h"

namespace promptjournal {

// The format version this build writes (the "v" field). Readers accept 1..kFormatVersion.
inline constexpr int kFormatVersion = 1;
// The longest event line accepted, newline included (64 MiB).
inline constexpr std::size_t kMaxLineBytes = std::size_t{64} << 20;
// The "prev" of the first event: 64 zeros.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// --- payloads; the type strings are persisted: do not change existing ones ---
struct SessionCreated {  // "session_created"
  std::string initial_human_input;
  std::string created_at;  // as Python's datetime.isoformat() writes it
  Config config;
  bool operator==(const SessionCreated&) const = default;
};
struct FeedbackAdded {  // "feedback_added"
  Feedback feedback;
  bool operator==(const FeedbackAdded&) const = default;
};
struct OptimizedPromptUpdated {  // "optimized_prompt_updated"
  std::string prompt;
  std::vector<std::string> caused_by;  // ids of the feedback that motivated it; optional
  bool operator==(const OptimizedPromptUpdated&) const = default;
};
struct HumanInputUpdated {  // "human_input_updated"
  std::string input;
  bool operator==(const HumanInputUpdated&) const = default;
};
struct ComprehensiveFeedbackSet {  // "comprehensive_feedback_set"
  boost::json::value value;
  bool operator==(const ComprehensiveFeedbackSet&) const = default;
};
struct IndividualFeedbacksSet {  // "individual_feedbacks_set": replaces the list
  boost::json::value value;
  bool operator==(const IndividualFeedbacksSet&) const = default;
};
struct IndividualFeedbackAdded {  // "individual_feedback_added": appends one item
  boost::json::value value;
  bool operator==(const IndividualFeedbackAdded&) const = default;
};

using EventData = std::variant<SessionCreated, FeedbackAdded, OptimizedPromptUpdated,
                               HumanInputUpdated, ComprehensiveFeedbackSet,
                               IndividualFeedbacksSet, IndividualFeedbackAdded>;

// The "type" string of a payload.
std::string_view type_name(const EventData& data) noexcept;
// Every known type string, in the variant's order.
const std::vector<std::string_view>& event_type_names();

struct Event {
  int version = kFormatVersion;
  std::uint64_t seq = 0;  // 1-based, contiguous
  std::string at;         // UTC, "YYYY-MM-DDTHH:MM:SS.ffffffZ"
  std::string session_id;
  boost::json::object meta;  // optional provenance (import source, ...); empty when absent
  EventData data;
  std::string prev;  // hash of the previous event (kGenesisHash for seq 1)
  std::string hash;  // SHA-256 of this line's body, lowercase hex

  std::string_view type() const noexcept { return type_name(data); }
};

// The payload as its JSON "data" object.
boost::json::object data_to_json(const EventData& data);
// Throws JournalError(kInvalidArgument) naming the field that is wrong.
EventData data_from_json(std::string_view type, const boost::json::object& data);

// Encodes `e` (seq, at, session_id, meta, data, prev set) as one journal line
// ending in '\n', computing its hash; stores the hash in e.hash too.
// Throws JournalError(kTooLarge) above kMaxLineBytes, kInvalidArgument for a
// non-finite number.
std::string encode_event_line(Event& e);

// Decodes one line (without its '\n'). Checks the layout, every field's type,
// and, when verify_hash, that "hash" is the SHA-256 of the body. On failure
// returns nullopt and sets *error to the reason; never throws for bad input.
std::optional<Event> decode_event_line(std::string_view line, bool verify_hash, std::string* error);

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_EVENT_H_
