"""The named derivations, in the learner's notation. Names and summaries live in preset_index.py.

Notation (the learner's): E = 1/2 sum_k (t_k - a_k)^2, a_k = sigma(net_k), net_k = sum_j w_jk a_j + b_k; a hidden
unit j has a_j = sigma(net_j), net_j = sum_i w_ij a_i + b_j. Every preset is built by the engine and checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy

from derivtutor.algebra import multiply_out_sigmoid, tanh_form, target_minus_output
from derivtutor.backprop import (
    ChainOfDerivations,
    Explained,
    Factor,
    Rewrite,
    check_all,
    network_check,
    sigma_as_output,
    sym,
)
from derivtutor.derivation import Derivation
from derivtutor.engine import derive
from derivtutor.functions import sigmoid as sigma

HALF = sympy.Rational(1, 2)
NETWORK_SIZES = ((2, 2, 2),)  # checked each time output-weight / hidden-weight is built (tests add 3-4-2)


@dataclass(frozen=True)
class Preset:
    name: str
    build: Callable[[], object]  # a Derivation, an Explained or a ChainOfDerivations


def sigmoid() -> Derivation:
    x = sym("x")
    return derive(1 / (1 + sympy.exp(-x)), x, name="f", title="The sigmoid σ(x) = 1/(1 + e⁻ˣ)")


# -- the error and net --------------------------------------------------------------------------------------------

def error() -> Explained:
    t = [sym(f"t_{k}") for k in (1, 2, 3)]
    a = [sym(f"a_{k}") for k in (1, 2, 3)]
    written_out = sympy.Mul(HALF, sympy.Add(*((tk - ak) ** 2 for tk, ak in zip(t, a, strict=True))),
                            evaluate=False)
    d = derive(written_out, a[1], name="E", title="The error E and its slope ∂E/∂aₖ for one output k",
               moves=(target_minus_output,))
    t_k, a_k = sym("t_k"), sym("a_k")
    return Explained(
        derivation=d,
        intro=["bp_notation", "bp_error_written_out"],
        outro=["bp_error_half", "bp_error_inner", "bp_error_general"],
        general_lhs=("E", "a_k"),
        general=sympy.Mul(-1, t_k - a_k, evaluate=False),
        names={"ak": "a_2", "tk": "t_2"},
        title="derive error",
    )


def net() -> Explained:
    w = [sym(f"w_{j}k") for j in (1, 2, 3)]
    a = [sym(f"a_{j}") for j in (1, 2, 3)]
    b = sym("b_k")
    written_out = sympy.Add(*(wj * aj for wj, aj in zip(w, a, strict=True)), b)
    d = derive(written_out, w[1], name="net_k", title="The net input netₖ and its slope ∂netₖ/∂wⱼₖ")
    return Explained(
        derivation=d,
        intro=["bp_notation", "bp_net_written_out"],
        outro=["bp_net_not_zero", "bp_net_where_w_went", "bp_net_general"],
        general_lhs=("net_k", "w_jk"),
        general=sym("a_j"),
        names={"aj": "a_2", "wjk": "w_2k"},
        title="derive net",
    )


# -- the chain of derivations for a weight ------------------------------------------------------------------------

def _error_factor(t_k: sympy.Symbol, a_k: sympy.Symbol) -> Factor:
    d = derive(HALF * (t_k - a_k) ** 2, a_k, name="E", moves=(target_minus_output,))
    return Factor("E", a_k.name, d, sympy.Mul(-1, t_k - a_k, evaluate=False), "error")


def _sigmoid_factor(a: sympy.Symbol, net_: sympy.Symbol) -> Factor:
    d = derive(1 / (1 + sympy.exp(-net_)), net_, name=a.name)
    rewrite = sigma_as_output(d.final, net_, a)
    return Factor(a.name, net_.name, d, a * (1 - a), "sigmoid", [rewrite], note="bp_a_is_sigma")


def _net_factor(net_: sympy.Symbol, w: sympy.Symbol, a: sympy.Symbol, bias: sympy.Symbol, by: sympy.Symbol,
                note: str) -> Factor:
    d = derive(w * a + bias, by, name=net_.name)
    return Factor(net_.name, by.name, d, a if by == w else w, "net", note=note)


def output_weight() -> ChainOfDerivations:
    t_k, a_k, a_j, net_k, w_jk, b_k, eta = (sym(n) for n in ("t_k", "a_k", "a_j", "net_k", "w_jk", "b_k", "eta"))
    factors = [
        _error_factor(t_k, a_k),
        _sigmoid_factor(a_k, net_k),
        _net_factor(net_k, w_jk, a_j, b_k, w_jk, "bp_net_factor"),
    ]
    delta = sympy.Mul(sympy.Mul(-1, t_k - a_k, evaluate=False), a_k * (1 - a_k), evaluate=False)
    delta_k = sym("delta_k")
    return ChainOfDerivations(
        title="∂E/∂wⱼₖ for a weight into output unit k",
        top="E", var="w_jk",
        factors=factors, path_factors=[], sum_index=None,
        formula=sympy.Mul(*(f.general for f in factors), evaluate=False),
        outer=sympy.S.One,
        delta_name="delta_k", delta=delta,
        update=sympy.Mul(-1, eta, delta_k, a_j, evaluate=False),
        notes_intro=["bp_notation", "bp_chain_intro", "bp_chain_why"],
        notes_delta=["bp_delta_output"],
        names={"w": "w_jk", "net": "net_k", "a": "a_k"},
        check=network_check(*NETWORK_SIZES),
    )


def hidden_weight() -> ChainOfDerivations:
    t_k, a_k, a_j, a_i, net_k, net_j, w_jk, w_ij, b_k, b_j, eta = (
        sym(n) for n in ("t_k", "a_k", "a_j", "a_i", "net_k", "net_j", "w_jk", "w_ij", "b_k", "b_j", "eta"))
    path = [
        _error_factor(t_k, a_k),
        _sigmoid_factor(a_k, net_k),
        _net_factor(net_k, w_jk, a_j, b_k, a_j, "bp_hidden_wjk"),
    ]
    outer = [
        _sigmoid_factor(a_j, net_j),
        _net_factor(net_j, w_ij, a_i, b_j, w_ij, "bp_net_factor"),
    ]
    delta_j = sym("delta_j")
    return ChainOfDerivations(
        title="∂E/∂wᵢⱼ for a weight into hidden unit j",
        top="E", var="w_ij",
        factors=outer, path_factors=path, sum_index="k",
        formula=sympy.Mul(*(f.general for f in path), evaluate=False),
        outer=sympy.Mul(*(f.general for f in outer), evaluate=False),
        delta_name="delta_j",
        delta=sympy.Mul(sympy.Sum(sym("delta_k") * w_jk, (sym("k"), 1, sym("K"))), a_j * (1 - a_j),
                        evaluate=False),
        update=sympy.Mul(-1, eta, delta_j, a_i, evaluate=False),
        notes_intro=["bp_notation", "bp_hidden_paths", "total_hidden_weight"],
        notes_delta=["bp_delta_hidden"],
        names={"w": "w_ij", "net": "net_j", "a": "a_j", "aj": "a_j", "wij": "w_ij", "wjk": "w_jk"},
        check=network_check(*NETWORK_SIZES),
    )


# -- activations and losses ---------------------------------------------------------------------------------------

def _activation(expr: sympy.Expr, title: str, note: str, intro: tuple[str, ...] = (), moves: tuple = ()) -> Explained:
    x = sym("x")
    d = derive(expr, x, name="f", title=title, moves=moves)
    return Explained(derivation=d, intro=list(intro), outro=[note], general_lhs=None, general=d.final,
                     title=title)


def tanh() -> Explained:
    x = sym("x")
    definition = (sympy.exp(x) - sympy.exp(-x)) / (sympy.exp(x) + sympy.exp(-x))
    return _activation(definition, "tanh: d/dx tanh(x) = 1 − tanh²(x)", "bp_tanh_note", ("bp_tanh_intro",),
                       (tanh_form,))


def relu() -> Explained:
    x = sym("x")
    return _activation(sympy.Max(0, x), "ReLU: max(0, x), with its corner at 0", "bp_relu_kink")


def softplus() -> Explained:
    x = sym("x")
    return _activation(sympy.log(1 + sympy.exp(x)), "softplus ln(1 + eˣ): its slope is σ(x)", "bp_softplus_note")


def bce() -> Explained:
    z, t, a = sym("z"), sym("t"), sym("a")
    loss = -(t * sympy.log(sigma(z)) + (1 - t) * sympy.log(1 - sigma(z)))
    d = derive(loss, z, name="L", title="Binary cross-entropy after a sigmoid: ∂L/∂z = a − t",
               moves=(multiply_out_sigmoid,))
    rewrites = check_all([Rewrite("name_output", d.final, a - t, definitions={a: sigma(z)})])
    return Explained(
        derivation=d, intro=["bp_bce_intro"], outro=["bp_bce_why"],
        general_lhs=("L", "z"), general=a - t, rewrites=rewrites, title="derive bce",
    )


def softmax_xent() -> Explained:
    z = [sym(f"z_{i}") for i in (1, 2, 3)]
    y = [sym(f"y_{i}") for i in (1, 2, 3)]
    yhat = [sym(f"yhat_{i}") for i in (1, 2, 3)]
    total = sympy.Add(*(sympy.exp(zi) for zi in z))
    loss = -sympy.Add(*(yi * sympy.log(sympy.exp(zi) / total) for yi, zi in zip(y, z, strict=True)))
    d = derive(loss, z[0], name="L", title="Softmax + cross-entropy (3 classes): ∂L/∂z₁ = ŷ₁ − y₁")
    softmax = {yh: sympy.exp(zi) / total for yh, zi in zip(yhat, z, strict=True)}
    named = sympy.Add(-y[0] * (1 - yhat[0]), y[1] * yhat[0], y[2] * yhat[0], evaluate=False)
    collected = sympy.Add(sympy.Mul(yhat[0], sympy.Add(*y), evaluate=False), -y[0], evaluate=False)
    rewrites = check_all([
        Rewrite("name_softmax", d.final, named, definitions=softmax),
        Rewrite("collect", named, collected),
        Rewrite("use_sum_one", collected, yhat[0] - y[0], assumption={y[2]: 1 - y[0] - y[1]}),
    ])
    return Explained(
        derivation=d, intro=["bp_softmax_intro", "bp_softmax_assumption"], outro=["bp_softmax_general"],
        general_lhs=("L", "z_i"), general=sym("yhat_i") - sym("y_i"), rewrites=rewrites,
        title="derive softmax-xent",
    )


def total_derivative() -> Explained:
    """g(t) = f(x(t), y(t)): the rule for unknown f, x, y, then f = x·y, x = t², y = sin t put in and checked
    against the derivative of the expanded function t²·sin t."""
    t = sym("t")
    x_of, y_of = sympy.Function("x")(t), sympy.Function("y")(t)
    f = sympy.Function("f")
    d = derive(f(x_of, y_of), t, name="g", title="The total derivative: g(t) = f(x(t), y(t))")
    partial_x, partial_y = sympy.Derivative(f(x_of, y_of), x_of), sympy.Derivative(f(x_of, y_of), y_of)
    paths = y_of * sympy.Derivative(x_of, t) + x_of * sympy.Derivative(y_of, t)
    inner = {sympy.Derivative(x_of, t): 2 * t, sympy.Derivative(y_of, t): sympy.cos(t), x_of: t**2,
             y_of: sympy.sin(t)}
    put_in = sympy.Add(sympy.Mul(sympy.sin(t), 2 * t, evaluate=False), sympy.Mul(t**2, sympy.cos(t), evaluate=False),
                       evaluate=False)
    expanded = derive(t**2 * sympy.sin(t), t)
    rewrites = check_all([
        Rewrite("total_partials", d.final, paths, definitions={partial_x: y_of, partial_y: x_of}),
        Rewrite("total_put_in", paths, put_in, definitions=inner),
        Rewrite("total_expanded", put_in, expanded.final),
    ])
    return Explained(
        derivation=d, intro=["total_intro"], outro=["total_example_checked"], general_lhs=None,
        general=d.final, rewrites=rewrites, title="derive total-derivative",
    )


PRESETS: dict[str, Preset] = {
    "sigmoid": Preset("sigmoid", sigmoid),
    "error": Preset("error", error),
    "net": Preset("net", net),
    "output-weight": Preset("output-weight", output_weight),
    "hidden-weight": Preset("hidden-weight", hidden_weight),
    "tanh": Preset("tanh", tanh),
    "relu": Preset("relu", relu),
    "softplus": Preset("softplus", softplus),
    "bce": Preset("bce", bce),
    "softmax-xent": Preset("softmax-xent", softmax_xent),
    "total-derivative": Preset("total-derivative", total_derivative),
}
