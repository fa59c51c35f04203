"""Where the whole function has no derivative: decided from the function, never from one of its parts.

|x| has a corner at 0, but x·|x|, |x|³ and max(0, x)² do not: what counts is whether the one-sided slopes of the
WHOLE expression agree. The candidates are the points where a part can bend (the zeros of the argument of |.|,
of a - b in max(a, b), the boundaries of a Piecewise), mapped through the inner expressions (|x² - 1| bends at
±1, |sin x| at every multiple of π). At each candidate the formula the function follows on each side (|u| = ±u,
max(a, b) = the larger, read just beside the point) is differentiated exactly: a point is reported as "no
derivative here" only when the two one-sided derivatives differ, one is infinite, or the function jumps.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from derivtutor.limits import OutOfTime, own_time_limit, tree_size

CHECK_SECONDS = 1.0  # per candidate point; undecided points are said to be undecided, never guessed
FAMILY_MEMBERS = (-1, 0, 1)  # a periodic family is checked at these members before it is described
MAX_CANDIDATES = 12
MAX_ARGUMENT_NODES = 40
MAX_FAMILIES = 8

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


SIDE_STEP = sympy.Rational(1, 10**30)  # how far beside the point the sign of each part is read
DIGITS = 50


def _sign_at(expr: sympy.Expr, var: sympy.Symbol, at: sympy.Expr) -> int | None:
    value = expr.evalf(DIGITS, subs={var: at})
    if not value.is_number or value.has(sympy.nan, sympy.zoo) or not value.is_real:
        return None
    return 0 if value == 0 else (1 if value > 0 else -1)


def _on_side(expr: sympy.Expr, var: sympy.Symbol, point: sympy.Expr, side: int) -> sympy.Expr | None:
    """expr as the smooth formula it follows just beside the point (side = +1 right, -1 left), or None.

    |u| becomes u or -u, max(a, b) the larger, a Piecewise its branch, sign(u) ±1, read at point ± 10⁻³⁰:
    what a teacher does ('right of 1, x² - 1 > 0, so |x² - 1| = x² - 1').
    """
    at = point + side * SIDE_STEP
    failed = False

    def pick(node: sympy.Expr) -> sympy.Expr:
        nonlocal failed
        if isinstance(node, sympy.Abs | sympy.sign | sympy.Heaviside):
            sign = _sign_at(node.args[0], var, at)
            if sign in (None, 0):
                failed = True
                return node
            u = node.args[0]
            if isinstance(node, sympy.Abs):
                return sign * u
            return sympy.S(sign) if isinstance(node, sympy.sign) else sympy.S(1 if sign > 0 else 0)
        if isinstance(node, sympy.Max | sympy.Min):
            values = [a.evalf(DIGITS, subs={var: at}) for a in node.args]
            if not all(v.is_real for v in values):
                failed = True
                return node
            index = max(range(len(values)), key=lambda i: values[i]) if isinstance(node, sympy.Max) else \
                min(range(len(values)), key=lambda i: values[i])
            return node.args[index]
        if isinstance(node, sympy.Piecewise):
            for value, cond in node.args:
                truth = cond.subs(var, at) if cond is not sympy.true else sympy.true
                if truth is sympy.true:
                    return value
            failed = True
        return node

    formula = expr.replace(lambda n: isinstance(n, sympy.Abs | sympy.sign | sympy.Heaviside | sympy.Max | sympy.Min
                                                 | sympy.Piecewise) and n.has(var), pick)
    return None if failed or formula.has(sympy.Abs, sympy.Max, sympy.Min, sympy.Piecewise) and not _smooth(
        formula, var) else formula


def _smooth(formula: sympy.Expr, var: sympy.Symbol) -> bool:
    return not any(n.has(var) for n in formula.atoms(sympy.Abs, sympy.Max, sympy.Min, sympy.Piecewise))


def _one_sided(expr: sympy.Expr, var: sympy.Symbol, point: sympy.Expr) -> Corner:
    value = expr.subs(var, point)
    if not value.is_finite or value.has(sympy.nan, sympy.zoo):
        return Corner(point, UNDEFINED)
    slopes = []
    for side in (-1, 1):
        formula = _on_side(expr, var, point, side)
        if formula is None:
            return Corner(point, UNDECIDED)
        gap = sympy.N(formula.subs(var, point) - value, DIGITS)
        if not gap.is_number or abs(gap) > sympy.Float("1e-30"):  # the side's formula does not reach f(point)
            return Corner(point, JUMP)
        slope = sympy.diff(formula, var).subs(var, point)
        slopes.append(sympy.expand(slope) if slope.is_finite else side * sympy.oo)
    left, right = slopes
    if not (left.is_finite and right.is_finite):
        return Corner(point, VERTICAL, left, right)
    same = left == right or abs(sympy.N(left - right, 30)) < sympy.Float("1e-25")
    return Corner(point, SMOOTH if same else CORNER, left, right)


def _checked(expr: sympy.Expr, var: sympy.Symbol, point: sympy.Expr) -> Corner:
    try:
        with own_time_limit(CHECK_SECONDS):
            return _one_sided(expr, var, point)
    except (OutOfTime, ArithmeticError, TypeError, ValueError, NotImplementedError, RecursionError, AttributeError):
        pass
    return Corner(point, UNDECIDED)


def _zeros(argument: sympy.Expr, var: sympy.Symbol) -> tuple[list[sympy.Expr], list[sympy.ImageSet]]:
    """Real zeros: finitely many points, and periodic families (ImageSets over the integers)."""
    try:
        with own_time_limit(CHECK_SECONDS):
            solutions = sympy.solveset(argument, var, domain=sympy.S.Reals)
    except (OutOfTime, TypeError, ValueError, NotImplementedError):
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
        if tree_size(argument, MAX_ARGUMENT_NODES) is None:  # solveset on a huge argument: no time bound
            continue
        found, periodic = _zeros(argument, var)
        points += [p for p in found if p not in points]
        families += [f for f in periodic if f not in families]
    points = sorted(points, key=lambda p: float(p))[:MAX_CANDIDATES]
    corners = tuple(_checked(expr, var, p) for p in points)
    described: list[CornerFamily] = []
    for family in families[:MAX_FAMILIES]:
        lam = family.lamda
        n = sympy.Symbol("n", integer=True)
        formula = lam.expr.xreplace({lam.variables[0]: n})
        checked = tuple(_checked(expr, var, formula.subs(n, k)) for k in FAMILY_MEMBERS)
        kinds = {c.kind for c in checked}
        kind = kinds.pop() if len(kinds) == 1 else UNDECIDED
        described.append(CornerFamily(formula, n, kind, checked))
    return corners, tuple(described)
