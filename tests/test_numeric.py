"""The fast 30-digit evaluator behind every equality check: it must agree with SymPy's own evaluation, and step
aside (None) wherever real calculus has no value, so that verify.py falls back to SymPy."""

from __future__ import annotations

import mpmath
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derivtutor.functions import sigmoid
from derivtutor.numeric import differ, real_value
from derivtutor.verify import equal

x, y = sympy.symbols("x y", real=True)
POINT = {x: sympy.Float("0.7312", 30), y: sympy.Float("-1.25", 30)}

EXPRESSIONS = [
    1 / (1 + sympy.exp(-x)), sympy.exp(-x) / (1 + sympy.exp(-x)) ** 2, sigmoid(x) * (1 - sigmoid(x)),
    sympy.sin(x) ** 2 + sympy.cos(x) ** 2, sympy.tan(x) * sympy.sec(x) - sympy.csc(x) * sympy.cot(x),
    sympy.asin(x) + sympy.acos(x / 2) + sympy.atan(x * y), sympy.sinh(y) * sympy.cosh(x) / sympy.tanh(x),
    sympy.log(x) + sympy.sqrt(x) + x ** sympy.Rational(3, 2), sympy.Abs(y) * y**3 - sympy.pi * sympy.E,
    sympy.Rational(1, 2) * (x - y) ** 2, x**-3 + y**-2,
]


def test_values_agree_with_sympy_evalf_to_28_digits() -> None:
    for expr in EXPRESSIONS:
        fast = real_value(expr, POINT)
        slow = expr.rewrite(sympy.exp).evalf(30, subs=POINT) if expr.has(sigmoid) else expr.evalf(30, subs=POINT)
        assert fast is not None, expr
        with mpmath.workdps(35):
            assert abs(fast - mpmath.mpf(slow)) <= mpmath.mpf("1e-27") * max(1, abs(fast)), expr


def test_no_real_value_means_none_so_sympy_decides() -> None:
    assert real_value(sympy.log(y), POINT) is None  # ln of a negative number
    assert real_value(sympy.sqrt(y), POINT) is None  # complex
    assert real_value(sympy.asin(y), POINT) is None  # outside [-1, 1]
    assert real_value(1 / (x - x.subs(x, 0) - POINT[x]), POINT) is None  # a pole
    assert real_value(sympy.Function("f")(x), POINT) is None  # an unknown function: not in the table
    assert real_value(sympy.Si(x), POINT) is None  # a known function outside the registry
    assert real_value(x + sympy.Symbol("z"), POINT) is None  # a name without a value


def test_differ_is_relative_to_size() -> None:
    one = mpmath.mpf(1)
    assert not differ(one, one + mpmath.mpf("1e-25"))
    assert differ(one, one + mpmath.mpf("1e-15"))
    assert not differ(one * 10**40, one * 10**40 + 10**15)


@settings(max_examples=60, deadline=None)
@given(st.integers(-6, 6), st.integers(1, 5), st.sampled_from([sympy.sin, sympy.exp, sympy.atan, sigmoid]))
def test_equal_still_tells_right_from_wrong(k: int, n: int, f: sympy.FunctionClass) -> None:
    """The fast path only ever says 'the same at this point': a wrong derivative is still found different."""
    expr = f(k * x) ** n
    right = sympy.diff(expr.rewrite(sympy.exp) if f is sigmoid else expr, x)
    assert equal(sympy.diff(expr, x), right) is True
    assert equal(sympy.diff(expr, x) + x / 10**12, right) is False  # x/10¹² is not rounding
