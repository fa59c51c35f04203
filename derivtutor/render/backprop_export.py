"""The backpropagation presets' formulas in LaTeX (a sum over k, a kept product) and their titles.

Their LaTeX and Markdown are written from document.py like every other document (render/latex.py,
render/markdown.py), their JSON by render/json.py like every kind's.
"""

from __future__ import annotations

import sympy

from derivtutor.backprop import ChainOfDerivations, Explained
from derivtutor.render.latex import latex_expr, latex_factors, name_latex

Built = Explained | ChainOfDerivations


# -- words and maths -------------------------------------------------------------------------------------------
def m(expr: sympy.Expr) -> str:
    """Maths as the terminal shows it: a sum over k as \\sum_k(...), a kept product factor by factor."""
    if isinstance(expr, sympy.Sum):
        (index, *_), = expr.limits
        return rf"\sum_{{{latex_expr(index)}}} \left({m(expr.function)}\right)"
    if expr.is_Mul and any(isinstance(f, sympy.Sum) for f in expr.args):
        return r" \cdot ".join(m(f) if not f.is_Add else rf"\left({m(f)}\right)" for f in expr.args)
    if expr.is_Mul and not (expr.args[0] == -1 and len(expr.args) == 2):
        return _hats(latex_factors(list(expr.args)))
    return _hats(latex_expr(expr))


def _hats(text: str) -> str:
    """ŷ (the network's prediction) is spelt yhat in symbol names, as in the terminal renderer."""
    return text.replace(r"\mathrm{yhat}", r"\hat{y}")


def d(top: str, var: str) -> str:
    return rf"\frac{{d{name_latex(top)}}}{{d{name_latex(var)}}}"


def title_of(built: Built) -> str:
    if built.kind == "explained":
        return built.derivation.title or built.title
    return built.title
