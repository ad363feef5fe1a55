"""The seed's session.py behaviour (shared/seed/session-api.md), case by case, through the drop-in."""

import json
from datetime import datetime

import pytest

import promptjournal
from promptjournal import Feedback, OptimizationSession, SessionManager
from promptjournal.promptomatix import ConfigView

CONFIG = {"model_name": "gpt-4o", "task_type": "classification", "model_api_key": "sk-live-123"}


def test_session_init_sets_the_seeds_attributes():
    s = OptimizationSession("s1", "Classify the review", CONFIG)
    assert s.session_id == "s1"
    assert s.initial_human_input == "Classify the review"
    assert s.updated_human_input == "Classify the review"
    assert s.latest_optimized_prompt is None
    assert s.latest_human_feedback == []
    assert s.comprehensive_feedback is None
    assert s.individual_feedbacks == []
    assert s.config is CONFIG
    assert isinstance(s.created_at, datetime)
    assert s.logger.session_id == "s1"
    assert s.version == 0 and not s.is_managed


def test_add_feedback_appends_in_order(manager):
    s = manager.create_session("s1", "Classify the review", CONFIG)
    first, second = Feedback("Classify", 0, 8, "be precise"), Feedback("review", 13, 19, "which one?", "p1")
    s.add_feedback(first)
    s.add_feedback(second)
    got = s.latest_human_feedback
    assert [f.id for f in got] == [first.id, second.id]
    assert got[1].text == "review" and got[1].start_offset == 13 and got[1].end_offset == 19
    assert got[1].feedback == "which one?" and got[1].prompt_id == "p1"
    assert got[0] == first


def test_update_optimized_prompt_sets_the_latest(manager):
    s = manager.create_session("s1", "Classify", CONFIG)
    s.update_optimized_prompt("v1")
    s.update_optimized_prompt("v2")
    assert s.latest_optimized_prompt == "v2"


def test_update_human_input_keeps_the_initial_input(manager):
    s = manager.create_session("s1", "Classify", CONFIG)
    s.update_human_input("Classify politely")
    assert s.updated_human_input == "Classify politely"
    assert s.initial_human_input == "Classify"


def test_to_dict_has_the_seeds_keys_in_order(manager):
    s = manager.create_session("s1", "Classify", CONFIG)
    fb = Feedback("Classify", 0, 8, "more")
    s.add_feedback(fb)
    d = s.to_dict()
    assert list(d) == ["session_id", "initial_human_input", "updated_human_input", "latest_optimized_prompt",
                       "latest_human_feedback", "comprehensive_feedback", "individual_feedbacks", "created_at",
                       "config"]
    assert d["latest_human_feedback"] == [{"id": fb.id, "text": "Classify", "start_offset": 0, "end_offset": 8,
                                           "feedback": "more", "created_at": fb.created_at.isoformat()}]
    assert d["config"] is CONFIG
    assert datetime.fromisoformat(d["created_at"]) == s.created_at


def test_manager_creates_its_folder(root):
    assert not root.exists()
    SessionManager(root)
    assert root.is_dir()


def test_default_folder_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMPTJOURNAL_SESSIONS_DIR", str(tmp_path / "env-sessions"))
    m = SessionManager()
    assert m.sessions_dir == tmp_path / "env-sessions" and m.sessions_dir.is_dir()


def test_create_session_persists_at_once(manager, root):
    manager.create_session("s1", "Classify", CONFIG)
    assert (root / "s1" / "events.jsonl").is_file()
    other = SessionManager(root)
    assert other.get_session("s1").initial_human_input == "Classify"


def test_create_session_stores_the_session_in_sessions(manager):
    s = manager.create_session("s1", "Classify", CONFIG)
    assert manager.sessions == {"s1": s}


def test_get_session_returns_the_same_object_and_none_for_unknown(manager):
    s = manager.create_session("s1", "Classify", CONFIG)
    assert manager.get_session("s1") is s
    assert manager.get_session("nope") is None


def test_update_session_persists_a_detached_session(manager, root):
    s = OptimizationSession("d1", "Draft", CONFIG)
    s.update_optimized_prompt("Draft v1")
    assert s.version == 0
    manager.update_session(s)
    assert s.version == 2
    assert SessionManager(root).get_session("d1").latest_optimized_prompt == "Draft v1"


def test_list_sessions_lists_every_session_as_dicts(manager, root):
    manager.create_session("b", "B", CONFIG)
    manager.create_session("a", "A", CONFIG)
    listed = SessionManager(root).list_sessions()
    assert [d["session_id"] for d in listed] == ["a", "b"]
    assert isinstance(listed[0]["config"], ConfigView)
    assert listed[0]["config"].model_name == "gpt-4o"


def test_load_session_from_file_reads_a_promptomatix_file(manager, tmp_path):
    s = manager.create_session("s1", "Classify", CONFIG)
    s.update_optimized_prompt("Classify sentiment")
    path = tmp_path / "s1.json"
    path.write_text(promptjournal._core.export_promptomatix(s._core))
    other = SessionManager(tmp_path / "elsewhere")
    loaded = other.load_session_from_file(str(path))
    assert loaded.session_id == "s1"
    assert loaded.latest_optimized_prompt == "Classify sentiment"
    assert loaded.config.model_api_key == "[REDACTED]"
    assert other.sessions["s1"] is loaded


def test_load_session_from_file_returns_none_and_prints_on_failure(manager, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert manager.load_session_from_file(str(bad)) is None
    assert "Error loading session" in capsys.readouterr().out
    assert manager.load_session_from_file(str(tmp_path / "missing.json")) is None


def test_save_session_writes_a_file_load_reads_back(manager, tmp_path):
    s = manager.create_session("s1", "Classify", CONFIG)
    s.add_feedback(Feedback("Classify", 0, 8, "more"))
    manager.save_session(s, tmp_path / "out.json")
    data = json.loads((tmp_path / "out.json").read_text())
    assert data["config"]["model_api_key"] == "[REDACTED]"
    again = SessionManager(tmp_path / "other").load_session_from_file(tmp_path / "out.json")
    assert [f.id for f in again.latest_human_feedback] == [f.id for f in s.latest_human_feedback]


def test_assigning_the_attributes_promptomatix_assigns_appends_events(manager):
    s = manager.create_session("s1", "Classify", CONFIG)
    s.latest_optimized_prompt = "p1"
    s.updated_human_input = "Classify again"
    s.comprehensive_feedback = "too long"
    s.individual_feedbacks = [{"score": 1}]
    assert [e["type"] for e in manager.events("s1")] == [
        "session_created", "optimized_prompt_updated", "human_input_updated", "comprehensive_feedback_set",
        "individual_feedbacks_set"]
    fresh = SessionManager(manager.sessions_dir).get_session("s1")
    assert (fresh.latest_optimized_prompt, fresh.updated_human_input) == ("p1", "Classify again")
    assert fresh.comprehensive_feedback == "too long" and fresh.individual_feedbacks == [{"score": 1}]


def test_read_only_attributes_refuse_assignment(manager):
    s = manager.create_session("s1", "Classify", CONFIG)
    for name in ("session_id", "initial_human_input", "created_at", "latest_human_feedback", "config"):
        with pytest.raises(AttributeError):
            setattr(s, name, "x")
    assert s.version == 1


def test_secrets_stay_usable_in_memory_and_are_redacted_on_disk(manager, root):
    class Config:  # promptomatix's Config is a plain object with attributes
        def __init__(self):
            self.model_name, self.task_type, self.model_api_key = "gpt-4o", "qa", "sk-secret"
    config = Config()
    s = manager.create_session("s1", "Q", config)
    assert s.config.model_api_key == "sk-secret"
    assert manager.get_session("s1").config.model_api_key == "sk-secret"
    assert s._core.config["model_api_key"] == "sk-secret"
    assert "sk-secret" not in (root / "s1" / "events.jsonl").read_text()
    assert SessionManager(root).get_session("s1").config.model_api_key == "[REDACTED]"


def test_config_object_with_enum_provider_is_stored_by_value(manager):
    from enum import Enum

    class ModelProvider(Enum):
        OPENAI = "openai"

    class Config:
        def __init__(self):
            self.model_name, self.model_provider, self.temperature = "gpt-4o", ModelProvider.OPENAI, 0.7
            self._private = "not stored"
            self.dspy_module = len  # callables are left out, as promptomatix's _save_session did
    manager.create_session("s1", "Q", Config())
    stored = manager.events("s1")[0]["data"]["config"]
    assert stored == {"model_name": "gpt-4o", "model_provider": "openai", "temperature": 0.7}
    view = SessionManager(manager.sessions_dir).get_session("s1").config
    assert view.model_provider == promptjournal.ModelProvider.OPENAI == "openai"


def test_version_history_state_at_and_verify(manager):
    s = manager.create_session("s1", "Classify", CONFIG)
    s.update_optimized_prompt("v1")
    fb = Feedback("v1", 0, 2, "longer")
    s.add_feedback(fb)
    s.update_optimized_prompt("v2", caused_by=[fb.id])
    assert s.version == 4
    h = manager.history("s1")
    assert [v["text"] for v in h["optimized_prompt"]] == ["v1", "v2"]
    assert h["optimized_prompt"][0]["feedback"][0]["id"] == fb.id
    assert h["optimized_prompt"][1]["caused_by"] == [fb.id]
    assert [t["seq"] for t in h["timeline"]] == [1, 2, 3, 4]
    assert manager.state_at("s1", 2)["latest_optimized_prompt"] == "v1"
    assert manager.state_at("s1", 2)["latest_human_feedback"] == []
    events = manager.events("s1")
    assert events[3]["prev"] == events[2]["hash"] and events[0]["at"].tzinfo is not None
    assert manager.state_as_of("s1", events[1]["at"])["latest_optimized_prompt"] == "v1"
    report = manager.verify("s1")
    assert report["ok"] and report["events"] == 4 and report["problems"] == []


def test_individual_feedbacks_are_a_copy_and_add_individual_feedback_appends(manager):
    s = manager.create_session("s1", "Q", CONFIG)
    s.individual_feedbacks.append({"lost": True})
    assert s.individual_feedbacks == [] and s.version == 1
    s.add_individual_feedback({"n": 1})
    s.add_individual_feedback({"n": 2})
    assert SessionManager(manager.sessions_dir).get_session("s1").individual_feedbacks == [{"n": 1}, {"n": 2}]
