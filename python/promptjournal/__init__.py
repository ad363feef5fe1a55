"""promptjournal: event-sourced, hash-chained journals of prompt-optimization sessions.

The Python face of the C++ library. Every session is a journal of events
under a root folder; the classes here are promptomatix's (``SessionManager``,
``OptimizationSession``, ``Feedback``), so a promptomatix checkout switches by
changing one import (see ``promptjournal.promptomatix``), plus history, time
travel and verification::

    from promptjournal import SessionManager
    manager = SessionManager("sessions")
    session = manager.create_session("demo", "Summarize the text", {"model_name": "gpt-4o"})
    session.update_optimized_prompt("Summarize the text in three bullet points")
    print(manager.verify("demo")["ok"], len(manager.history("demo")["optimized_prompt"]))

Errors are the classes of :mod:`promptjournal.errors`, all subclasses of
:class:`JournalError`.
"""

from .errors import (AlreadyExistsError, ConflictError, CorruptJournalError, InvalidArgumentError,
                     InvalidSessionIdError, JournalError, JournalIOError, NotFoundError, PoisonedError,
                     OutcomeUnknownError, StoreTimeoutError, TooLargeError, UnavailableError,
                     UnsupportedVersionError)
from . import _core
from ._core import FORMAT_VERSION, Manager, Session, is_secret_key, new_uuid, verify_session
from .promptomatix import (ConfigView, Feedback, ModelProvider, OptimizationSession, SessionLogger,
                           SessionManager, default_sessions_dir)

__version__ = _core.__version__

__all__ = [
    "SessionManager", "OptimizationSession", "Feedback", "SessionLogger", "ConfigView", "ModelProvider",
    "default_sessions_dir", "Manager", "Session", "verify_session", "is_secret_key", "new_uuid",
    "FORMAT_VERSION", "JournalError", "CorruptJournalError", "ConflictError", "InvalidSessionIdError",
    "NotFoundError", "AlreadyExistsError", "JournalIOError", "InvalidArgumentError", "TooLargeError",
    "UnsupportedVersionError", "PoisonedError", "UnavailableError", "StoreTimeoutError", "OutcomeUnknownError",
]
