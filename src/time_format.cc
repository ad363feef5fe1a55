#include "time_format.h"

#include "promptjournal/time.h"

#include <cstdio>

namespace promptjournal::detail {

namespace {

// "YYYY-MM-DDTHH:MM:SS" and the microseconds of `t` (civil UTC calendar from
// <chrono>: this runs on every append, so no stream formatting).
std::string base_and_micros(TimePoint t, long* micros) {
  using namespace std::chrono;
  auto us = floor<microseconds>(t);
  auto day = floor<days>(us);
  year_month_day ymd{day};
  hh_mm_ss<microseconds> tod{us - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                static_cast<int>(tod.seconds().count()));
  *micros = static_cast<long>(tod.subseconds().count());
  return buf;
}

}  // namespace

std::string format_utc(TimePoint t) {
  long us = 0;
  std::string s = base_and_micros(t, &us);
  char buf[16];
  std::snprintf(buf, sizeof buf, ".%06ldZ", us);
  return s + buf;
}

std::string format_python_isoformat(TimePoint t) {
  long us = 0;
  std::string s = base_and_micros(t, &us);
  if (us == 0) return s;
  char buf[16];
  std::snprintf(buf, sizeof buf, ".%06ld", us);
  return s + buf;
}

std::optional<TimePoint> parse_iso8601(std::string_view s) {
  using namespace std::chrono;
  std::size_t pos = 0;
  // Reads exactly `n` digits.
  auto number = [&](std::size_t n, int* out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      char c = s[pos + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    *out = v;
    pos += n;
    return true;
  };
  auto skip = [&](char c) { return pos < s.size() && s[pos] == c ? (++pos, true) : false; };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!number(4, &y) || !skip('-') || !number(2, &mo) || !skip('-') || !number(2, &d)) return std::nullopt;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (y < 1 || !ymd.ok()) return std::nullopt;
  microseconds fraction{0};
  bool has_time = false;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
    ++pos;
    has_time = true;
    if (!number(2, &h) || !skip(':') || !number(2, &mi)) return std::nullopt;
    if (skip(':')) {
      if (!number(2, &sec)) return std::nullopt;
      if (skip('.') || skip(',')) {
        std::size_t digits = 0;
        long long us = 0;
        for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++digits)
          if (digits < 6) us = us * 10 + (s[pos] - '0');
        if (digits == 0) return std::nullopt;
        for (std::size_t i = digits; i < 6; ++i) us *= 10;
        fraction = microseconds{us};
      }
    }
    if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
  }
  seconds zone{0};
  if (skip('Z') || skip('z')) {
  } else if (has_time && pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos++] == '+' ? 1 : -1, zh = 0, zm = 0;
    if (!number(2, &zh)) return std::nullopt;
    skip(':');
    if (!number(2, &zm) || zh > 23 || zm > 59) return std::nullopt;
    zone = sign * (hours{zh} + minutes{zm});
  }
  if (pos != s.size()) return std::nullopt;
  TimePoint t = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} + fraction - zone;
  // The format writes four-digit years: a zone may not carry a time past them.
  const TimePoint first = sys_days{year{1} / January / 1};
  const TimePoint end = sys_days{year{10000} / January / 1};
  if (t < first || t >= end) return std::nullopt;
  return t;
}

}  // namespace promptjournal::detail

namespace promptjournal {

std::string format_event_time(EventTime t) { return detail::format_utc(t); }

std::optional<EventTime> parse_time(std::string_view text) {
  return detail::parse_iso8601(text);
}

}  // namespace promptjournal
