// pjournal against hostile files and streams (issue 15, items 1-5, 8, 9):
// FIFOs, linked session folders, outputs aimed at journals, inputs that are
// folders or devices, a full standard output, far times and bad sessions.
// Every command runs under timeout(1): a hang fails (exit 124), never stalls.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <set>

#include "cli_fixture.h"
#include "test_util.h"

namespace json = boost::json;
namespace bfs = boost::filesystem;

namespace {

constexpr int kTimedOut = 124;  // timeout(1)

// Cli with a run that kills a hung pjournal and can send stdout elsewhere.
struct Hostile : Cli {

  // `pjournal --root ROOT ARGS` through the shell, killed after 20 s; stdout
  // goes to `out_to` when given (e.g. /dev/full), else is captured.
  Result run(const std::string& args, const std::string& out_to = "", const std::string& before = "") {
    std::string errf = dir / "stderr.txt", outf = dir / "stdout.txt";
    std::string cmd = before + "NO_COLOR=1 timeout -s KILL 20 " + PJOURNAL_BIN + " --root '" + root + "' " + args +
                      " >'" + (out_to.empty() ? outf : out_to) + "' 2>'" + errf + "'";
    int status = std::system(cmd.c_str());
    Result r;
    r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (r.rc == 137) r.rc = kTimedOut;  // killed by timeout -s KILL
    r.out = out_to.empty() ? pjtest::read_file(outf) : "";
    r.err = pjtest::read_file(errf);
    return r;
  }
  Result ok(const std::string& args) {
    Result r = run(args);
    BOOST_REQUIRE_MESSAGE(r.rc == 0, "pjournal " + args + " exited " + std::to_string(r.rc) + ": " + r.err);
    return r;
  }
  void make_session(const std::string& id) {
    ok("create " + id + " --input 'Classify reviews.'");
    ok("set-prompt " + id + " --text 'You are a classifier. Answer yes or no.'");
    ok("set-prompt " + id + " --text 'You are a sentiment classifier.'");
  }
  std::string journal(const std::string& id = "s") const { return root + "/" + id + "/events.jsonl"; }
};

std::set<std::string> names_in(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : bfs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(hostile_cli, Hostile)

BOOST_AUTO_TEST_CASE(a_fifo_named_events_jsonl_fails_every_command_without_blocking) {
  make_session("s");
  make_session("t");
  bfs::remove(journal());
  BOOST_REQUIRE(::mkfifo(journal().c_str(), 0600) == 0);
  for (const std::string& c : std::vector<std::string>{"list", "verify", "verify s", "show s", "log s", "history s", "audit s", "export s",
                        "diff s 1 2", "set-prompt s --text x", "set-input s --text x", "snapshot s", "snapshot --all",
                        "salvage s --to s2", "follow s"}) {
    Result r = run(c);
    BOOST_TEST(r.rc != kTimedOut, c << ": blocked on the FIFO");
    BOOST_TEST(r.rc == 1, c << ": exit " << r.rc << ", " << r.err);
    BOOST_TEST(has(r.err, "FIFO"), c << ": " << r.err);
  }
  // The other session is still listed.
  BOOST_TEST(has(run("list").out, "t "));
}

BOOST_AUTO_TEST_CASE(a_linked_session_folder_is_refused_and_nothing_behind_it_changes) {
  const std::string other = dir / "other";
  std::string root_here = root;
  root = other;
  make_session("s");
  root = root_here;
  pjtest::write_file(other + "/s/snapshot-00000000000000000002.json.deadbeef.tmp", "half");
  bfs::create_directories(root);
  bfs::create_directory_symlink(other + "/s", root + "/s");
  const auto before = names_in(other + "/s");
  for (const std::string& c : std::vector<std::string>{"show s", "snapshot s", "set-prompt s --text x", "verify s", "log s", "salvage s --to s2"}) {
    Result r = run(c);
    BOOST_TEST(r.rc == 1, c << ": exit " << r.rc);
    BOOST_TEST(has(r.err, "symbolic link"), c << ": " << r.err);
    BOOST_TEST(names_in(other + "/s") == before, c << ": wrote or removed a file through the link");
  }
}

BOOST_AUTO_TEST_CASE(outputs_inside_a_session_folder_are_refused_and_others_are_atomic) {
  make_session("s");
  const std::string journal_before = pjtest::read_file(journal());
  bfs::create_directory_symlink(root + "/s", dir / "link");
  for (const std::string& c : std::vector<std::string>{"export s -o '" + journal() + "'", "export s -o '" + root + "/s/new.json'",
                        "export s -o '" + root + "/../sessions/s/../s/events.jsonl'",
                        "export s -o '" + (dir / "link") + "/events.jsonl'",
                        "audit s --html '" + journal() + "'"}) {
    Result r = run(c);
    BOOST_TEST(r.rc == 1, c << ": exit " << r.rc);
    BOOST_TEST(has(r.err, "inside the sessions folder"), c << ": " << r.err);
  }
  BOOST_TEST(pjtest::read_file(journal()) == journal_before);
  BOOST_TEST(names_in(root + "/s").count("new.json") == 0u);
  // Elsewhere: written whole, no temporary file left, an existing file replaced.
  const std::string out = dir / "out";
  bfs::create_directories(out);
  pjtest::write_file(out + "/s.json", "old");
  ok("export s -o '" + out + "/s.json'");
  ok("audit s --html '" + out + "/s.html'");
  BOOST_TEST(names_in(out) == (std::set<std::string>{"s.json", "s.html"}));
  BOOST_TEST(pjtest::read_file(out + "/s.json") == ok("export s").out);
}

BOOST_AUTO_TEST_CASE(a_file_option_that_is_a_folder_a_device_or_too_big_is_an_error) {
  make_session("s");
  const std::string journal_before = pjtest::read_file(journal());
  const std::string big = dir / "big.txt";
  {
    // Sparse: 65 MiB of zeros that take no disk.
    std::FILE* f = std::fopen(big.c_str(), "w");
    BOOST_REQUIRE(f && ::ftruncate(::fileno(f), (65 << 20)) == 0);
    std::fclose(f);
  }
  for (const std::string& c : std::vector<std::string>{"set-prompt s --file '" + dir.path() + "'", "set-prompt s --file /dev/zero",
                        "set-prompt s --file /dev/null", "set-input s --file '" + big + "'",
                        "set-prompt s --file '" + (dir / "missing") + "'"}) {
    Result r = run(c);
    BOOST_TEST(r.rc == 1, c << ": exit " << r.rc);
    BOOST_TEST(has(r.err, "pjournal: error:"), c << ": " << r.err);
  }
  BOOST_TEST(has(run("set-prompt s --file '" + dir.path() + "'").err, "a folder"));
  BOOST_TEST(has(run("set-prompt s --file /dev/zero").err, "character device"));
  BOOST_TEST(has(run("set-input s --file '" + big + "'").err, "limit"));
  BOOST_TEST(pjtest::read_file(journal()) == journal_before);
  Result imp = run("import /dev/zero");
  BOOST_TEST(imp.rc == 1);
  BOOST_TEST(has(imp.out + imp.err, "character device"), imp.out + imp.err);
  // A pipe is a file a user may name.
  Result piped = run("set-prompt s --file /dev/stdin", "", "printf 'from a pipe' | ");
  BOOST_TEST(piped.rc == 0, piped.err);
  BOOST_TEST(has(ok("show s").out, "from a pipe"));
}

BOOST_AUTO_TEST_CASE(a_full_standard_output_is_an_error_naming_it) {
  make_session("s");
  for (const std::string& c : std::vector<std::string>{"export s", "show s", "log s", "list", "history s", "audit s", "verify", "diff s 1 2",
                        "--json list", "snapshot s", "--help"}) {
    Result r = run(c, "/dev/full");
    BOOST_TEST(r.rc == 1, c << ": exit " << r.rc);
    BOOST_TEST(has(r.err, "cannot write standard output: No space left on device"), c << ": " << r.err);
  }
}

BOOST_AUTO_TEST_CASE(times_after_2262_and_before_1677_are_right) {
  make_session("s");
  const std::string head = ok("show s").out;
  BOOST_TEST(ok("show s --as-of 3000-01-01").out == head);
  BOOST_TEST(ok("show s --as-of 9999-12-31T23:59:59Z").out == head);
  Result before = run("show s --as-of 1677-09-21");
  BOOST_TEST(before.rc == 1);
  BOOST_TEST(before.out.empty());
  BOOST_TEST(ok("log s --since 2262-04-12").out.empty());
  BOOST_TEST(ok("--json log s --until 1677-09-21").out.empty());
  BOOST_TEST(ok("--json log s --since 0001-01-01").out == ok("--json log s").out);
  Result outside = run("log s --since 0000-12-31");
  BOOST_TEST(outside.rc == 2);
  BOOST_TEST(has(outside.err, "0001 to 9999"), outside.err);
}

BOOST_AUTO_TEST_CASE(one_bad_session_is_reported_and_the_others_still_listed_and_snapshotted) {
  for (auto id : {"a", "b", "c"}) make_session(id);
  std::string text = pjtest::read_file(journal("b"));
  text[text.find("Classify")] = 'K';
  pjtest::write_file(journal("b"), text);
  bfs::remove(journal("c"));
  bfs::create_directory(journal("c"));
  Result l = run("list");
  BOOST_TEST(l.rc == 1);
  BOOST_TEST(has(l.out, "a "), l.out);
  BOOST_TEST(has(l.err, "session 'b'"), l.err);
  BOOST_TEST(has(l.err, "session 'c'"), l.err);
  BOOST_TEST(has(l.err, "a folder"), l.err);
  Result lj = run("--json list");
  BOOST_TEST(lj.rc == 1);
  BOOST_TEST(json::parse(lj.out).as_array().size() == 1u);
  Result s = run("snapshot --all");
  BOOST_TEST(s.rc == 1);
  BOOST_TEST(has(s.out, "/a/snapshot-"), s.out);
  BOOST_TEST(has(s.err, "session 'b'"), s.err);
  BOOST_TEST(has(s.err, "session 'c'"), s.err);
}

BOOST_AUTO_TEST_SUITE_END()
