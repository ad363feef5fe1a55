#include "promptjournal/feedback.h"

#include <boost/json.hpp>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include <chrono>
#include <cmath>
#include <mutex>

#include "json_util.h"
#include "promptjournal/errors.h"
#include "time_format.h"
#include "utf8.h"

namespace promptjournal {

namespace detail {

const boost::json::value& field(const boost::json::object& o, std::string_view name,
                                std::string_view where) {
  auto it = o.find(name);
  if (it == o.end())
    throw JournalError::invalid_argument("field '" + std::string(where) + "." + std::string(name) +
                                         "' is missing");
  return it->value();
}

namespace {
[[noreturn]] void wrong(std::string_view where, std::string_view name, std::string_view want,
                        const boost::json::value& v) {
  throw JournalError::invalid_argument("field '" + std::string(where) + "." + std::string(name) +
                                       "': expected " + std::string(want) + ", found " +
                                       std::string(kind_name(v)));
}
}  // namespace

std::string get_string(const boost::json::object& o, std::string_view name, std::string_view where) {
  const auto& v = field(o, name, where);
  if (!v.is_string()) wrong(where, name, "a string", v);
  return std::string(v.get_string());
}

std::optional<std::string> get_optional_string(const boost::json::object& o, std::string_view name,
                                               std::string_view where) {
  auto it = o.find(name);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_string()) wrong(where, name, "a string or null", it->value());
  return std::string(it->value().get_string());
}

std::int64_t get_int(const boost::json::object& o, std::string_view name, std::string_view where) {
  const auto& v = field(o, name, where);
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v.get_uint64());
  wrong(where, name, "an integer", v);
}

std::string_view kind_name(const boost::json::value& v) noexcept {
  switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64: return "an integer";
    case boost::json::kind::double_: return "a number";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::object: return "an object";
  }
  return "a value";
}

void require_utf8(std::string_view text, std::string_view where) {
  std::size_t bad = 0;
  if (!is_valid_utf8(text, &bad))
    throw JournalError::invalid_argument("'" + std::string(where) + "' is not valid UTF-8 (at byte " +
                                         std::to_string(bad) + " of " + std::to_string(text.size()) + ")");
}

void require_utf8(const boost::json::value& v, std::string_view where) {
  if (v.is_string()) {
    require_utf8(std::string_view(v.get_string()), where);
  } else if (v.is_array()) {
    std::size_t i = 0;
    for (const auto& x : v.get_array()) require_utf8(x, std::string(where) + "[" + std::to_string(i++) + "]");
  } else if (v.is_object()) {
    for (const auto& kv : v.get_object()) {
      std::string path = std::string(where) + "." + std::string(kv.key());
      require_utf8(std::string_view(kv.key()), path + " (the key)");
      require_utf8(kv.value(), path);
    }
  }
}

}  // namespace detail

std::string new_uuid() {
  // random_generator seeds from the OS (getrandom); guard it for threads.
  static std::mutex mu;
  static boost::uuids::random_generator gen;
  std::lock_guard<std::mutex> lock(mu);
  return boost::uuids::to_string(gen());
}

Feedback::Feedback(std::string text_, std::int64_t start, std::int64_t end, std::string feedback_,
                   std::optional<std::string> prompt)
    : id(new_uuid()),
      text(std::move(text_)),
      start_offset(start),
      end_offset(end),
      feedback(std::move(feedback_)),
      prompt_id(std::move(prompt)),
      created_at(detail::format_python_isoformat(std::chrono::system_clock::now())) {}

Feedback::Feedback(std::string id_, std::string text_, std::int64_t start, std::int64_t end,
                   std::string feedback_, std::optional<std::string> prompt, std::string created)
    : id(std::move(id_)),
      text(std::move(text_)),
      start_offset(start),
      end_offset(end),
      feedback(std::move(feedback_)),
      prompt_id(std::move(prompt)),
      created_at(std::move(created)) {}

void check_feedback_span(const Feedback& f) {
  if (f.start_offset < 0 || f.end_offset < f.start_offset)
    throw JournalError::invalid_argument("feedback span [" + std::to_string(f.start_offset) + ".." +
                                         std::to_string(f.end_offset) +
                                         "]: offsets must satisfy 0 <= start_offset <= end_offset");
}

std::optional<std::string> feedback_span_mismatch(const Feedback& f, std::optional<std::string_view> prompt) {
  const std::string span = "[" + std::to_string(f.start_offset) + ".." + std::to_string(f.end_offset) + "]";
  if (!prompt) return "given when the session had no optimized prompt: the span " + span + " refers to no text";
  if (f.start_offset < 0 || f.end_offset < f.start_offset)
    return "the span " + span + " is not 0 <= start <= end";
  // Byte positions of the two code-point offsets (an ill-formed byte counts
  // as one code point, as the UTF-8 checks elsewhere never let one in).
  std::size_t i = 0, begin = std::string_view::npos, n = 0;
  const auto start = static_cast<std::uint64_t>(f.start_offset), end = static_cast<std::uint64_t>(f.end_offset);
  for (;; ++n) {
    if (n == start) begin = i;
    if (n == end || i >= prompt->size()) break;
    if (!detail::utf8_next(*prompt, i)) ++i;
  }
  if (n < end)
    return "the span " + span + " goes past the end of the prompt (" + std::to_string(n) + " code points)";
  const std::string_view covered = prompt->substr(begin, i - begin);
  if (covered != f.text)
    return "the span " + span + " covers " + boost::json::serialize(boost::json::string(covered)) + ", not " +
           boost::json::serialize(boost::json::string(f.text));
  return std::nullopt;
}

boost::json::object to_json(const Feedback& f) {
  boost::json::object o;
  o.reserve(7);
  o.emplace("id", f.id);
  o.emplace("text", f.text);
  o.emplace("start_offset", f.start_offset);
  o.emplace("end_offset", f.end_offset);
  o.emplace("feedback", f.feedback);
  if (f.prompt_id)
    o.emplace("prompt_id", *f.prompt_id);
  else
    o.emplace("prompt_id", nullptr);
  o.emplace("created_at", f.created_at);
  return o;
}

Feedback feedback_from_json(const boost::json::object& o) {
  constexpr std::string_view w = "feedback";
  return Feedback(detail::get_string(o, "id", w), detail::get_string(o, "text", w),
                  detail::get_int(o, "start_offset", w), detail::get_int(o, "end_offset", w),
                  detail::get_string(o, "feedback", w), detail::get_optional_string(o, "prompt_id", w),
                  detail::get_string(o, "created_at", w));
}

}  // namespace promptjournal
