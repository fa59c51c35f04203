"""Python use: `derive("1/(1+exp(-x))")` gives an object that shows itself in Jupyter and exports anywhere.

It accepts a SymPy expression, a text expression (parsed by `derivtutor.parsing`, never eval'd) or a preset
name. The variable is the expression's one free symbol, or `wrt`; with several and no `wrt` it refuses rather
than guess, naming them.
"""

from __future__ import annotations

import sympy

from derivtutor.derivation import Derivation
from derivtutor.engine import derive as derive_expression
from derivtutor.run import build, choose_variable


class DerivationResult:
    """A Derivation with its renderings: LaTeX, Markdown, JSON, plots, and Jupyter's rich display."""

    def __init__(self, derivation: Derivation) -> None:
        self.derivation = derivation

    def latex(self, fragment: bool = False, detail: str = "normal") -> str:
        from derivtutor.render.latex import render_latex

        return render_latex(self.derivation, fragment=fragment, detail=detail)

    def markdown(self, detail: str = "normal") -> str:
        from derivtutor.render.markdown import render_markdown

        return render_markdown(self.derivation, detail=detail)

    def json(self, indent: int | None = 2) -> str:
        from derivtutor.render.json import render_json

        return render_json(self.derivation, indent=indent)

    def data(self) -> dict:
        """The JSON document as Python data."""
        from derivtutor.render.json import derivation_data

        return derivation_data(self.derivation)

    def svg(self) -> str:
        from derivtutor.render.plot import render_svg, sample

        return render_svg(sample(self.derivation))

    def text_plot(self, width: int | None = None) -> str:
        from derivtutor.render.plot import render_text, sample

        return render_text(sample(self.derivation), width=width)

    def _repr_latex_(self) -> str:
        from derivtutor.render.latex import mathjax_block

        return mathjax_block(self.derivation)

    def _repr_markdown_(self) -> str:
        return self.markdown()

    @property
    def result(self) -> sympy.Expr:
        return self.derivation.result

    @property
    def final(self) -> sympy.Expr:
        return self.derivation.final

    def __repr__(self) -> str:
        d = self.derivation
        return f"<derivation d/d{d.var.name} {d.expr} = {d.final}{' (verified)' if d.verified else ''}>"


def derive(target: str | sympy.Expr, wrt: str | sympy.Symbol | None = None) -> DerivationResult:
    """Derive a preset, a text expression or a SymPy expression; every step is checked against sympy.diff."""
    if isinstance(target, str):
        built = build(target.strip(), wrt)  # presets and typed text, exactly as the CLI does
        inner = getattr(built, "derivation", built)  # an explained backprop preset wraps one derivation
        if not isinstance(inner, Derivation):
            raise ValueError(f"'{target}' is a chain of derivations; derive its factors one by one")
        return DerivationResult(inner)
    if not isinstance(target, sympy.Basic):
        raise TypeError(f"derive() takes a SymPy expression or a string, not {type(target).__name__}")
    name = wrt.name if isinstance(wrt, sympy.Symbol) else wrt
    return DerivationResult(derive_expression(target, choose_variable(target, name)))
