#include "promptjournal/config.h"

#include <algorithm>
#include <cctype>

#include "json_util.h"
#include "promptjournal/errors.h"

namespace promptjournal {

namespace {

struct ProviderName {
  ModelProvider p;
  std::string_view s;
};
constexpr ProviderName kProviders[] = {
    {ModelProvider::kOpenAI, "openai"},         {ModelProvider::kAnthropic, "anthropic"},
    {ModelProvider::kDatabricks, "databricks"}, {ModelProvider::kLocal, "local"},
    {ModelProvider::kTogetherAI, "togetherai"},
};

[[noreturn]] void wrong_type(std::string_view key, std::string_view want, const boost::json::value& v) {
  throw JournalError::invalid_argument("config field '" + std::string(key) + "': expected " +
                                       std::string(want) + ", found " +
                                       std::string(detail::kind_name(v)));
}

}  // namespace

std::string_view to_string(ModelProvider p) noexcept {
  for (const auto& e : kProviders)
    if (e.p == p) return e.s;
  return "unknown";
}

std::optional<ModelProvider> model_provider_from_string(std::string_view s) noexcept {
  for (const auto& e : kProviders)
    if (e.s == s) return e.p;
  return std::nullopt;
}

bool is_secret_key(std::string_view key) noexcept {
  // No allocation (this is noexcept): compare case-insensitively in place.
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  auto contains = [&](std::string_view needle) {
    return std::search(key.begin(), key.end(), needle.begin(), needle.end(),
                       [&](char a, char b) { return lower(a) == b; }) != key.end();
  };
  for (std::string_view needle : {"api_key", "apikey", "api-key", "secret", "password", "passwd"})
    if (contains(needle)) return true;
  // "token" only as a whole word: hf_token, access-token, token; not max_tokens.
  std::size_t start = 0;
  while (start <= key.size()) {
    std::size_t end = key.find_first_of("_-.", start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view word = key.substr(start, end - start);
    if (word.size() == 5 && std::equal(word.begin(), word.end(), "token",
                                       [&](char a, char b) { return lower(a) == b; }))
      return true;
    start = end + 1;
  }
  return false;
}

Config::Config(boost::json::object values) : values_(std::move(values)) {
  for (const auto& kv : values_) {
    const std::string where = "config." + std::string(kv.key());
    detail::require_utf8(std::string_view(kv.key()), where + " (the key)");
    detail::require_utf8(kv.value(), where);
  }
  detail::require_storable_members(values_, "config");
}

Config& Config::set(std::string_view key, boost::json::value v) {
  const std::string where = "config." + std::string(key);
  detail::require_utf8(key, where + " (the key)");
  detail::require_storable(v, where);
  detail::require_utf8(v, where);
  values_[key] = std::move(v);
  return *this;
}

const boost::json::value* Config::get(std::string_view key) const {
  auto it = values_.find(key);
  return it == values_.end() ? nullptr : &it->value();
}

std::optional<std::string> Config::get_string(std::string_view key) const {
  const auto* v = get(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) wrong_type(key, "a string", *v);
  return std::string(v->get_string());
}

std::optional<bool> Config::get_bool(std::string_view key) const {
  const auto* v = get(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_bool()) wrong_type(key, "a boolean", *v);
  return v->get_bool();
}

const boost::json::value* Config::get_json(std::string_view key) const {
  const auto* v = get(key);
  return v == nullptr || v->is_null() ? nullptr : v;
}

boost::json::value Config::to_json(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& x : v) a.emplace_back(x);
  return a;
}

std::optional<double> Config::get_double(std::string_view key) const {
  const auto* v = get(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  wrong_type(key, "a number", *v);
}

std::optional<std::int64_t> Config::get_int(std::string_view key) const {
  const auto* v = get(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v->get_uint64());
  wrong_type(key, "an integer", *v);
}

std::optional<ModelProvider> Config::get_provider(std::string_view key) const {
  auto s = get_string(key);
  if (!s) return std::nullopt;
  auto p = model_provider_from_string(*s);
  if (!p)
    throw JournalError::invalid_argument("config field '" + std::string(key) + "': '" + *s +
                                         "' is not a model provider");
  return p;
}

std::vector<std::string> Config::get_strings(std::string_view key) const {
  const auto* v = get(key);
  std::vector<std::string> out;
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) wrong_type(key, "an array of strings", *v);
  for (const auto& x : v->get_array()) {
    if (!x.is_string()) wrong_type(key, "an array of strings", x);
    out.emplace_back(x.get_string());
  }
  return out;
}

namespace {

// Replaces every credential string at or below `v`; `under_secret` is true
// below a credential-named key (where every string is a credential: a
// "secrets" object holds them under any name).
void redact_value(boost::json::value& v, bool under_secret, const std::string& path,
                  std::vector<std::string>* keys) {
  switch (v.kind()) {
    case boost::json::kind::string:
      if (!under_secret || v.get_string().empty() || v.get_string() == kRedacted) return;
      v = kRedacted;
      if (keys != nullptr) keys->push_back(path);
      return;
    case boost::json::kind::object:
      for (auto& kv : v.get_object())
        redact_value(kv.value(), under_secret || is_secret_key(kv.key()),
                     path.empty() ? std::string(kv.key()) : path + "." + std::string(kv.key()), keys);
      return;
    case boost::json::kind::array: {
      std::size_t i = 0;
      for (auto& x : v.get_array()) redact_value(x, under_secret, path + "[" + std::to_string(i++) + "]", keys);
      return;
    }
    default:
      return;
  }
}

}  // namespace

Config Config::redacted(std::vector<std::string>* keys) const {
  boost::json::value all(values_);
  redact_value(all, false, "", keys);
  Config out;
  out.values_ = std::move(all.get_object());
  return out;
}

}  // namespace promptjournal
