// A cheap ALICE: strace shows the order of the system calls behind an append,
// a create and a snapshot — data written before it is fsynced, fsynced before
// the command acknowledges it, snapshots written to an exclusive temp file,
// synced, renamed, and the folder synced.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>

#include "test_util.h"

namespace {

struct Trace {
  std::vector<std::string> lines;
  // The index of the first line at or after `from` matching `re`, or -1.
  // With `capture`, the first group of the match is stored there.
  long find(const std::string& re, long from = 0, std::string* capture = nullptr) const {
    std::regex r(re);
    std::smatch m;
    for (long i = std::max(from, 0L); i < static_cast<long>(lines.size()); ++i)
      if (std::regex_search(lines[i], m, r)) {
        if (capture != nullptr && m.size() > 1) *capture = m[1];
        return i;
      }
    return -1;
  }
};

Trace strace(const pjtest::TempDir& dir, const std::string& args) {
  std::string out = dir / "trace.txt";
  // LeakSanitizer cannot run under ptrace; the other runs check for leaks.
  std::string cmd = "ASAN_OPTIONS=detect_leaks=0 strace -f -qq -s 64 -o '" + out +
                    "' -e trace=openat,write,fsync,fdatasync,rename,renameat,renameat2 " + PJOURNAL_BIN + " --root '" +
                    dir / "root" + "' " + args + " >/dev/null";
  BOOST_REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, "failed: " + cmd);
  Trace t;
  t.lines = pjtest::read_lines(out);
  return t;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(syscall_audit)

BOOST_AUTO_TEST_CASE(create_append_and_snapshot_sync_in_the_right_order) {
  BOOST_REQUIRE_MESSAGE(std::system("strace -V >/dev/null 2>&1") == 0, "strace is required (scripts/install-deps.sh test)");
  pjtest::TempDir dir;
  // create: the journal is opened without following links, relative to its
  // folder opened without following links either, and without blocking (a
  // FIFO); its folder and the root are fsynced, then the event is written and
  // fdatasynced.
  Trace c = strace(dir, "create s --input hello");
  // Descriptor numbers depend on what the parent left open: capture them.
  std::string fd, folder_fd;
  const std::string journal_open =
      R"(, "events\.jsonl", O_RDWR\|O_CREAT\|O_APPEND\|O_NONBLOCK\|O_NOFOLLOW\|O_CLOEXEC, 0600\) = (\d+))";
  BOOST_REQUIRE(c.find(R"(openat\((\d+))" + journal_open, 0, &folder_fd) >= 0);
  long open = c.find(R"(openat\()" + folder_fd + journal_open, 0, &fd);
  BOOST_REQUIRE(open >= 0);
  long folder = c.find(R"(openat\(AT_FDCWD, ".*/root/s", O_RDONLY\|O_NOFOLLOW\|O_CLOEXEC\|O_DIRECTORY\) = )" + folder_fd + "$");
  BOOST_TEST((folder >= 0 && folder < open));
  long dsync = c.find(R"(openat\(.*/root/s", O_RDONLY\|O_NOFOLLOW\|O_CLOEXEC\|O_DIRECTORY\) = (\d+))", open);
  BOOST_TEST(dsync > open);
  long fs1 = c.find(R"(^\d+ +fsync\()", dsync);
  long write = c.find(R"(write\()" + fd + R"(, "\{\\"v\\":1,\\"seq\\":1)", open);
  long sync = c.find(R"(fdatasync\()" + fd + R"(\) += 0)", write);
  BOOST_TEST(fs1 > dsync);
  BOOST_TEST(write > fs1);  // the name is durable before the event is written
  BOOST_TEST(sync > write);
  // append: write, then fdatasync, then (exit) the acknowledgement.
  Trace a = strace(dir, "set-prompt s --text again");
  long w2 = a.find(R"(write\(\d+, "\{\\"v\\":1,\\"seq\\":2)");
  BOOST_REQUIRE(w2 >= 0);
  long s2 = a.find(R"(fdatasync\(\d+\) += 0)", w2);
  BOOST_TEST(s2 > w2);
  long ack = a.find(R"(write\(1, "2\\n")", s2);
  BOOST_TEST(ack > s2);
  // snapshot: exclusive temp file -> write -> fdatasync -> rename -> fsync(folder).
  Trace s = strace(dir, "snapshot s");
  long tmp = s.find(R"(openat\(.*snapshot-00000000000000000002\.json\.[0-9a-f]+\.tmp", O_WRONLY\|O_CREAT\|O_EXCL\|O_NOFOLLOW\|O_CLOEXEC, 0600\))");
  BOOST_REQUIRE(tmp >= 0);
  long ws = s.find(R"(write\(\d+, "\{\\"session_id\\")", tmp);
  long ss = s.find(R"(fdatasync\(\d+\) += 0)", ws);
  long rn = s.find(R"(rename(at2?)?\(.*\.tmp".*snapshot-00000000000000000002\.json")", ss);
  long dir_open = s.find(R"(openat\(.*/root/s", O_RDONLY\|O_NOFOLLOW\|O_CLOEXEC\|O_DIRECTORY\))", rn);
  long dir_sync = s.find(R"(^\d+ +fsync\()", dir_open);
  BOOST_TEST(ws > tmp);
  BOOST_TEST(ss > ws);
  BOOST_TEST(rn > ss);
  BOOST_TEST(dir_sync > dir_open);
  BOOST_TEST(dir_open > rn);
}

BOOST_AUTO_TEST_SUITE_END()
