// Unit tests of the HTML audit report builder: escaping, code-point spans,
// diff marks, navigation and the bounds on large sessions.
#define BOOST_TEST_MODULE HTML audit report tests
#include <boost/test/unit_test.hpp>

#include "html_fixture.h"

using namespace promptjournal;

namespace {

std::size_t count(const std::string& s, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = s.find(needle); at != std::string::npos; at = s.find(needle, at + 1)) ++n;
  return n;
}

bool has(const std::string& page, const std::string& needle) { return page.find(needle) != std::string::npos; }

// The text of the element opened by `open_tag` (up to the next '<').
std::string after(const std::string& page, const std::string& open_tag) {
  auto at = page.find(open_tag);
  if (at == std::string::npos) return "<missing " + open_tag + ">";
  at += open_tag.size();
  return page.substr(at, page.find('<', at) - at);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(html, HtmlFixture)

BOOST_AUTO_TEST_CASE(html_escape_covers_the_five_special_characters_and_nul) {
  BOOST_TEST(html_escape("<a href=\"x\" title='y'>&</a>") ==
             "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  BOOST_TEST(html_escape(std::string("a\0b", 3)) == "a&#xFFFD;b");
  BOOST_TEST(html_escape("plain text, é 漢字") == "plain text, é 漢字");
}

BOOST_AUTO_TEST_CASE(the_page_has_no_script_and_a_policy_forbidding_scripts) {
  std::string page = hostile();
  BOOST_TEST(count(page, "<script") == 0u);
  BOOST_TEST(has(page, "content=\"default-src 'none'; style-src 'unsafe-inline';"));
  BOOST_TEST(!has(page, "script-src"));  // so default-src 'none' covers scripts
  // The policy is the first thing in <head>, before any user text.
  BOOST_TEST(page.find("Content-Security-Policy") < page.find("hostile"));
}

BOOST_AUTO_TEST_CASE(script_tags_in_prompts_input_and_comments_render_as_text) {
  std::string page = hostile();
  const std::string escaped =
      "&lt;script&gt;document.body.setAttribute(&#39;data-pwned&#39;,&#39;1&#39;);window.__pwned=1&lt;/script&gt;";
  // Human input v1 and v2, prompt v1 and v2 (text and diff), the comment, the lineage id.
  BOOST_TEST(count(page, escaped) >= 6u, count(page, escaped));
  BOOST_TEST(has(page, "&lt;script&gt;alert(&#39;model&#39;)&lt;/script&gt;"));
}

BOOST_AUTO_TEST_CASE(closing_tags_and_comments_in_user_text_cannot_end_an_element) {
  std::string page = hostile();
  for (auto tag : {"</textarea>", "</title></style>", "<!--", "]]>"})
    BOOST_TEST(!has(page, tag), tag);
  BOOST_TEST(has(page, "&lt;/textarea&gt;&lt;/title&gt;&lt;/style&gt;&lt;!-- ]]&gt;"));
  BOOST_TEST(has(page, "&lt;/pre&gt;&lt;script&gt;"));
  BOOST_TEST(count(page, "</style>") == 1u);  // the page's own
  BOOST_TEST(count(page, "<style>") == 1u);
}

BOOST_AUTO_TEST_CASE(quotes_cannot_leave_an_attribute) {
  std::string page = hostile();
  BOOST_TEST(!has(page, "onmouseover=\"alert"));
  BOOST_TEST(!has(page, "onerror=\""));
  BOOST_TEST(has(page, "&quot; onmouseover=&quot;alert(1)"));
  // The hostile feedback id, shown in the note and the title, stays text.
  BOOST_TEST(has(page, "feedback <bdi>&quot;&gt;&lt;script&gt;alert(&#39;id&#39;)&lt;/script&gt;</bdi> (seq 4"));
  BOOST_TEST(has(page, "&quot;&gt;&lt;style&gt;body{display:none}&lt;/style&gt;&lt;img src=x onerror="));
}

BOOST_AUTO_TEST_CASE(javascript_links_are_never_links) {
  std::string page = hostile();
  BOOST_TEST(!has(page, "href=\"javascript:"));
  BOOST_TEST(!has(page, "href='javascript:"));
  BOOST_TEST(has(page, "&lt;a href=&quot;javascript:document.body"));
  // A caused_by naming no feedback of the session is plain text, not a link.
  BOOST_TEST(has(page, " javascript:alert(1)&lt;script&gt;"));
  BOOST_TEST(has(page, "(not in this session)"));
  // Every href is a fragment of this page.
  for (auto at = page.find("href=\""); at != std::string::npos; at = page.find("href=\"", at + 1))
    BOOST_TEST(page.substr(at, 7) == "href=\"#", page.substr(at, 40));
}

BOOST_AUTO_TEST_CASE(the_page_is_self_contained) {
  std::string page = hostile();
  for (auto external : {"src=\"", "src='", "@import", "url(", "<link", "<iframe", "<object", "<embed", "<img"})
    BOOST_TEST(!has(page, external), external);
}

BOOST_AUTO_TEST_CASE(the_header_names_the_session_and_its_integrity) {
  std::string page = hostile();
  BOOST_TEST(has(page, "<h1>Audit of session hostile</h1>"));
  BOOST_TEST(has(page, "<dt>events</dt><dd>6</dd>"));
  BOOST_TEST(has(page, "<span class=\"ok\">verified</span>"));
  BOOST_TEST(has(page, "no snapshot to compare"));
  const auto info = m->session_info("hostile");
  BOOST_TEST(has(page, "<code>" + info.head_hash + "</code>"));
}

BOOST_AUTO_TEST_CASE(combining_marks_joined_emoji_and_cjk_are_highlighted_on_code_points) {
  std::string page = unicode();
  BOOST_TEST(after(page, "<mark data-feedback=\"f-accent\" title=\"accent\">") == "e\u0301");
  BOOST_TEST(after(page, "<mark data-feedback=\"f-family\" title=\"family\">") == "👨‍👩‍👧");
  // Overlapping spans: 漢字 carries both feedbacks, テキスト only the wide one.
  BOOST_TEST(after(page, "<mark data-feedback=\"f-cjk f-wide\" title=\"kanji | wide\">") == "漢字");
  BOOST_TEST(after(page, "<mark data-feedback=\"f-wide\" title=\"wide\">") == "テキスト");
}

BOOST_AUTO_TEST_CASE(each_highlight_ends_with_a_numbered_link_to_its_note) {
  std::string page = unicode();
  // f-accent is the 1st note of prompt v1; its event is seq 3.
  BOOST_TEST(has(page, "e\u0301</mark><sup class=\"ref\"><a href=\"#fb-3\">[1]</a></sup>"));
  BOOST_TEST(has(page, "<div class=\"fb\" id=\"fb-3\"><span class=\"n\">[1]</span>"));
  BOOST_TEST(has(page, "<div class=\"comment\" dir=\"auto\">accent</div>"));
  // Spans ending together get both references.
  BOOST_TEST(has(page, "テキスト</mark><sup class=\"ref\"><a href=\"#fb-6\">[4]</a></sup>"));
}

BOOST_AUTO_TEST_CASE(out_of_range_offsets_are_listed_and_not_highlighted) {
  std::string page = unicode();
  for (auto id : {"f-past", "f-neg", "f-back", "f-huge"}) {
    BOOST_TEST(!has(page, std::string("data-feedback=\"") + id), id);
    BOOST_TEST(has(page, std::string("feedback <bdi>") + id + "</bdi> ("), id);
  }
  BOOST_TEST(count(page, "offsets out of range: the text has 22 characters") == 4u);
  BOOST_TEST(has(page, "on characters 0&ndash;9223372036854775807"));
}

BOOST_AUTO_TEST_CASE(a_span_over_other_text_than_it_quotes_is_flagged) {
  std::string page = unicode();
  BOOST_TEST(count(page, "not the quoted text") == 1u);
  BOOST_TEST(has(page, "(the span covers &ldquo;<bdi>Caf</bdi>&rdquo;, not the quoted text)"));
}

BOOST_AUTO_TEST_CASE(user_text_in_lines_is_isolated_so_rtl_cannot_reorder_offsets) {
  std::string page = corpus();
  // The Arabic feedback's timeline line: quoted text and comment in <bdi>,
  // so "[234..241]" stays in order next to right-to-left text.
  BOOST_TEST(has(page, "feedback on &ldquo;<bdi>العربية</bdi>&rdquo; [234..241]: &ldquo;<bdi>"));
  BOOST_TEST(has(page, " &ldquo;<bdi>العربية</bdi>&rdquo;</span>"));
}

BOOST_AUTO_TEST_CASE(the_corpus_sample_highlights_the_characters_python_counted) {
  std::string page = corpus();
  BOOST_TEST(has(page, "\">🙂👍🏽</mark>"));
  BOOST_TEST(has(page, "\">« guillemets »</mark>"));
  BOOST_TEST(has(page, "\">C:\\Users\\me\\notes.txt\tcol2\r\nLigne CRLF.</mark>"));
  BOOST_TEST(has(page, "\">العربية</mark>"));
  BOOST_TEST(count(page, "<mark ") == 4u);
  BOOST_TEST(!has(page, "not the quoted text"));
}

BOOST_AUTO_TEST_CASE(changes_are_marked_with_ins_and_del_not_colour_alone) {
  std::string page = hostile();
  BOOST_TEST(has(page, "<del>v1</del><ins>v2</ins>"));
  BOOST_TEST(has(page, "<del>more</del><ins>less</ins>"));
  BOOST_TEST(has(page, "Changes from v1 (+6 / \u221210 characters)"));
  BOOST_TEST(has(page, "ins::before{content:\"[+\"") );
  BOOST_TEST(has(page, "del{background:var(--del);text-decoration:line-through}"));
}

BOOST_AUTO_TEST_CASE(lineage_and_timeline_link_to_the_versions_and_notes) {
  std::string page = hostile();
  BOOST_TEST(has(page, "In answer to feedback: <a href=\"#fb-3\">f-script</a>"));
  BOOST_TEST(has(page, "id=\"fb-3\""));
  BOOST_TEST(has(page, "<li value=\"2\" id=\"e2\">"));
  BOOST_TEST(has(page, "<a href=\"#prompt-v1\">Optimized prompt v1: &ldquo;<bdi>v1 &lt;script&gt;"));
  BOOST_TEST(has(page, "<a href=\"#fb-4\">feedback"));
  BOOST_TEST(has(page, "<a href=\"#input-v2\">"));
  BOOST_TEST(has(page, "Timeline (6 events)</h2>\n<details open>"));
}

BOOST_AUTO_TEST_CASE(every_version_has_an_anchor_a_link_and_a_field_switch) {
  std::string page = hostile();
  for (auto a : {"input-v1", "input-v2", "prompt-v1", "prompt-v2"}) {
    BOOST_TEST(has(page, std::string("id=\"") + a + "\""), a);
    BOOST_TEST(has(page, std::string("href=\"#") + a + "\""), a);
  }
  BOOST_TEST(has(page, "<input type=\"radio\" name=\"field\" id=\"show-optimized_prompt\">"));
  BOOST_TEST(has(page, "body:has(#show-human_input:checked) .field-optimized_prompt"));
  BOOST_TEST(has(page, "<section class=\"version field-human_input\" id=\"input-v1\">"));
  BOOST_TEST(has(page, "@media print{"));
  BOOST_TEST(has(page, "@media (max-width:600px)"));
}

BOOST_AUTO_TEST_CASE(the_current_version_is_marked_and_open) {
  std::string page = hostile();
  BOOST_TEST(has(page, "Optimized prompt v2 (current)"));
  BOOST_TEST(!has(page, "Optimized prompt v1 (current)"));
}

BOOST_AUTO_TEST_CASE(a_large_session_gives_a_bounded_page) {
  std::string page = large();
  // Inlining every version would take 200 x 50 KB and the state of every event
  // 10,000 x 50 KB; the page holds v1 and the newest 20 in full, short diffs,
  // the 9,800 notes folded per version, and the timeline folded.
  BOOST_TEST(page.size() < 8u * 1024 * 1024, page.size());
  const std::string lorem = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Lorem";
  BOOST_TEST(count(page, lorem) < 30u * 900);
  BOOST_TEST(count(page, lorem) > 21u * 800);  // v1 and the newest 20 are all there
  BOOST_TEST(has(page, "Optimized prompt (200 versions)"));
  BOOST_TEST(has(page, "Full text shown for v1 and the newest 20 versions"));
  BOOST_TEST(has(page, "Timeline (10000 events)</h2>\n<details>"));
  BOOST_TEST(has(page, "unchanged characters]"));
  BOOST_TEST(has(page, "<summary>49 feedback notes</summary>"));
  BOOST_TEST(has(page, "<summary>Text of v1, feedback highlighted (51240 bytes)</summary>"));
  BOOST_TEST(has(page, "<details open><summary>Text of v200, feedback highlighted"));
  BOOST_TEST(has(page, "<summary>index of all 200 versions</summary>"));
  BOOST_TEST(has(page, "<a href=\"#optimized_prompt\">all 200</a>"));
}

BOOST_AUTO_TEST_CASE(past_the_page_budget_old_diffs_become_one_line_summaries) {
  HtmlReportOptions o;
  o.page_budget_bytes = 1;
  std::string page = large(o);
  // Only the 20 newest versions beyond v1 keep their diff.
  BOOST_TEST(count(page, "diff not inlined (page size limit)") == 179u);
  BOOST_TEST(has(page, "Changes from v1 (+"));
}

BOOST_AUTO_TEST_CASE(a_huge_rewrite_is_cut_in_old_diffs) {
  auto s = m->create_session("rewrite", "in", Config());
  s->update_optimized_prompt(std::string(10000, 'a'));
  s->update_optimized_prompt(std::string(10000, 'b'));
  s->update_optimized_prompt("c");
  HtmlReportOptions o;
  o.full_text_versions = 1;
  std::string page = audit_html(*m, "rewrite", o);
  BOOST_TEST(has(page, "<ins>" + std::string(2000, 'b') + "<span class=\"collapsed\"> [&hellip; 8000 more characters]"));
  BOOST_TEST(has(page, "Changes from v1 (+10000 / \u221210000 characters)"));
}

BOOST_AUTO_TEST_CASE(a_damaged_journal_is_reported_first_and_the_page_still_renders) {
  auto s = m->create_session("damaged", "input one", Config());
  s->update_optimized_prompt("prompt one");
  s->update_optimized_prompt("prompt two");
  s.reset();
  m = std::make_unique<SessionManager>(root.path(), opt);  // no cached handle
  // Change one character inside the second event: its hash no longer matches.
  const std::string path = root / "damaged/events.jsonl";
  std::string bytes = pjtest::read_file(path);
  const auto at = bytes.find("prompt one");
  BOOST_REQUIRE(at != std::string::npos);
  bytes[at] = 'P';
  pjtest::write_file(path, bytes);
  std::string page = audit_html(*m, "damaged");
  BOOST_TEST(has(page, "<span class=\"bad\">PROBLEMS FOUND</span>"));
  BOOST_TEST(has(page, "<ul class=\"warn\"><li>corrupt: "));
  BOOST_TEST(has(page, "line 2"));
  BOOST_TEST(page.find("PROBLEMS FOUND") < page.find("Human input (1 version)"));
}

BOOST_AUTO_TEST_CASE(an_unknown_session_throws_not_found) {
  try {
    audit_html(*m, "nope");
    BOOST_FAIL("no exception");
  } catch (const JournalError& e) {
    BOOST_TEST(static_cast<int>(e.kind()) == static_cast<int>(ErrorKind::kNotFound));
  }
}

BOOST_AUTO_TEST_SUITE_END()
