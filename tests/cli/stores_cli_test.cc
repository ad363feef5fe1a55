// pjournal and store locations (issue 16): --root takes a folder, file://PATH
// or postgresql://URL; copy moves sessions between stores byte-exact and
// resumes; a password on the command line is refused.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

#include "cli_fixture.h"
#include "test_util.h"

namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(stores_cli)

BOOST_FIXTURE_TEST_CASE(copy_to_another_folder_is_byte_exact_and_verify_gives_the_same_head, Cli) {
  make_session();
  ok("create s2 --input 'second'");
  const std::string other = dir / "other";
  Result r = ok("--json copy --to 'file://" + other + "'");
  json::array all = json::parse(r.out).as_array();
  BOOST_REQUIRE(all.size() == 2u);
  BOOST_TEST(all[0].at("session_id").as_string() == "s1");
  BOOST_TEST(all[0].at("copied").as_int64() == 4);
  BOOST_TEST(pjtest::read_file(journal()) == pjtest::read_file(other + "/s1/events.jsonl"));
  Result here = ok("--json verify s1");
  Cli copy;
  copy.root = other;
  Result there = copy.ok("--json verify s1");
  BOOST_TEST(json::parse(here.out).as_array()[0].at("head_hash").as_string() ==
             json::parse(there.out).as_array()[0].at("head_hash").as_string());
  // Again: nothing to copy, both already there.
  Result again = ok("copy --to '" + other + "'");
  BOOST_TEST(again.out.find("0 events copied, 4 already there") != std::string::npos);
  BOOST_TEST(again.out.find("2 of 2 sessions copied") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(copy_refuses_a_destination_with_another_history_and_goes_on_with_the_rest, Cli) {
  make_session();
  ok("create s2 --input 'second'");
  Cli other;
  other.ok("create s1 --input 'not the same session'");
  const std::string before = pjtest::read_file(other.journal());
  Result r = run("copy --to '" + other.root + "'");
  BOOST_TEST(r.rc == 1);
  BOOST_TEST(r.err.find("'s1' not copied") != std::string::npos);
  BOOST_TEST(r.err.find("another history") != std::string::npos);
  BOOST_TEST(pjtest::read_file(other.journal()) == before);
  BOOST_TEST(r.out.find("1 of 2 sessions copied") != std::string::npos);
  // Named alone, the one error is the command's error.
  Result one = run("copy s1 --to '" + other.root + "'");
  BOOST_TEST(one.rc == 1);
  BOOST_TEST(one.err.find("another history") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(copy_needs_a_destination_and_known_sessions, Cli) {
  make_session();
  BOOST_TEST(run("copy").rc == 2);
  BOOST_TEST(run("copy nope --to '" + (dir / "x") + "'").rc == 1);
  Result help = ok("copy --help");
  BOOST_TEST(help.out.find("byte-exact") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_file_url_root_is_the_folder, Cli) {
  root = "file://" + (dir / "sessions");
  make_session();
  BOOST_TEST(pjtest::read_lines(dir / "sessions/s1/events.jsonl").size() == 4u);
  BOOST_TEST(ok("verify s1").out.find("ok ") == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_password_on_the_command_line_is_refused_before_any_connection, Cli) {
  for (const std::string url : {"postgresql://u:secret@localhost/db", "postgres://u:secret@h:5/db?sslmode=disable",
                                "postgresql://h/db?password=secret"}) {
    root = url;
    Result r = run("list");
    BOOST_TEST(r.rc == 2, url);
    BOOST_TEST(r.err.find("PGPASSFILE") != std::string::npos);
    BOOST_TEST(r.err.find("secret") == std::string::npos);
    Result c = run("copy --to '" + url + "'");
    BOOST_TEST(c.rc == 2);
  }
}

BOOST_FIXTURE_TEST_CASE(an_unknown_scheme_is_an_error_not_a_folder, Cli) {
  root = "mysql://host/db";
  Result r = run("create s --input x");
  BOOST_TEST(r.rc == 1);
  BOOST_TEST(r.err.find("mysql://") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(salvage_is_for_file_journals, Cli) {
  root = "postgresql://localhost/nodb";
  Result r = run("salvage s1");
  BOOST_TEST(r.rc == 2);
  BOOST_TEST(r.err.find("file journals only") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
