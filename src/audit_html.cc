#include "promptjournal/audit_html.h"

#include <algorithm>
#include <map>
#include <set>

#include "utf8.h"

namespace promptjournal {

namespace {

// Pure CSS: the page carries no script at all (its CSP forbids every script),
// so the one-field switch is radio buttons and :has().
constexpr std::string_view kStyle = R"css(
:root{--fg:#1d1d1f;--muted:#5f6368;--line:#d0d4da;--bg:#fff;--ins:#e6f4ea;--del:#fce8e6;--mark:#fff3bf}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;padding:0 1rem 3rem;max-width:72rem}
header{border-bottom:2px solid var(--line);padding:1rem 0}
h1{font-size:1.4rem;margin:.2rem 0;overflow-wrap:anywhere}
h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid var(--line)}
h3{font-size:1rem;margin:1.2rem 0 .3rem;overflow-wrap:anywhere}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.5rem 0}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0;overflow-wrap:anywhere;min-width:0}
.ok{color:#137333;font-weight:600}.bad{color:#b3261e;font-weight:600}
nav{position:sticky;top:0;background:var(--bg);border-bottom:1px solid var(--line);padding:.4rem 0;z-index:1;max-height:40vh;overflow:auto}
nav a{margin-right:.5rem;white-space:nowrap}
nav label{margin-right:.8rem;white-space:nowrap}
ol.index{columns:16rem;font-size:.9em;padding-left:3rem}
pre.text{white-space:pre-wrap;overflow-wrap:anywhere;background:#f8f9fa;border:1px solid var(--line);border-radius:4px;padding:.6rem;font:13px/1.45 ui-monospace,"DejaVu Sans Mono",monospace;margin:.3rem 0}
ins{background:var(--ins);text-decoration:underline;text-decoration-thickness:2px}
del{background:var(--del);text-decoration:line-through}
ins::before{content:"[+";font-size:.75em;color:#137333}ins::after{content:"+]";font-size:.75em;color:#137333}
del::before{content:"[-";font-size:.75em;color:#b3261e}del::after{content:"-]";font-size:.75em;color:#b3261e}
mark{background:var(--mark);border-bottom:2px solid #e0a800;color:inherit}
sup.ref{font:600 .7em system-ui,sans-serif;color:#8a6100}
sup.ref a{color:inherit}
.fb{border-left:3px solid #e0a800;padding:.2rem .6rem;margin:.3rem 0;background:#fffdf3;overflow-wrap:anywhere}
.fb .span{color:var(--muted);font-size:.9em}
.fb .n{font-weight:600;color:#8a6100}
.fb .comment{white-space:pre-wrap}
.warn{color:#b3261e}
.collapsed{color:var(--muted);font-style:italic}
.label{color:var(--muted);margin:.6rem 0 0}
.stats{color:var(--muted);font-size:.9em}
ol.timeline{padding-left:3.5rem;font-size:.92em;overflow-wrap:anywhere}
ol.timeline li{margin:.1rem 0}
ol.timeline a{color:inherit;text-decoration-color:#9aa0a6}
.type{font:12px ui-monospace,"DejaVu Sans Mono",monospace;color:var(--muted)}
.muted{color:var(--muted)}
section.version{border-top:1px dashed var(--line);padding-top:.3rem}
:target{scroll-margin-top:6rem;outline:2px solid #e0a800}
body:has(#show-human_input:checked) .field-optimized_prompt,body:has(#show-optimized_prompt:checked) .field-human_input{display:none}
@media (max-width:600px){body{font-size:14px;padding:0 .5rem 2rem}nav{position:static;max-height:none}ol.timeline{padding-left:2.5rem}}
@media print{nav,.noprint{display:none}body{max-width:none;font-size:11pt}pre.text{border-color:#999}section.version{break-inside:avoid-page}h2,h3{break-after:avoid}a{color:inherit}}
)css";

// The navigation links this many versions of a field; the index under the
// field's heading links them all.
constexpr std::size_t kNavVersions = 30;

std::string esc(std::string_view s) { return html_escape(s); }

std::string field_key(PromptField f) { return std::string(to_string(f)); }
std::string field_title(PromptField f) { return f == PromptField::kHumanInput ? "Human input" : "Optimized prompt"; }
std::string anchor(PromptField f, int v) {
  return (f == PromptField::kHumanInput ? "input-v" : "prompt-v") + std::to_string(v);
}
// Feedback anchors use the event's seq: feedback ids are user text and may repeat.
std::string feedback_anchor(std::uint64_t seq) { return "fb-" + std::to_string(seq); }

// Byte offset of each code point of `s` (plus one past the end); a code point
// is what Python's str indexes, so offsets count the same characters.
std::vector<std::size_t> code_point_offsets(std::string_view s) {
  std::vector<std::size_t> at;
  at.reserve(s.size() + 1);
  std::size_t i = 0;
  while (i < s.size()) {
    at.push_back(i);
    if (!detail::utf8_next(s, i)) ++i;
  }
  at.push_back(s.size());
  return at;
}

std::size_t code_points(std::string_view s) { return code_point_offsets(s).size() - 1; }

bool in_range(const Feedback& f, std::int64_t n) {
  return f.start_offset >= 0 && f.start_offset < f.end_offset && f.end_offset <= n;
}

// The seq of the i-th feedback of a version (its anchor); the model keeps them
// side by side.
std::uint64_t feedback_seq(const PromptVersion& v, std::size_t i) {
  return i < v.feedback_seqs.size() ? v.feedback_seqs[i] : v.seq;
}

// The text with each in-range feedback span wrapped in <mark>, and a numbered
// reference to its note where the span ends. Overlapping spans are cut at
// every boundary so each piece is marked with all the feedback covering it.
std::string highlighted(const PromptVersion& v) {
  const std::string& text = v.text;
  const auto cps = code_point_offsets(text);
  const std::int64_t n = static_cast<std::int64_t>(cps.size()) - 1;
  std::set<std::int64_t> cuts{0, n};
  for (const auto& f : v.feedback)
    if (in_range(f, n)) {
      cuts.insert(f.start_offset);
      cuts.insert(f.end_offset);
    }
  std::string out;
  for (auto it = cuts.begin(); std::next(it) != cuts.end(); ++it) {
    const std::int64_t a = *it, b = *std::next(it);
    std::string piece = esc(std::string_view(text).substr(cps[a], cps[b] - cps[a]));
    std::string ids, titles, refs;
    for (std::size_t i = 0; i < v.feedback.size(); ++i) {
      const auto& f = v.feedback[i];
      if (!in_range(f, n)) continue;
      if (f.start_offset <= a && b <= f.end_offset) {
        ids += (ids.empty() ? "" : " ") + f.id;
        titles += (titles.empty() ? "" : " | ") + f.feedback;
      }
      if (f.end_offset == b)
        refs += "<sup class=\"ref\"><a href=\"#" + feedback_anchor(feedback_seq(v, i)) + "\">[" +
                std::to_string(i + 1) + "]</a></sup>";
    }
    if (ids.empty())
      out += piece;
    else
      out += "<mark data-feedback=\"" + esc(ids) + "\" title=\"" + esc(titles) + "\">" + piece + "</mark>";
    out += refs;
  }
  return out;
}

// An unchanged run shortened to its ends when long.
std::string context(std::string_view s, std::size_t keep) {
  const auto cps = code_point_offsets(s);
  const std::size_t n = cps.size() - 1;
  if (n <= 2 * keep) return esc(s);
  return esc(s.substr(0, cps[keep])) + "<span class=\"collapsed\"> [" + std::to_string(n - 2 * keep) +
         " unchanged characters] </span>" + esc(s.substr(cps[n - keep]));
}

// A changed run cut at `max` code points, so one rewrite of a huge prompt
// cannot blow up the page.
std::string changed(std::string_view s, std::size_t max) {
  const auto cps = code_point_offsets(s);
  const std::size_t n = cps.size() - 1;
  if (n <= max) return esc(s);
  return esc(s.substr(0, cps[max])) + "<span class=\"collapsed\"> [&hellip; " + std::to_string(n - max) +
         " more characters] </span>";
}

struct DiffStats {
  std::size_t inserted = 0, deleted = 0;
};

DiffStats stats(const std::vector<DiffSegment>& d) {
  DiffStats s;
  for (const auto& seg : d) {
    if (seg.op == DiffSegment::Op::kInsert) s.inserted += code_points(seg.text);
    if (seg.op == DiffSegment::Op::kDelete) s.deleted += code_points(seg.text);
  }
  return s;
}

std::string diff_html(const std::vector<DiffSegment>& d, std::size_t keep, std::size_t max_changed) {
  std::string out;
  for (const auto& seg : d) {
    switch (seg.op) {
      case DiffSegment::Op::kEqual: out += context(seg.text, keep); break;
      case DiffSegment::Op::kInsert: out += "<ins>" + changed(seg.text, max_changed) + "</ins>"; break;
      case DiffSegment::Op::kDelete: out += "<del>" + changed(seg.text, max_changed) + "</del>"; break;
    }
  }
  return out;
}

// A <pre> of `inner_html`, folded in <details> when the text is long.
std::string folded(const std::string& inner_html, std::size_t bytes, std::size_t fold_over, const std::string& label,
                   bool open) {
  std::string pre = "<pre class=\"text\">" + inner_html + "</pre>";
  if (bytes <= fold_over) return "<p class=\"label\">" + esc(label) + ":</p>" + pre;
  return std::string(open ? "<details open>" : "<details>") + "<summary>" + esc(label) + " (" +
         std::to_string(bytes) + " bytes)</summary>" + pre + "</details>";
}

// What the span covers, when it is not the text the feedback quotes.
std::string span_mismatch(const Feedback& f, const std::vector<std::size_t>& cps, std::string_view text) {
  std::string_view covered = text.substr(cps[f.start_offset], cps[f.end_offset] - cps[f.start_offset]);
  if (f.text.empty() || covered == f.text) return "";
  return " <span class=\"warn\">(the span covers &ldquo;<bdi>" + changed(covered, 80) +
         "</bdi>&rdquo;, not the quoted text)</span>";
}

// The notes of a version; many are folded, open when the version is shown in full.
std::string feedback_notes(const PromptVersion& v, std::size_t fold_over_notes, bool open) {
  const auto cps = code_point_offsets(v.text);
  const std::int64_t n = static_cast<std::int64_t>(cps.size()) - 1;
  std::string out;
  for (std::size_t i = 0; i < v.feedback.size(); ++i) {
    const auto& f = v.feedback[i];
    out += "<div class=\"fb\" id=\"" + feedback_anchor(feedback_seq(v, i)) + "\"><span class=\"n\">[" +
           std::to_string(i + 1) + "]</span> <span class=\"span\">feedback <bdi>" + esc(f.id) + "</bdi> (seq " +
           std::to_string(feedback_seq(v, i)) + ", " + esc(f.created_at) + ") on characters " +
           std::to_string(f.start_offset) + "&ndash;" + std::to_string(f.end_offset) + " &ldquo;<bdi>" +
           changed(f.text, 200) + "</bdi>&rdquo;</span>";
    if (!in_range(f, n))
      out += " <span class=\"warn\">(offsets out of range: the text has " + std::to_string(n) +
             " characters; not highlighted)</span>";
    else
      out += span_mismatch(f, cps, v.text);
    out += "<div class=\"comment\" dir=\"auto\">" + esc(f.feedback) + "</div></div>";
  }
  if (v.feedback.size() > fold_over_notes)
    out = std::string(open ? "<details open>" : "<details>") + "<summary>" + std::to_string(v.feedback.size()) +
          " feedback notes</summary>" + out + "</details>";
  return out;
}

// Feedback id -> anchor of its (first) note, for the lineage links.
std::map<std::string, std::string> feedback_anchors(const SessionHistory& h) {
  std::map<std::string, std::string> out;
  for (const auto* list : {&h.human_input, &h.optimized_prompt})
    for (const auto& v : *list)
      for (std::size_t i = 0; i < v.feedback.size(); ++i)
        out.emplace(v.feedback[i].id, feedback_anchor(feedback_seq(v, i)));
  return out;
}

std::string lineage(const PromptVersion& v, const std::map<std::string, std::string>& anchors) {
  if (v.caused_by.empty()) return "";
  std::string out = "<p>In answer to feedback:";
  for (const auto& c : v.caused_by) {
    auto it = anchors.find(c);
    if (it != anchors.end())
      out += " <a href=\"#" + it->second + "\">" + esc(c) + "</a>";
    else
      out += " " + esc(c) + " <span class=\"muted\">(not in this session)</span>";
  }
  return out + "</p>";
}

// One version's section. `full`: inline its whole text; `budget_left`: whether
// the page still has room for an old version's diff.
std::string version_html(PromptField f, const std::vector<PromptVersion>& vs, std::size_t i,
                         const std::vector<std::vector<DiffSegment>>& diffs, bool full, bool budget_left,
                         const std::map<std::string, std::string>& anchors, const HtmlReportOptions& opt) {
  const auto& v = vs[i];
  const bool latest = i + 1 == vs.size();
  std::string out = "<section class=\"version field-" + field_key(f) + "\" id=\"" + anchor(f, v.version) + "\">";
  out += "<h3>" + field_title(f) + " v" + std::to_string(v.version) + (latest ? " (current)" : "") +
         " <span class=\"muted\">seq " + std::to_string(v.seq) + ", " + esc(v.at) + ", " +
         std::to_string(v.text.size()) + " bytes</span></h3>";
  out += lineage(v, anchors);
  if (i > 0 && i - 1 < diffs.size()) {
    const auto s = stats(diffs[i - 1]);
    const std::string label = "Changes from v" + std::to_string(vs[i - 1].version) + " (+" +
                              std::to_string(s.inserted) + " / \u2212" + std::to_string(s.deleted) + " characters)";
    if (full || budget_left) {
      const std::size_t keep = full ? opt.diff_context * 4 : opt.diff_context;
      const std::size_t max_changed = full ? std::string::npos : opt.diff_max_changed;
      std::string d = diff_html(diffs[i - 1], keep, max_changed);
      out += folded(d, d.size(), opt.fold_over_bytes, label, full);  // open where the text is shown too
    } else {
      out += "<p class=\"stats\">" + esc(label) + " &mdash; diff not inlined (page size limit); see pjournal diff.</p>";
    }
  }
  if (full)
    out += folded(highlighted(v), v.text.size(), opt.fold_over_bytes,
                  "Text of v" + std::to_string(v.version) + (v.feedback.empty() ? "" : ", feedback highlighted"),
                  latest);
  out += feedback_notes(v, opt.fold_over_notes, full);
  return out + "</section>\n";
}

// Every version of a field, one link each, folded: the way to reach versions
// the navigation leaves out.
std::string version_index(PromptField f, const std::vector<PromptVersion>& vs) {
  std::string out = "<details class=\"field-" + field_key(f) + "\"><summary>index of all " +
                    std::to_string(vs.size()) + " versions</summary><ol class=\"index\">";
  for (const auto& v : vs)
    out += "<li><a href=\"#" + anchor(f, v.version) + "\">v" + std::to_string(v.version) + "</a> <span class=\"muted\">seq " +
           std::to_string(v.seq) + ", " + esc(v.at) + ", " + std::to_string(v.text.size()) + " bytes</span></li>";
  return out + "</ol></details>\n";
}

// Every version of a field. Sections are made newest first so that, on a
// page over budget, it is the oldest diffs that are left out.
void versions(std::string& out, PromptField f, const std::vector<PromptVersion>& vs,
              const std::vector<std::vector<DiffSegment>>& diffs, const std::map<std::string, std::string>& anchors,
              std::size_t& spent, const HtmlReportOptions& opt) {
  const std::string key = field_key(f);
  out += "<h2 class=\"field-" + key + "\" id=\"" + key + "\">" + field_title(f) + " (" + std::to_string(vs.size()) +
         (vs.size() == 1 ? " version" : " versions") + ")</h2>\n";
  if (vs.empty()) out += "<p class=\"muted field-" + key + "\">No version yet.</p>\n";
  std::vector<std::string> sections(vs.size());
  for (std::size_t k = vs.size(); k-- > 0;) {
    // The first version is the baseline every diff builds on: always in full.
    const bool full = k == 0 || vs.size() - k <= opt.full_text_versions;
    sections[k] = version_html(f, vs, k, diffs, full, spent < opt.page_budget_bytes, anchors, opt);
    spent += sections[k].size();
  }
  if (vs.size() > kNavVersions) out += version_index(f, vs);
  if (vs.size() > opt.full_text_versions + 1)
    out += "<p class=\"muted field-" + key + "\">Full text shown for v1 and the newest " +
           std::to_string(opt.full_text_versions) + " versions; the others show their changes.</p>\n";
  for (auto& s : sections) out += s;
}

std::string row(std::string_view k, const std::string& v_html) {
  return "<dt>" + esc(k) + "</dt><dd>" + v_html + "</dd>";
}

std::string config_string(const SessionState& s, std::string_view key) {
  const auto* v = s.config.get(key);
  return v && v->is_string() ? std::string(v->get_string()) : "-";
}

void header(std::string& out, const AuditReport& r) {
  out += "<header><h1>Audit of session " + esc(r.history.session_id) + "</h1><dl class=\"meta\">";
  out += row("created", esc(r.head.created_at));
  out += row("model", esc(config_string(r.head, "model_name")));
  out += row("task type", esc(config_string(r.head, "task_type")));
  out += row("events", std::to_string(r.integrity.events));
  out += row("last change", esc(r.integrity.head.at));
  out += row("head hash", "<code>" + esc(r.integrity.head.hash) + "</code>");
  const auto snaps = r.integrity.snapshots_checked;
  const std::string snap_note = snaps == 0 ? "no snapshot to compare"
                                           : std::to_string(snaps) + (snaps == 1 ? " snapshot agrees" : " snapshots agree");
  out += row("integrity", r.integrity.ok() ? "<span class=\"ok\">verified</span> (every hash recomputed, chain intact, " +
                                                 snap_note + ")"
                                           : "<span class=\"bad\">PROBLEMS FOUND</span> (the history below stops at "
                                             "the first damage)");
  out += "</dl>";
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
  if (!r.integrity.cut_aside.empty()) {
    out += "<ul class=\"warn\">";
    for (const auto& c : r.integrity.cut_aside)
      out += "<li>cut aside: " + esc(c.path) + ": " + std::to_string(c.bytes) + " bytes that stood at byte " +
             std::to_string(c.offset) + " of the journal, removed by a writer (a torn or damaged tail; not history)</li>";
    out += "</ul>";
  }
  out += "</header>\n";
}

std::string version_links(PromptField f, const std::vector<PromptVersion>& vs, std::size_t first) {
  std::string out;
  for (std::size_t i = first; i < vs.size(); ++i)
    out += " <a href=\"#" + anchor(f, vs[i].version) + "\">v" + std::to_string(vs[i].version) + "</a>";
  return out;
}

// Links to the newest versions of each field, the field switch and the timeline.
void navigation(std::string& out, const AuditReport& r) {
  out += "<nav><div class=\"noprint\">Show:";
  for (const char* value : {"all", "human_input", "optimized_prompt"}) {
    const std::string v = value;
    const std::string label = v == "all" ? "both fields" : v == "human_input" ? "human input" : "optimized prompt";
    out += " <label><input type=\"radio\" name=\"field\" id=\"show-" + v + "\"" + (v == "all" ? " checked" : "") +
           "> " + label + "</label>";
  }
  out += "</div>";
  for (auto f : {PromptField::kHumanInput, PromptField::kOptimizedPrompt}) {
    const auto& vs = r.history.versions(f);
    out += "<div class=\"field-" + field_key(f) + "\">" + field_title(f) + ":";
    if (vs.size() > kNavVersions)
      out += " <a href=\"#" + anchor(f, vs[0].version) + "\">v1</a> &hellip;" +
             version_links(f, vs, vs.size() - kNavVersions) + " <a href=\"#" + field_key(f) + "\">all " +
             std::to_string(vs.size()) + "</a>";
    else
      out += version_links(f, vs, 0);
    out += "</div>";
  }
  out += "<div><a href=\"#timeline\">timeline</a></div></nav>\n";
}

// At most `max` code points of `s` on one line, escaped: newlines and tabs as
// spaces, "..." when cut.
std::string one_line(std::string_view s, std::size_t max) {
  const auto cps = code_point_offsets(s);
  const std::size_t n = cps.size() - 1;
  std::string line(s.substr(0, cps[std::min(n, max)]));
  std::replace_if(line.begin(), line.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  return esc(line) + (n > max ? "&hellip;" : "");
}

// User text inside a line of other text, isolated so right-to-left text
// cannot reorder the numbers around it.
std::string quoted(std::string_view s, std::size_t max) { return "&ldquo;<bdi>" + one_line(s, max) + "</bdi>&rdquo;"; }

struct TimelineLink {
  std::string anchor;
  std::string summary_html;
};

// seq -> the version or feedback note the event made, with a summary built
// from the model (the library's summary is one string, which cannot isolate
// its quoted parts).
std::map<std::uint64_t, TimelineLink> event_links(const SessionHistory& h) {
  std::map<std::uint64_t, TimelineLink> out;
  for (auto f : {PromptField::kHumanInput, PromptField::kOptimizedPrompt})
    for (const auto& v : h.versions(f)) {
      out.emplace(v.seq, TimelineLink{anchor(f, v.version), field_title(f) + " v" + std::to_string(v.version) + ": " +
                                                                quoted(v.text, 60)});
      for (std::size_t i = 0; i < v.feedback.size(); ++i) {
        const auto& fb = v.feedback[i];
        out.emplace(feedback_seq(v, i),
                    TimelineLink{feedback_anchor(feedback_seq(v, i)),
                                 "feedback on " + quoted(fb.text, 30) + " [" + std::to_string(fb.start_offset) + ".." +
                                     std::to_string(fb.end_offset) + "]: " + quoted(fb.feedback, 60)});
      }
    }
  return out;
}

void timeline(std::string& out, const AuditReport& r, const HtmlReportOptions& opt) {
  const auto& t = r.history.timeline;
  const auto links = event_links(r.history);
  out += "<h2 id=\"timeline\">Timeline (" + std::to_string(t.size()) + " events)</h2>\n";
  out += std::string(t.size() > opt.timeline_open_max ? "<details>" : "<details open>") +
         "<summary>every event, oldest first</summary><ol class=\"timeline\">";
  for (const auto& e : t) {
    auto it = links.find(e.seq);
    out += "<li value=\"" + std::to_string(e.seq) + "\" id=\"e" + std::to_string(e.seq) + "\"><span class=\"muted\">" +
           esc(e.at) + "</span> <span class=\"type\">" + esc(e.type) + "</span> ";
    out += it == links.end() ? "<bdi>" + esc(e.summary) + "</bdi>"
                             : "<a href=\"#" + it->second.anchor + "\">" + it->second.summary_html + "</a>";
    out += "</li>\n";
  }
  out += "</ol></details>\n";
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
  std::string out;
  out.reserve(64 * 1024);
  // The CSP comes first: nothing may load, and no script may run, even if
  // some text escaped the escaping.
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "img-src data:; base-uri 'none'; form-action 'none'\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<meta name=\"generator\" content=\"promptjournal\">";
  out += "<title>Audit of " + esc(r.history.session_id) + "</title><style>";
  out += kStyle;
  out += "</style></head>\n<body>\n";
  header(out, r);
  navigation(out, r);
  out += "<main>\n";
  timeline(out, r, opt);
  const auto anchors = feedback_anchors(r.history);
  std::size_t spent = out.size();
  versions(out, PromptField::kHumanInput, r.history.human_input, r.human_input_diffs, anchors, spent, opt);
  versions(out, PromptField::kOptimizedPrompt, r.history.optimized_prompt, r.optimized_prompt_diffs, anchors, spent,
           opt);
  out += "</main>\n</body></html>\n";
  return out;
}

std::string audit_html(SessionManager& manager, const std::string& session_id, const HtmlReportOptions& options) {
  return render_audit_html(audit_session(manager, session_id), options);
}

}  // namespace promptjournal
