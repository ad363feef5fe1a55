// Files that are not what they should be (issue 15): a FIFO for a journal, a
// session folder that is a link, sources without an end, times beyond 2262,
// and one bad session among good ones.
#include "promptjournal/file_system.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>

#include <set>

#include "promptjournal/session_manager.h"
#include "promptjournal/time.h"
#include "promptjournal/verify.h"
#include "test_util.h"

using namespace promptjournal;
namespace bfs = boost::filesystem;

namespace {

// Runs `fn` in a child process: its exit code is 0 when `fn` returned true, 1
// when false, 2 when it threw. A child still running after 20 s is killed and
// gives -1: an open that blocks fails the test instead of stalling the suite.
template <class Fn>
int in_child(Fn fn) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int rc = 2;
    try {
      rc = fn() ? 0 : 1;
    } catch (...) {
    }
    ::_exit(rc);
  }
  for (int i = 0; i < 2000; ++i) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -2;
    ::usleep(10000);
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  return -1;
}

// True when `op` throws a JournalError of kind `kind`.
template <class Op>
bool throws(Op op, ErrorKind kind) {
  try {
    op();
    return false;
  } catch (const JournalError& e) {
    return e.kind() == kind;
  }
}

std::set<std::string> names_in(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : bfs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

void make_session(const std::string& root, const std::string& id) {
  SessionManager m(root);
  auto s = m.create_session(id, "Classify reviews.", Config());
  s->update_optimized_prompt("You are a classifier.");
  s->update_human_input("Classify reviews as positive or negative.");
}

void replace_with_fifo(const std::string& path) {
  bfs::remove(path);
  BOOST_REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hostile_files)

BOOST_AUTO_TEST_CASE(a_fifo_for_a_journal_is_refused_without_blocking) {
  pjtest::TempDir d;
  const std::string root = d / "root";
  make_session(root, "s");
  replace_with_fifo(root + "/s/events.jsonl");
  auto refused = [&](auto op) { return in_child([&] { return throws(op, ErrorKind::kIo); }); };
  BOOST_TEST(refused([&] { SessionManager(root).get_session("s"); }) == 0);
  BOOST_TEST(refused([&] { SessionManager(root).session_info("s"); }) == 0);
  BOOST_TEST(refused([&] { SessionManager(root).snapshot("s"); }) == 0);
  BOOST_TEST(refused([&] { SessionManager(root).state_at("s", 1); }) == 0);
  BOOST_TEST(refused([&] { verify_session(root, "s"); }) == 0);
  BOOST_TEST(in_child([&] {
               auto l = SessionManager(root).list_sessions_checked();
               return l.sessions.empty() && l.problems.size() == 1 &&
                      std::string(l.problems[0].error.what()).find("a FIFO") != std::string::npos;
             }) == 0);
}

BOOST_AUTO_TEST_CASE(a_fifo_for_a_snapshot_is_not_opened) {
  pjtest::TempDir d;
  const std::string root = d / "root";
  make_session(root, "s");
  replace_with_fifo(root + "/s/snapshot-00000000000000000002.json");
  // A snapshot is a cache: an unusable one is skipped and the journal replayed.
  BOOST_TEST(in_child([&] {
               auto s = SessionManager(root).get_session("s");
               return s && s->state().latest_optimized_prompt == "You are a classifier.";
             }) == 0);
}

BOOST_AUTO_TEST_CASE(a_session_folder_that_is_a_link_is_refused_and_nothing_behind_it_changes) {
  pjtest::TempDir d;
  const std::string root = d / "root", other = d / "other";
  make_session(other, "s");
  // What a writer killed mid-snapshot leaves: any reader of the session would sweep it.
  pjtest::write_file(other + "/s/snapshot-00000000000000000003.json.deadbeef.tmp", "half");
  bfs::create_directories(root);
  bfs::create_directory_symlink(other + "/s", root + "/s");
  const auto before = names_in(other + "/s");
  SessionManager m(root);
  try {
    m.get_session("s");
    BOOST_FAIL("read a session through a link");
  } catch (const JournalError& e) {
    BOOST_TEST(e.sys_errno() == ELOOP);
    BOOST_TEST(std::string(e.what()).find("symbolic link") != std::string::npos, e.what());
  }
  BOOST_CHECK_THROW(m.snapshot("s"), JournalError);
  BOOST_CHECK_THROW(m.session_info("s"), JournalError);
  BOOST_CHECK_THROW(m.state_at("s", 1), JournalError);
  BOOST_CHECK_THROW(m.journal("s")->reader(), JournalError);
  BOOST_TEST(names_in(other + "/s") == before, "a file was written or removed through the link");
}

BOOST_AUTO_TEST_CASE(named_files_stop_at_the_limit_and_refuse_folders_and_devices) {
  pjtest::TempDir d;
  auto fs = default_file_system();
  pjtest::write_file(d / "small", std::string(100, 'x'));
  BOOST_TEST(read_named_file(*fs, d / "small", 100).size() == 100u);
  BOOST_TEST(throws([&] { read_named_file(*fs, d / "small", 99); }, ErrorKind::kTooLarge));
  BOOST_TEST(throws([&] { read_named_file(*fs, d.path(), 1000); }, ErrorKind::kIo));
  BOOST_TEST(throws([&] { read_named_file(*fs, "/dev/zero", kMaxLineBytes); }, ErrorKind::kIo));
  // A pipe is read (a user may give /dev/stdin), up to the limit: a writer
  // that never stops is cut off after 1 MiB here.
  int p[2];
  BOOST_REQUIRE(::pipe(p) == 0);
  pid_t writer = ::fork();
  if (writer == 0) {
    ::close(p[0]);
    const std::string chunk(4096, 'x');
    while (::write(p[1], chunk.data(), chunk.size()) > 0) {
    }
    ::_exit(0);
  }
  ::close(p[1]);
  const std::string pipe_path = "/proc/self/fd/" + std::to_string(p[0]);
  BOOST_TEST(in_child([&] { return throws([&] { read_named_file(*fs, pipe_path, 1 << 20); }, ErrorKind::kTooLarge); }) == 0);
  ::close(p[0]);
  ::kill(writer, SIGKILL);
  ::waitpid(writer, nullptr, 0);
}

BOOST_AUTO_TEST_CASE(times_of_the_whole_format_range_parse_and_compare) {
  using namespace std::chrono;
  BOOST_TEST((*parse_time("3000-01-01") == EventTime{sys_days{year{3000} / January / 1}}));
  BOOST_TEST((*parse_time("1677-09-21") == EventTime{sys_days{year{1677} / September / 21}}));
  BOOST_TEST(format_event_time(*parse_time("2262-04-12T00:00:00Z")) == "2262-04-12T00:00:00.000000Z");
  BOOST_TEST(format_event_time(*parse_time("0001-01-01")) == "0001-01-01T00:00:00.000000Z");
  BOOST_TEST(format_event_time(*parse_time("9999-12-31T23:59:59.9999999Z")) == "9999-12-31T23:59:59.999999Z");
  BOOST_TEST(format_event_time(*parse_time("2026-11-24 12:00+02:00")) == "2026-11-24T10:00:00.000000Z");
  for (auto outside : {"0000-12-31", "9999-12-31T23:00-01:00", "0001-01-01T00:00+00:01", "10000-01-01",
                       "2026-02-30", "2026-11-24T24:00"})
    BOOST_TEST(!parse_time(outside).has_value(), outside);
}

BOOST_AUTO_TEST_CASE(state_as_of_a_time_after_2262_is_the_head) {
  pjtest::TempDir d;
  make_session(d / "root", "s");
  SessionManager m(d / "root");
  auto far = m.state_as_of("s", *parse_time("3000-01-01"));
  BOOST_TEST(far.created);
  BOOST_TEST(far.updated_human_input == "Classify reviews as positive or negative.");
  BOOST_TEST(m.state_as_of("s", *parse_time("9999-12-31T23:59:59Z")).latest_optimized_prompt.value_or("") ==
             "You are a classifier.");
}

BOOST_AUTO_TEST_CASE(one_bad_session_leaves_the_others_listed_and_is_named) {
  pjtest::TempDir d;
  const std::string root = d / "root";
  for (auto id : {"a", "b", "c"}) make_session(root, id);
  // b: a flipped byte in its first event; c: events.jsonl is a folder.
  std::string text = pjtest::read_file(root + "/b/events.jsonl");
  text[text.find("Classify")] = 'K';
  pjtest::write_file(root + "/b/events.jsonl", text);
  bfs::remove(root + "/c/events.jsonl");
  bfs::create_directory(root + "/c/events.jsonl");
  SessionManager m(root);
  std::vector<boost::json::object> plain;
  BOOST_CHECK_NO_THROW(plain = m.list_sessions());
  BOOST_TEST(plain.size() == 1u);
  auto l = m.list_sessions_checked();
  BOOST_REQUIRE(l.sessions.size() == 1u);
  BOOST_TEST(l.sessions[0].at("session_id").as_string() == "a");
  BOOST_REQUIRE(l.problems.size() == 2u);
  BOOST_TEST(l.problems[0].session_id == "b");
  BOOST_TEST((l.problems[0].error.kind() == ErrorKind::kCorrupt));
  BOOST_TEST(l.problems[1].session_id == "c");
  BOOST_TEST((l.problems[1].error.kind() == ErrorKind::kIo));
  BOOST_TEST(std::string(l.problems[1].error.what()).find("a folder") != std::string::npos, l.problems[1].error.what());
}

BOOST_AUTO_TEST_SUITE_END()
