// _core.Session: an OptimizationSession. Every call that may write or read
// the journal runs with the GIL released, and touches no Python object
// meanwhile: arguments are converted before, results after. Attributes are
// read from state(), a copy taken under the session's lock, since another
// thread may mutate or refresh the same object at the same time.
#include <memory>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "promptjournal/session.h"

namespace pjpy {
namespace py = pybind11;
using promptjournal::OptimizationSession;
using promptjournal::SessionState;
using SessionPtr = std::shared_ptr<OptimizationSession>;

py::dict state_dict(const SessionState& state) { return from_json(promptjournal::to_dict(state)); }

namespace {

SessionState locked_state(const OptimizationSession& s) {
  py::gil_scoped_release unlocked;
  return s.state();
}

// Runs `f` without the GIL.
template <class F>
void released(F&& f) {
  py::gil_scoped_release unlocked;
  f();
}

}  // namespace

void bind_session(py::module_& m) {
  py::class_<OptimizationSession, SessionPtr> cls(m, "Session", R"doc(
One prompt-optimization session (the C++ OptimizationSession).

A session obtained from a Manager is managed: every change returns only
after its event is in the journal, and an exception means nothing was
written. A session made with the constructor is detached: its events wait
for Manager.update_session. Attributes are read as one consistent copy,
so several threads may share a session.)doc");
  cls.def(py::init([](py::handle session_id, py::handle initial_human_input, py::handle config) {
            auto id = text_arg(session_id, "session_id");
            auto input = text_arg(initial_human_input, "initial_human_input");
            promptjournal::Config c(config_to_json(config));
            return std::make_shared<OptimizationSession>(std::move(id), std::move(input), std::move(c));
          }),
          py::arg("session_id"), py::arg("initial_human_input"), py::arg("config"),
          "A detached session (created_at is now); Manager.update_session persists it.");
  cls.def_property_readonly("session_id", [](const OptimizationSession& s) { return s.session_id(); });
  cls.def_property_readonly("initial_human_input",
                            [](const OptimizationSession& s) { return locked_state(s).initial_human_input; });
  cls.def_property_readonly("updated_human_input",
                            [](const OptimizationSession& s) { return locked_state(s).updated_human_input; });
  cls.def_property_readonly("latest_optimized_prompt",
                            [](const OptimizationSession& s) { return locked_state(s).latest_optimized_prompt; },
                            "The latest optimized prompt, or None.");
  cls.def_property_readonly(
      "latest_human_feedback",
      [](const OptimizationSession& s) {
        py::list out;
        for (const auto& f : locked_state(s).latest_human_feedback) out.append(feedback_to_py(f));
        return out;
      },
      "Every feedback, oldest first, as dicts (id, text, start_offset, end_offset, feedback, prompt_id, created_at).");
  cls.def_property_readonly("comprehensive_feedback",
                            [](const OptimizationSession& s) { return from_json(locked_state(s).comprehensive_feedback); });
  cls.def_property_readonly("individual_feedbacks",
                            [](const OptimizationSession& s) { return from_json(locked_state(s).individual_feedbacks); });
  cls.def_property_readonly("created_at", [](const OptimizationSession& s) { return locked_state(s).created_at; },
                            "When the session was created, as Python's naive isoformat() of the UTC time.");
  cls.def_property_readonly("config", [](const OptimizationSession& s) { return from_json(locked_state(s).config.values()); },
                            "The config as a dict: whole (credentials included) on the object the caller created; "
                            "redacted where it was read back from disk.");
  cls.def_property_readonly("version", [](const OptimizationSession& s) {
    py::gil_scoped_release unlocked;
    return s.version();
  }, "The seq of the last event this object has applied (0 before a detached session is persisted).");
  cls.def_property_readonly("head_hash", [](const OptimizationSession& s) {
    py::gil_scoped_release unlocked;
    return s.position().hash;
  }, "The hash of that event (64 zeros before any).");
  cls.def_property_readonly("is_managed", &OptimizationSession::is_managed);
  cls.def_property_readonly("pending_events", [](const OptimizationSession& s) { return s.pending().size(); },
                            "How many events a detached session holds for Manager.update_session.");

  cls.def("add_feedback", [](OptimizationSession& s, py::handle feedback) {
    auto f = feedback_from_py(feedback);
    released([&] { s.add_feedback(f); });
  }, py::arg("feedback"), R"doc(Adds a feedback: any object with text, start_offset, end_offset and feedback
(and optionally id, prompt_id, created_at), as promptomatix's Feedback.
Raises InvalidArgumentError unless 0 <= start_offset <= end_offset.)doc");
  cls.def("update_optimized_prompt", [](OptimizationSession& s, py::handle new_prompt, std::vector<std::string> caused_by) {
    auto p = text_arg(new_prompt, "new_prompt");
    released([&] { s.update_optimized_prompt(std::move(p), std::move(caused_by)); });
  }, py::arg("new_prompt"), py::arg("caused_by") = std::vector<std::string>{},
     "Sets the optimized prompt; caused_by names the feedback ids it answers. Raises ConflictError when another "
     "writer appended since this object last looked.");
  cls.def("update_human_input", [](OptimizationSession& s, py::handle new_input) {
    auto p = text_arg(new_input, "new_input");
    released([&] { s.update_human_input(std::move(p)); });
  }, py::arg("new_input"), "Sets the human input. Raises ConflictError as update_optimized_prompt.");
  cls.def("set_comprehensive_feedback", [](OptimizationSession& s, py::handle value) {
    auto v = to_json(value);
    released([&] { s.set_comprehensive_feedback(std::move(v)); });
  }, py::arg("value"), "Sets comprehensive_feedback (any JSON value). Raises ConflictError as update_optimized_prompt.");
  cls.def("set_individual_feedbacks", [](OptimizationSession& s, py::handle value) {
    auto v = to_json(value);
    released([&] { s.set_individual_feedbacks(std::move(v)); });
  }, py::arg("value"), "Replaces individual_feedbacks (a list). Raises ConflictError as update_optimized_prompt.");
  cls.def("add_individual_feedback", [](OptimizationSession& s, py::handle value) {
    auto v = to_json(value);
    released([&] { s.add_individual_feedback(std::move(v)); });
  }, py::arg("value"), "Appends one entry to individual_feedbacks (retries on conflict, as add_feedback).");
  cls.def("refresh", [](OptimizationSession& s) { released([&] { s.refresh(); }); },
          "Applies the events other writers appended since this object last looked.");
  cls.def("to_dict", [](const OptimizationSession& s) {
    boost::json::object d;
    released([&] { d = s.to_dict(); });
    return from_json(d);
  }, "promptomatix's to_dict at one position (config as a dict, a feedback's prompt_id included).");
}

}  // namespace pjpy
