"""Which sentences of teaching.NOTES apply to a step, and with which values.

Renderers share this choice and differ only in how they write the values (Unicode text, LaTeX), so a note
added here appears in the terminal, in exports and in lessons alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from derivtutor.rules import AbsRule, ConstantMultipleRule, ConstantRule, PiecewiseRule, PowerRule, Step


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
    if isinstance(step, AbsRule | PiecewiseRule) and step.kinks and step.var != kinks_in_own_line:
        notes.append(Note("no_derivative_at", {"points": tuple(sympy.Eq(step.var, k) for k in step.kinks)}))
    return notes
