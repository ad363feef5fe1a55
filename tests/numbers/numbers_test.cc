// Every double Python writes reads back bit-identical, wherever JSON is read:
// the JSON reader itself, Python's dialect, journal lines, snapshots, and
// import -> export. The expected bits come from Python (gen_doubles.py, run by
// the pj_numbers_table fixture), not from this library.
#define BOOST_TEST_MODULE numbers
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "json_read.h"
#include "promptjournal/event.h"
#include "promptjournal/promptomatix.h"
#include "promptjournal/session_manager.h"
#include "promptjournal/snapshot.h"
#include "promptjournal/verify.h"
#include "test_util.h"

namespace json = boost::json;
using namespace promptjournal;

namespace {

std::uint64_t bits_of(double d) {
  std::uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

struct Number {
  std::string text;
  std::uint64_t bits;
};

std::string env(const char* name) {
  const char* v = std::getenv(name);
  BOOST_REQUIRE_MESSAGE(v && *v, name << " is not set (ctest sets it; run through ctest)");
  return v;
}

// The table gen_doubles.py wrote, read once.
const std::vector<Number>& table() {
  static const std::vector<Number> numbers = [] {
    std::vector<Number> out;
    std::ifstream in(env("PJ_NUMBERS_TABLE"));
    std::string line;
    while (std::getline(in, line)) {
      auto tab = line.find('\t');
      BOOST_REQUIRE(tab != std::string::npos);
      out.push_back({line.substr(0, tab), std::stoull(line.substr(tab + 1), nullptr, 16)});
    }
    return out;
  }();
  return numbers;
}

// Counts the values of `got` whose bits differ from the table's, from `from`
// on, and reports the first few.
std::size_t mismatches(const json::array& got, std::size_t from, const char* where) {
  std::size_t bad = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const Number& want = table()[from + i];
    const json::value& v = got[i];
    if (v.is_double() && bits_of(v.get_double()) == want.bits) continue;
    if (++bad <= 5)
      BOOST_TEST_MESSAGE(where << ": " << want.text << " came back as " << json::serialize(v));
  }
  return bad;
}

json::array all_values() {
  json::array a;
  a.reserve(table().size());
  for (const auto& n : table()) {
    double d;
    std::uint64_t b = n.bits;
    std::memcpy(&d, &b, sizeof d);
    a.emplace_back(d);
  }
  return a;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_table_holds_a_million_doubles_of_every_kind) {
  const auto& t = table();
  BOOST_TEST(t.size() >= 1000000u);
  std::size_t subnormal = 0, negative_zero = 0, huge = 0, tiny = 0, long_literals = 0;
  for (const auto& n : t) {
    const std::uint64_t exponent = (n.bits >> 52) & 0x7ff;
    subnormal += exponent == 0 && (n.bits & ((std::uint64_t{1} << 52) - 1)) != 0;
    negative_zero += n.bits == std::uint64_t{1} << 63;
    huge += exponent > 2000;
    tiny += exponent > 0 && exponent < 40;
    long_literals += n.text.size() > 20;
  }
  BOOST_TEST(subnormal > 10000u);
  BOOST_TEST(negative_zero >= 1u);
  BOOST_TEST(huge > 1000u);
  BOOST_TEST(tiny > 1000u);
  BOOST_TEST(long_literals > 10000u);
}

BOOST_AUTO_TEST_CASE(every_python_number_text_reads_as_python_reads_it) {
  std::size_t bad_strict = 0, bad_python = 0;
  for (const auto& n : table()) {
    json::value v = detail::parse_json(n.text);
    if (!v.is_double() || bits_of(v.get_double()) != n.bits)
      if (++bad_strict <= 5) BOOST_TEST_MESSAGE("parse_json: " << n.text << " -> " << json::serialize(v));
    json::value p = parse_python_json(n.text, nullptr);
    if (!p.is_double() || bits_of(p.get_double()) != n.bits)
      if (++bad_python <= 5) BOOST_TEST_MESSAGE("parse_python_json: " << n.text << " -> " << json::serialize(p));
  }
  BOOST_TEST(bad_strict == 0u);
  BOOST_TEST(bad_python == 0u);
}

BOOST_AUTO_TEST_CASE(every_double_survives_a_journal_line) {
  const std::size_t kPerEvent = 20000;
  std::size_t bad = 0;
  std::string prev(64, '0');
  for (std::size_t from = 0; from < table().size(); from += kPerEvent) {
    json::array chunk;
    for (std::size_t i = from; i < std::min(table().size(), from + kPerEvent); ++i) {
      double d;
      std::memcpy(&d, &table()[i].bits, sizeof d);
      chunk.emplace_back(d);
    }
    Event e;
    e.seq = from / kPerEvent + 2;
    e.at = "2026-12-02T12:00:00.000001Z";
    e.session_id = "numbers";
    e.prev = prev;
    e.data = ComprehensiveFeedbackSet{json::value(std::move(chunk))};
    std::string line = encode_event_line(e);
    line.pop_back();  // '\n'
    std::string error;
    auto back = decode_event_line(line, true, &error);
    BOOST_REQUIRE_MESSAGE(back, error);
    const auto& value = std::get<ComprehensiveFeedbackSet>(back->data).value;
    BOOST_REQUIRE(value.is_array());
    bad += mismatches(value.get_array(), from, "journal line");
    prev = e.hash;
  }
  BOOST_TEST(bad == 0u);
}

BOOST_AUTO_TEST_CASE(every_double_survives_a_snapshot_and_a_replay) {
  pjtest::TempDir dir;
  Config config;
  config.set("values", all_values());
  {
    SessionManager m(dir.path());
    m.create_session("numbers", "Score reviews.", config);
    std::string path = m.snapshot("numbers");
    LoadedSnapshot s = load_snapshot(*default_file_system(), path, dir / "numbers/events.jsonl");
    BOOST_TEST(mismatches(s.state.config.get("values")->get_array(), 0, "snapshot") == 0u);
  }
  SessionManager reopened(dir.path());  // opens from the snapshot
  auto session = reopened.get_session("numbers");
  BOOST_REQUIRE(session);
  BOOST_TEST(reopened.snapshot_problems().empty());
  BOOST_TEST(mismatches(session->state().config.get("values")->get_array(), 0, "reopened") == 0u);
  BOOST_TEST(mismatches(reopened.state_at("numbers", 1).config.get("values")->get_array(), 0, "replay") == 0u);
  BOOST_TEST(verify_session(dir.path(), "numbers").ok());
}

BOOST_AUTO_TEST_CASE(import_then_export_gives_the_bytes_python_wrote) {
  pjtest::TempDir dir;
  SessionManager m(dir.path());
  const std::string file = env("PJ_NUMBERS_SESSION");
  auto res = import_promptomatix_file(m, file);
  BOOST_REQUIRE_MESSAGE((res.outcome == ImportResult::Outcome::kImported), res.message);
  auto state = m.get_session("numbers.exact")->state();
  BOOST_TEST(mismatches(state.config.get("values")->get_array(), 0, "import") == 0u);
  BOOST_TEST(export_promptomatix(state) == pjtest::read_file(file));
  // And once more from the journal alone, snapshots aside.
  BOOST_TEST(export_promptomatix(m.state_at("numbers.exact", res.events)) == pjtest::read_file(file));
}
