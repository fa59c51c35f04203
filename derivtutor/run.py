"""What `derive TARGET` does: find the preset or parse the expression, pick the variable, derive, print.

Every failure a learner can cause ends here as one line on standard error and exit code 2; a failed
verification (a bug) is exit code 1 and nothing unverified is printed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from derivtutor.preset_index import PRESET_SUMMARIES
from derivtutor.startup import EXIT_INTERNAL, EXIT_OK, fail, import_sympy_without_collecting, say
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
TYPED_DERIVE_SECONDS = 1.0
"""Budget in CPU seconds for reading, deriving and checking a typed expression: what does not fit is refused,
not waited for (most too-big inputs are refused before any work, by size and nesting)."""
T = TypeVar("T")


def in_deep_thread(work: Callable[[], T], seconds: float, cpu: bool = False) -> T:
    """limits.in_deep_thread: the one big-stack worker, with its time limit enforced inside it."""
    from derivtutor.limits import in_deep_thread as deep

    return deep(work, seconds, cpu)


def build_or_fail(target: str, wrt: str | None = None, *, notes: list[str] | None = None,
                  then: Callable[[object], object] | None = None, refusals: tuple[type[Exception], ...] = (),
                  what: str = "") -> object:
    """What `derive TARGET` builds (passed through `then` in the same worker), or the exit code after the one
    `derive: ...` line that every command (derive, check, --step) says for the same failure.

    `refusals` are more exception types a caller turns into one exit-2 line; `what` prefixes a reading error
    ("the target: ...").
    """
    import_sympy_without_collecting()
    from derivtutor.engine import UnsupportedExpression
    from derivtutor.limits import TimeLimitExceeded
    from derivtutor.verify import UncheckedStep, VerificationError

    typed = target not in PRESET_SUMMARIES
    seconds = TYPED_DERIVE_SECONDS if typed else DERIVE_SECONDS

    def work() -> object:
        built = build(target, wrt, notes)
        return then(built) if then is not None else built

    try:  # in the deep worker: SymPy recurses once per level of the expression
        # CPU time for typed input: the verdict on an expression must not depend on the machine's load
        return in_deep_thread(work, seconds, cpu=typed)
    except _parse_error() as exc:  # evaluated only when something was raised
        return fail(what + exc.one_line() + preset_hint(target))
    except (InputError, UnsupportedExpression, *refusals) as exc:
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


def run_derivation(target: str, wrt: str | None = None, detail: str = "normal", exports: object = None) -> int:
    """Derive and print; with `exports` (an export.Exports) also write the requested files first."""
    notes: list[str] = []
    derivation = build_or_fail(target, wrt, notes=notes)
    if isinstance(derivation, int):
        return derivation
    from derivtutor.console import output_style
    from derivtutor.limits import TimeLimitExceeded
    from derivtutor.render.readback import MisprintedAnswer, check_printed_answer
    from derivtutor.render.terminal import print_built

    try:
        # the answer's printed text reads back as the answer (each export checks its own format too)
        shown = "unicode" if output_style().unicode else "ascii"
        in_deep_thread(lambda: check_printed_answer(derivation, (shown,)), DERIVE_SECONDS)
        if exports is not None:
            from derivtutor.export import run_exports

            # the whole preset: notes, rewrites, factors, delta, update
            code = in_deep_thread(lambda: run_exports(derivation, exports), DERIVE_SECONDS)
            if code != EXIT_OK or exports.uses_stdout:
                return code
        # Printing walks the expressions recursively too: a Derivation, or a backprop preset's Explained / chain.
        for line in notes:  # how the input was read, before the derivation (never in an exported file)
            say(line)
        in_deep_thread(lambda: print_built(derivation, detail), DERIVE_SECONDS)
    except TimeLimitExceeded:
        return fail(f"writing the result took more than {DERIVE_SECONDS:g} seconds; try a smaller piece of it")
    except MisprintedAnswer as exc:
        return fail(f"internal error: {exc}", EXIT_INTERNAL)
    return EXIT_OK


def _parse_error() -> type[Exception]:
    """ParseError without importing the parser for presets (it costs ~15 ms); unloaded, nothing raised one."""
    parsing = sys.modules.get("derivtutor.parsing")
    return parsing.ParseError if parsing is not None else _NeverRaised


class _NeverRaised(Exception):
    pass
