// Shared test helpers: temporary folders, fixture verbs, corpus access.
#ifndef PROMPTJOURNAL_TESTS_TEST_UTIL_H_
#define PROMPTJOURNAL_TESTS_TEST_UTIL_H_

#include <string>
#include <vector>

#include <boost/json/value.hpp>

namespace pjtest {

// A fresh folder under $TMPDIR, removed (with everything in it) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& bytes);
// The lines of a file, without their '\n'.
std::vector<std::string> read_lines(const std::string& path);
// tests/data/<name>
std::string data_path(const std::string& name);
boost::json::value read_json(const std::string& path);
std::string sha256_hex_of(const std::string& bytes);

}  // namespace pjtest

#endif  // PROMPTJOURNAL_TESTS_TEST_UTIL_H_
