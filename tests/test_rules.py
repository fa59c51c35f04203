"""One test per rule: the engine picks it, its own formula gives the exact expected result, and it is verified."""

from __future__ import annotations

import pytest
import sympy
from conftest import sym

from derivtutor import rules
from derivtutor.engine import build_step, derive
from derivtutor.functions import sigmoid
from derivtutor.teaching import RULES

x, a, n = sym("x"), sym("a"), sym("n")
f = sympy.Function("f")

CASES = [
    # (expression, expected rule class at the root, exact expected derivative)
    (sympy.Integer(7), rules.ConstantRule, 0),
    (a, rules.ConstantRule, 0),
    (x, rules.VariableRule, 1),
    (5 * x, rules.ConstantMultipleRule, 5),
    (a * x, rules.ConstantMultipleRule, a),
    (x + x**2, rules.SumRule, 1 + 2 * x),
    (x * sympy.sin(x), rules.ProductRule, sympy.sin(x) + x * sympy.cos(x)),
    (sympy.sin(x) / x, rules.QuotientRule, (x * sympy.cos(x) - sympy.sin(x)) / x**2),
    (x**3, rules.PowerRule, 3 * x**2),
    (1 / x, rules.PowerRule, -1 / x**2),
    (sympy.sqrt(x), rules.PowerRule, 1 / (2 * sympy.sqrt(x))),
    (x**n, rules.PowerRule, n * x ** (n - 1)),
    (sympy.exp(x), rules.ExpRule, sympy.exp(x)),
    (2**x, rules.ExpBaseRule, 2**x * sympy.log(2)),
    (sympy.log(x), rules.LogRule, 1 / x),
    (sympy.sin(x), rules.ElementaryFunctionRule, sympy.cos(x)),
    (sympy.cos(x), rules.ElementaryFunctionRule, -sympy.sin(x)),
    (sympy.tan(x), rules.ElementaryFunctionRule, 1 + sympy.tan(x) ** 2),
    (sympy.sec(x), rules.ElementaryFunctionRule, sympy.sec(x) * sympy.tan(x)),
    (sympy.csc(x), rules.ElementaryFunctionRule, -sympy.csc(x) * sympy.cot(x)),
    (sympy.cot(x), rules.ElementaryFunctionRule, -1 - sympy.cot(x) ** 2),
    (sympy.asin(x), rules.ElementaryFunctionRule, 1 / sympy.sqrt(1 - x**2)),
    (sympy.acos(x), rules.ElementaryFunctionRule, -1 / sympy.sqrt(1 - x**2)),
    (sympy.atan(x), rules.ElementaryFunctionRule, 1 / (1 + x**2)),
    (sympy.sinh(x), rules.ElementaryFunctionRule, sympy.cosh(x)),
    (sympy.cosh(x), rules.ElementaryFunctionRule, sympy.sinh(x)),
    (sympy.tanh(x), rules.ElementaryFunctionRule, 1 - sympy.tanh(x) ** 2),
    (sigmoid(x), rules.SigmoidRule, sigmoid(x) * (1 - sigmoid(x))),
    (sympy.Abs(x), rules.AbsRule, sympy.Piecewise((-1, x < 0), (1, x > 0))),
    (sympy.Max(0, x), rules.PiecewiseRule, sympy.Piecewise((0, x < 0), (1, x > 0))),
    (x**x, rules.LogDiffRule, x**x * (sympy.log(x) + 1)),
    (f(x), rules.UndefinedFunctionRule, sympy.Derivative(f(x), x)),
    (sympy.erf(x), rules.ElementaryFunctionRule, 2 * sympy.exp(-(x**2)) / sympy.sqrt(sympy.pi)),  # registry
    (sympy.Si(x), rules.KnownDerivativeRule, sympy.sin(x) / x),
    (sympy.sin(x**2), rules.ChainRule, 2 * x * sympy.cos(x**2)),
]


@pytest.mark.parametrize(("expr", "rule", "expected"), CASES, ids=[str(c[0]) for c in CASES])
def test_rule_is_chosen_gives_the_exact_result_and_is_verified(expr, rule, expected):
    d = derive(expr, x)
    assert isinstance(d.root, rule)
    assert d.result == expected or sympy.expand(d.result - expected) == 0
    assert d.verified
    assert all(step.rule_id in RULES for step in d.root.walk())


def test_every_rule_class_has_teaching_text():
    ids = {cls.rule_id for cls in vars(rules).values()
           if isinstance(cls, type) and issubclass(cls, rules.Step) and isinstance(cls.__dict__.get("rule_id"), str)}
    ids |= {func.__name__ for func in rules.ELEMENTARY_FUNCTIONS}
    ids.discard("")
    assert ids <= set(RULES)
    for text in RULES.values():
        assert text.name and text.formula and text.why.endswith((".", ")"))


def test_sigmoid_layers_are_the_teachers_decomposition():
    d = derive(1 / (1 + sympy.exp(-x)), x)
    g, h = sym("g"), sym("h")
    layers = d.root.layers
    assert [(layer.name, layer.var.name) for layer in layers] == [("f", "g"), ("g", "h"), ("h", "x")]
    assert [layer.expr for layer in layers] == [1 / g, 1 + sympy.exp(h), -x]
    assert [layer.step.result for layer in layers] == [-1 / g**2, sympy.exp(h), -1]
    assert isinstance(layers[0].step, rules.PowerRule)
    assert isinstance(layers[1].step, rules.SumRule)
    assert isinstance(layers[2].step, rules.ConstantMultipleRule) and layers[2].step.constant == -1
    assert [layer.back for layer in layers] == [-1 / (1 + sympy.exp(-x)) ** 2, sympy.exp(-x), -1]
    assert d.result == sympy.exp(-x) / (1 + sympy.exp(-x)) ** 2


def test_sigmoid_algebra_reaches_sigma_times_one_minus_sigma():
    d = derive(1 / (1 + sympy.exp(-x)), x)
    assert [step.move for step in d.algebra] == ["split_fraction", "add_subtract_one", "divide_out",
                                                 "recognise_sigma"]
    assert all(step.verified for step in d.algebra)
    assert d.algebra[-1].shown == (sigmoid(x), 1 - sigmoid(x))


def test_layer_names_never_clash_with_the_learners_symbols():
    g, h = sym("g"), sym("h")
    d = derive(sympy.exp(-g * h * x) + 0 * g, x)
    names = {layer.var.name for layer in d.root.layers if layer.value is not None}
    assert not names & {"g", "h", "x"}


def test_kinks_are_never_given_a_made_up_slope():
    d = derive(sympy.Abs(x), x)
    assert d.result.subs(x, 0) is sympy.nan
    d = derive(sympy.Max(0, x), x)
    assert d.result.subs(x, 0) is sympy.nan
    assert d.root.kinks == (0,)
    smooth = derive(sympy.Piecewise((x**2, x < 0), (x**3, True)), x)
    assert smooth.root.kinks == () and smooth.result.subs(x, 0) == 0
    corner = derive(sympy.Piecewise((-x, x < 0), (x, True)), x)
    assert corner.root.kinks == (0,) and corner.result.subs(x, 0) is sympy.nan


def test_partial_derivative_holds_other_symbols_constant():
    w, b = sym("w"), sym("b")
    d = derive(w * a + b, w)
    assert d.result == a
    assert d.held_constant == (a, b)
    constants = [s for s in d.root.walk() if isinstance(s, rules.ConstantRule)]
    assert constants[0].held_constant == (b,)


def test_undefined_function_composition_gives_f_prime_of_inside_times_inside_prime():
    d = derive(f(x**2), x)
    assert sympy.simplify(d.result - sympy.diff(f(x**2), x)) == 0
    assert d.verified


def test_build_step_leaves_verification_to_the_engine():
    step = build_step(sympy.sin(x), x, names=__import__("derivtutor.engine").engine.LayerNames(sympy.sin(x)))
    assert step.verified is False
