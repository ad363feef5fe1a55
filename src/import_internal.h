// The promptomatix importer, with the imported session handed back (internal).
#ifndef PROMPTJOURNAL_SRC_IMPORT_INTERNAL_H_
#define PROMPTJOURNAL_SRC_IMPORT_INTERNAL_H_

#include <memory>
#include <string>

#include "promptjournal/promptomatix.h"

namespace promptjournal::detail {

// import_promptomatix_file, and when the outcome is kImported or kUnchanged,
// the session in *session: load_session_from_file needs no look-up (which
// could fail) after the journal was written.
ImportResult import_file(SessionManager& manager, const std::string& path, const ImportOptions& options,
                         std::shared_ptr<OptimizationSession>* session);

// The part shared by files and dicts: imports `state` (its session_id, or
// options.as_id) with `meta` on every event, filling in `r`.
ImportResult import_state(SessionManager& manager, SessionState state, const boost::json::object& meta,
                          const ImportOptions& options, std::shared_ptr<OptimizationSession>* session,
                          ImportResult r);

}  // namespace promptjournal::detail

#endif  // PROMPTJOURNAL_SRC_IMPORT_INTERNAL_H_
