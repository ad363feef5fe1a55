// Conversions between Python objects and the library's values (JSON, times,
// feedback). Every function here needs the GIL.
//
// Python to JSON (to_json): None, bool, int, float, str, list, tuple and dict
// with str keys map to their JSON kind; an enum member maps to its value, a
// date or datetime to its isoformat(). What JSON cannot carry is kept as the
// journal's reserved objects (docs/FORMAT.md): a non-finite float becomes
// {"$pj.float": "NaN"}, an int beyond 64 bits {"$pj.int": "<digits>"}, and
// from_json turns them back. Anything else raises TypeError; nesting deeper
// than kMaxDepth, InvalidArgumentError; a str that cannot be UTF-8 (a lone
// surrogate), UnicodeEncodeError. bytes are refused (TypeError): text is str.
#ifndef PROMPTJOURNAL_PYTHON_CONVERT_H_
#define PROMPTJOURNAL_PYTHON_CONVERT_H_

#include <pybind11/pybind11.h>

#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "promptjournal/feedback.h"

namespace pjpy {

namespace py = pybind11;

inline constexpr int kMaxDepth = 256;

boost::json::value to_json(py::handle h);
// A config as promptomatix's _save_session saw it: a dict (converted as
// to_json), or an object whose public, non-callable attributes (vars())
// are the fields, as promptomatix's Config. Inside such an object an enum is
// its value, a nested object with attributes is a dict of them, and any
// other value JSON cannot hold is its str(). Raises TypeError for anything else.
boost::json::object config_to_json(py::handle h);

py::object from_json(const boost::json::value& v);
py::dict from_json(const boost::json::object& o);

// A str argument as UTF-8 (TypeError for any other type, bytes included).
std::string text_arg(py::handle h, const char* name);

// A Feedback from any object with the attributes of promptomatix's Feedback:
// text, start_offset, end_offset, feedback, and optionally id (a new UUID when
// absent or None), prompt_id and created_at (a datetime or its isoformat;
// now when absent).
promptjournal::Feedback feedback_from_py(py::handle h);
py::dict feedback_to_py(const promptjournal::Feedback& f);

// An event time ("…Z") as an aware datetime in UTC.
py::object utc_datetime(std::string_view iso);

}  // namespace pjpy

#endif  // PROMPTJOURNAL_PYTHON_CONVERT_H_
