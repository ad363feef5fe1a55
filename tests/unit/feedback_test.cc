#include "promptjournal/feedback.h"

#include <boost/test/unit_test.hpp>

#include "promptjournal/errors.h"
#include "promptjournal/session_manager.h"
#include "test_util.h"

using namespace promptjournal;

namespace {

Feedback span(std::string text, std::int64_t start, std::int64_t end) {
  return Feedback(std::move(text), start, end, "comment");
}

std::string mismatch(const Feedback& f, std::string_view prompt) {
  return feedback_span_mismatch(f, prompt).value_or("fits");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(feedback)

BOOST_AUTO_TEST_CASE(a_span_fits_when_its_text_is_what_the_code_points_cover) {
  const std::string prompt = "You are a classifier. Answer 🙂 or 🙁.";
  BOOST_TEST(mismatch(span("classifier", 10, 20), prompt) == "fits");
  BOOST_TEST(mismatch(span("🙂 or 🙁", 29, 35), prompt) == "fits");  // code points, not bytes
  BOOST_TEST(mismatch(span("", 36, 36), prompt) == "fits");            // empty, at the very end
  BOOST_TEST(mismatch(span("", 0, 0), "") == "fits");
}

BOOST_AUTO_TEST_CASE(a_span_that_does_not_fit_says_why) {
  const std::string prompt = "You are a classifier.";
  BOOST_TEST(mismatch(span("classifier", 9, 19), prompt) == R"(the span [9..19] covers " classifie", not "classifier")");
  BOOST_TEST(mismatch(span("x", 100, 200), prompt) ==
             "the span [100..200] goes past the end of the prompt (21 code points)");
  BOOST_TEST(mismatch(span("", 21, 22), prompt) == "the span [21..22] goes past the end of the prompt (21 code points)");
  BOOST_TEST(mismatch(span("x", -1, 1), prompt) == "the span [-1..1] is not 0 <= start <= end");
  BOOST_TEST(mismatch(span("x", 5, 4), prompt) == "the span [5..4] is not 0 <= start <= end");
  BOOST_TEST(feedback_span_mismatch(span("x", 0, 1), std::nullopt).value_or("").find("no optimized prompt") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(add_feedback_refuses_a_negative_or_reversed_span_and_writes_nothing) {
  pjtest::TempDir root;
  SessionManager m(root.path());
  auto s = m.create_session("s", "in", Config());
  for (auto [start, end] : {std::pair<std::int64_t, std::int64_t>{-1, 3}, {5, 4}, {-7, -2}}) {
    try {
      s->add_feedback(span("t", start, end));
      BOOST_FAIL("accepted [" << start << ".." << end << "]");
    } catch (const JournalError& e) {
      BOOST_TEST((e.kind() == ErrorKind::kInvalidArgument));
      BOOST_TEST(std::string(e.what()).find("0 <= start_offset <= end_offset") != std::string::npos, e.what());
    }
  }
  BOOST_TEST(s->version() == 1u);
  BOOST_TEST(m.journal("s")->head().seq == 1u);
  s->add_feedback(span("t", 3, 3));  // empty spans are spans
  s->add_feedback(span("t", 0, INT64_MAX));  // whether it fits a prompt is the caller's check
  BOOST_TEST(s->version() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()
