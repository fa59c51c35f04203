"""The backpropagation presets as JSON (an Explained derivation, a chain of derivations).

Their LaTeX and Markdown are written from document.py like every other document (render/latex.py,
render/markdown.py); what is left here is the presets' JSON shape. Every inner Derivation is written by
json.derivation_data, so a factor reads exactly like its own `derive --json`. Nothing here differentiates.
"""

from __future__ import annotations

from typing import Any

import sympy

from derivtutor.backprop import ChainOfDerivations, Explained, Factor, Rewrite
from derivtutor.mathtext import math_text, name_text
from derivtutor.render.json import SCHEMA_VERSION, derivation_data, expr_data
from derivtutor.render.latex import latex_expr, latex_factors, name_latex
from derivtutor.teaching import ALGEBRA_MOVES, NOTES

Built = Explained | ChainOfDerivations


# -- words and maths -------------------------------------------------------------------------------------------
def note_text(key: str, names: dict[str, str]) -> str:
    """NOTES[key] filled in the terminal's Unicode spelling (aⱼ), for JSON."""
    return NOTES[key].format(**{k: name_text(v) for k, v in names.items()})


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


# -- JSON ----------------------------------------------------------------------------------------------------------
def _notes_data(keys: list[str], names: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "text": note_text(key, names)} for key in keys]


def _rewrite_data(r: Rewrite) -> dict[str, Any]:
    return {
        "move": r.move,
        "name": ALGEBRA_MOVES[r.move].name,
        "why": ALGEBRA_MOVES[r.move].why,
        "before": expr_data(r.before),
        "after": expr_data(r.after),
        "latex": m(r.after),
        "uses_assumption": [f"{math_text(k)} = {math_text(v)}" for k, v in r.assumption.items()],
        "verified": bool(r.verified),
    }


def _formula(expr: sympy.Expr) -> dict[str, str]:
    """A formula in the learner's notation: SymPy str, the LaTeX as written, the terminal text."""
    return {"sympy": str(expr), "latex": m(expr), "text": math_text(expr)}


def _factor_data(f: Factor) -> dict[str, Any]:
    names = {"a": f.top, "net": f.var, "w": f.var, "aj": f.var, "wjk": str(f.general)}
    return {
        "top": f.top,
        "variable": f.var,
        "latex": d(f.top, f.var),
        "general": _formula(f.general),
        "preset": f.preset,
        "note": None if f.note is None else {"key": f.note, "text": note_text(f.note, names)},
        "derivation": derivation_data(f.derivation),
        "rewrites": [_rewrite_data(r) for r in f.rewrites],
        "verified": bool(f.verified),
    }


def data(built: Built) -> dict[str, Any]:
    """The whole preset as JSON-ready data; "kind" says which shape (see derivation.schema.json)."""
    return {"explained": _explained_data, "chain": _chain_data}[built.kind](built)


def _explained_data(built: Explained) -> dict[str, Any]:
    general = None
    if built.general_lhs is not None:
        top, var = built.general_lhs
        general = {"top": top, "variable": var, "latex": f"{d(top, var)} = {m(built.general)}",
                   "expression": _formula(built.general)}
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "explained",
        "title": title_of(built),
        "intro": _notes_data(built.intro, built.names),
        "derivation": derivation_data(built.derivation),
        "rewrites": [_rewrite_data(r) for r in built.rewrites],
        "outro": _notes_data(built.outro, built.names),
        "general": general,
        "final": _formula(built.final),
        "verified": bool(built.verified),
    }


def _chain_data(c: ChainOfDerivations) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "chain",
        "title": c.title,
        "top": c.top,
        "variable": c.var,
        "intro": _notes_data(c.notes_intro, c.names),
        "sum_index": c.sum_index,
        "path_factors": [_factor_data(f) for f in c.path_factors],
        "factors": [_factor_data(f) for f in c.factors],
        "product": _formula(c.formula),
        "outer": _formula(c.outer),
        "delta": {"name": c.delta_name, "expression": _formula(c.delta),
                  "notes": _notes_data(c.notes_delta, c.names)},
        "update": {"note": note_text("bp_update", c.names), "expression": _formula(c.update)},
        "network_check": {"sizes": [list(s) for s in c.check.sizes], "weights": c.check.weights,
                          "verified": bool(c.check.verified)},
        "verified": bool(c.verified),
    }


def render_json(built: Built, indent: int | None = 2) -> str:
    import json

    return json.dumps(data(built), indent=indent, ensure_ascii=False) + "\n"
