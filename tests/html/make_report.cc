// Writes the test reports (hostile, unicode, large) into a folder, to look at
// them in a browser: make_report OUT_DIR. Not a test; the browser test makes
// the same pages itself.
#include <iostream>

#include "html_fixture.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_report OUT_DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  HtmlFixture f;
  pjtest::write_file(dir + "/hostile.html", f.hostile());
  pjtest::write_file(dir + "/unicode.html", f.unicode());
  pjtest::write_file(dir + "/corpus.html", f.corpus());
  pjtest::write_file(dir + "/large.html", f.large());
  std::cout << "wrote hostile.html, unicode.html, corpus.html, large.html to " << dir << "\n";
}
