#include "convert.h"

#include <cmath>
#include <cstdint>

#include <boost/json/array.hpp>
#include <boost/json/string.hpp>

#include "promptjournal/errors.h"
#include "promptjournal/promptomatix.h"

namespace pjpy {
namespace json = boost::json;
using promptjournal::JournalError;

namespace {

// Types looked up once; leaked on purpose, so that no Python object is
// released by a static destructor after the interpreter is gone.
struct PyTypes {
  py::object enum_type;
  py::object date_type;
  py::object datetime_type;
  py::object timezone_utc;
};

const PyTypes& types() {
  static const PyTypes* t = [] {
    auto* p = new PyTypes;
    p->enum_type = py::module_::import("enum").attr("Enum");
    auto dt = py::module_::import("datetime");
    p->date_type = dt.attr("date");
    p->datetime_type = dt.attr("datetime");
    p->timezone_utc = dt.attr("timezone").attr("utc");
    return p;
  }();
  return *t;
}

std::string utf8(py::handle h) {
  Py_ssize_t n = 0;
  const char* s = PyUnicode_AsUTF8AndSize(h.ptr(), &n);
  if (!s) throw py::error_already_set();
  return std::string(s, static_cast<std::size_t>(n));
}

std::string type_name(py::handle h) { return py::str(py::type::handle_of(h).attr("__name__")); }

json::value tagged(std::string_view key, std::string value) {
  json::object o;
  o[key] = json::string(value);
  return o;
}

json::value int_to_json(py::handle h) {
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(h.ptr(), &overflow);
  if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
  if (overflow == 0) return json::value(static_cast<std::int64_t>(v));
  if (overflow > 0) {
    unsigned long long u = PyLong_AsUnsignedLongLong(h.ptr());
    if (!(u == static_cast<unsigned long long>(-1) && PyErr_Occurred()))
      return json::value(static_cast<std::uint64_t>(u));
    PyErr_Clear();
  }
  return tagged(promptjournal::kPythonIntKey, py::str(h));
}

json::value float_to_json(double d) {
  if (std::isnan(d)) return tagged(promptjournal::kPythonFloatKey, "NaN");
  if (std::isinf(d)) return tagged(promptjournal::kPythonFloatKey, d > 0 ? "Infinity" : "-Infinity");
  return json::value(d);
}

json::value convert(py::handle h, int depth, bool lenient);

json::object dict_to_json(py::handle h, int depth, bool lenient) {
  json::object o;
  for (auto item : py::reinterpret_borrow<py::dict>(h)) {
    if (!PyUnicode_Check(item.first.ptr()))
      throw py::type_error("dict keys must be str, not " + type_name(item.first));
    o[utf8(item.first)] = convert(item.second, depth + 1, lenient);
  }
  return o;
}

// vars(h) without private and callable entries, as promptomatix's _save_session.
json::object attributes_to_json(py::handle h, int depth) {
  json::object o;
  py::dict d = py::reinterpret_borrow<py::dict>(py::getattr(h, "__dict__"));
  for (auto item : d) {
    if (!PyUnicode_Check(item.first.ptr())) continue;
    std::string key = utf8(item.first);
    if (key.rfind('_', 0) == 0 || PyCallable_Check(item.second.ptr())) continue;
    o[key] = convert(item.second, depth + 1, true);
  }
  return o;
}

json::value convert(py::handle h, int depth, bool lenient) {
  if (depth > kMaxDepth)
    throw JournalError::invalid_argument("a value is nested deeper than " + std::to_string(kMaxDepth) +
                                         " levels (or contains itself)");
  PyObject* p = h.ptr();
  if (p == Py_None) return nullptr;
  if (PyBool_Check(p)) return p == Py_True;
  if (PyLong_Check(p)) return int_to_json(h);
  if (PyFloat_Check(p)) return float_to_json(PyFloat_AS_DOUBLE(p));
  if (PyUnicode_Check(p)) return json::string(utf8(h));
  if (PyDict_Check(p)) return dict_to_json(h, depth, lenient);
  if (PyList_Check(p) || PyTuple_Check(p)) {
    json::array a;
    for (auto item : py::reinterpret_borrow<py::sequence>(h)) a.push_back(convert(item, depth + 1, lenient));
    return a;
  }
  const auto& t = types();
  if (py::isinstance(h, t.enum_type)) return convert(h.attr("value"), depth + 1, lenient);
  if (py::isinstance(h, t.date_type)) return json::string(utf8(h.attr("isoformat")()));
  if (lenient) {
    if (py::hasattr(h, "__dict__")) return attributes_to_json(h, depth);
    return json::string(utf8(py::str(h)));
  }
  throw py::type_error("a " + type_name(h) + " cannot be stored in a journal (use None, bool, int, "
                       "float, str, list, tuple or dict with str keys)");
}

}  // namespace

json::value to_json(py::handle h) { return convert(h, 0, false); }

json::object config_to_json(py::handle h) {
  if (h.is_none()) return {};
  if (PyDict_Check(h.ptr())) return dict_to_json(h, 0, false);
  if (py::hasattr(h, "__dict__") && !PyType_Check(h.ptr())) return attributes_to_json(h, 0);
  throw py::type_error("config must be a dict or an object with attributes (promptomatix's Config), not " +
                       type_name(h));
}

py::dict from_json(const json::object& o) {
  py::dict d;
  for (const auto& kv : o) d[py::str(kv.key().data(), kv.key().size())] = from_json(kv.value());
  return d;
}

py::object from_json(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return py::none();
    case json::kind::bool_: return py::bool_(v.get_bool());
    case json::kind::int64: return py::int_(v.get_int64());
    case json::kind::uint64: return py::int_(v.get_uint64());
    case json::kind::double_: return py::float_(v.get_double());
    case json::kind::string: return py::str(v.get_string().data(), v.get_string().size());
    case json::kind::array: {
      py::list l(v.get_array().size());
      std::size_t i = 0;
      for (const auto& e : v.get_array()) l[i++] = from_json(e);
      return l;
    }
    case json::kind::object: {
      const auto& o = v.get_object();
      if (o.size() == 1) {
        const auto& kv = *o.begin();
        if (kv.value().is_string()) {
          std::string s(kv.value().get_string());
          if (kv.key() == promptjournal::kPythonFloatKey) return py::float_(py::str(s == "Infinity" ? "inf" : s == "-Infinity" ? "-inf" : "nan"));
          if (kv.key() == promptjournal::kPythonIntKey) return py::int_(py::str(s));
        }
      }
      return from_json(o);
    }
  }
  return py::none();
}

std::string text_arg(py::handle h, const char* name) {
  if (!PyUnicode_Check(h.ptr()))
    throw py::type_error(std::string(name) + " must be str, not " + type_name(h));
  return utf8(h);
}

promptjournal::Feedback feedback_from_py(py::handle h) {
  auto text = text_arg(h.attr("text"), "feedback.text");
  auto comment = text_arg(h.attr("feedback"), "feedback.feedback");
  auto offset = [&](const char* name) -> std::int64_t {
    py::object v = h.attr(name);
    if (!PyLong_Check(v.ptr()) || PyBool_Check(v.ptr()))
      throw py::type_error(std::string("feedback.") + name + " must be int, not " + type_name(v));
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(v.ptr(), &overflow);
    if (overflow) throw JournalError::invalid_argument(std::string("feedback.") + name + " is out of range");
    return x;
  };
  std::int64_t start = offset("start_offset"), end = offset("end_offset");
  std::optional<std::string> prompt_id;
  py::object pid = py::getattr(h, "prompt_id", py::none());
  if (!pid.is_none()) prompt_id = text_arg(pid, "feedback.prompt_id");
  promptjournal::Feedback f(text, start, end, comment, prompt_id);
  py::object id = py::getattr(h, "id", py::none());
  if (!id.is_none()) f.id = text_arg(id, "feedback.id");
  py::object at = py::getattr(h, "created_at", py::none());
  if (py::isinstance(at, types().datetime_type)) f.created_at = utf8(at.attr("isoformat")());
  else if (!at.is_none()) f.created_at = text_arg(at, "feedback.created_at");
  return f;
}

py::dict feedback_to_py(const promptjournal::Feedback& f) {
  return from_json(promptjournal::to_json(f));
}

py::object utc_datetime(std::string_view iso) {
  std::string s(iso);
  if (!s.empty() && s.back() == 'Z') s.replace(s.size() - 1, 1, "+00:00");
  return types().datetime_type.attr("fromisoformat")(s);
}

}  // namespace pjpy
