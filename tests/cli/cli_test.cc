// Runs the real pjournal binary on temporary journals and checks its output
// and exit codes, as a user (or a script) would see them.
#define BOOST_TEST_MODULE pjournal command-line tests
#include <signal.h>
#include <sys/wait.h>

#include <boost/filesystem.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>

#include "cli_fixture.h"
#include "test_util.h"

namespace json = boost::json;

namespace {

void check_golden(const std::string& name, const std::string& actual) {
  std::string path = std::string(PJ_GOLDEN_DIR) + "/" + name;
  if (std::getenv("PJ_UPDATE_GOLDEN")) pjtest::write_file(path, actual);
  BOOST_TEST(actual == pjtest::read_file(path), "output differs from golden/" + name);
}

std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(cli, Cli)

BOOST_AUTO_TEST_CASE(help_names_every_command_and_the_exit_codes) {
  Result r = ok("--help");
  for (auto c : {"list", "show", "log", "history", "diff", "audit", "verify", "salvage", "snapshot", "follow",
                 "create", "feedback", "set-prompt", "set-input", "import", "export"}) {
    BOOST_TEST(r.out.find(std::string("  ") + c + " ") != std::string::npos, c);
    Result sub = ok(std::string(c) + " --help");
    BOOST_TEST(sub.out.find("Usage") != std::string::npos, c);
    BOOST_TEST(sub.out.find("Exit codes") != std::string::npos, c);
  }
  BOOST_TEST(r.out.find("3 concurrency conflict") != std::string::npos);
  BOOST_TEST(ok("--version").out.find("pjournal 0.1.0") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2_with_one_line_on_stderr) {
  for (auto args : {"", "frobnicate", "show", "diff s1 1 2 3", "show s1 --at 1 --as-of 2026-01-01",
                    "log s1 --since yesterday", "history s1 --field nonsense"}) {
    if (std::string(args).find("s1") != std::string::npos && !boost::filesystem::exists(journal())) make_session();
    Result r = run(args);
    BOOST_TEST(r.rc == 2, args << " gave " << r.rc);
    BOOST_TEST(r.out.empty(), args);
    BOOST_TEST(!r.err.empty(), args);
  }
}

BOOST_AUTO_TEST_CASE(write_commands_print_the_new_seq) {
  BOOST_TEST(ok("create s1 --input 'Classify reviews.'").out == "1\n");
  BOOST_TEST(ok("set-prompt s1 --text 'p1'").out == "2\n");
  BOOST_TEST(ok("feedback s1 --text p --start 0 --end 1 --feedback 'more' --prompt-id s1").out == "3\n");
  pjtest::write_file(dir / "input.txt", "Classify reviews, carefully.");
  BOOST_TEST(ok("set-input s1 --file '" + dir / "input.txt" + "'").out == "4\n");
  auto state = json::parse(ok("show s1").out).as_object();
  BOOST_TEST(state.at("latest_optimized_prompt").as_string() == "p1");
  BOOST_TEST(state.at("updated_human_input").as_string() == "Classify reviews, carefully.");
  BOOST_TEST(state.at("latest_human_feedback").as_array().at(0).at("prompt_id").as_string() == "s1");
}

BOOST_AUTO_TEST_CASE(create_with_a_config_redacts_its_credentials) {
  pjtest::write_file(dir / "config.json", R"({"model_name":"gpt-4o","model_api_key":"sk-TEST-cli-0001"})");
  ok("create s1 --input in --config '" + dir / "config.json" + "'");
  BOOST_TEST(pjtest::read_file(journal()).find("sk-TEST-cli") == std::string::npos);
  BOOST_TEST(ok("show s1").out.find("[REDACTED]") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_credential_in_a_file_other_users_can_read_is_warned_about) {
  namespace bfs = boost::filesystem;
  std::string cfg = dir / "config.json", plain = dir / "plain.json", src = dir / "session.json";
  pjtest::write_file(cfg, R"({"model_name":"gpt-4o","model_api_key":"sk-TEST-cli-0002"})");
  pjtest::write_file(plain, R"({"model_name":"gpt-4o"})");
  bfs::copy_file(pjtest::data_path("corpus/1795522344.5443594.json"), src);
  for (const auto& f : {cfg, plain, src}) bfs::permissions(f, bfs::perms(0644));
  Result r = ok("create s1 --input in --config '" + cfg + "'");
  BOOST_TEST(r.err.find("warning: " + cfg + " (mode 0644) can be read by other users") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("model_api_key") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("sk-TEST") == std::string::npos);  // the warning names the key, never the value
  BOOST_TEST(ok("create s2 --input in --config '" + plain + "'").err.empty());  // no credential: no warning
  Result imp = ok("import '" + src + "'");
  BOOST_TEST(imp.err.find("(mode 0644) can be read by other users and holds credentials") != std::string::npos,
             imp.err);
  // Readable by its owner only: nothing to warn about.
  bfs::permissions(cfg, bfs::perms(0600));
  bfs::permissions(src, bfs::perms(0600));
  BOOST_TEST(ok("create s3 --input in --config '" + cfg + "'").err.empty());
  BOOST_TEST(ok("import --as s4 '" + src + "'").err.empty());
}

BOOST_AUTO_TEST_CASE(a_stale_expect_seq_exits_3_and_writes_nothing) {
  make_session();
  std::string before = pjtest::read_file(journal());
  Result r = run("set-prompt s1 --text late --expect-seq 2");
  BOOST_TEST(r.rc == 3);
  BOOST_TEST(r.out.empty());
  BOOST_TEST(r.err.find("expected last seq 2") != std::string::npos, r.err);
  BOOST_TEST(pjtest::read_file(journal()) == before);
  BOOST_TEST(ok("set-prompt s1 --text current --expect-seq 4").out == "5\n");
  BOOST_TEST(run("create s1 --input again --expect-seq 0").rc == 3);
  BOOST_TEST(run("create s1 --input again").rc == 1);
}

BOOST_AUTO_TEST_CASE(errors_name_what_was_wrong_and_print_nothing_on_stdout) {
  make_session();
  Result r = run("show nobody");
  BOOST_TEST(r.rc == 1);
  BOOST_TEST(r.out.empty());
  BOOST_TEST(r.err == "pjournal: error: no session 'nobody' in " + root + "\n");
  Result bad = run("show ../etc");
  BOOST_TEST(bad.rc == 1);
  BOOST_TEST(bad.err.find("invalid session id") != std::string::npos);
  Result past = run("show s1 --at 99");
  BOOST_TEST(past.rc == 1);
  BOOST_TEST(past.err.find("no seq 99") != std::string::npos, past.err);
  Result noroot = run("list", "NO_COLOR=1 PROMPTJOURNAL_ROOT=");
  (void)noroot;
  Cli other;
  other.root = other.dir / "missing";
  Result missing = other.run("list");
  BOOST_TEST(missing.rc == 1);
  BOOST_TEST(missing.err.find("no sessions folder") != std::string::npos);
  BOOST_TEST(!boost::filesystem::exists(other.root));  // read commands create nothing
}

BOOST_AUTO_TEST_CASE(show_travels_to_an_event_or_a_time) {
  use_golden_journal();
  auto at2 = json::parse(ok("show golden-v1 --at 2").out).as_object();
  BOOST_TEST(at2.at("latest_optimized_prompt").as_string() == "You are a classifier. Answer 🙂 or 🙁.");
  BOOST_TEST(at2.at("latest_human_feedback").as_array().empty());
  // Events of the golden journal are 1.5 ms apart: seq 2 at .357444, seq 3 at .358944.
  auto early = json::parse(ok("show golden-v1 --as-of 2026-11-24T12:12:24.358Z").out).as_object();
  BOOST_TEST(early.at("latest_optimized_prompt").as_string() == "You are a classifier. Answer 🙂 or 🙁.");
  auto head = json::parse(ok("show golden-v1 --as-of 2030-01-01").out).as_object();
  BOOST_TEST(head.at("individual_feedbacks").as_array().size() == 2u);
  BOOST_TEST(run("show golden-v1 --as-of 2020-01-01").rc == 1);
  // The whole prompt, never shortened.
  check_golden("show-golden-v1.json", ok("show golden-v1").out);
}

BOOST_AUTO_TEST_CASE(log_history_diff_and_audit_match_their_golden_output) {
  use_golden_journal();
  check_golden("log.txt", ok("log golden-v1").out);
  check_golden("log-type.txt", ok("log golden-v1 --type optimized_prompt_updated").out);
  check_golden("history.txt", ok("history golden-v1").out);
  check_golden("history-input.txt", ok("history golden-v1 --field human_input").out);
  check_golden("diff.txt", ok("diff golden-v1").out);
  check_golden("diff-lines.txt", ok("diff golden-v1 1 2 --lines").out);
  check_golden("audit.txt", ok("audit golden-v1").out);
}

BOOST_AUTO_TEST_CASE(json_output_is_one_valid_document_or_one_per_line) {
  use_golden_journal();
  std::string log = ok("log golden-v1 --json").out;
  auto lines = 0;
  for (std::size_t at = 0, nl; (nl = log.find('\n', at)) != std::string::npos; at = nl + 1, ++lines)
    BOOST_TEST(json::parse(log.substr(at, nl - at)).as_object().contains("hash"));
  BOOST_TEST(lines == 8);
  BOOST_TEST(json::parse(ok("list --json").out).as_array().size() == 1u);
  BOOST_TEST(json::parse(ok("history golden-v1 --json").out).as_array().size() == 2u);
  auto d = json::parse(ok("diff golden-v1 --json").out).as_object();
  BOOST_TEST(d.at("segments").as_array().size() > 1u);
  auto a = json::parse(ok("audit golden-v1 --json").out).as_object();
  BOOST_TEST(a.at("integrity").at("ok").as_bool());
  BOOST_TEST(a.at("optimized_prompt").as_array().at(1).at("caused_by").as_array().at(0).as_string() == "fb-1");
  BOOST_TEST(json::parse(ok("verify --json").out).as_array().at(0).at("ok").as_bool());
  BOOST_TEST(json::parse(ok("show golden-v1 --json").out).as_object().contains("config"));
}

BOOST_AUTO_TEST_CASE(diff_marks_words_and_colours_only_when_asked) {
  make_session();
  std::string plain = ok("diff s1").out;
  BOOST_TEST(plain.find("You are a {+sentiment +}classifier. Answer [-yes-]{+positive+} or [-no.-]{+negative.+}") !=
             std::string::npos, plain);
  BOOST_TEST(plain.find("\033[") == std::string::npos);
  BOOST_TEST(run("diff s1 1 7").rc == 1);
  BOOST_TEST(run("diff s1 --field human_input").rc == 0);
}

BOOST_AUTO_TEST_CASE(list_is_aligned_within_80_columns) {
  make_session();
  ok("create another-session --input 'x'");
  std::string out = ok("list").out;
  BOOST_TEST(out.rfind("ID ", 0) == 0u);
  std::size_t at = 0, nl;
  while ((nl = out.find('\n', at)) != std::string::npos) {
    BOOST_TEST(code_points(out.substr(at, nl - at)) <= 80u, out.substr(at, nl - at));
    at = nl + 1;
  }
  BOOST_TEST(out.find("another-session") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(verify_passes_a_sound_journal_and_prints_its_head_hash) {
  use_golden_journal();
  Result r = ok("verify");
  BOOST_TEST(r.out.find("ok    golden-v1  8 events  head 30a10c6d3a0ea742c8ca8347f56a8058b86f14d66dccff3b5403abefbf72644d") !=
             std::string::npos, r.out);
  BOOST_TEST(r.out.find("1 sessions checked, 0 with problems") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(verify_names_the_line_and_byte_of_damage_and_exits_1) {
  make_session();
  std::string text = pjtest::read_file(journal());
  std::size_t line2 = text.find('\n') + 1;
  text[text.find("You are a classifier", line2)] = 'Y' + 1;  // flip one letter on line 2
  pjtest::write_file(journal(), text);
  Result r = run("verify s1");
  BOOST_TEST(r.rc == 1);
  BOOST_TEST(r.out.find("FAIL  s1") != std::string::npos);
  BOOST_TEST(r.out.find("corrupt: " + journal() + ":2 (byte " + std::to_string(line2) + ") seq 2: hash mismatch") !=
             std::string::npos, r.out);
  BOOST_TEST(run("audit s1").rc == 1);
  BOOST_TEST(run("set-prompt s1 --text more").rc == 1);  // nothing appended after damage
}

BOOST_AUTO_TEST_CASE(salvage_recovers_the_events_after_damage_into_a_new_session) {
  make_session();
  std::string text = pjtest::read_file(journal());
  std::size_t line2 = text.find('\n') + 1;
  text[text.find("You are a classifier", line2)] = 'Y' + 1;  // line 2 of 4 damaged
  pjtest::write_file(journal(), text);
  Result dry = ok("salvage s1 --dry-run");
  BOOST_TEST(dry.out.find("3 events recovered, 1 line not recovered") != std::string::npos, dry.out);
  BOOST_TEST(dry.out.find("not recovered: line 2 (byte " + std::to_string(line2)) != std::string::npos, dry.out);
  BOOST_TEST(dry.out.find("lost: seq 2") != std::string::npos, dry.out);
  BOOST_TEST(dry.out.find("dry run: nothing written") != std::string::npos, dry.out);
  BOOST_TEST(!boost::filesystem::exists(root + "/s1-salvaged"));
  Result r = ok("salvage s1");
  BOOST_TEST(r.out.find("wrote " + root + "/s1-salvaged/events.jsonl: 3 events") != std::string::npos, r.out);
  BOOST_TEST(pjtest::read_file(journal()) == text);  // the source is unchanged
  BOOST_TEST(ok("verify s1-salvaged").out.find("ok    s1-salvaged  3 events") != std::string::npos);
  auto state = json::parse(ok("show s1-salvaged").out).as_object();
  BOOST_TEST(state.at("latest_optimized_prompt").as_string() ==
             "You are a sentiment classifier. Answer positive or negative.");
  BOOST_TEST(state.at("latest_human_feedback").as_array().size() == 1u);
  ok("set-prompt s1-salvaged --text 'goes on'");  // a sound session: it takes appends
  // The target is never written over; --to names another; --json is one document.
  Result again = run("salvage s1");
  BOOST_TEST(again.rc == 1);
  BOOST_TEST(again.err.find("already has a journal (name another with --to)") != std::string::npos, again.err);
  auto j = json::parse(ok("--json salvage s1 --to s1-b").out).as_object();
  BOOST_TEST(j.at("recovered").as_int64() == 3);
  BOOST_TEST(j.at("readable").as_int64() == 1);
  BOOST_TEST(j.at("missing").as_array().size() == 1u);
  BOOST_TEST(j.at("skipped").as_array()[0].as_object().at("line").as_int64() == 2);
}

BOOST_AUTO_TEST_CASE(salvage_of_a_sound_journal_writes_nothing) {
  make_session();
  Result r = ok("salvage s1");
  BOOST_TEST(r.out.find("nothing to salvage") != std::string::npos, r.out);
  BOOST_TEST(!boost::filesystem::exists(root + "/s1-salvaged"));
  BOOST_TEST(ok("salvage --help").out.find("meta.salvaged_from") != std::string::npos);
  BOOST_TEST(run("salvage nope").rc == 1);
  BOOST_TEST(run("salvage").rc == 2);
}

BOOST_AUTO_TEST_CASE(verify_reports_a_torn_tail_without_failing) {
  make_session();
  std::string text = pjtest::read_file(journal());
  pjtest::write_file(journal(), text + R"({"v":1,"seq":5,"ty)");
  Result r = ok("verify s1");
  BOOST_TEST(r.out.find("torn tail") != std::string::npos, r.out);
  BOOST_TEST(ok("set-prompt s1 --text after").out == "5\n");  // the next writer cuts it
  Result after = ok("verify s1");
  BOOST_TEST(after.out.find("torn tail") == std::string::npos, after.out);
  BOOST_TEST(after.out.find("  cut aside: " + root + "/s1/torn-" + std::to_string(text.size()) + "-18.bin: 18 bytes") !=
                 std::string::npos, after.out);
  // audit names them too, in text and in the HTML page.
  BOOST_TEST(ok("audit s1").out.find("cut aside: ") != std::string::npos);
  BOOST_TEST(ok("audit s1 --html -").out.find("<li>cut aside: ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(verify_reports_a_damaged_tail_and_exits_1_until_the_next_writer_cuts_it) {
  make_session();
  std::string text = pjtest::read_file(journal());
  const std::string tail = std::string(512, '\0') + "\n" + R"({"v":1,"seq":6,"ty)";  // unsynced sectors after a power loss
  pjtest::write_file(journal(), text + tail);
  Result r = run("verify s1");
  BOOST_TEST(r.rc == 1);
  BOOST_TEST(r.out.find("FAIL  s1  4 events") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("damaged tail: " + journal() + ":5 (byte " + std::to_string(text.size()) + ") seq 5: " +
                        std::to_string(tail.size()) + " bytes from here to the end of the file are not events") !=
                 std::string::npos, r.out);
  Result j = run("verify s1 --json");
  BOOST_TEST(j.out.find(R"("kind":"damaged tail")") != std::string::npos, j.out);
  BOOST_TEST(ok("set-prompt s1 --text after").out == "5\n");  // the next writer cuts it aside
  Result after = ok("verify s1");
  BOOST_TEST(after.out.find("tail") == std::string::npos, after.out);
  BOOST_TEST(after.out.find("cut aside: ") != std::string::npos, after.out);
  Result aj = ok("verify s1 --json");
  BOOST_TEST(aj.out.find(R"("cut_aside":[{"file":")" + root + "/s1/torn-" + std::to_string(text.size()) + "-" +
                         std::to_string(tail.size()) + R"(.bin","offset":)" + std::to_string(text.size())) !=
                 std::string::npos, aj.out);
}

BOOST_AUTO_TEST_CASE(a_session_whose_creation_was_cut_short_breaks_no_command) {
  // A writer killed between creating events.jsonl and writing seq 1 leaves an
  // empty journal (the soak found it). Before: list failed for every session
  // and show crashed.
  make_session();
  ok("create s2 --input x");
  boost::filesystem::remove(root + "/s2/events.jsonl");
  pjtest::write_file(root + "/s2/events.jsonl", "");
  Result list = ok("list");
  BOOST_TEST(list.out.find("s1") != std::string::npos, list.out);
  BOOST_TEST(list.out.find("s2") == std::string::npos, list.out);
  BOOST_TEST(list.err.find("'s2' has no event yet") != std::string::npos, list.err);
  for (const char* cmd : {"show s2", "log s2", "history s2", "audit s2", "export s2", "feedback s2 --text x "
                          "--start 0 --end 1 --feedback y", "set-prompt s2 --text p"}) {
    Result r = run(cmd);
    BOOST_TEST(r.rc == 1, cmd << " exited " << r.rc);
    BOOST_TEST(r.err.find("session 's2' has no event yet") != std::string::npos, cmd << ": " << r.err);
  }
  Result v = ok("verify");  // a torn tail at byte 0: not a fault
  BOOST_TEST(v.out.find("ok    s2  0 events") != std::string::npos, v.out);
  BOOST_TEST(v.out.find("torn tail: " + root + "/s2/events.jsonl:1 (byte 0) seq 1: the journal is empty") !=
                 std::string::npos, v.out);
  BOOST_TEST(ok("snapshot --all").out.find("s2") == std::string::npos);
  BOOST_TEST(ok("create s2 --input again").out == "1\n");  // the next create goes on
  BOOST_TEST(ok("verify s2").out.find("torn") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(snapshot_writes_a_file_for_one_or_all_sessions) {
  make_session();
  ok("create s2 --input x");
  BOOST_TEST(ok("snapshot s1").out == root + "/s1/snapshot-00000000000000000004.json\n");
  std::string all = ok("snapshot --all").out;
  BOOST_TEST(all.find("s2/snapshot-00000000000000000001.json") != std::string::npos);
  BOOST_TEST(run("snapshot").rc == 2);
  BOOST_TEST(ok("verify").out.find("0 with problems") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(follow_prints_events_as_they_are_appended) {
  make_session();
  // follow says on stderr when it has read to the head; only then is the
  // event appended (no sleep to guess how long a slow start takes). Its
  // stdout and stderr share one pipe; `timeout` only guards against a hang.
  int fds[2];
  BOOST_REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);  // never kill(-1, ...) or wait for any child
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    ::close(fds[0]);
    ::close(fds[1]);
    ::setenv("NO_COLOR", "1", 1);
    ::execlp("timeout", "timeout", "--preserve-status", "-s", "INT", "120", PJOURNAL_BIN, "--root", root.c_str(),
             "follow", "s1", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  FILE* p = ::fdopen(fds[0], "r");
  std::string out, before;
  char line[4096];
  bool ready = false, seen = false;
  while (!ready && std::fgets(line, sizeof line, p)) {
    before += line;
    ready = std::string(line).starts_with("pjournal: following s1 after seq 4");
  }
  BOOST_REQUIRE_MESSAGE(ready, before);
  ok("set-prompt s1 --text 'appended while following'");
  while (!seen && std::fgets(line, sizeof line, p)) {
    out += line;
    seen = out.find("appended while following") != std::string::npos;
  }
  ::kill(pid, SIGINT);  // Ctrl-C
  while (std::fgets(line, sizeof line, p)) out += line;
  std::fclose(p);
  int status = 0;
  ::waitpid(pid, &status, 0);
  BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  BOOST_TEST(seen, out);
  BOOST_TEST(before.find("Classify reviews") == std::string::npos);  // only new events
  BOOST_TEST(out.find("Classify reviews") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(import_then_export_gives_back_the_original_bytes) {
  std::string src = pjtest::data_path("corpus/1795522344.5443594.json");  // providers written as strings
  Result r = ok("import --keep-secrets '" + src + "'");
  BOOST_TEST(r.out.find("1 imported, 0 unchanged, 0 refused") != std::string::npos, r.out);
  BOOST_TEST(ok("export 1795522344.5443594").out == pjtest::read_file(src));
  ok("export 1795522344.5443594 -o '" + dir / "out.json" + "'");
  BOOST_TEST(pjtest::read_file(dir / "out.json") == pjtest::read_file(src));
  BOOST_TEST(ok("import '" + src + "'").out.find("0 imported, 1 unchanged") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(import_refuses_what_is_not_a_session_file_and_exits_1) {
  Result r = run("import '" + pjtest::data_path("corpus/1795522344.35699.ops.json") + "'");
  BOOST_TEST(r.rc == 1);
  BOOST_TEST(r.out.find("refused") != std::string::npos);
  BOOST_TEST(r.out.find("0 imported, 0 unchanged, 1 refused") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(import_of_a_folder_skips_operation_logs_and_redacts_keys) {
  Result r = ok("import '" + pjtest::data_path("corpus") + "'");
  BOOST_TEST(r.out.find("9 imported, 0 unchanged, 0 refused") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("imported as \"unknown\"") != std::string::npos);
  for (const auto& id : {"1795522344.3433027", "1795522344.4426758"})
    BOOST_TEST(pjtest::read_file(root + "/" + id + "/events.jsonl").find("sk-") == std::string::npos, id);
  BOOST_TEST(ok("verify").out.find("9 sessions checked, 0 with problems") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_config_smuggling_json_through_a_reserved_object_is_refused) {
  // Before: export wrote the string raw, and Python read "injected_key" as a config key.
  std::ofstream(dir / "c.json") << R"({"x":{"$pj.float":"0, \"injected_key\": \"evil\""}})";
  Result r = run("create inj --input hi --config '" + dir / "c.json" + "'");
  BOOST_TEST(r.rc != 0);
  BOOST_TEST(r.err.find("config.x") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("reserved") != std::string::npos, r.err);
  BOOST_TEST(!boost::filesystem::exists(root + "/inj/events.jsonl"));
}

BOOST_AUTO_TEST_CASE(a_config_written_by_python_keeps_every_number_exactly) {
  // Python's repr of floats that Boost.JSON 1.81's own parser reads one unit off.
  std::ofstream(dir / "c.json") << R"({"a": 0.9085208976001361, "b": 0.9716130687125533, "nan": NaN,)"
                                << R"( "big": 123456789012345678901234567890})";
  ok("create nums --input hi --config '" + dir / "c.json" + "'");
  std::string exported = ok("export nums").out;
  BOOST_TEST(exported.find("\"a\": 0.9085208976001361,") != std::string::npos, exported);
  BOOST_TEST(exported.find("\"b\": 0.9716130687125533,") != std::string::npos, exported);
  BOOST_TEST(exported.find("\"nan\": NaN,") != std::string::npos, exported);
  BOOST_TEST(exported.find("\"big\": 123456789012345678901234567890") != std::string::npos, exported);
}

BOOST_AUTO_TEST_SUITE_END()
