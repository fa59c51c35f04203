"""Python use: `derive("1/(1+exp(-x))")` gives a Result that shows itself in Jupyter and exports anywhere.

It accepts a SymPy expression, a text expression (read by `derivtutor.parsing`, never eval'd) or a preset name.
The variable is the expression's one free symbol, or `wrt`; with several and no `wrt` it refuses rather than
guess, naming them. The CLI's safeguards hold here too: the same size and time limits (keyword arguments
change them), work in a thread with a deep stack (a deeply nested input never ends in a RecursionError, from
any thread), and only derivtutor's own exceptions: InputError (a ValueError), CannotDecide, InternalError.
Text and presets come back with plain `Symbol("x")` (the reader's symbols are real=True; `real_symbols=True`
keeps them; a SymPy expression keeps the caller's own symbols), so `result.final.subs(Symbol("x"), 0)` and
lambdify on `result.final` work as expected.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import TypeVar

import sympy

from derivtutor.derivation import Derivation
from derivtutor.errors import CannotDecide, InputError, InternalError
from derivtutor.export import render_document
from derivtutor.preset_index import PRESET_SUMMARIES
from derivtutor.render.readback import check_printed_answer
from derivtutor.run import DERIVE_SECONDS, TYPED_DERIVE_SECONDS, in_deep_thread
from derivtutor.targets import (
    MAX_DERIVATION_STEPS,
    MAX_EXPRESSION_NODES,
    TOO_BIG,
    build,
    choose_variable,
    derive_within,
)

T = TypeVar("T")
__all__ = ["CannotDecide", "InputError", "InternalError", "Result", "derive", "preset_names"]


def plain_symbols(expr: sympy.Basic) -> sympy.Basic:
    """`expr` with every Symbol that carries assumptions (the reader's real=True x) replaced by plain Symbol(name)."""
    swap = {s: sympy.Symbol(s.name) for s in expr.free_symbols
            if isinstance(s, sympy.Symbol) and not isinstance(s, sympy.Dummy) and s != sympy.Symbol(s.name)}
    return expr.xreplace(swap) if swap else expr


class Result:
    """What derive() built, with its renderings: LaTeX, Markdown, JSON, plots and Jupyter's rich display.

    `built` is a Derivation, or a backprop preset (an Explained derivation or a chain of derivations);
    export.render_document picks the renderer, exactly as `derive TARGET --latex` does.
    """

    def __init__(self, built: object, real_symbols: bool = False) -> None:
        self.built = built
        self.real_symbols = real_symbols
        """True: expressions keep the reader's real=True symbols; False (default): plain Symbol("x")."""
        self._target = None

    def check(self, answer: str | sympy.Expr) -> object:
        """Judge a learner's answer (text or SymPy) the way `derive check` does: a judge.Verdict."""
        from derivtutor.judge import judge_answer, target_for, verdict_for_text

        self._target = self._target or target_for(self.built)
        if isinstance(answer, str):
            return verdict_for_text(self._target, answer)
        return judge_answer(self._target, answer)

    def check_working(self, lines: str | list[str]) -> list:
        """Judge a working (one step per line) the way `derive check --work` does: a list of judge.LineVerdict."""
        from derivtutor.checking import working_lines
        from derivtutor.judge import judge_working, target_for

        self._target = self._target or target_for(self.built)
        return judge_working(self._target, working_lines(lines) if isinstance(lines, str) else lines)

    def _out(self, expr: sympy.Basic) -> sympy.Basic:
        return expr if self.real_symbols else plain_symbols(expr)

    @property
    def derivation(self) -> Derivation:
        """The single verified tree (an explained preset's own derivation); a chain has several (AttributeError:
        see .derivations)."""
        inner = self.built.derivations()
        if len(inner) != 1:
            raise AttributeError("a chain of derivations has no single tree; see .derivations for its factors")
        return inner[0]

    @property
    def derivations(self) -> list[Derivation]:
        """Every verified tree inside (derivation.Built), in the order they are shown."""
        return self.built.derivations()

    @property
    def expr(self) -> sympy.Expr:
        """The expression that was differentiated."""
        return self._out(self.derivation.expr)

    @property
    def var(self) -> sympy.Symbol:
        """The variable it was differentiated with respect to."""
        return self._out(self.derivation.var)

    @property
    def result(self) -> sympy.Expr:
        """The derivative as the rules produced it (before the algebra to the teacher's form)."""
        return self._out(self.derivation.result)

    @property
    def final(self) -> sympy.Expr:
        """The derivative in its final, simplified form (for the sigmoid: sigmoid(x)*(1 - sigmoid(x)))."""
        return self._out(self.derivation.final)

    @property
    def final_real(self) -> sympy.Expr:
        """`final` with the reader's real=True symbols, as the derivation was checked."""
        return self.derivation.final

    @property
    def verified(self) -> bool:
        """Whether every step was checked against sympy.diff (always True for a returned Result)."""
        return bool(self.built.verified)

    def latex(self, fragment: bool = False, detail: str = "normal") -> str:
        """A LaTeX document (or, with `fragment`, its body without the preamble), as `derive TARGET --latex`."""
        return _deep(lambda: render_document(self.built, "latex", fragment=fragment, detail=detail))

    def markdown(self, detail: str = "normal") -> str:
        """Markdown with $...$ maths, as `derive TARGET --markdown`."""
        return _deep(lambda: render_document(self.built, "markdown", detail=detail))

    def html(self, detail: str = "normal") -> str:
        """One self-contained HTML page (maths as MathML), as `derive TARGET --html FILE` writes it."""
        return render_document(self.built, "html", detail=detail)

    def _repr_html_(self) -> str:
        """One <div> with a scoped style: a whole page's CSS would restyle the notebook around it."""
        return render_document(self.built, "html", fragment=True)

    def json(self, indent: int | None = 2, detail: str = "normal") -> str:
        """The derivation as JSON text, as `derive TARGET --json` (see derivation.schema.json)."""
        from derivtutor.render import documents

        return _deep(lambda: documents.json_text(self.built, indent=indent, detail=detail))

    def data(self, detail: str = "normal") -> dict:
        """The JSON document as Python data."""
        from derivtutor.render import documents

        return _deep(lambda: documents.data(self.built, detail))

    def svg(self) -> str:
        """An SVG plot of f and f' (no matplotlib needed)."""
        from derivtutor.render.plot import render_svg, sample

        return _deep(lambda: render_svg(sample(self.derivation)))

    def text_plot(self, width: int | None = None, unicode: bool = True) -> str:
        """A character plot of f and f', `width` columns wide (the terminal's by default)."""
        from derivtutor.render.plot import render_text, sample

        return _deep(lambda: render_text(sample(self.derivation), width=width, unicode=unicode))

    def _repr_latex_(self) -> str | None:
        """Jupyter: the derivation as MathJax (None for a preset, which then shows as Markdown)."""
        if self.built.kind != "derivation":
            return None
        from derivtutor.render.latex import mathjax_block

        return _deep(lambda: mathjax_block(self.built))

    def _repr_markdown_(self) -> str:
        """Jupyter: the Markdown rendering."""
        return self.markdown()

    def __repr__(self) -> str:
        return _deep(self._describe)

    def _describe(self) -> str:
        """`<derivation d/dx EXPR = FINAL (verified)>`; the one-line description behind repr()."""
        mark = " (verified)" if self.verified else ""
        if self.built.kind == "derivation":
            d = self.built
            return f"<derivation d/d{d.var.name} {d.expr} = {d.final}{mark}>"
        from derivtutor.render.documents import title

        return f"<{type(self.built).__name__} {title(self.built)}{mark}>"


def _deep(work: Callable[[], T]) -> T:
    """Rendering walks the expressions recursively, as deriving does: the same deep-stack thread (not the
    caller's, which may be a small worker thread), so a deeply nested result prints instead of overflowing."""
    return in_deep_thread(work, DERIVE_SECONDS)


def preset_names() -> dict[str, str]:
    """The named derivations derive() accepts, each with its one-line summary."""
    return dict(PRESET_SUMMARIES)


def derive(target: str | sympy.Expr, wrt: str | sympy.Symbol | None = None, *, seconds: float | None = None,
           max_nodes: int = MAX_EXPRESSION_NODES, max_steps: int = MAX_DERIVATION_STEPS,
           real_symbols: bool = False) -> Result:
    """Derive a preset, a text expression or a SymPy expression; every step is checked against sympy.diff.

    `seconds` bounds the work (default: the CLI's, 1.5 s for an expression, 20 s for a preset; math.inf for
    none); `max_nodes` and `max_steps` bound the expression's size and the derivation's length. A backprop preset
    (error, output-weight, ...) renders whole, with its notes and factors. Safe to call from any thread.

    Raises InputError (a ValueError: unreadable, ambiguous, too big or too slow), CannotDecide (a step could
    not be checked in time) or InternalError (a bug: a step failed its check). Work that runs out of time is
    abandoned, not stopped: it finishes in a background thread and its result is dropped.
    """
    if isinstance(target, str):
        target = target.strip()

        def work() -> object:
            return build(target, _wrt_name(wrt), max_nodes=max_nodes, max_steps=max_steps)
    elif isinstance(target, sympy.Basic):
        expression = target

        def work() -> object:
            return derive_within(expression, choose_variable(expression, _wrt_name(wrt)),
                                 max_nodes=max_nodes, max_steps=max_steps)
    else:
        raise TypeError(f"derive() takes a SymPy expression or a string, not {type(target).__name__}")
    if seconds is None:
        seconds = DERIVE_SECONDS if target in PRESET_SUMMARIES else TYPED_DERIVE_SECONDS
    # The reader's (and the presets') symbols are real=True: plain Symbol(name) unless asked; a SymPy expression
    # comes back in the caller's own symbols.
    keep_symbols = real_symbols or isinstance(target, sympy.Basic)
    built = _guarded(work, seconds)
    _deep(lambda: check_printed_answer(built))  # the answer's text, in every format a Result shows, reads back
    return Result(built, real_symbols=keep_symbols)


def _wrt_name(wrt: str | sympy.Symbol | None) -> str | None:
    return wrt.name if isinstance(wrt, sympy.Symbol) else wrt


def _guarded(work: object, seconds: float) -> object:
    """Run `work` as the CLI does (deep-stack thread, time limit) and turn every refusal into our exceptions."""
    from derivtutor.engine import UnsupportedExpression
    from derivtutor.limits import TimeLimitExceeded
    from derivtutor.parsing import ParseError

    try:
        return in_deep_thread(work, seconds if math.isfinite(seconds) else None)  # type: ignore[arg-type]
    except ParseError as exc:
        raise InputError(exc.one_line()) from exc
    except (CannotDecide, InternalError):
        raise
    except InputError as exc:
        raise InputError(without_cli_flags(str(exc))) from exc
    except UnsupportedExpression as exc:
        raise InputError(without_cli_flags(str(exc))) from exc
    except TimeLimitExceeded as exc:
        raise InputError(TOO_BIG.format(why=f" within {seconds:g} seconds") + " (or pass seconds=...)") from exc
    except (RecursionError, MemoryError) as exc:
        raise InputError(TOO_BIG.format(why=" (it is nested too deeply)")) from exc


def without_cli_flags(message: str) -> str:
    """A CLI message reworded for Python callers: `--wrt a` becomes `wrt='a'`, `derive --list` preset_names()."""
    message = re.sub(r"--wrt '([^']*)'", r"wrt='\1'", message)
    message = re.sub(r"e\.g\. --wrt ([A-Za-z_]\w*)", r"e.g. wrt='\1'", message)
    message = message.replace("--wrt", "wrt").replace("derive --help and ", "")
    return message.replace("derive --list", "derivtutor.preset_names()")
