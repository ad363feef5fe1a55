#include "promptjournal/projector.h"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "promptjournal/errors.h"
#include "test_util.h"

using namespace promptjournal;
namespace json = boost::json;

namespace {

std::vector<Event> history() {
  Config cfg(json::parse(R"({"model_name":"m","model_provider":"openai"})").as_object());
  std::vector<EventData> data = {
      SessionCreated{"initial", "2026-11-24T12:12:24.352944", cfg},
      OptimizedPromptUpdated{"v1", {}},
      FeedbackAdded{Feedback("f1", "v1", 0, 2, "shorter", std::string("s"), "2026-11-24T12:12:25")},
      HumanInputUpdated{"edited"},
      OptimizedPromptUpdated{"v2", {"f1"}},
      ComprehensiveFeedbackSet{json::value("all good")},
      IndividualFeedbacksSet{json::parse(R"([{"i":0}])")},
      IndividualFeedbackAdded{json::parse(R"({"i":1})")},
  };
  std::vector<Event> out;
  for (std::size_t i = 0; i < data.size(); ++i) {
    Event e;
    e.seq = i + 1;
    e.session_id = "s";
    e.data = data[i];
    out.push_back(e);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(projector)

BOOST_AUTO_TEST_CASE(replay_sets_every_to_dict_field) {
  SessionState s = replay(history());
  BOOST_TEST(s.session_id == "s");
  BOOST_TEST(s.initial_human_input == "initial");
  BOOST_TEST(s.updated_human_input == "edited");
  BOOST_TEST(*s.latest_optimized_prompt == "v2");
  BOOST_TEST(s.latest_human_feedback.size() == 1u);
  BOOST_TEST(json::serialize(s.comprehensive_feedback) == "\"all good\"");
  BOOST_TEST(json::serialize(s.individual_feedbacks) == R"([{"i":0},{"i":1}])");
  BOOST_TEST(s.created_at == "2026-11-24T12:12:24.352944");
}

BOOST_AUTO_TEST_CASE(the_same_events_give_a_byte_identical_to_dict) {
  BOOST_TEST(json::serialize(to_dict(replay(history()))) == json::serialize(to_dict(replay(history()))));
}

BOOST_AUTO_TEST_CASE(to_dict_keeps_the_original_key_order) {
  std::vector<std::string> keys;
  for (const auto& kv : to_dict(replay(history()))) keys.emplace_back(kv.key());
  BOOST_TEST((keys == std::vector<std::string>{"session_id", "initial_human_input", "updated_human_input",
                                               "latest_optimized_prompt", "latest_human_feedback",
                                               "comprehensive_feedback", "individual_feedbacks",
                                               "created_at", "config"}));
}

BOOST_AUTO_TEST_CASE(state_from_dict_inverts_to_dict) {
  SessionState s = replay(history());
  BOOST_TEST((state_from_dict(to_dict(s)) == s));
}

BOOST_AUTO_TEST_CASE(events_for_state_rebuild_the_state) {
  SessionState s = replay(history());
  SessionState rebuilt;
  for (const auto& d : events_for_state(s)) apply(rebuilt, "s", d);
  BOOST_TEST(json::serialize(to_dict(rebuilt)) == json::serialize(to_dict(s)));
}

BOOST_AUTO_TEST_CASE(an_event_before_session_created_is_corruption) {
  SessionState s;
  try {
    apply(s, "s", HumanInputUpdated{"x"});
    BOOST_FAIL("expected an error");
  } catch (const JournalError& e) {
    BOOST_TEST((e.kind() == ErrorKind::kCorrupt));
  }
  auto h = history();
  SessionState t = replay({h[0]});
  BOOST_CHECK_THROW(apply(t, h[0]), JournalError);  // a second session_created
}

BOOST_AUTO_TEST_CASE(state_from_dict_names_a_missing_field) {
  try {
    state_from_dict(json::parse(R"({"session_id":"s"})").as_object());
    BOOST_FAIL("expected an error");
  } catch (const JournalError& e) {
    BOOST_TEST(std::string(e.what()).find("initial_human_input") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(promptomatix_files_load_without_prompt_id) {
  auto doc = pjtest::read_json(pjtest::data_path("corpus/1795522344.36433.json")).as_object();
  SessionState s = state_from_dict(doc);
  BOOST_TEST(s.latest_human_feedback.size() == 3u);
  BOOST_TEST(!s.latest_human_feedback[0].prompt_id.has_value());
  BOOST_TEST(s.latest_human_feedback[0].id == "1795522344.375893");
}

BOOST_AUTO_TEST_SUITE_END()
