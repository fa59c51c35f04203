"""The expressions the benchmark differentiates and the answers it checks, built with SymPy (never from text).

Kept apart from run.py so a reader sees exactly what was measured: the sigmoid and the other activations, the
products, quotients and compositions a first course in backpropagation uses, and the scaling families.
"""

from __future__ import annotations

import sympy

x = sympy.Symbol("x", real=True)
w, a, b = sympy.symbols("w a b", real=True)
E = sympy.exp


def derivation_corpus() -> list[tuple[str, sympy.Expr, sympy.Symbol]]:
    """At least 30 (label, expression, variable) triples."""
    s = 1 / (1 + E(-x))
    items = [
        ("sigmoid", s),
        ("tanh", sympy.tanh(x)),
        ("tanh via exp", (E(x) - E(-x)) / (E(x) + E(-x))),
        ("softplus", sympy.log(1 + E(x))),
        ("swish", x / (1 + E(-x))),
        ("gelu-tanh", x / 2 * (1 + sympy.tanh(sympy.sqrt(2 / sympy.pi) * (x + sympy.Rational(44715, 10**6) * x**3)))),
        ("elu branch", E(x) - 1),
        ("relu", sympy.Max(0, x)),
        ("abs", sympy.Abs(x)),
        ("sigmoid of affine", 1 / (1 + E(-(w * x + b)))),
        ("squared error", (x - a) ** 2 / 2),
        ("cross entropy", -(a * sympy.log(s) + (1 - a) * sympy.log(1 - s))),
        ("x^2 sin x", x**2 * sympy.sin(x)),
        ("x e^x", x * E(x)),
        ("x ln x", x * sympy.log(x)),
        ("sin/x", sympy.sin(x) / x),
        ("(x^2+1)/(x-1)", (x**2 + 1) / (x - 1)),
        ("sqrt(1+x^2)", sympy.sqrt(1 + x**2)),
        ("1/x^3", 1 / x**3),
        ("polynomial", 3 * x**4 - 2 * x**3 + x - 7),
        ("sin(x^2)", sympy.sin(x**2)),
        ("e^(sin x)", E(sympy.sin(x))),
        ("ln(cos x)", sympy.log(sympy.cos(x))),
        ("(3x+1)^5", (3 * x + 1) ** 5),
        ("atan(2x)", sympy.atan(2 * x)),
        ("asin(x/2)", sympy.asin(x / 2)),
        ("2^x", 2**x),
        ("x^x", x**x),
        ("e^(-x^2/2)", E(-x**2 / 2)),
        ("sin x cos x", sympy.sin(x) * sympy.cos(x)),
        ("tan(3x)", sympy.tan(3 * x)),
        ("cosh(x)^2", sympy.cosh(x) ** 2),
        ("x^2 e^(-x) sin x", x**2 * E(-x) * sympy.sin(x)),
        ("ln(1+e^(-x))", sympy.log(1 + E(-x))),
        ("sigmoid squared", s**2),
        ("net w*a+b (wrt w)", w * a + b),
    ]
    return [(label, expr, w if "wrt w" in label or label == "sigmoid of affine" else x) for label, expr in items]


def nested_sin(n: int) -> sympy.Expr:
    expr = x
    for _ in range(n):
        expr = sympy.sin(expr)
    return expr


def long_sum(n: int) -> sympy.Expr:
    return sympy.Add(*(sympy.Rational(1, k) * x**k for k in range(1, n + 1)))


def long_product(n: int) -> sympy.Expr:
    return sympy.Mul(*(x + k for k in range(1, n + 1)))


SCALING = {
    "sin nested": (nested_sin, (10, 50, 200)),
    "sum of terms": (long_sum, (50, 200, 800)),
    "product of factors": (long_product, (10, 50, 100)),
}


def answer_corpus() -> list[tuple[str, str, str]]:
    """(label, learner's answer, expected answer) as typed text: right, wrong and hostile answers."""
    right = [
        ("e^(-x)/(1+e^(-x))^2", "e^(-x)/(1 + e^(-x))^2"),
        ("exp(-x)*(1+exp(-x))^(-2)", "e^(-x)/(1 + e^(-x))^2"),
        ("1/(1+e^(-x)) * (1 - 1/(1+e^(-x)))", "e^(-x)/(1 + e^(-x))^2"),
        ("2x", "2*x"),
        ("x*2", "2*x"),
        ("cos(x)*x^2 + 2x sin(x)", "x^2 cos(x) + 2 x sin(x)"),
        ("-1", "-1"),
        ("1 - tanh(x)^2", "1 - tanh(x)^2"),
        ("1/cosh(x)^2", "1 - tanh(x)^2"),
        ("2 sin(x) cos(x)", "sin(2x)"),
        ("(x-a)", "x - a"),
        ("-1/g^2", "-1/g^2"),
        ("e^h", "e^h"),
        ("15 (3x+1)^4", "15*(3*x+1)^4"),
        ("x/sqrt(1+x^2)", "x/sqrt(1+x^2)"),
        ("1/x", "1/x"),
        ("e^x (x + 1)", "x e^x + e^x"),
        ("ln(x) + 1", "log(x) + 1"),
        ("-tan(x)", "-sin(x)/cos(x)"),
        ("2/(1+4x^2)", "2/(1+4*x^2)"),
    ]
    wrong = [
        ("e^(-x)/(1+e^(-x))", "e^(-x)/(1 + e^(-x))^2"),
        ("-e^(-x)/(1+e^(-x))^2", "e^(-x)/(1 + e^(-x))^2"),
        ("x^2", "2*x"),
        ("cos(x) * 2x", "x^2 cos(x) + 2 x sin(x)"),
        ("1", "-1"),
        ("1 + tanh(x)^2", "1 - tanh(x)^2"),
        ("sin(x) cos(x)", "sin(2x)"),
        ("1/g^2", "-1/g^2"),
        ("h e^(h-1)", "e^h"),
        ("5 (3x+1)^4", "15*(3*x+1)^4"),
        ("1/(2 sqrt(1+x^2))", "x/sqrt(1+x^2)"),
        ("ln(x)", "1/x"),
        ("x e^x", "x e^x + e^x"),
        ("1/x", "log(x) + 1"),
        ("tan(x)", "-sin(x)/cos(x)"),
        ("1/(1+4x^2)", "2/(1+4*x^2)"),
    ]
    hostile = [
        ("(x+1)^1000", "(x+1)^999 (x+1)"),
        ("(x+1)^1000 - 1", "(x+1)^1000"),
        ("e^(e^(e^(e^(x))))", "e^(e^(e^(e^(x)))) + 1"),
        ("x^999 + x^998", "x^998 (x+1)"),
        ("sin(x)^200 + cos(x)^200", "1"),
        ("(x+1)^100 (x-1)^100", "(x^2-1)^100"),
        ("tanh(tanh(tanh(tanh(tanh(tanh(tanh(tanh(x))))))))", "x"),
        ("10^(10^(10^x))", "1"),
        ("(1 + 1/10^30) x", "x"),
    ]
    return ([(f"right {i}", a_, e) for i, (a_, e) in enumerate(right)]
            + [(f"wrong {i}", a_, e) for i, (a_, e) in enumerate(wrong)]
            + [(f"hostile {i}", a_, e) for i, (a_, e) in enumerate(hostile)])
