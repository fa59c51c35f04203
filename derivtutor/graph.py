"""Computational graphs: the chain rule as a graph, forward and backward in numbers, every number checked.

The graph is built as the learner wrote it: one node per operation, and a name used twice is one node with two
parents. SymPy would merge `c + c` into `2c` and lose that `c` feeds the sum twice, so the text is read a second
time by the same reader (`parsing.py`, after it has accepted the text with all its limits) with SymPy's automatic
evaluation switched off; that unevaluated tree is the graph. Each node's formula is then an ordinary SymPy
expression in its operands' names, so the local derivative on each edge comes from the rule engine (with its
words) and is checked against `sympy.diff` like every other step.

Backward pass as in micrograd or `loss.backward()`: the output's gradient is 1; walking back in reverse evaluation
order, every node's gradient is the sum over the nodes it feeds of (that node's gradient) x (the local derivative
on the edge): multiply along a path, add where paths meet. Each input's gradient is then compared with the
symbolic derivative of the whole expression at the point and with a central finite difference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import mpmath
import sympy

from derivtutor import parsing
from derivtutor.functions import sigmoid
from derivtutor.limits import OutOfTime, check, own_time_limit
from derivtutor.parsing import ParseError

MAX_GRAPH_NODES = 150
"""Nodes (inputs and operations) a graph may have: more cannot be read on a screen or in a picture."""
MAX_STEPS = 60
"""Named steps a program may have."""
MAX_SYMBOLIC_PARTS = 20000
"""Parts the output may have when written out in the inputs (the symbolic check differentiates it)."""
GRAPH_SECONDS = 10.0
"""Budget for reading, building, evaluating and checking a graph; what does not fit is refused."""
FINITE_DIFFERENCE_STEP = mpmath.mpf("1e-6")
FINITE_DIFFERENCE_TOLERANCE = 1e-6
"""A finite difference agrees with the gradient when they differ by less than this, relative (at least 1)."""
MAX_MAGNITUDE = 1e300
"""Values, local derivatives and gradients beyond this are refused: they could not be shown or checked honestly."""
EXACT_TOLERANCE = 1e-20
"""Backprop and the symbolic derivative are both computed in 30 digits: they must agree to 20."""
DIGITS = 30

_ctx = mpmath.MPContext()
_ctx.dps = DIGITS
_MARK = "_graph_"
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_AT_SPLIT = re.compile(r",(?=\s*[A-Za-z][A-Za-z0-9_]*\s*=)")
_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


class GraphError(ValueError):
    """Something in the learner's graph that cannot be done; the message is one line."""


# ---------------------------------------------------------------------------------------------- reading
class _AsWrittenParser(parsing._Parser):
    """The same grammar, building an unevaluated tree: `c + c` stays two uses of c, `sigma(u)` stays one node."""

    def build(self, tok: Any, func: Any, *args: Any) -> Any:
        sp = self.sp
        check()  # the reading's CPU budget (_read_as_written), and any caller's deadline
        if func in (sp.Add, sp.Mul, sp.Pow):
            return func(*args, evaluate=False)
        if func is sp.exp:
            return _mark("e^", args)
        if func is sp.Abs:
            return _mark("|", args)
        raise self.error(f"{getattr(func, '__name__', 'this function')}(...) has no formula, so a graph cannot "
                         f"compute its value", tok.column)

    def apply(self, ftok: Any, args: list[Any]) -> Any:
        return _mark(ftok.text, args)


def _mark(name: str, args: list[Any] | tuple[Any, ...]) -> sympy.Expr:
    return sympy.Function(_MARK + name)(*args)


def _marked_name(expr: sympy.Expr) -> str | None:
    name = getattr(expr.func, "__name__", "")
    return name[len(_MARK):] if name.startswith(_MARK) else None


class _Functions(dict):
    def __missing__(self, name: str) -> Any:  # every other function the reader accepts (sech, erf, log2, ...)
        return parsing.function_for(name)


_FUNCTIONS = _Functions({
    "exp": sympy.exp, "e^": sympy.exp, "ln": sympy.log, "log": sympy.log, "sqrt": sympy.sqrt,
    "abs": sympy.Abs, "|": sympy.Abs,
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "sec": sympy.sec, "csc": sympy.csc, "cot": sympy.cot,
    "asin": sympy.asin, "acos": sympy.acos, "atan": sympy.atan,
    "arcsin": sympy.asin, "arccos": sympy.acos, "arctan": sympy.atan,
    "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh,
    "max": sympy.Max, "min": sympy.Min, "relu": lambda u: sympy.Max(0, u),
    "sigma": sigmoid, "sigmoid": sigmoid, "softplus": lambda u: sympy.log(1 + sympy.exp(u)),
})  # fmt: skip


def _read_as_written(text: str) -> sympy.Expr:
    """The unevaluated tree of an expression the ordinary reader has already accepted."""
    text = parsing.plain_text(text)  # x², σ, \frac{..}{..}: as the ordinary reader reads them
    tokens = parsing._tokenize(text)

    def work() -> sympy.Expr:
        try:
            with own_time_limit(parsing.PARSE_TIME_LIMIT_SECONDS, cpu=True):
                return _AsWrittenParser(text, tokens).parse()
        except OutOfTime:
            raise ParseError("this expression is too complicated to work with", 1, text) from None

    return parsing._run_with_deep_stack(work)


def _evaluated(tree: sympy.Expr) -> sympy.Expr:
    """The ordinary SymPy expression of an unevaluated tree (markers become the real functions)."""
    if not tree.args:
        return tree
    args = [_evaluated(a) for a in tree.args]
    name = _marked_name(tree)
    if name is not None:
        return _FUNCTIONS[name](*args)
    return tree.func(*args)


# ---------------------------------------------------------------------------------------------- the model
@dataclass
class Node:
    """One input or operation. `formula` is in its operands' names, as written; `expr` is the same in SymPy."""

    name: str
    kind: str  # "input" or "operation"
    texts: dict[str, str] = field(default_factory=dict)  # the formula: "unicode", "ascii", "latex"
    expr: sympy.Expr | None = None
    operands: list[str] = field(default_factory=list)  # the distinct nodes it reads, in order
    value: Any = None  # mpmath number
    grad: Any = None
    step: str | None = None  # the learner's step name, when this node is one
    within: str | None = None  # the step whose formula holds this unnamed node (v1, v2, ...)
    uses: dict[str, int] = field(default_factory=dict)  # how often each operand is written (c + c: 2)

    @property
    def symbol(self) -> sympy.Symbol:
        return sympy.Symbol(self.name, real=True)


@dataclass
class Edge:
    """child -> parent: the local derivative d(parent)/d(child), symbolic (checked) and at the point."""

    child: str
    parent: str
    local: sympy.Expr
    rule_id: str
    uses: int = 1  # the child is written this many times in the parent (c + c + 1: twice, local derivative 2)
    local_value: Any = None
    contribution: Any = None  # d(out)/d(parent) * d(parent)/d(child): this path's share of the child's gradient


@dataclass
class InputCheck:
    name: str
    grad: Any
    symbolic: sympy.Expr
    symbolic_value: Any  # None when SymPy's derivative has no value at the point
    finite_difference: Any  # None when a nudged point has no value
    exact: bool
    close: bool


@dataclass
class Graph:
    nodes: list[Node]
    edges: list[Edge]
    output: str
    source: str
    output_expr: sympy.Expr
    checks: list[InputCheck] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # keys of teaching.GRAPH_NOTES that apply

    def node(self, name: str) -> Node:
        return self._by_name[name]

    def __post_init__(self) -> None:
        self._by_name = {n.name: n for n in self.nodes}

    def edges_from(self, name: str) -> list[Edge]:
        return [e for e in self.edges if e.child == name]

    def edges_into(self, name: str) -> list[Edge]:
        return [e for e in self.edges if e.parent == name]

    @property
    def inputs(self) -> list[Node]:
        return [n for n in self.nodes if n.kind == "input"]


# ---------------------------------------------------------------------------------------------- program
@dataclass
class _Statement:
    name: str | None
    text: str
    offset: int  # column offset of `text` in the whole source


def split_program(source: str) -> list[_Statement]:
    """`name = expr` steps separated by ';' or newlines; the last may be a bare expression (the output)."""
    statements: list[_Statement] = []
    start = 0
    for piece in re.split(r"[;\n]", source):
        offset = start
        start += len(piece) + 1
        if not piece.strip(" \t\r\u00a0"):
            continue
        name, eq, rhs = piece.partition("=")
        if not eq:
            statements.append(_Statement(None, piece, offset))
            continue
        label = name.strip()
        if not _NAME.match(label) or label in parsing.KNOWN_FUNCTIONS or label == "pi":
            raise ParseError("a step is written name = expression, with a plain name on the left "
                             "(like c = a + b)", offset + 1, source)
        statements.append(_Statement(label, rhs, offset + len(name) + 1))
    if not statements:
        raise ParseError("the input is empty: type an expression, like x*y + sin(x)", 1, source)
    if len(statements) > MAX_STEPS:
        raise GraphError(f"this program has more than {MAX_STEPS} steps (the limit)")
    for st in statements[:-1]:
        if st.name is None:
            raise ParseError("only the last step may be a bare expression; name the others, like c = a + b",
                             st.offset + 1, source)
    return statements


def _parse_step(st: _Statement, source: str) -> sympy.Expr:
    """The unevaluated tree of one step, once the ordinary reader (with all its limits) has accepted the text;
    errors point at the column in the whole source."""
    try:
        parsing.parse_expression(st.text)
        return _read_as_written(st.text)
    except ParseError as exc:
        raise ParseError(exc.message, exc.column + st.offset, source) from None


def _e_as_step(tree: sympy.Expr) -> sympy.Expr:
    """After a step named e (micrograd's example has one), e means that step, not Euler's number."""
    step = sympy.Symbol("e", real=True)
    if tree is sympy.E:
        return step
    if not tree.args:
        return tree
    args = [_e_as_step(a) for a in tree.args]
    if _marked_name(tree) == "e^":
        return sympy.Pow(step, args[0], evaluate=False)
    if tree.is_Add or tree.is_Mul or tree.is_Pow:
        return tree.func(*args, evaluate=False)
    return tree.func(*args)


def parse_values(text: str | None) -> dict[str, sympy.Expr]:
    """`x=0.5,y=2` (each value read by the same reader: 1/2, -4, pi/4 are fine; it must be a number)."""
    values: dict[str, sympy.Expr] = {}
    if not text or not text.strip():
        return values
    for part in _AT_SPLIT.split(text):
        name, eq, value = part.partition("=")
        name = name.strip()
        if not eq or not _NAME.match(name):
            raise GraphError(f"--at expects name=value pairs separated by commas, like --at x=0.5,y=2 "
                             f"(not {part.strip()!r})")
        if name in values:
            raise GraphError(f"--at gives {name} twice")
        try:
            number = parsing.parse_expression(value)
        except ParseError as exc:
            raise GraphError(f"--at {name}=...: {exc.one_line()}") from None
        if number.free_symbols:
            raise GraphError(f"--at {name}=...: the value must be a number, not an expression in "
                             f"{', '.join(sorted(s.name for s in number.free_symbols))}")
        values[name] = number
    return values


# ---------------------------------------------------------------------------------------------- building
@dataclass
class _Const:
    value: sympy.Expr
    texts: dict[str, str]


class _Builder:
    """Turns the unevaluated trees of the steps into nodes, in evaluation order."""

    def __init__(self, taken: set[str]) -> None:
        self.nodes: list[Node] = []
        self.by_name: dict[str, Node] = {}
        self.taken = set(taken)
        self.counter = 0
        self.current_step: str | None = None

    def fresh(self) -> str:
        while True:
            self.counter += 1
            name = f"v{self.counter}"
            if name not in self.taken:
                self.taken.add(name)
                return name

    def add(self, node: Node) -> Node:
        if len(self.nodes) >= MAX_GRAPH_NODES:
            raise GraphError(f"this graph has more than {MAX_GRAPH_NODES} nodes (the limit): draw a smaller "
                             f"piece of it")
        self.nodes.append(node)
        self.by_name[node.name] = node
        return node

    def input(self, name: str, step: str | None = None) -> Node:
        node = self.by_name.get(name)
        if node is None:
            node = self.add(Node(name=name, kind="input", texts=_name_texts(name), step=step))
        return node

    def operand(self, tree: sympy.Expr) -> Node | _Const:
        if not tree.free_symbols:
            value = _evaluated(tree)
            return _Const(value, _const_texts(value))
        if tree.is_Symbol:
            return self.by_name[tree.name] if tree.name in self.by_name else self.input(tree.name)
        return self.operation(tree, None)

    def operation(self, tree: sympy.Expr, name: str | None) -> Node:
        """One node for the top operation of `tree` (its operands first); named `name` or v1, v2, ..."""
        if tree.is_Symbol:  # `d = c`: a step that only renames
            parts: list[Node | _Const] = [self.operand(tree)]
            kind = "copy"
        elif tree.is_Add:
            signed = [_negated(t) for t in tree.args]
            parts = [self.operand(t) for _, t in signed]
            kind = "add"
        elif tree.is_Mul and _negated(tree)[0] < 0:
            parts = [self.operand(_negated(tree)[1])]
            kind = "neg"
        elif tree.is_Mul:
            divides = [_is_division(a) for a in tree.args]
            parts = [self.operand(a.base if d else a) for a, d in zip(tree.args, divides, strict=True)]
            kind = "mul"
        elif tree.is_Pow:
            parts = [self.operand(tree.base), self.operand(tree.exp)]
            kind = "pow"
        else:
            fname = _marked_name(tree)
            if fname is None:  # pragma: no cover - the reader builds nothing else
                raise GraphError(f"cannot draw {tree.func.__name__} as a graph node")
            parts = [self.operand(a) for a in tree.args]
            kind = fname
        node = Node(name=name or self.fresh(), kind="operation")
        node.expr = _formula(tree, kind, [_symbolic(p) for p in parts])
        node.texts = {style: _formula_text(tree, kind, [_text(p, style) for p in parts], style)
                      for style in ("unicode", "ascii", "latex")}
        for p in parts:
            if isinstance(p, Node):
                node.uses[p.name] = node.uses.get(p.name, 0) + 1
        node.operands = list(node.uses)
        node.step = name
        node.within = None if name else self.current_step
        return self.add(node)


def _negated(tree: sympy.Expr) -> tuple[int, sympy.Expr]:
    """(-1, u) for the reader's -u (Mul(-1, u)), else (1, tree)."""
    if tree.is_Mul and len(tree.args) == 2 and tree.args[0] is sympy.S.NegativeOne:
        return -1, tree.args[1]
    return 1, tree


def _is_division(tree: sympy.Expr) -> bool:
    return bool(tree.is_Pow and tree.exp is sympy.S.NegativeOne)


def _symbolic(part: Node | _Const) -> sympy.Expr:
    return part.symbol if isinstance(part, Node) else part.value


def _formula(tree: sympy.Expr, kind: str, args: list[sympy.Expr]) -> sympy.Expr:
    if kind == "copy":
        return args[0]
    if kind == "add":
        return sympy.Add(*(sign * a for (sign, _), a in zip(map(_negated, tree.args), args, strict=True)))
    if kind == "neg":
        return -args[0]
    if kind == "mul":
        return sympy.Mul(*(a ** -1 if _is_division(t) else a for t, a in zip(tree.args, args, strict=True)))
    if kind == "pow":
        return sympy.Pow(args[0], args[1])
    return _FUNCTIONS[kind](*args)


# ---------------------------------------------------------------------------------------------- texts
_LATEX_FUNCTIONS = {"sin", "cos", "tan", "sec", "csc", "cot", "sinh", "cosh", "tanh", "exp", "ln", "log",
                    "max", "min"}


def _latex_name(name: str) -> str:
    from derivtutor.render.latex import name_latex  # the same spelling as in every other LaTeX output

    return name_latex(name)


def _name_texts(name: str) -> dict[str, str]:
    return {"unicode": name, "ascii": name, "latex": _latex_name(name)}


def _const_texts(value: sympy.Expr) -> dict[str, str]:
    from derivtutor.mathtext import math_text

    return {"unicode": math_text(value, True), "ascii": math_text(value, False), "latex": sympy.latex(value)}


def _text(part: Node | _Const, style: str) -> str:
    return part.texts[style] if isinstance(part, _Const) else _name_texts(part.name)[style]


def _atomic(text: str) -> bool:
    return bool(re.fullmatch(r"[\w.\\{}]+", text)) and not text.startswith("-")


def _wrap(text: str, style: str) -> str:
    if _atomic(text):
        return text
    return r"\left(" + text + r"\right)" if style == "latex" else f"({text})"


def _formula_text(tree: sympy.Expr, kind: str, args: list[str], style: str) -> str:
    minus = {"unicode": "\u2212", "ascii": "-", "latex": "-"}[style]
    times = {"unicode": "\u00b7", "ascii": "*", "latex": r" \cdot "}[style]
    if kind == "copy":
        return args[0]
    if kind == "add":
        out = ""
        for (sign, _), a in zip(map(_negated, tree.args), args, strict=True):
            a = a if sign > 0 or _atomic(a) else _wrap(a, style)
            if not out:
                out = (minus if sign < 0 else "") + a
            else:
                out += f" {minus if sign < 0 else '+'} {a}"
        return out
    if kind == "neg":
        return minus + _wrap(args[0], style)
    if kind == "mul":
        top = [_wrap(a, style) for t, a in zip(tree.args, args, strict=True) if not _is_division(t)]
        bottom = [_wrap(a, style) for t, a in zip(tree.args, args, strict=True) if _is_division(t)]
        if style == "latex" and bottom:
            return r"\frac{" + times.join(top) + "}{" + r" \cdot ".join(bottom) + "}"
        written = ""  # in the written order, left to right: 1/2·v3 stays 1/2·v3
        for t, a in zip(tree.args, args, strict=True):
            written += ("/" if _is_division(t) else (times if written else "")) + _wrap(a, style)
        return written
    if kind == "pow":
        base = _wrap(args[0], style)
        if style == "latex":
            return base + "^{" + args[1] + "}"
        return base + "^" + _wrap(args[1], style)
    if kind == "|":
        return r"\left|" + args[0] + r"\right|" if style == "latex" else f"|{args[0]}|"
    if kind == "e^":
        return "e^{" + args[0] + "}" if style == "latex" else "e^" + _wrap(args[0], style)
    name = kind
    if kind in ("sigma", "sigmoid"):
        name = {"unicode": "\u03c3", "ascii": "sigma", "latex": r"\sigma"}[style]
    elif style == "latex":
        name = ("\\" + kind) if kind in _LATEX_FUNCTIONS else r"\operatorname{" + kind + "}"
    inner = ", ".join(args)
    return name + (r"\left(" + inner + r"\right)" if style == "latex" else f"({inner})")


# ---------------------------------------------------------------------------------------------- numbers
def _number(expr: sympy.Expr, point: dict[sympy.Symbol, Any]) -> Any:
    """expr at the point in 30 digits; None when it has no real, finite value there."""
    from derivtutor.numeric import real_value

    value = real_value(expr, point)
    if value is not None:
        return _ctx.mpf(value)
    try:
        result = expr.xreplace({s: sympy.Float(v, DIGITS) for s, v in point.items()}).evalf(DIGITS)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):  # pragma: no cover - defensive
        return None
    if not (result.is_number and result.is_real and result.is_finite):
        return None
    return _ctx.mpf(sympy.Float(result, DIGITS))


def _forward(nodes: list[Node], given: dict[str, Any], output_name: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for node in nodes:
        if node.kind == "input":
            values[node.name] = given[node.name]
            continue
        point = {sympy.Symbol(n, real=True): values[n] for n in node.operands}
        value = _number(node.expr, point)
        if value is None:
            raise GraphError(f"{node.name} = {node.texts['ascii']} has no real value at this point "
                             f"({_point_text(nodes, values, node.operands)})")
        _bounded(value, f"the value of {node.name}")
        values[node.name] = value
    return values


def _bounded(value: Any, what: str) -> None:
    if abs(value) > MAX_MAGNITUDE:
        raise GraphError(f"{what} is larger than {MAX_MAGNITUDE:g} at this point, too large to work with; "
                         f"choose a smaller point")


def _point_text(nodes: list[Node], values: dict[str, Any], names: list[str]) -> str:
    return ", ".join(f"{n} = {format_number(values[n])}" for n in names) or "no inputs"


def format_number(value: Any) -> str:
    """Nine decimals (like the worked examples), trailing zeros dropped; very large or small: 9 significant."""
    v = float(value)
    if v == 0:
        return "0"
    if 1e-4 <= abs(v) < 1e9:
        text = f"{v:.9f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return f"{v:.9g}"


def count_word(n: int) -> str:
    return _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)


# ---------------------------------------------------------------------------------------------- the whole
def build_graph(source: str, at: dict[str, sympy.Expr] | None = None) -> Graph:
    """Read, build, run forward and backward, and check; raises ParseError or GraphError (one line)."""
    from derivtutor.engine import LayerNames, build_step
    from derivtutor.limits import tree_size
    from derivtutor.verify import verify_tree

    at = dict(at or {})
    statements = split_program(source)
    trees = [_parse_step(st, source) for st in statements]
    defined: dict[str, int] = {}
    notes: list[str] = []
    for index, st in enumerate(statements):
        if st.name is not None:
            if st.name in defined:
                raise GraphError(f"{st.name} is defined twice (steps {defined[st.name] + 1} and {index + 1})")
            defined[st.name] = index
    if "e" in defined:
        trees = [_e_as_step(t) if i > defined["e"] else t for i, t in enumerate(trees)]
        notes.append("e_step")
    parsed = [(_evaluated(t), t) for t in trees]
    for index, (_, tree) in enumerate(parsed):
        for symbol in tree.free_symbols:
            if symbol.name in defined and defined[symbol.name] >= index:
                raise GraphError(f"step {index + 1} uses {symbol.name} before it is defined (step "
                                 f"{defined[symbol.name] + 1})")
    for name in at:
        if name in defined:
            raise GraphError(f"--at {name}: {name} is computed by the program, so it cannot be given a value")
    used = set().union(*(t.free_symbols for _, t in parsed))  # as written: x - x still reads x
    free = sorted({s.name for s in used} - set(defined))
    for name in at:
        if name not in free:
            raise GraphError(f"--at {name}: there is no {name} in the expression")
    missing = [n for n in free if n not in at]
    if missing:
        raise GraphError(f"give a value for {', '.join(missing)} with --at, e.g. --at "
                         + ",".join(f"{n}=1" for n in missing))

    taken = set(free) | set(defined)
    output_name = statements[-1].name
    if output_name is None:
        output_name = next(n for n in ("f", "out", "F", "y_out") if n not in taken)
        taken.add(output_name)
    builder = _Builder(taken)
    given: dict[str, Any] = {}
    for name in free:
        builder.input(name)
        given[name] = _const_value(at[name], name)
    expressions: dict[sympy.Symbol, sympy.Expr] = {}  # each step written out in the inputs
    for st, (evaluated, tree) in zip(statements, parsed, strict=True):
        name = st.name or output_name
        if not tree.free_symbols:  # `a = -4`: an input with its value given in the program
            builder.input(name, step=name)
            given[name] = _const_value(evaluated, name)
            continue
        builder.current_step = name if len(statements) > 1 else None  # "v5 in net_o1" helps only in a program
        builder.operation(tree, name)
        written = evaluated.xreplace(expressions)
        if tree_size(written, MAX_SYMBOLIC_PARTS) is None:
            raise GraphError(f"written out in the inputs, {name} has more than {MAX_SYMBOLIC_PARTS} parts, too "
                             f"many to check symbolically; try a smaller program")
        expressions[sympy.Symbol(name, real=True)] = written
    nodes = builder.nodes
    output_expr = expressions.get(sympy.Symbol(output_name, real=True))
    if output_expr is None:
        raise GraphError("the last step has no variables in it, so there is nothing to differentiate")

    values = _forward(nodes, given, output_name)
    for node in nodes:
        node.value = values[node.name]

    edges: list[Edge] = []
    for node in nodes:
        if node.kind != "operation":
            continue
        point = {sympy.Symbol(n, real=True): values[n] for n in node.operands}
        for child in node.operands:
            var = sympy.Symbol(child, real=True)
            root = build_step(node.expr, var, LayerNames(node.expr))
            verify_tree(root, whole=True)
            local = root.result
            local_value = _number(local, point)
            if local_value is None:
                raise GraphError(f"the local derivative d{node.name}/d{child} = {_plain(local)} has no value at "
                                 f"this point "
                                 f"({_point_text(nodes, values, node.operands)}): {node.name} = "
                                 f"{node.texts['ascii']} has a corner or a pole there; choose another point")
            _bounded(local_value, f"the local derivative d{node.name}/d{child}")
            edges.append(Edge(child=child, parent=node.name, local=local, rule_id=root.rule_id,
                              uses=node.uses[child], local_value=local_value))

    graph = Graph(nodes=nodes, edges=edges, output=output_name, source=source, output_expr=output_expr,
                  notes=notes)
    _backward(graph)
    graph.checks = _check_inputs(graph, given)
    return graph


def _plain(expr: sympy.Expr) -> str:
    from derivtutor.mathtext import math_text

    return math_text(expr, False)


def _const_value(expr: sympy.Expr, name: str) -> Any:
    value = _number(expr, {})
    if value is None:
        raise GraphError(f"the value of {name} must be a real number")
    return value


def _backward(graph: Graph) -> None:
    """Gradients in reverse evaluation order: the sum over outgoing edges of parent gradient x local derivative."""
    for node in graph.nodes:
        node.grad = _ctx.mpf(0)
    graph.node(graph.output).grad = _ctx.mpf(1)
    for node in reversed(graph.nodes):
        outgoing = graph.edges_from(node.name)
        if node.name == graph.output or not outgoing:
            continue
        total = _ctx.mpf(0)
        for edge in outgoing:
            edge.contribution = graph.node(edge.parent).grad * edge.local_value
            total += edge.contribution
        _bounded(total, f"the gradient of {node.name}")
        node.grad = total
    for edge in graph.edges:
        if edge.contribution is None:
            edge.contribution = graph.node(edge.parent).grad * edge.local_value


def _check_inputs(graph: Graph, given: dict[str, Any]) -> list[InputCheck]:
    """Each input's gradient next to the symbolic derivative at the point and a central finite difference."""
    from derivtutor.numeric import differ

    point = {sympy.Symbol(n, real=True): v for n, v in given.items()}
    checks = []
    for node in graph.inputs:
        symbolic = sympy.diff(graph.output_expr, node.symbol)
        symbolic_value = _number(symbolic, point)
        h = FINITE_DIFFERENCE_STEP * max(1, abs(node.value))
        try:
            up = _forward(graph.nodes, {**given, node.name: node.value + h}, graph.output)[graph.output]
            down = _forward(graph.nodes, {**given, node.name: node.value - h}, graph.output)[graph.output]
            estimate = (up - down) / (2 * h)
        except GraphError:  # a nudge leaves the domain (sqrt just below 0): no estimate, and no check mark
            estimate = None
        exact = symbolic_value is not None and not differ(node.grad, symbolic_value, EXACT_TOLERANCE)
        close = estimate is not None and not differ(node.grad, estimate, FINITE_DIFFERENCE_TOLERANCE)
        checks.append(InputCheck(node.name, node.grad, symbolic, symbolic_value, estimate, exact, close))
    return checks



# ---------------------------------------------------------------------------------------------- the classic network
def network_program(config: Any) -> tuple[str, dict[str, sympy.Expr]]:
    """The network of `derive network` as a program of named steps, with its numbers as input values.

    net_k = sum_j w_jk out_j + b_k, out_k = sigma(net_k), E = sum_k 1/2 (t_k - out_k)^2. The classic 2-2-2
    network keeps its published names w1..w8; other sizes name a weight w_<from>_<to>.
    """
    from derivtutor.network import unit_name

    sizes = config.sizes
    steps: list[str] = []
    values: dict[str, sympy.Expr] = {}

    def number(value: float) -> sympy.Expr:
        return sympy.nsimplify(sympy.Float(repr(value)), rational=True)

    for j, value in enumerate(config.inputs):
        values[unit_name(sizes, 0, j)] = number(value)
    counter = 0
    for layer, matrix in enumerate(config.weights):
        for k, row in enumerate(matrix):
            target = unit_name(sizes, layer + 1, k)
            terms = []
            for j, w in enumerate(row):
                counter += 1
                source = unit_name(sizes, layer, j)
                name = f"w{counter}" if config.has_classic_names else f"w_{source}_{target}"
                values[name] = number(w)
                terms.append(f"{name}*{source if layer == 0 else 'out_' + source}")
            values[f"b_{target}"] = number(config.biases[layer][k])
            steps.append(f"net_{target} = {' + '.join(terms)} + b_{target}")
            steps.append(f"out_{target} = sigma(net_{target})")
    last = len(sizes) - 1
    error_terms = []
    for k, t in enumerate(config.targets):
        unit = unit_name(sizes, last, k)
        values[f"t_{unit}"] = number(t)
        error_terms.append(f"1/2 (t_{unit} - out_{unit})^2")
    steps.append("E = " + " + ".join(error_terms))
    return "; ".join(steps), values
