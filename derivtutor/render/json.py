"""Anything `derive` builds as data: what is shown (the document), and the verified tree, the ✓s and the words.

`data(built, detail)` is the one entry for every Built kind. Its "document" list is `document.build_document`
walked block by block, so `--json` shows the same rows as every other format at the same `--detail`; beside it
stay the machine-readable fields other tools (a notebook, a grader, a web page) read instead of re-deriving:
the step tree, result, final, verified, and for the backprop presets their factors, rewrites and delta.
The shape is documented by `derivation.schema.json` next to this file and carries "schema_version": bump it
on any incompatible change (docs/exports.md lists the versions). A chain step keeps its parts under "layers"
(each layer holds its own step); its "substeps" list is empty.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sympy

from derivtutor.derivation import Derivation
from derivtutor.document import Check, Maths, Ratio, Text, build_document, named, plain
from derivtutor.mathtext import math_text
from derivtutor.render.latex import latex_expr, latex_factors, name_latex, root_kinks
from derivtutor.rules import ChainRule, Step
from derivtutor.teaching import ALGEBRA_MOVES, NOTES, RULES

if TYPE_CHECKING:
    from derivtutor.backprop import ChainOfDerivations, Explained, Factor, Rewrite
    from derivtutor.derivation import Built

SCHEMA_VERSION = 2
SCHEMA_PATH = Path(__file__).with_name("derivation.schema.json")


def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every export validates against."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def expr_data(expr: sympy.Expr) -> dict[str, str]:
    """One expression three ways: SymPy's str (machine-readable), LaTeX, and the terminal's one-line text."""
    return {"sympy": str(expr), "latex": latex_expr(expr), "text": math_text(expr)}


def _names(symbols: tuple[sympy.Symbol, ...] | list[sympy.Symbol]) -> list[str]:
    return [s.name for s in symbols]


# -- what is shown: the document, block by block ------------------------------------------------------------------
def _maths_run(run: Maths) -> dict[str, str]:
    latex = latex_factors(run.factors) if run.factors else latex_expr(run.expr)
    return {"type": "maths", "text": run.text, "typed": run.typed, "latex": latex}


def _ratio_run(run: Ratio) -> dict[str, Any]:
    d_ = r"\partial " if run.partial else "d"
    var = latex_expr(run.var)
    if run.of is not None:
        latex = rf"\frac{{{d_}}}{{{d_}{var}}}\left[{latex_expr(run.of)}\right]"
    else:
        latex = rf"\frac{{{d_}{name_latex(run.top or '')}}}{{{d_}{var}}}"
    return {"type": "ratio", "text": run.text, "latex": latex, "partial": run.partial}


# One row per kind of run (document.Run): how it is written as data.
RUNS: dict[type, Any] = {
    Text: lambda run: {"type": "text", "text": run.text},
    Maths: _maths_run,
    Ratio: _ratio_run,
    Check: lambda run: {"type": "check", "text": run.text},
}


def _value(value: object) -> object:
    """A block's field as data: a run by its row in RUNS, a tuple (runs, cells, header) as a list, else as is."""
    writer = RUNS.get(type(value))
    if writer is not None:
        return writer(value)
    if isinstance(value, tuple):
        return [_value(item) for item in value]
    return value


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(name))


def block_data(block: object) -> dict[str, Any]:
    """One document block: its "type" (heading, paragraph, math_row, table, rule_card, note) and its fields."""
    return {"type": _snake(type(block).__name__),
            **{f.name: _value(getattr(block, f.name)) for f in fields(block) if f.name not in _SHOWN_ONLY}}


_SHOWN_ONLY = {"formula_runs"}
"""Fields that are another spelling of one already given (a card's formula as maths runs: its `formula` says it)."""


def document_data(built: Built, detail: str) -> list[dict[str, Any]]:
    """What every format shows at this detail, as data (document.build_document decides; nothing here does)."""
    return [block_data(block) for block in build_document(built, detail).blocks]


# -- the machine-readable parts ------------------------------------------------------------------------------------
def _fact(value: object) -> object:
    """A rule's fact (rules.Step.facts) as data: an expression three ways, a name as is, a tuple as a list."""
    if isinstance(value, tuple):
        return [_fact(item) for item in value]
    return value if isinstance(value, str) else expr_data(value)


def step_data(step: Step) -> dict[str, Any]:
    """One node and everything under it (recursive: deep trees give deep JSON)."""
    text = RULES[step.rule_id]
    data: dict[str, Any] = {
        "rule_id": step.rule_id,
        "rule_name": text.name,
        "formula_latex": text.formula_latex,
        "why": text.why,
        "expression": expr_data(step.expr),
        "variable": step.var.name,
        "result": expr_data(step.result),
        "verified": bool(step.verified),
        "substeps": [],
    }
    if isinstance(step, ChainRule):  # its parts are layers, each with its own step
        data["layers"] = [
            {
                "name": layer.name,
                "variable": layer.var.name,
                "expression": expr_data(layer.expr),
                "value": None if layer.value is None else expr_data(layer.value),
                "derivative_back": expr_data(layer.back),
                "step": step_data(layer.step),
            }
            for layer in step.layers
        ]
    else:
        data["substeps"] = [step_data(sub) for sub in step.substeps()]
    data.update({name: _fact(value) for name, value in step.facts().items()})
    return data


def derivation_data(derivation: Derivation) -> dict[str, Any]:
    """The whole derivation as plain JSON-ready data."""
    return {
        "schema_version": SCHEMA_VERSION,
        "title": derivation.title,
        "function_name": derivation.function_name,
        "expression": expr_data(derivation.expr),
        "variable": derivation.var.name,
        "partial": bool(derivation.held_constant),
        "held_constant": _names(derivation.held_constant),
        "result": expr_data(derivation.result),
        "sympy_diff": expr_data(derivation.reference),
        "same_form_as_sympy": derivation.result == derivation.reference,
        "final": expr_data(derivation.final),
        "final_latex_as_written": latex_factors(derivation.algebra[-1].shown) if derivation.algebra
        else latex_expr(derivation.result),
        "verified": bool(derivation.verified),
        "no_derivative_at": [expr_data(p) for p in root_kinks(derivation)],
        "smooth_at": [{"point": expr_data(c.point), "slope": expr_data(c.left)} for c in derivation.smooth_at],
        "bend_families": [{"point": expr_data(f.formula), "integer": f.index.name, "kind": f.kind}
                          for f in derivation.corner_families],
        "routes": [
            {"rule": route.rule_id, "expression": expr_data(route.expr), "verified": route.verified,
             "lines": [{"expression": expr_data(line), "note": NOTES[key]} for line, key in route.lines]}
            for route in derivation.routes
        ],
        "root": step_data(derivation.root),
        "algebra": [
            {
                "move": move.move,
                "name": ALGEBRA_MOVES[move.move].name,
                "why": ALGEBRA_MOVES[move.move].why,
                "before": expr_data(move.before),
                "after": expr_data(move.after),
                "shown": [expr_data(f) for f in move.shown],
                "shown_latex": latex_factors(move.shown),
                "verified": bool(move.verified),
            }
            for move in derivation.algebra
        ],
    }


def m(expr: sympy.Expr) -> str:
    """A preset's formula in LaTeX as the terminal shows it: a sum over k as \\sum_k(...), a kept product factor by
    factor."""
    if isinstance(expr, sympy.Sum):
        (index, *_), = expr.limits
        return rf"\sum_{{{latex_expr(index)}}} \left({m(expr.function)}\right)"
    if expr.is_Mul and any(isinstance(f, sympy.Sum) for f in expr.args):
        return r" \cdot ".join(m(f) if not f.is_Add else rf"\left({m(f)}\right)" for f in expr.args)
    if expr.is_Mul and not (expr.args[0] == -1 and len(expr.args) == 2):
        return _hats(latex_factors(list(expr.args)))
    return _hats(latex_expr(expr))


def _hats(text: str) -> str:
    """ŷ (the network's prediction) is spelt yhat in symbol names."""
    return text.replace(r"\mathrm{yhat}", r"\hat{y}")


def d(top: str, var: str) -> str:
    """dtop/dvar in LaTeX."""
    return rf"\frac{{d{name_latex(top)}}}{{d{name_latex(var)}}}"


def note_text(key: str, names: dict[str, str]) -> str:
    """NOTES[key] filled with the learner's names in the terminal's Unicode spelling (aⱼ)."""
    return plain(named(NOTES[key], names))


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


def _explained_data(built: Explained) -> dict[str, Any]:
    general = None
    if built.general_lhs is not None:
        top, var = built.general_lhs
        general = {"top": top, "variable": var, "latex": f"{d(top, var)} = {m(built.general)}",
                   "expression": _formula(built.general)}
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "explained",
        "title": built.derivation.title or built.title,
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


# One row per Built kind (derivation.Built.kind): its machine-readable fields.
FIELDS: dict[str, Any] = {"derivation": derivation_data, "explained": _explained_data, "chain": _chain_data}


def data(built: Built, detail: str = "normal") -> dict[str, Any]:
    """Anything derive built, as JSON-ready data: its machine-readable fields and, under "document", what every
    format shows at this detail. "kind" says which shape (see derivation.schema.json)."""
    shown = document_data(built, detail)
    return {"schema_version": SCHEMA_VERSION, "kind": built.kind, "detail": detail, **FIELDS[built.kind](built),
            "document": shown}


def render_json(built: Built, indent: int | None = 2, detail: str = "normal") -> str:
    """The JSON document (UTF-8 text: σ and ⁻ stay readable)."""
    return json.dumps(data(built, detail), indent=indent, ensure_ascii=False) + "\n"
