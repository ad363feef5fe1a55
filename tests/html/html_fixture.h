// Sessions for the HTML report tests, recorded through the library: a hostile
// one (every injection case), a Unicode one (emoji with joiners, combining
// marks, CJK), the corpus sample, and a large one (10,000 events).
#ifndef PROMPTJOURNAL_TESTS_HTML_FIXTURE_H_
#define PROMPTJOURNAL_TESTS_HTML_FIXTURE_H_

#include <cstdint>
#include <limits>
#include <memory>
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

  // Sets an attribute the browser test looks for: present only if it ran.
  static constexpr const char* kScript = "<script>document.body.setAttribute('data-pwned','1');window.__pwned=1</script>";
  static constexpr const char* kImg = "<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">";
  static constexpr const char* kLink = "<a href=\"javascript:document.body.setAttribute('data-pwned','3')\">click</a>";

  // Seqs: 1 created, 2 prompt v1, 3 f-script, 4 f-out, 5 prompt v2, 6 input v2.
  std::string hostile(const promptjournal::HtmlReportOptions& o = {}) {
    using promptjournal::Feedback;
    promptjournal::Config c;
    c.set_model_name("<script>alert('model')</script>");
    c.set_task_type(std::string("\"><style>body{display:none}</style>") + kImg);
    auto s = m->create_session("hostile",
                               std::string("Write ") + kScript + " and </textarea></title></style><!-- ]]> " + kLink, c);
    s->update_optimized_prompt(std::string("v1 ") + kScript + " \"q\" 'q' & more " + kImg);
    s->add_feedback(Feedback("f-script", "v1", 0, 2, std::string("comment ") + kScript + " \" onmouseover=\"alert(1)",
                             std::nullopt, "2026-11-24T12:00:00"));
    s->add_feedback(Feedback("\"><script>alert('id')</script>", "zz", 400, 410, std::string("out of range ") + kLink,
                             std::nullopt, "2026-11-24T12:00:01"));
    s->update_optimized_prompt(std::string("v2 ") + kScript + " \"q\" & less " + kImg,
                               {"f-script", std::string("javascript:alert(1)") + kScript});
    s->update_human_input(std::string("</pre>") + kScript + kLink);
    return promptjournal::audit_html(*m, "hostile", o);
  }

  // Offsets as Python counts them in "Cafe\u0301 👨‍👩‍👧 漢字テキスト end":
  // é = e + U+0301 is [3,5), the family (3 emoji, 2 joiners) [6,11), 漢字 [12,14).
  static constexpr const char* kUnicodeText = "Cafe\u0301 👨‍👩‍👧 漢字テキスト end";

  std::string unicode() {
    using promptjournal::Feedback;
    auto s = m->create_session("unicode", "input", promptjournal::Config());
    s->update_optimized_prompt(kUnicodeText);
    s->add_feedback(Feedback("f-accent", "e\u0301", 3, 5, "accent", std::nullopt, "2026-11-24T12:00:00"));
    s->add_feedback(Feedback("f-family", "👨‍👩‍👧", 6, 11, "family", std::nullopt, "2026-11-24T12:00:01"));
    s->add_feedback(Feedback("f-cjk", "漢字", 12, 14, "kanji", std::nullopt, "2026-11-24T12:00:02"));
    // Overlaps f-cjk: 漢字 carries both, テキスト only this one.
    s->add_feedback(Feedback("f-wide", "漢字テキスト", 12, 18, "wide", std::nullopt, "2026-11-24T12:00:03"));
    // Every kind of bad span.
    s->add_feedback(Feedback("f-past", "x", 21, 23, "past the end", std::nullopt, "2026-11-24T12:00:04"));
    // add_feedback refuses these two; an import or an older journal may hold
    // them, so they go straight to the journal.
    for (const auto& f : {Feedback("f-neg", "x", -1, 2, "negative", std::nullopt, "2026-11-24T12:00:05"),
                          Feedback("f-back", "x", 5, 3, "backwards", std::nullopt, "2026-11-24T12:00:06")}) {
      m->journal("unicode")->append({promptjournal::FeedbackAdded{f}}, s->version());
      s->refresh();
    }
    s->add_feedback(Feedback("f-huge", "x", 0, std::numeric_limits<std::int64_t>::max(), "huge", std::nullopt,
                             "2026-11-24T12:00:07"));
    // In range, but not over the text it quotes.
    s->add_feedback(Feedback("f-moved", "end", 0, 3, "moved", std::nullopt, "2026-11-24T12:00:08"));
    return promptjournal::audit_html(*m, "unicode");
  }

  std::string corpus() {
    m->load_session_from_file(pjtest::data_path("corpus/1795522344.376803.json"));
    return promptjournal::audit_html(*m, "1795522344.376803");
  }

  // 10,000 events: 200 versions of a 50 KB prompt and 9,799 feedbacks.
  std::string large(const promptjournal::HtmlReportOptions& o = {}) {
    auto s = m->create_session("large", "big", promptjournal::Config());
    std::string base;
    while (base.size() < 50 * 1024) base += "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ";
    for (int v = 0; v < 200; ++v) {
      std::string text = base;
      text.replace(100 + (v * 97) % 40000, 5, "v" + std::to_string(v));
      s->update_optimized_prompt(text);
      for (int f = 0; f < 49 && s->version() < 10000; ++f)
        s->add_feedback(promptjournal::Feedback(base.substr(f, 4), f, f + 4, "feedback " + std::to_string(f)));
    }
    return promptjournal::audit_html(*m, "large", o);
  }
};

#endif  // PROMPTJOURNAL_TESTS_HTML_FIXTURE_H_
