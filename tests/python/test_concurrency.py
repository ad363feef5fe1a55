"""Several writers on one session: Python processes (a conflict, then nothing lost) and
threads sharing one manager (journal work runs without the GIL)."""

import threading

import pytest

from conftest import run_python
from promptjournal import ConflictError, Feedback, SessionManager

WRITER = r"""
import sys
from promptjournal import Feedback, SessionManager
root, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
m = SessionManager(root, durability="none")
s = m.get_session("shared")
for i in range(count):
    s.add_feedback(Feedback("Q", 0, 1, f"{name}-{i}"))
    if i % 10 == 0:
        s.retry_on_conflict(lambda s: s.update_optimized_prompt(f"{name}-{i}"), attempts=1000)
print("done", s.version)
"""


def test_two_processes_writing_one_session_lose_nothing(root):
    SessionManager(root).create_session("shared", "Q", {})
    import subprocess, sys, os
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(root), name, "150"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for name in ("a", "b")]
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    m = SessionManager(root)
    comments = [f.feedback for f in m.get_session("shared").latest_human_feedback]
    assert sorted(comments) == sorted([f"a-{i}" for i in range(150)] + [f"b-{i}" for i in range(150)])
    prompts = [e["data"]["prompt"] for e in m.events("shared") if e["type"] == "optimized_prompt_updated"]
    assert sorted(prompts) == sorted([f"{n}-{i}" for n in "ab" for i in range(0, 150, 10)])
    assert m.verify("shared")["ok"]


def test_a_second_process_makes_a_stale_update_conflict(root):
    m = SessionManager(root)
    s = m.create_session("shared", "Q", {})
    r = run_python("import sys; from promptjournal import SessionManager;"
                   "SessionManager(sys.argv[1]).get_session('shared').update_optimized_prompt('other')", root)
    assert r.returncode == 0, r.stderr
    with pytest.raises(ConflictError):
        s.update_optimized_prompt("mine")
    s.add_feedback(Feedback("Q", 0, 1, "feedback commutes"))
    assert [e["type"] for e in m.events("shared")] == ["session_created", "optimized_prompt_updated",
                                                       "feedback_added"]
    assert s.latest_optimized_prompt == "other"


def test_threads_sharing_a_manager(manager):
    manager.create_session("shared", "Q", {})
    errors = []

    def writer(n):
        try:
            s = manager.get_session("shared")
            for i in range(100):
                s.add_feedback(Feedback("Q", 0, 1, f"t{n}-{i}"))
                s.to_dict()
                assert s.latest_human_feedback
        except Exception as e:  # reported below: an assertion in a thread would be lost
            errors.append(e)

    def creator(n):
        try:
            for i in range(20):
                manager.create_session(f"own-{n}-{i}", "Q", {"n": n})
                manager.list_session_ids()
        except Exception as e:
            errors.append(e)
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    threads += [threading.Thread(target=creator, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    s = manager.get_session("shared")
    assert len(s.latest_human_feedback) == 600 and s.version == 601
    assert len(manager.list_session_ids()) == 41
    assert manager.verify("shared")["ok"]


def test_another_thread_runs_while_one_waits_on_the_journal(root):
    # While one thread is inside a long append (a 48 MiB event, fsync'd), the GIL is free, so
    # the main thread keeps running: its longest pause is far shorter than the append. With the
    # GIL held during the append, the main thread would stop for all of it.
    import time
    m = SessionManager(root)
    s = m.create_session("s1", "Q", {})
    big = "x" * (48 << 20)
    spans = []

    def append():
        start = time.perf_counter()
        s.update_optimized_prompt(big)
        spans.append(time.perf_counter() - start)
    t = threading.Thread(target=append)
    longest_pause, last = 0.0, time.perf_counter()
    t.start()
    while t.is_alive():
        now = time.perf_counter()
        longest_pause, last = max(longest_pause, now - last), now
    t.join()
    assert s.version == 2
    assert longest_pause < spans[0] / 2, (longest_pause, spans[0])
