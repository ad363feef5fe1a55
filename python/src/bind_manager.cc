// _core.Manager: a SessionManager, plus history, time travel, verification
// and the raw events. As in bind_session.cc, journal work runs without the
// GIL and Python objects are made only once it is held again.
#include <memory>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "errors.h"
#include "promptjournal/event_log.h"
#include "promptjournal/history.h"
#include "promptjournal/promptomatix.h"
#include "promptjournal/session_manager.h"
#include "promptjournal/time.h"
#include "promptjournal/verify.h"

namespace pjpy {
namespace py = pybind11;
using namespace promptjournal;
using ManagerPtr = std::shared_ptr<SessionManager>;
using SessionPtr = std::shared_ptr<OptimizationSession>;

namespace {

template <class F>
auto released(F&& f) {
  py::gil_scoped_release unlocked;
  return f();
}

py::object opt_int(const std::optional<std::uint64_t>& v) {
  return v ? py::object(py::int_(*v)) : py::object(py::none());
}

py::dict version_dict(const PromptVersion& v) {
  py::dict d;
  d["field"] = std::string(to_string(v.field));
  d["version"] = v.version;
  d["seq"] = v.seq;
  d["at"] = utc_datetime(v.at);
  d["text"] = v.text;
  d["caused_by"] = v.caused_by;
  py::list fb;
  for (const auto& f : v.feedback) fb.append(feedback_to_py(f));
  d["feedback"] = fb;
  d["feedback_seqs"] = v.feedback_seqs;
  return d;
}

py::dict history_dict(const SessionHistory& h) {
  py::dict d;
  d["session_id"] = h.session_id;
  py::list human, optimized, timeline;
  for (const auto& v : h.human_input) human.append(version_dict(v));
  for (const auto& v : h.optimized_prompt) optimized.append(version_dict(v));
  for (const auto& e : h.timeline) {
    py::dict t;
    t["seq"] = e.seq;
    t["at"] = utc_datetime(e.at);
    t["type"] = e.type;
    t["summary"] = e.summary;
    timeline.append(t);
  }
  d["human_input"] = human;
  d["optimized_prompt"] = optimized;
  d["timeline"] = timeline;
  return d;
}

py::dict verify_dict(const VerifyReport& r) {
  py::dict d;
  d["session_id"] = r.session_id;
  d["ok"] = r.ok();
  d["events"] = r.events;
  d["head_seq"] = r.head.seq;
  d["head_hash"] = r.head.hash;
  d["snapshots_checked"] = r.snapshots_checked;
  py::list problems, cut;
  for (const auto& p : r.problems) {
    py::dict q;
    q["kind"] = std::string(to_string(p.kind));
    q["reason"] = p.reason;
    q["path"] = p.where.path;
    q["line"] = opt_int(p.where.line);
    q["offset"] = opt_int(p.where.offset);
    q["seq"] = opt_int(p.where.seq);
    problems.append(q);
  }
  for (const auto& c : r.cut_aside) {
    py::dict q;
    q["path"] = c.path;
    q["offset"] = c.offset;
    q["bytes"] = c.bytes;
    cut.append(q);
  }
  d["problems"] = problems;
  d["cut_aside"] = cut;
  return d;
}

py::dict event_dict(const Event& e) {
  py::dict d;
  d["v"] = e.version;
  d["seq"] = e.seq;
  d["at"] = utc_datetime(e.at);
  d["session_id"] = e.session_id;
  d["type"] = std::string(e.type());
  d["meta"] = from_json(e.meta);
  d["data"] = from_json(data_to_json(e.data));
  d["prev"] = e.prev;
  d["hash"] = e.hash;
  return d;
}

py::dict info_dict(const SessionInfo& i) {
  py::dict d;
  d["session_id"] = i.session_id;
  d["events"] = i.events;
  d["created_at"] = i.created_at;
  d["last_change"] = utc_datetime(i.last_change);
  d["bytes"] = i.bytes;
  d["latest_optimized_prompt"] = i.latest_optimized_prompt;
  d["head_hash"] = i.head_hash;
  return d;
}

py::list dict_list(const std::vector<boost::json::object>& v) {
  py::list out;
  for (const auto& o : v) out.append(from_json(o));
  return out;
}

// A datetime as the library's EventTime: naive means UTC, aware is converted.
EventTime event_time(py::handle dt) {
  py::module_ datetime = py::module_::import("datetime");
  if (!py::isinstance(dt, datetime.attr("datetime")))
    throw py::type_error("expected a datetime.datetime");
  auto text = text_arg(dt.attr("isoformat")(), "datetime");
  auto t = parse_time(text);
  if (!t) throw JournalError::invalid_argument("time " + text + " is outside the years 0001 to 9999");
  return *t;
}

Durability durability_from(const std::string& s) {
  if (s == "fsync") return Durability::kFsync;
  if (s == "none") return Durability::kNone;
  throw JournalError::invalid_argument("durability must be 'fsync' or 'none', not '" + s + "'");
}

}  // namespace

void bind_manager(py::module_& m) {
  py::class_<SessionManager, ManagerPtr> cls(m, "Manager", R"doc(
The sessions under one root (the C++ SessionManager): one journal per
session, <root>/<session_id>/events.jsonl. All methods may be called from
several threads; journal work runs without the GIL.)doc");
  cls.def(py::init([](const std::string& root, bool keep_secrets, const std::string& durability,
                      std::uint64_t snapshot_every, bool verify_hashes_on_read) {
            ManagerOptions o;
            o.keep_secrets = keep_secrets;
            o.journal.durability = durability_from(durability);
            o.journal.verify_hashes_on_read = verify_hashes_on_read;
            o.snapshot_every = snapshot_every;
            return released([&] { return std::make_shared<SessionManager>(root, o); });
          }),
          py::arg("root"), py::kw_only(), py::arg("keep_secrets") = false, py::arg("durability") = "fsync",
          py::arg("snapshot_every") = 100, py::arg("verify_hashes_on_read") = true,
          "Uses (and creates, mode 0700) `root`. durability: 'fsync' (an acknowledged event survives power "
          "loss) or 'none' (write(2) only).");
  cls.def_property_readonly("sessions_dir", &SessionManager::sessions_dir);
  cls.def("create_session", [](SessionManager& mgr, const std::string& id, py::handle initial_input, py::handle config) {
    auto input = text_arg(initial_input, "initial_input");
    Config c(config_to_json(config));
    return released([&] { return mgr.create_session(id, input, c); });
  }, py::arg("session_id"), py::arg("initial_input"), py::arg("config"),
     "Creates a session; its first event is in the journal on return. Raises AlreadyExistsError when the id has history.");
  cls.def("get_session", [](SessionManager& mgr, const std::string& id) {
    return released([&] { return mgr.get_session(id); });
  }, py::arg("session_id"), "The session at the head of its journal (the same object for the same id), or None.");
  cls.def("update_session", [](SessionManager& mgr, OptimizationSession& s) {
    released([&] { mgr.update_session(s); });
  }, py::arg("session"), "Persists a detached session's pending events (managed sessions have none).");
  cls.def("list_sessions", [](SessionManager& mgr) {
    return dict_list(released([&] { return mgr.list_sessions(); }));
  }, "to_dict() of every readable session on disk, sorted by id.");
  cls.def("list_sessions_checked", [](SessionManager& mgr) {
    auto list = released([&] { return mgr.list_sessions_checked(); });
    py::list problems;
    for (const auto& p : list.problems) problems.append(py::make_tuple(p.session_id, error_object(p.error)));
    return py::make_tuple(dict_list(list.sessions), problems);
  }, "(sessions, problems): problems lists (session_id, error) for every session left out.");
  cls.def("list_session_ids", [](SessionManager& mgr) { return released([&] { return mgr.list_session_ids(); }); });
  cls.def("list_session_infos", [](SessionManager& mgr) {
    auto infos = released([&] { return mgr.list_session_infos(); });
    py::list out;
    for (const auto& i : infos) out.append(info_dict(i));
    return out;
  });
  cls.def("session_info", [](SessionManager& mgr, const std::string& id) {
    return info_dict(released([&] { return mgr.session_info(id); }));
  }, py::arg("session_id"));
  cls.def("load_session_from_file", [](SessionManager& mgr, const std::string& path) {
    return released([&] { return mgr.load_session_from_file(path); });
  }, py::arg("session_file_path"),
     "Imports a session file (to_dict shape, or promptomatix's): a new journal, or the existing session when it "
     "holds that state.");
  cls.def("load_session_from_dict", [](SessionManager& mgr, py::handle dict) {
    auto v = to_json(dict);
    if (!v.is_object()) throw py::type_error("expected a dict in the to_dict shape");
    return released([&] { return mgr.load_session_from_dict(v.get_object()); });
  }, py::arg("session_dict"));
  cls.def("save_session", [](SessionManager& mgr, const OptimizationSession& s, const std::string& path) {
    released([&] { mgr.save_session(s, path); });
  }, py::arg("session"), py::arg("path"), "Writes the session's to_dict to `path` atomically (credentials redacted).");
  cls.def("state_at", [](SessionManager& mgr, const std::string& id, std::uint64_t seq) {
    return state_dict(released([&] { return mgr.state_at(id, seq); }));
  }, py::arg("session_id"), py::arg("seq"), "to_dict of the state just after event `seq`. NotFoundError past the head.");
  cls.def("state_as_of", [](SessionManager& mgr, const std::string& id, py::handle when) {
    EventTime t = event_time(when);
    return state_dict(released([&] { return mgr.state_as_of(id, t); }));
  }, py::arg("session_id"), py::arg("when"),
     "to_dict of the state after the last event at or before `when` (a naive datetime is UTC).");
  cls.def("snapshot", [](SessionManager& mgr, const std::string& id) {
    return released([&] { return mgr.snapshot(id); });
  }, py::arg("session_id"), "Writes a snapshot at the head now; returns its path.");
  cls.def("history", [](SessionManager& mgr, const std::string& id) {
    return history_dict(released([&] { return read_history(mgr, id); }));
  }, py::arg("session_id"),
     "Every version of the optimized prompt and the human input, with the feedback given on each, and the timeline.");
  cls.def("verify", [](SessionManager& mgr, const std::string& id) {
    return verify_dict(released([&] { return mgr.store().verify(id); }));
  }, py::arg("session_id"), "Checks the journal (hash chain, seqs) and snapshots; problems are data, 'ok' the verdict.");
  cls.def("events", [](SessionManager& mgr, const std::string& id, std::uint64_t from_seq) {
    auto events = released([&] { return read_events(mgr, id, from_seq); });
    py::list out;
    for (const auto& e : events) out.append(event_dict(e));
    return out;
  }, py::arg("session_id"), py::arg("from_seq") = 1, "The session's events as dicts, oldest first.");

  m.def("verify_session", [](const std::string& root, const std::string& id) {
    return verify_dict(released([&] { return verify_session(root, id); }));
  }, py::arg("root"), py::arg("session_id"), "Manager.verify without a manager.");
  m.def("export_promptomatix", [](const OptimizationSession& s) {
    auto state = released([&] { return s.state(); });
    return export_promptomatix(state);
  }, py::arg("session"), "The bytes of the file promptomatix's _save_session would write for this session's state.");
}

}  // namespace pjpy
