// What a stored JSON value may hold: require_storable and reserved objects.
#include <cmath>
#include <string>
#include <vector>

#include "json_util.h"
#include "promptjournal/errors.h"
#include "promptjournal/promptomatix.h"

namespace promptjournal::detail {

namespace json = boost::json;

namespace {

bool beyond_64_bits(std::string_view digits, bool negative) {
  std::string_view limit = negative ? "9223372036854775808" : "18446744073709551615";
  if (digits.size() != limit.size()) return digits.size() > limit.size();
  return digits > limit;
}

bool is_big_integer_literal(std::string_view s) {
  bool neg = !s.empty() && s[0] == '-';
  std::string_view digits = neg ? s.substr(1) : s;
  if (digits.empty() || digits[0] == '0') return false;
  for (char c : digits)
    if (c < '0' || c > '9') return false;
  return beyond_64_bits(digits, neg);
}

// Walks `v`; on the first value that cannot be stored, fills `why` and the
// path (as keys and indexes) and returns false. The path is built only then.
struct Checker {
  std::vector<std::string> path;
  std::string why;

  bool walk(const json::value& v, std::size_t depth) {
    switch (v.kind()) {
      case json::kind::double_:
        if (std::isfinite(v.get_double())) return true;
        why = "holds a non-finite number, which JSON cannot carry";
        return false;
      case json::kind::array: {
        if (!deeper(depth)) return false;
        const auto& a = v.get_array();
        for (std::size_t i = 0; i < a.size(); ++i)
          if (!walk(a[i], depth + 1)) return in("[" + std::to_string(i) + "]");
        return true;
      }
      case json::kind::object: {
        const auto& o = v.get_object();
        if (reserved_kind(o) != ReservedKind::kNone) {
          if (reserved_literal(o)) return true;
          why = "is an object with the reserved key '" + std::string(o.begin()->key()) +
                "' whose value is not a Python number literal (NaN, Infinity, -Infinity, or an integer "
                "beyond 64 bits); such objects are reserved for those values";
          return false;
        }
        if (!deeper(depth)) return false;
        for (const auto& kv : o)
          if (!walk(kv.value(), depth + 1)) return in("." + std::string(kv.key()));
        return true;
      }
      default: return true;
    }
  }
  bool deeper(std::size_t depth) {
    if (depth < kMaxValueDepth) return true;
    why = "nests arrays and objects more than " + std::to_string(kMaxValueDepth) + " levels deep";
    return false;
  }
  bool in(std::string step) {
    path.push_back(std::move(step));
    return false;
  }
};

[[noreturn]] void fail(const Checker& c, std::string_view where) {
  std::string field(where);
  for (auto it = c.path.rbegin(); it != c.path.rend(); ++it) field += *it;
  throw JournalError::invalid_argument("'" + field + "' " + c.why);
}

}  // namespace

ReservedKind reserved_kind(const json::object& o) noexcept {
  if (o.size() != 1) return ReservedKind::kNone;
  std::string_view key = o.begin()->key();
  if (key == kPythonFloatKey) return ReservedKind::kFloat;
  if (key == kPythonIntKey) return ReservedKind::kInt;
  return ReservedKind::kNone;
}

std::optional<std::string_view> reserved_literal(const json::object& o) noexcept {
  ReservedKind kind = reserved_kind(o);
  if (kind == ReservedKind::kNone || !o.begin()->value().is_string()) return std::nullopt;
  std::string_view s = o.begin()->value().get_string();
  if (kind == ReservedKind::kFloat) {
    if (s == "NaN" || s == "Infinity" || s == "-Infinity") return s;
    return std::nullopt;
  }
  if (is_big_integer_literal(s)) return s;
  return std::nullopt;
}

void require_storable(const json::value& v, std::string_view where) {
  Checker c;
  if (c.walk(v, 0)) return;
  fail(c, where);
}

void require_storable_members(const json::object& o, std::string_view where) {
  Checker c;
  for (const auto& kv : o)
    if (!c.walk(kv.value(), 0)) {
      c.in("." + std::string(kv.key()));
      fail(c, where);
    }
}

}  // namespace promptjournal::detail
