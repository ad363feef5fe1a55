// Config: a session's configuration, as promptomatix's Config persists it.
//
// A Config is an ordered JSON object: every key promptomatix writes is kept
// verbatim and in order, including ones this library does not know. The
// common fields have typed accessors; a typed getter returns nullopt when the
// key is absent or null and throws JournalError(kInvalidArgument) when it holds
// another type. Intentionally copyable value; not synchronised.
#ifndef PROMPTJOURNAL_CONFIG_H_
#define PROMPTJOURNAL_CONFIG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

namespace promptjournal {

// promptomatix's ModelProvider. Do not change the string values: they are persisted.
enum class ModelProvider { kOpenAI, kAnthropic, kDatabricks, kLocal, kTogetherAI };

// "openai", "anthropic", "databricks", "local", "togetherai".
std::string_view to_string(ModelProvider p) noexcept;
// The inverse of to_string; nullopt for any other string.
std::optional<ModelProvider> model_provider_from_string(std::string_view s) noexcept;

// The value written in place of a redacted credential.
inline constexpr std::string_view kRedacted = "[REDACTED]";

// True when a config key names a credential: it contains "api_key", "apikey",
// "secret" or "password", or one of its '_'/'-'-separated words is "token"
// (so "hf_token" is one and "max_tokens" is not). Case-insensitive.
bool is_secret_key(std::string_view key) noexcept;

class Config {
 public:
  Config() = default;
  // Keeps every key of `values` in order. Provider fields may be strings.
  // Throws kInvalidArgument naming the field for a non-finite number (JSON
  // has none: see docs/FORMAT.md) or text (a key or a string) that is not UTF-8.
  explicit Config(boost::json::object values);

  // --- typed access to every field of promptomatix's Config ---
  // In the order promptomatix writes them. A getter returns nullopt (nullptr,
  // or an empty list) when the key is absent or null, and throws
  // kInvalidArgument when it holds another type; a setter keeps the key's
  // place when present and appends it otherwise. Fields that hold data of any
  // shape (tools, train_data, ...) are plain JSON. Providers are their string
  // value. dspy_module is the module's name (promptomatix drops the class
  // itself when it saves).
  std::optional<std::string> raw_input() const { return get_string("raw_input"); }
  Config& set_raw_input(std::string v) { return set("raw_input", boost::json::string(v)); }
  std::optional<bool> raw_input_improvised() const { return get_bool("raw_input_improvised"); }
  Config& set_raw_input_improvised(bool v) { return set("raw_input_improvised", v); }
  std::optional<std::string> huggingface_dataset_name() const { return get_string("huggingface_dataset_name"); }
  Config& set_huggingface_dataset_name(std::string v) { return set("huggingface_dataset_name", boost::json::string(v)); }
  std::optional<std::string> original_raw_input() const { return get_string("original_raw_input"); }
  Config& set_original_raw_input(std::string v) { return set("original_raw_input", boost::json::string(v)); }
  std::optional<std::string> session_id() const { return get_string("session_id"); }
  Config& set_session_id(std::string v) { return set("session_id", boost::json::string(v)); }
  std::optional<std::string> task_description() const { return get_string("task_description"); }
  Config& set_task_description(std::string v) { return set("task_description", boost::json::string(v)); }
  std::optional<std::string> sample_data() const { return get_string("sample_data"); }
  Config& set_sample_data(std::string v) { return set("sample_data", boost::json::string(v)); }
  std::optional<std::string> output_format() const { return get_string("output_format"); }
  Config& set_output_format(std::string v) { return set("output_format", boost::json::string(v)); }
  std::optional<std::string> style_guide() const { return get_string("style_guide"); }
  Config& set_style_guide(std::string v) { return set("style_guide", boost::json::string(v)); }
  std::optional<std::string> constraints() const { return get_string("constraints"); }
  Config& set_constraints(std::string v) { return set("constraints", boost::json::string(v)); }
  std::optional<std::string> context() const { return get_string("context"); }
  Config& set_context(std::string v) { return set("context", boost::json::string(v)); }
  std::optional<std::string> task_type() const { return get_string("task_type"); }
  Config& set_task_type(std::string v) { return set("task_type", boost::json::string(v)); }
  const boost::json::value* tools() const { return get_json("tools"); }
  Config& set_tools(boost::json::value v) { return set("tools", std::move(v)); }
  std::optional<bool> decouple_task_description_and_raw_input() const { return get_bool("decouple_task_description_and_raw_input"); }
  Config& set_decouple_task_description_and_raw_input(bool v) { return set("decouple_task_description_and_raw_input", v); }
  std::optional<std::string> model_name() const { return get_string("model_name"); }
  Config& set_model_name(std::string v) { return set("model_name", boost::json::string(v)); }
  std::optional<std::string> model_api_key() const { return get_string("model_api_key"); }
  Config& set_model_api_key(std::string v) { return set("model_api_key", boost::json::string(v)); }
  std::optional<std::string> model_api_base() const { return get_string("model_api_base"); }
  Config& set_model_api_base(std::string v) { return set("model_api_base", boost::json::string(v)); }
  std::optional<ModelProvider> model_provider() const { return get_provider("model_provider"); }
  Config& set_model_provider(ModelProvider v) { return set("model_provider", boost::json::string(to_string(v))); }
  std::optional<double> temperature() const { return get_double("temperature"); }
  Config& set_temperature(double v) { return set("temperature", v); }
  std::optional<std::int64_t> max_tokens() const { return get_int("max_tokens"); }
  Config& set_max_tokens(std::int64_t v) { return set("max_tokens", v); }
  std::optional<std::int64_t> config_max_tokens() const { return get_int("config_max_tokens"); }
  Config& set_config_max_tokens(std::int64_t v) { return set("config_max_tokens", v); }
  std::optional<double> config_temperature() const { return get_double("config_temperature"); }
  Config& set_config_temperature(double v) { return set("config_temperature", v); }
  std::optional<std::string> config_model_name() const { return get_string("config_model_name"); }
  Config& set_config_model_name(std::string v) { return set("config_model_name", boost::json::string(v)); }
  std::optional<ModelProvider> config_model_provider() const { return get_provider("config_model_provider"); }
  Config& set_config_model_provider(ModelProvider v) { return set("config_model_provider", boost::json::string(to_string(v))); }
  std::optional<std::string> config_model_api_key() const { return get_string("config_model_api_key"); }
  Config& set_config_model_api_key(std::string v) { return set("config_model_api_key", boost::json::string(v)); }
  std::optional<std::string> config_model_api_base() const { return get_string("config_model_api_base"); }
  Config& set_config_model_api_base(std::string v) { return set("config_model_api_base", boost::json::string(v)); }
  std::optional<std::int64_t> synthetic_data_size() const { return get_int("synthetic_data_size"); }
  Config& set_synthetic_data_size(std::int64_t v) { return set("synthetic_data_size", v); }
  std::optional<double> train_ratio() const { return get_double("train_ratio"); }
  Config& set_train_ratio(double v) { return set("train_ratio", v); }
  std::vector<std::string> input_fields() const { return get_strings("input_fields"); }
  Config& set_input_fields(const std::vector<std::string>& v) { return set("input_fields", to_json(v)); }
  std::vector<std::string> output_fields() const { return get_strings("output_fields"); }
  Config& set_output_fields(const std::vector<std::string>& v) { return set("output_fields", to_json(v)); }
  std::vector<std::string> metrics() const { return get_strings("metrics"); }
  Config& set_metrics(const std::vector<std::string>& v) { return set("metrics", to_json(v)); }
  std::optional<std::string> trainer() const { return get_string("trainer"); }
  Config& set_trainer(std::string v) { return set("trainer", boost::json::string(v)); }
  std::optional<std::string> search_type() const { return get_string("search_type"); }
  Config& set_search_type(std::string v) { return set("search_type", boost::json::string(v)); }
  std::optional<std::string> backend() const { return get_string("backend"); }
  Config& set_backend(std::string v) { return set("backend", boost::json::string(v)); }
  std::optional<std::string> dspy_module() const { return get_string("dspy_module"); }
  Config& set_dspy_module(std::string v) { return set("dspy_module", boost::json::string(v)); }
  std::optional<double> lambda_penalty() const { return get_double("lambda_penalty"); }
  Config& set_lambda_penalty(double v) { return set("lambda_penalty", v); }
  const boost::json::value* train_data() const { return get_json("train_data"); }
  Config& set_train_data(boost::json::value v) { return set("train_data", std::move(v)); }
  const boost::json::value* valid_data() const { return get_json("valid_data"); }
  Config& set_valid_data(boost::json::value v) { return set("valid_data", std::move(v)); }
  const boost::json::value* valid_data_full() const { return get_json("valid_data_full"); }
  Config& set_valid_data_full(boost::json::value v) { return set("valid_data_full", std::move(v)); }
  std::optional<std::int64_t> train_data_size() const { return get_int("train_data_size"); }
  Config& set_train_data_size(std::int64_t v) { return set("train_data_size", v); }
  std::optional<std::int64_t> valid_data_size() const { return get_int("valid_data_size"); }
  Config& set_valid_data_size(std::int64_t v) { return set("valid_data_size", v); }
  std::optional<bool> load_data_local() const { return get_bool("load_data_local"); }
  Config& set_load_data_local(bool v) { return set("load_data_local", v); }
  std::optional<std::string> local_train_data_path() const { return get_string("local_train_data_path"); }
  Config& set_local_train_data_path(std::string v) { return set("local_train_data_path", boost::json::string(v)); }
  std::optional<std::string> local_test_data_path() const { return get_string("local_test_data_path"); }
  Config& set_local_test_data_path(std::string v) { return set("local_test_data_path", boost::json::string(v)); }
  std::optional<std::string> miprov2_init_auto() const { return get_string("miprov2_init_auto"); }
  Config& set_miprov2_init_auto(std::string v) { return set("miprov2_init_auto", boost::json::string(v)); }
  std::optional<std::int64_t> miprov2_init_num_candidates() const { return get_int("miprov2_init_num_candidates"); }
  Config& set_miprov2_init_num_candidates(std::int64_t v) { return set("miprov2_init_num_candidates", v); }
  std::optional<std::int64_t> miprov2_compile_max_bootstrapped_demos() const { return get_int("miprov2_compile_max_bootstrapped_demos"); }
  Config& set_miprov2_compile_max_bootstrapped_demos(std::int64_t v) { return set("miprov2_compile_max_bootstrapped_demos", v); }
  std::optional<std::int64_t> miprov2_compile_max_labeled_demos() const { return get_int("miprov2_compile_max_labeled_demos"); }
  Config& set_miprov2_compile_max_labeled_demos(std::int64_t v) { return set("miprov2_compile_max_labeled_demos", v); }
  std::optional<std::int64_t> miprov2_compile_num_trials() const { return get_int("miprov2_compile_num_trials"); }
  Config& set_miprov2_compile_num_trials(std::int64_t v) { return set("miprov2_compile_num_trials", v); }
  std::optional<std::int64_t> miprov2_compile_minibatch_size() const { return get_int("miprov2_compile_minibatch_size"); }
  Config& set_miprov2_compile_minibatch_size(std::int64_t v) { return set("miprov2_compile_minibatch_size", v); }
  std::optional<std::string> task() const { return get_string("task"); }
  Config& set_task(std::string v) { return set("task", boost::json::string(v)); }
  const boost::json::value* few_shot_examples() const { return get_json("few_shot_examples"); }
  Config& set_few_shot_examples(boost::json::value v) { return set("few_shot_examples", std::move(v)); }
  std::optional<std::string> task_context() const { return get_string("task_context"); }
  Config& set_task_context(std::string v) { return set("task_context", boost::json::string(v)); }
  std::optional<std::string> question() const { return get_string("question"); }
  Config& set_question(std::string v) { return set("question", boost::json::string(v)); }
  std::optional<double> llm_cost() const { return get_double("llm_cost"); }
  Config& set_llm_cost(double v) { return set("llm_cost", v); }

  // --- generic access ---
  // Sets `key` (kept in place when present, appended otherwise).
  // Throws JournalError(kInvalidArgument) naming the field for a non-finite
  // double or text that is not UTF-8.
  Config& set(std::string_view key, boost::json::value v);
  // nullptr when absent.
  const boost::json::value* get(std::string_view key) const;
  const boost::json::object& values() const noexcept { return values_; }

  std::optional<std::string> get_string(std::string_view key) const;
  std::optional<bool> get_bool(std::string_view key) const;
  // nullptr when absent or null.
  const boost::json::value* get_json(std::string_view key) const;
  std::optional<double> get_double(std::string_view key) const;
  std::optional<std::int64_t> get_int(std::string_view key) const;
  std::optional<ModelProvider> get_provider(std::string_view key) const;
  std::vector<std::string> get_strings(std::string_view key) const;

  // A copy with every credential replaced by kRedacted: every non-empty
  // string at any depth (in objects and in lists) below a key that
  // is_secret_key names, so {"providers":{"openai":{"api_key":"sk-1"}}},
  // {"keys":[{"secret":"sk-2"}]} and {"secrets":{"openai":"sk-3"}} are all
  // redacted. Other values (numbers, booleans, null) are kept. Appends the
  // path of each string it redacted to `keys` ("providers.openai.api_key",
  // "keys[0].secret"). Idempotent: redacted().redacted() == redacted().
  Config redacted(std::vector<std::string>* keys = nullptr) const;

  bool operator==(const Config& o) const { return values_ == o.values_; }

 private:
  static boost::json::value to_json(const std::vector<std::string>& v);

  boost::json::object values_;
};

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_CONFIG_H_
