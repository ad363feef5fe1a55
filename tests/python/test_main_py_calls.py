"""The session calls promptomatix's main.py makes, in its order, through the drop-in:
process_input, save_feedback, optimize_with_feedback, the feedback generator that assigns
comprehensive/individual feedback, download_session, upload_session, list_sessions, and the
error logging. Written from reading main.py (no promptomatix code here); the LLM work between
the calls is left out, as the calls are what touches sessions."""

import json
from datetime import datetime
from enum import Enum

from promptjournal import SessionManager


class ModelProvider(Enum):
    OPENAI = "openai"


class Config:
    """Like promptomatix's Config: attributes, an enum provider, a credential."""

    def __init__(self, **kwargs):
        self.raw_input = kwargs.get("raw_input")
        self.original_raw_input = kwargs.get("original_raw_input")
        self.session_id = None
        self.task = kwargs.get("task", kwargs.get("raw_input"))
        self.task_type = kwargs.get("task_type")
        self.model_name = kwargs.get("model_name")
        self.model_api_key = kwargs.get("model_api_key")
        self.model_api_base = kwargs.get("model_api_base")
        self.model_provider = kwargs.get("model_provider")
        self.synthetic_data_size = kwargs.get("synthetic_data_size")
        self.train_ratio = kwargs.get("train_ratio")
        self.dspy_module = kwargs.get("dspy_module")
        self.temperature = kwargs.get("temperature", 0.7)


class PromptomatixFeedback:
    """Like promptomatix's core.feedback.Feedback (its own class, not ours): clock id, local time."""

    def __init__(self, text, start_offset, end_offset, feedback, prompt_id=None):
        self.id = str(datetime.now().timestamp())
        self.text, self.start_offset, self.end_offset = text, start_offset, end_offset
        self.feedback, self.prompt_id = feedback, prompt_id
        self.created_at = datetime.now()


def test_main_py_session_calls_in_order(root, tmp_path):
    session_manager = SessionManager(root)  # main.py: a module-level SessionManager()
    session_id = "1733150000.123456"         # main.py: str(time.time())

    # process_input
    config = Config(raw_input="Classify the review", task="Classify the review", model_name="gpt-4o",
                    model_api_key="sk-live-9", model_provider=ModelProvider.OPENAI, task_type="classification")
    config.session_id = session_id
    session = session_manager.create_session(session_id=session_id, initial_input=config.task, config=config)
    session.update_optimized_prompt("You are a sentiment classifier.")

    # save_feedback
    new_feedback = PromptomatixFeedback("sentiment", 10, 19, "name the labels", session_id)
    session = session_manager.get_session(new_feedback.prompt_id)
    assert session
    session.add_feedback(new_feedback)

    # optimize_with_feedback: rebuilds a Config from the session's, the key included
    session = session_manager.get_session(session_id)
    rebuilt = Config(raw_input=f"Prompt: {session.latest_optimized_prompt}\n\nFeedback: name the labels",
                     original_raw_input=session.config.original_raw_input, task_type=session.config.task_type,
                     model_name=session.config.model_name, model_provider=session.config.model_provider,
                     model_api_key=session.config.model_api_key, model_api_base=session.config.model_api_base,
                     dspy_module=session.config.dspy_module)
    assert rebuilt.model_api_key == "sk-live-9" and rebuilt.model_provider is ModelProvider.OPENAI
    session.update_optimized_prompt("You are a sentiment classifier. Labels: positive, negative.")

    # the feedback generator stores its results by assignment
    session = session_manager.get_session(session_id)
    session.comprehensive_feedback = "Mostly right"
    session.individual_feedbacks = [{"input": "great", "feedback": "fine"}]

    # error logging (process_input / save_feedback on failure)
    session.logger.add_entry("ERROR", {"error": "boom", "traceback": "...", "stage": "Feedback Addition"})

    # download_session: to_dict, config.__dict__, json.dump to a file
    session_data = session.to_dict()
    session_data.update({"timestamp": datetime.now().isoformat(), "versions": session_data.get("versions", []),
                         "config": session_data.get("config", {}).__dict__})
    session_data["config"]["model_provider"] = session_data["config"]["model_provider"].value
    out = tmp_path / f"session_{session_id}.json"
    out.write_text(json.dumps(session_data, indent=2))

    # upload_session: load_session_from_file of that file (the session exists: same state)
    uploaded = session_manager.load_session_from_file(str(out))
    assert uploaded is not None and uploaded.session_id == session_id
    assert uploaded.to_dict()["config"].__dict__["model_name"] == "gpt-4o"

    # list_sessions
    listed = [{"session_id": s["session_id"], "created_at": s["created_at"],
               "initial_input": s["initial_human_input"], "latest_optimized_prompt": s["latest_optimized_prompt"]}
              for s in session_manager.list_sessions()]
    assert listed == [{"session_id": session_id, "created_at": session_data["created_at"],
                       "initial_input": "Classify the review",
                       "latest_optimized_prompt": "You are a sentiment classifier. Labels: positive, negative."}]

    # every session they touched is on disk with its whole history
    fresh = SessionManager(root)
    assert [e["type"] for e in fresh.events(session_id)] == [
        "session_created", "optimized_prompt_updated", "feedback_added", "optimized_prompt_updated",
        "comprehensive_feedback_set", "individual_feedbacks_set"]
    assert fresh.events(session_id)[2]["data"]["id"] == new_feedback.id
    assert fresh.verify(session_id)["ok"]
