// Time values as the journal writes and reads them. Thread-safety: pure functions.
#ifndef PROMPTJOURNAL_TIME_H_
#define PROMPTJOURNAL_TIME_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace promptjournal {

// "YYYY-MM-DDTHH:MM:SS.ffffffZ", the form of an event's "at".
std::string format_event_time(std::chrono::system_clock::time_point t);
// Parses ISO-8601 as people type it: "2026-11-24", "2026-11-24T12:00",
// "2026-11-24 12:00:05.25Z", "2026-11-24T12:00:00+02:00". No zone means UTC.
// nullopt when it is not such a time.
std::optional<std::chrono::system_clock::time_point> parse_time(std::string_view text);

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_TIME_H_
