"""Time bounds for work whose cost depends on what a user typed.

SymPy cannot be interrupted politely, so the bound is a SIGALRM timer in the main thread (the CLI and the
lesson player run there). Elsewhere (helper threads, Windows) the block runs unbounded rather than failing.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class TimeLimitExceeded(Exception):
    """The bounded block ran out of time."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeLimitExceeded inside the block after `seconds` (nested limits keep the tighter outer one)."""
    usable = (
        seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return
    remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    if remaining and remaining < seconds:  # an outer limit is tighter: leave it in charge
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise TimeLimitExceeded(f"gave up after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
