#include "time_format.h"

#include "promptjournal/time.h"

#include <boost/date_time/gregorian/gregorian.hpp>
#include <boost/date_time/posix_time/posix_time.hpp>

#include <cstdio>

namespace promptjournal::detail {

namespace {

namespace pt = boost::posix_time;

const pt::ptime kEpoch(boost::gregorian::date(1970, 1, 1));


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

std::optional<TimePoint> parse_iso8601(std::string_view in) {
  std::string s(in);
  if (s.size() < 10) return std::nullopt;
  // Split off the zone designator, if any, after the date part.
  long zone_seconds = 0;
  if (s.back() == 'Z' || s.back() == 'z') {
    s.pop_back();
  } else if (s.size() > 16) {
    auto sign = s.find_last_of("+-");
    if (sign != std::string::npos && sign > 10) {
      int hh = 0, mm = 0;
      std::string zone = s.substr(sign + 1);
      if (std::sscanf(zone.c_str(), "%2d:%2d", &hh, &mm) != 2 &&
          std::sscanf(zone.c_str(), "%2d%2d", &hh, &mm) != 2)
        return std::nullopt;
      zone_seconds = (hh * 3600L + mm * 60L) * (s[sign] == '+' ? 1 : -1);
      s.resize(sign);
    }
  }
  if (s.size() > 10 && (s[10] == ' ' || s[10] == 't')) s[10] = 'T';
  if (s.size() == 10) s += "T00:00:00";
  if (s.size() == 16) s += ":00";
  try {
    pt::ptime p = pt::from_iso_extended_string(s);
    if (p.is_not_a_date_time()) return std::nullopt;
    auto us = (p - kEpoch).total_microseconds() - zone_seconds * 1000000LL;
    return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(us)));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace promptjournal::detail

namespace promptjournal {

std::string format_event_time(std::chrono::system_clock::time_point t) { return detail::format_utc(t); }

std::optional<std::chrono::system_clock::time_point> parse_time(std::string_view text) {
  return detail::parse_iso8601(text);
}

}  // namespace promptjournal
