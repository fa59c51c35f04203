"""What `derive TARGET` does: find the preset or parse the expression, pick the variable, derive, print.

Every failure a learner can cause ends here as one line on standard error and exit code 2; a failed
verification (a bug) is exit code 1 and nothing unverified is printed.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TypeVar

from derivtutor.preset_index import PRESET_SUMMARIES
from derivtutor.startup import EXIT_INTERNAL, EXIT_OK, fail, import_sympy_without_collecting
from derivtutor.targets import (  # noqa: F401 - re-exported for one round: callers now import derivtutor.targets
    MAX_DERIVATION_STEPS,
    MAX_EXPRESSION_NODES,
    TOO_BIG,
    InputError,
    build,
    choose_variable,
    derive_within,
    preset_hint,
)

DERIVE_SECONDS = 20.0
"""Budget for a named derivation: presets are known-good, so this is only a safety net."""
TYPED_DERIVE_SECONDS = 1.5
"""Budget for reading, deriving and checking a typed expression: what does not fit is refused, not waited for."""
T = TypeVar("T")


DEEP_STACK_BYTES = 512 * 1024 * 1024  # virtual: only the pages a deep expression touches are used
DEEP_RECURSION = 100_000


def in_deep_thread(work: Callable[[], T], seconds: float) -> T:
    """Run work() in a thread with a big stack and recursion limit; give up after `seconds`.

    SymPy recurses once per level of an expression, so a 200-deep sin(sin(...)) overflows the main thread's
    limit. The SIGALRM time limit only works in the main thread, so the main thread keeps the clock: it waits
    for the worker with a timeout and raises TimeLimitExceeded (the daemon worker dies with the process).
    """
    from derivtutor.limits import TimeLimitExceeded

    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed back to the main thread
            outcome["error"] = exc

    old_limit = sys.getrecursionlimit()
    try:
        old_stack = threading.stack_size(DEEP_STACK_BYTES)
    except (ValueError, RuntimeError):  # pragma: no cover - no settable stacks: run here
        return work()
    try:
        sys.setrecursionlimit(max(old_limit, DEEP_RECURSION))
        worker = threading.Thread(target=target, name="derivtutor-derive", daemon=True)
        worker.start()
    finally:
        threading.stack_size(old_stack)
    worker.join(seconds)
    if worker.is_alive():
        raise TimeLimitExceeded(f"gave up after {seconds:g} s")
    sys.setrecursionlimit(old_limit)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def run_derivation(target: str, wrt: str | None = None, detail: str = "normal", exports: object = None) -> int:
    """Derive and print; with `exports` (an export.Exports) also write the requested files first."""
    import_sympy_without_collecting()
    from derivtutor.engine import UnsupportedExpression
    from derivtutor.limits import TimeLimitExceeded
    from derivtutor.render.backprop_terminal import print_built
    from derivtutor.verify import UncheckedStep, VerificationError

    seconds = DERIVE_SECONDS if target in PRESET_SUMMARIES else TYPED_DERIVE_SECONDS
    try:  # in the deep worker: SymPy recurses once per level of the expression
        derivation = in_deep_thread(lambda: build(target, wrt), seconds)
    except _parse_error() as exc:  # evaluated only when something was raised
        return fail(exc.one_line() + preset_hint(target))
    except (InputError, UnsupportedExpression) as exc:
        return fail(str(exc))
    except TimeLimitExceeded:
        return fail(TOO_BIG.format(why=f" within {seconds:g} seconds"))
    except (RecursionError, MemoryError):
        return fail(TOO_BIG.format(why=" (it is nested too deeply)"))
    except UncheckedStep:
        return fail("a step of this derivation could not be checked against SymPy in time, so nothing is "
                    "shown; try a simpler piece of it")
    except VerificationError as exc:
        detail_text = str(exc) if len(str(exc)) <= 300 else str(exc)[:300] + "..."
        return fail(f"internal error: a step failed its check, so nothing is shown ({detail_text})",
                    EXIT_INTERNAL)
    if exports is not None:
        from derivtutor.export import run_exports

        # the whole preset: notes, rewrites, factors, delta, update
        code = in_deep_thread(lambda: run_exports(derivation, exports), DERIVE_SECONDS)
        if code != EXIT_OK or exports.uses_stdout:
            return code
    # Printing walks the expressions recursively too: a Derivation, or a backprop preset's Explained / chain.
    in_deep_thread(lambda: print_built(derivation, detail), DERIVE_SECONDS)
    return EXIT_OK


def _parse_error() -> type[Exception]:
    """ParseError without importing the parser for presets (it costs ~15 ms); unloaded, nothing raised one."""
    parsing = sys.modules.get("derivtutor.parsing")
    return parsing.ParseError if parsing is not None else _NeverRaised


class _NeverRaised(Exception):
    pass
