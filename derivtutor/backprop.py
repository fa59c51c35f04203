"""Backpropagation as data: explained derivations and chains of derivations, all checked, nothing printed.

Two shapes sit on top of the engine's Derivation:

- `Explained`: one Derivation with the sentences that answer the learner's question around it (why the 1/2,
  why a_j * 1 is not 0), any rewrites after the engine's own algebra (each checked, with the definitions or the
  assumption it uses) and the general result in the learner's index notation.
- `ChainOfDerivations`: dE/dw as a product of factors, each factor a full Derivation from the engine; for a
  hidden weight, some factors sit inside a sum over the output units k (the paths). The general formula is
  checked on whole networks (E expanded in full and differentiated by SymPy) when the object is built.

The words live in teaching.NOTES; the layout in document.py, drawn by each backend in render/.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import ClassVar

import sympy

from derivtutor.derivation import Derivation
from derivtutor.functions import sigmoid
from derivtutor.verify import VerificationError, equal


def sym(name: str) -> sympy.Symbol:
    """A real symbol in the learner's notation: t_k prints as tₖ."""
    return sympy.Symbol(name, real=True)


@dataclass(eq=False)
class Rewrite:
    """before = after by a named move (teaching.ALGEBRA_MOVES), checked with `definitions` put in.

    `assumption` (a substitution such as y_3 -> 1 - y_1 - y_2) is applied to both sides only for a move that
    relies on it; the renderer says so.
    """

    move: str
    before: sympy.Expr
    after: sympy.Expr
    definitions: dict = field(default_factory=dict)
    assumption: dict = field(default_factory=dict)
    verified: bool = False

    def check(self) -> None:
        lhs = self.before.xreplace(self.definitions).xreplace(self.assumption)
        rhs = self.after.xreplace(self.definitions).xreplace(self.assumption)
        if equal(lhs, rhs) is not True:
            raise VerificationError(f"rewrite {self.move}: {self.before} != {self.after}")
        self.verified = True


@dataclass(eq=False)
class Explained:
    """A derivation with the sentences around it and its general form (dE/da_k = -(t_k - a_k))."""

    kind: ClassVar[str] = "explained"

    derivation: Derivation
    intro: list[str]  # NOTES keys shown before the steps
    outro: list[str]  # NOTES keys shown after them
    general_lhs: tuple[str, str] | None  # (top, variable) of the general statement: ("E", "a_k"); None: none
    general: sympy.Expr
    rewrites: list[Rewrite] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # placeholders in the notes -> symbol names
    title: str = ""

    @property
    def final(self) -> sympy.Expr:
        return self.rewrites[-1].after if self.rewrites else self.derivation.final

    @property
    def verified(self) -> bool:
        return self.derivation.verified and all(r.verified for r in self.rewrites)

    def derivations(self) -> list[Derivation]:
        return [self.derivation]


@dataclass(eq=False)
class Factor:
    """One link of the chain: d top / d var, derived in full, and its value in the learner's notation."""

    top: str
    var: str
    derivation: Derivation
    general: sympy.Expr
    preset: str  # the command that shows the same derivation with all its notes
    rewrites: list[Rewrite] = field(default_factory=list)  # e.g. sigma(net_k)(1 - sigma(net_k)) -> a_k(1 - a_k)
    note: str | None = None  # a NOTES key said next to the factor

    @property
    def verified(self) -> bool:
        return self.derivation.verified and all(r.verified for r in self.rewrites)


@dataclass(eq=False)
class NetworkCheck:
    sizes: tuple[tuple[int, ...], ...]
    weights: int  # how many weights (and biases) were compared
    verified: bool


@dataclass(eq=False)
class ChainOfDerivations:
    """dE/dw = [sum over k of the path factors] * the outer factors, with delta and the update rule."""

    kind: ClassVar[str] = "chain"

    title: str
    top: str  # "E"
    var: str  # "w_jk"
    factors: list[Factor]  # outside the sum (for an output weight: all of them)
    path_factors: list[Factor]  # inside the sum over k (empty for an output weight)
    sum_index: str | None
    formula: sympy.Expr  # one path's (or the only) product in the learner's notation
    outer: sympy.Expr  # the product of the factors outside the sum (1 when there is no sum)
    delta_name: str
    delta: sympy.Expr
    update: sympy.Expr  # Delta w = -eta * dE/dw, written with delta
    notes_intro: list[str]
    notes_delta: list[str]
    names: dict[str, str]
    check: NetworkCheck

    @property
    def verified(self) -> bool:
        return all(f.verified for f in self.factors + self.path_factors) and self.check.verified

    @property
    def final(self) -> sympy.Expr:
        """dE/dw in the learner's notation: the product, summed over the paths for a hidden weight."""
        if self.sum_index is None:
            return self.formula
        index = sym(self.sum_index)
        return sympy.Mul(sympy.Sum(self.formula, (index, 1, sym(self.sum_index.upper()))), self.outer,
                         evaluate=False)

    def derivations(self) -> list[Derivation]:
        return [f.derivation for f in self.path_factors + self.factors]


# -- the general formulas, as functions of concrete quantities (used by the network check and the tests) ----------

def output_gradient(t_k: sympy.Expr, a_k: sympy.Expr, a_j: sympy.Expr) -> sympy.Expr:
    """dE/dw_jk = -(t_k - a_k) * a_k(1 - a_k) * a_j."""
    return -(t_k - a_k) * a_k * (1 - a_k) * a_j


def output_delta(t_k: sympy.Expr, a_k: sympy.Expr) -> sympy.Expr:
    """delta_k = dE/dnet_k = -(t_k - a_k) * a_k(1 - a_k)."""
    return -(t_k - a_k) * a_k * (1 - a_k)


def hidden_gradient(targets: list, outputs: list, w_j_to_outputs: list, a_j: sympy.Expr,
                    a_i: sympy.Expr) -> sympy.Expr:
    """dE/dw_ij = [sum_k -(t_k - a_k) a_k(1 - a_k) w_jk] * a_j(1 - a_j) * a_i."""
    paths = sum((output_delta(t, a) * w for t, a, w in zip(targets, outputs, w_j_to_outputs, strict=True)),
                sympy.S.Zero)
    return paths * a_j * (1 - a_j) * a_i


# -- the check on whole networks ----------------------------------------------------------------------------------

@dataclass(eq=False)
class SymbolicNetwork:
    """A sigmoid network n_in-n_hid-n_out with biases, every number a symbol, E written out in full."""

    inputs: list[sympy.Symbol]
    targets: list[sympy.Symbol]
    w_ih: list[list[sympy.Symbol]]  # w_ih[i][j]
    b_h: list[sympy.Symbol]
    w_ho: list[list[sympy.Symbol]]  # w_ho[j][k]
    b_o: list[sympy.Symbol]
    hidden: list[sympy.Expr]  # a_j as expressions in the symbols
    outputs: list[sympy.Expr]
    error: sympy.Expr


def symbolic_network(n_in: int, n_hid: int, n_out: int) -> SymbolicNetwork:
    xs = [sym(f"x{i}") for i in range(1, n_in + 1)]
    ts = [sym(f"t{k}") for k in range(1, n_out + 1)]
    w_ih = [[sym(f"v{i}_{j}") for j in range(1, n_hid + 1)] for i in range(1, n_in + 1)]
    b_h = [sym(f"bh{j}") for j in range(1, n_hid + 1)]
    w_ho = [[sym(f"w{j}_{k}") for k in range(1, n_out + 1)] for j in range(1, n_hid + 1)]
    b_o = [sym(f"bo{k}") for k in range(1, n_out + 1)]

    def s(z: sympy.Expr) -> sympy.Expr:
        return 1 / (1 + sympy.exp(-z))

    hidden = [s(sum(w_ih[i][j] * xs[i] for i in range(n_in)) + b_h[j]) for j in range(n_hid)]
    outputs = [s(sum(w_ho[j][k] * hidden[j] for j in range(n_hid)) + b_o[k]) for k in range(n_out)]
    error = sympy.Rational(1, 2) * sum((ts[k] - outputs[k]) ** 2 for k in range(n_out))
    return SymbolicNetwork(xs, ts, w_ih, b_h, w_ho, b_o, hidden, outputs, error)


def check_network(n_in: int, n_hid: int, n_out: int, seed: int = 3) -> int:
    """sympy.diff of the fully written-out E equals the general formulas for every weight and bias.

    Compared at one random point with 30 digits; returns how many parameters were checked, raises
    VerificationError on any difference.
    """
    net = symbolic_network(n_in, n_hid, n_out)
    rng = random.Random(seed)
    params = [*net.inputs, *net.targets, *(w for row in net.w_ih for w in row), *net.b_h,
              *(w for row in net.w_ho for w in row), *net.b_o]
    point = {p: sympy.Float(repr(rng.uniform(-1.5, 1.5)), 30) for p in params}
    a_h = [h.evalf(30, subs=point) for h in net.hidden]
    a_o = [o.evalf(30, subs=point) for o in net.outputs]
    t = [point[s] for s in net.targets]
    expected: dict[sympy.Symbol, sympy.Expr] = {}
    for j in range(n_hid):
        for k in range(n_out):
            expected[net.w_ho[j][k]] = output_gradient(t[k], a_o[k], a_h[j])
    for k in range(n_out):
        expected[net.b_o[k]] = output_gradient(t[k], a_o[k], 1)
    for i in range(n_in):
        for j in range(n_hid):
            expected[net.w_ih[i][j]] = hidden_gradient(t, a_o, net.w_ho[j], a_h[j], point[net.inputs[i]])
    for j in range(n_hid):
        expected[net.b_h[j]] = hidden_gradient(t, a_o, net.w_ho[j], a_h[j], 1)
    for weight, formula in expected.items():
        slope = sympy.diff(net.error, weight).evalf(30, subs=point)
        value = formula.evalf(30, subs=point)
        if abs(slope - value) > sympy.Float("1e-20") * max(1, abs(slope)):
            raise VerificationError(f"{n_in}-{n_hid}-{n_out} network: dE/d{weight} = {slope}, formula {value}")
    return len(expected)


def network_check(*sizes: tuple[int, int, int]) -> NetworkCheck:
    count = sum(check_network(*size) for size in sizes)
    return NetworkCheck(tuple(sizes), count, True)


def sigma_as_output(factor_result: sympy.Expr, net: sympy.Symbol, a: sympy.Symbol) -> Rewrite:
    """sigma(net)(1 - sigma(net)) -> a(1 - a), checked with a = sigma(net) put in."""
    rewrite = Rewrite("name_output", factor_result, a * (1 - a), definitions={a: sigmoid(net)})
    rewrite.check()
    return rewrite


def check_all(rewrites: list[Rewrite]) -> list[Rewrite]:
    for r in rewrites:
        r.check()
    return rewrites


__all__ = [
    "ChainOfDerivations", "Explained", "Factor", "NetworkCheck", "Rewrite", "check_network",
    "hidden_gradient", "network_check", "output_delta", "output_gradient", "sigma_as_output", "sym",
    "symbolic_network",
]
