#include "promptjournal/event.h"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "promptjournal/errors.h"
#include "test_util.h"

using namespace promptjournal;
namespace json = boost::json;

namespace {

Event make_event(EventData data, std::uint64_t seq = 1, std::string prev = std::string(kGenesisHash)) {
  Event e;
  e.seq = seq;
  e.at = "2026-11-24T12:12:24.352944Z";
  e.session_id = "s.1";
  e.data = std::move(data);
  e.prev = std::move(prev);
  return e;
}

std::string strip_newline(const std::string& line) { return line.substr(0, line.size() - 1); }

}  // namespace

BOOST_AUTO_TEST_SUITE(event)

BOOST_AUTO_TEST_CASE(line_layout_is_exactly_the_documented_one) {
  Event e = make_event(HumanInputUpdated{"hi \"there\""});
  std::string line = encode_event_line(e);
  std::string body = R"({"v":1,"seq":1,"type":"human_input_updated","at":"2026-11-24T12:12:24.352944Z",)"
                     R"("session_id":"s.1","data":{"input":"hi \"there\""},"prev":")" +
                     std::string(kGenesisHash) + "\"";
  BOOST_TEST(line == body + ",\"hash\":\"" + pjtest::sha256_hex_of(body) + "\"}\n");
  BOOST_TEST(e.hash == pjtest::sha256_hex_of(body));
}

BOOST_AUTO_TEST_CASE(every_event_type_round_trips) {
  Config cfg(json::parse(R"({"model_name":"m","n":[1,2.5,{"k":null}]})").as_object());
  std::vector<EventData> all = {
      SessionCreated{"in", "2026-11-24T12:12:24.352944", cfg},
      FeedbackAdded{Feedback("id-1", "txt", 3, 7, "comment", std::string("p1"), "2026-11-24T12:12:24")},
      FeedbackAdded{Feedback("id-2", "txt", 0, 1, "c", std::nullopt, "2026-11-24T12:12:24.000001")},
      OptimizedPromptUpdated{"prompt", {"id-1", "id-2"}},
      OptimizedPromptUpdated{"prompt", {}},
      HumanInputUpdated{"new 🙂 input\r\n\t"},
      ComprehensiveFeedbackSet{json::value("## Summary")},
      IndividualFeedbacksSet{json::parse(R"([{"sample_index":0,"feedback":"ok"}])")},
      IndividualFeedbackAdded{json::parse(R"({"sample_index":1})")},
  };
  BOOST_TEST(event_type_names().size() == 7u);
  for (auto& d : all) {
    Event e = make_event(d);
    e.meta = json::object{{"import", json::object{{"sha256", "ab"}}}};
    std::string line = encode_event_line(e);
    std::string error;
    auto back = decode_event_line(strip_newline(line), true, &error);
    BOOST_REQUIRE_MESSAGE(back.has_value(), error);
    BOOST_TEST(back->type() == e.type());
    BOOST_TEST((back->data == d));
    BOOST_TEST(back->hash == e.hash);
    BOOST_TEST(json::serialize(back->meta) == json::serialize(e.meta));
  }
}

BOOST_AUTO_TEST_CASE(an_edited_line_fails_the_hash_check) {
  Event e = make_event(HumanInputUpdated{"original"});
  std::string line = strip_newline(encode_event_line(e));
  std::string edited = line;
  edited.replace(edited.find("original"), 8, "Original");
  std::string error;
  BOOST_TEST(!decode_event_line(edited, true, &error).has_value());
  BOOST_TEST(error.find("hash mismatch") != std::string::npos);
  BOOST_TEST(decode_event_line(edited, false, &error).has_value());  // only the hash catches it
}

BOOST_AUTO_TEST_CASE(malformed_lines_are_refused_with_a_reason) {
  Event e = make_event(HumanInputUpdated{"x"});
  std::string good = strip_newline(encode_event_line(e));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "does not end"},
      {good.substr(0, good.size() - 1), "does not end"},
      {"{\"v\":1 x" + good.substr(good.size() - 75), "not valid JSON"},
  };
  for (const auto& [line, want] : cases) {
    std::string error;
    BOOST_TEST(!decode_event_line(line, true, &error).has_value());
    BOOST_TEST(error.find(want) != std::string::npos, error);
  }
}

BOOST_AUTO_TEST_CASE(a_newer_format_version_is_refused) {
  Event e = make_event(HumanInputUpdated{"x"});
  e.version = kFormatVersion + 1;
  std::string error;
  BOOST_TEST(!decode_event_line(strip_newline(encode_event_line(e)), true, &error).has_value());
  BOOST_TEST(error.find("newer") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(wrong_types_in_data_name_the_field) {
  std::string body = R"({"v":1,"seq":1,"type":"feedback_added","at":"2026-11-24T12:12:24.352944Z",)"
                     R"("session_id":"s","data":{"id":"a","text":"t","start_offset":"3","end_offset":4,)"
                     R"("feedback":"f","prompt_id":null,"created_at":"x"},"prev":")" +
                     std::string(kGenesisHash) + "\"";
  std::string line = body + ",\"hash\":\"" + pjtest::sha256_hex_of(body) + "\"}";
  std::string error;
  BOOST_TEST(!decode_event_line(line, true, &error).has_value());
  BOOST_TEST(error.find("start_offset") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(keys_out_of_order_are_refused) {
  std::string body = R"({"seq":1,"v":1,"type":"human_input_updated","at":"2026-11-24T12:12:24.352944Z",)"
                     R"("session_id":"s","data":{"input":"x"},"prev":")" + std::string(kGenesisHash) + "\"";
  std::string error;
  BOOST_TEST(!decode_event_line(body + ",\"hash\":\"" + pjtest::sha256_hex_of(body) + "\"}", true, &error));
  BOOST_TEST(error.find("unexpected key") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_refused_before_it_reaches_a_line) {
  Event e = make_event(HumanInputUpdated{std::string("bad \xff\xfe byte")});
  try {
    encode_event_line(e);
    BOOST_FAIL("expected an error");
  } catch (const JournalError& err) {
    BOOST_TEST((err.kind() == ErrorKind::kInvalidArgument));
    BOOST_TEST(std::string(err.what()).find("UTF-8") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(an_event_over_the_line_limit_is_refused) {
  Event e = make_event(HumanInputUpdated{std::string(kMaxLineBytes, 'a')});
  try {
    encode_event_line(e);
    BOOST_FAIL("expected an error");
  } catch (const JournalError& err) {
    BOOST_TEST((err.kind() == ErrorKind::kTooLarge));
  }
}

BOOST_AUTO_TEST_SUITE_END()
