// Issue 14 at the command line: a journal damaged before a valid snapshot is
// corrupt for verify and for every write command alike; errors after a
// snapshot name the line verify names; a journal converted to CRLF is not an
// absent session that create may cut aside.
#include <sys/wait.h>

#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <functional>
#include <map>
#include <regex>

#include "cli_fixture.h"
#include "test_util.h"

namespace {

namespace bfs = boost::filesystem;

struct Damaged : Cli {
  std::string events = root + "/s/events.jsonl";

  // The reproduction of the issue: create, 4 x set-input, snapshot (at seq 5).
  void make() {
    ok("create s --input v1");
    for (int i = 2; i <= 5; ++i) ok("set-input s --text v" + std::to_string(i));
    ok("snapshot s");
  }
  std::vector<std::string> lines() const { return pjtest::read_lines(events); }
  void put(const std::vector<std::string>& lines, const std::string& end = "\n") {
    std::string s;
    for (const auto& l : lines) s += l + end;
    pjtest::write_file(events, s);
  }
  std::map<std::string, std::string> files() const {
    std::map<std::string, std::string> out;
    for (const auto& e : bfs::directory_iterator(root + "/s"))
      out[e.path().filename().string()] = pjtest::read_file(e.path().string());
    return out;
  }
};

// The line number after "events.jsonl:" (verify) or "line " (an error), or 0.
unsigned long line_named(const std::string& text) {
  std::smatch m;
  if (std::regex_search(text, m, std::regex("events\\.jsonl:([0-9]+)")) ||
      std::regex_search(text, m, std::regex("line ([0-9]+)")))
    return std::stoul(m[1]);
  return 0;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(damaged_history_cli, Damaged)

BOOST_AUTO_TEST_CASE(no_write_command_extends_a_journal_verify_calls_corrupt) {
  const std::pair<const char*, std::function<void(std::vector<std::string>&)>> cases[] = {
      {"data v2 -> X2 (sed -i '2s/\"v2\"/\"X2\"/')", [](auto& l) { l[1].replace(l[1].find("\"v2\""), 4, "\"X2\""); }},
      {"a flipped byte in hash", [](auto& l) { l[1][l[1].size() - 10] ^= 0x01; }},
      {"a flipped byte in prev", [](auto& l) { l[1][l[1].size() - 85] ^= 0x01; }},
      {"lines 2 and 3 swapped", [](auto& l) { std::swap(l[1], l[2]); }},
      {"a 0xFF byte", [](auto& l) { l[1][l[1].find("\"v2\"") + 1] = static_cast<char>(0xFF); }},
  };
  for (const auto& [what, damage] : cases) {
    bfs::remove_all(root);
    make();
    auto l = lines();
    BOOST_REQUIRE(l.size() == 5u);
    damage(l);
    put(l);
    const auto before = files();
    Result v = run("verify s");
    BOOST_TEST(v.rc == 1, what);
    const unsigned long line = line_named(v.out);
    BOOST_TEST(line == 2u, what << ": " << v.out);
    for (const std::string write : {"set-input s --text v6", "set-prompt s --text p", "set-input s --text v6 --expect-seq 5",
                                    "feedback s --text v --start 0 --end 1 --feedback f --force", "snapshot s",
                                    "create s --input again"}) {
      Result w = run(write);
      BOOST_TEST(w.rc == 1, what << ": " << write << " exited " << w.rc << ": " << w.out << w.err);
      BOOST_TEST(line_named(w.err) == line, what << ": " << write << ": " << w.err);
    }
    BOOST_TEST((files() == before), what << ": a refused write changed the session folder");
    // Reading trusts the valid snapshot (docs/FORMAT.md): show opens at seq 5.
    BOOST_TEST(run("show s").out.find("\"v5\"") != std::string::npos, what);
  }
}

BOOST_AUTO_TEST_CASE(a_writer_and_verify_name_the_same_line_after_a_snapshot) {
  make();
  auto l = lines();
  l.push_back(l.back());
  put(l);
  Result v = run("verify s");
  BOOST_TEST(v.rc == 1);
  BOOST_TEST(line_named(v.out) == 6u, v.out);
  Result w = run("set-input s --text v6");
  BOOST_TEST(w.rc == 1);
  BOOST_TEST(line_named(w.err) == 6u, w.err);
  Result s = run("show s");  // reads from the snapshot at seq 5 on
  BOOST_TEST(s.rc == 1);
  BOOST_TEST(line_named(s.err) == 6u, s.err);
}

BOOST_AUTO_TEST_CASE(create_refuses_an_id_whose_journal_was_converted_to_crlf) {
  make();
  put(lines(), "\r\n");
  const auto before = files();
  Result v = run("verify s");
  BOOST_TEST(v.rc == 1);
  BOOST_TEST(line_named(v.out) == 1u, v.out);
  BOOST_TEST(v.out.find("corrupt") != std::string::npos, v.out);
  Result c = run("create s --input new");
  BOOST_TEST(c.rc == 1, c.out << c.err);
  BOOST_TEST(c.err.find("CRLF") != std::string::npos, c.err);
  BOOST_TEST((files() == before), "create moved bytes aside");
  BOOST_TEST(run("show s").rc == 1);
}

BOOST_AUTO_TEST_SUITE_END()
