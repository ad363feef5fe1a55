#include "promptjournal/event_store.h"

#include "file_event_store.h"
#ifdef PROMPTJOURNAL_HAVE_POSTGRESQL
#include "pg/pg_event_store.h"
#endif

namespace promptjournal {

bool is_postgresql_location(const std::string& location) noexcept {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::shared_ptr<EventStore> open_event_store(const std::string& location, const ManagerOptions& options) {
  if (location.empty()) throw JournalError::invalid_argument("the sessions folder path is empty (give a folder, file://PATH or postgresql://URL)");
  if (is_postgresql_location(location)) {
#ifdef PROMPTJOURNAL_HAVE_POSTGRESQL
    return detail::open_postgresql_store(location, options);
#else
    throw JournalError(ErrorKind::kUnavailable,
                       "this build of promptjournal has no PostgreSQL support (configure with "
                       "-DPROMPTJOURNAL_WITH_POSTGRESQL=ON and libpq-dev installed)");
#endif
  }
  std::string path = location;
  if (path.starts_with("file://")) {
    path.erase(0, 7);
    if (path.empty()) throw JournalError::invalid_argument("file:// names no folder");
  } else if (auto colon = path.find("://"); colon != std::string::npos && colon > 0 &&
                                            path.find('/') > colon) {
    throw JournalError::invalid_argument("no backend serves the location scheme '" + path.substr(0, colon) +
                                         "://' (use a folder path, file://PATH or postgresql://...)");
  }
  return std::make_shared<detail::FileEventStore>(std::move(path), options.journal, options.max_open_journals);
}

}  // namespace promptjournal
