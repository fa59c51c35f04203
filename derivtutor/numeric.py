"""The value of an expression at a point, in 30-digit real arithmetic, straight from mpmath.

Every equality check (each derivation step, each algebra move, each learner's answer) evaluates both sides at
several points. SymPy's `xreplace` does this by rebuilding the expression node by node with Float arithmetic,
running its constructors and assumptions at every node; walking the tree with mpmath numbers gives the same
30-digit arithmetic (SymPy's Floats are mpmath numbers) for a fraction of the cost. Only the real, finite,
everyday cases are handled here: anything else (a complex intermediate, a pole, a piecewise condition, a function
this table does not know) returns None, and the caller falls back to SymPy's own evaluation, so nothing is
decided by this module that SymPy would have decided differently.
"""

from __future__ import annotations

from collections.abc import Callable

import mpmath
import sympy

from derivtutor.functions import numeric_functions

DIGITS = 30
_ctx = mpmath.MPContext()
_ctx.dps = DIGITS
Number = mpmath.mpf


class _NotReal(Exception):
    """This part has no real, finite value at the point (or is not in the table): let SymPy decide."""


def _real(value: object) -> Number:
    if not isinstance(value, _ctx.mpf) or not _ctx.isfinite(value):
        raise _NotReal
    return value


def _log(u: Number) -> Number:
    if u <= 0:
        raise _NotReal
    return _ctx.ln(u)


def _in_context(evaluate: Callable[[object, Number], Number]) -> Callable[[Number], Number]:
    return lambda u: evaluate(_ctx, u)


_FUNCTIONS: dict[object, Callable[[Number], Number]] = {
    func: _in_context(evaluate) for func, evaluate in numeric_functions().items()
}
_FUNCTIONS[sympy.log] = _log  # read from the registry, except ln's domain, checked here


def _power(base: Number, exponent: Number, integer: bool) -> Number:
    if base == 0 and exponent <= 0:
        raise _NotReal  # a pole
    if base < 0 and not integer:
        raise _NotReal  # √ of a negative number and its kind: complex, SymPy decides what that means
    return base**exponent


def _value(expr: sympy.Basic, point: dict[sympy.Symbol, Number]) -> Number:
    if expr.is_Symbol:
        if expr not in point:
            raise _NotReal
        return point[expr]
    if expr.is_Integer:
        return _ctx.mpf(int(expr))
    if expr.is_Rational:
        return _ctx.mpf(expr.p) / expr.q
    if expr.is_Float:
        return _ctx.mpf(expr)
    if expr is sympy.pi:
        return +_ctx.pi
    if expr is sympy.E:
        return +_ctx.e
    if expr.is_Add:
        return _real(_ctx.fsum(_value(a, point) for a in expr.args))
    if expr.is_Mul:
        return _real(_ctx.fprod(_value(a, point) for a in expr.args))
    if expr.is_Pow:
        base, exponent = expr.args
        return _real(_power(_value(base, point), _value(exponent, point), bool(exponent.is_Integer)))
    function = _FUNCTIONS.get(expr.func)
    if function is None or len(expr.args) != 1:
        raise _NotReal
    return _real(function(_value(expr.args[0], point)))


def real_value(expr: sympy.Basic, point: dict[sympy.Symbol, sympy.Float]) -> Number | None:
    """expr at the point when every part of it is real and finite there and known to the table, else None."""
    values = {symbol: _ctx.mpf(value) for symbol, value in point.items()}
    try:
        with _ctx.workdps(DIGITS):
            return _value(expr, values)
    except (_NotReal, ZeroDivisionError, ValueError, TypeError, OverflowError):
        return None


def differ(a: Number | sympy.Expr, b: Number | sympy.Expr, tolerance: float = 1e-20) -> bool:
    """Whether two values (mpmath or SymPy numbers) disagree beyond rounding: relative to their size, at least 1."""
    scale = max(abs(a), abs(b), 1)
    return bool(abs(a - b) > tolerance * scale)
