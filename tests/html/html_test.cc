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
}  // namespace

BOOST_FIXTURE_TEST_SUITE(html, HtmlFixture)

BOOST_AUTO_TEST_CASE(html_escape_covers_the_five_special_characters) {
  BOOST_TEST(html_escape("<a href=\"x\" title='y'>&</a>") ==
             "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
}

BOOST_AUTO_TEST_CASE(user_text_is_escaped_everywhere) {
  std::string page = hostile();
  // The page's own single script element, and no other.
  BOOST_TEST(count(page, "<script") == 1u);
  BOOST_TEST(page.find("&lt;script&gt;document.body.setAttribute(&#39;data-pwned&#39;,&#39;1&#39;)&lt;/script&gt;") !=
             std::string::npos);
  BOOST_TEST(page.find("</textarea>") == std::string::npos);
  BOOST_TEST(page.find("href=\"javascript:") == std::string::npos);
  BOOST_TEST(page.find("&lt;a href=&quot;javascript:alert(1)&quot;&gt;") != std::string::npos);
  BOOST_TEST(page.find("onmouseover=\"alert") == std::string::npos);  // a quote cannot leave an attribute
  BOOST_TEST(page.find("&lt;script&gt;alert(&#39;model&#39;)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_page_is_self_contained) {
  std::string page = hostile();
  for (auto external : {"src=\"http", "href=\"http", "@import", "url(", "<link", "<iframe"})
    BOOST_TEST(page.find(external) == std::string::npos, external);
  BOOST_TEST(page.find("Content-Security-Policy") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(feedback_is_highlighted_on_its_code_point_span) {
  std::string page = unicode();
  // Emoji with skin tone, guillemets with spaces, a Windows path with tab and CRLF, Arabic.
  BOOST_TEST(page.find("\">🙂👍🏽</mark>") != std::string::npos);
  BOOST_TEST(page.find("\">« guillemets »</mark>") != std::string::npos);
  BOOST_TEST(page.find("\">C:\\Users\\me\\notes.txt\tcol2\r\nLigne CRLF.</mark>") != std::string::npos);
  BOOST_TEST(page.find("\">العربية</mark>") != std::string::npos);
  BOOST_TEST(count(page, "<mark ") == 4u);
}

BOOST_AUTO_TEST_CASE(out_of_range_offsets_are_shown_as_such) {
  std::string page = hostile();
  BOOST_TEST(page.find("offsets out of range") != std::string::npos);
  BOOST_TEST(page.find("data-feedback=\"f-out\"") == std::string::npos);
  BOOST_TEST(page.find("data-feedback=\"f-script\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(changes_are_marked_with_ins_and_del_and_lineage_links_to_feedback) {
  std::string page = hostile();
  BOOST_TEST(page.find("<del>v1</del><ins>v2</ins>") != std::string::npos);
  BOOST_TEST(page.find("<del>more</del><ins>less</ins>") != std::string::npos);
  BOOST_TEST(page.find("ins::before{content:\"[+\"") != std::string::npos);  // not colour alone
  BOOST_TEST(page.find("<a href=\"#fb-f-script\">f-script</a>") != std::string::npos);
  BOOST_TEST(page.find("id=\"fb-f-script\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_version_has_an_anchor_and_a_link) {
  std::string page = hostile();
  for (auto a : {"input-v1", "prompt-v1", "prompt-v2"}) {
    BOOST_TEST(page.find(std::string("id=\"") + a + "\"") != std::string::npos, a);
    BOOST_TEST(page.find(std::string("href=\"#") + a + "\"") != std::string::npos, a);
  }
  BOOST_TEST(page.find("name=\"field\" value=\"optimized_prompt\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_large_session_gives_a_bounded_page) {
  std::string page = large();
  // Inlining the text of every event's state would take 10,000 x 50 KB; the
  // page holds the newest 20 full texts, short diffs, 9,800 feedback notes and
  // the timeline (about 5 MB, which the browser test opens).
  BOOST_TEST(page.size() < 8u * 1024 * 1024, page.size());
  BOOST_TEST(count(page, "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Lorem") < 25u * 900);
  BOOST_TEST(page.find("Optimized prompt (200 versions)") != std::string::npos);
  BOOST_TEST(page.find("Timeline (10000 events)") != std::string::npos);
  BOOST_TEST(page.find("unchanged characters]") != std::string::npos);
  BOOST_TEST(page.find("<details>") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
