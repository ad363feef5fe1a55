"""Fixtures shared by the binding's tests."""

import os
import subprocess
import sys

import pytest

import promptjournal


@pytest.fixture
def root(tmp_path):
    return tmp_path / "sessions"


@pytest.fixture
def manager(root):
    """A drop-in SessionManager on a fresh folder (write(2) without fsync: tests need no power-loss safety)."""
    return promptjournal.SessionManager(root, durability="none")


@pytest.fixture
def pjournal():
    """Runs the pjournal tool built with the module; returns the CompletedProcess."""
    path = os.environ.get("PJ_PJOURNAL")
    assert path, "PJ_PJOURNAL must name the pjournal binary (CTest sets it)"

    def run(*args):
        return subprocess.run([path, *map(str, args)], capture_output=True, text=True)
    return run


def run_python(code, *args, env=None):
    """Runs `code` in a new interpreter (the one running the tests) with the same module path."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True,
                          env=full_env)
