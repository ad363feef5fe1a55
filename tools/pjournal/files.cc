#include "files.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <cstdio>
#include <random>
#include <stdexcept>

#include <boost/filesystem.hpp>

#include "promptjournal/errors.h"
#include "promptjournal/event.h"
#include "promptjournal/file_system.h"

namespace pjournal {

namespace bfs = boost::filesystem;

std::string read_input_file(const std::string& path) {
  return promptjournal::read_named_file(*promptjournal::default_file_system(), path, promptjournal::kMaxLineBytes);
}

namespace {

// The real path of `p`'s folder: links and ".." resolved, so that a path that
// reaches a session folder by a detour is recognised.
bfs::path real_folder_of(const std::string& p) {
  bfs::path folder = bfs::absolute(bfs::path(p)).parent_path();
  boost::system::error_code ec;
  bfs::path real = bfs::canonical(folder, ec);
  if (ec) throw std::runtime_error("cannot write " + p + ": its folder " + folder.string() + ": " + ec.message());
  return real;
}

// True when `inner` is `outer` or below it (both canonical).
bool within(const bfs::path& inner, const bfs::path& outer) {
  auto i = inner.begin();
  for (auto o = outer.begin(); o != outer.end(); ++o, ++i)
    if (i == inner.end() || *i != *o) return false;
  return true;
}

std::string temp_name(const std::string& name) {
  static std::atomic<unsigned> counter{0};
  char buf[64];
  std::snprintf(buf, sizeof buf, ".tmp-%ld-%u-%08x", static_cast<long>(::getpid()), counter++,
                static_cast<unsigned>(std::random_device{}()));
  return "." + name + buf;
}

}  // namespace

void write_output_file(const std::string& root, const std::string& path, const std::string& bytes) {
  const bfs::path folder = real_folder_of(path);
  const std::string name = bfs::path(path).filename().string();
  if (name.empty() || name == "." || name == "..") throw std::runtime_error("cannot write " + path + ": not a file name");
  boost::system::error_code ec;
  const bfs::path real_root = bfs::canonical(root, ec);
  if (!ec && within(folder, real_root))
    throw std::runtime_error("refusing to write " + path + ": it is inside the sessions folder " + root +
                             " (it could replace a journal or a snapshot); write it elsewhere");
  auto& fs = *promptjournal::default_file_system();
  const std::string target = (folder / name).string();
  const std::string tmp = (folder / temp_name(name)).string();
  try {
    promptjournal::replace_file(fs, target, tmp, bytes, /*sync=*/true, folder.string());
  } catch (const promptjournal::JournalError& e) {
    throw std::runtime_error("cannot write " + path + ": " + e.what());
  }
}

namespace {

// errno of the failure, 0 when standard output is fine.
int stdout_error() {
  errno = 0;
  std::cout.flush();
  bool bad = !std::cout;
  bad = std::fflush(stdout) != 0 || bad;
  bad = std::ferror(stdout) != 0 || bad;
  return bad ? (errno != 0 ? errno : EIO) : 0;
}

}  // namespace

void flush_stdout() {
  if (int err = stdout_error()) throw std::runtime_error(std::string("cannot write standard output: ") + std::strerror(err));
}

int finish_stdout(int exit_code) {
  int err = stdout_error();
  // A closed standard output (">&-") that nothing was written to is no failure.
  if (err == 0 && std::fclose(stdout) != 0 && errno != EBADF) err = errno;
  if (err == 0) return exit_code;
  std::cerr << "pjournal: error: cannot write standard output: " << std::strerror(err) << "\n";
  return exit_code != 0 ? exit_code : 1;
}

}  // namespace pjournal
