// Sessions for the HTML report tests: a hostile one, the Unicode corpus one,
// and a large one.
#ifndef PROMPTJOURNAL_TESTS_HTML_FIXTURE_H_
#define PROMPTJOURNAL_TESTS_HTML_FIXTURE_H_

#include <string>

#include "promptjournal/audit_html.h"
#include "promptjournal/session_manager.h"
#include "test_util.h"

struct HtmlFixture {
  pjtest::TempDir root;
  promptjournal::ManagerOptions opt;
  std::unique_ptr<promptjournal::SessionManager> m;

  HtmlFixture() {
    opt.journal.durability = promptjournal::Durability::kNone;
    opt.snapshot_every = 0;
    m = std::make_unique<promptjournal::SessionManager>(root.path(), opt);
  }

  static constexpr const char* kScript = "<script>document.body.setAttribute('data-pwned','1')</script>";

  std::string hostile() {
    using promptjournal::Feedback;
    promptjournal::Config c;
    c.set_model_name("<script>alert('model')</script>");
    auto s = m->create_session("hostile", std::string("Write ") + kScript + " and </textarea><a href=\"javascript:alert(1)\">x</a>", c);
    s->update_optimized_prompt(std::string("v1 ") + kScript + " \"q\" 'q' & more");
    s->add_feedback(Feedback("f-script", "v1", 0, 2, std::string("comment ") + kScript + " \" onmouseover=\"alert(1)", std::nullopt, "2026-11-24T12:00:00"));
    s->add_feedback(Feedback("f-out", "zz", 400, 410, "out of range", std::nullopt, "2026-11-24T12:00:01"));
    s->update_optimized_prompt(std::string("v2 ") + kScript + " \"q\" & less", {"f-script"});
    return promptjournal::audit_html(*m, "hostile");
  }

  std::string unicode() {
    m->load_session_from_file(pjtest::data_path("corpus/1795522344.376803.json"));
    return promptjournal::audit_html(*m, "1795522344.376803");
  }

  // 10,000 events: 200 versions of a 50 KB prompt and 9,799 feedbacks.
  std::string large() {
    auto s = m->create_session("large", "big", promptjournal::Config());
    std::string base;
    while (base.size() < 50 * 1024) base += "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ";
    for (int v = 0; v < 200; ++v) {
      std::string text = base;
      text.replace(100 + (v * 97) % 40000, 5, "v" + std::to_string(v));
      s->update_optimized_prompt(text);
      for (int f = 0; f < 49 && s->version() < 10000; ++f)
        s->add_feedback(promptjournal::Feedback("text", f, f + 4, "feedback " + std::to_string(f)));
    }
    return promptjournal::audit_html(*m, "large");
  }
};

#endif  // PROMPTJOURNAL_TESTS_HTML_FIXTURE_H_
