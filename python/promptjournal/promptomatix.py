"""A drop-in for promptomatix's ``promptomatix.core.session``, kept in journals.

Put it in place of the original with one import::

    # from .core.session import SessionManager, OptimizationSession
    from promptjournal.promptomatix import SessionManager, OptimizationSession

The names, attributes and methods are the original's; what differs is where
the state lives. Each session is an append-only, hash-chained journal
(``<sessions_dir>/<session_id>/events.jsonl``) and every change is an event
written before the call returns: ``update_optimized_prompt``,
``update_human_input``, ``add_feedback``, and assigning the attributes that
promptomatix assigns (``latest_optimized_prompt``, ``updated_human_input``,
``comprehensive_feedback``, ``individual_feedbacks``). Nothing waits for
``update_session``, and ``get_session``/``list_sessions`` see every session
on disk, also those other processes wrote.

This module holds no journal logic: events, hashes, replay and verification
are the C++ library's (``promptjournal._core``); here are only the Python
shapes promptomatix's callers expect.

Credentials: the config object a caller passes stays with the session object
it gets back, whole (``session.config.model_api_key`` still works); only what
reaches the disk is redacted. A session read back from disk has a
:class:`ConfigView` whose credentials read ``"[REDACTED]"``.

Times are UTC (naive datetimes, as the original's ``datetime.now()`` was
naive); event times in ``history()``/``events()`` are aware UTC datetimes.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Union

from . import _core
from .errors import ConflictError

__all__ = ["OptimizationSession", "SessionManager", "Feedback", "SessionLogger", "ConfigView",
           "ModelProvider", "default_sessions_dir"]


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class ModelProvider(str, Enum):
    """promptomatix's model providers; a str, so it equals its value."""

    OPENAI = "openai"
    ANTHROPIC = "anthropic"
    DATABRICKS = "databricks"
    LOCAL = "local"
    TOGETHERAI = "togetherai"


class Feedback:
    """A comment on a span of a prompt, as promptomatix's ``Feedback``.

    ``id`` is a random UUID (the original used the clock, which collides
    across processes) and ``created_at`` the UTC time. ``add_feedback``
    accepts this class or any object with the same attributes, promptomatix's
    own ``Feedback`` included.
    """

    def __init__(self, text: str, start_offset: int, end_offset: int, feedback: str,
                 prompt_id: Optional[str] = None):
        self.id = _core.new_uuid()
        self.text = text
        self.start_offset = start_offset
        self.end_offset = end_offset
        self.feedback = feedback
        self.prompt_id = prompt_id
        self.created_at = _utcnow()

    def to_dict(self) -> Dict[str, Any]:
        return {"id": self.id, "text": self.text, "start_offset": self.start_offset,
                "end_offset": self.end_offset, "feedback": self.feedback, "prompt_id": self.prompt_id,
                "created_at": self.created_at.isoformat()}

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "Feedback":
        f = cls.__new__(cls)
        f.id, f.text, f.feedback = d["id"], d["text"], d["feedback"]
        f.start_offset, f.end_offset = d["start_offset"], d["end_offset"]
        f.prompt_id = d.get("prompt_id")
        f.created_at = _parse_time(d["created_at"])
        return f

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Feedback) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return f"Feedback(id={self.id!r}, text={self.text!r}, feedback={self.feedback!r})"


def _parse_time(text: str) -> Union[datetime, str]:
    try:
        return datetime.fromisoformat(text)
    except ValueError:  # history keeps what an import found; show it as it is
        return text


class ConfigView:
    """Attribute access to a config read back from the journal.

    Each key is an attribute (``view.model_name``) and ``vars(view)`` is the
    dict, as on promptomatix's ``Config``; providers are :class:`ModelProvider`
    members. Credentials read ``"[REDACTED]"`` unless the manager keeps secrets.
    """

    _PROVIDER_KEYS = ("model_provider", "config_model_provider")

    def __init__(self, values: Dict[str, Any]):
        values = dict(values)
        for key in self._PROVIDER_KEYS:
            v = values.get(key)
            if isinstance(v, str) and v in ModelProvider._value2member_map_:
                values[key] = ModelProvider(v)
        self.__dict__.update(values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ConfigView) and vars(self) == vars(other)

    def __repr__(self) -> str:
        return f"ConfigView({vars(self)!r})"


class SessionLogger:
    """promptomatix's session logger, on Python's ``logging``.

    Entries go to the logger ``promptjournal.session.<session_id>`` as one JSON
    object each (ERROR entries at level ERROR). The journal, not the log, is
    the record: the original's two log files per session are not written.
    """

    def __init__(self, session_id: str):
        self.session_id = session_id
        self.logger = logging.getLogger(f"promptjournal.session.{session_id}")

    def add_entry(self, entry_type: str, data: Dict[str, Any]) -> None:
        level = logging.ERROR if entry_type == "ERROR" else logging.INFO
        if self.logger.isEnabledFor(level):
            entry = {"timestamp": _utcnow().isoformat(), "session_id": self.session_id, "type": entry_type}
            entry.update(data)
            self.logger.log(level, json.dumps(entry, default=str))


class OptimizationSession:
    """One optimization session, as promptomatix's, kept in a journal.

    Attributes (the original's): ``session_id``, ``initial_human_input``,
    ``updated_human_input``, ``latest_optimized_prompt``,
    ``latest_human_feedback`` (list of :class:`Feedback`), ``config``,
    ``created_at`` (datetime), ``logger``, ``comprehensive_feedback``,
    ``individual_feedbacks``. Assigning ``updated_human_input``,
    ``latest_optimized_prompt``, ``comprehensive_feedback`` or
    ``individual_feedbacks`` appends the matching event; the others are read-only.

    Beyond the original: ``version`` (the seq of the last event applied),
    ``refresh()``, ``retry_on_conflict()``. A session from a manager writes
    through; one made with the constructor is detached until
    ``SessionManager.update_session``. ConflictError: another writer (process)
    appended to the session since this object last looked (see ``refresh``).
    """

    def __init__(self, session_id: str, initial_human_input: str, config: Any):
        self._bind(_core.Session(session_id, initial_human_input, config), config)
        self._log_start()

    @classmethod
    def _wrap(cls, core: _core.Session, config: Any = None) -> "OptimizationSession":
        s = cls.__new__(cls)
        s._bind(core, config)
        return s

    def _bind(self, core: _core.Session, config: Any) -> None:
        self._core = core
        self._config = config
        self.logger = SessionLogger(core.session_id)

    def _log_start(self) -> None:
        config = self.config
        self.logger.add_entry("SESSION_START", {
            "action": "Session Created", "input": self.initial_human_input,
            "config": {"model": getattr(config, "model_name", None), "task_type": getattr(config, "task_type", None)}})

    # --- the original's attributes ---
    @property
    def session_id(self) -> str:
        return self._core.session_id

    @property
    def initial_human_input(self) -> str:
        return self._core.initial_human_input

    @property
    def updated_human_input(self) -> str:
        return self._core.updated_human_input

    @updated_human_input.setter
    def updated_human_input(self, value: str) -> None:
        self.update_human_input(value)

    @property
    def latest_optimized_prompt(self) -> Optional[str]:
        return self._core.latest_optimized_prompt

    @latest_optimized_prompt.setter
    def latest_optimized_prompt(self, value: str) -> None:
        self.update_optimized_prompt(value)

    @property
    def latest_human_feedback(self) -> List[Feedback]:
        return [Feedback.from_dict(d) for d in self._core.latest_human_feedback]

    @property
    def comprehensive_feedback(self) -> Any:
        return self._core.comprehensive_feedback

    @comprehensive_feedback.setter
    def comprehensive_feedback(self, value: Any) -> None:
        self._core.set_comprehensive_feedback(value)

    @property
    def individual_feedbacks(self) -> List[Any]:
        """A copy: appending to it changes nothing; assign, or use add_individual_feedback."""
        return self._core.individual_feedbacks

    @individual_feedbacks.setter
    def individual_feedbacks(self, value: List[Any]) -> None:
        self._core.set_individual_feedbacks(value)

    @property
    def config(self) -> Any:
        """The config object the caller gave, or a :class:`ConfigView` of the journal's."""
        return self._config if self._config is not None else ConfigView(self._core.config)

    @property
    def created_at(self) -> datetime:
        return _parse_time(self._core.created_at)

    # --- beyond the original ---
    @property
    def version(self) -> int:
        """The seq of the last event this object has applied (0 for a detached, unsaved session)."""
        return self._core.version

    @property
    def is_managed(self) -> bool:
        return self._core.is_managed

    def add_individual_feedback(self, value: Any) -> None:
        """Appends one entry to individual_feedbacks (commutes with other writers, as add_feedback)."""
        self._core.add_individual_feedback(value)

    def refresh(self) -> None:
        """Applies the events other writers appended since this object last looked."""
        self._core.refresh()

    def retry_on_conflict(self, change: Callable[["OptimizationSession"], None], attempts: int = 16) -> None:
        """Calls ``change(self)``; on ConflictError refreshes and calls it again, at most
        ``attempts`` times. ``change`` must decide from the current state and make ONE change."""
        for attempt in range(1, attempts + 1):
            try:
                change(self)
                return
            except ConflictError:
                if attempt >= attempts:
                    raise
            self.refresh()

    # --- the original's methods ---
    def add_feedback(self, feedback: Any) -> None:
        """Adds a feedback (this module's Feedback, promptomatix's, or alike)."""
        self._core.add_feedback(feedback)
        self.logger.add_entry("COMMENT_ADDED", {"feedback_id": feedback.id, "text": feedback.text,
                                                "feedback": feedback.feedback})

    def update_optimized_prompt(self, new_prompt: str, caused_by: Optional[List[str]] = None) -> None:
        """Sets the optimized prompt; ``caused_by`` optionally names the feedback ids it answers."""
        self._core.update_optimized_prompt(new_prompt, [] if caused_by is None else caused_by)
        self.logger.add_entry("PROMPT_UPDATE", {"action": "Optimized Prompt Updated", "new_prompt": new_prompt})

    def update_human_input(self, new_input: str) -> None:
        self._core.update_human_input(new_input)
        self.logger.add_entry("INPUT_UPDATE", {"action": "Human Input Updated", "new_input": new_input})

    def to_dict(self) -> Dict[str, Any]:
        """The original's to_dict: ``config`` is the config object (see ``config``)."""
        d = self._core.to_dict()
        for f in d["latest_human_feedback"]:
            del f["prompt_id"]  # the original's to_dict leaves it out
        d["config"] = self.config
        return d

    def __repr__(self) -> str:
        return f"OptimizationSession({self.session_id!r}, version={self.version})"


def default_sessions_dir() -> Path:
    """Where ``SessionManager()`` keeps sessions: $PROMPTJOURNAL_SESSIONS_DIR, else
    promptomatix's own SESSIONS_DIR when promptomatix is importable, else ./sessions."""
    env = os.environ.get("PROMPTJOURNAL_SESSIONS_DIR")
    if env:
        return Path(env)
    try:
        from promptomatix.utils.paths import SESSIONS_DIR  # type: ignore
        return Path(SESSIONS_DIR)
    except Exception:  # promptomatix absent, or its import failing: not ours to report
        return Path.cwd() / "sessions"


class SessionManager:
    """promptomatix's SessionManager, one journal per session.

    ``SessionManager()`` uses :func:`default_sessions_dir`; pass a folder to
    choose. ``sessions`` holds the session objects this manager handed out;
    ``get_session``/``list_sessions`` see every session on disk. Creating a
    session on an id with history raises AlreadyExistsError instead of
    overwriting it. Errors: the classes of :mod:`promptjournal.errors`;
    ``load_session_from_file`` returns None on failure, as the original.
    Thread-safety: a manager may be shared by threads.
    """

    def __init__(self, sessions_dir: Union[str, os.PathLike, None] = None, *, keep_secrets: bool = False,
                 durability: str = "fsync", snapshot_every: int = 100):
        root = os.fspath(sessions_dir) if sessions_dir is not None else str(default_sessions_dir())
        self.sessions: Dict[str, OptimizationSession] = {}
        self.sessions_dir: Union[Path, str] = root if "://" in root else Path(root)
        self.manager = _core.Manager(root, keep_secrets=keep_secrets, durability=durability,
                                     snapshot_every=snapshot_every)

    def _adopt(self, core: Optional[_core.Session], config: Any = None) -> Optional[OptimizationSession]:
        # One wrapper per core session object, so that get_session returns the
        # same object as create_session did, with the caller's config.
        if core is None:
            return None
        held = self.sessions.get(core.session_id)
        if held is not None and held._core is core:
            if config is not None:
                held._config = config
            return held
        session = OptimizationSession._wrap(core, config)
        self.sessions[core.session_id] = session
        return session

    def load_session_from_file(self, session_file_path: Union[str, os.PathLike]) -> Optional[OptimizationSession]:
        """Loads a session file (promptomatix's, or one save_session wrote) into a journal; None on failure."""
        try:
            return self._adopt(self.manager.load_session_from_file(os.fspath(session_file_path)))
        except Exception as e:  # the original's contract: print and return None
            print(f"Error loading session {session_file_path}: {e}")
            return None

    def create_session(self, session_id: str, initial_input: str, config: Any) -> OptimizationSession:
        """Creates a session (its first event is on disk on return). ``config``: promptomatix's
        Config, any object with attributes, or a dict."""
        session = self._adopt(self.manager.create_session(session_id, initial_input, config), config)
        session._log_start()
        return session

    def get_session(self, session_id: str) -> Optional[OptimizationSession]:
        """The session, brought up to date with its journal, or None when there is none."""
        return self._adopt(self.manager.get_session(session_id))

    def update_session(self, session: OptimizationSession) -> None:
        """Persists a detached session's pending events (managed sessions are already on disk)."""
        self.manager.update_session(session._core)
        self.sessions[session.session_id] = session

    _save_session = update_session

    def list_sessions(self) -> List[Dict[str, Any]]:
        """to_dict() of every session on disk, sorted by id."""
        out = []
        for d in self.manager.list_sessions():
            for f in d["latest_human_feedback"]:
                del f["prompt_id"]
            held = self.sessions.get(d["session_id"])
            d["config"] = held._config if held is not None and held._config is not None else ConfigView(d["config"])
            out.append(d)
        return out

    # --- beyond the original ---
    def history(self, session_id: str) -> Dict[str, Any]:
        """Every version of the optimized prompt and the human input (with the feedback given on
        each) and the timeline of events."""
        return self.manager.history(session_id)

    def state_at(self, session_id: str, seq: int) -> Dict[str, Any]:
        """to_dict of the state just after event ``seq`` (config as a dict)."""
        return self.manager.state_at(session_id, seq)

    def state_as_of(self, session_id: str, when: datetime) -> Dict[str, Any]:
        """to_dict of the state at ``when`` (a naive datetime is UTC)."""
        return self.manager.state_as_of(session_id, when)

    def verify(self, session_id: str) -> Dict[str, Any]:
        """Checks the journal (every hash, the chain, the seqs) and its snapshots."""
        return self.manager.verify(session_id)

    def events(self, session_id: str, from_seq: int = 1) -> List[Dict[str, Any]]:
        """The session's events as dicts (v, seq, at, session_id, type, meta, data, prev, hash)."""
        return self.manager.events(session_id, from_seq)

    def session_info(self, session_id: str) -> Dict[str, Any]:
        return self.manager.session_info(session_id)

    def list_session_ids(self) -> List[str]:
        return self.manager.list_session_ids()

    def save_session(self, session: OptimizationSession, path: Union[str, os.PathLike]) -> None:
        """Writes the session's to_dict to ``path`` atomically (credentials redacted)."""
        self.manager.save_session(session._core, os.fspath(path))

    def snapshot(self, session_id: str) -> str:
        return self.manager.snapshot(session_id)
