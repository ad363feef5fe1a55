// pj_alloc_failure_tests: its own executable because alloc_inject.cc replaces
// the global operator new/delete for everything linked into it.
#define BOOST_TEST_MODULE promptjournal allocation failure tests
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

namespace {

// The loop sets up a fresh folder for each of several thousand failure
// points, and many of them fsync: on a disk that costs minutes, on tmpfs
// (where fsync returns at once) seconds. The code paths are the same, fsync
// calls included; what the loop checks does not depend on the medium.
// PJ_ALLOC_TMPDIR chooses another folder (e.g. a real disk).
struct UseRamDisk {
  UseRamDisk() {
    const char* dir = std::getenv("PJ_ALLOC_TMPDIR");
    if (dir == nullptr || *dir == '\0') {
      struct stat st;
      if (::stat("/dev/shm", &st) != 0 || !S_ISDIR(st.st_mode) || ::access("/dev/shm", W_OK) != 0) return;
      dir = "/dev/shm";
    }
    ::setenv("TMPDIR", dir, 1);
    BOOST_TEST_MESSAGE("temporary folders in " << dir);
  }
};

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(UseRamDisk);
