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


class PresetResult:
    """A backprop preset (an Explained derivation or a chain of derivations) with its document renderings."""

    def __init__(self, built: object) -> None:
        self.built = built

    def latex(self, fragment: bool = False, detail: str = "normal") -> str:
        from derivtutor.render.backprop_export import latex

        return latex(self.built, fragment=fragment, detail=detail)

    def markdown(self, detail: str = "normal") -> str:
        from derivtutor.render.backprop_export import markdown

        return markdown(self.built, detail=detail)

    def json(self, indent: int | None = 2) -> str:
        from derivtutor.render.backprop_export import render_json

        return render_json(self.built, indent=indent)

    def data(self) -> dict:
        from derivtutor.render.backprop_export import data

        return data(self.built)

    def _repr_markdown_(self) -> str:
        return self.markdown()

    @property
    def verified(self) -> bool:
        return bool(self.built.verified)

    def __repr__(self) -> str:
        from derivtutor.render.backprop_export import title_of

        return f"<{type(self.built).__name__} {title_of(self.built)}{' (verified)' if self.verified else ''}>"


def derive(target: str | sympy.Expr, wrt: str | sympy.Symbol | None = None) -> DerivationResult | PresetResult:
    """Derive a preset, a text expression or a SymPy expression; every step is checked against sympy.diff.

    A backprop preset (error, output-weight, ...) gives a PresetResult: the same latex/markdown/json methods
    for the whole preset with its notes.
    """
    if isinstance(target, str):
        built = build(target.strip(), wrt)  # presets and typed text, exactly as the CLI does
        return DerivationResult(built) if isinstance(built, Derivation) else PresetResult(built)
    if not isinstance(target, sympy.Basic):
        raise TypeError(f"derive() takes a SymPy expression or a string, not {type(target).__name__}")
    name = wrt.name if isinstance(wrt, sympy.Symbol) else wrt
    return DerivationResult(derive_expression(target, choose_variable(target, name)))
