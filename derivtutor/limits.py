"""Time bounds for work whose cost depends on what a user typed.

SymPy cannot be interrupted politely, so the bound is a SIGALRM timer in the main thread (the CLI and the
lesson player run there). Elsewhere (helper threads, Windows) the block runs unbounded rather than failing.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class TimeLimitExceeded(Exception):
    """The bounded block ran out of time; `owner` is the limit that fired (see `time_limit`)."""

    def __init__(self, message: str, owner: object = None) -> None:
        super().__init__(message)
        self.owner = owner


@contextmanager
def time_limit(seconds: float) -> Iterator[object]:
    """Raise TimeLimitExceeded inside the block after `seconds` (nested limits keep the tighter outer one).

    Yields a token: `exc.owner is token` tells a caller whether its own limit fired or an outer one did,
    so an inner `except TimeLimitExceeded` never swallows the outer deadline. On leaving, an outer limit's
    timer is restored with the time it has left, so nesting never cancels it.
    """
    token = object()
    usable = (
        seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield token
        return
    remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    if remaining and remaining < seconds:  # an outer limit is tighter: leave it in charge
        yield token
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise TimeLimitExceeded(f"gave up after {seconds:g} s", token)

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield token
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if remaining:  # an outer limit was running: give it back the time it has left (at least a tick)
            signal.setitimer(signal.ITIMER_REAL, max(remaining - (time.monotonic() - started), 1e-3))


def tree_size(expr: object, limit: int) -> int | None:
    """The number of nodes of a SymPy expression tree, or None once it passes `limit` (so it costs O(limit)).

    Iterative: SymPy's preorder_traversal nests generators and costs O(depth) per node on deep trees.
    """
    count, stack = 0, [expr]
    while stack:
        node = stack.pop()
        count += 1
        if count > limit:
            return None
        stack.extend(node.args)
    return count
