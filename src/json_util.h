// Small helpers for reading typed fields out of Boost.JSON objects with errors
// that name the field. Internal.
#ifndef PROMPTJOURNAL_SRC_JSON_UTIL_H_
#define PROMPTJOURNAL_SRC_JSON_UTIL_H_

#include <cstddef>
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
// Deepest nesting of arrays and objects a stored value may have (a value that
// is a scalar has depth 0). docs/FORMAT.md, "Values".
inline constexpr std::size_t kMaxValueDepth = 500;

// Whether `o` has the shape of a reserved object: exactly one key, "$pj.float"
// or "$pj.int" (docs/FORMAT.md, "Values JSON cannot carry").
enum class ReservedKind { kNone, kFloat, kInt };
ReservedKind reserved_kind(const boost::json::object& o) noexcept;

// The Python literal a reserved-shaped object stands for, or nullopt if its
// value is not exactly such a literal: for "$pj.float", one of NaN, Infinity,
// -Infinity; for "$pj.int", an integer (-?[1-9][0-9]*) outside
// [-2^63, 2^64-1].
std::optional<std::string_view> reserved_literal(const boost::json::object& o) noexcept;

// Throws JournalError(kInvalidArgument), naming the field (`where` and the
// path inside `v`), unless `v` can be stored: every double finite, every
// reserved-shaped object a valid literal, nesting at most kMaxValueDepth.
void require_storable(const boost::json::value& v, std::string_view where);
// The same for each member of `o`, each a field "where.key".
void require_storable_members(const boost::json::object& o, std::string_view where);
// Throws JournalError(kInvalidArgument) "'where': not valid UTF-8 (byte N)"
// for a string that is not well-formed UTF-8, naming it by its path.
void require_utf8(std::string_view text, std::string_view where);
// The same for every string and key in `v`, at any depth.
void require_utf8(const boost::json::value& v, std::string_view where);

}  // namespace promptjournal::detail

#endif  // PROMPTJOURNAL_SRC_JSON_UTIL_H_
