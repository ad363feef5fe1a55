"""The binding on PostgreSQL: the same drop-in, given a postgresql:// location,
shares sessions between processes through a real server (the one
pg_virtualenv starts for the test run; without its environment this fails,
it never skips)."""

import os
import subprocess
import sys
import uuid

import pytest

from promptjournal import ConflictError, Feedback, SessionManager, UnavailableError
from promptjournal.promptomatix import SessionManager as DropInManager  # the same class, by its drop-in path

WRITER = r"""
import sys
from promptjournal import Feedback, SessionManager
sid, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = SessionManager("postgresql://").get_session(sid)
for i in range(count):
    s.add_feedback(Feedback("Q", 0, 1, f"{name}-{i}"))
print("done", s.version)
"""


@pytest.fixture
def sid():
    missing = [v for v in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE") if not os.environ.get(v)]
    if missing:
        pytest.fail("no PostgreSQL server (" + ", ".join(missing) + " not set): run inside pg_virtualenv")
    return "py-" + uuid.uuid4().hex[:12]


def test_two_processes_share_a_session_through_the_server(sid):
    m = SessionManager("postgresql://")
    m.create_session(sid, "Q", {"model_name": "gpt-4o", "model_api_key": "sk-secret"})
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, sid, name, "40"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for name in ("a", "b")]
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    other = SessionManager("postgresql://")
    s = other.get_session(sid)
    comments = sorted(f.feedback for f in s.latest_human_feedback)
    assert comments == sorted([f"a-{i}" for i in range(40)] + [f"b-{i}" for i in range(40)])
    assert s.version == 81
    assert other.verify(sid)["ok"]
    # The key never reached the server.
    assert "sk-secret" not in str(other.events(sid))


def test_a_stale_object_conflicts_on_the_server(sid):
    a = SessionManager("postgresql://")
    b = SessionManager("postgresql://")
    s = a.create_session(sid, "Q", {})
    stale = b.get_session(sid)
    s.update_optimized_prompt("v1")
    with pytest.raises(ConflictError) as e:
        stale.update_optimized_prompt("decided on an old state")
    assert (e.value.expected_seq, e.value.actual_seq) == (1, 2)
    stale.refresh()
    assert stale.latest_optimized_prompt == "v1"


def test_the_drop_in_takes_a_postgresql_location(sid):
    m = DropInManager("postgresql://")
    session = m.create_session(sid, "Classify reviews", {"model_name": "gpt-4o"})
    session.latest_optimized_prompt = "You are a classifier."
    session.add_feedback(Feedback("classifier", 11, 21, "say sentiment"))
    again = DropInManager("postgresql://").get_session(sid)
    assert again.latest_optimized_prompt == "You are a classifier."
    assert len(again.latest_human_feedback) == 1


def test_an_unreachable_server_is_an_unavailable_error():
    with pytest.raises(UnavailableError):
        SessionManager("postgresql://127.0.0.1:1/nodb?connect_timeout=2")
