#!/usr/bin/env python3
"""A promptomatix-style loop through the Python binding vs promptomatix's own persistence.

Each step of the loop is what an optimization round does to a session: a new optimized
prompt, one feedback on it, then SessionManager.update_session. Two ways to keep it:

  binding   promptjournal.SessionManager: each change appends one event to the journal
            (durability "none": write(2), as the original; "fsync": also fdatasync).
  original  promptomatix's model, re-implemented here in a few lines (not its code): the
            session lives in memory and update_session rewrites the whole session file
            with json.dump(to_dict, indent=2), as its _save_session does, without fsync.

For N = 10 and 1,000 the whole loop of N steps is timed. At 10,000 the original would
rewrite a file growing to megabytes ten thousand times (hours of pure-Python JSON
encoding), so there the session is first brought to N - W feedbacks (the original without
saving, the binding through its normal appends) and the last W steps are timed: the cost
of one step when the session holds about N feedbacks. Each figure is one run on this machine.

Usage: PYTHONPATH=build/python python3 benchmarks/python_bench.py [--sizes 10,1000,10000]
"""

import argparse
import json
import os
import tempfile
import time
from datetime import datetime

from promptjournal import Feedback, SessionManager

WINDOW = 50


class OriginalStyleSession:
    """The state promptomatix keeps in memory for a session, and its to_dict."""

    def __init__(self, session_id, initial, config):
        self.session_id, self.initial, self.updated, self.prompt = session_id, initial, initial, None
        self.feedback, self.config, self.created_at = [], config, datetime.now()

    def to_dict(self):
        return {"session_id": self.session_id, "initial_human_input": self.initial,
                "updated_human_input": self.updated, "latest_optimized_prompt": self.prompt,
                "latest_human_feedback": [{"id": f.id, "text": f.text, "start_offset": f.start_offset,
                                           "end_offset": f.end_offset, "feedback": f.feedback,
                                           "created_at": f.created_at.isoformat()} for f in self.feedback],
                "comprehensive_feedback": None, "individual_feedbacks": [],
                "created_at": self.created_at.isoformat(), "config": self.config}


class OriginalStyleManager:
    """update_session = rewrite <dir>/<id>.json whole (promptomatix's _save_session pattern)."""

    def __init__(self, folder):
        self.folder = folder

    def update_session(self, session):
        with open(os.path.join(self.folder, f"{session.session_id}.json"), "w") as f:
            json.dump(session.to_dict(), f, indent=2)


CONFIG = {"model_name": "gpt-4o", "task_type": "classification", "temperature": 0.7}


def step_original(manager, session, i, save=True):
    session.prompt = f"You are a sentiment classifier, round {i}."
    session.feedback.append(Feedback("sentiment", 10, 19, f"feedback {i}: name the labels"))
    if save:
        manager.update_session(session)


def step_binding(manager, session, i):
    session.update_optimized_prompt(f"You are a sentiment classifier, round {i}.")
    session.add_feedback(Feedback("sentiment", 10, 19, f"feedback {i}: name the labels"))
    manager.update_session(session)


def run(kind, n, folder):
    """Seconds for the timed steps, and how many steps were timed."""
    timed = n if n <= 1000 else WINDOW
    if kind == "original":
        m = OriginalStyleManager(folder)
        s = OriginalStyleSession("bench", "Classify the review", CONFIG)
        m.update_session(s)
        for i in range(n - timed):
            step_original(m, s, i, save=False)
        start = time.perf_counter()
        for i in range(n - timed, n):
            step_original(m, s, i)
    else:
        m = SessionManager(folder, durability=kind.split("-")[1])
        s = m.create_session("bench", "Classify the review", CONFIG)
        for i in range(n - timed):
            step_binding(m, s, i)
        start = time.perf_counter()
        for i in range(n - timed, n):
            step_binding(m, s, i)
    return time.perf_counter() - start, timed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10,1000,10000")
    args = ap.parse_args()
    kinds = ["original", "binding-none", "binding-fsync"]
    print(f"{'feedbacks':>9} {'timed steps':>11} " + " ".join(f"{k + ' us/step':>20}" for k in kinds)
          + f" {'original/binding-none':>22} {'original/binding-fsync':>23}")
    for n in (int(x) for x in args.sizes.split(",")):
        per_step = {}
        for kind in kinds:
            with tempfile.TemporaryDirectory() as folder:
                seconds, timed = run(kind, n, folder)
            per_step[kind] = seconds / timed * 1e6
        print(f"{n:>9} {timed:>11} " + " ".join(f"{per_step[k]:>20.1f}" for k in kinds)
              + f" {per_step['original'] / per_step['binding-none']:>22.2f}"
              + f" {per_step['original'] / per_step['binding-fsync']:>23.2f}")


if __name__ == "__main__":
    main()
