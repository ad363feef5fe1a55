#include "promptjournal/config.h"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "promptjournal/errors.h"

using namespace promptjournal;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(unknown_keys_are_kept_verbatim_and_in_order) {
  json::object in = json::parse(R"({"zeta":1,"model_name":"m","alpha":[1,{"x":null}],"mid":2.5})").as_object();
  Config c(in);
  std::vector<std::string> keys;
  for (const auto& kv : c.values()) keys.emplace_back(kv.key());
  BOOST_TEST((keys == std::vector<std::string>{"zeta", "model_name", "alpha", "mid"}));
  BOOST_TEST(json::serialize(c.values()) == json::serialize(in));
}

BOOST_AUTO_TEST_CASE(typed_getters_read_the_common_fields) {
  Config c(json::parse(R"({"model_name":"gpt-4o","model_provider":"anthropic","temperature":0.7,
    "max_tokens":4000,"input_fields":["text"],"task_type":null})").as_object());
  BOOST_TEST(*c.model_name() == "gpt-4o");
  BOOST_TEST((*c.model_provider() == ModelProvider::kAnthropic));
  BOOST_TEST(*c.temperature() == 0.7);
  BOOST_TEST(*c.max_tokens() == 4000);
  BOOST_TEST((c.input_fields() == std::vector<std::string>{"text"}));
  BOOST_TEST(!c.task_type().has_value());
  BOOST_TEST(!c.trainer().has_value());
}

BOOST_AUTO_TEST_CASE(a_getter_on_a_field_of_another_type_names_the_field) {
  Config c(json::parse(R"({"max_tokens":"lots"})").as_object());
  try {
    c.max_tokens();
    BOOST_FAIL("expected an error");
  } catch (const JournalError& e) {
    BOOST_TEST((e.kind() == ErrorKind::kInvalidArgument));
    BOOST_TEST(std::string(e.what()).find("max_tokens") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(setters_keep_position_of_existing_keys_and_append_new_ones) {
  Config c(json::parse(R"({"a":1,"model_name":"x","b":2})").as_object());
  c.set_model_name("y").set_temperature(0.2);
  BOOST_TEST(json::serialize(c.values()) == R"({"a":1,"model_name":"y","b":2,"temperature":2E-1})");
}

BOOST_AUTO_TEST_CASE(model_provider_converts_both_ways) {
  for (auto p : {ModelProvider::kOpenAI, ModelProvider::kAnthropic, ModelProvider::kDatabricks,
                 ModelProvider::kLocal, ModelProvider::kTogetherAI})
    BOOST_TEST((model_provider_from_string(to_string(p)) == p));
  BOOST_TEST(to_string(ModelProvider::kTogetherAI) == "togetherai");
  BOOST_TEST(!model_provider_from_string("OPENAI").has_value());
}

BOOST_AUTO_TEST_CASE(secret_keys_are_recognised_but_token_counts_are_not) {
  for (auto k : {"model_api_key", "config_model_api_key", "OPENAI_API_KEY", "client_secret", "db_password",
                 "hf_token", "token", "access-token"})
    BOOST_TEST(is_secret_key(k), k);
  for (auto k : {"max_tokens", "config_max_tokens", "model_name", "model_api_base", "tokenizer"})
    BOOST_TEST(!is_secret_key(k), k);
}

BOOST_AUTO_TEST_CASE(redacted_replaces_only_non_empty_secret_strings) {
  Config c(json::parse(R"({"model_api_key":"sk-1","max_tokens":10,"hf_token":null,"secret":""})").as_object());
  std::vector<std::string> keys;
  Config r = c.redacted(&keys);
  BOOST_TEST(json::serialize(r.values()) == R"({"model_api_key":"[REDACTED]","max_tokens":10,"hf_token":null,"secret":""})");
  BOOST_TEST((keys == std::vector<std::string>{"model_api_key"}));
  BOOST_TEST(*c.get_string("model_api_key") == "sk-1");  // the original is untouched
}

BOOST_AUTO_TEST_CASE(redacted_reaches_credentials_at_any_depth_and_in_lists) {
  Config c(json::parse(R"({"providers":{"openai":{"api_key":"sk-1","base":"https://x"}},)"
                       R"("keys":[{"secret":"sk-2"},{"name":"n"}],"secrets":{"a":"sk-3","b":["sk-4",7]},)"
                       R"("max_tokens":10,"list":[["deep",{"db_password":"pw"}]]})")
               .as_object());
  std::vector<std::string> keys;
  Config r = c.redacted(&keys);
  BOOST_TEST(json::serialize(r.values()) ==
             R"({"providers":{"openai":{"api_key":"[REDACTED]","base":"https://x"}},)"
             R"("keys":[{"secret":"[REDACTED]"},{"name":"n"}],"secrets":{"a":"[REDACTED]","b":["[REDACTED]",7]},)"
             R"("max_tokens":10,"list":[["deep",{"db_password":"[REDACTED]"}]]})");
  BOOST_TEST((keys == std::vector<std::string>{"providers.openai.api_key", "keys[0].secret", "secrets.a",
                                               "secrets.b[0]", "list[0][1].db_password"}));
  BOOST_TEST((r.redacted() == r));  // idempotent
}

BOOST_AUTO_TEST_CASE(non_finite_numbers_are_refused) {
  Config c;
  BOOST_CHECK_THROW(c.set_temperature(std::nan("")), JournalError);
  BOOST_CHECK_THROW(c.set("x", json::array{1.0, INFINITY}), JournalError);
}

BOOST_AUTO_TEST_SUITE_END()
