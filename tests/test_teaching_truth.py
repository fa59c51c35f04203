"""Issue 15: what the tutor says around an answer is true of the WHOLE function, and fits the screen."""

from __future__ import annotations

import json

import pytest
import sympy

from derivtutor.document import build_document
from derivtutor.engine import derive
from derivtutor.functions import sigmoid
from derivtutor.render.json import render_json
from derivtutor.render.latex import render_latex
from derivtutor.render.terminal import document_text

x = sympy.Symbol("x", real=True)
ZERO, ONE = sympy.S.Zero, sympy.S.One


def screen(d, detail: str = "normal", unicode: bool = True) -> str:
    text = document_text(build_document(d, detail).blocks, 80, colour=False, unicode=unicode)
    return " ".join(text.split())  # the words, whatever the wrapping


# (expression, points with no derivative, points where a part bends but the whole is smooth)
CORNER_CASES = [
    (x * sympy.Abs(x), [], [0]),                               # the six
    (sympy.Abs(x) ** 3, [], [0]),
    (sympy.Max(0, x) ** 2, [], [0]),
    (x**2 * sympy.Max(0, x), [], [0]),
    (sympy.Abs(x**2 - 1), [-1, 1], []),
    (sympy.Abs(x), [0], []),
    (sympy.Max(0, x), [0], []),
    (sympy.sqrt(sympy.Abs(x)), [0], []),                      # |x|^(1/2): vertical at 0
    (sympy.Piecewise((-1, x < 0), (1, True)), [0], []),       # a sign(x)-like jump
    (sympy.Piecewise((0, x < 0), (1, True)), [0], []),        # a step
    (sympy.log(sympy.Abs(x)), [0], []),                       # not defined at 0
    (sympy.Abs(x - 2) + sympy.Abs(x + 3), [-3, 2], []),
    (sympy.Abs(x) * x**3, [], [0]),
    (sympy.Abs(x**3), [], [0]),
    (sympy.Max(0, x - 1), [1], []),
    (sympy.Abs(x) * sympy.sin(x), [], [0]),
    (sympy.exp(sympy.Abs(x)), [0], []),
    (sympy.Piecewise((x**2, x < 0), (x**3, True)), [], [0]),  # a smooth join
    (sympy.Abs(x**3 - 2 * x + 1), sorted([1, (-1 + sympy.sqrt(5)) / 2, (-1 - sympy.sqrt(5)) / 2], key=float), []),
]


@pytest.mark.parametrize(("expr", "no_derivative", "smooth"), CORNER_CASES, ids=[str(c[0]) for c in CORNER_CASES])
def test_corners_are_decided_for_the_whole_function(expr, no_derivative, smooth):
    d = derive(expr, x)
    assert list(d.no_derivative_at) == [sympy.S(p) for p in no_derivative]
    assert [c.point for c in d.smooth_at] == [sympy.S(p) for p in smooth]
    h = sympy.Symbol("h", positive=True)
    for corner in d.corners:  # the one-sided slopes agree with SymPy's limits of the difference quotients
        if corner.kind in ("smooth", "corner"):
            p, f = corner.point, expr.subs(x, corner.point)
            right = sympy.limit((expr.subs(x, p + h) - f) / h, h, 0, "+")
            left = sympy.limit((f - expr.subs(x, p - h)) / h, h, 0, "+")
            assert sympy.simplify(left - corner.left) == 0 and sympy.simplify(right - corner.right) == 0


def test_every_periodic_family_is_reported():
    d = derive(sympy.Abs(sympy.sin(x)) * sympy.Abs(sympy.cos(x)), x)
    assert len(d.corner_families) == 4 and all(f.kind == "corner" for f in d.corner_families)


def test_abs_sin_has_a_periodic_family_of_corners():
    d = derive(sympy.Abs(sympy.sin(x)), x)
    n = sympy.Symbol("n", integer=True)
    assert {f.formula for f in d.corner_families} == {2 * sympy.pi * n, 2 * sympy.pi * n + sympy.pi}
    assert all(f.kind == "corner" for f in d.corner_families)
    assert "No derivative at x = 2π·n for every integer n" in screen(d)


@pytest.mark.parametrize("expr", [x * sympy.Abs(x), sympy.Abs(x) ** 3, sympy.Max(0, x) ** 2,
                                  x**2 * sympy.Max(0, x)])
def test_no_false_claim_on_any_output(expr):
    d = derive(expr, x)
    text = screen(d)
    assert "No derivative" not in text and "true slope does not exist" not in text
    assert "Smooth at x = 0" in text and "both sides have slope 0" in text
    assert json.loads(render_json(d))["no_derivative_at"] == []
    assert json.loads(render_json(d))["smooth_at"][0]["slope"]["sympy"] == "0"
    latex = render_latex(d)
    assert "No derivative" not in latex and "Smooth at" in latex


def test_real_corners_are_stated_with_both_slopes():
    text = screen(derive(sympy.Abs(x**2 - 1), x))
    assert "No derivative at x = -1: the slope from the left is -2 and from the right is 2" in text
    assert "No derivative at x = 1:" in text
    points = json.loads(render_json(derive(sympy.Abs(x**2 - 1), x)))["no_derivative_at"]
    assert [p["sympy"] for p in points] == ["-1", "1"]


# -- words chosen for the screen (issue 15.4) -------------------------------------------------------------------

def test_two_minus_signs_only_when_two_minus_signs_meet():
    from derivtutor.presets import sigmoid as sigmoid_preset

    assert "two minus signs make a plus" in screen(sigmoid_preset())  # -1/g² · e^h · (-1)
    for text in ("sin(x^2)", "e^(x^2)", "(3x+1)^5", "ln(x^2+1)"):
        from derivtutor.run import build

        shown = screen(build(text, None))
        assert "Put the inner parts back" in shown and "two minus signs" not in shown, text
        assert "multiplied out: Multiply the factors together." in shown


def test_rule_cards_use_letters_free_on_the_screen():
    from derivtutor.run import build

    g = screen(build("sin(g^2)", "g"))
    assert "chain rule: df/dg = df/dh · dh/dg" in g  # the chain's own names, not a clashing 'df/dg · dg/dx'
    u = screen(build("u*sin(u)", None))
    assert "d/du (f·g)" not in u and "product rule: d/dq (p·g) = p′·g + p·g′" in u
    assert "sine rule: d/dp sin p = cos p" in u
    sig = screen(derive(1 / (1 + sympy.exp(-x)), x))
    assert "sum rule: d/du (p + q) = dp/du + dq/du" in sig  # f and g are layer names on this screen
    assert "chain rule: df/dx = df/dg · dg/dx" in sig


# -- the total derivative (issue 15.6) --------------------------------------------------------------------------

T = sympy.Symbol("t", real=True)
X_OF, Y_OF = sympy.Function("x")(T), sympy.Function("y")(T)
F = sympy.Function("f")


def test_total_derivative_of_unknown_functions_is_derived_and_verified():
    from derivtutor.rules import TotalDerivativeRule

    d = derive(F(X_OF, Y_OF), T)
    assert isinstance(d.root, TotalDerivativeRule) and d.verified
    assert d.result == sympy.diff(F(X_OF, Y_OF), T)
    assert [p.inner for p in d.root.paths] == [X_OF, Y_OF]
    text = screen(d)
    assert "g(t) = f(x(t), y(t)) dg/dt step by step" in text
    assert "= ∂f/∂x·x′(t) + ∂f/∂y·y′(t) ✓" in text
    assert "Path through x(t): ∂f/∂x · x′(t)" in text and "Path through y(t): ∂f/∂y · y′(t)" in text


def test_total_derivative_with_known_inner_functions():
    from derivtutor.render.latex import latex_expr

    d = derive(F(T**2, sympy.sin(T)), T)
    assert d.verified and d.result == sympy.diff(F(T**2, sympy.sin(T)), T)
    assert "Answer: dg/dt = ∂₂f(t², sin(t))·cos(t) + 2t·∂₁f(t², sin(t))" in screen(d)  # which argument, said
    assert r"\partial_{1} f\left(t^{2}, \sin{\left(t \right)}\right)" in latex_expr(d.result)


def test_equal_compares_partial_derivatives_of_unknown_functions():
    from derivtutor.verify import equal

    total = sympy.diff(F(X_OF, Y_OF), T)
    swapped = (sympy.Derivative(F(X_OF, Y_OF), Y_OF) * sympy.Derivative(Y_OF, T)
               + sympy.Derivative(F(X_OF, Y_OF), X_OF) * sympy.Derivative(X_OF, T))
    assert equal(total, swapped) is True
    assert equal(total, 2 * swapped) is False
    assert equal(total, swapped + sympy.Derivative(X_OF, T)) is False


def test_total_derivative_preset_and_hidden_weight_pointer():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "derivtutor", "total-derivative"], capture_output=True, text=True,
                         env={"PYTHONIOENCODING": "utf-8", "NO_COLOR": "1", **__import__("os").environ})
    assert out.returncode == 0, out.stderr
    words = " ".join(out.stdout.split())
    assert "✓ take f = x·y" in words and "✓ put in x = t², y = sin t" in words
    assert "= t²·cos(t) + 2t·sin(t) ✓ the same as the expanded function" in words
    from derivtutor.presets import PRESETS

    built = PRESETS["total-derivative"].build()
    assert built.verified and built.final == sympy.diff(T**2 * sympy.sin(T), T)
    hidden = subprocess.run([sys.executable, "-m", "derivtutor", "hidden-weight"], capture_output=True, text=True)
    assert "derive total-derivative shows it" in " ".join(hidden.stdout.split())


def test_total_derivative_typed():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "derivtutor", "f(x(t), y(t))", "--wrt", "t"], capture_output=True,
                         text=True)
    assert out.returncode == 0 and "Answer: dg/dt = ∂f/∂x·x′(t) + ∂f/∂y·y′(t)" in " ".join(out.stdout.split())


# -- another route, same answer (issue 15.7) --------------------------------------------------------------------

def test_one_over_g_by_the_quotient_rule_too():
    from derivtutor.run import build

    d = build("1/g", "g")
    (route,) = d.routes
    assert route.rule_id == "quotient" and route.verified and route.result == -1 / sympy.Symbol("g", real=True) ** 2
    full = screen(d, "full")
    assert "Another route, same answer: 1/g by the quotient rule" in full
    assert "d/dg (1/g) = (0g - 1·1)/(g²)" in full and "= -1/g² ✓" in full
    assert "that is where the −1 in the numerator comes from" in full
    assert "Another route" not in screen(d, "normal")  # full detail only
    data = json.loads(render_json(d))
    assert data["routes"][0]["rule"] == "quotient" and data["routes"][0]["verified"] is True
    assert r"&= \frac{0 g - 1 \cdot 1}{g^{2}}" in render_latex(d, detail="full")


def test_e_to_minus_x_as_one_over_e_to_x():
    from derivtutor.run import build

    d = build("e^(-x)", None)
    (route,) = d.routes
    assert route.verified and route.lines[0][0].doit() == 1 / sympy.exp(x)
    assert "e⁻ˣ = 1/eˣ" in screen(d, "full")


def test_a_route_that_does_not_hold_is_not_shown():
    from derivtutor.derivation import Route
    from derivtutor.engine import _quotient_route

    g = sympy.Symbol("g", real=True)
    wrong = _quotient_route(1 / g, g, g, 1 / g**2)  # a wrong 'result': the check must refuse it
    assert isinstance(wrong, Route)
    from derivtutor.verify import equal

    assert equal(wrong.lines[1][0].doit(), wrong.result) is False


# -- σ as a function with a known derivative (issue 15.3) --------------------------------------------------------

def test_sigma_stays_sigma_and_is_cited():
    d = derive(sigmoid(x) ** 2, x)
    assert not d.result.has(sympy.exp) and d.final.has(sigmoid)
    text = screen(d)
    assert "Answer: df/dx = 2·σ(x)²·(1 - σ(x))" in text
    assert "σ′(u) = σ(u)·(1 − σ(u)) is used as a known rule" in text and "derive sigmoid shows why" in text


def test_output_layer_error_by_hand_gives_the_three_backprop_factors():
    t, z, w, a, b = (sympy.Symbol(n, real=True) for n in "tzwab")
    d = derive(sympy.Rational(1, 2) * (t - sigmoid(w * a + b)) ** 2, w)
    layers = d.root.layers
    assert [layer.expr.func for layer in layers[1:]] == [sympy.Add, sympy.Add]
    assert len(layers) == 3 and layers[1].expr.has(sigmoid) and layers[2].expr == a * w + b  # σ is one layer
    assert [layer.step.result for layer in layers][2] == a
    assert "(σ(a·w + b) - t)·σ(a·w + b)·(1 - σ(a·w + b))·a" in screen(d)
    e = derive(sympy.Rational(1, 2) * (t - sigmoid(z)) ** 2, z)
    assert "Answer: ∂f/∂z = (σ(z) - t)·σ(z)·(1 - σ(z))" in screen(e)


def test_tanh_typed_stays_tanh():
    d = derive(sympy.tanh(x) ** 2, x)
    text = screen(d)
    assert "Answer: df/dx = 2·tanh(x)·(1 - tanh(x)²)" in text and "derive tanh shows why" in text


# -- every chain has its substitute-back line; logarithmic differentiation in lines (issue 15.5) ----------------

def test_nested_chains_substitute_back_and_bce_says_what_cancels():
    from derivtutor.presets import bce

    text = screen(bce().derivation)
    assert "Put the inner parts back (h = σ(z)) and multiply." in text
    assert "∂g/∂z = -t/σ(z) · (1 - σ(z))·σ(z)" in text and "= -t·(1 - σ(z)) ✓" in text  # t held constant
    assert "σ(z) appears on the top and on the bottom, so it cancels." in text


def test_logarithmic_differentiation_is_written_out():
    from derivtutor.run import build

    text = screen(build("x^x", None))
    for line in ("Call it y: y = xˣ.", "ln y = x·ln(x).", "Differentiate both sides by x",
                 "y′/y = 1 + ln(x).", "Multiply both sides by y: y′ = y·(1 + ln(x)), with y put back: xˣ·(1 + ln(x))."):
        assert line in text, line
    text = screen(build("(1+x)^x", None))
    assert "Call it y: y = (x + 1)ˣ." in text or "Call it y: y = (1 + x)ˣ." in text
    assert "ln y = x·ln(1 + x)." in text


def test_ln_abs_is_not_called_a_corner():
    from derivtutor.run import build

    text = screen(build("ln|x|", None))
    assert "No derivative at x = 0: the function itself has no value there." in text
    assert "by convention" not in text and "Answer: df/dx = 1/x" in text


def test_json_names_periodic_families_too():
    doc = json.loads(render_json(derive(sympy.Abs(sympy.sin(x)), x)))
    assert doc["no_derivative_at"] == []  # no single point: the families below
    assert {(f["point"]["sympy"], f["kind"]) for f in doc["bend_families"]} == {("2*pi*n", "corner"),
                                                                              ("2*pi*n + pi", "corner")}
