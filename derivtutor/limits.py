"""Bounded work: time limits that fire in any thread and on any OS, the one big-stack worker, size counting.

A limit is a deadline kept in a context variable (so it follows the work into `in_deep_thread`), enforced two
ways. Cooperatively: the loops whose length depends on the input (the engine's step building and checking,
verify's point loop, plot sampling) call `check()`, which raises TimeLimitExceeded once the deadline has
passed. And by a watchdog: one daemon thread that, at the deadline, raises TimeLimitExceeded inside the
thread that set the limit (CPython's PyThreadState_SetAsyncExc), so a long SymPy call made of Python code is
interrupted too, in a worker thread as in the main one, on Windows as on Linux. (SIGALRM, used before, fires
only in the main thread of a POSIX process: never in the CLI's worker.) A long call inside C code is not
interrupted; sizes are bounded before such calls (tree_size), so none is long.
"""

from __future__ import annotations

import contextvars
import ctypes
import heapq
import itertools
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


class TimeLimitExceeded(Exception):
    """The bounded block ran out of time; `owner` is the limit that fired (see `time_limit`)."""

    limit_owner: object = None  # set on the per-limit subclass the watchdog raises (it cannot pass arguments)

    def __init__(self, message: str = "gave up: out of time", owner: object = None) -> None:
        super().__init__(message)
        self.owner = owner if owner is not None else type(self).limit_owner


class _Limit:
    __slots__ = ("clock", "end", "seconds", "token", "thread_id", "active", "fired", "lock")

    def __init__(self, seconds: float, cpu: bool) -> None:
        self.seconds = seconds
        self.clock = time.process_time if cpu else time.monotonic  # CPU time: work done, whatever the load
        self.end = self.clock() + seconds
        self.token = object()
        self.thread_id = threading.get_ident()
        self.active, self.fired = True, False
        self.lock = threading.Lock()

    @property
    def cpu(self) -> bool:
        return self.clock is time.process_time

    def left(self) -> float:
        return self.end - self.clock()

    def exceeded(self) -> TimeLimitExceeded:
        return TimeLimitExceeded(f"gave up after {self.seconds:g} s", self.token)


_LIMITS: contextvars.ContextVar[tuple[_Limit, ...]] = contextvars.ContextVar("derivtutor_limits", default=())


def check() -> None:
    """Raise TimeLimitExceeded if a deadline of the current work has passed (the outermost first). Cheap."""
    for limit in _LIMITS.get():
        if limit.left() <= 0:
            raise limit.exceeded()


def remaining() -> float | None:
    """Seconds left before the tightest deadline, or None when the work is not bounded."""
    limits = _LIMITS.get()
    return min(limit.left() for limit in limits) if limits else None


@contextmanager
def time_limit(seconds: float, token: object = None, cpu: bool = False) -> Iterator[object]:
    """Raise TimeLimitExceeded inside the block after `seconds`; nested limits all stay in force.

    With `cpu`, the seconds are CPU time of this process (work done), not the wall clock: on a busy machine
    the same input gets the same verdict as on an idle one.

    Yields a token: `exc.owner is token` tells a caller whether its own limit fired or an outer one did,
    so an inner `except TimeLimitExceeded` never swallows the outer deadline. (`token`: carry an outer
    limit's token into a worker thread.)
    """
    check()  # an outer deadline already passed: no new work under it (each verify.equal call passes here)
    if seconds <= 0:
        yield token or object()
        return
    limit = _Limit(seconds, cpu)
    limit.token = token or limit.token
    outer = _LIMITS.get()
    reset = _LIMITS.set((*outer, limit))
    _WATCHDOG.watch(limit)
    try:
        yield limit.token
    finally:
        try:
            with limit.lock:
                limit.active = False
                if limit.fired:  # raised asynchronously, perhaps not delivered yet: it must not escape later
                    _set_async_exc(limit.thread_id, None)
        finally:
            _LIMITS.reset(reset)


class OutOfTime(Exception):
    """`own_time_limit`'s own limit fired: the caller's answer is "undecided" or a refusal, not a crash."""


@contextmanager
def own_time_limit(seconds: float, cpu: bool = False) -> Iterator[None]:
    """time_limit for work that has its own answer to running out: its limit firing is raised as OutOfTime,
    while an outer deadline's TimeLimitExceeded passes through to the caller that set it."""
    mine = None
    try:
        with time_limit(seconds, cpu=cpu) as mine:
            yield
    except TimeLimitExceeded as exc:
        if exc.owner is not mine:
            raise
        raise OutOfTime(str(exc)) from None


def _in_this_thread(seconds: float | None, cpu: bool) -> tuple[float, object, bool] | None:
    """The limit a worker thread must enforce itself: its own, or the caller's tighter one (with its token)."""
    limits = [(limit.left(), limit.token, limit.cpu) for limit in _LIMITS.get()]
    if seconds is not None:
        limits.append((seconds, None, cpu))
    return min(limits, key=lambda triple: triple[0]) if limits else None


def _set_async_exc(thread_id: int, exc_type: type[BaseException] | None) -> None:
    if sys.implementation.name != "cpython":  # pragma: no cover - other Pythons: cooperative checks only
        return
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exc_type) if exc_type is not None else None)


REFIRE_SECONDS = 0.1


class _Watchdog:
    """One daemon thread that raises TimeLimitExceeded in the thread whose deadline has passed."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, _Limit]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, limit: _Limit) -> None:
        with self._wake:
            heapq.heappush(self._heap, (time.monotonic() + limit.left(), next(self._order), limit))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="derivtutor-watchdog", daemon=True)
                self._thread.start()
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._heap and not self._heap[0][2].active:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._wake.wait(5.0)
                    continue
                delay = self._heap[0][0] - time.monotonic()
                if delay > 0:
                    self._wake.wait(delay)
                    continue
                limit = heapq.heappop(self._heap)[2]
                if limit.left() > 0:  # a CPU-time limit: less work done than wall time passed; look again later
                    heapq.heappush(self._heap, (time.monotonic() + limit.left(), next(self._order), limit))
                    continue
            with limit.lock:
                if limit.active:
                    limit.fired = True
                    exc_type = type("TimeLimitExceeded", (TimeLimitExceeded,), {"limit_owner": limit.token})
                    _set_async_exc(limit.thread_id, exc_type)
            if limit.active:  # a callback run from C (a weakref's, a __del__) may swallow it: try again soon
                with self._wake:
                    heapq.heappush(self._heap, (time.monotonic() + REFIRE_SECONDS, next(self._order), limit))


_WATCHDOG = _Watchdog()


# ------------------------------------------------------------------------------------------ the deep worker
DEEP_STACK_BYTES = 512 * 1024 * 1024  # virtual: only the pages a deep expression touches are used
DEEP_RECURSION = 100_000
GRACE_SECONDS = 1.0
"""After its deadline a worker gets this long to notice before the caller stops waiting for it."""
CPU_WALL_FACTOR = 10
"""A CPU-time limit is also a wall-clock one this many times longer (a machine can be busy, not frozen)."""
_DEEP = threading.local()
_DEEP_LOCK = threading.RLock()


def in_deep_thread(work: Callable[[], T], seconds: float | None = None, cpu: bool = False) -> T:
    """work() with a big stack and recursion limit, within `seconds` (None: no limit of its own; `cpu`: seconds
    of CPU time, see time_limit).

    SymPy recurses once per level of an expression, so a 300-deep sin(sin(...)) overflows the main thread's
    stack. The one helper for that (reading, deriving, printing): already inside such a thread, work() just
    runs here. The caller's deadlines go along (the context is copied) and the limit is enforced inside the
    worker; should the worker be stuck in C code, the caller stops waiting GRACE_SECONDS later.
    """
    limit = _in_this_thread(seconds, cpu)

    def bounded() -> T:
        if limit is None:
            return work()
        with time_limit(max(limit[0], 1e-3), limit[1], limit[2]):
            return work()

    if getattr(_DEEP, "inside", False):
        return bounded()
    outcome: dict[str, object] = {}
    context = contextvars.copy_context()

    def target() -> None:
        _DEEP.inside = True
        try:
            outcome["value"] = context.run(bounded)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            outcome["error"] = exc
        finally:
            _leave_deep()

    worker = threading.Thread(target=target, name="derivtutor-deep", daemon=True)
    with _DEEP_LOCK:  # the stack size and the recursion limit are process-wide
        try:
            threading.stack_size(DEEP_STACK_BYTES)
        except (ValueError, RuntimeError):  # pragma: no cover - no settable stacks: run here
            return bounded()
        try:
            _raise_recursion_limit()
            worker.start()
        except RuntimeError:  # pragma: no cover - cannot start a thread
            _leave_deep()
            return bounded()
        finally:
            threading.stack_size(0)
    worker.join(None if limit is None else limit[0] * (CPU_WALL_FACTOR if limit[2] else 1) + GRACE_SECONDS)
    if worker.is_alive():
        raise TimeLimitExceeded(f"gave up after {limit[0]:g} s", limit[1])
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


_deep_workers = 0
_saved_recursion_limit = 0


def _raise_recursion_limit() -> None:
    """Raised while any deep worker runs, back down when the last one ends (called under _DEEP_LOCK)."""
    global _deep_workers, _saved_recursion_limit
    if _deep_workers == 0:
        _saved_recursion_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(_saved_recursion_limit, DEEP_RECURSION))
    _deep_workers += 1


def _leave_deep() -> None:
    global _deep_workers
    with _DEEP_LOCK:
        _deep_workers -= 1
        if _deep_workers == 0:
            sys.setrecursionlimit(_saved_recursion_limit)


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


MAX_NESTING_WORK = 200
"""Work allowed for functions applied inside functions (sin(exp(tan(...)))): each level is a layer of the chain
rule whose check costs more than the last, and SymPy's own building of each level asks about everything inside
it. A function costs 1 (NESTING_WEIGHTS: 2 or 3 for dearer ones), a reciprocal of a compound expression
(1/(1 + ...)) 9: sin nested 200 deep, tan 100, asin 66, 1/(1 + e^(-u)) 20 each take well under 1 s of CPU to
read, derive and check. Refusing by this count, not by the clock, gives the same answer on an idle and on a busy
machine, at once; the reader counts the functions as it reads (parsing.py), before SymPy builds anything."""
NESTING_WEIGHTS = {
    "tan": 2, "sec": 2, "csc": 2, "cot": 2, "tanh": 2, "coth": 2, "sech": 2, "csch": 2, "log": 2, "atan": 2,
    "acot": 2, "asinh": 2, "sigmoid": 2, "erf": 2, "erfc": 2,
    "asin": 3, "acos": 3, "asec": 3, "acsc": 3, "acosh": 3, "atanh": 3, "acoth": 3, "asech": 3, "acsch": 3,
}  # fmt: skip
"""Measured: parse + derive + check of each function nested 60 deep, in CPU time, against sin's (bench/refusals.md)."""
RECIPROCAL_WEIGHT = 9


def function_weight(name: str) -> int:
    """The nesting work of one application of the SymPy function called `name` (sin: 1, tan: 2, asin: 3)."""
    return NESTING_WEIGHTS.get(name, 1)


def _weight(node: object) -> int:
    if getattr(node, "is_Function", False):
        return function_weight(type(node).__name__)
    if getattr(node, "is_Pow", False):
        base, exponent = node.args
        if exponent.is_negative and not base.is_Atom:
            return RECIPROCAL_WEIGHT
    return 0


def nesting_work(expr: object, limit: int = MAX_NESTING_WORK) -> int | None:
    """The weighted depth of nested functions and reciprocals in a SymPy expression, or None past `limit`."""
    deepest, stack = 0, [(expr, 0)]
    while stack:
        node, depth = stack.pop()
        depth += _weight(node)
        if depth > limit:
            return None
        deepest = max(deepest, depth)
        stack.extend((arg, depth) for arg in node.args)
    return deepest
