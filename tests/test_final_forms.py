"""Issue 15.2: the final form is the one a textbook prints, reached by named, checked algebra moves.

CORPUS holds textbook-style exercises with the answer as a textbook prints it, spelled in the tool's Unicode
print (a product dot between a number and a power, `-` for minus, `sec(x)²` for sec²x). MATCHES must come out
exactly; DIFFERENCES are the ones that do not, each with the reason, checked equal in value so that they stay
honest and flagged here the day they change.
"""

from __future__ import annotations

import pytest
import sympy

from derivtutor.derivation import Derivation
from derivtutor.engine import derive
from derivtutor.final_form import measure
from derivtutor.functions import sigmoid
from derivtutor.mathtext import factors_text
from derivtutor.run import build
from derivtutor.verify import equal

x, z, t, w, a, b = (sympy.Symbol(n, real=True) for n in "xztwab")
HALF = sympy.Rational(1, 2)

# (what the learner types, or a SymPy expression with its variable) -> the textbook's answer
MATCHES: list[tuple[object, str]] = [
    # polynomials
    ("7x^2 - 4x", "14x - 4"),
    ("x^3 - 7x^2/2 + x", "3·x² - 7x + 1"),
    ("5x^4 - 3x^2 + 2x - 9", "20·x³ - 6x + 2"),
    ("x^5/5 - x", "x⁴ - 1"),
    ("(2x+1)(x-3)", "4x - 5"),
    ("1 - x^2/2", "-x"),
    ("(x^2+1)^3", "6x·(x² + 1)²"),
    ("(3x+1)^5", "15·(3x + 1)⁴"),
    # roots
    ("sqrt(x)", "1/(2√x)"),
    ("sqrt(1 - x^2)", "-x/√(1 - x²)"),
    ("x^(1/3)", "1/(3x^(2/3))"),
    ("sqrt(x^2+1)", "x/√(x² + 1)"),
    # products
    ("x sin x", "x·cos(x) + sin(x)"),
    ("x ln x", "1 + ln(x)"),
    ("e^x cos x", "eˣ·cos(x) - eˣ·sin(x)"),
    ("x^2 cos(x)", "2x·cos(x) - x²·sin(x)"),
    ("x e^(-x)", "e⁻ˣ - x·e⁻ˣ"),
    ("sin(x)cos(x)", "cos(x)² - sin(x)²"),
    # quotients
    ("x/(x+1)", "1/(x + 1)²"),
    ("(x^2+1)/(x-1)", "(x² - 2x - 1)/(x - 1)²"),
    ("sin(x)/x", "(x·cos(x) - sin(x))/x²"),
    ("1/x", "-1/x²"),
    ("1/x^2", "-2/x³"),
    ("e^x/(1+e^x)", "eˣ/(1 + eˣ)²"),
    # chains
    ("sin(x^2)", "2x·cos(x²)"),
    ("e^(x^2)", "2x·e^(x²)"),
    ("ln(x^2+1)", "2x/(x² + 1)"),
    ("cos(3x)", "-3·sin(3x)"),
    ("ln(ln x)", "1/(x·ln(x))"),
    # trig
    ("tan x", "sec(x)²"),
    ("cot x", "-csc(x)²"),
    ("tan(2x)", "2·sec(2x)²"),
    ("tan(x^2)", "2x·sec(x²)²"),
    ("sec x", "sec(x)·tan(x)"),
    ("csc x", "-cot(x)·csc(x)"),
    # inverse trig
    ("asin x", "1/√(1 - x²)"),
    ("acos x", "-1/√(1 - x²)"),
    ("asin(x/2)", "1/√(4 - x²)"),
    # hyperbolic
    ("sinh x", "cosh(x)"),
    ("cosh(2x)", "2·sinh(2x)"),
    ("tanh x", "1 - tanh(x)²"),
    ("x sinh x", "x·cosh(x) + sinh(x)"),
    # exponentials and logarithms with bases
    ("2^x", "2ˣ·ln(2)"),
    ("10^(3x)", "3·10³ˣ·ln(10)"),
    ("ln(3x)", "1/x"),
    ("e^(-x)", "-e⁻ˣ"),
    ("7^(x^2-4)*7^(4-x^2)*x", "1"),
    ("x^x", "xˣ·(1 + ln(x))"),
    # absolute values, max and min
    ("ln|x|", "1/x"),
    ("|x|", "x/|x|"),
    ("x*|x|", "2·|x|"),
    ("|x|^3", "3x·|x|"),
    ("|x^2-1|", "2x·(x² - 1)/|x² - 1|"),
    ("max(0,x)^2", "2·max(0, x)"),
    ("x^2 relu(x)", "3x·max(0, x)"),
    ("max(0,x)", "{0 if x < 0; 1 if x > 0}"),
    # sigma, tanh, softplus, relu compositions (sigma in SymPy form: the reader's change lands separately)
    ((sigmoid(x) ** 2, x), "2·σ(x)²·(1 - σ(x))"),
    ((HALF * (t - sigmoid(z)) ** 2, z), "(σ(z) - t)·σ(z)·(1 - σ(z))"),
    ((HALF * (t - sigmoid(w * a + b)) ** 2, w), "(σ(a·w + b) - t)·σ(a·w + b)·(1 - σ(a·w + b))·a"),
    ((sigmoid(2 * x), x), "2·σ(2x)·(1 - σ(2x))"),
    ((sympy.tanh(x) ** 2, x), "2·tanh(x)·(1 - tanh(x)²)"),
    ((sympy.log(1 + sympy.exp(x)), x), "σ(x)"),
]

# What a textbook prints, what we print instead, and why.
DIFFERENCES: list[tuple[object, str, str, str]] = [
    ("atan x", "1/(1 + x²)", "1/(x² + 1)", "descending powers everywhere; the table keeps 1 + x²"),
    ("atan(2x)", "2/(1 + 4·x²)", "2/(4·x² + 1)", "descending powers everywhere; the table keeps 1 + u²"),
    ("(1+x)^x", "(x + 1)ˣ·(ln(x + 1) + x/(x + 1))", "(x + 1)ˣ·(x/(x + 1) + ln(x + 1))",
     "x/(x + 1) counts as a degree-1 term, so it is put before the logarithm"),
    ((x * sigmoid(x), x), "σ(x) + x·σ(x)·(1 - σ(x))", "x·σ(x)·(1 - σ(x)) + σ(x)",
     "the term with x is put first (descending powers), SiLU texts put σ(x) first"),
    ((sympy.tanh(w * a + b), w), "a·(1 - tanh(a·w + b)²)", "(1 - tanh(a·w + b)²)·a",
     "the backprop order puts the input last, as in δ·a"),
]


def derivation_of(case: object) -> Derivation:
    if isinstance(case, str):
        return build(case, None)
    expr, var = case
    return derive(expr, var)


def final_text(d: Derivation) -> str:
    return factors_text(list(d.algebra[-1].shown)) if d.algebra else factors_text([d.result])


def test_the_corpus_is_big_enough():
    assert len(MATCHES) + len(DIFFERENCES) >= 60


@pytest.mark.parametrize(("case", "textbook"), MATCHES, ids=[str(c) for c, _ in MATCHES])
def test_final_form_is_the_textbook_form(case, textbook):
    d = derivation_of(case)
    assert final_text(d) == textbook
    assert d.verified and all(step.verified for step in d.algebra)
    assert equal(d.final, d.reference) is True
    assert measure(d.final) <= measure(d.reference) or d.reference.has(sympy.Derivative)


@pytest.mark.parametrize(("case", "textbook", "ours", "why"), DIFFERENCES, ids=[str(c[0]) for c in DIFFERENCES])
def test_known_differences_are_equal_in_value(case, textbook, ours, why):
    d = derivation_of(case)
    assert final_text(d) == ours, why
    assert d.verified and equal(d.final, d.reference) is True


def test_each_final_move_is_named_and_checked():
    from derivtutor.teaching import ALGEBRA_MOVES

    d = build("tan x", None)
    assert [s.move for s in d.algebra] == ["pythagorean_sec"]
    assert d.algebra[0].before == 1 + sympy.tan(x) ** 2 and d.algebra[0].verified
    d = build("ln|x|", None)
    assert [s.move for s in d.algebra] == ["sign_over_abs"] and d.final == 1 / x
    for case, _ in MATCHES:
        for step in derivation_of(case).algebra:
            assert step.move in ALGEBRA_MOVES and step.verified


def test_no_rewrite_gives_a_value_at_a_real_corner():
    """|x|: x/|x| stays undefined at 0; a cancellation to something defined there would be refused."""
    d = build("|x|", None)
    assert d.final.subs(x, 0) is sympy.nan
    d = build("max(0,x)", None)
    assert d.algebra == []


def test_a_result_that_is_sympys_own_form_is_not_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    """`measure` walks the expression as a tree: for sin(sin(...)) 200 deep that is millions of nodes and ~2 s,
    over a typed expression's 1 s budget. Nothing needs measuring when the result is SymPy's own form."""
    import derivtutor.final_form as final_form

    def no_measuring(expr: sympy.Expr) -> int:
        raise AssertionError("measured")

    monkeypatch.setattr(final_form, "measure", no_measuring)
    nested = x
    for _ in range(60):
        nested = sympy.sin(nested)
    derivation = derive(nested, x)
    assert derivation.final == sympy.diff(nested, x)
