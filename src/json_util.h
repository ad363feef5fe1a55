// Small helpers for reading typed fields out of Boost.JSON objects with errors
// that name the field. Internal.
#ifndef PROMPTJOURNAL_SRC_JSON_UTIL_H_
#define PROMPTJOURNAL_SRC_JSON_UTIL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace promptjournal::detail {

// Each throws JournalError(kInvalidArgument) "field 'where.name': expected T".
const boost::json::value& field(const boost::json::object& o, std::string_view name,
                                std::string_view where);
std::string get_string(const boost::json::object& o, std::string_view name, std::string_view where);
std::optional<std::string> get_optional_string(const boost::json::object& o, std::string_view name,
                                               std::string_view where);
std::int64_t get_int(const boost::json::object& o, std::string_view name, std::string_view where);
// The kind of a value as a word ("string", "number", ...).
std::string_view kind_name(const boost::json::value& v) noexcept;
// Throws JournalError(kInvalidArgument) if `v` holds a non-finite double.
void require_finite(const boost::json::value& v, std::string_view where);
// Throws JournalError(kInvalidArgument) "'where': not valid UTF-8 (byte N)"
// for a string that is not well-formed UTF-8, naming it by its path.
void require_utf8(std::string_view text, std::string_view where);
// The same for every string and key in `v`, at any depth.
void require_utf8(const boost::json::value& v, std::string_view where);

}  // namespace promptjournal::detail

#endif  // PROMPTJOURNAL_SRC_JSON_UTIL_H_
