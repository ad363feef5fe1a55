"""The exception hierarchy and the C++ context each exception carries."""

import errno

import pytest

import promptjournal
from promptjournal import (AlreadyExistsError, ConflictError, CorruptJournalError, InvalidArgumentError,
                           InvalidSessionIdError, JournalError, JournalIOError, NotFoundError, SessionManager)


def test_every_error_is_a_journal_error_and_the_builtin_python_expects():
    assert issubclass(ConflictError, JournalError)
    assert issubclass(CorruptJournalError, JournalError)
    assert issubclass(InvalidSessionIdError, ValueError)
    assert issubclass(InvalidArgumentError, ValueError)
    assert issubclass(NotFoundError, LookupError)
    assert issubclass(JournalIOError, OSError)
    assert issubclass(promptjournal.TooLargeError, InvalidArgumentError)


def test_conflict_carries_the_expected_and_actual_seq(root):
    a, b = SessionManager(root), SessionManager(root)
    mine = a.create_session("s1", "Q", {})
    b.get_session("s1").update_optimized_prompt("theirs")
    with pytest.raises(ConflictError) as info:
        mine.update_optimized_prompt("mine")
    e = info.value
    assert (e.kind, e.expected_seq, e.actual_seq) == ("conflict", 1, 2)
    assert mine.latest_optimized_prompt is None and mine.version == 1
    mine.refresh()
    assert mine.latest_optimized_prompt == "theirs"
    mine.update_optimized_prompt("mine")
    assert [ev["data"]["prompt"] for ev in a.events("s1")[1:]] == ["theirs", "mine"]


def test_retry_on_conflict_refreshes_and_decides_again(root):
    a, b = SessionManager(root), SessionManager(root)
    mine = a.create_session("s1", "Q", {})
    b.get_session("s1").update_optimized_prompt("v1")
    mine.retry_on_conflict(lambda s: s.update_optimized_prompt((s.latest_optimized_prompt or "") + "+mine"))
    assert mine.latest_optimized_prompt == "v1+mine"


def test_corruption_names_the_file_and_line(root):
    m = SessionManager(root)
    s = m.create_session("s1", "Q", {})
    s.update_optimized_prompt("v1")
    s.update_optimized_prompt("v2")
    path = root / "s1" / "events.jsonl"
    lines = path.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b"v1", b"v9")
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(CorruptJournalError) as info:
        SessionManager(root).history("s1")
    e = info.value
    assert e.kind == "corrupt" and e.path.endswith("events.jsonl") and e.line == 2
    assert "events.jsonl" in str(e) and e.reason
    report = SessionManager(root).verify("s1")
    assert not report["ok"] and report["problems"][0]["line"] == 2


def test_invalid_id_already_exists_and_not_found(manager):
    with pytest.raises(InvalidSessionIdError) as info:
        manager.create_session("../escape", "Q", {})
    assert info.value.kind == "invalid session id"
    manager.create_session("s1", "Q", {})
    with pytest.raises(AlreadyExistsError):
        manager.create_session("s1", "Q", {})
    with pytest.raises(NotFoundError):
        manager.state_at("s1", 2)
    with pytest.raises(NotFoundError):
        manager.history("missing")
    with pytest.raises(NotFoundError):
        manager.events("missing")


def test_io_error_carries_errno(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(JournalIOError) as info:
        SessionManager(tmp_path / "file" / "sub")
    assert info.value.errno == errno.ENOTDIR and info.value.path
