"""Textbook-style inputs and the reading each must get: plain text, the Unicode the tool prints, LaTeX, derivative
prefixes, textbook function names and the implicit products students write.

Each row: (typed text, expected expression, the variable a prefix names or None, whether a "Read as" note is due).
A note is due whenever the reading is not literal (letters split, log read as ln, sin^-1 read as asin, LaTeX).
"""

from __future__ import annotations

import sympy

from derivtutor.functions import sigmoid, softplus

S = sympy


def sym(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


x, y, t, w, a, b, z, u = (sym(n) for n in "xytwabzu")
E, e, pi = sym("E"), sympy.E, sympy.pi
a_2, a_j, w_jk, t_1, o_1, net_k = (sym(n) for n in ("a_2", "a_j", "w_jk", "t_1", "o_1", "net_k"))
theta, eta, alpha = sym("theta"), sym("eta"), sym("alpha")
half = sympy.Rational(1, 2)

CORPUS: list[tuple[str, sympy.Expr, sympy.Symbol | None, bool]] = [
    # plain ASCII, as today
    ("x^2 + 3x - 5", x**2 + 3 * x - 5, None, False),
    ("3x^4 - 2x^3 + x - 7", 3 * x**4 - 2 * x**3 + x - 7, None, False),
    ("(x^2 + 1)^3", (x**2 + 1) ** 3, None, False),
    ("sqrt(x^2 + 1)", S.sqrt(x**2 + 1), None, False),
    ("x sin x", x * S.sin(x), None, False),
    ("e^(-x^2)", S.exp(-(x**2)), None, False),
    ("x^2 e^x", x**2 * S.exp(x), None, False),
    ("ln(x^2 + 1)", S.log(x**2 + 1), None, False),
    ("(x + 1)/(x - 1)", (x + 1) / (x - 1), None, False),
    ("1/x^3", x**-3, None, False),
    ("sin^2 x", S.sin(x) ** 2, None, False),
    ("tan(3x)", S.tan(3 * x), None, False),
    ("2^x", 2**x, None, False),
    ("x^x", x**x, None, False),
    ("|x^2 - 1|", S.Abs(x**2 - 1), None, False),
    ("max(0, x)", S.Max(0, x), None, False),
    ("relu(x)", S.Max(0, x), None, False),
    ("w_jk a_j + b", w_jk * a_j + b, None, False),
    ("1/2 (t - a)^2", half * (t - a) ** 2, None, False),
    ("sigma(x)", sigmoid(x), None, False),
    ("sigmoid(w x + b)", sigmoid(w * x + b), None, False),
    ("softplus(x)", softplus(x), None, False),
    ("sigma(x)(1 - sigma(x))", sigmoid(x) * (1 - sigmoid(x)), None, False),
    ("log(x, 2)", S.log(x) / S.log(2), None, False),
    # the Unicode the tool prints
    ("x²", x**2, None, False),
    ("5x⁴", 5 * x**4, None, False),
    ("x³ - 2x² + 1", x**3 - 2 * x**2 + 1, None, False),
    ("e⁻ˣ", S.exp(-x), None, False),
    ("eˣ", S.exp(x), None, False),
    ("e²ˣ", S.exp(2 * x), None, False),
    ("x⁻¹", 1 / x, None, False),
    ("x^(1/2)", S.sqrt(x), None, False),
    ("a₂", a_2, None, False),
    ("wⱼₖ·aⱼ", w_jk * a_j, None, False),
    ("netₖ", net_k, None, False),
    ("σ(x)", sigmoid(x), None, False),
    ("σ(x)·(1 − σ(x))", sigmoid(x) * (1 - sigmoid(x)), None, False),
    ("1/(1 + e⁻ˣ)", 1 / (1 + S.exp(-x)), None, False),
    ("θ²", theta**2, None, False),
    ("η·x", eta * x, None, False),
    ("α x − θ x", alpha * x - theta * x, None, False),
    ("2πx", 2 * pi * x, None, False),
    ("x·y", x * y, None, False),
    ("x×y", x * y, None, False),
    ("x⋅y", x * y, None, False),
    ("x − 1", x - 1, None, False),
    ("x – 1", x - 1, None, False),
    ("√x", S.sqrt(x), None, False),
    ("√(x² + 1)", S.sqrt(x**2 + 1), None, False),
    ("1/(2√x)", 1 / (2 * S.sqrt(x)), None, False),
    ("∛x", x ** sympy.Rational(1, 3), None, False),
    ("½x²", x**2 / 2, None, False),
    ("¼x", x / 4, None, False),
    ("sin²x", S.sin(x) ** 2, None, False),
    ("(5/2)ˣ", sympy.Rational(5, 2) ** x, None, False),
    ("|x|³", S.Abs(x) ** 3, None, False),
    ("xˣ·(1 + ln(x))", x**x * (1 + S.log(x)), None, False),
    # LaTeX
    (r"\frac{1}{1+e^{-x}}", 1 / (1 + S.exp(-x)), None, True),
    (r"\sigma(x)", sigmoid(x), None, True),
    (r"\sigma\left(z\right)", sigmoid(z), None, True),
    (r"x \cdot y", x * y, None, True),
    (r"x \times y", x * y, None, True),
    (r"\left( x + 1 \right)^2", (x + 1) ** 2, None, True),
    (r"\sqrt{x}", S.sqrt(x), None, True),
    (r"\sqrt{x^2 + 1}", S.sqrt(x**2 + 1), None, True),
    (r"\sqrt[3]{x}", x ** sympy.Rational(1, 3), None, True),
    (r"\ln x", S.log(x), None, True),
    (r"\ln\left(1 + e^{x}\right)", S.log(1 + S.exp(x)), None, True),
    (r"\exp(-x)", S.exp(-x), None, True),
    (r"e^{-x^2}", S.exp(-(x**2)), None, True),
    (r"e^{2x}", S.exp(2 * x), None, True),
    (r"x_{j}", sym("x_j"), None, True),
    (r"w_{jk} a_{j} + b_{k}", w_jk * a_j + sym("b_k"), None, True),
    (r"\frac{1}{2}(t - a)^2", half * (t - a) ** 2, None, True),
    (r"\frac{x^2}{2}", x**2 / 2, None, True),
    (r"\tanh(x)", S.tanh(x), None, True),
    (r"\sin^2 x", S.sin(x) ** 2, None, True),
    (r"\arctan x", S.atan(x), None, True),
    (r"\theta^2", theta**2, None, True),
    (r"2\pi x", 2 * pi * x, None, True),
    (r"\left| x \right|", S.Abs(x), None, True),
    (r"\operatorname{sech}(x)", S.sech(x), None, True),
    (r"\log_2 x", S.log(x) / S.log(2), None, True),
    (r"\log_{10} x", S.log(x) / S.log(10), None, True),
    (r"\frac{d}{dx} x^2", x**2, x, True),
    (r"\frac{d}{dx}\left(x^3\right)", x**3, x, True),
    (r"\frac{\partial}{\partial w} (w a + b)", w * a + b, w, True),
    (r"\frac{\partial E}{\partial w_{jk}} \frac{1}{2}(t - w_{jk} a_j)^2", half * (t - w_jk * a_j) ** 2, w_jk, True),
    # derivative prefixes
    ("d/dx x^2", x**2, x, False),
    ("d/dx (x^2)", x**2, x, False),
    ("d/dx(x^2 + 1)", x**2 + 1, x, False),
    ("d/dt sin(2t)", S.sin(2 * t), t, False),
    ("dy/dx y = x^3 + 1", x**3 + 1, x, False),
    ("dy/dx x^3", x**3, x, False),
    ("∂/∂w (w a + b)", w * a + b, w, False),
    ("∂E/∂w E = 1/2 (t - w a)^2", half * (t - w * a) ** 2, w, False),
    ("d/dw_jk (w_jk a_j)", w_jk * a_j, w_jk, False),
    ("y = x^2 sin x", x**2 * S.sin(x), None, False),
    ("f(x(t), y(t))", sympy.Function("f")(sympy.Function("x")(t), sympy.Function("y")(t)), None, True),
    ("a(b + 1)", a * (b + 1), None, False),
    ("df/dg * dg/dx", sym("df") / sym("dg") * sym("dg") / sym("dx"), None, False),  # derive check's chain lines
    ("f(x) = e^(2x)", S.exp(2 * x), None, False),
    # textbook functions
    ("sec x", S.sec(x), None, False),
    ("csc x", S.csc(x), None, False),
    ("cosec x", S.csc(x), None, False),
    ("cot x", S.cot(x), None, False),
    ("sech x", S.sech(x), None, False),
    ("csch x", S.csch(x), None, False),
    ("coth x", S.coth(x), None, False),
    ("asinh x", S.asinh(x), None, False),
    ("arsinh x", S.asinh(x), None, False),
    ("arcsinh x", S.asinh(x), None, False),
    ("acosh x", S.acosh(x), None, False),
    ("artanh x", S.atanh(x), None, False),
    ("asec x", S.asec(x), None, False),
    ("arcsec x", S.asec(x), None, False),
    ("acsc x", S.acsc(x), None, False),
    ("acot x", S.acot(x), None, False),
    ("arccot x", S.acot(x), None, False),
    ("erf(x)", S.erf(x), None, False),
    ("sin^-1 x", S.asin(x), None, True),
    ("sec^-1 x", S.asec(x), None, True),
    ("tanh^-1 x", S.atanh(x), None, True),
    ("sinh^-1(2x)", S.asinh(2 * x), None, True),
    ("tan⁻¹x", S.atan(x), None, True),
    ("log_2 x", S.log(x) / S.log(2), None, False),
    ("log_10(x)", S.log(x) / S.log(10), None, False),
    ("log2 x", S.log(x) / S.log(2), None, False),
    ("log10 x", S.log(x) / S.log(10), None, False),
    ("lg x", S.log(x) / S.log(10), None, True),
    ("log x", S.log(x), None, True),
    ("log(x^2 + 1)", S.log(x**2 + 1), None, True),
    ("ln x", S.log(x), None, False),
    # implicit products
    ("xsinx", x * S.sin(x), None, True),
    ("sinxcosx", S.sin(x) * S.cos(x), None, True),
    ("sinx", S.sin(x), None, True),
    ("cos2x", S.cos(2 * x), None, True),
    ("xe^x", x * S.exp(x), None, True),
    ("2xy", 2 * x * y, None, True),
    ("xy^2", x * y**2, None, True),
    ("lnx", S.log(x), None, True),
    ("e^xsinx", S.exp(x) * S.sin(x), None, True),
    ("x^2sinx", x**2 * S.sin(x), None, True),
    ("tanx", S.tan(x), None, True),
    ("sqrtx", S.sqrt(x), None, True),
]

ANSWERS: list[tuple[str, list[str], sympy.Expr]] = [
    # (answer typed, the names in the question, the reading)
    ("a2", ["a_2", "w_2"], a_2),
    ("wjk aj", ["w_jk", "a_j"], w_jk * a_j),
    ("netk", ["net_k"], net_k),
    ("a2 (1 - a2)", ["a_2"], a_2 * (1 - a_2)),
    ("-(t1 - o1)", ["t_1", "o_1"], -(t_1 - o_1)),
    ("o_1 - t_1", ["t_1", "o_1"], o_1 - t_1),
    ("a 2", ["a_2"], a_2),
    ("a₂(1 − a₂)", ["a_2"], a_2 * (1 - a_2)),
    ("σ(z)(1 - σ(z))", ["z"], sigmoid(z) * (1 - sigmoid(z))),
]

REFUSED: list[tuple[str, list[str] | None, int, str]] = [
    # (typed, question names or None, column, words the refusal must contain)
    ("zero", ["x"], 1, "did you mean 0?"),
    ("qwerty", ["a_1", "a_2"], 1, "not a letter in this question"),
    ("2 a_3", ["a_1", "a_2"], 3, "did you mean a_2?"),
    ("sin^-2 x", None, 5, "write 1/sin(x)"),
    ("x = 1", None, 3, "'='"),
    (r"\int x dx", None, 1, "integrals"),
    (r"\foo{x}", None, 1, "\\foo"),
    (r"\frac{1}{x", None, 9, "never closed"),
    ("d/dx", None, 5, "after d/dx write the function"),
    ("₂x", None, 1, "a subscript must follow a name"),
    ("∂x", None, 1, "derivative prefix"),
    ("f′(x)", None, 2, "primes"),
]
