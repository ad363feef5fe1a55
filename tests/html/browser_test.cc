// Opens generated reports in Debian's headless Chromium: the page loads with
// no console message, the versions and highlights are in the DOM after
// scripts ran, an injected script did not run, and screenshots are produced.
#define BOOST_TEST_MODULE HTML audit report in a browser
#include <sys/wait.h>

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>

#include "html_fixture.h"

namespace {

const char* kChromium = "/usr/bin/chromium";

struct Browser {
  pjtest::TempDir dir;
  int run = 0;

  // Runs chromium headless on `page`; returns stdout; *console gets console lines.
  std::string chromium(const std::string& page_path, const std::string& args, std::string* console) {
    std::string profile = dir / ("profile" + std::to_string(++run));
    std::string err = dir / "stderr.txt";
    std::string cmd = std::string("timeout 120 ") + kChromium +
                      " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                      " --disable-background-networking --disable-component-update --disable-sync"
                      " --enable-logging=stderr --v=0 --user-data-dir='" + profile + "' " + args +
                      " 'file://" + page_path + "' 2>'" + err + "'";
    FILE* p = ::popen(cmd.c_str(), "r");
    std::string out;
    char buf[1 << 16];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    int status = ::pclose(p);
    BOOST_REQUIRE_MESSAGE(WIFEXITED(status) && WEXITSTATUS(status) == 0, "chromium failed: " + cmd);
    console->clear();
    std::ifstream in(err);
    for (std::string line; std::getline(in, line);)
      if (line.find(":CONSOLE") != std::string::npos) *console += line + "\n";
    return out;
  }
};

std::string save(const pjtest::TempDir& dir, const std::string& name, const std::string& page) {
  std::string path = dir / name;
  pjtest::write_file(path, page);
  return path;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(browser, HtmlFixture)

BOOST_AUTO_TEST_CASE(chromium_is_installed) {
  BOOST_REQUIRE_MESSAGE(std::ifstream(kChromium).good(),
                        "Debian's chromium is required (apt-get install chromium; scripts/install-deps.sh test)");
}

BOOST_AUTO_TEST_CASE(a_hostile_session_renders_as_text_and_runs_nothing) {
  Browser b;
  std::string path = save(b.dir, "hostile.html", hostile());
  std::string console;
  std::string dom = b.chromium(path, "--dump-dom", &console);
  BOOST_TEST(console.empty(), console);
  BOOST_TEST(dom.find("data-pwned=\"1\"") == std::string::npos);  // the injected script never ran
  BOOST_TEST(dom.find("<body data-field=\"all\">") != std::string::npos);
  BOOST_TEST(dom.find("id=\"prompt-v2\"") != std::string::npos);
  BOOST_TEST(dom.find("&lt;script&gt;document.body.setAttribute") != std::string::npos);
  BOOST_TEST(dom.find("data-feedback=\"f-script\"") != std::string::npos);
  std::string png = b.dir / "hostile.png";
  b.chromium(path, "--window-size=1280,800 --screenshot='" + png + "'", &console);
  BOOST_TEST(pjtest::read_file(png).substr(1, 3) == "PNG");
}

BOOST_AUTO_TEST_CASE(unicode_highlights_survive_the_browser_at_two_widths) {
  Browser b;
  std::string path = save(b.dir, "unicode.html", unicode());
  std::string console;
  std::string dom = b.chromium(path, "--dump-dom", &console);
  BOOST_TEST(console.empty(), console);
  BOOST_TEST(dom.find(">🙂👍🏽</mark>") != std::string::npos);
  BOOST_TEST(dom.find(">العربية</mark>") != std::string::npos);
  for (auto size : {"1280,800", "400,900"}) {
    std::string png = b.dir / (std::string("unicode-") + size[0] + ".png");
    b.chromium(path, std::string("--window-size=") + size + " --screenshot='" + png + "'", &console);
    BOOST_TEST(pjtest::read_file(png).size() > 1000u, size);
  }
}

BOOST_AUTO_TEST_CASE(a_ten_thousand_event_session_opens) {
  Browser b;
  std::string path = save(b.dir, "large.html", large());
  std::string console;
  std::string dom = b.chromium(path, "--dump-dom", &console);
  BOOST_TEST(console.empty(), console);
  BOOST_TEST(dom.find("Timeline (10000 events)") != std::string::npos);
  BOOST_TEST(dom.find("id=\"prompt-v200\"") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
