// Python's json dialect: reading what json.dump writes, and writing it back.
//
// Boost.JSON 1.81 (our parser) rejects NaN/Infinity and lone surrogate
// escapes and reads big integers as doubles. Rather than write a second JSON
// parser, a small pre-pass rewrites exactly those tokens into strict JSON
// (reserved objects, a marker code point) and Boost.JSON parses the result.
#include <boost/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "promptjournal/errors.h"
#include "promptjournal/promptomatix.h"
#include "json_read.h"
#include "json_util.h"
#include "utf8.h"

namespace promptjournal {

namespace json = boost::json;

namespace {

// U+FDD0, a noncharacter, stands in for a lone surrogate between the pre-pass
// and the tree walk that reports it and replaces it with U+FFFD.
constexpr std::string_view kMarker = "\xEF\xB7\x90";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

int hex4(std::string_view s, std::size_t i) {
  if (i + 4 > s.size()) return -1;
  int v = 0;
  for (std::size_t k = i; k < i + 4; ++k) {
    char c = s[k];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

// True when an integer token does not fit int64 (negative) or uint64.
bool beyond_64_bits(std::string_view tok) {
  bool neg = !tok.empty() && tok[0] == '-';
  std::string_view digits = neg ? tok.substr(1) : tok;
  std::string_view limit = neg ? "9223372036854775808" : "18446744073709551615";
  if (digits.size() != limit.size()) return digits.size() > limit.size();
  return digits > limit;
}

std::string tagged(std::string_view key, std::string_view text) {
  return "{\"" + std::string(key) + "\":\"" + std::string(text) + "\"}";
}

// Copies a string literal starting at in[i] == '"'; returns the index after it.
std::size_t copy_string(std::string_view in, std::size_t i, std::string& out, int* lone) {
  out += in[i++];
  while (i < in.size()) {
    char c = in[i];
    if (c == '"') {
      out += c;
      return i + 1;
    }
    if (c != '\\' || i + 1 >= in.size()) {
      out += c;
      ++i;
      continue;
    }
    if (in[i + 1] != 'u') {
      out.append(in.substr(i, 2));
      i += 2;
      continue;
    }
    int cp = hex4(in, i + 2);
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 12 <= in.size() && in.substr(i + 6, 2) == "\\u") {
      int low = hex4(in, i + 8);
      if (low >= 0xDC00 && low <= 0xDFFF) {  // a proper pair
        out.append(in.substr(i, 12));
        i += 12;
        continue;
      }
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) {
      out += "\\ufdd0";
      ++*lone;
    } else {
      out.append(in.substr(i, 6));
    }
    i += 6;
  }
  return i;
}

std::string to_strict_json(std::string_view in, int* lone) {
  std::string out;
  out.reserve(in.size() + 16);
  std::size_t i = 0;
  while (i < in.size()) {
    char c = in[i];
    if (c == '"') {
      i = copy_string(in, i, out, lone);
    } else if (in.substr(i, 3) == "NaN") {
      out += tagged(kPythonFloatKey, "NaN");
      i += 3;
    } else if (in.substr(i, 8) == "Infinity") {
      out += tagged(kPythonFloatKey, "Infinity");
      i += 8;
    } else if (in.substr(i, 9) == "-Infinity") {
      out += tagged(kPythonFloatKey, "-Infinity");
      i += 9;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t j = i + 1;
      while (j < in.size() && std::strchr("0123456789.eE+-", in[j]) != nullptr) ++j;
      std::string_view tok = in.substr(i, j - i);
      bool integer = tok.find_first_of(".eE") == std::string_view::npos;
      if (integer) {
        out += beyond_64_bits(tok) ? tagged(kPythonIntKey, tok) : std::string(tok);
      } else {
        // Python reads a float too large for a double as infinity.
        double d = std::strtod(std::string(tok).c_str(), nullptr);
        out += std::isinf(d) ? tagged(kPythonFloatKey, d < 0 ? "-Infinity" : "Infinity") : std::string(tok);
      }
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

std::string replace_marker(std::string_view s) {
  std::string out(s);
  for (std::size_t at = out.find(kMarker); at != std::string::npos; at = out.find(kMarker, at))
    out.replace(at, kMarker.size(), kReplacement);
  return out;
}

// Replaces markers with U+FFFD, reporting each field that held one.
void fix_markers(json::value& v, const std::string& path, std::vector<ImportWarning>* warnings) {
  auto report = [&](const std::string& where) {
    if (warnings)
      warnings->push_back({where, "a lone UTF-16 surrogate escape (not representable in UTF-8) was replaced by U+FFFD"});
  };
  if (v.is_string()) {
    if (v.get_string().find(kMarker) != json::string::npos) {
      v = replace_marker(v.get_string());
      report(path);
    }
  } else if (v.is_array()) {
    auto& a = v.get_array();
    for (std::size_t i = 0; i < a.size(); ++i) fix_markers(a[i], path + "[" + std::to_string(i) + "]", warnings);
  } else if (v.is_object()) {
    json::object fixed;
    for (auto& kv : v.get_object()) {
      std::string key(kv.key());
      std::string child = path.empty() ? key : path + "." + key;
      if (key.find(kMarker) != std::string::npos) {
        key = replace_marker(key);
        report(child + " (key)");
      }
      fix_markers(kv.value(), child, warnings);
      fixed[key] = std::move(kv.value());
    }
    v = std::move(fixed);
  }
}

// --- writing ---

void put_hex4(std::string& out, unsigned v) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(v >> shift) & 15];
}

// json.dumps(s) with ensure_ascii=True.
void put_string(std::string& out, std::string_view s) {
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    std::uint32_t cp = 0;
    std::size_t start = i;
    if (!detail::utf8_next(s, i, &cp)) {  // not expected: journals hold valid UTF-8
      cp = 0xFFFD;
      i = start + 1;
    }
    switch (cp) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      default: break;
    }
    if (cp >= 0x20 && cp <= 0x7E) {
      out += static_cast<char>(cp);
    } else if (cp < 0x10000) {
      put_hex4(out, cp);
    } else {
      cp -= 0x10000;
      put_hex4(out, 0xD800 + (cp >> 10));
      put_hex4(out, 0xDC00 + (cp & 0x3FF));
    }
  }
  out += '"';
}

// repr(float): the shortest digits that round-trip, in fixed notation when
// the decimal exponent is in [-4, 16), otherwise d.ddde±XX.
void put_float(std::string& out, double d) {
  if (std::isnan(d)) {
    out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    out += d < 0 ? "-Infinity" : "Infinity";
    return;
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));
  bool neg = sci[0] == '-';
  if (neg) sci.remove_prefix(1);
  auto e_at = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_at))
    if (c != '.') digits += c;
  int exp = std::stoi(std::string(sci.substr(e_at + 1)));
  if (neg) out += '-';
  if (exp >= -4 && exp < 16) {
    if (exp >= 0) {
      std::string ip = digits.substr(0, std::min<std::size_t>(digits.size(), exp + 1));
      ip.append(static_cast<std::size_t>(exp + 1) - ip.size(), '0');
      std::string fp = digits.size() > static_cast<std::size_t>(exp + 1) ? digits.substr(exp + 1) : "0";
      out += ip + "." + fp;
    } else {
      out += "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
    }
  } else {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    out += eb;
  }
}

void dump(std::string& out, const json::value& v, int level) {
  auto newline = [&](int l) {
    out += '\n';
    out.append(static_cast<std::size_t>(l) * 2, ' ');
  };
  switch (v.kind()) {
    case json::kind::null: out += "null"; return;
    case json::kind::bool_: out += v.get_bool() ? "true" : "false"; return;
    case json::kind::int64: out += std::to_string(v.get_int64()); return;
    case json::kind::uint64: out += std::to_string(v.get_uint64()); return;
    case json::kind::double_: put_float(out, v.get_double()); return;
    case json::kind::string: put_string(out, v.get_string()); return;
    case json::kind::array: {
      const auto& a = v.get_array();
      if (a.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i) out += ',';
        newline(level + 1);
        dump(out, a[i], level + 1);
      }
      newline(level);
      out += ']';
      return;
    }
    case json::kind::object: {
      const auto& o = v.get_object();
      // Only a valid literal is written bare: anything else of the reserved
      // shape is written as the object it is (it never enters a journal).
      if (auto literal = detail::reserved_literal(o)) {
        out += *literal;
        return;
      }
      if (o.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      bool first = true;
      for (const auto& kv : o) {
        if (!first) out += ',';
        first = false;
        newline(level + 1);
        put_string(out, kv.key());
        out += ": ";
        dump(out, kv.value(), level + 1);
      }
      newline(level);
      out += '}';
      return;
    }
  }
}

}  // namespace

json::value parse_python_json(std::string_view text, std::vector<ImportWarning>* warnings) {
  int lone = 0;
  std::string strict = to_strict_json(text, &lone);
  boost::system::error_code ec;
  detail::JsonReadOptions opt;
  opt.max_depth = 1000;  // Python's own recursion limit is about this deep
  json::value v = detail::parse_json(strict, ec, {}, nullptr, opt);
  if (ec) throw JournalError::invalid_argument("not JSON that Python's json module reads: " + ec.message());
  if (lone > 0) fix_markers(v, "", warnings);
  return v;
}

std::string python_json_dump(const json::value& value) {
  std::string out;
  dump(out, value, 0);
  return out;
}

}  // namespace promptjournal
