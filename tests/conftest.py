"""Shared helpers: symbols as the parser builds them, and a runner for the real `derive` command."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import sympy


def sym(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


def run_cli(*args: str, env: dict | None = None, input: str | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `python -m derivtutor ARGS` in a real subprocess, piped (so plain text), 80 columns."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80", "PYTHONIOENCODING": "utf-8"}
    full_env.pop("DERIVTUTOR_DEBUG", None)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "derivtutor", *args], capture_output=True, text=True,
                          env=full_env, input=input, timeout=timeout, encoding="utf-8")


@pytest.fixture
def x() -> sympy.Symbol:
    return sym("x")


# Property tests draw the same examples on every run (CI, a newcomer's machine, a developer's): a failure is
# reproducible and a pass means the same thing everywhere.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("derivtutor", derandomize=True)
_hypothesis_settings.load_profile("derivtutor")
