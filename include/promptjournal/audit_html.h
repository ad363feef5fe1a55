// The audit report as one self-contained HTML page: no external scripts,
// fonts or styles, and no script at all, so it opens offline, can be attached
// to a ticket, and a Content-Security-Policy forbids anything from running.
//
// The page shows the session header (id, created, model, task type, event
// count, head hash, verify result), a timeline of every event (linked to the
// version or note it made), and for every version of the human input and the
// optimized prompt: its lineage (caused_by, linked), the word diff from the
// version before (<del>/<ins>: struck through and underlined and bracketed,
// not colour alone), its text with each feedback highlighted on its span
// (Python code-point offsets; out-of-range spans are listed as such) and the
// numbered feedback notes. Links jump between versions; radio buttons (pure
// CSS) show one field only. Every piece of user text is escaped.
//
// Large sessions stay light: full texts only for v1 and the newest versions,
// long unchanged runs in diffs shortened, long texts and long lists folded in
// <details>, and past a page budget the oldest diffs are summarised. See
// docs/audit-report.md.
//
// Thread-safety: reentrant. Errors: render_audit_html throws nothing but
// std::bad_alloc; audit_html throws JournalError from reading the session
// (kNotFound for an unknown id).
#ifndef PROMPTJOURNAL_AUDIT_HTML_H_
#define PROMPTJOURNAL_AUDIT_HTML_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "promptjournal/history.h"
#include "promptjournal/session_manager.h"

namespace promptjournal {

struct HtmlReportOptions {
  // Versions (per field) shown with their full text, besides v1; older ones
  // show their changes only.
  std::size_t full_text_versions = 20;
  // Unchanged runs longer than twice this (code points) are shortened in diffs.
  std::size_t diff_context = 160;
  // In the diffs of versions not shown in full, a changed run is cut here (code points).
  std::size_t diff_max_changed = 2000;
  // Texts and diffs longer than this (bytes) are folded in a <details> element.
  std::size_t fold_over_bytes = 2000;
  // A version's feedback notes are folded when there are more than this.
  std::size_t fold_over_notes = 5;
  // The timeline starts open up to this many events.
  std::size_t timeline_open_max = 50;
  // Once the page is this large, older versions not shown in full get a
  // one-line summary instead of their diff.
  std::size_t page_budget_bytes = 16u << 20;
};

std::string render_audit_html(const AuditReport& report, const HtmlReportOptions& options = {});
// audit_session + render_audit_html.
std::string audit_html(SessionManager& manager, const std::string& session_id,
                       const HtmlReportOptions& options = {});

// HTML-escapes text for element content and quoted attribute values.
std::string html_escape(std::string_view text);

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_AUDIT_HTML_H_
