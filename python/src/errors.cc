#include "errors.h"

#include <string>

namespace pjpy {
namespace py = pybind11;
using promptjournal::ErrorKind;
using promptjournal::JournalError;

namespace {

// promptjournal.errors, kept for the life of the process (never released:
// the translator may run until the interpreter is finalised).
py::object* errors_module = nullptr;

const char* class_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kCorrupt: return "CorruptJournalError";
    case ErrorKind::kConflict: return "ConflictError";
    case ErrorKind::kInvalidSessionId: return "InvalidSessionIdError";
    case ErrorKind::kNotFound: return "NotFoundError";
    case ErrorKind::kAlreadyExists: return "AlreadyExistsError";
    case ErrorKind::kIo: return "JournalIOError";
    case ErrorKind::kInvalidArgument: return "InvalidArgumentError";
    case ErrorKind::kTooLarge: return "TooLargeError";
    case ErrorKind::kUnsupportedVersion: return "UnsupportedVersionError";
    case ErrorKind::kPoisoned: return "PoisonedError";
    case ErrorKind::kUnavailable: return "UnavailableError";
    case ErrorKind::kTimeout: return "StoreTimeoutError";
    case ErrorKind::kOutcomeUnknown: return "OutcomeUnknownError";
  }
  return "JournalError";
}

// Messages may quote input that is not UTF-8 (a bad id given as bytes): shown
// with backslash escapes rather than failing to become a str.
py::str text(const std::string& s) {
  PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "backslashreplace");
  if (!o) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

py::object optional_int(const std::optional<std::uint64_t>& v) {
  return v ? py::object(py::int_(*v)) : py::object(py::none());
}

}  // namespace

py::object error_object(const JournalError& e) {
  py::object cls = errors_module->attr(class_name(e.kind()));
  py::object err = cls(text(e.what()));
  err.attr("kind") = py::str(std::string(promptjournal::to_string(e.kind())));
  err.attr("reason") = text(e.reason());
  const auto& w = e.where();
  err.attr("path") = w.path.empty() ? py::object(py::none()) : py::object(text(w.path));
  err.attr("line") = optional_int(w.line);
  err.attr("offset") = optional_int(w.offset);
  err.attr("seq") = optional_int(w.seq);
  err.attr("errno") = e.sys_errno() ? py::object(py::int_(e.sys_errno())) : py::object(py::none());
  if (e.kind() == ErrorKind::kConflict) {
    err.attr("expected_seq") = py::int_(e.expected_seq());
    err.attr("actual_seq") = py::int_(e.actual_seq());
  }
  return err;
}

void register_errors(py::module_&) {
  errors_module = new py::object(py::module_::import("promptjournal.errors"));
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const JournalError& e) {
      py::object err = error_object(e);
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(err.ptr())), err.ptr());
    }
  });
}

}  // namespace pjpy
