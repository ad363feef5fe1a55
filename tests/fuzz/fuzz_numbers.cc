// Numbers read exactly (detail::parse_json, src/json_read.h). Every input is
// used twice:
//  - its first 8 bytes as the bits of a double d: if d is finite, the text
//    Boost.JSON's serializer writes for it, and the text Python's repr writes
//    for it, each read back give d's very bits, as glibc's strtod does;
//  - the whole input as JSON text: if it is a number, parse_json gives the
//    bits strtod gives (an integer: the same value) (glibc's is correctly rounded; beyond the largest
//    double both give ±infinity, which parse_json flags as out_of_range); if
//    it is any JSON document, parse → serialize → parse gives the same value,
//    bit for bit, unless it holds an out-of-range number (Boost.JSON writes
//    infinity as "Infinity", which is not JSON), and an infinity is never
//    read without that flag.
#include "json_read.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <boost/json.hpp>

namespace {

namespace json = boost::json;
using promptjournal::detail::JsonReadNotes;
using promptjournal::detail::parse_json;

[[noreturn]] void fail(const char* what, std::string_view text) {
  std::fprintf(stderr, "fuzz_numbers: %s: \"%.*s\"\n", what, static_cast<int>(text.size()), text.data());
  std::abort();
}

std::uint64_t bits(double d) { return std::bit_cast<std::uint64_t>(d); }

// glibc's strtod of a whole number text (JSON whitespace around it allowed).
double c_strtod(std::string_view text) {
  std::string copy(text);
  char* end = nullptr;
  double d = std::strtod(copy.c_str(), &end);
  if (copy.find_first_not_of(" \t\r\n", static_cast<std::size_t>(end - copy.c_str())) != std::string::npos)
    fail("strtod stopped inside a number JSON accepts", text);
  return d;
}

// Python's repr of a finite double: the shortest digits that read back, in
// scientific notation when the decimal exponent is < -4 or >= 16, else fixed
// with at least one fractional digit ("1.0", "1e+16", "5e-324").
std::string python_repr(double d) {
  char buf[400];
  auto sci = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string text(buf, sci.ptr);
  int exponent = std::atoi(text.c_str() + text.find('e') + 1);
  if (exponent < -4 || exponent >= 16) return text;
  auto fixed = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
  text.assign(buf, fixed.ptr);
  if (text.find('.') == std::string::npos) text += ".0";
  return text;
}

// Reads `text`, which must be a JSON double, and requires d's bits.
void require_reads_back(std::string_view text, double d) {
  boost::system::error_code ec;
  JsonReadNotes notes;
  json::value v = parse_json(text, ec, {}, &notes);
  if (ec) fail("parse_json refused a written double", text);
  if (!v.is_double()) fail("a written double did not read as a double", text);
  if (bits(v.get_double()) != bits(d)) fail("a written double read back as another", text);
  if (bits(c_strtod(text)) != bits(d)) fail("strtod disagrees with the written double", text);
  if (notes.out_of_range || notes.big_integer) fail("a finite double was flagged", text);
}

void check_bit_pattern(const std::uint8_t* data, std::size_t size) {
  if (size < 8) return;
  double d;
  std::memcpy(&d, data, 8);
  if (!std::isfinite(d)) return;
  require_reads_back(json::serialize(json::value(d)), d);
  require_reads_back(python_repr(d), d);
}

// Bit-identical values: same kinds, same doubles to the bit (so 0.0 is not
// -0.0), same members.
bool same(const json::value& a, const json::value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case json::kind::double_:
      return bits(a.get_double()) == bits(b.get_double());
    case json::kind::array: {
      const auto& x = a.get_array();
      const auto& y = b.get_array();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i)
        if (!same(x[i], y[i])) return false;
      return true;
    }
    case json::kind::object: {
      const auto& x = a.get_object();
      const auto& y = b.get_object();
      if (x.size() != y.size()) return false;
      for (const auto& m : x) {
        const json::value* other = y.if_contains(m.key());
        if (other == nullptr || !same(m.value(), *other)) return false;
      }
      return true;
    }
    default:
      return a == b;
  }
}

bool holds_infinity(const json::value& v) {
  if (v.is_double()) return std::isinf(v.get_double());
  if (v.is_array())
    for (const auto& x : v.get_array())
      if (holds_infinity(x)) return true;
  if (v.is_object())
    for (const auto& m : v.get_object())
      if (holds_infinity(m.value())) return true;
  return false;
}

void check_text(std::string_view text) {
  boost::system::error_code ec;
  JsonReadNotes notes;
  json::value v = parse_json(text, ec, {}, &notes);
  if (ec) return;
  // The flag is about the text: a later duplicate key can drop the infinity
  // it was set for (`{"a": 1e400, "a": 1}`), so only this way round.
  if (holds_infinity(v) && !notes.out_of_range) fail("an infinity was read without out_of_range", text);

  // A number: the bits glibc's strtod gives.
  // An integer is compared as the nearest double (both sides round the same
  // exact integer), by value: JSON's integer -0 is the integer 0.
  if (v.is_double()) {
    if (bits(v.get_double()) != bits(c_strtod(text))) fail("parse_json and strtod read a number differently", text);
  } else if (v.is_int64() || v.is_uint64()) {
    double nearest = v.is_int64() ? static_cast<double>(v.get_int64()) : static_cast<double>(v.get_uint64());
    if (nearest != c_strtod(text)) fail("parse_json and strtod read an integer differently", text);
  }

  // parse → serialize → parse is the identity on the value.
  if (notes.out_of_range) return;
  std::string once = json::serialize(v);
  JsonReadNotes again_notes;
  json::value again = parse_json(once, ec, {}, &again_notes);
  if (ec) fail("parse_json refused what the serializer wrote", once);
  if (!same(v, again)) fail("parse -> serialize -> parse changed the value", text);
  if (json::serialize(again) != once) fail("serialize -> parse -> serialize changed the text", once);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_bit_pattern(data, size);
  check_text(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
