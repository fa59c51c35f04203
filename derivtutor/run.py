"""What `derive TARGET` does: find the preset or parse the expression, pick the variable, derive, print.

Every failure a learner can cause ends here as one line on standard error and exit code 2; a failed
verification (a bug) is exit code 1 and nothing unverified is printed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import typer

from derivtutor.preset_index import PRESET_SUMMARIES

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2
DERIVE_SECONDS = 20.0
"""Budget for a named derivation: presets are known-good, so this is only a safety net."""
TYPED_DERIVE_SECONDS = 1.5
"""Budget for reading, deriving and checking a typed expression: what does not fit is refused, not waited for."""
MAX_EXPRESSION_NODES = 1000
"""Parts (numbers, names, operations) a typed expression may have before we start deriving it."""
MAX_DERIVATION_STEPS = 300
"""Rule steps a derivation may have: more is not readable in a terminal (and bounds the output)."""
MAX_RESULT_NODES = 5000
"""Parts the derivative itself may have: more would fill screens with one formula (and bounds the output)."""
TOO_BIG = "this expression is too big to derive step by step{why}; try a smaller piece of it first"


class InputError(ValueError):
    """Something the learner typed or asked for that cannot be done; the message is one line."""


@dataclass
class Request:
    target: str
    wrt: str | None = None


def choose_variable(expr: object, wrt: str | None) -> object:
    """The variable: --wrt if given (it must occur), else the only free symbol, else ask for --wrt."""
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    if wrt is not None:
        match = [s for s in symbols if s.name == wrt]
        if match:
            return match[0]
        import sympy

        if wrt.isidentifier():
            return sympy.Symbol(wrt, real=True)  # not in the expression: the derivative is 0, and we say why
        raise InputError(f"--wrt {wrt!r} is not a variable name")
    if len(symbols) == 1:
        return symbols[0]
    if not symbols:
        import sympy

        return sympy.Symbol("x", real=True)
    names = ", ".join(s.name for s in symbols)
    raise InputError(f"this expression has several variables ({names}); say which one with --wrt, "
                     f"e.g. --wrt {symbols[0].name}")


def build(target: str, wrt: str | None = None) -> object:
    """A preset's derivation, or the derivation of a typed expression."""
    if target in PRESET_SUMMARIES:  # the light index: a refused typo or bad input never imports the engine
        from derivtutor.presets import PRESETS

        if wrt is not None:
            raise InputError(f"'{target}' is a named derivation; --wrt only applies to expressions you type")
        return PRESETS[target].build()
    from derivtutor.parsing import parse_expression

    suggestion = _preset_hint(target)
    if suggestion and len(target) > 3:  # a lone word close to a preset's name is a typo, not a variable
        raise InputError(f"there is no named derivation '{target}'{suggestion}")
    expr = parse_expression(target)
    from derivtutor.engine import derive

    _check_size(expr, MAX_EXPRESSION_NODES, "it has more than {limit} parts")
    derivation = derive(expr, choose_variable(expr, wrt))
    if sum(1 for _ in derivation.root.walk()) > MAX_DERIVATION_STEPS:
        raise InputError(TOO_BIG.format(why=f" (it would take more than {MAX_DERIVATION_STEPS} steps)"))
    _check_size(derivation.final, MAX_RESULT_NODES, "its derivative has more than {limit} parts")
    return derivation


def _check_size(expr: object, limit: int, why: str) -> None:
    """Refuse an expression with more than `limit` tree nodes, counting only up to the limit (cheap)."""
    import sympy

    for count, _ in enumerate(sympy.preorder_traversal(expr), start=1):
        if count > limit:
            raise InputError(TOO_BIG.format(why=" (" + why.format(limit=limit) + ")"))


def run_derivation(target: str, wrt: str | None = None, detail: str = "normal") -> int:
    from derivtutor.limits import TimeLimitExceeded, time_limit
    from derivtutor.parsing import ParseError

    seconds = DERIVE_SECONDS if target in PRESET_SUMMARIES else TYPED_DERIVE_SECONDS
    try:
        with time_limit(seconds):
            derivation = build(target, wrt)
    except ParseError as exc:
        return _fail(exc.one_line() + _preset_hint(target), EXIT_BAD_INPUT)
    except InputError as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    except TimeLimitExceeded:
        return _fail(TOO_BIG.format(why=f" within {seconds:g} seconds"), EXIT_BAD_INPUT)
    except (RecursionError, MemoryError):
        return _fail(TOO_BIG.format(why=" (it is nested too deeply)"), EXIT_BAD_INPUT)
    except Exception as exc:  # engine errors, imported only once the engine has been loaded
        from derivtutor.engine import UnsupportedExpression
        from derivtutor.verify import VerificationError

        if isinstance(exc, UnsupportedExpression):
            return _fail(str(exc), EXIT_BAD_INPUT)
        if isinstance(exc, VerificationError):
            detail_text = str(exc) if len(str(exc)) <= 300 else str(exc)[:300] + "..."
            return _fail(f"internal error: a step failed its check, so nothing is shown ({detail_text})",
                         EXIT_INTERNAL)
        raise
    from derivtutor.render.terminal import print_derivation

    print_derivation(derivation, detail)
    return EXIT_OK


def _preset_hint(target: str) -> str:
    """A word that looks like a misspelt preset gets the nearest preset's name."""
    import difflib

    if not target.replace("-", "").isalpha():
        return ""
    close = difflib.get_close_matches(target, list(PRESET_SUMMARIES), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'? see derive --list)" if close else ""


def _fail(message: str, code: int) -> int:
    typer.echo(f"derive: {message}", err=True)
    sys.stderr.flush()
    return code
