// The audit report as one self-contained HTML page: no external scripts,
// fonts or styles, so it opens offline and can be attached to a ticket.
//
// The page shows the session header (id, created, model, task type, event
// count, head hash, verify result), a timeline of every event, and for every
// version of the human input and the optimized prompt its text with the
// feedback given on it highlighted on its span (Python code-point offsets;
// out-of-range spans are shown as such), the word diff from the version before
// (<del>/<ins>: struck through and underlined, not colour alone), and links to
// jump between versions and to show one field only. Every piece of user text is
// escaped. Large sessions stay light: full texts only for the newest versions,
// long unchanged runs in diffs collapsed, long texts folded in <details>.
//
// Thread-safety: reentrant. Errors: JournalError from reading the session.
#ifndef PROMPTJOURNAL_AUDIT_HTML_H_
#define PROMPTJOURNAL_AUDIT_HTML_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "promptjournal/history.h"
#include "promptjournal/session_manager.h"

namespace promptjournal {

struct HtmlReportOptions {
  // Versions (per field) shown with their full text; older ones show the diff.
  std::size_t full_text_versions = 20;
  // Unchanged runs longer than this (code points) are shortened in diffs.
  std::size_t diff_context = 160;
  // Texts longer than this (bytes) are folded in a <details> element.
  std::size_t fold_over_bytes = 2000;
};

std::string render_audit_html(const AuditReport& report, const HtmlReportOptions& options = {});
// audit_session + render_audit_html.
std::string audit_html(SessionManager& manager, const std::string& session_id,
                       const HtmlReportOptions& options = {});

// HTML-escapes text for element content and quoted attribute values.
std::string html_escape(std::string_view text);

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_AUDIT_HTML_H_
