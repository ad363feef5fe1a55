// The only file in the library that makes file-system system calls.
#include "promptjournal/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string_view>

#include "promptjournal/errors.h"

namespace promptjournal {

namespace {

[[noreturn]] void fail(const char* what, const std::string& path) {
  throw JournalError::io(std::string("cannot ") + what, path, errno);
}

class PosixFile final : public File {
 public:
  explicit PosixFile(std::string path) : path_(std::move(path)) {}
  ~PosixFile() override {
    // Don't retry close on EINTR: on Linux the descriptor is gone either way.
    if (fd_ >= 0) ::close(fd_);
  }
  void adopt(int fd) noexcept { fd_ = fd; }

  std::size_t read_at(void* buf, std::size_t n, std::uint64_t offset) override {
    for (;;) {
      ssize_t r = ::pread(fd_, buf, n, static_cast<off_t>(offset));
      if (r >= 0) return static_cast<std::size_t>(r);
      if (errno != EINTR) fail("read", path_);
    }
  }

  void append(const void* data, std::size_t n) override {
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
      ssize_t w = ::write(fd_, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        fail("write", path_);
      }
      p += w;
      n -= static_cast<std::size_t>(w);
    }
  }

  void sync() override {
    if (::fdatasync(fd_) != 0) fail("fdatasync", path_);
  }

  std::uint64_t size() override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) fail("stat", path_);
    return static_cast<std::uint64_t>(st.st_size);
  }

  void truncate(std::uint64_t size) override {
    while (::ftruncate(fd_, static_cast<off_t>(size)) != 0)
      if (errno != EINTR) fail("truncate", path_);
  }

  void lock() override {
    while (::flock(fd_, LOCK_EX) != 0)
      if (errno != EINTR) fail("lock", path_);
  }

  void unlock() override { ::flock(fd_, LOCK_UN); }

  bool try_lock() override {
    for (;;) {
      if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return true;
      if (errno == EWOULDBLOCK) return false;
      if (errno != EINTR) fail("lock", path_);
    }
  }

 private:
  int fd_ = -1;
  std::string path_;
};

class PosixFileSystem final : public FileSystem {
 public:
  std::unique_ptr<File> open_append(const std::string& path, bool create) override {
    int flags = O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0);
    return open(path, flags, "open");
  }
  std::unique_ptr<File> open_read(const std::string& path) override {
    return open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, "open");
  }
  std::unique_ptr<File> create_exclusive(const std::string& path) override {
    return open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, "create");
  }

  bool make_dir(const std::string& path) override {
    if (::mkdir(path.c_str(), 0700) == 0) return true;
    if (errno != EEXIST) fail("create folder", path);
    if (!is_dir(path)) {
      errno = ENOTDIR;
      fail("use as a folder (it is a file or a symbolic link)", path);
    }
    return false;
  }

  void sync_dir(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) fail("open folder", path);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) {
      errno = err;
      fail("fsync folder", path);
    }
  }

  void rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) fail("rename to " + to, from);
  }

  void remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) fail("remove", path);
  }

  bool exists(const std::string& path) override {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
  }

  bool is_dir(const std::string& path) override {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }

  std::vector<std::string> list_dir(const std::string& path) override {
    std::vector<std::string> names;
    DIR* d = ::opendir(path.c_str());
    if (d == nullptr) fail("list folder", path);
    // Closed on every path: collecting the names may fail to allocate.
    std::unique_ptr<DIR, int (*)(DIR*)> close_dir(d, ::closedir);
    while (dirent* e = ::readdir(d)) {
      std::string_view n = e->d_name;
      if (n != "." && n != "..") names.emplace_back(n);
    }
    return names;
  }

 private:
  static std::unique_ptr<File> open(const std::string& path, int flags, const char* what) {
    // Allocate before open(2): a failure to allocate after it would leak the
    // descriptor (and could leave a new, empty file nobody holds).
    auto file = std::make_unique<PosixFile>(path);
    int fd;
    do {
      fd = ::open(path.c_str(), flags, 0600);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) fail(what, path);
    file->adopt(fd);
    return file;
  }

  static void fail(const std::string& what, const std::string& path) {
    throw JournalError::io("cannot " + what, path, errno);
  }
};

}  // namespace

std::shared_ptr<FileSystem> default_file_system() {
  static std::shared_ptr<FileSystem> fs = std::make_shared<PosixFileSystem>();
  return fs;
}

}  // namespace promptjournal
