// Translation of promptjournal::JournalError into the Python exceptions of
// promptjournal.errors, one class per ErrorKind, carrying the C++ context.
#ifndef PROMPTJOURNAL_PYTHON_ERRORS_H_
#define PROMPTJOURNAL_PYTHON_ERRORS_H_

#include <pybind11/pybind11.h>

#include "promptjournal/errors.h"

namespace pjpy {

// Imports promptjournal.errors and registers the translator. Call once, from
// the module's initialisation.
void register_errors(pybind11::module_& m);

// The Python exception for `e` (an instance, not raised), for listings that
// report errors as data.
pybind11::object error_object(const promptjournal::JournalError& e);

}  // namespace pjpy

#endif  // PROMPTJOURNAL_PYTHON_ERRORS_H_
