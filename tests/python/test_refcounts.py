"""Reference counts and memory do not grow over 10^5 calls through the binding."""

import gc
import sys
import tracemalloc

import pytest

from promptjournal import Feedback, InvalidSessionIdError, SessionManager, _core

N = 100_000


def growth(fn, n=N):
    """Objects tracked by gc and bytes traced after n calls of fn, minus before (after a warm-up)."""
    for _ in range(100):
        fn()
    gc.collect()
    objects = len(gc.get_objects())
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(n):
        fn()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return len(gc.get_objects()) - objects, after - before


@pytest.fixture
def session(root):
    m = SessionManager(root, durability="none")
    s = m.create_session("s1", "Classify", {"model_name": "gpt-4o", "tags": ["a", "b"], "n": 2 ** 70})
    s.update_optimized_prompt("You are a classifier.")
    s.add_feedback(Feedback("You", 0, 3, "who?"))
    s.comprehensive_feedback = {"score": 1.5, "notes": ["x"]}
    return m, s


def test_reading_attributes_and_to_dict_leaks_nothing(session):
    m, s = session
    core = s._core
    prompt = core.latest_optimized_prompt
    refs = sys.getrefcount(prompt)

    def read():
        core.latest_optimized_prompt
        core.config
        core.latest_human_feedback
        core.comprehensive_feedback
        core.to_dict()
        core.version
    objects, grown = growth(read)
    assert objects < 100 and grown < 64 << 10, (objects, grown)
    assert sys.getrefcount(prompt) == refs


def test_arguments_keep_their_reference_counts(session):
    m, s = session
    config = {"model_name": "gpt-4o", "nested": {"k": [1, 2.5, None, True]}}
    text = "a prompt passed many times"
    before = (sys.getrefcount(config), sys.getrefcount(text), sys.getrefcount(config["nested"]))
    objects, grown = growth(lambda: _core.Session("d", text, config))
    assert (sys.getrefcount(config), sys.getrefcount(text), sys.getrefcount(config["nested"])) == before
    assert objects < 100 and grown < 64 << 10, (objects, grown)


def test_raising_errors_leaks_nothing(session):
    m, s = session
    bad = "../bad"

    def fail():
        try:
            m.manager.get_session(bad)
        except InvalidSessionIdError:
            pass
        try:
            s._core.update_optimized_prompt(None)
        except TypeError:
            pass
    objects, grown = growth(fail)
    assert objects < 100 and grown < 64 << 10, (objects, grown)


def test_appending_leaks_nothing(session):
    m, s = session
    feedback = Feedback("You", 0, 3, "again")
    refs = sys.getrefcount(feedback)
    objects, grown = growth(lambda: s._core.add_feedback(feedback), n=10_000)
    assert sys.getrefcount(feedback) == refs
    assert objects < 100, objects
    assert s.version == 4 + 10_100
