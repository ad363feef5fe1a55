// A journal written by format version 1, frozen in tests/data: every later
// build must still read it to the same state, and its bytes must satisfy the
// rules of docs/FORMAT.md checked here independently of the library's reader.
#include <boost/filesystem.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "promptjournal/session_manager.h"
#include "test_util.h"

using namespace promptjournal;
namespace json = boost::json;

namespace {

constexpr const char* kHead = "30a10c6d3a0ea742c8ca8347f56a8058b86f14d66dccff3b5403abefbf72644d";

std::string copy_of_v1_root(const pjtest::TempDir& tmp) {
  boost::filesystem::create_directories(tmp / "golden-v1");
  boost::filesystem::copy_file(pjtest::data_path("format-v1/golden-v1/events.jsonl"),
                               tmp / "golden-v1/events.jsonl");
  return tmp.path();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(format_compat)

BOOST_AUTO_TEST_CASE(a_version_1_journal_still_reads_to_the_same_state) {
  pjtest::TempDir tmp;
  ManagerOptions opt;
  opt.snapshot_every = 0;
  SessionManager m(copy_of_v1_root(tmp), opt);
  auto s = m.get_session("golden-v1");
  BOOST_REQUIRE(s);
  BOOST_TEST(s->version() == 8u);
  BOOST_TEST(s->position().hash == kHead);
  std::string golden = pjtest::read_file(pjtest::data_path("format-v1-golden-v1.to_dict.json"));
  BOOST_TEST(json::serialize(s->to_dict()) + "\n" == golden);
}

BOOST_AUTO_TEST_CASE(a_version_1_journal_satisfies_the_documented_byte_rules) {
  auto lines = pjtest::read_lines(pjtest::data_path("format-v1/golden-v1/events.jsonl"));
  BOOST_REQUIRE(lines.size() == 8u);
  std::string prev(64, '0');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    // line = body ,"hash":"<64 hex>"}  and hash = SHA-256(body)
    BOOST_REQUIRE(line.size() > 75u);
    std::string body = line.substr(0, line.size() - 75);
    BOOST_TEST(line.substr(line.size() - 75, 9) == ",\"hash\":\"");
    BOOST_TEST(line.substr(line.size() - 2) == "\"}");
    std::string hash = line.substr(line.size() - 66, 64);
    BOOST_TEST(hash == pjtest::sha256_hex_of(body));
    auto o = json::parse(line).as_object();
    BOOST_TEST(o.at("v").as_int64() == 1);
    BOOST_TEST(o.at("seq").as_int64() == static_cast<std::int64_t>(i + 1));
    BOOST_TEST(o.at("prev").as_string() == prev);
    BOOST_TEST(o.at("at").as_string().size() == 27u);
    prev = hash;
  }
  BOOST_TEST(prev == kHead);
}

BOOST_AUTO_TEST_SUITE_END()
