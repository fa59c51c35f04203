"""The exceptions derivtutor raises to Python callers; the `derive` command turns each into one line and a code.

Importing this module costs nothing (no SymPy), so `derivtutor.InputError` is there as soon as the package is.
None of them is an AssertionError: `python -O` strips asserts, and a library's refusals must not depend on it.
"""

from __future__ import annotations


class InputError(ValueError):
    """The input cannot be derived as given: it does not read, names no variable, or is past a size, depth or
    time limit. The message is one line saying what to change (the CLI's exit code 2)."""


class CannotDecide(RuntimeError):
    """A step could not be checked against SymPy within its time limit, so nothing unverified is returned."""


class InternalError(RuntimeError):
    """A rule produced something that is not the derivative: a bug in derivtutor (the CLI's exit code 1)."""
