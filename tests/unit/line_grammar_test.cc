// The reader enforces docs/FORMAT.md's byte grammar: a line is an event only
// if it is exactly the canonical encoding of that event. Every case here
// carries a valid, recomputed hash, so only the grammar can refuse it.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "promptjournal/config.h"
#include "promptjournal/errors.h"
#include "promptjournal/event.h"
#include "promptjournal/promptomatix.h"
#include "test_util.h"

using namespace promptjournal;
namespace json = boost::json;

namespace {

// A valid line (without '\n') of a session_created event with a config.
std::string valid_line() {
  Event e;
  e.seq = 1;
  e.at = "2026-11-24T12:12:24.352944Z";
  e.session_id = "s.1";
  e.prev = std::string(kGenesisHash);
  e.data = SessionCreated{"in", "2026-11-24T12:12:24.352944",
                          Config(json::parse(R"({"model_name":"m","t":0.7,"n":[1,2]})").as_object())};
  std::string line = encode_event_line(e);
  line.pop_back();
  return line;
}

// `body` (a line without its hash field) with a correct hash field appended.
std::string rehashed(const std::string& body) {
  return body + ",\"hash\":\"" + pjtest::sha256_hex_of(body) + "\"}";
}

// The line without its hash field (the final 75 bytes before the '\n').
std::string body_of(const std::string& line) { return line.substr(0, line.size() - 75); }

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "no '" << from << "' in " << s);
  return s.replace(at, from.size(), to);
}

bool decodes(const std::string& line, std::string* error = nullptr) {
  std::string e;
  bool ok = decode_event_line(line, true, &e).has_value();
  if (error) *error = e;
  return ok;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(line_grammar)

BOOST_AUTO_TEST_CASE(the_unchanged_line_and_its_rehash_decode) {
  std::string line = valid_line();
  BOOST_TEST(decodes(line));
  BOOST_TEST(rehashed(body_of(line)) == line);  // the helpers are right
}

BOOST_AUTO_TEST_CASE(lines_not_in_canonical_form_do_not_decode_even_with_a_valid_hash) {
  const std::string body = body_of(valid_line());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"white space in the envelope", replaced(body, "{\"v\":1,", "{\"v\": 1,")},
      {"white space before the envelope", " " + body},
      {"white space in data", replaced(body, "\"model_name\":\"m\"", "\"model_name\": \"m\"")},
      {"a duplicate v", replaced(body, "{\"v\":1,", "{\"v\":7,\"v\":1,")},
      {"a duplicate seq", replaced(body, "\"seq\":1,", "\"seq\":99,\"seq\":1,")},
      {"an empty meta", replaced(body, ",\"data\":", ",\"meta\":{},\"data\":")},
      {"a duplicate key in data", replaced(body, "{\"initial_human_input\":\"in\",",
                                           "{\"initial_human_input\":\"x\",\"initial_human_input\":\"in\",")},
      {"a duplicate key in config", replaced(body, "\"model_name\":\"m\"", "\"model_name\":\"x\",\"model_name\":\"m\"")},
      {"an unknown key in data", replaced(body, "{\"initial_human_input\"", "{\"extra\":1,\"initial_human_input\"")},
      {"a number beyond doubles", replaced(body, "\"n\":[1,2]", "\"n\":[1,1e400]")},
      {"an integer beyond 64 bits", replaced(body, "\"n\":[1,2]", "\"n\":[1,18446744073709551616]")},
      {"a number spelled another way", replaced(body, "\"t\":7E-1", "\"t\":0.7")},
      {"a double spelled as a decimal", replaced(body, "\"n\":[1,2]", "\"n\":[1,2.0]")},
      {"a negative zero integer", replaced(body, "\"n\":[1,2]", "\"n\":[-0,2]")},
      {"an escaped letter", replaced(body, "\"in\"", "\"\\u0069n\"")},
      {"an escaped slash", replaced(body, "\"model_name\":\"m\"", "\"model_name\":\"\\/m\"")},
      {"an invalid reserved object", replaced(body, "\"n\":[1,2]", "\"n\":{\"$pj.float\":\"0, \\\"x\\\": 1\"}")},
      {"a reserved int that fits 64 bits", replaced(body, "\"n\":[1,2]", "\"n\":{\"$pj.int\":\"5\"}")},
      {"an at that is no time", replaced(body, "2026-11-24T12:12:24.352944Z", "xxxxxxxxxxxxxxxxxxxxxxxxxxZ")},
      {"month 13", replaced(body, "2026-11-24T12:12:24.352944Z", "2026-13-24T12:12:24.352944Z")},
      {"February 30", replaced(body, "2026-11-24T12:12:24.352944Z", "2026-02-30T12:12:24.352944Z")},
      {"year 0", replaced(body, "2026-11-24T12:12:24.352944Z", "0000-11-24T12:12:24.352944Z")},
      {"hour 24", replaced(body, "2026-11-24T12:12:24.352944Z", "2026-11-24T24:12:24.352944Z")},
  };
  for (const auto& [what, bad_body] : cases) {
    std::string error;
    BOOST_TEST(!decodes(rehashed(bad_body), &error), what << " decoded");
    BOOST_TEST(!error.empty(), what);
  }
  // A leap day exists.
  std::string leap = rehashed(replaced(body, "2026-11-24T12:12:24.352944Z", "2024-02-29T23:59:59.999999Z"));
  std::string error;
  BOOST_TEST(decodes(leap, &error), error);
}

BOOST_AUTO_TEST_CASE(a_line_deeper_than_the_nesting_limit_does_not_decode_and_cannot_be_written) {
  std::string deep(600, '[');
  deep += std::string(600, ']');
  std::string body = replaced(body_of(valid_line()), "\"n\":[1,2]", "\"n\":" + deep);
  BOOST_TEST(!decodes(rehashed(body)));
  json::value v = json::array();
  for (int i = 0; i < 600; ++i) v = json::array{v};
  BOOST_CHECK_THROW(Config().set("deep", v), JournalError);
  json::value ok = json::array();
  for (int i = 0; i < 400; ++i) ok = json::array{ok};
  BOOST_CHECK_NO_THROW(Config().set("deep", ok));
}

BOOST_AUTO_TEST_CASE(reserved_objects_must_hold_exactly_a_python_number_literal) {
  auto refused = [](const char* text) {
    try {
      Config c(json::parse(text).as_object());
      return false;
    } catch (const JournalError& e) {
      return e.kind() == ErrorKind::kInvalidArgument && e.reason().find("reserved") != std::string::npos;
    }
  };
  BOOST_TEST(refused(R"({"x":{"$pj.float":"0, \"injected_key\": \"evil\""}})"));
  BOOST_TEST(refused(R"({"x":{"$pj.float":"1.5"}})"));
  BOOST_TEST(refused(R"({"x":{"$pj.float":1}})"));
  BOOST_TEST(refused(R"({"x":[{"$pj.int":"5"}]})"));
  BOOST_TEST(refused(R"({"x":{"$pj.int":"-9223372036854775808"}})"));  // fits int64
  BOOST_TEST(refused(R"({"x":{"$pj.int":"018446744073709551616"}})"));
  BOOST_TEST(refused(R"({"x":{"$pj.int":"18446744073709551616 "}})"));
  BOOST_TEST(!refused(R"({"x":{"$pj.float":"NaN"},"y":{"$pj.float":"-Infinity"}})"));
  BOOST_TEST(!refused(R"({"x":{"$pj.int":"18446744073709551616"},"y":{"$pj.int":"-9223372036854775809"}})"));
  BOOST_TEST(!refused(R"({"x":{"$pj.float":"oops","other":1}})"));  // two members: ordinary data
}

BOOST_AUTO_TEST_CASE(an_exporter_never_writes_a_reserved_objects_string_raw) {
  json::value injected = json::parse(R"({"x":{"$pj.float":"0, \"injected_key\": \"evil\""}})");
  std::string out = python_json_dump(injected);
  BOOST_TEST(out.find("\"injected_key\": \"evil\"") == std::string::npos, out);
  // What Python would read back is the same one-key object.
  json::value back = parse_python_json(out, nullptr);
  BOOST_TEST(back == injected);
  BOOST_TEST(python_json_dump(json::parse(R"({"x":{"$pj.int":"-18446744073709551616"}})")) ==
             "{\n  \"x\": -18446744073709551616\n}");
}

BOOST_AUTO_TEST_SUITE_END()
