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

void replace_file(FileSystem& fs, const std::string& path, const std::string& temp_path, std::string_view bytes,
                  bool sync, const std::string& folder) {
  try {
    auto f = fs.create_exclusive(temp_path);
    f->append(bytes.data(), bytes.size());
    if (sync) f->sync();
    f.reset();
    fs.rename(temp_path, path);
  } catch (...) {
    try {
      fs.remove(temp_path);
    } catch (...) {
      // Already failing: the first error is the one to report.
    }
    throw;
  }
  if (sync) fs.sync_dir(folder);
}

}  // namespace promptjournal
