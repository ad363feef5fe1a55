#include "promptjournal/history.h"

#include <boost/test/unit_test.hpp>

using promptjournal::visible_text;

BOOST_AUTO_TEST_SUITE(visible_text_suite)

BOOST_AUTO_TEST_CASE(c0_controls_and_del_are_shown_in_caret_form) {
  BOOST_TEST(visible_text("a\x1b]0;title\x07" "b") == "a^[]0;title^Gb");
  BOOST_TEST(visible_text(std::string("\0\x01\x1f\x7f", 4)) == "^@^A^_^?");
  BOOST_TEST(visible_text("1\r2") == "1^M2");
  BOOST_TEST(visible_text("1\n2\t3") == "1^J2^I3");
  BOOST_TEST(visible_text("1\n2\t3", /*keep_lines=*/true) == "1\n2\t3");
  BOOST_TEST(visible_text("1\r\n2", /*keep_lines=*/true) == "1^M\n2");
}

BOOST_AUTO_TEST_CASE(c1_controls_bidi_controls_and_invisible_characters_are_shown_as_code_points) {
  BOOST_TEST(visible_text("\xc2\x9b" "31m") == "<U+009B>31m");  // CSI
  BOOST_TEST(visible_text("\xc2\x9d" "0;t") == "<U+009D>0;t");  // OSC
  BOOST_TEST(visible_text("\xc2\x80\xc2\x9f") == "<U+0080><U+009F>");
  BOOST_TEST(visible_text("a\xe2\x80\xae" "b") == "a<U+202E>b");  // right-to-left override
  BOOST_TEST(visible_text("\xe2\x80\xaa\xe2\x81\xa6\xe2\x81\xa9\xe2\x80\x8f\xd8\x9c") ==
             "<U+202A><U+2066><U+2069><U+200F><U+061C>");
  BOOST_TEST(visible_text("\xe2\x80\x8b\xef\xbb\xbf\xe2\x80\xa8") == "<U+200B><U+FEFF><U+2028>");
  BOOST_TEST(visible_text("\xf3\xa0\x81\x81") == "<U+E0041>");  // a tag: invisible ASCII
}

BOOST_AUTO_TEST_CASE(bytes_that_are_not_utf8_are_shown_in_hex) {
  BOOST_TEST(visible_text("a\x9b" "b\xff") == "a<9B>b<FF>");
  BOOST_TEST(visible_text("\xe2\x80") == "<E2><80>");  // a truncated sequence
}

BOOST_AUTO_TEST_CASE(printable_text_joiners_and_emoji_are_unchanged) {
  for (const std::string s : {"plain ASCII ^ < >", "Grüße, 日本語, עברית", "🙂 👩\xe2\x80\x8d💻 ❤\xef\xb8\x8f",
                              "\xc2\xa0non-breaking", "a\xe2\x80\x8c" "b"})
    BOOST_TEST(visible_text(s) == s);
}

BOOST_AUTO_TEST_SUITE_END()
