#include "test_util.h"

#include <boost/filesystem.hpp>
#include <boost/json.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sha256.h"

namespace pjtest {

TempDir::TempDir() {
  auto p = boost::filesystem::temp_directory_path() / boost::filesystem::unique_path("pjtest-%%%%-%%%%-%%%%");
  boost::filesystem::create_directories(p);
  path_ = p.string();
}

TempDir::~TempDir() {
  boost::system::error_code ec;
  boost::filesystem::remove_all(path_, ec);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> out;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string data_path(const std::string& name) { return std::string(PJ_TEST_DATA_DIR) + "/" + name; }

boost::json::value read_json(const std::string& path) { return boost::json::parse(read_file(path)); }

std::string sha256_hex_of(const std::string& bytes) { return promptjournal::detail::sha256_hex(bytes); }

}  // namespace pjtest
