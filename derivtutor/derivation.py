"""The Derivation, and `Built`: the one interface of everything a preset or a typed expression builds.

A Derivation holds the verified rule tree, SymPy's own answer (for the ✓), and the named algebra moves that take
the raw result to the form a teacher writes (e^(-x)/(1+e^(-x))^2 -> sigma(x)(1 - sigma(x))). The backprop presets
build larger shapes around Derivations (backprop.Explained, backprop.ChainOfDerivations); all three are `Built`,
so a lesson steps through any of them, export writes any of them and the API returns one Result for all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar, Protocol

import sympy

from derivtutor.rules import Step

if TYPE_CHECKING:
    from derivtutor.corners import Corner, CornerFamily


@dataclass(eq=False)
class AlgebraStep:
    """before = after by one named move (see teaching.ALGEBRA_MOVES).

    `shown` is how the teacher writes `after`: a product of factors kept apart and unevaluated
    (1/(1 + e⁻ˣ) · (1 + e⁻ˣ - 1)/(1 + e⁻ˣ)), which SymPy would otherwise collapse at once.
    """

    move: str
    before: sympy.Expr
    shown: tuple[sympy.Expr, ...]
    verified: bool = False

    @property
    def after(self) -> sympy.Expr:
        return sympy.Mul(*self.shown)


class Built(Protocol):
    """What `derive TARGET` builds. `kind` ("derivation", "explained", "chain") is the key each output format's
    table of renderers is looked up by (render/documents.py)."""

    kind: ClassVar[str]

    @property
    def final(self) -> sympy.Expr: ...

    @property
    def verified(self) -> bool: ...

    def derivations(self) -> list[Derivation]:
        """Every engine derivation inside, in the order they are shown."""
        ...


@dataclass(eq=False)
class Route:
    """Another way to the same derivative (1/g by the quotient rule, not the power rule), line by line.

    Each line is (the maths shown, a NOTES key saying what was done): the first is the function written for this
    route (1/g as the fraction 1 over g), the others its derivative; `verified` once the first was checked equal
    to the function and every other line equal to the derivative reached by the main route.
    """

    rule_id: str  # the rule this route uses (teaching.RULES)
    expr: sympy.Expr  # what it differentiates
    var: sympy.Symbol
    lines: tuple[tuple[sympy.Expr, str], ...]
    result: sympy.Expr
    verified: bool = False


@dataclass(eq=False)
class Derivation:
    kind: ClassVar[str] = "derivation"

    expr: sympy.Expr
    var: sympy.Symbol
    root: Step
    reference: sympy.Expr  # sympy.diff(expr, var), shown when its form differs from ours
    algebra: list[AlgebraStep] = field(default_factory=list)
    function_name: str = "f"
    title: str | None = None
    # What the WHOLE function does at each point where a part of it bends (corners.find_corners), decided once
    # here so that every renderer prints the same verdict: |x| has a corner at 0, x·|x| does not.
    corners: tuple[Corner, ...] = ()
    corner_families: tuple[CornerFamily, ...] = ()
    # Other ways to the same derivative (1/g by the quotient rule as well as the power rule), each verified.
    routes: list[Route] = field(default_factory=list)

    @property
    def no_derivative_at(self) -> tuple[sympy.Expr, ...]:
        """The points where the whole function has no derivative (a corner, a vertical slope, a jump, a hole)."""
        return tuple(c.point for c in self.corners if c.kind not in ("smooth", "undecided"))

    @property
    def smooth_at(self) -> tuple[Corner, ...]:
        """Candidate points where a part bends but the whole function is differentiable."""
        return tuple(c for c in self.corners if c.kind == "smooth")

    @property
    def result(self) -> sympy.Expr:
        return self.root.result

    @property
    def final(self) -> sympy.Expr:
        return self.algebra[-1].after if self.algebra else self.result

    @cached_property
    def held_constant(self) -> tuple[sympy.Symbol, ...]:
        """The other variables: a partial derivative treats them as constants. (Kept: SymPy walks the whole
        expression for free_symbols, and the document asks once per step.)"""
        return tuple(sorted(self.expr.free_symbols - {self.var}, key=lambda s: s.name))

    @property
    def verified(self) -> bool:
        return all(step.verified for step in self.root.walk()) and all(a.verified for a in self.algebra)

    def derivations(self) -> list[Derivation]:
        return [self]
