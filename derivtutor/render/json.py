"""The Derivation as data: the tree, every expression as a SymPy string and as LaTeX, the words, the ✓s.

Other tools (a notebook, a grader, a web page) read this instead of re-deriving. The shape is documented by
`derivation.schema.json` next to this file and carries "schema_version": bump it on any incompatible change.
A chain step keeps its parts under "layers" (each layer holds its own step); its "substeps" list is empty.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sympy

from derivtutor.derivation import Derivation
from derivtutor.mathtext import math_text
from derivtutor.render.latex import latex_expr, latex_factors, root_kinks
from derivtutor.rules import AbsRule, ChainRule, ConstantMultipleRule, ConstantRule, PiecewiseRule, PowerRule, Step
from derivtutor.teaching import ALGEBRA_MOVES, NOTES, RULES

SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("derivation.schema.json")


def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every export validates against."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def expr_data(expr: sympy.Expr) -> dict[str, str]:
    """One expression three ways: SymPy's str (machine-readable), LaTeX, and the terminal's one-line text."""
    return {"sympy": str(expr), "latex": latex_expr(expr), "text": math_text(expr)}


def _names(symbols: tuple[sympy.Symbol, ...] | list[sympy.Symbol]) -> list[str]:
    return [s.name for s in symbols]


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
    if isinstance(step, ChainRule):
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
    if isinstance(step, AbsRule | PiecewiseRule):
        data["no_derivative_at"] = [expr_data(p) for p in step.kinks]
    if isinstance(step, ConstantRule):
        data["held_constant"] = _names([s for s in step.held_constant if s != step.var])
    if isinstance(step, ConstantMultipleRule):
        data["constant"] = expr_data(step.constant)
    if isinstance(step, PowerRule):
        data["exponent"] = expr_data(step.exponent)
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


def render_json(derivation: Derivation, indent: int | None = 2) -> str:
    """The derivation as a JSON document (UTF-8 text: σ and ⁻ stay readable)."""
    return json.dumps(derivation_data(derivation), indent=indent, ensure_ascii=False) + "\n"
