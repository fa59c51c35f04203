"""The general backpropagation formulas against SymPy on whole networks, written out in full.

Each network (2-2-2 and 3-4-2, with biases) is built here independently of derivtutor.backprop: E is expanded
as one expression in every weight, bias, input and target, differentiated by sympy.diff, and compared with the
learner's formulas at random points. A wrong formula (a missing factor, a missing path) must fail.
"""

from __future__ import annotations

import random

import pytest
import sympy

from derivtutor.backprop import check_network, hidden_gradient, output_gradient
from derivtutor.verify import VerificationError


def sigma(z: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-z))


def build(n_in: int, n_hid: int, n_out: int) -> dict:
    x = sympy.symbols(f"x1:{n_in + 1}", real=True)
    t = sympy.symbols(f"t1:{n_out + 1}", real=True)
    w_ij = sympy.Matrix(n_in, n_hid, lambda i, j: sympy.Symbol(f"w_{i}{j}_ih", real=True))
    w_jk = sympy.Matrix(n_hid, n_out, lambda j, k: sympy.Symbol(f"w_{j}{k}_ho", real=True))
    b_j = sympy.symbols(f"bj1:{n_hid + 1}", real=True)
    b_k = sympy.symbols(f"bk1:{n_out + 1}", real=True)
    hidden = [sigma(sum(w_ij[i, j] * x[i] for i in range(n_in)) + b_j[j]) for j in range(n_hid)]
    out = [sigma(sum(w_jk[j, k] * hidden[j] for j in range(n_hid)) + b_k[k]) for k in range(n_out)]
    error = sympy.expand(sum(sympy.Rational(1, 2) * (t[k] - out[k]) ** 2 for k in range(n_out)))
    return dict(x=x, t=t, w_ij=w_ij, w_jk=w_jk, b_j=b_j, b_k=b_k, hidden=hidden, out=out, E=error,
                sizes=(n_in, n_hid, n_out), grads={})


def random_point(net: dict, rng: random.Random) -> dict:
    symbols = [*net["x"], *net["t"], *net["w_ij"], *net["w_jk"], *net["b_j"], *net["b_k"]]
    return {s: sympy.Float(rng.uniform(-2, 2), 30) for s in symbols}


def compare(net: dict, rng: random.Random, output_formula=output_gradient, hidden_formula=hidden_gradient) -> int:
    """sympy.diff(E) == formula for every weight and bias at 2 random points; returns how many were compared."""
    n_in, n_hid, n_out = net["sizes"]
    compared = 0
    for _ in range(2):
        p = random_point(net, rng)
        a_j = [h.evalf(30, subs=p) for h in net["hidden"]]
        a_k = [o.evalf(30, subs=p) for o in net["out"]]
        t = [p[s] for s in net["t"]]
        cases = []
        for j in range(n_hid):
            for k in range(n_out):
                cases.append((net["w_jk"][j, k], output_formula(t[k], a_k[k], a_j[j])))
        for k in range(n_out):
            cases.append((net["b_k"][k], output_formula(t[k], a_k[k], 1)))
        for i in range(n_in):
            for j in range(n_hid):
                w_to_out = [net["w_jk"][j, k].subs(p) for k in range(n_out)]
                cases.append((net["w_ij"][i, j], hidden_formula(t, a_k, w_to_out, a_j[j], p[net["x"][i]])))
        for j in range(n_hid):
            w_to_out = [net["w_jk"][j, k].subs(p) for k in range(n_out)]
            cases.append((net["b_j"][j], hidden_formula(t, a_k, w_to_out, a_j[j], 1)))
        for weight, formula in cases:
            if weight not in net["grads"]:
                net["grads"][weight] = sympy.diff(net["E"], weight)
            slope = net["grads"][weight].evalf(30, subs=p)
            assert abs(slope - formula) < sympy.Float("1e-18"), (weight, slope, formula)
            compared += 1
    return compared


@pytest.fixture(scope="module", params=[(2, 2, 2), (3, 4, 2)], ids=["2-2-2", "3-4-2"])
def network(request: pytest.FixtureRequest) -> dict:
    return build(*request.param)


def test_every_weight_and_bias_matches_sympy_diff(network: dict) -> None:
    n_in, n_hid, n_out = network["sizes"]
    parameters = n_in * n_hid + n_hid + n_hid * n_out + n_out
    assert compare(network, random.Random(1)) == 2 * parameters


def test_expanded_error_really_depends_on_every_weight(network: dict) -> None:
    weights = [*network["w_ij"], *network["w_jk"], *network["b_j"], *network["b_k"]]
    assert all(network["E"].has(w) for w in weights)
    assert network["E"].is_Add and len(network["E"].args) > 3  # written out, not one opaque power


def test_a_missing_sigmoid_factor_is_caught(network: dict) -> None:
    def wrong(t_k, a_k, a_j):  # forgets a_k(1 - a_k)
        return -(t_k - a_k) * a_j

    with pytest.raises(AssertionError):
        compare(network, random.Random(2), output_formula=wrong)


def test_a_single_path_instead_of_the_sum_is_caught(network: dict) -> None:
    def one_path(targets, outputs, w_out, a_j, a_i):  # only the path through output 1
        return hidden_gradient(targets[:1], outputs[:1], w_out[:1], a_j, a_i)

    with pytest.raises(AssertionError):
        compare(network, random.Random(3), hidden_formula=one_path)


def test_output_gradient_is_the_learners_formula() -> None:
    t, a, aj = sympy.symbols("t a a_j")
    assert sympy.expand(output_gradient(t, a, aj) - (-(t - a) * a * (1 - a) * aj)) == 0


def test_hidden_gradient_two_outputs_written_out() -> None:
    t1, t2, a1, a2, w1, w2, aj, ai = sympy.symbols("t1 t2 a1 a2 w1 w2 a_j a_i")
    expected = (-(t1 - a1) * a1 * (1 - a1) * w1 - (t2 - a2) * a2 * (1 - a2) * w2) * aj * (1 - aj) * ai
    assert sympy.expand(hidden_gradient([t1, t2], [a1, a2], [w1, w2], aj, ai) - expected) == 0


@pytest.mark.parametrize(("sizes", "count"), [((2, 2, 2), 12), ((3, 4, 2), 26)])
def test_the_builtin_network_check_counts_every_parameter(sizes: tuple, count: int) -> None:
    assert check_network(*sizes) == count


def test_the_builtin_network_check_fails_on_a_wrong_formula(monkeypatch: pytest.MonkeyPatch) -> None:
    import derivtutor.backprop as bp

    monkeypatch.setattr(bp, "output_gradient", lambda t, a, aj: -(t - a) * aj)
    with pytest.raises(VerificationError):
        bp.check_network(2, 2, 2)
