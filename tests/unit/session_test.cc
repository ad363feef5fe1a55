#include "promptjournal/session_manager.h"
#include "promptjournal/verify.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <boost/log/core.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/log/sinks/text_ostream_backend.hpp>
#include <boost/log/attributes/value_extraction.hpp>
#include <boost/make_shared.hpp>
#include <boost/test/unit_test.hpp>

#include <sstream>

#include "test_util.h"

using namespace promptjournal;
namespace json = boost::json;

namespace {

struct SessionFixture {
  pjtest::TempDir root;
  ManagerOptions opt;
  SessionFixture() { opt.journal.durability = Durability::kNone; }

  Config config() const {
    return Config(json::parse(R"({"model_name":"gpt-4o","model_provider":"openai","task_type":"qa",
      "model_api_key":"sk-TEST-sentinel-123","max_tokens":4000})").as_object());
  }
  std::unique_ptr<SessionManager> manager() { return std::make_unique<SessionManager>(root.path(), opt); }
  int open_fds() {
    int n = 0;
    DIR* d = ::opendir("/proc/self/fd");
    while (::readdir(d)) ++n;
    ::closedir(d);
    return n;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(session, SessionFixture)

BOOST_AUTO_TEST_CASE(the_seed_api_records_every_mutation) {
  auto m = manager();
  auto s = m->create_session("1795522344.36433", "Summarize the article.", config());
  BOOST_TEST(s->updated_human_input() == "Summarize the article.");
  BOOST_TEST(!s->latest_optimized_prompt().has_value());
  s->update_optimized_prompt("You are an editor.");
  s->add_feedback(Feedback("editor", 11, 17, "say news editor", s->session_id()));
  s->update_human_input("Summarize the news article.");
  s->set_comprehensive_feedback("overall fine");
  s->set_individual_feedbacks(json::array{json::object{{"sample_index", 0}}});
  s->add_individual_feedback(json::object{{"sample_index", 1}});
  BOOST_TEST(s->version() == 7u);
  auto d = s->to_dict();
  BOOST_TEST(d.at("latest_optimized_prompt").as_string() == "You are an editor.");
  BOOST_TEST(d.at("latest_human_feedback").as_array().size() == 1u);
  BOOST_TEST(d.at("individual_feedbacks").as_array().size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_mutation_is_on_disk_when_it_returns) {
  auto m = manager();
  auto s = m->create_session("s", "in", config());
  s->update_optimized_prompt("persisted without update_session");
  // A manager in another process sees it.
  pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);  // never kill(-1, ...) or wait for any child
  if (pid == 0) {
    SessionManager other(root.path(), opt);
    auto t = other.get_session("s");
    ::_exit(t && t->latest_optimized_prompt() == std::optional<std::string>("persisted without update_session") ? 0 : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
}

BOOST_AUTO_TEST_CASE(get_session_sees_sessions_and_changes_of_other_managers) {
  auto a = manager();
  auto b = manager();
  BOOST_TEST(!b->get_session("s"));
  auto sa = a->create_session("s", "in", config());
  auto sb = b->get_session("s");
  BOOST_REQUIRE(sb);
  sa->update_human_input("changed by a");
  BOOST_TEST(b->get_session("s")->updated_human_input() == "changed by a");
  BOOST_TEST(b->get_session("s").get() == sb.get());  // the same object, brought up to date
}

BOOST_AUTO_TEST_CASE(create_session_never_overwrites) {
  auto m = manager();
  m->create_session("s", "first", config());
  try {
    manager()->create_session("s", "second", config());
    BOOST_FAIL("expected an error");
  } catch (const JournalError& e) {
    BOOST_TEST((e.kind() == ErrorKind::kAlreadyExists));
  }
  BOOST_TEST(manager()->get_session("s")->initial_human_input() == "first");
}

BOOST_AUTO_TEST_CASE(an_empty_journal_is_a_creation_cut_short_and_the_next_create_goes_on) {
  // What a writer killed between creating events.jsonl and writing seq 1 leaves.
  manager()->create_session("other", "x", config());
  ::mkdir((root / "s").c_str(), 0700);
  pjtest::write_file(root / "s/events.jsonl", "");
  auto m = manager();
  BOOST_TEST((m->list_session_ids() == std::vector<std::string>{"other", "s"}));
  BOOST_TEST(!m->get_session("s"));
  BOOST_TEST(m->list_sessions().size() == 1u);
  BOOST_CHECK_EXCEPTION(m->session_info("s"), JournalError,
                        [](const JournalError& e) { return e.kind() == ErrorKind::kNotFound; });
  auto report = verify_session(root.path(), "s");
  BOOST_TEST(report.ok());
  BOOST_REQUIRE(report.problems.size() == 1u);
  BOOST_TEST((report.problems[0].kind == VerifyProblem::Kind::kTornTail));
  BOOST_TEST(*report.problems[0].where.offset == 0u);
  BOOST_TEST(m->create_session("s", "now", config())->version() == 1u);
  BOOST_TEST(manager()->get_session("s")->initial_human_input() == "now");
  BOOST_TEST(verify_session(root.path(), "s").problems.empty());
}

BOOST_AUTO_TEST_CASE(a_stale_prompt_update_is_a_conflict_that_leaves_the_session_unchanged) {
  auto s1 = manager()->get_session("x");
  BOOST_TEST(!s1);
  manager()->create_session("s", "in", config());
  auto a = manager()->get_session("s");
  auto b = manager()->get_session("s");
  a->update_optimized_prompt("a wins");
  try {
    b->update_optimized_prompt("b loses");
    BOOST_FAIL("expected a conflict");
  } catch (const JournalError& e) {
    BOOST_TEST((e.kind() == ErrorKind::kConflict));
  }
  BOOST_TEST(!b->latest_optimized_prompt().has_value());
  BOOST_TEST(b->version() == 1u);
  b->refresh();
  BOOST_TEST(*b->latest_optimized_prompt() == "a wins");
  b->update_optimized_prompt("b after refresh");
  BOOST_TEST(b->version() == 3u);
}

BOOST_AUTO_TEST_CASE(feedback_commutes_and_is_retried_after_a_conflict) {
  manager()->create_session("s", "in", config());
  auto a = manager()->get_session("s");
  auto b = manager()->get_session("s");
  a->add_feedback(Feedback("t", 0, 1, "from a"));
  b->add_feedback(Feedback("t", 0, 1, "from b"));  // catches up, then appends
  BOOST_TEST(b->latest_human_feedback().size() == 2u);
  BOOST_TEST(manager()->get_session("s")->latest_human_feedback().size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_detached_session_is_persisted_by_update_session) {
  OptimizationSession s("detached", "in", config());
  s.update_optimized_prompt("p");
  s.add_feedback(Feedback("p", 0, 1, "f"));
  BOOST_TEST(s.pending().size() == 3u);
  BOOST_TEST(!s.is_managed());
  auto m = manager();
  BOOST_TEST(!m->get_session("detached"));
  m->update_session(s);
  BOOST_TEST(s.is_managed());
  BOOST_TEST(s.pending().empty());
  s.update_human_input("written through now");
  auto back = manager()->get_session("detached");
  BOOST_TEST(back->updated_human_input() == "written through now");
  BOOST_TEST(back->latest_human_feedback().size() == 1u);
}

BOOST_AUTO_TEST_CASE(credentials_are_redacted_unless_the_application_opts_in) {
  auto s = manager()->create_session("s", "in", config());
  // The disk has it redacted; the caller's object keeps it (issue 15, item 14).
  BOOST_TEST(*s->config().get_string("model_api_key") == "sk-TEST-sentinel-123");
  BOOST_TEST(*manager()->get_session("s")->config().get_string("model_api_key") == std::string(kRedacted));
  BOOST_TEST(*manager()->get_session("s")->config().max_tokens() == 4000);
  BOOST_TEST(pjtest::read_file(root / "s/events.jsonl").find("sk-TEST-sentinel") == std::string::npos);
  opt.keep_secrets = true;
  auto k = manager()->create_session("kept", "in", config());
  BOOST_TEST(*k->config().get_string("model_api_key") == "sk-TEST-sentinel-123");
  BOOST_TEST(*manager()->get_session("kept")->config().get_string("model_api_key") == "sk-TEST-sentinel-123");
}

BOOST_AUTO_TEST_CASE(list_sessions_returns_every_session_on_disk_sorted) {
  manager()->create_session("b", "in b", config());
  manager()->create_session("a", "in a", config());
  ::mkdir((root / "not-a-session").c_str(), 0700);
  auto m = manager();
  BOOST_TEST((m->list_session_ids() == std::vector<std::string>{"a", "b"}));
  auto all = m->list_sessions();
  BOOST_REQUIRE(all.size() == 2u);
  BOOST_TEST(all[0].at("initial_human_input").as_string() == "in a");
  auto info = m->session_info("a");
  BOOST_TEST(info.events == 1u);
  BOOST_TEST(info.head_hash.size() == 64u);
}

BOOST_AUTO_TEST_CASE(load_session_from_file_accepts_a_snapshot_or_a_promptomatix_file) {
  auto m = manager();
  auto s = m->load_session_from_file(pjtest::data_path("corpus/1795522344.36433.json"));
  BOOST_REQUIRE(s);
  BOOST_TEST(s->latest_human_feedback().size() == 3u);
  BOOST_TEST(s->created_at() == "2026-11-24T12:12:24.371083");
  // Loading it again returns the same session.
  BOOST_TEST(m->load_session_from_file(pjtest::data_path("corpus/1795522344.36433.json"))->version() == s->version());
  // A snapshot of a session is a loadable file too.
  opt.snapshot_every = 0;
  auto src = manager()->create_session("snap-src", "in", config());
  src->update_optimized_prompt("p");
  std::string path = manager()->snapshot("snap-src");
  pjtest::TempDir other;
  SessionManager m2(other.path(), opt);
  auto loaded = m2.load_session_from_file(path);
  // The snapshot holds the session as its journal does: the key redacted.
  BOOST_TEST(json::serialize(loaded->to_dict()) ==
             json::serialize(manager()->get_session("snap-src")->to_dict()));
  BOOST_TEST(loaded->to_dict().at("config").at("model_api_key").as_string() == kRedacted);
  BOOST_CHECK_THROW(m2.load_session_from_file(other / "missing.json"), JournalError);
}

BOOST_AUTO_TEST_CASE(the_logger_emits_structured_entries_through_boost_log_sinks) {
  namespace logging = boost::log;
  auto stream = boost::make_shared<std::ostringstream>();
  auto backend = boost::make_shared<logging::sinks::text_ostream_backend>();
  backend->add_stream(stream);
  auto sink = boost::make_shared<logging::sinks::synchronous_sink<logging::sinks::text_ostream_backend>>(backend);
  sink->set_formatter([](const logging::record_view& rec, logging::formatting_ostream& out) {
    out << logging::extract<std::string>("EntryType", rec) << "|"
        << logging::extract<std::string>("SessionId", rec) << "|" << rec[logging::expressions::smessage];
  });
  logging::core::get()->add_sink(sink);
  manager()->create_session("quiet", "in", config());
  sink->flush();
  BOOST_TEST(stream->str().empty());  // quiet by default
  SessionLogger::set_enabled(true);
  auto s = manager()->create_session("loud", "in", config());
  s->add_feedback(Feedback("t", 0, 1, "f"));
  s->update_optimized_prompt("p");
  s->update_human_input("i");
  SessionLogger::set_enabled(false);
  sink->flush();
  logging::core::get()->remove_sink(sink);
  std::string out = stream->str();
  for (auto want : {"SESSION_START|loud|", "COMMENT_ADDED|loud|", "PROMPT_UPDATE|loud|", "INPUT_UPDATE|loud|"})
    BOOST_TEST(out.find(want) != std::string::npos, want);
  BOOST_TEST(out.find("\"new_prompt\":\"p\"") != std::string::npos);
  BOOST_TEST(out.find("sk-TEST") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(five_thousand_sessions_leave_the_open_file_count_flat) {
  opt.max_open_journals = 16;
  auto m = manager();
  int before = open_fds();
  std::vector<std::shared_ptr<OptimizationSession>> held;
  for (int i = 0; i < 5000; ++i) {
    held.push_back(m->create_session("s" + std::to_string(i), "in", Config()));
    held.back()->add_feedback(Feedback("t", 0, 1, "f"));
  }
  // Loggers hold no handle; at most max_open_journals journal files stay open.
  BOOST_TEST(open_fds() <= before + 16);
  held.clear();
  m.reset();
  BOOST_TEST(open_fds() == before);
}

BOOST_AUTO_TEST_SUITE_END()
