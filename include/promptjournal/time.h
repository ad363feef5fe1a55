// Time values as the journal writes and reads them. Thread-safety: pure functions.
#ifndef PROMPTJOURNAL_TIME_H_
#define PROMPTJOURNAL_TIME_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace promptjournal {

// A moment on the system clock in microseconds, the resolution of an event's
// "at". Its 64-bit count spans about ±292,000 years, so it holds every time
// the format can write (years 0001 to 9999). std::chrono::system_clock's own
// time_point counts nanoseconds on common platforms and so only spans
// 1677-09-21 to 2262-04-11: times are carried in EventTime instead.
using EventTime = std::chrono::sys_time<std::chrono::microseconds>;

// "YYYY-MM-DDTHH:MM:SS.ffffffZ", the form of an event's "at".
// REQUIRES: `t` is in the years 0001 to 9999.
std::string format_event_time(EventTime t);
// Any other system_clock time (system_clock::now() included), floored to microseconds.
template <class Duration>
std::string format_event_time(std::chrono::sys_time<Duration> t) {
  return format_event_time(std::chrono::floor<std::chrono::microseconds>(t));
}
// Parses ISO-8601 as people type it: "2026-11-24", "2026-11-24T12:00",
// "2026-11-24 12:00:05.25Z", "2026-11-24T12:00:00+02:00". No zone means UTC;
// digits of a fraction beyond microseconds are dropped. nullopt when it is not
// such a time, or when the moment (in UTC) falls outside the years 0001 to 9999.
std::optional<EventTime> parse_time(std::string_view text);

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_TIME_H_
