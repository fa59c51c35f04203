"""The backpropagation presets: each builds, every step is checked, the answers are exact, the CLI says the
sentences that answer the learner's questions."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import sympy

from derivtutor.backprop import ChainOfDerivations, Explained, sym
from derivtutor.derivation import Derivation
from derivtutor.functions import sigmoid
from derivtutor.preset_index import PRESET_SUMMARIES
from derivtutor.presets import PRESETS
from derivtutor.rules import ConstantMultipleRule, ConstantRule, PiecewiseRule
from derivtutor.teaching import ALGEBRA_MOVES, NOTES
from derivtutor.verify import equal

NEW = ["error", "net", "output-weight", "hidden-weight", "tanh", "relu", "softplus", "bce", "softmax-xent"]


@pytest.fixture(scope="module")
def built() -> dict:
    return {name: PRESETS[name].build() for name in NEW}


def same(a: sympy.Expr, b: sympy.Expr) -> bool:
    return sympy.expand(a - b) == 0


def derivations(obj: object) -> list[Derivation]:
    if isinstance(obj, Derivation):
        return [obj]
    if isinstance(obj, Explained):
        return [obj.derivation]
    return [f.derivation for f in obj.path_factors + obj.factors]


def test_every_preset_has_a_summary_line() -> None:
    assert set(NEW) <= set(PRESETS)
    assert list(PRESETS) == list(PRESET_SUMMARIES)
    assert all("\n" not in s and 10 < len(s) <= 110 for s in PRESET_SUMMARIES.values())


@pytest.mark.parametrize("name", NEW)
def test_every_step_is_verified(built: dict, name: str) -> None:
    obj = built[name]
    assert obj.verified
    for d in derivations(obj):
        assert d.verified
        assert all(step.verified for step in d.root.walk())
        assert all(a.verified for a in d.algebra)
        assert equal(sympy.diff(d.expr, d.var), d.final) is True


def test_error(built: dict) -> None:
    e = built["error"]
    a2, t2 = sym("a_2"), sym("t_2")
    assert e.derivation.var == a2
    assert {sym("t_1"), sym("t_3"), sym("a_1"), sym("a_3")} <= e.derivation.expr.free_symbols  # written out
    assert same(e.derivation.result, -(t2 - a2))
    assert str(e.derivation.final) == "-(-a_2 + t_2)"  # the minus sign outside, as the learner writes it
    assert same(e.general, -(sym("t_k") - sym("a_k")))
    constants = [s for s in e.derivation.root.walk() if isinstance(s, ConstantRule) and s.held_constant]
    assert {sym("t_1"), sym("a_1")} <= {c for s in constants for c in s.held_constant}


def test_net(built: dict) -> None:
    n = built["net"]
    assert n.derivation.result == sym("a_2")
    assert n.general == sym("a_j")
    multiples = [s for s in n.derivation.root.walk() if isinstance(s, ConstantMultipleRule)]
    assert [(m.constant, m.rest.result) for m in multiples] == [(sym("a_2"), 1)]  # a_j * 1, not 0
    zeros = [s for s in n.derivation.root.walk() if isinstance(s, ConstantRule)]
    assert len(zeros) == 3  # the other two terms and the bias vanish


def test_output_weight(built: dict) -> None:
    c = built["output-weight"]
    assert isinstance(c, ChainOfDerivations)
    t, a, aj = sym("t_k"), sym("a_k"), sym("a_j")
    assert [(f.top, f.var) for f in c.factors] == [("E", "a_k"), ("a_k", "net_k"), ("net_k", "w_jk")]
    assert [f.preset for f in c.factors] == ["error", "sigmoid", "net"]
    assert same(c.factors[0].derivation.result, -(t - a))
    assert same(c.factors[1].derivation.final - sigmoid(sym("net_k")) * (1 - sigmoid(sym("net_k"))), 0)
    assert c.factors[1].rewrites[0].after == a * (1 - a)
    assert c.factors[2].derivation.result == aj
    assert same(c.formula, -(t - a) * a * (1 - a) * aj)
    assert same(c.delta, -(t - a) * a * (1 - a))
    assert same(c.update, -sym("eta") * sym("delta_k") * aj)
    assert c.check.verified and c.check.weights == 12


def test_hidden_weight(built: dict) -> None:
    c = built["hidden-weight"]
    t, a, aj, ai, wjk = sym("t_k"), sym("a_k"), sym("a_j"), sym("a_i"), sym("w_jk")
    assert c.sum_index == "k"
    assert [(f.top, f.var) for f in c.path_factors] == [("E", "a_k"), ("a_k", "net_k"), ("net_k", "a_j")]
    assert [(f.top, f.var) for f in c.factors] == [("a_j", "net_j"), ("net_j", "w_ij")]
    assert c.path_factors[2].derivation.result == wjk  # now w_jk is the constant multiple
    assert same(c.formula, -(t - a) * a * (1 - a) * wjk)
    assert same(c.outer, aj * (1 - aj) * ai)
    assert same(c.update, -sym("eta") * sym("delta_j") * ai)


def test_activations(built: dict) -> None:
    x = sym("x")
    tanh = built["tanh"].derivation
    assert tanh.final == 1 - sympy.tanh(x) ** 2
    assert not tanh.expr.has(sympy.tanh)  # derived from the definition by exponentials
    assert [a.move for a in tanh.algebra] == ["split_difference", "one_minus_square", "recognise_tanh"]
    assert built["softplus"].derivation.final == sigmoid(x)
    assert [a.move for a in built["softplus"].derivation.algebra] == ["divide_top_bottom", "recognise_sigma"]
    relu = built["relu"].derivation
    assert isinstance(relu.root, PiecewiseRule) and relu.root.kinks == (0,)
    assert relu.result.subs(x, -2) == 0 and relu.result.subs(x, 3) == 1
    assert relu.result.subs(x, 0) is sympy.nan or not relu.result.subs(x, 0).is_number  # no value at the corner


def test_bce(built: dict) -> None:
    b = built["bce"]
    z, t = sym("z"), sym("t")
    assert b.derivation.final == sigmoid(z) - t
    assert b.final == sym("a") - t
    assert [r.move for r in b.rewrites] == ["name_output"]


def test_softmax_xent_uses_the_assumption_once(built: dict) -> None:
    s = built["softmax-xent"]
    y1, yhat1 = sym("y_1"), sym("yhat_1")
    assert s.final == yhat1 - y1
    assert [r.move for r in s.rewrites] == ["name_softmax", "collect", "use_sum_one"]
    assert [bool(r.assumption) for r in s.rewrites] == [False, False, True]
    assert all(r.verified for r in s.rewrites)
    # without the assumption the last step is false: the assumption is really used there
    z = [sym(f"z_{i}") for i in (1, 2, 3)]
    y = [sym(f"y_{i}") for i in (1, 2, 3)]
    yhat = sympy.exp(z[0]) / sum(sympy.exp(q) for q in z)
    point = {z[0]: 0.3, z[1]: -0.5, z[2]: 1.1, y[0]: 0.2, y[1]: 0.3, y[2]: 0.9}  # sums to 1.4
    raw = s.derivation.result.subs(point)
    assert abs(raw - (yhat - y[0]).subs(point)) > 0.1
    point[y[2]] = 0.5  # now y sums to 1
    assert abs(s.derivation.result.subs(point) - (yhat - y[0]).subs(point)) < 1e-12


def test_teaching_text_has_the_key_sentences() -> None:
    assert "cancel that 2" in NOTES["bp_error_half"] and "1/2" in NOTES["bp_error_half"]
    assert "{aj} · 1, not 0" in NOTES["bp_net_not_zero"]
    for key in ("split_difference", "one_minus_square", "recognise_tanh",
                "divide_top_bottom", "minus_outside", "multiply_out", "cancel_terms", "name_output",
                "name_softmax", "collect", "use_sum_one"):
        assert ALGEBRA_MOVES[key].why


def run_cli(*args: str, ascii_only: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80"}
    env.pop("DERIVTUTOR_ASCII", None)
    if ascii_only:
        env["DERIVTUTOR_ASCII"] = "1"
    return subprocess.run([sys.executable, "-m", "derivtutor", *args], capture_output=True, text=True,
                          env=env, timeout=120, encoding="utf-8")


def flat(text: str) -> str:
    """The output with its line wrapping undone, so a sentence can be found wherever it was wrapped."""
    return " ".join(text.split())


CLI_EXPECT = {
    "error": ["Answer: ∂E/∂a₂ = -(t₂ - a₂)", "In general: ∂E/∂aₖ = -(tₖ - aₖ) ✓",
              "the 1/2 is there only to cancel that 2", "constant rule", "a₁, t₁ are other variables"],
    "net": ["gives a₂ · 1, not 0", "In general: ∂netₖ/∂wⱼₖ = aⱼ ✓", "dw₂ₖ/dw₂ₖ = 1"],
    "output-weight": ["∂E/∂wⱼₖ = ∂E/∂aₖ · daₖ/dnetₖ · ∂netₖ/∂wⱼₖ", "Yes, you multiply these results",
                      "∂E/∂wⱼₖ = -(tₖ - aₖ) · aₖ·(1 - aₖ) · aⱼ ✓", "δₖ = -(tₖ - aₖ) · aₖ·(1 - aₖ)",
                      "Δwⱼₖ = -η·δₖ·aⱼ", "2-2-2, with biases"],
    "hidden-weight": ["∂E/∂wᵢⱼ = Σₖ [ ∂E/∂aₖ · daₖ/dnetₖ · ∂netₖ/∂aⱼ ] · daⱼ/dnetⱼ · ∂netⱼ/∂wᵢⱼ",
                      "∂E/∂wᵢⱼ = Σₖ [ -(tₖ - aₖ) · aₖ·(1 - aₖ) · wⱼₖ ] · aⱼ·(1 - aⱼ) · aᵢ ✓",
                      "The total derivative adds the paths: a sum over k", "∂E/∂wᵢⱼ = δⱼ · aᵢ"],
    "tanh": ["Answer: df/dx = 1 - tanh(x)²", "quotient rule", "✓ recognise tanh"],
    "relu": ["Answer: df/dx = {0 if x < 0; 1 if x > 0}",
             "No derivative at x = 0: the slope from the left is 0 and from the right is 1 (a corner)"],
    "softplus": ["Answer: df/dx = σ(x)", "✓ divide top and bottom by eᵘ"],
    "bce": ["= -t + t·σ(z) - t·σ(z) + σ(z)", "= a - t", "In general: ∂L/∂z = a - t ✓"],
    "softmax-xent": ["= yhat₁ - y₁", "✓ use y₁ + y₂ + y₃ = 1", "only place the assumption is used",
                     "In general: ∂L/∂zᵢ = yhatᵢ - yᵢ ✓"],
}


@pytest.mark.parametrize("name", NEW)
def test_cli_prints_each_preset(name: str) -> None:
    result = run_cli(name)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    text = flat(result.stdout)
    for expected in CLI_EXPECT[name]:
        assert flat(expected) in text, expected


def test_cli_ascii_spells_the_learners_notation() -> None:
    net = flat(run_cli("net", ascii_only=True).stdout)
    assert "gives a_2 * 1, not 0" in net
    assert "In general: dnet_k/dw_jk = a_j [checked]" in net
    hidden = run_cli("hidden-weight", ascii_only=True).stdout
    assert "sum_k [ dE/da_k" in flat(hidden)
    assert hidden.isascii()


def test_cli_full_detail_includes_each_factors_derivation() -> None:
    brief = run_cli("output-weight").stdout
    full = run_cli("output-weight", "--detail", "full").stdout
    assert "The layers (chain rule)" not in brief
    assert full.count("same as sympy.diff") == 3  # one per factor
    assert "recognise σ" in full and "power rule" in full


def test_cli_list_shows_every_preset() -> None:
    result = run_cli("--list")
    assert result.returncode == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names == list(PRESET_SUMMARIES)


def test_new_moves_decline_what_they_do_not_fit() -> None:
    """The appended moves are narrow: the sigmoid keeps its own algebra, a plain difference is not turned round."""
    from derivtutor.algebra import multiply_out_sigmoid, softplus_sigma, tanh_form, target_minus_output

    x, y = sym("x"), sym("y")
    assert PRESETS["sigmoid"].build().algebra[-1].move == "recognise_sigma"
    assert target_minus_output(x - y, x) == []
    assert target_minus_output(sym("a_1") - sym("t_1"), x)[0].move == "minus_outside"
    assert softplus_sigma(sympy.exp(x) / (2 + sympy.exp(x)), x) == []
    assert tanh_form((sympy.exp(x) + 1) ** 2 / (sympy.exp(x) + sympy.exp(-x)) ** 2, x) == []
    assert multiply_out_sigmoid(x * (1 + y), x) == []


def test_exports_of_presets() -> None:
    """An explained preset exports the whole preset, and so does a chain (details: test_export_presets.py)."""
    explained = run_cli("error", "--json", "-")
    assert explained.returncode == 0, explained.stderr
    assert '"kind": "explained"' in explained.stdout
    chain = run_cli("output-weight", "--json", "-")
    assert chain.returncode == 0, chain.stderr
    assert '"kind": "chain"' in chain.stdout
