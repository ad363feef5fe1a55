// Hostile input and paths: ids, planted symbolic links, permissions, secrets,
// oversized and malformed events.
#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <boost/json.hpp>
#include <boost/log/core.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/log/sinks/text_ostream_backend.hpp>
#include <boost/make_shared.hpp>
#include <boost/test/unit_test.hpp>

#include <random>
#include <sstream>

#include "promptjournal/session_manager.h"
#include "reliability_util.h"
#include "test_util.h"

using namespace promptjournal;
namespace bfs = boost::filesystem;

namespace {

// Every file below `dir`, recursively.
std::vector<std::string> all_files(const std::string& dir) {
  std::vector<std::string> out;
  for (auto it = bfs::recursive_directory_iterator(dir); it != bfs::recursive_directory_iterator(); ++it)
    out.push_back(it->path().string());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(security)

BOOST_AUTO_TEST_CASE(hostile_ids_create_nothing_anywhere) {
  pjtest::TempDir outer;
  std::string root = outer / "root";
  SessionManager m(root);
  auto before = all_files(outer.path());
  for (std::string id : std::vector<std::string>{"..", "../x", "/etc/passwd", "a/b", std::string("a\0b", 3), "ctl\x01",
                                                 std::string(300, 'x'), "", "-rf", "a\\b", "."}) {
    BOOST_CHECK_THROW(m.create_session(id, "in", Config()), JournalError);
    BOOST_CHECK_THROW(m.get_session(id), JournalError);
  }
  BOOST_TEST(all_files(outer.path()) == before);
}

BOOST_AUTO_TEST_CASE(planted_symlinks_are_never_written_through) {
  pjtest::TempDir outer;
  std::string root = outer / "root", elsewhere = outer / "elsewhere";
  bfs::create_directories(root);
  bfs::create_directories(elsewhere);
  // The session folder is a link to somewhere else.
  bfs::create_directory_symlink(elsewhere, root + "/linked");
  SessionManager m(root);
  BOOST_CHECK_THROW(m.create_session("linked", "in", Config()), JournalError);
  // The journal file is a link.
  bfs::create_directories(root + "/filelink");
  bfs::create_symlink(elsewhere + "/target.jsonl", root + "/filelink/events.jsonl");
  try {
    m.create_session("filelink", "in", Config());
    BOOST_FAIL("wrote through a link");
  } catch (const JournalError& e) {
    BOOST_TEST(e.sys_errno() == ELOOP);
  }
  BOOST_TEST(bfs::is_empty(elsewhere));
  // A planted snapshot temp name cannot be used: temp names are unique and O_EXCL|O_NOFOLLOW.
  auto s = m.create_session("ok", "in", Config());
  BOOST_TEST(!m.snapshot("ok").empty());
  BOOST_TEST(bfs::is_empty(elsewhere));
}

BOOST_AUTO_TEST_CASE(files_are_0600_and_folders_0700_whatever_the_umask) {
  pjtest::TempDir outer;
  mode_t old = ::umask(0);
  {
    SessionManager m(outer / "root");
    auto s = m.create_session("s", "in", Config());
    m.snapshot("s");
  }
  ::umask(old);
  for (const auto& f : all_files(outer / "root")) {
    struct stat st;
    BOOST_REQUIRE(::stat(f.c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == (S_ISDIR(st.st_mode) ? 0700u : 0600u), f);
  }
}

BOOST_AUTO_TEST_CASE(a_sentinel_secret_never_reaches_journal_snapshots_or_logs) {
  pjtest::TempDir outer;
  std::string sentinel = "sk-TEST-" + std::to_string(std::random_device{}());
  auto stream = boost::make_shared<std::ostringstream>();
  auto backend = boost::make_shared<boost::log::sinks::text_ostream_backend>();
  backend->add_stream(stream);
  auto sink = boost::make_shared<boost::log::sinks::synchronous_sink<boost::log::sinks::text_ostream_backend>>(backend);
  boost::log::core::get()->add_sink(sink);
  SessionLogger::set_enabled(true);
  {
    ManagerOptions mo;
    mo.snapshot_every = 2;
    SessionManager m(outer / "root", mo);
    Config c;
    c.set("model_api_key", boost::json::string(sentinel)).set("config_model_api_key", boost::json::string(sentinel));
    c.set("hf_token", boost::json::string(sentinel)).set("db_password", boost::json::string(sentinel));
    auto s = m.create_session("s", "in", c);
    s->update_optimized_prompt("p");
    s->update_human_input("i");
    OptimizationSession detached("d", "in", c);
    m.update_session(detached);
    pjtest::write_file(outer / "import.json",
                       "{\"session_id\":\"imp\",\"initial_human_input\":\"x\",\"created_at\":\"2026\",\"config\":{\"model_api_key\":\"" +
                           sentinel + "\"}}");
    m.load_session_from_file(outer / "import.json");
  }
  SessionLogger::set_enabled(false);
  sink->flush();
  boost::log::core::get()->remove_sink(sink);
  int files = 0;
  for (const auto& f : all_files(outer / "root")) {
    if (bfs::is_directory(f)) continue;
    ++files;
    BOOST_TEST(pjtest::read_file(f).find(sentinel) == std::string::npos, f);
  }
  BOOST_TEST(files >= 4);  // three journals and a snapshot
  BOOST_TEST(stream->str().find(sentinel) == std::string::npos);
  BOOST_TEST(!stream->str().empty());
}

BOOST_AUTO_TEST_CASE(oversized_and_invalid_events_are_refused_and_write_nothing) {
  pjtest::TempDir root;
  JournalOptions opt;
  opt.durability = Durability::kNone;
  Journal j(root.path(), "s", opt);
  j.append({pjtest::created()}, 0);
  std::string before = pjtest::read_file(root / "s/events.jsonl");
  try {
    j.append({pjtest::input(std::string(kMaxLineBytes, 'a'))}, 1);
    BOOST_FAIL("accepted an oversized event");
  } catch (const JournalError& e) {
    BOOST_TEST((e.kind() == ErrorKind::kTooLarge));
  }
  BOOST_CHECK_THROW(j.append({pjtest::input("\xc3\x28 bad utf-8")}, 1), JournalError);
  BOOST_TEST(pjtest::read_file(root / "s/events.jsonl") == before);
}

BOOST_AUTO_TEST_CASE(wrong_json_types_in_every_field_are_refused_naming_the_field) {
  pjtest::TempDir root;
  Journal(root.path(), "s").append({pjtest::created(), FeedbackAdded{Feedback("id", "t", 1, 2, "f", std::nullopt, "now")}}, 0);
  std::string line = pjtest::read_lines(root / "s/events.jsonl")[1];
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"\"v\":1", "\"v\":\"1\""},           {"\"seq\":2", "\"seq\":true"},
      {"\"type\":\"feedback_added\"", "\"type\":7"}, {"\"session_id\":\"s\"", "\"session_id\":[]"},
      {"\"id\":\"id\"", "\"id\":1"},         {"\"start_offset\":1", "\"start_offset\":1.5"},
      {"\"text\":\"t\"", "\"text\":null"},   {"\"created_at\":\"now\"", "\"created_at\":{}"}};
  for (const auto& [from, to] : fields) {
    std::string bad = line;
    BOOST_REQUIRE(bad.find(from) != std::string::npos);
    bad.replace(bad.find(from), from.size(), to);
    std::string body = bad.substr(0, bad.size() - 75);
    bad = body + ",\"hash\":\"" + pjtest::sha256_hex_of(body) + "\"}";
    std::string error;
    BOOST_TEST(!decode_event_line(bad, true, &error).has_value(), to);
    std::string key = from.substr(1, from.find('"', 1) - 1);
    BOOST_TEST(error.find(key) != std::string::npos, key << ": " << error);
  }
}

BOOST_AUTO_TEST_SUITE_END()
