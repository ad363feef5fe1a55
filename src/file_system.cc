#include "promptjournal/file_system.h"

namespace promptjournal {

std::string read_whole_file(FileSystem& fs, const std::string& path) {
  auto f = fs.open_read(path);
  std::string out;
  char buf[1 << 16];
  std::uint64_t off = 0;
  for (;;) {
    std::size_t n = f->read_at(buf, sizeof buf, off);
    if (n == 0) break;
    out.append(buf, n);
    off += n;
  }
  return out;
}

}  // namespace promptjournal
