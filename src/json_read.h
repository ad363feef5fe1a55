// Reading JSON text with every number exact. Internal.
//
// Boost.JSON 1.81's parser rounds many 16-17 digit decimals one unit in the
// last place off (it has no precise-number mode). Every JSON text the library
// reads — journal lines, snapshots, imports, configs — goes through this
// reader instead: Boost.JSON's basic_parser does the grammar, and each
// non-integer number's text is converted with std::from_chars, which is
// correctly rounded. A finite double written by Boost.JSON's serializer, by
// Python's repr or by any shortest-round-trip printer reads back bit-identical.
#ifndef PROMPTJOURNAL_SRC_JSON_READ_H_
#define PROMPTJOURNAL_SRC_JSON_READ_H_

#include <cstddef>
#include <string_view>

#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>

namespace promptjournal::detail {

// What a parse saw besides the value itself.
struct JsonReadNotes {
  // An integer literal (no '.', 'e' or 'E') that fits neither int64 nor
  // uint64; it is held as the nearest double.
  bool big_integer = false;
  // A number whose magnitude is beyond the largest double; held as ±infinity.
  bool out_of_range = false;
};

struct JsonReadOptions {
  // Deepest nesting of arrays and objects accepted (the document itself is 1).
  std::size_t max_depth = 1000;
};

// Parses exactly one strict JSON text (RFC 8259, UTF-8; no comments, no
// trailing commas). Doubles are correctly rounded. On a syntax error, or when
// `text` holds more than one value, sets `ec` and returns null. Values are
// allocated from `sp`. Duplicate object keys keep the last value, as Python's
// json module does. Thread-safe (each call uses a parser of its own thread).
boost::json::value parse_json(std::string_view text, boost::system::error_code& ec,
                              boost::json::storage_ptr sp = {}, JsonReadNotes* notes = nullptr,
                              const JsonReadOptions& options = {});

// As above; throws boost::system::system_error on a syntax error.
boost::json::value parse_json(std::string_view text, boost::json::storage_ptr sp = {});

}  // namespace promptjournal::detail

#endif  // PROMPTJOURNAL_SRC_JSON_READ_H_
