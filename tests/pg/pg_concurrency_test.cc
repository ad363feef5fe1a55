// Concurrency across "machines": separate processes, each with its own
// connection, append to the same sessions while the parent SIGKILLs and
// restarts random ones. Every acknowledged event must be there exactly once
// with its hash, seqs contiguous, verify clean. PJ_PG_SOAK_SECONDS shortens
// the default 30 s (the sanitizer phase of CI).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "pg_fixture.h"
#include "test_util.h"

using namespace promptjournal;
using namespace pgtest;

namespace {

pid_t spawn(const std::vector<std::string>& args) {
  pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pg_concurrency)

BOOST_AUTO_TEST_CASE(processes_killed_at_random_lose_no_acknowledged_event_and_write_none_twice) {
  require_server_environment();
  int seconds = 30;
  if (const char* s = std::getenv("PJ_PG_SOAK_SECONDS")) seconds = std::max(1, std::atoi(s));
  constexpr int kWriters = 4;
  const std::vector<std::string> ids = {unique_id("soak-a"), unique_id("soak-b"), unique_id("soak-c")};
  pjtest::TempDir dir;
  std::mt19937 rng(std::random_device{}());
  int files = 0;
  std::vector<std::string> outs;
  auto start_writer = [&](int remaining) {
    std::string out = dir / ("acked-" + std::to_string(files++));
    outs.push_back(out);
    std::vector<std::string> args = {PJ_PG_DRIVER, "postgresql://", out, std::to_string(remaining),
                                     std::to_string(rng() % 100000)};
    args.insert(args.end(), ids.begin(), ids.end());
    pid_t p = spawn(args);
    BOOST_TEST_REQUIRE(p > 0);
    return p;
  };
  const auto begin = std::chrono::steady_clock::now();
  const auto end = begin + std::chrono::seconds(seconds);
  std::vector<pid_t> writers;
  for (int i = 0; i < kWriters; ++i) writers.push_back(start_writer(seconds));
  int kills = 0, bad_exits = 0;
  while (std::chrono::steady_clock::now() + std::chrono::seconds(2) < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 900));
    auto& victim = writers[rng() % writers.size()];
    ::kill(victim, SIGKILL);
    int status = 0;
    ::waitpid(victim, &status, 0);
    if (!WIFSIGNALED(status)) ++bad_exits;  // it had stopped on its own: an error
    ++kills;
    auto left = std::chrono::duration_cast<std::chrono::seconds>(end - std::chrono::steady_clock::now()).count();
    victim = start_writer(static_cast<int>(std::max<long>(1, left)));
  }
  for (pid_t p : writers) {
    int status = 0;
    ::waitpid(p, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++bad_exits;
  }
  BOOST_TEST(bad_exits == 0, bad_exits << " writers failed (see their stderr above)");
  BOOST_TEST(kills >= seconds / 2);

  // What was acknowledged (a record cut by the kill has no '\n': not counted).
  std::map<std::pair<std::string, std::uint64_t>, std::string> acked;
  std::size_t records = 0;
  for (const auto& out : outs) {
    std::string bytes = pjtest::read_file(out);
    std::size_t p = 0;
    for (std::size_t nl; (nl = bytes.find('\n', p)) != std::string::npos; p = nl + 1) {
      std::istringstream in(bytes.substr(p, nl - p));
      std::string id, hash;
      std::uint64_t seq = 0;
      in >> id >> seq >> hash;
      ++records;
      auto [it, fresh] = acked.emplace(std::make_pair(id, seq), hash);
      BOOST_TEST(fresh, "seq " << seq << " of " << id << " acknowledged twice");
    }
  }
  BOOST_TEST(records > 100u);
  auto store = open_store();
  std::size_t total = 0;
  for (const auto& id : ids) {
    auto events = read_all(*store, id);  // checks seqs 1..N contiguous and the chain
    total += events.size();
    for (std::size_t i = 0; i < events.size(); ++i) BOOST_TEST_REQUIRE(events[i].seq == i + 1);
    auto report = store->verify(id);
    BOOST_TEST(report.ok());
    BOOST_TEST(report.events == events.size());
    for (const auto& [key, hash] : acked) {
      if (key.first != id) continue;
      BOOST_TEST_REQUIRE(key.second <= events.size(), "acknowledged seq " << key.second << " of " << id << " lost");
      BOOST_TEST(events[key.second - 1].hash == hash);
    }
  }
  BOOST_TEST_MESSAGE(kWriters << " writers, " << seconds << " s, " << kills << " kills, " << records
                              << " acknowledged, " << total << " stored");
  BOOST_TEST(total >= acked.size());
}

BOOST_AUTO_TEST_SUITE_END()
