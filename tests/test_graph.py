"""`derive graph`: the computational graph as written, forward and backward pass, checked against independent
engines written here (a micrograd-style reverse-mode Value and a forward-mode dual number), and its outputs.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import shutil
import subprocess
from fractions import Fraction

import pytest
import sympy
from conftest import run_cli

from derivtutor import entry
from derivtutor.graph import MAX_GRAPH_NODES, GraphError, build_graph, format_number

MICROGRAD_STEPS = ("c = a + b; c2 = c + c + 1; c3 = c2 + 1 + c2 + (-a); d = a*b + b^3; "
                   "d2 = d + d*2 + relu(b + a); d3 = d2 + 3*d2 + relu(b - a); e = c3 - d3; f = e^2; "
                   "g = f/2 + 10/f")
MICROGRAD = "a = -4; b = 2; " + MICROGRAD_STEPS


# ---------------------------------------------------------------------------------------------- micrograd's Value
class Value:
    """Reverse-mode autodiff as micrograd does it (a set of parents, _backward per operation), in exact fractions."""

    def __init__(self, data: Fraction, children: tuple = ()) -> None:
        self.data, self.grad = Fraction(data), Fraction(0)
        self._prev, self._backward = set(children), lambda: None

    def __add__(self, other: Value | int) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other))

        def backward() -> None:
            self.grad += out.grad
            other.grad += out.grad
        out._backward = backward
        return out

    def __mul__(self, other: Value | int) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))

        def backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = backward
        return out

    def __pow__(self, n: int) -> Value:
        out = Value(self.data**n, (self,))

        def backward() -> None:
            self.grad += n * self.data ** (n - 1) * out.grad
        out._backward = backward
        return out

    def relu(self) -> Value:
        out = Value(max(self.data, 0), (self,))

        def backward() -> None:
            self.grad += (out.data > 0) * out.grad
        out._backward = backward
        return out

    __radd__ = __add__
    __rmul__ = __mul__

    def __neg__(self) -> Value:
        return self * -1

    def __sub__(self, other: Value) -> Value:
        return self + (-other)

    def __truediv__(self, other: Value | int) -> Value:
        return self * (other if isinstance(other, Value) else Value(other)) ** -1

    def __rtruediv__(self, other: int) -> Value:
        return Value(other) * self**-1

    def backward(self) -> None:
        order, seen = [], set()

        def build(v: Value) -> None:
            if v not in seen:
                seen.add(v)
                for child in v._prev:
                    build(child)
                order.append(v)
        build(self)
        self.grad = Fraction(1)
        for v in reversed(order):
            v._backward()


def micrograd_named_values() -> dict[str, Value]:
    a, b = Value(-4), Value(2)
    c = a + b
    c2 = c + c + 1
    c3 = c2 + 1 + c2 + (-a)
    d = a * b + b**3
    d2 = d + d * 2 + (b + a).relu()
    d3 = d2 + 3 * d2 + (b - a).relu()
    e = c3 - d3
    f = e**2
    g = f / 2 + 10 / f
    g.backward()
    return dict(a=a, b=b, c=c, c2=c2, c3=c3, d=d, d2=d2, d3=d3, e=e, f=f, g=g)


def _json_graph(*args: str) -> dict:
    result = run_cli("graph", *args, "--json", "-")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("args", [(MICROGRAD,), (MICROGRAD_STEPS, "--at", "a=-4,b=2")],
                         ids=["values-in-program", "values-with-at"])
def test_micrograd_readme_example_node_by_node(args: tuple[str, ...]) -> None:
    data = _json_graph(*args)
    nodes = {n["name"]: n for n in data["nodes"]}
    assert data["output"] == "g"
    assert nodes["g"]["value"] == pytest.approx(2421 / 98, abs=1e-12)
    assert nodes["a"]["gradient"] == pytest.approx(47620 / 343, abs=1e-9)
    assert nodes["b"]["gradient"] == pytest.approx(221433 / 343, abs=1e-9)
    assert f"{nodes['g']['value']:.4f}" == "24.7041"
    assert f"{nodes['a']['gradient']:.4f}" == "138.8338"
    assert f"{nodes['b']['gradient']:.4f}" == "645.5773"
    for name, value in micrograd_named_values().items():  # every named node, value and gradient
        assert nodes[name]["value"] == pytest.approx(float(value.data), abs=1e-12), name
        assert nodes[name]["gradient"] == pytest.approx(float(value.grad), abs=1e-9), name
    for check in data["inputs"]:
        assert check["agree"] and check["symbolic_value"] == pytest.approx(check["gradient"], abs=1e-12)


def test_micrograd_terminal_view_shows_every_node() -> None:
    result = run_cli("graph", MICROGRAD)
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())
    for row in ("g v9 + v10 24.704081633", "c2 c + c + 1 −3", "v5 relu(v4) 0",  # forward: formula and value
                "a 138.833819242 a feeds five nodes", "b 645.577259475 b feeds five nodes",  # backward
                "c2 −13.883381924 c2 feeds one node", "v4 0 v4 feeds one node: 27.766763848 (at v5) × 0"):
        assert row in out, row
    # c appears twice in c2: one edge, local derivative 2, and the table says why
    assert "∂c2/∂c 2 sum rule; c is used two" in out
    assert "e is the name of a step here" in out
    assert out.count("\u2713") == 2


def test_x_feeds_two_nodes_and_its_gradient_is_the_sum_of_two_paths() -> None:
    result = run_cli("graph", "x*y + sin(x)", "--at", "x=1,y=2")
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())  # the table folds long sentences
    assert "x ──▶ v1, v2" in result.stdout
    assert ("x feeds two nodes, so its gradient is the sum of two paths: 2 (through v1) + 0.540302306 "
            "(through v2) = 2.540302306") in out
    assert "∂f/∂x 2.540302306 y + cos(x) 2.540302306 2.540302306 ✓" in out
    assert 2 + math.cos(1) == pytest.approx(2.540302306, abs=5e-10)


def test_a_name_used_twice_is_one_node_not_merged_by_sympy() -> None:
    graph = build_graph("x*x + x", {"x": sympy.Integer(3)})
    assert [n.name for n in graph.nodes] == ["x", "v1", "f"]
    assert graph.node("v1").texts["ascii"] == "x*x"  # SymPy would have written x^2
    assert {(e.child, e.parent): e.local_value for e in graph.edges} == {("x", "v1"): 6, ("x", "f"): 1,
                                                                         ("v1", "f"): 1}
    assert graph.node("x").grad == 7


# ---------------------------------------------------------------------------------------------- dual numbers
class Dual:
    """Forward mode: a + b·ε with ε² = 0; b carries the derivative along."""

    def __init__(self, a: float, b: float = 0.0) -> None:
        self.a, self.b = a, b

    def __add__(self, o: Dual) -> Dual:
        return Dual(self.a + o.a, self.b + o.b)

    def __sub__(self, o: Dual) -> Dual:
        return Dual(self.a - o.a, self.b - o.b)

    def __mul__(self, o: Dual) -> Dual:
        return Dual(self.a * o.a, self.a * o.b + self.b * o.a)

    def __truediv__(self, o: Dual) -> Dual:
        return Dual(self.a / o.a, (self.b * o.a - self.a * o.b) / o.a**2)

    def power(self, n: int) -> Dual:
        return Dual(self.a**n, n * self.a ** (n - 1) * self.b)


def _unary(name: str, u: Dual) -> Dual:
    if name == "sin":
        return Dual(math.sin(u.a), math.cos(u.a) * u.b)
    if name == "cos":
        return Dual(math.cos(u.a), -math.sin(u.a) * u.b)
    if name == "tanh":
        return Dual(math.tanh(u.a), (1 - math.tanh(u.a) ** 2) * u.b)
    if name == "exp":
        return Dual(math.exp(u.a), math.exp(u.a) * u.b)
    if name == "sigma":
        s = 1 / (1 + math.exp(-u.a))
        return Dual(s, s * (1 - s) * u.b)
    if name == "lnsq":  # ln(1 + u^2)
        return Dual(math.log(1 + u.a**2), 2 * u.a * u.b / (1 + u.a**2))
    if name == "sqrtsq":  # sqrt(1 + u^2)
        r = math.sqrt(1 + u.a**2)
        return Dual(r, u.a * u.b / r)
    raise AssertionError(name)


_UNARY_TEXT = {"sin": "sin({})", "cos": "cos({})", "tanh": "tanh({})", "exp": "exp({})", "sigma": "sigma({})",
               "lnsq": "ln(1 + ({})^2)", "sqrtsq": "sqrt(1 + ({})^2)"}


def random_expression(rng: random.Random, depth: int):  # noqa: ANN201 - (text, evaluator)
    """A random expression as text and as a function of Dual variables, built together."""
    if depth == 0 or rng.random() < 0.2:
        if rng.random() < 0.75:
            name = rng.choice("xyz")
            return name, lambda v, name=name: v[name]
        c = rng.choice([1, 2, 3, Fraction(1, 2), 5])
        return str(c), lambda v, c=c: Dual(float(c))
    kind = rng.choice(["+", "-", "*", "/", "^", "f", "f"])
    left_text, left = random_expression(rng, depth - 1)
    if kind == "f":
        name = rng.choice(list(_UNARY_TEXT))
        return _UNARY_TEXT[name].format(left_text), lambda v: _unary(name, left(v))
    if kind == "^":
        n = rng.choice([2, 3])
        return f"({left_text})^{n}", lambda v: left(v).power(n)
    right_text, right = random_expression(rng, depth - 1)
    if kind == "/":  # a divisor that never vanishes
        return (f"({left_text})/(2 + ({right_text})^2)",
                lambda v: left(v) / (Dual(2.0) + right(v).power(2)))
    ops = {"+": Dual.__add__, "-": Dual.__sub__, "*": Dual.__mul__}
    return f"({left_text}) {kind} ({right_text})", lambda v: ops[kind](left(v), right(v))


def test_fifty_random_expressions_match_forward_mode_dual_numbers() -> None:
    rng = random.Random(20261202)
    checked = 0
    while checked < 50:
        text, evaluate = random_expression(rng, 4)
        names = sorted(set(re.findall(r"\b[xyz]\b", text)))
        if not names:
            continue
        point = {n: Fraction(rng.randint(-15, 15), 10) for n in names}
        graph = build_graph(text, {n: sympy.Rational(p.numerator, p.denominator) for n, p in point.items()})
        output = evaluate({n: Dual(float(p)) for n, p in point.items()})
        assert float(graph.node(graph.output).value) == pytest.approx(output.a, rel=1e-9, abs=1e-12), text
        for name in names:
            seeded = evaluate({n: Dual(float(p), 1.0 if n == name else 0.0) for n, p in point.items()})
            assert float(graph.node(name).grad) == pytest.approx(seeded.b, rel=1e-9, abs=1e-12), (text, name)
        assert all(c.exact and c.close for c in graph.checks), text
        checked += 1


# ---------------------------------------------------------------------------------------------- outputs
@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz's dot is not installed")
def test_the_picture_renders_as_png_and_svg(tmp_path) -> None:
    pytest.importorskip("graphviz")
    png, svg = tmp_path / "graph.png", tmp_path / "graph.svg"
    assert run_cli("graph", "x*y + sin(x)", "--at", "x=1,y=2", "--plot", str(png)).returncode == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png.read_bytes()[16:20], "big"), int.from_bytes(png.read_bytes()[20:24], "big")
    assert width > 400 and height > 100
    result = run_cli("graph", "x*y + sin(x)", "--at", "x=1,y=2", "--plot", str(svg))
    assert result.returncode == 0, result.stderr
    picture = svg.read_text(encoding="utf-8")
    for label in ("grad 2.540302306", "v1 = x·y", "∂v2/∂x = cos(x)", "= 0.540302306", "value 2.841470985"):
        assert label in picture, label


def test_without_the_graphviz_package_one_clear_line(tmp_path) -> None:
    fake = tmp_path / "graphviz"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('hidden for this test')\n")
    env = {"PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    result = run_cli("graph", "x*y", "--at", "x=1,y=2", "--plot", str(tmp_path / "g.png"), env=env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "derive: drawing the graph needs the graphviz package: pip install 'derivtutor[graph]' "
        "(and the dot program: apt install graphviz)"]
    assert not (tmp_path / "g.png").exists()


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_latex_compiles(tmp_path) -> None:
    tex = tmp_path / "graph.tex"
    assert run_cli("graph", MICROGRAD, "--latex", str(tex)).returncode == 0
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    text = tex.read_text(encoding="utf-8")
    assert "24.704081633" in text and "138.833819242" in text and r"\checkmark" in text


def test_ascii_terminal_when_the_encoding_cannot_show_unicode() -> None:
    result = run_cli("graph", "x*y + sin(x)", "--at", "x=1,y=2", env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0, result.stderr
    result.stdout.encode("ascii")
    assert "x --> v1, v2" in result.stdout and "df/dx" in result.stdout


def test_json_to_stdout_is_only_json() -> None:
    data = _json_graph("x*y + sin(x)", "--at", "x=1,y=2")
    assert [e["path_contribution"] for e in data["edges"] if e["from"] == "x"] == pytest.approx(
        [2, math.cos(1)])


# ---------------------------------------------------------------------------------------------- refusals
@pytest.mark.parametrize(("args", "message"), [
    (("x*y",), "derive: give a value for x, y with --at, e.g. --at x=1,y=1"),
    (("x*y", "--at", "x=1,y=2,z=3"), "derive: --at z: there is no z in the expression"),
    (("relu(x)", "--at", "x=0"), "derive: the local derivative"),
    (("ln(x)", "--at", "x=-1"), "derive: f = ln(x) has no real value at this point (x = -1)"),
    (("f(x)", "--at", "x=1"), "derive: column 1: f(...) has no formula"),
    (("c = x + 1; c = 2*x", "--at", "x=1"), "derive: c is defined twice (steps 1 and 2)"),
    (("d = c + 1; c = x", "--at", "x=1"), "derive: step 1 uses c before it is defined (step 2)"),
    (("a = 1; b = a +", "--at", "x=1"), "derive: column 15: "),
    ((" + ".join(f"x*{i}" for i in range(1, MAX_GRAPH_NODES + 2)), "--at", "x=1"),
     f"derive: this graph has more than {MAX_GRAPH_NODES} nodes (the limit)"),
])
def test_refusals_are_one_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    result = run_cli("graph", *args)
    assert result.returncode == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), lines
    assert result.stdout == ""


def test_graph_is_a_subcommand_of_the_fast_entry() -> None:
    assert "graph" in entry.SUBCOMMANDS
    with pytest.raises(GraphError):
        build_graph("x + 1", {})


def test_number_format_matches_the_worked_examples() -> None:
    assert format_number(sympy.Float("0.0553994248")) == "0.055399425"
    assert format_number(-0.019049118) == "-0.019049118"
    assert format_number(2.0) == "2"


# ---------------------------------------------------------------------------------------------- the network
def test_network_as_a_graph_shows_the_two_paths_into_h1() -> None:
    result = run_cli("network", "--graph")
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert ("out_h1 feeds two nodes, so its gradient is the sum of two paths: 0.055399425 (through v5 in net_o1) "
            "+ (−0.019049118) (through v7 in net_o2) = 0.036350306") in out
    assert "δ_h1 = ∂E/∂net_h1 = 0.008771355, and ∂E/∂w1 = δ_h1 · i1 = 0.000438568" in out
    assert "net_h1 0.008771355" in out and "w1 0.000438568" in out
    assert "All three agree for every input." in out


def test_network_backward_table_prints_the_path_contributions() -> None:
    result = run_cli("network")
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith("h1 ")]
    through = {row[1]: float(row[2]) for row in rows if row[1] in ("o1", "o2")}
    assert through["o1"] == pytest.approx(0.055399425, abs=5e-10)
    assert through["o2"] == pytest.approx(-0.019049118, abs=5e-10)
    total = next(row for row in rows if row[1] == "sum:")
    assert float(total[3]) == pytest.approx(0.036350306, abs=5e-10)
    assert float(total[-1]) == pytest.approx(0.008771355, abs=5e-10)


def test_an_expression_starting_with_a_minus_is_maths_not_an_option() -> None:
    data = _json_graph("-x*y", "--at", "x=1,y=2")
    assert {c["name"]: c["gradient"] for c in data["inputs"]} == {"x": -2, "y": -1}


def test_every_formula_printed_reads_back_to_the_node_it_stands_for() -> None:
    from derivtutor.functions import as_exponentials
    from derivtutor.graph import network_program
    from derivtutor.network import default_config
    from derivtutor.parsing import parse_expression
    from derivtutor.verify import equal

    network, values = network_program(default_config())
    cases = [("x^-1 + 2^x + |x| + e^(x*2) + log(x, 2) + sqrt(x) + max(x, 1) + softplus(x) - x/(1+2) + 1/2x "
              "+ sin^2 x + arcsin(x/2) + tanh(-x)", {"x": sympy.Rational(1, 2)}), (network, values)]
    for source, at in cases:
        graph = build_graph(source, at)
        for node in graph.nodes:
            if node.kind == "operation":
                back = parse_expression(node.texts["ascii"])
                assert equal(as_exponentials(back), as_exponentials(node.expr)) is True, node.texts["ascii"]


def test_no_check_mark_when_the_finite_difference_cannot_be_taken() -> None:
    result = run_cli("graph", "sqrt(x - 1) + x", "--at", "x=1.0000001")
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "1582.138830084 ? ✗" in out and "✓" not in out
    assert "They do not all agree (✗)" in out


def test_network_graph_does_not_go_with_steps() -> None:
    result = run_cli("network", "--graph", "--steps", "3")
    assert result.returncode == 2
    assert result.stderr.startswith("derive: --graph shows the network as it is")
