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
  // Keeps every key of `values` in order. Provider fields may be strings;
  // REQUIRES: values holds plain JSON (no NaN: see docs/FORMAT.md).
  explicit Config(boost::json::object values);

  // --- typed access to the common fields ---
  std::optional<std::string> model_name() const { return get_string("model_name"); }
  std::optional<ModelProvider> model_provider() const { return get_provider("model_provider"); }
  std::optional<std::string> task_type() const { return get_string("task_type"); }
  std::optional<double> temperature() const { return get_double("temperature"); }
  std::optional<std::int64_t> max_tokens() const { return get_int("max_tokens"); }
  std::optional<std::string> raw_input() const { return get_string("raw_input"); }
  std::optional<std::string> original_raw_input() const { return get_string("original_raw_input"); }
  std::optional<std::string> task_description() const { return get_string("task_description"); }
  std::optional<std::string> sample_data() const { return get_string("sample_data"); }
  std::vector<std::string> input_fields() const { return get_strings("input_fields"); }
  std::vector<std::string> output_fields() const { return get_strings("output_fields"); }
  std::vector<std::string> metrics() const { return get_strings("metrics"); }
  std::optional<std::string> trainer() const { return get_string("trainer"); }
  std::optional<std::string> search_type() const { return get_string("search_type"); }
  std::optional<std::string> backend() const { return get_string("backend"); }

  Config& set_model_name(std::string v) { return set("model_name", boost::json::string(v)); }
  Config& set_model_provider(ModelProvider p) { return set("model_provider", boost::json::string(to_string(p))); }
  Config& set_task_type(std::string v) { return set("task_type", boost::json::string(v)); }
  Config& set_temperature(double v) { return set("temperature", v); }
  Config& set_max_tokens(std::int64_t v) { return set("max_tokens", v); }
  Config& set_raw_input(std::string v) { return set("raw_input", boost::json::string(v)); }

  // --- generic access ---
  // Sets `key` (kept in place when present, appended otherwise).
  // Throws JournalError(kInvalidArgument) for a non-finite double.
  Config& set(std::string_view key, boost::json::value v);
  // nullptr when absent.
  const boost::json::value* get(std::string_view key) const;
  const boost::json::object& values() const noexcept { return values_; }

  std::optional<std::string> get_string(std::string_view key) const;
  std::optional<double> get_double(std::string_view key) const;
  std::optional<std::int64_t> get_int(std::string_view key) const;
  std::optional<ModelProvider> get_provider(std::string_view key) const;
  std::vector<std::string> get_strings(std::string_view key) const;

  // A copy with every credential (is_secret_key, non-empty string value)
  // replaced by kRedacted. Returns the names of the keys it redacted in `keys`.
  Config redacted(std::vector<std::string>* keys = nullptr) const;

  bool operator==(const Config& o) const { return values_ == o.values_; }

 private:
  boost::json::object values_;
};

}  // namespace promptjournal

#endif  // PROMPTJOURNAL_CONFIG_H_
