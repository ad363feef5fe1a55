"""A promptomatix-style flow (create, optimize, feedback, optimize again, save/load, list):
the session on disk passes `pjournal verify`, and to_dict is what promptomatix's own to_dict
returns for the same calls (written out below field by field from its session.py)."""

import json
from datetime import datetime

from promptjournal import Feedback, SessionManager


class Config:
    """Stands in for promptomatix's Config: a plain object with attributes."""

    def __init__(self, **kwargs):
        self.task = kwargs.get("task")
        self.session_id = None
        self.task_type = kwargs.get("task_type")
        self.model_name = kwargs.get("model_name")
        self.model_api_key = kwargs.get("model_api_key")
        self.temperature = kwargs.get("temperature", 0.7)
        self.input_fields = kwargs.get("input_fields", [])


def fixed_feedback(text, start, end, comment, prompt_id, n):
    f = Feedback(text, start, end, comment, prompt_id)
    f.id, f.created_at = f"fb-{n}", datetime(2026, 1, 2, 3, 4, 5, n)
    return f


def run_flow(manager, session_id):
    config = Config(task="Classify the review", task_type="classification", model_name="gpt-4o",
                    model_api_key="sk-live-1", input_fields=["text"])
    config.session_id = session_id
    session = manager.create_session(session_id=session_id, initial_input=config.task, config=config)
    session.update_optimized_prompt("You are a sentiment classifier.")
    fb = fixed_feedback("sentiment", 10, 19, "say which labels", session_id, 1)
    manager.get_session(session_id).add_feedback(fb)
    session.update_optimized_prompt("You are a sentiment classifier. Labels: positive, negative.")
    session.comprehensive_feedback = "Good overall"
    session.individual_feedbacks = [{"example": 1, "feedback": "ok"}]
    manager.update_session(session)
    return session, config


def test_to_dict_equals_promptomatix_for_the_same_calls(manager):
    session, config = run_flow(manager, "flow-1")
    d = session.to_dict()
    created_at = d.pop("created_at")
    assert datetime.fromisoformat(created_at) == session.created_at
    # promptomatix's to_dict after the same calls: its feedback items have no prompt_id,
    # its config is the Config object itself.
    assert d == {
        "session_id": "flow-1",
        "initial_human_input": "Classify the review",
        "updated_human_input": "Classify the review",
        "latest_optimized_prompt": "You are a sentiment classifier. Labels: positive, negative.",
        "latest_human_feedback": [{"id": "fb-1", "text": "sentiment", "start_offset": 10, "end_offset": 19,
                                   "feedback": "say which labels", "created_at": "2026-01-02T03:04:05.000001"}],
        "comprehensive_feedback": "Good overall",
        "individual_feedbacks": [{"example": 1, "feedback": "ok"}],
        "config": config,
    }
    assert d["config"] is config and session.config.model_api_key == "sk-live-1"


def test_the_flow_is_on_disk_whole_and_pjournal_verifies_it(manager, root, tmp_path, pjournal):
    run_flow(manager, "flow-1")
    verified = pjournal("--root", root, "verify", "flow-1")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert [e["type"] for e in manager.events("flow-1")] == [
        "session_created", "optimized_prompt_updated", "feedback_added", "optimized_prompt_updated",
        "comprehensive_feedback_set", "individual_feedbacks_set"]
    shown = json.loads(pjournal("--root", root, "show", "flow-1").stdout)
    assert shown["latest_optimized_prompt"] == "You are a sentiment classifier. Labels: positive, negative."
    assert shown["config"]["model_api_key"] == "[REDACTED]"


def test_save_then_load_into_another_manager_and_list(manager, root, tmp_path, pjournal):
    session, _ = run_flow(manager, "flow-1")
    manager.save_session(session, tmp_path / "flow-1.json")
    other_root = tmp_path / "other"
    other = SessionManager(other_root)
    loaded = other.load_session_from_file(tmp_path / "flow-1.json")
    expected = session.to_dict()
    got = loaded.to_dict()
    assert got.pop("config").model_api_key == "[REDACTED]"
    expected.pop("config")
    assert got == expected
    assert other.load_session_from_file(tmp_path / "flow-1.json").version == loaded.version
    listed = other.list_sessions()
    assert [(d["session_id"], d["latest_optimized_prompt"]) for d in listed] == [
        ("flow-1", "You are a sentiment classifier. Labels: positive, negative.")]
    assert pjournal("--root", other_root, "verify", "flow-1").returncode == 0


def test_pjournal_finds_a_broken_chain_the_binding_wrote(manager, root, pjournal):
    # The check above can fail: the same verify on an edited journal reports the damage.
    run_flow(manager, "flow-1")
    path = root / "flow-1" / "events.jsonl"
    path.write_text(path.read_text().replace("say which labels", "say which label!"))
    assert pjournal("--root", root, "verify", "flow-1").returncode != 0
