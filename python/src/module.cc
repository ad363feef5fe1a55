// The promptjournal._core extension module.
#include <pybind11/pybind11.h>

#include "bindings.h"
#include "errors.h"
#include "promptjournal/config.h"
#include "promptjournal/event.h"
#include "promptjournal/feedback.h"
#include "promptjournal/version.h"

PYBIND11_MODULE(_core, m) {
  m.doc() = "The compiled core of promptjournal: the C++ library's sessions, manager and journal checks.";
  pjpy::register_errors(m);
  pjpy::bind_session(m);
  pjpy::bind_manager(m);
  m.def("new_uuid", &promptjournal::new_uuid, "A random (version 4) UUID, as feedback ids are made.");
  m.def("is_secret_key", [](const std::string& key) { return promptjournal::is_secret_key(key); }, pybind11::arg("key"),
        "True when a config key names a credential (redacted on disk).");
  m.attr("__version__") = PROMPTJOURNAL_VERSION_STRING;
  m.attr("FORMAT_VERSION") = promptjournal::kFormatVersion;
}
