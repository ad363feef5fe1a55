// Feedback: a comment on a span of a prompt, as promptomatix's Feedback.
//
// Intentionally copyable value. Offsets are Python code-point offsets into the
// prompt text (as the original), not byte offsets. Thread-safety: a value.
#ifndef PROMPTJOURNAL_FEEDBACK_H_
#define PROMPTJOURNAL_FEEDBACK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/fwd.hpp>

namespace promptjournal {

struct Feedback {
  // A new feedback with a random UUID id and created_at = now (UTC, Python
  // isoformat). The original used the clock as id, which collides across processes.
  Feedback(std::string text, std::int64_t start_offset, std::int64_t end_offset,
           std::string feedback, std::optional<std::string> prompt_id = std::nullopt);
  // A feedback with every field given (replays, imports, tests).
  Feedback(std::string id, std::string text, std::int64_t start_offset, std::int64_t end_offset,
           std::string feedback, std::optional<std::string> prompt_id, std::string created_at);

  std::string id;
  std::string text;                      // the text being commented on
  std::int64_t start_offset = 0;         // code points, inclusive
  std::int64_t end_offset = 0;           // code points, exclusive
  std::string feedback;                  // the comment itself
  std::optional<std::string> prompt_id;  // the prompt it belongs to; null when unknown
  std::string created_at;                // ISO-8601 as Python's datetime.isoformat() writes it

  bool operator==(const Feedback&) const = default;
};

// A fresh random (version 4) UUID in its 36-character text form.
std::string new_uuid();

// Throws JournalError(kInvalidArgument) unless 0 <= start_offset <= end_offset:
// what OptimizationSession::add_feedback requires of new feedback. Journals
// and imports keep whatever spans they hold (they are history).
void check_feedback_span(const Feedback& f);

// Why `f` does not fit `prompt`, the text its span refers to, or nothing when
// it fits: 0 <= start_offset <= end_offset <= the prompt's length, in code
// points as Python counts them, and f.text equal to the text the span covers.
// Spans refer to the session's latest optimized prompt at the time the
// feedback was given (promptomatix's optimize_with_feedback sends the
// feedback with that prompt); `prompt` is null when there was none, which is
// itself a mismatch. The reason is one line, e.g. "the span [9..19] covers
// \"classifie\", not \"classifier\"". Throws only std::bad_alloc.
std::optional<std::string> feedback_span_mismatch(const Feedback& f, std::optional<std::string_view> prompt);

// JSON form, keys in to_dict order: id, text, start_offset, end_offset,
// feedback, prompt_id, created_at.
boost::json::object to_json(const Feedback& f);
// Throws JournalError(kInvalidArgument) naming the field when a field is missing
// or has the wrong type. prompt_id may be absent (promptomatix never wrote it).
Feedback feedback_from_json(const boost::json::object& o);

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_FEEDBACK_H_
