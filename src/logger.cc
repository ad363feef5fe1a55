#include "promptjournal/logger.h"

#include <atomic>
#include <chrono>

#include <boost/json/serialize.hpp>
#include <boost/log/attributes/value_extraction.hpp>
#include <boost/log/sources/record_ostream.hpp>
#include <boost/log/sources/severity_logger.hpp>
#include <boost/log/trivial.hpp>
#include <boost/log/utility/manipulators/add_value.hpp>

#include "time_format.h"

namespace promptjournal {

namespace {

std::atomic<bool> g_enabled{false};

boost::log::sources::severity_logger_mt<boost::log::trivial::severity_level>& source() {
  static boost::log::sources::severity_logger_mt<boost::log::trivial::severity_level> lg;
  return lg;
}

}  // namespace

void SessionLogger::set_enabled(bool on) noexcept { g_enabled.store(on, std::memory_order_relaxed); }
bool SessionLogger::enabled() noexcept { return g_enabled.load(std::memory_order_relaxed); }

void SessionLogger::add_entry(std::string_view entry_type, const boost::json::object& data) const noexcept {
  if (!enabled()) return;
  try {
    boost::json::object entry;
    entry.emplace("timestamp", detail::format_python_isoformat(std::chrono::system_clock::now()));
    entry.emplace("session_id", session_id_);
    entry.emplace("type", entry_type);
    for (const auto& kv : data) entry.emplace(kv.key(), kv.value());
    auto level = entry_type == kError ? boost::log::trivial::error : boost::log::trivial::info;
    BOOST_LOG_SEV(source(), level) << boost::log::add_value("SessionId", session_id_)
                                   << boost::log::add_value("EntryType", std::string(entry_type))
                                   << boost::json::serialize(entry);
  } catch (...) {
    // A logger must never take the session down with it.
  }
}

}  // namespace promptjournal
