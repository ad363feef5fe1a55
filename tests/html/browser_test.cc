// Opens generated reports in Debian's headless Chromium (/usr/bin/chromium,
// installed by scripts/install-deps.sh): the page loads with no console
// message, the versions and highlights are in the DOM, an injected script did
// not run, and screenshots are produced at 1280x800 and 400 px wide.
//
// Chromium missing is a failure, not a skip: CI installs it. Set
// PJ_HTML_SCREENSHOT_DIR to keep the screenshots.
#define BOOST_TEST_MODULE HTML audit report in a browser
#include <sys/wait.h>

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "html_fixture.h"

namespace {

const char* kChromium = "/usr/bin/chromium";
const char* kMissing =
    "Debian's chromium is required at /usr/bin/chromium for the HTML tests "
    "(apt-get install -y chromium, or scripts/install-deps.sh)";

bool chromium_present() { return std::ifstream(kChromium).good(); }

struct Browser {
  pjtest::TempDir dir;
  int run = 0;
  std::string console;  // the console lines of the last run

  // Runs chromium headless on the page at `path` with `args`, in a fresh
  // profile, with networking features off; returns its stdout.
  std::string chromium(const std::string& path, const std::string& args) {
    BOOST_REQUIRE_MESSAGE(chromium_present(), kMissing);
    const std::string profile = dir / ("profile" + std::to_string(++run));
    const std::string err = dir / "stderr.txt";
    const std::string cmd = std::string("timeout 120 ") + kChromium +
                            " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                            " --disable-background-networking --disable-component-update --disable-sync"
                            " --hide-scrollbars --enable-logging=stderr --v=0 --user-data-dir='" +
                            profile + "' " + args + " 'file://" + path + "' 2>'" + err + "'";
    FILE* p = ::popen(cmd.c_str(), "r");
    BOOST_REQUIRE(p != nullptr);
    std::string out;
    char buf[1 << 16];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    const int status = ::pclose(p);
    BOOST_REQUIRE_MESSAGE(WIFEXITED(status) && WEXITSTATUS(status) == 0, "chromium failed: " + cmd);
    console.clear();
    std::ifstream in(err);
    for (std::string line; std::getline(in, line);)
      if (line.find(":CONSOLE") != std::string::npos) console += line + "\n";
    return out;
  }

  std::string save(const std::string& name, const std::string& page) {
    const std::string path = dir / name;
    pjtest::write_file(path, page);
    return path;
  }

  // Takes a screenshot at `size` ("W,H") and checks it is a PNG.
  void screenshot(const std::string& path, const std::string& name, const std::string& size) {
    const std::string png = dir / (name + ".png");
    chromium(path, "--window-size=" + size + " --screenshot='" + png + "'");
    const std::string bytes = pjtest::read_file(png);
    BOOST_TEST(bytes.substr(0, 8) == "\x89PNG\r\n\x1a\n", name);
    BOOST_TEST(bytes.size() > 5000u, name);
    if (const char* keep = std::getenv("PJ_HTML_SCREENSHOT_DIR"))
      pjtest::write_file(std::string(keep) + "/" + name + ".png", bytes);
  }
};

bool has(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(browser, HtmlFixture)

BOOST_AUTO_TEST_CASE(chromium_is_installed) { BOOST_REQUIRE_MESSAGE(chromium_present(), kMissing); }

BOOST_AUTO_TEST_CASE(the_console_check_sees_a_script_the_policy_blocked) {
  // Proves the two safety nets the other cases rely on: a <script> that got
  // into the page raw is blocked by the page's policy, and that shows on the
  // console this test reads.
  Browser b;
  std::string page = hostile();
  page.replace(page.find("<body>"), 6, "<body><script>document.body.setAttribute('data-pwned','9')</script>");
  std::string dom = b.chromium(b.save("raw.html", page), "--dump-dom");
  BOOST_TEST(!has(dom, "data-pwned=\"9\""));
  BOOST_TEST(has(b.console, "Content Security Policy"), b.console);
}

BOOST_AUTO_TEST_CASE(a_hostile_session_renders_as_text_and_runs_nothing) {
  Browser b;
  const std::string path = b.save("hostile.html", hostile());
  std::string dom = b.chromium(path, "--dump-dom");
  BOOST_TEST(b.console.empty(), b.console);
  BOOST_TEST(!has(dom, "data-pwned=\""));  // no script, handler or link set it
  BOOST_TEST(!has(dom, "<img"));
  BOOST_TEST(!has(dom, "<script"));
  BOOST_TEST(has(dom, "id=\"prompt-v2\""));
  BOOST_TEST(has(dom, "id=\"input-v2\""));
  BOOST_TEST(has(dom, "&lt;script&gt;document.body.setAttribute('data-pwned','1');window.__pwned=1&lt;/script&gt;"));
  BOOST_TEST(has(dom, "<mark data-feedback=\"f-script\" title=\"comment "));
  BOOST_TEST(has(dom, "<del>v1</del><ins>v2</ins>"));
  b.screenshot(path, "hostile-1280", "1280,800");
  b.screenshot(path, "hostile-400", "400,900");
}

BOOST_AUTO_TEST_CASE(unicode_highlights_survive_the_browser_at_two_widths) {
  Browser b;
  const std::string path = b.save("unicode.html", unicode());
  std::string dom = b.chromium(path, "--dump-dom");
  BOOST_TEST(b.console.empty(), b.console);
  BOOST_TEST(has(dom, "title=\"accent\">e\u0301</mark>"));
  BOOST_TEST(has(dom, "title=\"family\">👨‍👩‍👧</mark>"));
  BOOST_TEST(has(dom, "title=\"kanji | wide\">漢字</mark>"));
  BOOST_TEST(has(dom, "offsets out of range"));
  b.screenshot(path, "unicode-1280", "1280,800");
  b.screenshot(path, "unicode-400", "400,900");
}

BOOST_AUTO_TEST_CASE(the_corpus_sample_highlights_in_the_browser) {
  Browser b;
  std::string dom = b.chromium(b.save("corpus.html", corpus()), "--dump-dom");
  BOOST_TEST(b.console.empty(), b.console);
  BOOST_TEST(has(dom, ">🙂👍🏽</mark>"));
  BOOST_TEST(has(dom, ">العربية</mark>"));
}

BOOST_AUTO_TEST_CASE(a_ten_thousand_event_session_opens) {
  Browser b;
  const std::string path = b.save("large.html", large());
  std::string dom = b.chromium(path, "--dump-dom");
  BOOST_TEST(b.console.empty(), b.console);
  BOOST_TEST(has(dom, "Timeline (10000 events)"));
  BOOST_TEST(has(dom, "id=\"prompt-v200\""));
  BOOST_TEST(has(dom, "id=\"e10000\""));
  b.screenshot(path, "large-1280", "1280,800");
}

BOOST_AUTO_TEST_SUITE_END()
