// The library as an integrator meets it (issue 15, items 14-21; issue 14,
// "Secrets"): what a port of promptomatix's optimizer onto the C++ API needs.
#include "promptjournal/session_manager.h"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <chrono>
#include <functional>

#include "promptjournal/history.h"
#include "promptjournal/promptomatix.h"
#include "promptjournal/salvage.h"
#include "promptjournal/snapshot.h"
#include "promptjournal/verify.h"
#include "test_util.h"

using namespace promptjournal;
namespace json = boost::json;

namespace {

constexpr const char* kKey = "sk-TEST-sentinel-123";
constexpr const char* kNested1 = "sk-NESTED-one";
constexpr const char* kNested2 = "sk-NESTED-two";
constexpr const char* kNested3 = "sk-NESTED-three";

struct IntegratorFixture {
  pjtest::TempDir root;
  ManagerOptions opt;
  IntegratorFixture() { opt.journal.durability = Durability::kNone; }

  std::unique_ptr<SessionManager> manager() { return std::make_unique<SessionManager>(root.path(), opt); }
  static Config config() {
    Config c;
    c.set_model_name("gpt-4o").set_model_provider(ModelProvider::kOpenAI).set_model_api_key(kKey);
    c.set("providers", json::object{{"openai", json::object{{"api_key", kNested1}}}});
    c.set("keys", json::array{json::object{{"secret", kNested2}}});
    c.set("secrets", json::object{{"anthropic", kNested3}});
    return c;
  }
  // Every byte under the root (journals, snapshots, saved files).
  std::string everything_on_disk() {
    std::string all;
    for (const auto& id : manager()->list_session_ids()) {
      std::string dir = root / id;
      all += pjtest::read_file(dir + "/events.jsonl");
      for (auto seq : list_snapshots(*default_file_system(), dir)) all += pjtest::read_file(snapshot_path(dir, seq));
    }
    return all;
  }
  static bool holds_a_secret(const std::string& bytes) {
    for (const char* s : {kKey, kNested1, kNested2, kNested3})
      if (bytes.find(s) != std::string::npos) return true;
    return false;
  }
  static json::object dict_without_prompt_ids(json::object d) {
    for (auto& f : d.at("latest_human_feedback").as_array()) f.as_object()["prompt_id"] = nullptr;
    return d;
  }
};

ErrorKind kind_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const JournalError& e) {
    return e.kind();
  }
  BOOST_FAIL("expected a JournalError");
  return ErrorKind::kIo;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const JournalError& e) {
    return e.what();
  }
  BOOST_FAIL("expected a JournalError");
  return {};
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(integrator, IntegratorFixture)

// --- item 14 and "Secrets": redacted on disk, whole in memory ---

BOOST_AUTO_TEST_CASE(the_callers_config_stays_whole_and_the_disk_gets_it_redacted) {
  opt.snapshot_every = 1;  // a snapshot after every event
  auto m = manager();
  auto s = m->create_session("s", "in", config());
  // promptomatix's main.py reads the key back to call the provider again.
  BOOST_TEST(*s->config().model_api_key() == kKey);
  BOOST_TEST((s->config() == config()));
  for (int i = 0; i < 3; ++i) s->update_optimized_prompt("v" + std::to_string(i));
  BOOST_TEST(*s->state().config.model_api_key() == kKey);
  BOOST_TEST(!list_snapshots(*default_file_system(), root / "s").empty());
  BOOST_TEST(!holds_a_secret(everything_on_disk()));
  // Reopened from disk: redacted everywhere, at every depth.
  auto back = SessionManager(root.path(), opt).get_session("s");
  BOOST_TEST(*back->config().model_api_key() == std::string(kRedacted));
  BOOST_TEST(back->config().get("providers")->at("openai").at("api_key").as_string() == kRedacted);
  BOOST_TEST(back->config().get("keys")->at(0).at("secret").as_string() == kRedacted);
  BOOST_TEST(back->config().get("secrets")->at("anthropic").as_string() == kRedacted);
  // The snapshots equal a replay of the journal (opening from them or not
  // gives one result).
  BOOST_TEST(verify_session(root.path(), "s").ok());
  BOOST_TEST(json::serialize(back->to_dict()) == json::serialize(to_dict(m->state_at("s", 4))));
}

BOOST_AUTO_TEST_CASE(a_detached_session_keeps_its_key_after_update_session) {
  auto m = manager();
  OptimizationSession d("d", "in", config());
  d.update_optimized_prompt("p");
  m->update_session(d);
  BOOST_TEST(*d.config().model_api_key() == kKey);
  BOOST_TEST(!holds_a_secret(everything_on_disk()));
}

BOOST_AUTO_TEST_CASE(keep_secrets_writes_them_whole) {
  opt.keep_secrets = true;
  manager()->create_session("s", "in", config());
  BOOST_TEST(holds_a_secret(everything_on_disk()));
}

BOOST_AUTO_TEST_CASE(an_import_redacts_credentials_at_any_depth_and_names_them) {
  auto m = manager();
  SessionState st;
  apply(st, "imp", SessionCreated{"in", "2026-01-01T00:00:00", config()});
  pjtest::write_file(root / "file.json", export_promptomatix(st));
  auto r = import_promptomatix_file(*m, root / "file.json");
  BOOST_TEST((r.outcome == ImportResult::Outcome::kImported), r.message);
  BOOST_TEST(!holds_a_secret(everything_on_disk()));
  BOOST_TEST((r.credentials == std::vector<std::string>{"model_api_key", "providers.openai.api_key",
                                                        "keys[0].secret", "secrets.anthropic"}));
  for (const auto& w : r.warnings) BOOST_TEST(w.message.find("--") == std::string::npos, w.message);
}

BOOST_AUTO_TEST_CASE(a_salvage_redacts_credentials_its_source_kept) {
  // A journal written with keep_secrets (or by an older version that redacted
  // only top-level keys), damaged in the middle.
  opt.keep_secrets = true;
  auto s = manager()->create_session("s", "in", config());
  for (int i = 0; i < 4; ++i) s->update_optimized_prompt("v" + std::to_string(i));
  auto lines = pjtest::read_lines(root / "s/events.jsonl");
  lines[2].replace(lines[2].find("\"prompt\":\"v1\""), 13, "\"prompt\":\"X1\"");  // fails its hash
  std::string bytes;
  for (const auto& l : lines) bytes += l + "\n";
  pjtest::write_file(root / "s/events.jsonl", bytes);
  SalvageOptions so;
  so.target_id = "s-salvaged";
  so.durability = Durability::kNone;
  auto r = salvage_session(root.path(), "s", so);
  BOOST_TEST(r.recovered == 4u);
  std::string target = pjtest::read_file(root / "s-salvaged/events.jsonl");
  BOOST_TEST(!holds_a_secret(target));
  BOOST_TEST(verify_session(root.path(), "s-salvaged").ok());
  auto back = SessionManager(root.path(), opt).get_session("s-salvaged");
  BOOST_TEST(back->config().get("keys")->at(0).at("secret").as_string() == kRedacted);
  so.target_id = "s-kept";
  so.keep_secrets = true;
  salvage_session(root.path(), "s", so);
  BOOST_TEST(holds_a_secret(pjtest::read_file(root / "s-kept/events.jsonl")));
}

// --- item 15: save and load round-trip ---

BOOST_AUTO_TEST_CASE(an_export_loads_back_into_the_session_it_came_from) {
  auto m = manager();
  auto s = m->create_session("s", "in", config());
  s->update_optimized_prompt("You are a sentiment classifier.");
  s->add_feedback(Feedback("sentiment", 10, 19, "name the labels", "prompt-1"));
  pjtest::write_file(root / "saved.json", export_promptomatix(s->state()));
  auto back = m->load_session_from_file(root / "saved.json");  // threw kAlreadyExists
  BOOST_TEST(back.get() == s.get());
  BOOST_TEST(s->version() == 3u);  // nothing written
  // Into another root: the same state, but for prompt_id (which promptomatix's format lacks).
  pjtest::TempDir other;
  SessionManager fresh(other.path(), opt);
  auto copy = fresh.load_session_from_file(root / "saved.json");
  SessionState want = s->state();
  want.config = want.config.redacted();
  BOOST_TEST(json::serialize(copy->to_dict()) == json::serialize(dict_without_prompt_ids(to_dict(want))));
}

BOOST_AUTO_TEST_CASE(save_session_and_load_session_from_file_round_trip_every_field) {
  auto m = manager();
  auto s = m->create_session("s", "in", config());
  s->update_optimized_prompt("p");
  s->add_feedback(Feedback("p", 0, 1, "more", "prompt-1"));
  s->set_comprehensive_feedback(json::object{{"score", 0.5}});
  s->add_individual_feedback(json::object{{"sample_index", 1}});
  m->save_session(*s, root / "saved.json");
  BOOST_TEST(!holds_a_secret(pjtest::read_file(root / "saved.json")));
  BOOST_TEST(m->load_session_from_file(root / "saved.json").get() == s.get());
  SessionState want = s->state();
  want.config = want.config.redacted();
  pjtest::TempDir other;
  SessionManager fresh(other.path(), opt);
  auto copy = fresh.load_session_from_file(root / "saved.json");
  BOOST_TEST(json::serialize(copy->to_dict()) == json::serialize(to_dict(want)));
  BOOST_TEST(*copy->latest_human_feedback().at(0).prompt_id == "prompt-1");
  // promptomatix's own shape, saved over the same file atomically.
  SaveOptions po;
  po.shape = SaveOptions::Shape::kPromptomatix;
  save_session_file(s->state(), root / "saved.json", po);
  SessionState redacted = s->state();
  redacted.config = redacted.config.redacted();
  BOOST_TEST(pjtest::read_file(root / "saved.json") == export_promptomatix(redacted));
}

BOOST_AUTO_TEST_CASE(to_dict_and_load_session_from_dict_round_trip) {
  auto m = manager();
  auto s = m->create_session("s", "in", config());
  s->add_feedback(Feedback("in", 0, 2, "why", "prompt-1"));
  BOOST_TEST(m->load_session_from_dict(s->to_dict()).get() == s.get());
  pjtest::TempDir other;
  SessionManager fresh(other.path(), opt);
  auto copy = fresh.load_session_from_dict(s->to_dict());
  SessionState want = s->state();
  want.config = want.config.redacted();
  BOOST_TEST(json::serialize(copy->to_dict()) == json::serialize(to_dict(want)));
  // A snapshot is a to_dict too.
  std::string snap = m->snapshot("s");
  BOOST_TEST(m->load_session_from_file(snap).get() == s.get());
}

BOOST_AUTO_TEST_CASE(a_refused_load_names_no_command_line_flag_and_has_its_kind) {
  auto m = manager();
  auto s = m->create_session("s", "in", config());
  SessionState other = s->state();
  other.updated_human_input = "something else";
  pjtest::write_file(root / "other.json", export_promptomatix(other));
  std::string msg = message_of([&] { m->load_session_from_file(root / "other.json"); });
  BOOST_TEST(msg.find("already exists with other content") != std::string::npos, msg);
  BOOST_TEST(msg.find("--") == std::string::npos, msg);
  BOOST_TEST((kind_of([&] { m->load_session_from_file(root / "other.json"); }) == ErrorKind::kAlreadyExists));
  auto r = import_promptomatix_file(*m, root / "other.json");
  BOOST_TEST((r.refusal == ErrorKind::kAlreadyExists));
  BOOST_TEST(r.message.find("--") == std::string::npos, r.message);
}

// --- item 16: unknown ids, one rule ---

BOOST_AUTO_TEST_CASE(an_unknown_id_is_not_found_everywhere) {
  auto m = manager();
  auto t = std::chrono::system_clock::now();
  for (std::string id : {"never", "cut-short"}) {
    if (id == "cut-short") {
      BOOST_REQUIRE(::mkdir((root / id).c_str(), 0700) == 0);
      pjtest::write_file(root / (id + "/events.jsonl"), "");
    }
    BOOST_TEST(!m->get_session(id));
    BOOST_TEST((kind_of([&] { m->state_at(id, 1); }) == ErrorKind::kNotFound), id);
    BOOST_TEST((kind_of([&] { m->state_as_of(id, t); }) == ErrorKind::kNotFound), id);
    BOOST_TEST((kind_of([&] { m->session_info(id); }) == ErrorKind::kNotFound), id);
    BOOST_TEST((kind_of([&] { read_history(*m, id); }) == ErrorKind::kNotFound), id);
    BOOST_TEST((kind_of([&] { m->snapshot(id); }) == ErrorKind::kNotFound), id);
  }
  BOOST_TEST(!pjtest::read_file(root / "cut-short/events.jsonl").size());
  BOOST_TEST((kind_of([&] { m->state_at("../x", 1); }) == ErrorKind::kInvalidSessionId));
}

BOOST_AUTO_TEST_CASE(a_state_before_the_session_existed_is_not_found) {
  opt.journal.clock = [] { return std::chrono::sys_days{std::chrono::year{2026} / 6 / 1} + std::chrono::hours(12); };
  auto m = manager();
  m->create_session("s", "in", config());
  BOOST_TEST(m->state_as_of("s", std::chrono::sys_days{std::chrono::year{2026} / 6 / 2}).created);
  std::string msg = message_of([&] { m->state_as_of("s", std::chrono::sys_days{std::chrono::year{2026} / 6 / 1}); });
  BOOST_TEST(msg.find("did not exist yet") != std::string::npos, msg);
  BOOST_TEST((kind_of([&] { m->state_as_of("s", std::chrono::sys_days{std::chrono::year{2026} / 6 / 1}); }) ==
              ErrorKind::kNotFound));
  BOOST_TEST((kind_of([&] { m->state_at("s", 0); }) == ErrorKind::kNotFound));
  BOOST_TEST((kind_of([&] { m->state_at("s", 2); }) == ErrorKind::kNotFound));
}

// --- item 17: conflicts, atomic batches, the retry loop ---

BOOST_AUTO_TEST_CASE(a_stale_object_gets_kconflict_and_retry_on_conflict_catches_up) {
  auto a = manager();
  auto b = manager();
  auto sa = a->create_session("s", "in", config());
  b->get_session("s")->update_optimized_prompt("from b");
  BOOST_TEST((kind_of([&] { sa->update_optimized_prompt("from a"); }) == ErrorKind::kConflict));
  BOOST_TEST((kind_of([&] { sa->update_human_input("from a"); }) == ErrorKind::kConflict));
  BOOST_TEST((kind_of([&] { sa->set_comprehensive_feedback("x"); }) == ErrorKind::kConflict));
  BOOST_TEST((kind_of([&] { sa->set_individual_feedbacks(json::array{}); }) == ErrorKind::kConflict));
  BOOST_TEST(sa->version() == 1u);
  int calls = 0;
  std::string seen;
  sa->retry_on_conflict([&](OptimizationSession& s) {
    ++calls;
    seen = s.latest_optimized_prompt().value_or("");
    s.update_optimized_prompt(seen + " + a");
  });
  BOOST_TEST(calls == 2);
  BOOST_TEST(seen == "from b");
  BOOST_TEST(SessionManager(root.path(), opt).get_session("s")->latest_optimized_prompt().value_or("") ==
             "from b + a");
  // Another error is not retried; the last conflict is rethrown.
  calls = 0;
  BOOST_CHECK_THROW(sa->retry_on_conflict([&](OptimizationSession&) {
    ++calls;
    throw JournalError::invalid_argument("no");
  }),
                    JournalError);
  BOOST_TEST(calls == 1);
  calls = 0;
  BOOST_TEST((kind_of([&] {
                sa->retry_on_conflict(
                    [&](OptimizationSession&) {
                      ++calls;
                      throw JournalError::conflict("s", 1, 2);
                    },
                    3);
              }) == ErrorKind::kConflict));
  BOOST_TEST(calls == 3);
}

BOOST_AUTO_TEST_CASE(apply_changes_writes_a_prompt_and_its_feedback_at_once_or_nothing) {
  auto m = manager();
  auto s = m->create_session("s", "in", config());
  s->apply_changes({OptimizedPromptUpdated{"You are a sentiment classifier.", {}},
                    FeedbackAdded{Feedback("sentiment", 10, 19, "name the labels")}});
  BOOST_TEST(s->version() == 3u);
  auto back = SessionManager(root.path(), opt).get_session("s");
  BOOST_TEST(*back->latest_optimized_prompt() == "You are a sentiment classifier.");
  BOOST_TEST(back->latest_human_feedback().size() == 1u);
  // A stale object: neither is written.
  back->update_human_input("elsewhere");
  BOOST_TEST((kind_of([&] {
                s->apply_changes({OptimizedPromptUpdated{"p2", {}}, FeedbackAdded{Feedback("p", 0, 1, "f")}});
              }) == ErrorKind::kConflict));
  BOOST_TEST(pjtest::read_lines(root / "s/events.jsonl").size() == 4u);
  // A bad change anywhere in the batch: nothing is written.
  s->refresh();
  BOOST_TEST((kind_of([&] {
                s->apply_changes({OptimizedPromptUpdated{"p3", {}}, IndividualFeedbacksSet{json::value(42)}});
              }) == ErrorKind::kInvalidArgument));
  BOOST_TEST((kind_of([&] {
                s->apply_changes({SessionCreated{"again", "2026-01-01T00:00:00", Config()}});
              }) == ErrorKind::kInvalidArgument));
  BOOST_TEST(pjtest::read_lines(root / "s/events.jsonl").size() == 4u);
  BOOST_TEST(s->version() == 4u);
  // Detached: pending, all or none.
  OptimizationSession d("d", "in", Config());
  d.apply_changes({OptimizedPromptUpdated{"p", {}}, HumanInputUpdated{"i"}});
  BOOST_TEST(d.pending().size() == 3u);
  BOOST_TEST(d.updated_human_input() == "i");
}

// --- item 19: a cheap listing ---

BOOST_AUTO_TEST_CASE(list_session_infos_lists_every_session_without_its_prompts) {
  auto m = manager();
  m->create_session("b", "in b", config())->update_optimized_prompt(std::string(1000, 'p'));
  m->create_session("a", "in a", config());
  BOOST_REQUIRE(::mkdir((root / "c").c_str(), 0700) == 0);
  pjtest::write_file(root / "c/events.jsonl", "");  // a creation cut short: no session
  auto infos = manager()->list_session_infos();
  BOOST_REQUIRE(infos.size() == 2u);
  BOOST_TEST(infos[0].session_id == "a");
  BOOST_TEST(infos[0].events == 1u);
  BOOST_TEST(infos[1].session_id == "b");
  BOOST_TEST(infos[1].events == 2u);
  BOOST_TEST(infos[1].bytes == pjtest::read_file(root / "b/events.jsonl").size());
  BOOST_TEST(infos[1].head_hash == m->session_info("b").head_hash);
}

// --- item 20: typed Config for promptomatix's fields ---

BOOST_AUTO_TEST_CASE(config_has_typed_access_to_promptomatix_fields) {
  Config c;
  c.set_input_fields({"text"})
      .set_output_fields({"label"})
      .set_model_api_key(kKey)
      .set_model_api_base("https://api.example")
      .set_train_ratio(0.2)
      .set_synthetic_data_size(30)
      .set_dspy_module("dspy.ChainOfThought")
      .set_config_model_provider(ModelProvider::kAnthropic)
      .set_config_temperature(0.7)
      .set_load_data_local(true)
      .set_miprov2_compile_num_trials(5)
      .set_train_data(json::array{json::object{{"text", "a"}}});
  BOOST_TEST((c.input_fields() == std::vector<std::string>{"text"}));
  BOOST_TEST((c.output_fields() == std::vector<std::string>{"label"}));
  BOOST_TEST(*c.model_api_key() == kKey);
  BOOST_TEST(*c.model_api_base() == "https://api.example");
  BOOST_TEST(*c.train_ratio() == 0.2);
  BOOST_TEST(*c.synthetic_data_size() == 30);
  BOOST_TEST(*c.dspy_module() == "dspy.ChainOfThought");
  BOOST_TEST((*c.config_model_provider() == ModelProvider::kAnthropic));
  BOOST_TEST(*c.config_temperature() == 0.7);
  BOOST_TEST(*c.load_data_local());
  BOOST_TEST(*c.miprov2_compile_num_trials() == 5);
  BOOST_TEST(c.train_data()->as_array().size() == 1u);
  BOOST_TEST(!c.valid_data());
  BOOST_TEST(!c.lambda_penalty());
  c.set("load_data_local", "yes");
  BOOST_TEST((kind_of([&] { c.load_data_local(); }) == ErrorKind::kInvalidArgument));
  // Every field a promptomatix session file holds has a typed getter that accepts it.
  auto doc = pjtest::read_json(pjtest::data_path("corpus/1795522344.5443594.json")).as_object();
  Config f(doc.at("config").as_object());
  BOOST_TEST(f.model_name().has_value());
  BOOST_TEST(!f.input_fields().empty());
  BOOST_TEST(f.train_ratio().has_value());
  BOOST_TEST(f.synthetic_data_size().has_value());
  BOOST_TEST(f.miprov2_compile_max_labeled_demos().has_value());
  BOOST_TEST(f.llm_cost().has_value());
  BOOST_TEST(!f.few_shot_examples());
}

// --- item 21: values the seed's types refuse, errors that name the field ---

BOOST_AUTO_TEST_CASE(individual_feedbacks_must_be_a_list) {
  auto m = manager();
  auto s = m->create_session("s", "in", config());
  BOOST_TEST((kind_of([&] { s->set_individual_feedbacks(json::value(42)); }) == ErrorKind::kInvalidArgument));
  BOOST_TEST(message_of([&] { s->set_individual_feedbacks(json::value(42)); }).find("must be a list") !=
             std::string::npos);
  BOOST_TEST(s->version() == 1u);
  s->set_individual_feedbacks(json::array{json::object{{"sample_index", 0}}});
  s->add_individual_feedback(json::object{{"sample_index", 1}});
  BOOST_TEST(s->individual_feedbacks().as_array().size() == 2u);
  OptimizationSession d("d", "in", Config());
  BOOST_CHECK_THROW(d.set_individual_feedbacks("a string"), JournalError);
  BOOST_TEST(d.pending().size() == 1u);
}

BOOST_AUTO_TEST_CASE(text_that_is_not_utf8_is_refused_naming_its_field) {
  auto m = manager();
  auto s = m->create_session("s", "in", config());
  const std::string bad = "caf\xC3";  // a truncated sequence
  struct Case {
    std::function<void()> f;
    std::string field;
  };
  std::vector<Case> cases = {
      {[&] { s->update_optimized_prompt(bad); }, "latest_optimized_prompt"},
      {[&] { s->update_human_input(bad); }, "updated_human_input"},
      {[&] { s->add_feedback(Feedback(bad, 0, 1, "f")); }, "feedback.text"},
      {[&] { s->add_feedback(Feedback("t", 0, 1, bad)); }, "feedback.feedback"},
      {[&] { s->set_comprehensive_feedback(json::object{{"note", bad}}); }, "comprehensive_feedback.note"},
      {[&] { s->add_individual_feedback(json::object{{"k", json::array{bad}}}); }, "individual_feedbacks[].k[0]"},
      {[&] { m->create_session("t", bad, Config()); }, "initial_human_input"},
      {[&] { Config().set_task_description(bad); }, "config.task_description"},
      {[&] { Config(json::object{{"nested", json::object{{"x", bad}}}}); }, "config.nested.x"},
  };
  for (const auto& c : cases) {
    std::string msg = message_of(c.f);
    BOOST_TEST(msg.find("'" + c.field + "'") != std::string::npos, msg);
    BOOST_TEST(msg.find("of its line") == std::string::npos, msg);
    BOOST_TEST((kind_of(c.f) == ErrorKind::kInvalidArgument));
  }
  BOOST_TEST(s->version() == 1u);
  BOOST_TEST(!m->get_session("t"));
}

BOOST_AUTO_TEST_CASE(an_empty_root_path_is_named_as_such) {
  std::string msg = message_of([] { SessionManager m(""); });
  BOOST_TEST(msg.find("path is empty") != std::string::npos, msg);
  BOOST_TEST((kind_of([] { SessionManager m(""); }) == ErrorKind::kInvalidArgument));
}

BOOST_AUTO_TEST_SUITE_END()
