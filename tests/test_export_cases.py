"""The expressions every export format is tested on (shared by the test_export_* files), and their derivations."""

from __future__ import annotations

import functools

import sympy

from derivtutor.engine import derive

x = sympy.Symbol("x", real=True)
w, a, b = sympy.symbols("w a b", real=True)
w_jk, a_k, net_k, eta = sympy.symbols("w_jk a_k net_k eta", real=True)
f = sympy.Function("f")

CASES: dict[str, tuple[sympy.Expr, sympy.Symbol]] = {
    "sigmoid": (1 / (1 + sympy.exp(-x)), x),
    "product": (x**2 * sympy.sin(x), x),
    "quotient": (sympy.sin(x) / (x**2 + 1), x),
    "chain": (sympy.sin(3 * x**2 + 1), x),
    "x_to_x": (x**x, x),
    "abs": (sympy.Abs(x), x),
    "relu": (sympy.Max(0, x), x),
    "partial": (w * a + b, w),
    "f_of_x2": (f(x**2), x),
    "sqrt": (sympy.sqrt(1 + x**2), x),
    "tanh": (sympy.tanh(2 * x), x),
    "log": (sympy.log(x**2 + 1), x),
    "subscripts": (sympy.exp(-eta * w_jk * a_k) + net_k, w_jk),
    "exp_sin": (sympy.exp(sympy.sin(x)) * sympy.cos(x), x),
}


@functools.cache
def derivation(name: str):  # noqa: ANN201 - a Derivation, built once per test session
    expr, var = CASES[name]
    return derive(expr, var)


def test_every_case_derives_and_verifies() -> None:
    for name in CASES:
        assert derivation(name).verified, name
