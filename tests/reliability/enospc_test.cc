// A real full disk: a 256 KiB tmpfs. Needs mount(2) (root); where the machine
// refuses, the precondition skips the case and Boost.Test prints why.
#include <sys/stat.h>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <cstdlib>

#include "promptjournal/session_manager.h"
#include "reliability_util.h"
#include "test_util.h"

using namespace promptjournal;
namespace utf = boost::unit_test;

namespace {

bool mount_tmpfs(const std::string& dir, const char* size) {
  ::mkdir(dir.c_str(), 0700);
  std::string cmd = std::string("mount -t tmpfs -o size=") + size + " tmpfs '" + dir + "' 2>/dev/null";
  return std::system(cmd.c_str()) == 0;
}
void unmount(const std::string& dir) { (void)std::system(("umount '" + dir + "' 2>/dev/null").c_str()); }

boost::test_tools::assertion_result can_mount_tmpfs(utf::test_unit_id) {
  pjtest::TempDir probe;
  std::string dir = probe / "probe";
  if (!mount_tmpfs(dir, "64k")) {
    boost::test_tools::assertion_result r(false);
    r.message() << "cannot mount a tmpfs here (needs root or a mount namespace): real ENOSPC not tested";
    return r;
  }
  unmount(dir);
  return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(enospc)

BOOST_AUTO_TEST_CASE(a_full_disk_fails_cleanly_and_appends_resume_when_space_returns,
                     *utf::precondition(can_mount_tmpfs)) {
  pjtest::TempDir tmp;
  std::string mnt = tmp / "small";
  BOOST_REQUIRE(mount_tmpfs(mnt, "256k"));
  struct Unmount {
    std::string dir;
    ~Unmount() { unmount(dir); }
  } guard{mnt};
  pjtest::write_file(mnt + "/filler", std::string(96 * 1024, 'f'));
  ManagerOptions mo;
  mo.snapshot_every = 4;
  SessionManager m(mnt + "/root", mo);
  auto s = m.create_session("s", "in", Config());
  int failures = 0;
  std::uint64_t acked = s->version();
  for (int i = 0; i < 200 && failures == 0; ++i) {
    try {
      s->update_optimized_prompt(std::string(3000, static_cast<char>('a' + i % 26)));
      acked = s->version();
    } catch (const JournalError& e) {
      ++failures;
      BOOST_TEST((e.kind() == ErrorKind::kIo));
      BOOST_TEST(e.sys_errno() == ENOSPC);
      BOOST_TEST(s->version() == acked);  // the session did not move ahead
    }
  }
  BOOST_REQUIRE(failures == 1);
  auto report = verify_session(mnt + "/root", "s");
  BOOST_TEST(report.problems.empty());  // no partial line, not even a torn tail
  BOOST_TEST(report.events == acked);
  for (const auto& name : default_file_system()->list_dir(mnt + "/root/s"))
    BOOST_TEST(name.find(".tmp") == std::string::npos, name);
  // Space returns: seqs continue contiguously.
  std::remove((mnt + "/filler").c_str());
  s->update_optimized_prompt("after space was freed");
  BOOST_TEST(s->version() == acked + 1);
  BOOST_TEST(verify_session(mnt + "/root", "s").ok());
  SessionManager reopened(mnt + "/root", mo);
  BOOST_TEST(*reopened.get_session("s")->latest_optimized_prompt() == "after space was freed");
}

BOOST_AUTO_TEST_SUITE_END()
