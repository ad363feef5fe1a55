"""Bad input (ids, types, bytes that are not UTF-8, huge strings, odd values) raises Python
exceptions and leaves the journal as it was; nothing crashes the interpreter."""

import math

import pytest

from promptjournal import (Feedback, InvalidArgumentError, InvalidSessionIdError, OptimizationSession,
                           SessionManager, TooLargeError)


@pytest.mark.parametrize("bad_id", ["", "..", "../x", "a/b", "a\x00b", "x" * 300])
def test_bad_ids_raise_invalid_session_id(manager, bad_id):
    with pytest.raises(InvalidSessionIdError):
        manager.create_session(bad_id, "Q", {})
    with pytest.raises(InvalidSessionIdError):
        manager.get_session(bad_id)
    assert manager.list_session_ids() == []


def test_non_utf8_bytes_are_refused(manager):
    with pytest.raises((InvalidSessionIdError, TypeError)):
        manager.create_session(b"\xff\xfe", "Q", {})
    with pytest.raises(TypeError):
        manager.create_session("s1", b"\xff prompt", {})
    s = manager.create_session("s1", "Q", {})
    with pytest.raises(TypeError):
        s.update_optimized_prompt(b"\xc3\x28")
    with pytest.raises(TypeError):
        s.comprehensive_feedback = b"\xff"
    with pytest.raises(TypeError):
        manager.create_session("s2", "Q", {"key": b"\xff"})
    assert s.version == 1 and [e["type"] for e in manager.events("s1")] == ["session_created"]


def test_lone_surrogates_cannot_be_stored(manager):
    s = manager.create_session("s1", "Q", {})
    with pytest.raises(UnicodeEncodeError):
        s.update_optimized_prompt("bad \udc80 text")
    with pytest.raises(UnicodeEncodeError):
        s.comprehensive_feedback = {"k": "\ud800"}
    assert s.version == 1


def test_wrong_types_raise_type_error(manager):
    with pytest.raises(TypeError):
        manager.create_session(42, "Q", {})
    with pytest.raises(TypeError):
        manager.create_session("s1", None, {})
    with pytest.raises(TypeError):
        manager.create_session("s1", "Q", 42)
    with pytest.raises(TypeError):
        manager.create_session("s1", "Q", {1: "int key"})
    s = manager.create_session("s1", "Q", {})
    with pytest.raises(TypeError):
        s.update_optimized_prompt(None)
    with pytest.raises(TypeError):
        s.comprehensive_feedback = object()
    with pytest.raises(TypeError):
        s.individual_feedbacks = {1, 2}
    with pytest.raises(InvalidArgumentError):
        s.individual_feedbacks = "not a list"
    with pytest.raises(TypeError):
        s.update_optimized_prompt("p", caused_by="not-a-list")
    with pytest.raises(TypeError):
        manager.state_as_of("s1", "2026-01-01")
    assert s.version == 1


def test_bad_feedback_raises_and_writes_nothing(manager):
    s = manager.create_session("s1", "Q", {})
    with pytest.raises(InvalidArgumentError):
        s.add_feedback(Feedback("Q", 5, 2, "backwards"))
    with pytest.raises(InvalidArgumentError):
        s.add_feedback(Feedback("Q", -1, 0, "negative"))
    with pytest.raises(TypeError):
        s.add_feedback(Feedback("Q", "0", 1, "str offset"))
    with pytest.raises(InvalidArgumentError):
        s.add_feedback(Feedback("Q", 2 ** 70, 2 ** 71, "huge offset"))
    with pytest.raises(AttributeError):
        s.add_feedback(object())
    assert s.version == 1 and s.latest_human_feedback == []


def test_self_containing_and_deep_values_raise(manager):
    s = manager.create_session("s1", "Q", {})
    loop = []
    loop.append(loop)
    with pytest.raises(InvalidArgumentError):
        s.individual_feedbacks = loop
    deep = []
    for _ in range(100000):
        deep = [deep]
    with pytest.raises(InvalidArgumentError):
        s.comprehensive_feedback = deep
    assert s.version == 1


def test_values_json_lacks_round_trip(manager, root):
    s = manager.create_session("s1", "Q", {"temperature": float("nan"), "seed": 2 ** 80})
    s.comprehensive_feedback = {"inf": float("inf"), "big": -(2 ** 90), "u64": 2 ** 64 - 1}
    fresh = SessionManager(root).get_session("s1")
    assert math.isnan(fresh.config.temperature) and fresh.config.seed == 2 ** 80
    assert fresh.comprehensive_feedback == {"inf": float("inf"), "big": -(2 ** 90), "u64": 2 ** 64 - 1}


def test_huge_strings_are_stored_or_refused_whole(manager, root):
    s = manager.create_session("s1", "Q", {})
    big = "é" * (4 << 20)  # 8 MiB of UTF-8
    s.update_optimized_prompt(big)
    assert SessionManager(root).get_session("s1").latest_optimized_prompt == big
    with pytest.raises(TooLargeError):
        s.update_optimized_prompt("x" * (65 << 20))
    assert s.version == 2 and manager.verify("s1")["ok"]


def test_a_detached_session_with_a_bad_id_is_refused_at_once():
    with pytest.raises(InvalidSessionIdError):
        OptimizationSession("../x", "Q", {})
    with pytest.raises(TypeError):
        OptimizationSession("s1", "Q", [1, 2])
