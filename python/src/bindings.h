// The parts of the _core module, each defined in its own file.
#ifndef PROMPTJOURNAL_PYTHON_BINDINGS_H_
#define PROMPTJOURNAL_PYTHON_BINDINGS_H_

#include <pybind11/pybind11.h>

#include "promptjournal/projector.h"

namespace pjpy {

void bind_session(pybind11::module_& m);
void bind_manager(pybind11::module_& m);

// A SessionState as promptomatix's to_dict (a feedback's prompt_id included).
pybind11::dict state_dict(const promptjournal::SessionState& state);

}  // namespace pjpy

#endif  // PROMPTJOURNAL_PYTHON_BINDINGS_H_
