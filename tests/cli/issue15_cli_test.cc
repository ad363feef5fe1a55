// Issue 15 (hostile input against pjournal), items 6, 7, 10, 11 and 12:
// strict numbers, unconditional writes under concurrency, terminal escapes,
// feedback spans, and errors that say what is really wrong.
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <string>

#include "cli_fixture.h"
#include "test_util.h"

namespace json = boost::json;
namespace bfs = boost::filesystem;

namespace {

// Terminal escapes a hostile journal may carry: a title change, a screen
// clear, a clipboard write (OSC 52), a hyperlink (OSC 8), the C1 CSI and OSC
// (U+009B, U+009D) and a right-to-left override (U+202E).
const std::string kTitle = "\x1b]0;owned\x07";
const std::string kClear = "\x1b[2J";
const std::string kClipboard = "\x1b]52;c;cm0gLXJmIH4=\x07";
const std::string kLink = "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\";
const std::string kCsi = "\xc2\x9b" "31m";
const std::string kOsc = "\xc2\x9d" "0;t\x07";
const std::string kRlo = "\xe2\x80\xae" "evil";
const std::string kHostile = "A" + kTitle + kClear + kClipboard + kLink + kCsi + kOsc + kRlo + "Z";

// Bytes a terminal would act on: C0 controls but newline and tab, DEL, the
// UTF-8 forms of C1 controls and of bidi overrides and isolates.
std::string first_raw_control(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) return "byte " + std::to_string(c) + " at " + std::to_string(i);
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F)
      return "C1 control at " + std::to_string(i);
    if (s.compare(i, 2, "\xe2\x80") == 0 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 2]) >= 0xAA &&
        static_cast<unsigned char>(s[i + 2]) <= 0xAE)
      return "bidi override at " + std::to_string(i);
    if (s.compare(i, 2, "\xe2\x81") == 0 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 2]) >= 0xA6 &&
        static_cast<unsigned char>(s[i + 2]) <= 0xA9)
      return "bidi isolate at " + std::to_string(i);
  }
  return "";
}

struct Issue15 : Cli {
  // A session with a prompt (so feedback has a span to refer to).
  void make_prompted(const std::string& id = "s1") {
    ok("create " + id + " --input 'Classify reviews.'");
    ok("set-prompt " + id + " --text 'You are a classifier.'");
  }
  std::string file_with(const std::string& name, const std::string& bytes) {
    pjtest::write_file(dir / name, bytes);
    return "'" + dir / name + "'";
  }
  std::size_t events(const std::string& id = "s1") {
    return pjtest::read_lines(root + "/" + id + "/events.jsonl").size();
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(issue15, Issue15)

// --- item 6: numbers are parsed strictly ---------------------------------

BOOST_AUTO_TEST_CASE(a_bad_number_is_a_usage_error_naming_its_option_for_every_numeric_option) {
  make_prompted();
  const std::string fb = "feedback s1 --text You --feedback f ";
  // {command with V where the value goes, the option the error must name}
  const std::pair<std::string, std::string> uses[] = {
      {"set-prompt s1 --text x --expect-seq V", "--expect-seq"},
      {"set-input s1 --text x --expect-seq V", "--expect-seq"},
      {fb + "--start 0 --end 3 --expect-seq V", "--expect-seq"},
      {"create s9 --input x --expect-seq V", "--expect-seq"},
      {fb + "--start V --end 3", "--start"},
      {fb + "--start 0 --end V", "--end"},
      {"show s1 --at V", "--at"},
      {"export s1 --at V", "--at"},
      {"follow s1 --interval V", "--interval"},
      {"diff s1 V", "FROM_TO"},
  };
  const std::string before = pjtest::read_file(journal());
  for (const auto& [use, option] : uses) {
    for (const std::string bad : {"''", "-1", "2^64", "18446744073709551616", "99999999999999999999", "1e3", "0x10",
                                  "' 5'", "+5", "1.0"}) {
      std::string args = use;
      args.replace(args.find('V'), 1, bad);
      Result r = run(args, "NO_COLOR=1 timeout 20");  // a follow that parsed would not end
      BOOST_TEST(r.rc == 2, args << " exited " << r.rc << ": " << r.err);
      BOOST_TEST(r.out.empty(), args);
      BOOST_TEST(r.err.rfind("pjournal: error: " + option + ": ", 0) == 0u, args << ": " << r.err);
    }
  }
  BOOST_TEST(pjtest::read_file(journal()) == before);  // nothing was written
  BOOST_TEST(!bfs::exists(root + "/s9"));
  // Leading zeros are decimal, not octal.
  BOOST_TEST(ok("show s1 --at 02").out == ok("show s1 --at 2").out);
  BOOST_TEST(run("show s1 --at 010").err.find("there is no seq 10") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(expect_seq_0_on_an_existing_session_is_a_conflict) {
  make_prompted();
  for (const std::string cmd : {"set-prompt s1 --text x", "set-input s1 --text x",
                                "feedback s1 --text You --start 0 --end 3 --feedback f"}) {
    Result r = run(cmd + " --expect-seq 0");
    BOOST_TEST(r.rc == 3, cmd << " exited " << r.rc << ": " << r.err);
    BOOST_TEST(r.err == "pjournal: error: concurrent change to session 's1': expected last seq 0 but the journal is "
                        "at seq 2\n", r.err);
  }
  BOOST_TEST(events() == 2u);
}

// --- item 7: without --expect-seq a write is unconditional ----------------

BOOST_AUTO_TEST_CASE(writes_without_expect_seq_never_conflict_under_parallel_writers) {
  make_prompted();
  // Four writers at once, 50 writes each: two set the prompt, two the input.
  const int kWriters = 4, kWrites = 50;
  std::string script = "fail=0\n";
  for (int w = 0; w < kWriters; ++w) {
    std::string cmd = w % 2 == 0 ? "set-prompt" : "set-input";
    script += "(for i in $(seq 1 " + std::to_string(kWrites) + "); do " + PJOURNAL_BIN + " --root '" + root + "' " +
              cmd + " s1 --text \"w" + std::to_string(w) + "-$i\" >/dev/null 2>>'" + dir / "errors.txt" +
              "' || echo \"exit $? w" + std::to_string(w) + "-$i\" >>'" + dir / "failures.txt" + "'; done) &\n";
  }
  script += "wait\n";
  pjtest::write_file(dir / "writers.sh", script);
  pjtest::write_file(dir / "failures.txt", "");
  pjtest::write_file(dir / "errors.txt", "");
  BOOST_REQUIRE(std::system(("sh '" + dir / "writers.sh" + "'").c_str()) == 0);
  BOOST_TEST(pjtest::read_file(dir / "failures.txt") == "", pjtest::read_file(dir / "errors.txt"));
  // Every write is in the journal, once.
  std::string log = ok("log s1 --json").out;
  std::size_t n = 0;
  for (std::size_t at = 0, nl; (nl = log.find('\n', at)) != std::string::npos; at = nl + 1) ++n;
  BOOST_TEST(n == 2u + kWriters * kWrites);
  for (int w = 0; w < kWriters; ++w)
    for (int i = 1; i <= kWrites; ++i)
      BOOST_TEST(log.find("\"w" + std::to_string(w) + "-" + std::to_string(i) + "\"") != std::string::npos,
                 "w" << w << "-" << i);
  BOOST_TEST(ok("verify s1").out.find("ok    s1") == 0u);
}

// --- item 10: control characters are shown, not sent -----------------------

BOOST_AUTO_TEST_CASE(human_output_shows_terminal_escapes_instead_of_sending_them) {
  const std::string id = "id" + kCsi + "\xe2\x80\xae" "x";  // ids may hold C1 controls and bidi overrides
  ok("create '" + id + "' --input-file " + file_with("input.txt", "input " + kHostile));
  ok("set-prompt '" + id + "' --file " + file_with("p1.txt", "one " + kHostile + "\nline two"));
  ok("feedback '" + id + "' --text one --start 0 --end 3 --feedback 'c" + kTitle + kRlo + "'");
  ok("set-prompt '" + id + "' --file " + file_with("p2.txt", "two " + kHostile + kClipboard + "\nline two"));
  for (const std::string& cmd : std::vector<std::string>{"list", "log '" + id + "'", "history '" + id + "'",
                                "history '" + id + "' --field human_input", "diff '" + id + "'",
                                "diff '" + id + "' --lines", "audit '" + id + "'", "verify", "snapshot '" + id + "'",
                                "show 'nosuch" + kCsi + kTitle + "'", "show 'nosuch" + kCsi + "'",
                                "log '" + id + "' --type 'x" + kClear + "'"}) {
    Result r = run(cmd);
    BOOST_TEST(first_raw_control(r.out) == "", cmd << ": " << r.out);
    BOOST_TEST(first_raw_control(r.err) == "", cmd << ": " << r.err);
  }
  // What is shown instead: caret forms and code points, as less shows them.
  BOOST_TEST(ok("log '" + id + "'").out.find("input \"input A^[]0;owned^G^[[2J") != std::string::npos);
  BOOST_TEST(ok("list").out.find("id<U+009B>31m<U+202E>x") != std::string::npos);
  std::string audit = ok("audit '" + id + "'").out;
  BOOST_TEST(audit.find("| one A^[]0;owned^G^[[2J^[]52;c;cm0gLXJmIH4=^G^[]8;;http://evil.example/^[\\click"
                        "^[]8;;^[\\<U+009B>31m<U+009D>0;t^G<U+202E>evilZ\n") != std::string::npos, audit);
  BOOST_TEST(audit.find("    c^[]0;owned^G<U+202E>evil\n") != std::string::npos, audit);  // the comment
  BOOST_TEST(run("show 'nosuch" + kCsi + "'").err.find("no session 'nosuch<U+009B>31m'") != std::string::npos);
  BOOST_TEST(run("log '" + id + "' --type 'x" + kClear + "'").err.find("'x^[[2J'") != std::string::npos);
  // Prompts keep their lines in the audit and in line diffs.
  BOOST_TEST(ok("audit '" + id + "'").out.find("\n    | line two\n") != std::string::npos);
  BOOST_TEST(ok("diff '" + id + "' --lines").out.find("\n line two\n") != std::string::npos);
  // follow prints the same lines as log.
  std::string cmd = std::string("NO_COLOR=1 timeout --preserve-status -s INT 5 ") + PJOURNAL_BIN + " --root '" +
                    root + "' follow '" + id + "' --from-start";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  ::pclose(p);
  BOOST_TEST(out.find("^[]0;owned^G") != std::string::npos, out);
  BOOST_TEST(first_raw_control(out) == "", out);
  // Machine output keeps the exact text.
  auto state = json::parse(ok("show '" + id + "'").out).as_object();
  BOOST_TEST(state.at("initial_human_input").as_string() == "input " + kHostile);
  BOOST_TEST(state.at("session_id").as_string() == id);
}

BOOST_AUTO_TEST_CASE(colours_of_a_diff_stay_real_escapes_while_the_text_is_shown) {
  make_prompted();
  ok("set-prompt s1 --file " + file_with("p.txt", "You are a " + kClear + "classifier."));
  // On a terminal (script(1) gives it one): colours on.
  std::string cmd = "script -qec \"" + std::string(PJOURNAL_BIN) + " --root '" + root + "' diff s1\" /dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  ::pclose(p);
  BOOST_TEST(out.find("\x1b[32m{+^[[2Jclassifier.+}\x1b[0m") != std::string::npos, out);
  // Only the colours (and the terminal's CR LF) are real control characters.
  for (const std::string known : {"\x1b[31m", "\x1b[32m", "\x1b[0m", "\r"})
    for (std::size_t at; (at = out.find(known)) != std::string::npos;) out.erase(at, known.size());
  BOOST_TEST(first_raw_control(out) == "", out);
}

// --- item 11: feedback spans ------------------------------------------------

BOOST_AUTO_TEST_CASE(feedback_whose_span_does_not_fit_the_latest_prompt_is_refused) {
  ok("create s1 --input 'Classify reviews.'");
  // No optimized prompt yet: the span refers to nothing.
  Result none = run("feedback s1 --text Class --start 0 --end 5 --feedback f");
  BOOST_TEST(none.rc == 1);
  BOOST_TEST(none.err.find("no optimized prompt") != std::string::npos, none.err);
  ok("set-prompt s1 --text 'You are a classifier.'");  // 21 code points
  Result past = run("feedback s1 --text x --start 100 --end 200 --feedback f");
  BOOST_TEST(past.rc == 1);
  BOOST_TEST(past.err.find("the span [100..200] goes past the end of the prompt (21 code points)") !=
                 std::string::npos, past.err);
  Result other = run("feedback s1 --text classifier --start 9 --end 19 --feedback f");
  BOOST_TEST(other.rc == 1);
  BOOST_TEST(other.err.find(R"(the span [9..19] covers " classifie", not "classifier")") != std::string::npos,
             other.err);
  Result reversed = run("feedback s1 --text x --start 5 --end 4 --feedback f");
  BOOST_TEST(reversed.rc == 2);
  BOOST_TEST(events() == 2u);  // none of them was written
  BOOST_TEST(ok("feedback s1 --text classifier --start 10 --end 20 --feedback f").out == "3\n");
  BOOST_TEST(ok("feedback s1 --text '' --start 21 --end 21 --feedback 'at the end'").out == "4\n");
  // --force records what does not fit (and audit flags it).
  BOOST_TEST(ok("feedback s1 --text x --start 100 --end 200 --feedback forced --force").out == "5\n");
}

BOOST_AUTO_TEST_CASE(feedback_offsets_count_code_points_as_python_does) {
  ok("create s1 --input in");
  ok("set-prompt s1 --text 'Answer 🙂 or 🙁 only.'");
  BOOST_TEST(ok("feedback s1 --text '🙂 or 🙁' --start 7 --end 13 --feedback f").out == "3\n");
  BOOST_TEST(run("feedback s1 --text '🙂 or 🙁' --start 7 --end 21 --feedback f").rc == 1);
}

BOOST_AUTO_TEST_CASE(caused_by_must_name_a_feedback_of_the_session) {
  make_prompted();
  Result r = run("set-prompt s1 --text new --caused-by nonexistent");
  BOOST_TEST(r.rc == 1);
  BOOST_TEST(r.err.find("--caused-by: session 's1' has no feedback 'nonexistent'") != std::string::npos, r.err);
  BOOST_TEST(events() == 2u);
  ok("feedback s1 --text classifier --start 10 --end 20 --feedback f");
  auto fb = json::parse(ok("show s1").out).at("latest_human_feedback").as_array().at(0).at("id").as_string();
  BOOST_TEST(ok("set-prompt s1 --text new --caused-by " + std::string(fb)).out == "4\n");
}

BOOST_AUTO_TEST_CASE(audit_flags_spans_that_do_not_match_their_prompt_and_imports_keep_them) {
  make_prompted();
  ok("feedback s1 --text classifier --start 10 --end 20 --feedback fits");
  ok("feedback s1 --text classifier --start 9 --end 19 --feedback 'off by one' --force");
  Result text = ok("audit s1");
  BOOST_TEST(text.out.find(R"(! span does not match: the span [9..19] covers " classifie", not "classifier")") !=
                 std::string::npos, text.out);
  std::size_t flags = 0;
  for (std::size_t at = 0; (at = text.out.find("! span does not match", at)) != std::string::npos; ++at) ++flags;
  BOOST_TEST(flags == 1u);
  auto fbs = json::parse(ok("audit s1 --json").out).at("optimized_prompt").as_array().at(0).at("feedback").as_array();
  BOOST_TEST(fbs.at(0).at("span_mismatch").is_null());
  BOOST_TEST(fbs.at(1).at("span_mismatch").as_string().find("covers") != json::string::npos);
  // An import keeps the feedback the file holds, fitting or not.
  ok("export s1 -o '" + dir / "s1.json" + "'");
  Result imp = ok("import --as s2 '" + dir / "s1.json" + "'");
  BOOST_TEST(imp.out.find("1 imported") != std::string::npos, imp.out);
  auto state = json::parse(ok("show s2").out).as_object();
  BOOST_TEST(state.at("latest_human_feedback").as_array().size() == 2u);
  BOOST_TEST(ok("audit s2").out.find("! span does not match") != std::string::npos);
}

// --- item 12: errors that say what is wrong --------------------------------

BOOST_AUTO_TEST_CASE(a_root_this_user_may_not_read_is_permission_denied_not_no_session) {
  make_prompted();
  bfs::permissions(dir.path(), bfs::perms(0755));  // others may reach the root, not read it
  bfs::permissions(root, bfs::perms(0700));
  Result r;
  if (::geteuid() == 0) {
    // Root reads everything: run as nobody.
    r.rc = std::system(("setpriv --reuid=65534 --regid=65534 --clear-groups " + std::string(PJOURNAL_BIN) +
                        " --root '" + root + "' show s1 >/dev/null 2>'" + dir / "err.txt" + "'")
                           .c_str());
    r.rc = WIFEXITED(r.rc) ? WEXITSTATUS(r.rc) : -1;
    r.err = pjtest::read_file(dir / "err.txt");
  } else {
    bfs::permissions(root, bfs::perms(0));
    r = run("show s1");
    bfs::permissions(root, bfs::perms(0700));
  }
  BOOST_TEST(r.rc == 1);
  BOOST_TEST(r.err == "pjournal: error: cannot read the sessions folder " + root + ": Permission denied\n", r.err);
}

BOOST_AUTO_TEST_CASE(a_root_given_as_a_link_to_a_folder_is_followed) {
  make_prompted();
  bfs::create_symlink(root, dir / "link");
  Cli other;
  other.root = dir / "link";
  Result r = other.ok("list");
  BOOST_TEST(r.out.find("s1") != std::string::npos, r.out);
  BOOST_TEST(other.ok("set-prompt s1 --text via-link").out == "3\n");
  BOOST_TEST(json::parse(ok("show s1").out).at("latest_optimized_prompt").as_string() == "via-link");
}

BOOST_AUTO_TEST_CASE(an_import_folder_entry_that_cannot_be_read_is_reported_and_skipped) {
  std::string folder = dir / "in";
  bfs::create_directories(folder);
  bfs::copy_file(pjtest::data_path("corpus/1795522344.5443594.json"), folder + "/a.json");
  bfs::create_symlink("loop.json", folder + "/loop.json");  // a link to itself
  bfs::copy_file(pjtest::data_path("corpus/1795522344.36433.json"), folder + "/z.json");
  Result r = run("import '" + folder + "'");
  BOOST_TEST(r.rc == 1);
  BOOST_TEST(r.out.find("refused  " + folder + "/loop.json\n    cannot look at it: Too many levels of symbolic links") !=
                 std::string::npos, r.out);
  BOOST_TEST(r.out.find("2 imported, 0 unchanged, 1 refused") != std::string::npos, r.out);
  BOOST_TEST(r.err.find("boost") == std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(import_as_an_empty_id_is_a_usage_error) {
  Result r = run("import --as '' '" + pjtest::data_path("corpus/1795522344.5443594.json") + "'");
  BOOST_TEST(r.rc == 2);
  BOOST_TEST(r.err.find("pjournal: error: import: --as: the session id is empty") == 0u, r.err);
  BOOST_TEST(!bfs::exists(root + "/1795522344.5443594"));
}

BOOST_AUTO_TEST_CASE(snapshot_with_json_prints_json) {
  make_prompted();
  auto a = json::parse(ok("--json snapshot s1").out).as_array();
  BOOST_TEST(a.size() == 1u);
  BOOST_TEST(a.at(0).at("session_id").as_string() == "s1");
  BOOST_TEST(a.at(0).at("path").as_string() == root + "/s1/snapshot-00000000000000000002.json");
}

BOOST_AUTO_TEST_CASE(usage_errors_carry_the_error_prefix_and_name_an_unknown_command) {
  Result unknown = run("frobnicate");
  BOOST_TEST(unknown.rc == 2);
  BOOST_TEST(unknown.err == "pjournal: error: unknown command 'frobnicate' (see pjournal --help)\n", unknown.err);
  for (const std::string args : {"", "show", "show s1 --bogus", "list extra", "--json frobnicate s1"}) {
    Result r = run(args);
    BOOST_TEST(r.rc == 2, args);
    BOOST_TEST(r.err.rfind("pjournal: error: ", 0) == 0u, args << ": " << r.err);
  }
  BOOST_TEST(run("--json frobnicate s1").err.find("'frobnicate'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_help_prints_the_exit_codes_once) {
  for (const std::string c : {"", "list", "show", "log", "history", "diff", "audit", "verify", "salvage", "snapshot",
                              "follow", "create", "feedback", "set-prompt", "set-input", "import", "export"}) {
    std::string out = ok(c + " --help").out;
    std::size_t n = 0;
    for (std::size_t at = 0; (at = out.find("Exit codes:", at)) != std::string::npos; ++at) ++n;
    BOOST_TEST(n == 1u, c << " --help prints the exit codes " << n << " times");
  }
  BOOST_TEST(ok("salvage --help").out.find("meta.salvaged_from") != std::string::npos);  // its own footer stays
}

BOOST_AUTO_TEST_SUITE_END()
