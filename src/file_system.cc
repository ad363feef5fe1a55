#include "promptjournal/file_system.h"

#include "promptjournal/errors.h"

namespace promptjournal {

namespace {

// Reads `f` to its end, or throws kTooLarge once more than `max_bytes` came:
// a device such as /dev/zero never ends, and a huge file must not exhaust memory.
std::string read_all(File& f, const std::string& path, std::size_t max_bytes) {
  std::string out;
  char buf[1 << 16];
  std::uint64_t off = 0;
  for (;;) {
    std::size_t n = f.read_at(buf, sizeof buf, off);
    if (n == 0) break;
    if (n > max_bytes - out.size())
      throw JournalError(ErrorKind::kTooLarge,
                         "the file is larger than the " + std::to_string(max_bytes) + "-byte limit",
                         ErrorLocation{path, {}, {}, {}});
    out.append(buf, n);
    off += n;
  }
  return out;
}

}  // namespace

std::string read_whole_file(FileSystem& fs, const std::string& path, std::size_t max_bytes) {
  return read_all(*fs.open_read(path), path, max_bytes);
}

std::string read_named_file(FileSystem& fs, const std::string& path, std::size_t max_bytes) {
  return read_all(*fs.open_read_named(path), path, max_bytes);
}

}  // namespace promptjournal
