// Time formats of the journal (UTC with microseconds and 'Z') and of Python's
// datetime.isoformat(), and a lenient ISO-8601 parser for user input.
#ifndef PROMPTJOURNAL_SRC_TIME_FORMAT_H_
#define PROMPTJOURNAL_SRC_TIME_FORMAT_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "promptjournal/time.h"

namespace promptjournal::detail {

using TimePoint = EventTime;

// "YYYY-MM-DDTHH:MM:SS.ffffffZ", always six fraction digits.
std::string format_utc(TimePoint t);
inline std::string format_utc(std::chrono::system_clock::time_point t) {
  return format_utc(std::chrono::floor<std::chrono::microseconds>(t));
}
// As Python's naive datetime.isoformat() for the UTC time: the fraction is
// left out when it is zero.
std::string format_python_isoformat(TimePoint t);
inline std::string format_python_isoformat(std::chrono::system_clock::time_point t) {
  return format_python_isoformat(std::chrono::floor<std::chrono::microseconds>(t));
}
// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.f...]]" with an optional "Z" or
// "+HH:MM"/"-HH:MM" (a space may stand for 'T'); no zone means UTC. nullopt
// outside the years 0001 to 9999 (UTC).
std::optional<TimePoint> parse_iso8601(std::string_view s);

}  // namespace promptjournal::detail

#endif  // PROMPTJOURNAL_SRC_TIME_FORMAT_H_
