// The fixture of the pjournal command-line tests: a temporary sessions folder
// and verbs that run the real binary on it, as a user (or a script) would.
#ifndef PROMPTJOURNAL_TESTS_CLI_CLI_FIXTURE_H_
#define PROMPTJOURNAL_TESTS_CLI_CLI_FIXTURE_H_

#include <sys/wait.h>

#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <string>

#include "test_util.h"

namespace {

struct Result {
  int rc = -1;
  std::string out, err;
};

struct Cli {
  pjtest::TempDir dir;
  std::string root = dir / "sessions";

  // Runs `pjournal --root <root> ARGS` through the shell; ARGS is quoted by the caller.
  Result run(const std::string& args, const std::string& env = "NO_COLOR=1") {
    std::string errf = dir / "stderr.txt";
    std::string cmd = env + " " + PJOURNAL_BIN + " --root '" + root + "' " + args + " 2>'" + errf + "'";
    Result r;
    FILE* p = ::popen(cmd.c_str(), "r");
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
    int status = ::pclose(p);
    r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = pjtest::read_file(errf);
    return r;
  }
  Result ok(const std::string& args) {
    Result r = run(args);
    BOOST_REQUIRE_MESSAGE(r.rc == 0, "pjournal " + args + " exited " + std::to_string(r.rc) + ": " + r.err);
    return r;
  }
  // The frozen v1 journal of tests/data (fixed times and ids) as session golden-v1.
  void use_golden_journal() {
    boost::filesystem::create_directories(root + "/golden-v1");
    boost::filesystem::copy_file(pjtest::data_path("format-v1/golden-v1/events.jsonl"),
                                 root + "/golden-v1/events.jsonl");
  }
  void make_session() {
    ok("create s1 --input 'Classify reviews.'");
    ok("set-prompt s1 --text 'You are a classifier. Answer yes or no.'");
    ok("feedback s1 --text classifier --start 10 --end 20 --feedback 'say sentiment classifier'");
    ok("set-prompt s1 --text 'You are a sentiment classifier. Answer positive or negative.'");
  }
  std::string journal() const { return root + "/s1/events.jsonl"; }
};

}  // namespace

#endif  // PROMPTJOURNAL_TESTS_CLI_CLI_FIXTURE_H_
