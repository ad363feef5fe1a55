// promptomatix compatibility: the corpus replayed through the C++ API gives
// the bytes the original wrote at every save; imports keep everything a file
// holds (or say exactly what they could not keep); exports load in the original.
#define BOOST_TEST_MODULE promptomatix compatibility tests
#include <boost/filesystem.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "promptjournal/promptomatix.h"
#include "promptjournal/session_manager.h"
#include "promptjournal/time.h"
#include "test_util.h"

using namespace promptjournal;
namespace json = boost::json;
namespace fs = boost::filesystem;

namespace {

std::vector<std::string> corpus_ids() {
  std::vector<std::string> ids;
  for (const auto& e : fs::directory_iterator(pjtest::data_path("corpus"))) {
    std::string name = e.path().filename().string();
    if (name.ends_with(".ops.json")) ids.push_back(name.substr(0, name.size() - 9));
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// The original's Config as our API holds it: an enum becomes its value; a
// class (callable) is dropped, as _save_session drops callables. Records
// which keys held enums, which the original wrote as {}.
Config config_from_ops(const json::object& in, std::vector<std::pair<std::string, std::string>>* enums) {
  json::object out;
  for (const auto& kv : in) {
    if (kv.value().is_object() && kv.value().as_object().contains("$enum")) {
      std::string v(kv.value().at("value").as_string());
      enums->emplace_back(kv.key(), v);
      out[kv.key()] = v;
    } else if (kv.value().is_object() && kv.value().as_object().contains("$class")) {
      continue;
    } else {
      out[kv.key()] = kv.value();
    }
  }
  return Config(out);
}

// What the original wrote for our export: enum providers as {}.
std::string as_original_wrote(std::string bytes, const std::vector<std::pair<std::string, std::string>>& enums) {
  for (const auto& [key, value] : enums) {
    std::string ours = "\"" + key + "\": \"" + value + "\"";
    auto at = bytes.find(ours);
    BOOST_REQUIRE_MESSAGE(at != std::string::npos, "export lacks " + ours);
    bytes.replace(at, ours.size(), "\"" + key + "\": {}");
  }
  return bytes;
}

struct Replay {
  pjtest::TempDir root;
  std::chrono::system_clock::time_point now;
  std::unique_ptr<SessionManager> manager;
  Replay() {
    ManagerOptions opt;
    opt.keep_secrets = true;  // the original kept them; we compare bytes
    opt.journal.durability = Durability::kNone;
    opt.journal.clock = [this] { return now; };
    manager = std::make_unique<SessionManager>(root.path(), opt);
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(every_corpus_history_replays_to_the_bytes_the_original_saved) {
  int saves = 0;
  for (const auto& id : corpus_ids()) {
    BOOST_TEST_CONTEXT("session " << id) {
      Replay r;
      auto ops = pjtest::read_json(pjtest::data_path("corpus/" + id + ".ops.json")).as_array();
      std::vector<std::pair<std::string, std::string>> enums;
      std::shared_ptr<OptimizationSession> s;
      for (const auto& op_value : ops) {
        const auto& op = op_value.as_object();
        std::string name(op.at("op").as_string());
        const auto& args = op.at("args").as_object();
        const json::object empty;
        const auto& seen = op.contains("observed") ? op.at("observed").as_object() : empty;
        if (name == "create_session") {
          r.now = *parse_time(std::string(seen.at("created_at").as_string()));
          s = r.manager->create_session(std::string(args.at("session_id").as_string()),
                                        std::string(args.at("initial_input").as_string()),
                                        config_from_ops(args.at("config").as_object(), &enums));
        } else if (name == "add_feedback") {
          s->add_feedback(Feedback(std::string(seen.at("id").as_string()), std::string(args.at("text").as_string()),
                                   args.at("start_offset").as_int64(), args.at("end_offset").as_int64(),
                                   std::string(args.at("feedback").as_string()),
                                   std::string(args.at("prompt_id").as_string()),
                                   std::string(seen.at("created_at").as_string())));
        } else if (name == "update_optimized_prompt") {
          s->update_optimized_prompt(std::string(args.at("new_prompt").as_string()));
        } else if (name == "update_human_input") {
          s->update_human_input(std::string(args.at("new_input").as_string()));
        } else if (name == "set_comprehensive_feedback") {
          s->set_comprehensive_feedback(args.at("value"));
        } else if (name == "set_individual_feedbacks") {
          s->set_individual_feedbacks(args.at("value"));
        } else if (name == "update_session") {
          r.manager->update_session(*s);
        } else {
          BOOST_FAIL("unknown op " + name);
        }
        if (seen.contains("file_sha256")) {
          std::string bytes = as_original_wrote(export_promptomatix(s->state()), enums);
          BOOST_TEST(pjtest::sha256_hex_of(bytes) == std::string(seen.at("file_sha256").as_string()), "after " << name);
          BOOST_TEST(bytes.size() == static_cast<std::size_t>(seen.at("file_bytes").as_int64()));
          ++saves;
        }
      }
      // The last save is the corpus file itself.
      std::string file = pjtest::read_file(pjtest::data_path("corpus/" + id + ".json"));
      BOOST_TEST(as_original_wrote(export_promptomatix(s->state()), enums) == file);
    }
  }
  BOOST_TEST(saves >= 40);  // every create_session and update_session of the corpus
}

BOOST_AUTO_TEST_CASE(the_replayed_to_dict_equals_the_corpus_file_field_by_field) {
  for (const auto& id : corpus_ids()) {
    BOOST_TEST_CONTEXT("session " << id) {
      Replay r;
      auto doc = pjtest::read_json(pjtest::data_path("corpus/" + id + ".json")).as_object();
      auto s = r.manager->load_session_from_file(pjtest::data_path("corpus/" + id + ".json"));
      auto ours = s->to_dict();
      for (const auto& kv : doc) {
        BOOST_TEST_CONTEXT("field " << kv.key()) {
          BOOST_REQUIRE(ours.contains(kv.key()));
          json::value mine = ours.at(kv.key());
          if (kv.key() == "latest_human_feedback")
            for (auto& f : mine.as_array()) f.as_object().erase("prompt_id");  // never written by the original
          if (kv.key() == "config")
            for (auto& c : mine.as_object())
              if (c.key().ends_with("provider") && kv.value().at(c.key()).is_object()) c.value() = json::object();
          BOOST_TEST(json::serialize(mine) == json::serialize(kv.value()));
        }
      }
      BOOST_TEST(ours.size() == doc.size());
    }
  }
}

BOOST_AUTO_TEST_CASE(import_then_export_gives_back_every_corpus_file_providers_aside) {
  Replay r;
  ImportOptions keep;
  keep.keep_secrets = true;
  for (const auto& id : corpus_ids()) {
    std::string path = pjtest::data_path("corpus/" + id + ".json");
    auto res = import_promptomatix_file(*r.manager, path, keep);
    BOOST_TEST((res.outcome == ImportResult::Outcome::kImported), id << ": " << res.message);
    std::string original = pjtest::read_file(path);
    std::string exported = export_promptomatix(r.manager->get_session(id)->state());
    // The one intended difference: a provider the original lost as {} is "unknown".
    for (std::string key : {"\"model_provider\": ", "\"config_model_provider\": "})
      for (auto at = original.find(key + "{}"); at != std::string::npos; at = original.find(key + "{}"))
        original.replace(at, key.size() + 2, key + "\"unknown\"");
    BOOST_TEST(exported == original, id);
  }
}

BOOST_AUTO_TEST_CASE(imported_events_record_the_import_and_the_source_hash) {
  Replay r;
  std::string path = pjtest::data_path("corpus/1795522344.36433.json");
  auto res = import_promptomatix_file(*r.manager, path);
  BOOST_TEST(res.source_sha256 == pjtest::sha256_hex_of(pjtest::read_file(path)));
  auto reader = r.manager->journal("1795522344.36433")->reader();
  int n = 0;
  while (auto e = reader->next()) {
    ++n;
    BOOST_TEST(e->meta.at("import").at("sha256").as_string() == res.source_sha256);
    BOOST_TEST(e->meta.at("import").at("file").as_string() == "1795522344.36433.json");
  }
  BOOST_TEST(n == 5);
  BOOST_TEST(r.manager->get_session("1795522344.36433")->created_at() == "2026-11-24T12:12:24.371083");
}

BOOST_AUTO_TEST_CASE(importing_again_changes_nothing_and_another_content_is_refused) {
  Replay r;
  std::string path = pjtest::data_path("corpus/1795522344.36433.json");
  BOOST_TEST((import_promptomatix_file(*r.manager, path).outcome == ImportResult::Outcome::kImported));
  std::string journal = pjtest::read_file(r.root / "1795522344.36433/events.jsonl");
  auto again = import_promptomatix_file(*r.manager, path);
  BOOST_TEST((again.outcome == ImportResult::Outcome::kUnchanged));
  BOOST_TEST(pjtest::read_file(r.root / "1795522344.36433/events.jsonl") == journal);
  // Same id, other content.
  auto doc = pjtest::read_json(path).as_object();
  doc["latest_optimized_prompt"] = "something else";
  pjtest::write_file(r.root / "changed.json", json::serialize(doc));
  auto refused = import_promptomatix_file(*r.manager, r.root / "changed.json");
  BOOST_TEST((refused.outcome == ImportResult::Outcome::kRefused));
  BOOST_TEST(refused.message.find("already exists with other content") != std::string::npos);
  ImportOptions as;
  as.as_id = "changed-copy";
  BOOST_TEST((import_promptomatix_file(*r.manager, r.root / "changed.json", as).outcome == ImportResult::Outcome::kImported));
  BOOST_TEST(*r.manager->get_session("changed-copy")->latest_optimized_prompt() == "something else");
}

BOOST_AUTO_TEST_CASE(api_keys_are_redacted_on_import_unless_kept) {
  Replay r;
  ManagerOptions redacting;
  SessionManager m(r.root.path(), redacting);
  auto res = import_promptomatix_file(m, pjtest::data_path("corpus/1795522344.4426758.json"));
  BOOST_TEST((res.outcome == ImportResult::Outcome::kImported));
  std::string journal = pjtest::read_file(r.root / "1795522344.4426758/events.jsonl");
  BOOST_TEST(journal.find("sk-ant-api03-FAKE") == std::string::npos);
  BOOST_TEST(journal.find("sk-proj-FAKE") == std::string::npos);
  int redacted = 0;
  for (const auto& w : res.warnings) redacted += w.message.find("[REDACTED]") != std::string::npos;
  BOOST_TEST(redacted == 2);
}

// --- odd values, each in a file written by Python's json.dump(indent=2) ---

namespace {

ImportResult import_odd(Replay& r, const std::string& name, ImportOptions opt = {}) {
  opt.keep_secrets = true;
  return import_promptomatix_file(*r.manager, pjtest::data_path("odd/" + name), opt);
}

std::string export_of(Replay& r, const std::string& id) {
  return export_promptomatix(r.manager->get_session(id)->state());
}

}  // namespace

BOOST_AUTO_TEST_CASE(nan_and_infinity_are_kept_exactly) {
  Replay r;
  auto res = import_odd(r, "nan-infinity.json");
  BOOST_TEST((res.outcome == ImportResult::Outcome::kImported), res.message);
  BOOST_TEST(res.warnings.empty());
  BOOST_TEST(export_of(r, "odd.nan") == pjtest::read_file(pjtest::data_path("odd/nan-infinity.json")));
  // The journal itself stays strict JSON.
  BOOST_TEST(pjtest::read_file(r.root / "odd.nan/events.jsonl").find("{\"$pj.float\":\"NaN\"}") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(integers_beyond_64_bits_are_kept_exactly) {
  Replay r;
  BOOST_TEST((import_odd(r, "big-int.json").outcome == ImportResult::Outcome::kImported));
  BOOST_TEST(export_of(r, "odd.bigint") == pjtest::read_file(pjtest::data_path("odd/big-int.json")));
}

BOOST_AUTO_TEST_CASE(floats_come_back_in_python_repr) {
  Replay r;
  BOOST_TEST((import_odd(r, "floats.json").outcome == ImportResult::Outcome::kImported));
  BOOST_TEST(export_of(r, "odd.floats") == pjtest::read_file(pjtest::data_path("odd/floats.json")));
}

BOOST_AUTO_TEST_CASE(nul_and_control_characters_and_long_strings_round_trip) {
  Replay r;
  BOOST_TEST((import_odd(r, "control-chars.json").outcome == ImportResult::Outcome::kImported));
  BOOST_TEST(export_of(r, "odd.controls") == pjtest::read_file(pjtest::data_path("odd/control-chars.json")));
  BOOST_TEST((import_odd(r, "long-string.json").outcome == ImportResult::Outcome::kImported));
  BOOST_TEST(export_of(r, "odd.long") == pjtest::read_file(pjtest::data_path("odd/long-string.json")));
}

BOOST_AUTO_TEST_CASE(a_lone_surrogate_is_replaced_and_reported_with_its_field) {
  Replay r;
  auto res = import_odd(r, "lone-surrogate.json");
  BOOST_TEST((res.outcome == ImportResult::Outcome::kImported));
  std::vector<std::string> fields;
  for (const auto& w : res.warnings) fields.push_back(w.field);
  BOOST_TEST((fields == std::vector<std::string>{"updated_human_input", "latest_human_feedback[0].text"}));
  // The only differences from the source are the reported ones.
  std::string original = pjtest::read_file(pjtest::data_path("odd/lone-surrogate.json"));
  std::string expected = original;
  for (std::string lone : {"\\ud83d", "\\ude00"})
    for (auto at = expected.find(lone); at != std::string::npos; at = expected.find(lone)) expected.replace(at, 6, "\\ufffd");
  BOOST_TEST(export_of(r, "odd.surrogate") == expected);
}

BOOST_AUTO_TEST_CASE(unusual_ids_are_accepted_and_unusable_ones_refused_clearly) {
  Replay r;
  BOOST_TEST((import_odd(r, "odd-id.json").outcome == ImportResult::Outcome::kImported));
  BOOST_TEST(r.manager->get_session("a.b-c_d.1795522344.3433027"));
  auto refused = import_odd(r, "dotdot-id.json");
  BOOST_TEST((refused.outcome == ImportResult::Outcome::kRefused));
  // The library says what is wrong, as a kind; the CLI adds its --as hint.
  BOOST_TEST((refused.refusal == ErrorKind::kInvalidSessionId));
  BOOST_TEST(refused.message.find("--") == std::string::npos, refused.message);
  ImportOptions as;
  as.as_id = "renamed";
  BOOST_TEST((import_odd(r, "dotdot-id.json", as).outcome == ImportResult::Outcome::kImported));
}

BOOST_AUTO_TEST_CASE(an_enum_provider_written_as_braces_imports_as_unknown_with_a_warning) {
  Replay r;
  auto res = import_odd(r, "enum-provider.json");
  BOOST_TEST((res.outcome == ImportResult::Outcome::kImported));
  BOOST_TEST(res.warnings.size() == 2u);
  BOOST_TEST(res.warnings[0].field == "config.model_provider");
  BOOST_TEST(*r.manager->get_session("odd.enum")->config().get_string("model_provider") == "unknown");
}

BOOST_AUTO_TEST_CASE(a_field_of_the_wrong_type_is_refused_naming_it) {
  Replay r;
  auto res = import_odd(r, "wrong-type.json");
  BOOST_TEST((res.outcome == ImportResult::Outcome::kRefused));
  BOOST_TEST(res.message.find("start_offset") != std::string::npos, res.message);
  BOOST_TEST(!r.manager->get_session("odd.wrongtype"));
}

BOOST_AUTO_TEST_CASE(python_json_reader_rejects_what_python_rejects) {
  for (std::string bad : {"{", "[1,]", "{'a': 1}", "nan", "tru"}) BOOST_CHECK_THROW(parse_python_json(bad, nullptr), JournalError);
  BOOST_TEST(python_json_dump(parse_python_json("[NaN, -Infinity, 1e400000000000000000000]", nullptr)) ==
             "[\n  NaN,\n  -Infinity,\n  Infinity\n]");
}
