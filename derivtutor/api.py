"""Python use: `derive("1/(1+exp(-x))")` gives an object that shows itself in Jupyter and exports anywhere.

It accepts a SymPy expression, a text expression (parsed by `derivtutor.parsing`, never eval'd) or a preset
name. The variable is the expression's one free symbol, or `wrt`; with several and no `wrt` it refuses rather
than guess, naming them.
"""

from __future__ import annotations

import sympy

from derivtutor.derivation import Derivation
from derivtutor.engine import derive as derive_expression
from derivtutor.export import render_document
from derivtutor.run import build, choose_variable


class Result:
    """What derive() built, with its renderings: LaTeX, Markdown, JSON and Jupyter's rich display.

    `built` is a Derivation, or a backprop preset (an Explained derivation or a chain of derivations);
    export.render_document picks the renderer, exactly as `derive TARGET --latex` does.
    """

    def __init__(self, built: object) -> None:
        self.built = built
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

    @property
    def derivation(self) -> Derivation:
        """The single verified tree (an explained preset's own derivation); a chain has none."""
        inner = getattr(self.built, "derivation", self.built)
        if not isinstance(inner, Derivation):
            raise AttributeError("a chain of derivations has no single tree; see .built for its factors")
        return inner

    def latex(self, fragment: bool = False, detail: str = "normal") -> str:
        return render_document(self.built, "latex", fragment=fragment, detail=detail)

    def markdown(self, detail: str = "normal") -> str:
        return render_document(self.built, "markdown", detail=detail)

    def json(self, indent: int | None = 2) -> str:
        if isinstance(self.built, Derivation):
            from derivtutor.render.json import render_json

            return render_json(self.built, indent=indent)
        from derivtutor.render.backprop_export import render_json as render_preset_json

        return render_preset_json(self.built, indent=indent)

    def data(self) -> dict:
        """The JSON document as Python data."""
        if isinstance(self.built, Derivation):
            from derivtutor.render.json import derivation_data

            return derivation_data(self.built)
        from derivtutor.render.backprop_export import data

        return data(self.built)

    def svg(self) -> str:
        from derivtutor.render.plot import render_svg, sample

        return render_svg(sample(self.derivation))

    def text_plot(self, width: int | None = None) -> str:
        from derivtutor.render.plot import render_text, sample

        return render_text(sample(self.derivation), width=width)

    def _repr_latex_(self) -> str | None:
        if not isinstance(self.built, Derivation):
            return None  # Jupyter then uses the Markdown
        from derivtutor.render.latex import mathjax_block

        return mathjax_block(self.built)

    def _repr_markdown_(self) -> str:
        return self.markdown()

    @property
    def verified(self) -> bool:
        return bool(self.built.verified)

    @property
    def result(self) -> sympy.Expr:
        return self.derivation.result

    @property
    def final(self) -> sympy.Expr:
        return self.derivation.final

    def __repr__(self) -> str:
        mark = " (verified)" if self.verified else ""
        if isinstance(self.built, Derivation):
            d = self.built
            return f"<derivation d/d{d.var.name} {d.expr} = {d.final}{mark}>"
        from derivtutor.render.backprop_export import title_of

        return f"<{type(self.built).__name__} {title_of(self.built)}{mark}>"


def derive(target: str | sympy.Expr, wrt: str | sympy.Symbol | None = None) -> Result:
    """Derive a preset, a text expression or a SymPy expression; every step is checked against sympy.diff.

    A backprop preset (error, output-weight, ...) renders whole, with its notes and factors.
    """
    if isinstance(target, str):
        built = build(target.strip(), wrt)  # presets and typed text, exactly as the CLI does
        return Result(built)
    if not isinstance(target, sympy.Basic):
        raise TypeError(f"derive() takes a SymPy expression or a string, not {type(target).__name__}")
    name = wrt.name if isinstance(wrt, sympy.Symbol) else wrt
    return Result(derive_expression(target, choose_variable(target, name)))
