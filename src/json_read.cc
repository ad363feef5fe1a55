#include "json_read.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>
#include <boost/json/value_stack.hpp>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace promptjournal::detail {

namespace json = boost::json;

namespace {

// Builds the value as Boost.JSON's own parser does, except that doubles are
// converted from their text.
struct ExactHandler {
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  json::value_stack st;
  std::string number;  // the parts of a number split across writes
  JsonReadNotes* notes = nullptr;
  std::size_t depth = 0;
  std::size_t max_depth = 0;

  bool enter(json::error_code& ec) {
    if (++depth > max_depth) {
      ec = json::error::too_deep;
      return false;
    }
    return true;
  }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code& ec) { return enter(ec); }
  bool on_object_end(std::size_t n, json::error_code&) {
    --depth;
    st.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code& ec) { return enter(ec); }
  bool on_array_end(std::size_t n, json::error_code&) {
    --depth;
    st.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    st.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    st.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    number.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    number.clear();
    st.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    number.clear();
    st.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view s, json::error_code&) {
    std::string_view text(s.data(), s.size());
    if (!number.empty()) {
      number.append(s.data(), s.size());
      text = number;
    }
    st.push_double(exact(text, d));
    number.clear();
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

  // The correctly rounded value of a JSON number's text (which the grammar
  // has already checked); `approx` is Boost.JSON's reading of it.
  double exact(std::string_view text, double approx) {
    bool integer = text.find_first_of(".eE") == std::string_view::npos;
    if (integer && notes) notes->big_integer = true;
    double d = approx;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (ec == std::errc() && ptr == text.data() + text.size()) return d;
    // Out of range: overflow becomes ±infinity, underflow ±0 (as Python
    // reads them); glibc's strtod is correctly rounded and says which.
    std::string copy(text);
    errno = 0;
    d = std::strtod(copy.c_str(), nullptr);
    if (std::isinf(d) && notes) notes->out_of_range = true;
    return d;
  }
};

using ExactParser = json::basic_parser<ExactHandler>;

ExactParser& thread_parser() {
  thread_local ExactParser parser = [] {
    json::parse_options opt;
    opt.max_depth = static_cast<std::size_t>(-1) / 2;  // ExactHandler enforces the real limit
    return ExactParser(opt);
  }();
  return parser;
}

}  // namespace

json::value parse_json(std::string_view text, boost::system::error_code& ec, json::storage_ptr sp,
                       JsonReadNotes* notes, const JsonReadOptions& options) {
  ExactParser& p = thread_parser();
  p.reset();
  ExactHandler& h = p.handler();
  h.st.reset(std::move(sp));
  h.number.clear();
  h.notes = notes;
  h.depth = 0;
  h.max_depth = options.max_depth;
  ec = {};
  std::size_t n = p.write_some(false, text.data(), text.size(), ec);
  if (!ec && n < text.size()) ec = json::error::extra_data;
  if (ec) {
    p.reset();
    h.st.reset();
    return nullptr;
  }
  json::value v = h.st.release();
  h.st.reset();  // drop any reference to `sp`
  return v;
}

json::value parse_json(std::string_view text, json::storage_ptr sp) {
  boost::system::error_code ec;
  json::value v = parse_json(text, ec, std::move(sp));
  if (ec) throw boost::system::system_error(ec);
  return v;
}

}  // namespace promptjournal::detail
