"""Is a == b? Used for every derivation step, every algebra move and every learner's answer.

Cheap first: identical trees, then a numeric comparison at several fixed pseudo-random points evaluated with
30 significant digits (two different elementary expressions agreeing at all of them is, in practice, impossible).
Unknown functions f(u) are replaced by a concrete function before evaluating, so f'(x^2)*2x can be compared too.
No `simplify`: its running time has no bound. Everything runs under a time limit (limits.time_limit, which
fires in any thread); undecided is reported as None.
"""

from __future__ import annotations

import random

import sympy
from sympy.core.function import AppliedUndef
from sympy.core.sympify import _sympify as strict_expr  # refuses strings: nothing typed is ever run

from derivtutor.errors import CannotDecide, InternalError
from derivtutor.functions import as_exponentials
from derivtutor.limits import OutOfTime, check, own_time_limit
from derivtutor.numeric import DIGITS, differ, real_value
from derivtutor.rules import ChainRule, Step

POINTS = 5
DEFAULT_SECONDS = 2.0


class VerificationError(InternalError):
    """A rule produced something that is not the derivative: a bug, never shown to the learner."""


class UncheckedStep(VerificationError, CannotDecide):
    """A step whose check could not be decided in time (SymPy's own form was too unwieldy): not shown either.

    Still a VerificationError (nothing unverified is shown), and a CannotDecide for Python callers."""


def _by_function(node: sympy.Basic) -> bool:
    return isinstance(node, sympy.Derivative) and len(node.variables) == 1 and isinstance(node.variables[0],
                                                                                          AppliedUndef)


def _as_subs(node: sympy.Derivative) -> sympy.Expr:
    """d/dx(t) F -> (d/dξ F with x(t) = ξ) at ξ = x(t): a derivative SymPy can still take once x is concrete."""
    slot = sympy.Dummy("xi")
    by = node.variables[0]
    return sympy.Subs(sympy.Derivative(node.expr.xreplace({by: slot}), slot), slot, by)


def _concrete(expr: sympy.Expr) -> sympy.Expr:
    """Replace sigma and unknown functions f(u) by concrete ones, then carry out pending derivatives."""
    expr = as_exponentials(expr)
    undefined = {a.func for a in expr.atoms(AppliedUndef)}
    if not undefined:
        return expr
    expr = expr.replace(_by_function, _as_subs)  # ∂f/∂x(t) first, while x(t) is still a name
    arities = {(a.func, len(a.args)) for a in expr.atoms(AppliedUndef)}
    stand_ins = {}
    for i, (func, arity) in enumerate(sorted(arities, key=str)):
        # A function with no special symmetry, different for each name; with several arguments (f(x(t), y(t)) in a
        # total derivative) each argument enters differently, and one product term couples them.
        ts = sympy.symbols(f"_t0:{arity}", cls=sympy.Dummy)
        body = sum(sympy.sin((i + k + 2) * tk) + sympy.exp(tk / (i + k + 3)) + tk**2 / (7 + k)
                   for k, tk in enumerate(ts))
        stand_ins[func, arity] = sympy.Lambda(ts, body + (sympy.Mul(*ts) / 5 if arity > 1 else 0))
    for (func, arity), lam in stand_ins.items():
        expr = expr.replace(lambda e, f=func, n=arity: isinstance(e, AppliedUndef) and e.func == f
                            and len(e.args) == n, lambda e, lam=lam: lam(*e.args))
    return expr.doit()


def _points(symbols: list[sympy.Symbol], rng: random.Random, signs: tuple[int, ...],
            high: float = 1.9) -> list[dict]:
    points = []
    for _ in range(POINTS):
        point = {}
        for s in symbols:
            value = rng.uniform(0.15, high) * rng.choice(signs)
            point[s] = sympy.Float(repr(value), DIGITS)
        points.append(point)
    return points


def _value(expr: sympy.Expr, point: dict) -> sympy.Expr | None:
    """The value at a point, or None where it is undefined (or, for a piecewise condition, not real)."""
    try:
        value = expr.evalf(DIGITS, subs=point)
    except (TypeError, ValueError):  # e.g. a condition ln(x) < 0 where ln(x) is not real
        return None
    if value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo) or not value.is_number:
        return None
    return value


def _quick_value(expr: sympy.Expr, point: dict) -> sympy.Expr | None:
    """The value by plain Float arithmetic (xreplace evaluates as it rebuilds): several times faster than
    evalf, but not adaptive, so a disagreement is always confirmed with evalf before anything is said."""
    try:
        value = expr.xreplace(point)
    except (TypeError, ValueError):  # a piecewise condition that is not real at this point
        return None
    if value.is_Number and value.is_finite:
        return value
    return _value(expr, point)


def _leaves_the_reals(expr: sympy.Expr, point: dict, budget: int = 200) -> bool:
    """Whether some part of expr (√x, asin x, a power...) is not a real number at this point.

    Real calculus leaves such a point undefined where SymPy, working with complex numbers, may still give a
    value (|√x| at x = -1): there the two sides are not comparable, rather than different.
    """
    for count, sub in enumerate(sympy.preorder_traversal(expr)):
        if count > budget:
            return False
        if (sub.is_Pow or isinstance(sub, sympy.Function)) and sub.free_symbols:
            try:
                value = sub.evalf(15, subs=point)
            except (TypeError, ValueError):
                return True
            if value.is_number and sympy.im(value) != 0:
                return True
    return False


def _agree_at(given: tuple[sympy.Expr, sympy.Expr], point: dict, concrete: list[sympy.Expr]) -> bool | None:
    """True or False where both sides have comparable values at this point; None where it says nothing."""
    fast_a, fast_b = real_value(given[0], point), real_value(given[1], point)
    if fast_a is not None and fast_b is not None and not differ(fast_a, fast_b):
        return True  # the everyday case: both real, finite and equal to 30 digits
    if not concrete:  # made once, only when some point needs SymPy's own evaluation
        concrete.extend(_concrete(side) for side in given)
    a, b = concrete
    va, vb = _quick_value(a, point), _quick_value(b, point)
    if va is not None and vb is not None and differ(va, vb):
        va, vb = _value(a, point), _value(b, point)  # confirm with evalf's guaranteed digits
    if va is None or vb is None:  # (None comes from evalf itself: see _quick_value)
        undefined_side = a if va is None else b
        if (va is None) != (vb is None) and not _leaves_the_reals(undefined_side, point):
            return False  # one side is a number where the other is undefined, for no good reason
        return None  # both undefined, or one side passes through non-real numbers here (|√x| at x < 0)
    return not differ(va, vb)


def numerically_equal(a: sympy.Expr, b: sympy.Expr) -> bool | None:
    given = strict_expr(a), strict_expr(b)
    concrete: list[sympy.Expr] = []
    symbols = sorted(given[0].free_symbols | given[1].free_symbols, key=lambda s: s.name)
    rng = random.Random(20261128)
    compared = 0
    # Mixed signs first; then positive points only, for functions (ln, sqrt, ...) undefined for negatives;
    # then small positive points, inside the domain of asin, of powers of cos, and the like;
    # and large ones last of all, for sqrt(x - 6) and its kind.
    tries = (_points(symbols, rng, (1, 1, -1)) + _points(symbols, rng, (1,)) + _points(symbols, rng, (1,), 0.9)
             + _points(symbols, rng, (1,), 20.0))
    for point in tries:
        check()  # the caller's deadline, in whatever thread this runs
        agree = _agree_at(given, point, concrete)
        if agree is False:
            return False
        if agree:
            compared += 1
            if compared >= POINTS:
                break
    return True if compared >= 2 else None


def equal(a: sympy.Expr, b: sympy.Expr, seconds: float = DEFAULT_SECONDS) -> bool | None:
    """True or False when decided within `seconds` of CPU time, None when it could not be decided."""
    if a == b:
        return True
    try:  # (a caller's deadline, a typed expression's budget, passes through: theirs to report)
        with own_time_limit(seconds, cpu=True):  # CPU seconds: the verdict must not depend on the load
            if strict_expr(a - b) == 0:
                return True
            return numerically_equal(a, b)
    except (OutOfTime, TypeError, ValueError, ZeroDivisionError, RecursionError):
        return None


# -- the derivation tree: every node checked against SymPy ---------------------------------------------------------
def verify_tree(root: Step, whole: bool = False) -> bool:
    """Check every node, children before parents; mark each verified or raise VerificationError.

    With `whole`, every node is compared with sympy.diff of that node (cheap for small trees, whose
    sub-derivatives SymPy has cached). Otherwise:
    A leaf is compared with sympy.diff of the leaf. A node with substeps is compared with what SymPy's own
    differentiation builds from the node when each child is a placeholder function C(x) whose derivative is
    the child's (already verified) result: by induction this is sympy.diff of the whole node, without
    differentiating the same subtree again at every level (that made deep trees quadratic or worse).
    Returns True when every node equals SymPy's form structurally (not just numerically).
    """
    exact = True
    for step in reversed(list(root.walk())):
        expected = sympy.diff(step.expr, step.var) if whole else _expected_derivative(step)
        if step.result == expected:
            step.verified = True
            continue
        exact = False
        verdict = equal(step.result, expected)
        if verdict is not True:
            problem = "does not equal" if verdict is False else "could not be checked against"
            raise (VerificationError if verdict is False else UncheckedStep)(
                f"{type(step).__name__}: d/d{step.var} {step.expr} gave {step.result}, which {problem} "
                f"sympy.diff's {expected}"
            )
        step.verified = True
    return exact


def _placeholders(var: sympy.Symbol, parts: list[sympy.Expr]) -> list[sympy.Expr]:
    return [sympy.Function(f"_derivtutor_part{i}")(var) for i in range(len(parts))]


def _expected_derivative(step: Step) -> sympy.Expr:
    """SymPy's derivative of this node, given its children's verified derivatives (see verify_tree)."""
    children = step.substeps()
    if isinstance(step, ChainRule):
        return _expected_chain(step)
    if children:
        exprs = [c.expr for c in children]
        if step.rebuild(exprs) == step.expr:  # the children really make up this node
            holders = _placeholders(step.var, exprs)
            formula = sympy.diff(step.rebuild(holders), step.var)
            swap = {sympy.Derivative(h, step.var): c.result for h, c in zip(holders, children, strict=True)}
            swap.update(zip(holders, exprs, strict=True))
            return formula.xreplace(swap)
    return sympy.diff(step.expr, step.var)


def _expected_chain(step: ChainRule) -> sympy.Expr:
    """The chain rule with SymPy's derivative of each layer, once the layers are shown to rebuild the node.

    Each layer's own step is verified against sympy.diff of that layer; here the layers must compose back to
    exactly the node's expression (else the whole node is differentiated by SymPy), and the factors are the
    layer derivatives with the inner parts put back, as the chain rule df/dx = df/dg * dg/dx says.
    """
    outer = step.expr
    for layer in step.layers:
        value = layer.value if layer.value is not None else layer.var
        if layer.expr.xreplace({layer.var: value}) != outer:
            return sympy.diff(step.expr, step.var)
        outer = value
    return sympy.Mul(*(layer.back for layer in step.layers))
