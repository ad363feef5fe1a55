// The only file in the library that makes file-system system calls.
#include "promptjournal/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <climits>
#include <memory>
#include <string_view>
#include <utility>

#include "promptjournal/errors.h"

namespace promptjournal {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw JournalError::io("cannot " + what, path, errno);
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
      // A pipe (only open_read_named opens one) is read in order: the reader
      // asks for consecutive offsets.
      if (r < 0 && errno == ESPIPE) r = ::read(fd_, buf, n);
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

// A descriptor closed on every path out of a scope.
class Fd {
 public:
  explicit Fd(int fd) noexcept : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// The folder that holds `path`, and the name of `path` in it.
std::pair<std::string, std::string> split(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? std::string("/") : path.substr(0, slash), path.substr(slash + 1)};
}

// What a failed open of a folder with O_DIRECTORY|O_NOFOLLOW met: a link
// (ELOOP) or something else that is not a folder (ENOTDIR), for the message.
[[noreturn]] void fail_folder(const std::string& dir) {
  int err = errno;
  struct stat st;
  if (err == ENOTDIR && ::lstat(dir.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    errno = ELOOP;
    fail("use folder (it is a symbolic link)", dir);
  }
  errno = err;
  fail(err == ENOTDIR ? "use folder (it is not a folder)" : "open folder", dir);
}

// Opens the folder that holds `path` without following a link at it; sets
// `name` to the entry's name in it. With `missing_ok`, returns -1 when the
// folder does not exist instead of throwing.
int open_folder_of(const std::string& path, std::string* name, bool missing_ok = false) {
  auto [dir, base] = split(path);
  *name = std::move(base);
  int fd;
  do {
    fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0 && missing_ok && errno == ENOENT) return -1;
  if (fd < 0) fail_folder(dir);
  return fd;
}

const char* type_name(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// Opens `name` in the folder `dir_fd` with `flags` (plus O_NONBLOCK, so that
// a FIFO or a device cannot block the open) and refuses anything but a
// regular file (or, with `pipe_ok`, a pipe) before a byte is read or written.
int open_regular_at(int dir_fd, const std::string& name, const std::string& path, int flags, const char* what,
                    bool pipe_ok = false) {
  int fd;
  do {
    // O_EXCL always makes a new regular file: nothing there can block.
    fd = ::openat(dir_fd, name.c_str(), flags | ((flags & O_EXCL) != 0 ? 0 : O_NONBLOCK), 0600);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) fail(what, path);
  Fd guard(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) fail("stat", path);
  if (!S_ISREG(st.st_mode) && !(pipe_ok && S_ISFIFO(st.st_mode))) {
    errno = S_ISDIR(st.st_mode) ? EISDIR : 0;  // no errno says "a FIFO": the message does
    fail(std::string(what) + " (it is " + type_name(st.st_mode) + ", not a regular file)", path);
  }
  // Regular files ignore O_NONBLOCK; a pipe is then read blocking, and one
  // without a writer reads as empty.
  int fl = ::fcntl(fd, F_GETFL);
  if (fl < 0 || ::fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) fail("set flags of", path);
  return guard.release();
}

// Every entry of a session folder is reached through a descriptor of the
// folder opened with O_NOFOLLOW (openat, renameat, unlinkat, fstatat), so a
// folder that is a symbolic link is refused in the same step that uses it:
// swapping a folder for a link between a check and a use cannot redirect a
// read, write or removal elsewhere.
class PosixFileSystem final : public FileSystem {
 public:
  std::unique_ptr<File> open_append(const std::string& path, bool create) override {
    int flags = O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0);
    return open(path, flags, "open");
  }
  std::unique_ptr<File> open_read(const std::string& path) override {
    return open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, "open");
  }
  std::unique_ptr<File> open_read_named(const std::string& path) override {
    auto file = std::make_unique<PosixFile>(path);
    file->adopt(open_regular_at(AT_FDCWD, path, path, O_RDONLY | O_CLOEXEC, "open", true));
    return file;
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
    if (fd < 0) fail_folder(path);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) {
      errno = err;
      fail("fsync folder", path);
    }
  }

  void rename(const std::string& from, const std::string& to) override {
    std::string from_name, to_name;
    Fd from_dir(open_folder_of(from, &from_name));
    Fd to_dir(open_folder_of(to, &to_name));
    if (::renameat(from_dir.get(), from_name.c_str(), to_dir.get(), to_name.c_str()) != 0)
      fail("rename to " + to, from);
  }

  // Allocates nothing on success: it is the cleanup of failed writes, which
  // must work after a std::bad_alloc (write_snapshot removes its temp file).
  void remove(const std::string& path) override {
    const auto slash = path.find_last_of('/');
    char dir[PATH_MAX];
    const char* name = path.c_str();
    if (slash == std::string::npos) {
      std::memcpy(dir, ".", 2);
    } else if (slash < sizeof dir) {
      const std::size_t n = slash == 0 ? 1 : slash;
      std::memcpy(dir, path.data(), n);
      dir[n] = '\0';
      name = path.c_str() + slash + 1;
    } else {
      errno = ENAMETOOLONG;
      fail("remove", path);
    }
    int fd;
    do {
      fd = ::open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0 && errno == ENOENT) return;  // no folder, so no file either
    if (fd < 0) fail_folder(dir);
    Fd folder(fd);
    if (::unlinkat(folder.get(), name, 0) != 0 && errno != ENOENT) fail("remove", path);
  }

  bool exists(const std::string& path) override {
    std::string name;
    Fd dir(open_folder_of(path, &name, true));
    struct stat st;
    return dir.get() >= 0 && ::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
  }

  bool is_dir(const std::string& path) override {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }

  std::vector<std::string> list_dir(const std::string& path) override {
    std::vector<std::string> names;
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) fail_folder(path);
    DIR* d = ::fdopendir(fd);
    if (d == nullptr) {
      int err = errno;
      ::close(fd);
      errno = err;
      fail("list folder", path);
    }
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
    std::string name;
    Fd dir(open_folder_of(path, &name));
    file->adopt(open_regular_at(dir.get(), name, path, flags, what));
    return file;
  }
};

}  // namespace

std::shared_ptr<FileSystem> default_file_system() {
  static std::shared_ptr<FileSystem> fs = std::make_shared<PosixFileSystem>();
  return fs;
}

}  // namespace promptjournal
