"""Which sentences of teaching.NOTES apply to a step, and with which values.

Renderers share this choice and differ only in how they write the values (Unicode text, LaTeX), so a note
added here appears in the terminal, in exports and in lessons alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from derivtutor.derivation import Derivation
from derivtutor.rules import (
    ConstantMultipleRule,
    ConstantRule,
    ElementaryFunctionRule,
    PowerRule,
    SigmoidRule,
    Step,
)


@dataclass(frozen=True)
class Note:
    """A NOTES key and its fields: maths as SymPy objects (or tuples of them), words as str."""

    key: str
    fields: dict[str, object]


def step_notes(step: Step, kinks_in_own_line: sympy.Symbol | None = None) -> list[Note]:
    """The notes for one step. `kinks_in_own_line`: the variable whose kinks a renderer states elsewhere."""
    notes: list[Note] = []
    if isinstance(step, ConstantRule):
        held = tuple(s for s in step.held_constant if s != step.var)
        if held:
            notes.append(Note("held_constant_one" if len(held) == 1 else "held_constant_many", {"names": held}))
    if isinstance(step, ConstantMultipleRule):
        if step.constant == -1:
            notes.append(Note("minus_sign", {"rest": step.rest.expr}))
        elif step.constant.free_symbols:
            notes.append(Note("constant_factor", {"factor": step.constant, "var": step.var}))
    if isinstance(step, PowerRule):
        n = step.exponent
        if n.is_number and n.is_negative:
            notes.append(Note("power_negative", {"written": step.expr, "base": step.var, "n": n, "lowered": n - 1}))
        elif n.is_Rational and not n.is_Integer:
            notes.append(Note("power_fraction", {}))
    # Corners are not stated per step: |u| bends at u = 0, but whether the whole function has a derivative there
    # is decided once for the whole expression (corner_notes).
    if isinstance(step, SigmoidRule):
        notes.append(Note("known_sigmoid", {}))
    if isinstance(step, ElementaryFunctionRule) and step.expr.func is sympy.tanh:
        notes.append(Note("known_tanh", {}))
    return notes


def corner_notes(derivation: Derivation) -> list[Note]:
    """What the whole function does where a part of it bends: no derivative (and why), or smooth (and the slope)."""
    var = derivation.var
    notes: list[Note] = []
    keys = {"corner": "corner_at", "vertical": "vertical_at", "jump": "jump_at", "undefined": "undefined_at",
            "smooth": "smooth_at", "undecided": "undecided_at"}
    for corner in derivation.corners:
        fields: dict[str, object] = {"point": sympy.Eq(var, corner.point, evaluate=False)}
        if corner.kind == "corner":
            fields.update(left=corner.left, right=corner.right)
        if corner.kind == "smooth":
            fields["slope"] = corner.left
        notes.append(Note(keys[corner.kind], fields))
    family_keys = {"corner": "corner_family", "smooth": "smooth_family"}
    for family in derivation.corner_families:
        key = family_keys.get(family.kind, "undecided_family")
        notes.append(Note(key, {"point": sympy.Eq(var, family.formula, evaluate=False)}))
    return notes


def multiply_move(factors: list[sympy.Expr]) -> str:
    """The ALGEBRA_MOVES key for multiplying a chain's factors: 'two minus signs' only when two minus signs meet."""
    minus = sum(1 for f in factors if f.could_extract_minus_sign())
    return "multiply_signs" if minus >= 2 else "multiply_plain"
