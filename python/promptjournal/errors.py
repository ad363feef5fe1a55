"""The exceptions promptjournal raises: one class per kind of failure.

Every failure of the journal library reaches Python as a subclass of
:class:`JournalError`, carrying what the C++ ``JournalError`` knows of it:

``kind``
    the library's name for the kind (``"conflict"``, ``"corrupt"``, ...)
``reason``
    the bare reason, without the location that ``str(error)`` adds
``path``, ``line``, ``offset``, ``seq``
    where it was found (the file, its 1-based line, that line's byte offset,
    the seq of the event concerned), ``None`` when unknown
``errno``
    the system error number of a failed system call, or ``None``

:class:`ConflictError` adds ``expected_seq`` and ``actual_seq``.

Errors of the caller's own values are also the built-in exception Python
programs expect: :class:`InvalidArgumentError` and
:class:`InvalidSessionIdError` are ``ValueError``, :class:`NotFoundError` is
``LookupError`` and :class:`JournalIOError` is ``OSError``. A value of a type
the journal cannot hold raises ``TypeError``.
"""

__all__ = [
    "JournalError", "CorruptJournalError", "ConflictError", "InvalidSessionIdError",
    "NotFoundError", "AlreadyExistsError", "JournalIOError", "InvalidArgumentError",
    "TooLargeError", "UnsupportedVersionError", "PoisonedError",
    "UnavailableError", "StoreTimeoutError", "OutcomeUnknownError",
]


class JournalError(Exception):
    """Base class of every error the journal library reports."""

    kind = "unknown"
    reason = ""
    path = None
    line = None
    offset = None
    seq = None
    errno = None


class CorruptJournalError(JournalError):
    """A journal or snapshot holds damage other than a torn last line."""


class ConflictError(JournalError):
    """Another writer appended first; ``refresh()`` the session and decide again."""

    expected_seq = None
    actual_seq = None


class InvalidSessionIdError(JournalError, ValueError):
    """A session id that cannot be used as a file name."""


class NotFoundError(JournalError, LookupError):
    """No such session, event, moment or file."""


class AlreadyExistsError(JournalError):
    """A session with this id already has history."""


class JournalIOError(JournalError, OSError):
    """A system call failed (``errno`` says which error)."""


class InvalidArgumentError(JournalError, ValueError):
    """A value the library cannot accept (text that is not UTF-8, a bad span, ...)."""


class TooLargeError(InvalidArgumentError):
    """An event would be longer than the format's line limit (64 MiB)."""


class UnsupportedVersionError(JournalError):
    """A format version this build does not know."""


class PoisonedError(JournalError):
    """A journal handle refused further writes after a failed fsync."""


class UnavailableError(JournalError, ConnectionError):
    """A remote store (PostgreSQL) cannot be reached or the connection was lost;
    a write that raises it stored nothing. The next call reconnects."""


class StoreTimeoutError(JournalError, TimeoutError):
    """The server cancelled a statement (statement_timeout, lock_timeout);
    nothing was stored."""


class OutcomeUnknownError(JournalError):
    """The connection was lost while a write was committing and could not be
    re-established to find out: the events are all stored or none.
    ``refresh()`` before deciding to write again."""

