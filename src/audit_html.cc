#include "promptjournal/audit_html.h"

#include <algorithm>
#include <map>
#include <set>

#include "utf8.h"

namespace promptjournal {

namespace {

constexpr std::string_view kStyle = R"css(
:root{--fg:#1d1d1f;--muted:#5f6368;--line:#d0d4da;--bg:#fff;--ins:#e6f4ea;--del:#fce8e6;--mark:#fff3bf}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0;padding:0 1rem 3rem;max-width:72rem;margin-inline:auto}
header{border-bottom:2px solid var(--line);padding:1rem 0}
h1{font-size:1.4rem;margin:.2rem 0;word-break:break-all}
h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid var(--line)}
h3{font-size:1rem;margin:1.2rem 0 .3rem}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.5rem 0}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0;word-break:break-all}
.ok{color:#137333;font-weight:600}.bad{color:#b3261e;font-weight:600}
nav{position:sticky;top:0;background:var(--bg);border-bottom:1px solid var(--line);padding:.4rem 0;z-index:1}
nav a{margin-right:.6rem;white-space:nowrap}
nav label{margin-right:.8rem;white-space:nowrap}
pre.text{white-space:pre-wrap;word-wrap:break-word;overflow-wrap:anywhere;background:#f8f9fa;border:1px solid var(--line);border-radius:4px;padding:.6rem;font:13px/1.45 ui-monospace,"DejaVu Sans Mono",monospace;margin:.3rem 0}
ins{background:var(--ins);text-decoration:underline;text-decoration-thickness:2px}
del{background:var(--del);text-decoration:line-through}
ins::before{content:"[+";font-size:.75em;color:#137333}ins::after{content:"+]";font-size:.75em;color:#137333}
del::before{content:"[-";font-size:.75em;color:#b3261e}del::after{content:"-]";font-size:.75em;color:#b3261e}
mark{background:var(--mark);border-bottom:2px solid #e0a800}
.fb{border-left:3px solid #e0a800;padding:.2rem .6rem;margin:.3rem 0;background:#fffdf3}
.fb .span{color:var(--muted);font-size:.9em}
.warn{color:#b3261e}
.collapsed{color:var(--muted);font-style:italic}
ol.timeline{padding-left:3.5rem;font-size:.92em}
ol.timeline li{margin:.1rem 0}
.muted{color:var(--muted)}
section.version{border-top:1px dashed var(--line);padding-top:.3rem}
body[data-field="human_input"] .field-optimized_prompt,body[data-field="optimized_prompt"] .field-human_input{display:none}
@media (max-width:600px){body{font-size:14px;padding:0 .5rem 2rem}dl.meta{grid-template-columns:1fr}nav{position:static}}
@media print{nav,.noprint{display:none}details{display:block}details>*{display:block}body{max-width:none}pre.text{break-inside:avoid}}
)css";

// Shows one field only; without scripts every field is shown.
constexpr std::string_view kScript =
    "document.querySelectorAll('input[name=field]').forEach(function(r){"
    "r.addEventListener('change',function(){document.body.setAttribute('data-field',r.value);});});";

void add(std::string& out, std::string_view s) { out.append(s); }

std::string esc(std::string_view s) { return html_escape(s); }

std::string field_key(PromptField f) { return std::string(to_string(f)); }
std::string field_title(PromptField f) { return f == PromptField::kHumanInput ? "Human input" : "Optimized prompt"; }
std::string anchor(PromptField f, int v) {
  return (f == PromptField::kHumanInput ? "input-v" : "prompt-v") + std::to_string(v);
}

// Byte offset of each code point of `s` (plus one past the end).
std::vector<std::size_t> code_point_offsets(std::string_view s) {
  std::vector<std::size_t> at;
  std::size_t i = 0;
  while (i < s.size()) {
    at.push_back(i);
    if (!detail::utf8_next(s, i)) ++i;
  }
  at.push_back(s.size());
  return at;
}

// The text with each in-range feedback span wrapped in <mark>.
std::string highlighted(const std::string& text, const std::vector<Feedback>& fbs) {
  auto cps = code_point_offsets(text);
  const std::int64_t n = static_cast<std::int64_t>(cps.size()) - 1;
  std::set<std::int64_t> cuts{0, n};
  for (const auto& f : fbs)
    if (f.start_offset >= 0 && f.start_offset < f.end_offset && f.end_offset <= n) {
      cuts.insert(f.start_offset);
      cuts.insert(f.end_offset);
    }
  std::string out;
  for (auto it = cuts.begin(); std::next(it) != cuts.end(); ++it) {
    std::int64_t a = *it, b = *std::next(it);
    std::string piece = esc(std::string_view(text).substr(cps[a], cps[b] - cps[a]));
    std::string ids, titles;
    for (const auto& f : fbs)
      if (f.start_offset <= a && b <= f.end_offset && f.start_offset < f.end_offset && f.end_offset <= n) {
        ids += (ids.empty() ? "" : " ") + f.id;
        titles += (titles.empty() ? "" : " | ") + f.feedback;
      }
    if (ids.empty())
      out += piece;
    else
      out += "<mark data-feedback=\"" + esc(ids) + "\" title=\"" + esc(titles) + "\">" + piece + "</mark>";
  }
  return out;
}

// An unchanged run shortened to its ends when long (older versions).
std::string context(std::string_view s, std::size_t keep) {
  auto cps = code_point_offsets(s);
  std::size_t n = cps.size() - 1;
  if (n <= 2 * keep) return esc(s);
  return esc(s.substr(0, cps[keep])) + "<span class=\"collapsed\"> [" + std::to_string(n - 2 * keep) +
         " unchanged characters] </span>" + esc(s.substr(cps[n - keep]));
}

std::string diff_html(const std::vector<DiffSegment>& d, std::size_t keep) {
  std::string out;
  for (const auto& seg : d) {
    switch (seg.op) {
      case DiffSegment::Op::kEqual: out += context(seg.text, keep); break;
      case DiffSegment::Op::kInsert: out += "<ins>" + esc(seg.text) + "</ins>"; break;
      case DiffSegment::Op::kDelete: out += "<del>" + esc(seg.text) + "</del>"; break;
    }
  }
  return out;
}

std::string folded(const std::string& inner_html, std::size_t bytes, std::size_t fold_over, const std::string& label) {
  std::string pre = "<pre class=\"text\">" + inner_html + "</pre>";
  if (bytes <= fold_over) return pre;
  return "<details><summary>" + esc(label) + " (" + std::to_string(bytes) + " bytes)</summary>" + pre + "</details>";
}

void feedback_list(std::string& out, const PromptVersion& v) {
  auto cps = code_point_offsets(v.text);
  const std::int64_t n = static_cast<std::int64_t>(cps.size()) - 1;
  for (const auto& f : v.feedback) {
    bool in_range = f.start_offset >= 0 && f.start_offset < f.end_offset && f.end_offset <= n;
    out += "<div class=\"fb\" id=\"fb-" + esc(f.id) + "\"><span class=\"span\">feedback " + esc(f.id) + " on [" +
           std::to_string(f.start_offset) + ".." + std::to_string(f.end_offset) + "] &ldquo;" + esc(f.text) +
           "&rdquo; at " + esc(f.created_at) + "</span>";
    if (!in_range)
      out += " <span class=\"warn\">(offsets out of range: the text has " + std::to_string(n) +
             " characters; not highlighted)</span>";
    out += "<br>" + esc(f.feedback) + "</div>";
  }
}

void versions(std::string& out, PromptField f, const std::vector<PromptVersion>& vs,
              const std::vector<std::vector<DiffSegment>>& diffs, const HtmlReportOptions& opt) {
  const std::string key = field_key(f);
  out += "<h2 class=\"field-" + key + "\" id=\"" + key + "\">" + field_title(f) + " (" + std::to_string(vs.size()) +
         (vs.size() == 1 ? " version" : " versions") + ")</h2>\n";
  if (vs.empty()) out += "<p class=\"muted field-" + key + "\">No version yet.</p>\n";
  for (std::size_t i = 0; i < vs.size(); ++i) {
    const auto& v = vs[i];
    const bool full = vs.size() - i <= opt.full_text_versions;
    out += "<section class=\"version field-" + key + "\" id=\"" + anchor(f, v.version) + "\">";
    out += "<h3>" + field_title(f) + " v" + std::to_string(v.version) + " <span class=\"muted\">seq " +
           std::to_string(v.seq) + ", " + esc(v.at) + ", " + std::to_string(v.text.size()) + " bytes</span></h3>";
    if (!v.caused_by.empty()) {
      out += "<p>In answer to feedback:";
      for (const auto& c : v.caused_by) out += " <a href=\"#fb-" + esc(c) + "\">" + esc(c) + "</a>";
      out += "</p>";
    }
    if (i > 0) {
      out += "<p class=\"muted\">Changes from v" + std::to_string(v.version - 1) + ":</p>";
      out += folded(diff_html(diffs[i - 1], full ? opt.diff_context * 4 : opt.diff_context), v.text.size(),
                    opt.fold_over_bytes, "changes");
    }
    if (full)
      out += folded(highlighted(v.text, v.feedback), v.text.size(), opt.fold_over_bytes,
                    (i > 0 ? "full text" : "text"));
    else if (i == 0)
      out += "<p class=\"collapsed\">Text of this early version not inlined (" + std::to_string(v.text.size()) +
             " bytes); see pjournal show --at " + std::to_string(v.seq) + ".</p>";
    feedback_list(out, v);
    out += "</section>\n";
  }
}

std::string row(std::string_view k, const std::string& v_html) {
  return "<dt>" + esc(k) + "</dt><dd>" + v_html + "</dd>";
}

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\0': out += "&#xFFFD;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_audit_html(const AuditReport& r, const HtmlReportOptions& opt) {
  const auto& id = r.history.session_id;
  std::string out;
  out.reserve(64 * 1024);
  add(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
           "script-src 'unsafe-inline'; img-src data:\">");
  out += "<title>Audit of " + esc(id) + "</title><style>";
  add(out, kStyle);
  add(out, "</style></head>\n<body data-field=\"all\">\n<header>");
  out += "<h1>Audit of session " + esc(id) + "</h1><dl class=\"meta\">";
  out += row("created", esc(r.head.created_at));
  out += row("model", esc(r.head.config.get("model_name") && r.head.config.get("model_name")->is_string()
                              ? std::string(r.head.config.get("model_name")->get_string())
                              : "-"));
  out += row("task type", esc(r.head.config.get("task_type") && r.head.config.get("task_type")->is_string()
                                  ? std::string(r.head.config.get("task_type")->get_string())
                                  : "-"));
  out += row("events", std::to_string(r.integrity.events));
  out += row("last change", esc(r.integrity.head.at));
  out += row("head hash", "<code>" + esc(r.integrity.head.hash) + "</code>");
  std::string verdict = r.integrity.ok() ? "<span class=\"ok\">verified</span> (every hash recomputed, chain intact, " +
                                               std::to_string(r.integrity.snapshots_checked) + " snapshots agree)"
                                         : "<span class=\"bad\">PROBLEMS FOUND</span>";
  out += row("integrity", verdict) + "</dl>";
  if (!r.integrity.problems.empty()) {
    out += "<ul class=\"warn\">";
    for (const auto& p : r.integrity.problems) {
      out += "<li>" + esc(to_string(p.kind)) + ": " + esc(p.where.path);
      if (p.where.line) out += " line " + std::to_string(*p.where.line);
      if (p.where.offset) out += " (byte " + std::to_string(*p.where.offset) + ")";
      out += ": " + esc(p.reason) + "</li>";
    }
    out += "</ul>";
  }
  out += "</header>\n<nav><span class=\"noprint\">Show: <label><input type=\"radio\" name=\"field\" value=\"all\" checked> both</label>"
         "<label><input type=\"radio\" name=\"field\" value=\"human_input\"> human input</label>"
         "<label><input type=\"radio\" name=\"field\" value=\"optimized_prompt\"> optimized prompt</label></span><br>";
  for (auto f : {PromptField::kHumanInput, PromptField::kOptimizedPrompt}) {
    out += "<span class=\"field-" + field_key(f) + "\">" + field_title(f) + ":";
    const auto& vs = r.history.versions(f);
    std::size_t first = vs.size() > 30 ? vs.size() - 30 : 0;
    if (first > 0) out += " <a href=\"#" + anchor(f, 1) + "\">v1</a> &hellip;";
    for (std::size_t i = first; i < vs.size(); ++i)
      out += " <a href=\"#" + anchor(f, vs[i].version) + "\">v" + std::to_string(vs[i].version) + "</a>";
    out += "</span><br>";
  }
  out += "<a href=\"#timeline\">timeline</a></nav>\n<main>\n";
  versions(out, PromptField::kHumanInput, r.history.human_input, r.human_input_diffs, opt);
  versions(out, PromptField::kOptimizedPrompt, r.history.optimized_prompt, r.optimized_prompt_diffs, opt);
  out += "<h2 id=\"timeline\">Timeline (" + std::to_string(r.history.timeline.size()) + " events)</h2>\n";
  const bool long_timeline = r.history.timeline.size() > 200;
  if (long_timeline) out += "<details><summary>Show all events</summary>";
  out += "<ol class=\"timeline\">";
  for (const auto& e : r.history.timeline)
    out += "<li value=\"" + std::to_string(e.seq) + "\"><span class=\"muted\">" + esc(e.at) + "</span> " +
           esc(e.summary) + "</li>\n";
  out += "</ol>";
  if (long_timeline) out += "</details>";
  out += "</main>\n<script>";
  add(out, kScript);
  out += "</script>\n</body></html>\n";
  return out;
}

std::string audit_html(SessionManager& manager, const std::string& session_id, const HtmlReportOptions& options) {
  return render_audit_html(audit_session(manager, session_id), options);
}

}  // namespace promptjournal
