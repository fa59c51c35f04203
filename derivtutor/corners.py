"""Where the whole function has no derivative: decided from the function, never from one of its parts.

|x| has a corner at 0, but x·|x|, |x|³ and max(0, x)² do not: what counts is whether the one-sided slopes of the
WHOLE expression agree. The candidates are the points where a part can bend (the zeros of the argument of |.|,
of a - b in max(a, b), the boundaries of a Piecewise), mapped through the inner expressions (|x² - 1| bends at
±1, |sin x| at every multiple of π). At each candidate SymPy's `limit` gives the two one-sided difference
quotients; a point is reported as "no derivative here" only when they differ or one is infinite.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from derivtutor.limits import TimeLimitExceeded, time_limit

CHECK_SECONDS = 1.0  # per candidate point; undecided points are said to be undecided, never guessed
FAMILY_MEMBERS = (-1, 0, 1)  # a periodic family is checked at these members before it is described
MAX_CANDIDATES = 12

SMOOTH, CORNER, VERTICAL, JUMP, UNDEFINED, UNDECIDED = "smooth", "corner", "vertical", "jump", "undefined", "undecided"


@dataclass(frozen=True)
class Corner:
    """A candidate point and what the whole function does there.

    `left` and `right` are the one-sided derivatives (limits of the difference quotient; may be ±oo or None
    when not computed). `kind` is SMOOTH (both sides agree: the derivative exists and is `left`), CORNER
    (finite and different), VERTICAL (an infinite slope on a side, the function continuous), JUMP (the
    function itself jumps), UNDEFINED (the function has no value there) or UNDECIDED (SymPy did not answer).
    """

    point: sympy.Expr
    kind: str
    left: sympy.Expr | None = None
    right: sympy.Expr | None = None

    @property
    def has_derivative(self) -> bool:
        return self.kind == SMOOTH


@dataclass(frozen=True)
class CornerFamily:
    """Infinitely many candidates x = formula(n), n an integer, all of the same kind at the checked members."""

    formula: sympy.Expr  # in `index`
    index: sympy.Symbol
    kind: str
    checked: tuple[Corner, ...]

    @property
    def has_derivative(self) -> bool:
        return self.kind == SMOOTH


def _bending_arguments(expr: sympy.Expr, var: sympy.Symbol) -> list[sympy.Expr]:
    """The expressions whose zeros are the points where some part of expr may bend or jump."""
    found: list[sympy.Expr] = []
    for node in sympy.preorder_traversal(expr):
        if not node.has(var):
            continue
        if isinstance(node, sympy.Abs | sympy.sign | sympy.Heaviside):
            found.append(node.args[0])
        elif isinstance(node, sympy.Max | sympy.Min):
            args = node.args
            found.extend(a - b for i, a in enumerate(args) for b in args[i + 1:])
        elif isinstance(node, sympy.Piecewise):
            for _, cond in node.args:
                if isinstance(cond, sympy.core.relational.Relational):
                    found.append(cond.lhs - cond.rhs)
    return [a for a in dict.fromkeys(found) if a.has(var)]


def _one_sided(expr: sympy.Expr, var: sympy.Symbol, point: sympy.Expr) -> Corner:
    value = expr.subs(var, point)
    if not value.is_finite or value.has(sympy.nan, sympy.zoo):
        return Corner(point, UNDEFINED)
    h = sympy.Dummy("h", positive=True)
    right = sympy.limit((expr.subs(var, point + h) - value) / h, h, 0, "+")
    left = sympy.limit((value - expr.subs(var, point - h)) / h, h, 0, "+")
    if not (left.is_number and right.is_number) or left.has(sympy.nan) or right.has(sympy.nan):
        return Corner(point, UNDECIDED, left, right)
    if left.is_finite and right.is_finite:
        same = left == right or abs(sympy.N(left - right, 30)) < sympy.Float("1e-25")
        return Corner(point, SMOOTH if same else CORNER, left, right)
    sides = (expr.subs(var, point + h), expr.subs(var, point - h))
    continuous = all(sympy.limit(side, h, 0, "+") == value for side in sides)
    return Corner(point, VERTICAL if continuous else JUMP, left, right)


def _checked(expr: sympy.Expr, var: sympy.Symbol, point: sympy.Expr) -> Corner:
    mine = None
    try:
        with time_limit(CHECK_SECONDS) as mine:
            return _one_sided(expr, var, point)
    except TimeLimitExceeded as exc:
        if exc.owner is not mine:
            raise
    except (TypeError, ValueError, NotImplementedError, ZeroDivisionError, RecursionError, AttributeError):
        pass
    return Corner(point, UNDECIDED)


def _zeros(argument: sympy.Expr, var: sympy.Symbol) -> tuple[list[sympy.Expr], list[sympy.ImageSet]]:
    """Real zeros: finitely many points, and periodic families (ImageSets over the integers)."""
    mine = None
    try:
        with time_limit(CHECK_SECONDS) as mine:
            solutions = sympy.solveset(argument, var, domain=sympy.S.Reals)
    except TimeLimitExceeded as exc:
        if exc.owner is not mine:
            raise
        return [], []
    except (TypeError, ValueError, NotImplementedError):
        return [], []
    parts = solutions.args if isinstance(solutions, sympy.Union) else (solutions,)
    points: list[sympy.Expr] = []
    families: list[sympy.ImageSet] = []
    for part in parts:
        if isinstance(part, sympy.FiniteSet):
            points.extend(p for p in part if p.is_number and p.is_real)
        elif isinstance(part, sympy.ImageSet) and part.base_sets == (sympy.S.Integers,):
            families.append(part)
    return points, families


def find_corners(expr: sympy.Expr, var: sympy.Symbol) -> tuple[tuple[Corner, ...], tuple[CornerFamily, ...]]:
    """Every candidate point of expr in var with its verdict, and the periodic families (described finitely)."""
    points: list[sympy.Expr] = []
    families: list[sympy.ImageSet] = []
    for argument in _bending_arguments(expr, var):
        found, periodic = _zeros(argument, var)
        points += [p for p in found if p not in points]
        families += [f for f in periodic if f not in families]
    points = sorted(points, key=lambda p: float(p))[:MAX_CANDIDATES]
    corners = tuple(_checked(expr, var, p) for p in points)
    described: list[CornerFamily] = []
    for family in families[:3]:
        lam = family.lamda
        n = sympy.Symbol("n", integer=True)
        formula = lam.expr.xreplace({lam.variables[0]: n})
        checked = tuple(_checked(expr, var, formula.subs(n, k)) for k in FAMILY_MEMBERS)
        kinds = {c.kind for c in checked}
        kind = kinds.pop() if len(kinds) == 1 else UNDECIDED
        described.append(CornerFamily(formula, n, kind, checked))
    return corners, tuple(described)
