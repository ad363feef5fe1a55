// FileSystem: the narrow seam through which promptjournal touches the disk.
//
// Every system call the library makes (open, write, fdatasync, fsync of a
// folder, flock, ftruncate, rename, mkdir, unlink) goes through this interface,
// so tests can substitute a fault-injecting or power-loss-simulating layer and
// the rest of the library stays testable without a disk. The default
// implementation (default_file_system()) is POSIX.
//
// Errors: every method throws JournalError (kind kIo with errno and path) on
// failure.
//
// What the POSIX file system refuses, without blocking and before a byte is
// read or written:
// - a symbolic link at a file's path (ELOOP), and a symbolic link at the folder
//   that holds the file (ELOOP: a session folder that is a link is refused).
//   The folder is opened with O_DIRECTORY|O_NOFOLLOW and the file reached
//   relative to that descriptor (openat, renameat, unlinkat, fstatat), so the
//   check cannot race with a swap of the folder for a link;
// - anything but a regular file (a FIFO, a device, a socket, a folder): files
//   are opened with O_NONBLOCK, checked with fstat, and the message names what
//   was found (errno EISDIR for a folder, 0 for the others).
// Folders above the one that holds a file (the root and its parents) may be
// links. Thread-safety: a FileSystem is shared by all journals of a process
// and must be thread-safe; a File is used by one thread at a time.
#ifndef PROMPTJOURNAL_FILE_SYSTEM_H_
#define PROMPTJOURNAL_FILE_SYSTEM_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace promptjournal {

// An open file. Not copyable; closing happens in the destructor, which never throws.
class File {
 public:
  File() = default;
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  virtual ~File() = default;

  // Reads up to n bytes at `offset`; returns the count read (0 at end of file).
  virtual std::size_t read_at(void* buf, std::size_t n, std::uint64_t offset) = 0;
  // Appends all n bytes at the end of the file, retrying short writes and EINTR.
  // On failure some prefix of the bytes may have reached the file: the caller
  // truncates back (see Journal).
  virtual void append(const void* data, std::size_t n) = 0;
  // fdatasync(2): returns once written data is on stable storage.
  virtual void sync() = 0;
  virtual std::uint64_t size() = 0;
  virtual void truncate(std::uint64_t size) = 0;
  // flock(LOCK_EX) / flock(LOCK_UN). Locks exclude other File objects too,
  // including ones in the same process.
  virtual void lock() = 0;
  virtual void unlock() = 0;
  // flock(LOCK_EX | LOCK_NB): true when the lock was taken, false when another
  // File holds it. The default, for a file system that cannot tell, is false:
  // a file is then never taken for abandoned.
  virtual bool try_lock() { return false; }
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Opens `path` for reading and appending; creates it (mode 0600) when `create`.
  // Never follows a symbolic link at `path` (O_NOFOLLOW: a planted link fails with ELOOP).
  virtual std::unique_ptr<File> open_append(const std::string& path, bool create) = 0;
  // Opens `path` read-only, not following a symbolic link.
  virtual std::unique_ptr<File> open_read(const std::string& path) = 0;
  // Opens read-only a file a user named outside the sessions folder (an import
  // source, a --file): links are followed there, as any program would, and a
  // regular file or a pipe (/dev/stdin) is accepted; a folder, a device or a
  // socket is refused without blocking. The default is open_read.
  virtual std::unique_ptr<File> open_read_named(const std::string& path) { return open_read(path); }
  // Creates a new file (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600) for writing.
  virtual std::unique_ptr<File> create_exclusive(const std::string& path) = 0;
  // Creates a folder with mode 0700; returns false if it already existed as a
  // real folder, throws if the path is anything else (a link, a file).
  virtual bool make_dir(const std::string& path) = 0;
  // fsync(2) on a folder, so that entries created or renamed in it are durable.
  virtual void sync_dir(const std::string& path) = 0;
  virtual void rename(const std::string& from, const std::string& to) = 0;
  // Removes a file; no error when there is none (or no folder holding it).
  virtual void remove(const std::string& path) = 0;
  // True when there is an entry (of any type, a link included) at `path`.
  // Throws when the folder holding it is a link or not a folder.
  virtual bool exists(const std::string& path) = 0;
  // True when `path` is a real folder (not a link to one).
  virtual bool is_dir(const std::string& path) = 0;
  // The names (not paths) of the entries of a folder, unsorted.
  virtual std::vector<std::string> list_dir(const std::string& path) = 0;
};

// The process-wide POSIX file system.
std::shared_ptr<FileSystem> default_file_system();

// Reads a whole small file through `fs` (snapshots). Throws kTooLarge, after
// reading at most max_bytes + 1 bytes, when the file holds more than `max_bytes`.
std::string read_whole_file(FileSystem& fs, const std::string& path,
                            std::size_t max_bytes = static_cast<std::size_t>(-1));
// The same for a file a user named (FileSystem::open_read_named): import
// sources, --file.
std::string read_named_file(FileSystem& fs, const std::string& path, std::size_t max_bytes);

// Replaces (or creates) `path` with `bytes` atomically: writes `temp_path`
// (created exclusively, 0600), fdatasyncs it when `sync`, renames it over
// `path`, then fsyncs `folder` when `sync`. A reader sees the old file or
// the new one, never a part. On failure the temp file is removed and the
// error rethrown (an existing `path` is untouched unless the rename
// happened). The one temp-then-rename of saved sessions and pjournal's
// output files (snapshots add a lock for their cleaner: snapshot.cc).
void replace_file(FileSystem& fs, const std::string& path, const std::string& temp_path, std::string_view bytes,
                  bool sync, const std::string& folder);

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_FILE_SYSTEM_H_
