"""derive(expr, var) -> Derivation: choose the rule for every node, build the tree, verify it, tidy the answer.

The chain rule is presented the way a teacher peels an onion: walk down the only branch that contains the
variable; at the first function application whose argument is not the bare variable, name that argument (g) and
carry on inside it. The sigmoid 1/(1 + e^(-x)) becomes f(g) = 1/g, g(h) = 1 + e^h, h(x) = -x. Where two branches
contain the variable (a product, a sum of two varying terms) the product, quotient or sum rule takes over and
each branch may again be a chain.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence

import sympy
from sympy.core.function import Application, AppliedUndef

from derivtutor.algebra import Move, check_steps, teacher_form
from derivtutor.corners import Corner, find_corners
from derivtutor.derivation import AlgebraStep, Derivation, Route
from derivtutor.final_form import no_longer_than
from derivtutor.functions import rule_kind
from derivtutor.limits import tree_size
from derivtutor.rules import (
    ELEMENTARY_FUNCTIONS,
    AbsRule,
    ChainRule,
    ConstantMultipleRule,
    ConstantRule,
    ElementaryFunctionRule,
    ExpBaseRule,
    ExpRule,
    KnownDerivativeRule,
    Layer,
    LogDiffRule,
    LogRule,
    Path,
    PiecewiseRule,
    PowerRule,
    ProductRule,
    QuotientRule,
    SigmoidRule,
    Step,
    SumRule,
    TotalDerivativeRule,
    UndefinedFunctionRule,
    VariableRule,
)
from derivtutor.verify import (  # noqa: F401 - verify_tree re-exported for one round: it lives in verify.py now
    UncheckedStep,
    VerificationError,
    equal,
    verify_tree,
)

LAYER_LETTERS = ("g", "h", "u", "v", "p", "q", "r", "s")


class UnsupportedExpression(ValueError):
    """The expression uses something no rule covers; the message says what, in plain words."""


class LayerNames:
    """Hands out layer names (g, h, u, v, ..., then u1, u2, ...) that never clash with the learner's names."""

    def __init__(self, expr: sympy.Expr) -> None:
        self.taken = {s.name for s in expr.free_symbols}
        self.taken |= {type(f).__name__ for f in expr.atoms(sympy.Function)}
        candidates = itertools.chain(LAYER_LETTERS, (f"u{i}" for i in itertools.count(1)))
        self._names: Iterator[str] = (n for n in candidates if n not in self.taken)

    def next_symbol(self) -> sympy.Symbol:
        return sympy.Symbol(next(self._names), real=True)

    def top_name(self, preferred: str) -> str:
        for name in (preferred, "y", "F"):
            if name not in self.taken:
                return name
        return next(self._names)


def derive(expr: sympy.Expr, var: sympy.Symbol, *, name: str = "f", title: str | None = None,
           moves: Sequence[Move] = (), inspect: Callable[[Step], None] | None = None) -> Derivation:
    """Build, verify and tidy the derivation of d(expr)/d(var). Raises UnsupportedExpression, VerificationError.

    `moves`: a preset's own algebra moves (presets.py passes them), offered after the general ones.
    `inspect`: called with the rule tree before any of it is checked (a caller refusing too many steps early).
    """
    names = LayerNames(expr)
    root = build_step(expr, var, names, top_name=names.top_name(name))
    if inspect is not None:
        inspect(root)
    if tree_size(expr, WHOLE_DIFF_NODES) is not None:
        # Small (every course expression): sympy.diff of the root first, then of every node. SymPy's cache
        # already holds most of the nodes' derivatives, and the root is checked independently of the tree.
        reference = sympy.diff(expr, var)
        verify_tree(root, whole=True)
    else:
        exact = verify_tree(root)
        # Every node matched sympy's own rule structurally, so sympy.diff would build this very tree.
        reference = root.result if exact else sympy.diff(expr, var)
    corners, families = find_corners(expr, var) if expr.has(*BENDING) else ((), ())
    algebra = honest_at_corners(teacher_form(root.result, var, moves), corners, var)
    algebra = no_longer_than(algebra, root.result, reference, var)
    algebra = check_steps(algebra)  # an undecided step is left out with what follows it
    return Derivation(expr=expr, var=var, root=root, reference=reference, algebra=algebra,
                      function_name=root_name(root, name), title=title, corners=corners,
                      corner_families=families, routes=other_routes(root))


def _quotient_route(expr: sympy.Expr, var: sympy.Symbol, bottom: sympy.Expr, result: sympy.Expr) -> Route:
    """1/bottom by the quotient rule: (0·bottom - 1·bottom')/bottom², the way a learner may reach for it."""
    slope = sympy.diff(bottom, var)
    kept = sympy.UnevaluatedExpr  # 0·g and 1·1 stay written out: they are the point of the route
    top = sympy.Add(sympy.Mul(kept(0), bottom, evaluate=False),
                    sympy.Mul(-1, kept(1), slope if slope != 1 else kept(1), evaluate=False), evaluate=False)
    applied = sympy.Mul(top, sympy.Pow(bottom**2, -1, evaluate=False), evaluate=False)
    fraction = sympy.Pow(bottom, -1, evaluate=False)
    lines = ((fraction, "route_quotient_setup"), (applied, "route_quotient_apply"), (result, "route_quotient_result"))
    return Route("quotient", expr, var, lines, result)


def other_routes(root: Step) -> list[Route]:
    """Other rules that reach the same derivatives: 1/uⁿ by the quotient rule, e^(-u) as 1/eᵘ. Each verified."""
    routes: list[Route] = []
    for step in root.walk():
        if isinstance(step, PowerRule) and step.exponent.is_Integer and step.exponent < 0:
            routes.append(_quotient_route(step.expr, step.var, step.var ** (-step.exponent), step.result))
        elif (step is root and isinstance(step, ChainRule) and step.expr.func is sympy.exp
              and step.expr.args[0].could_extract_minus_sign()):
            routes.append(_quotient_route(step.expr, step.var, sympy.exp(-step.expr.args[0]), step.result))
        if len(routes) >= 2:
            break
    for route in routes:
        written, *derivative = route.lines  # the function as a fraction, then its derivative line by line
        route.verified = (equal(written[0].doit(), route.expr) is True
                          and all(equal(line.doit(), route.result) is True for line, _ in derivative))
    return [r for r in routes if r.verified]


BENDING = (sympy.Abs, sympy.Max, sympy.Min, sympy.Piecewise, sympy.sign, sympy.Heaviside)


def honest_at_corners(algebra: list[AlgebraStep], corners: tuple[Corner, ...], var: sympy.Symbol
                      ) -> list[AlgebraStep]:
    """Cut the algebra before a form that has a value at a point where no derivative exists.

    Cancelling |x| against |x| can give a formula defined everywhere; where the function has a corner the
    answer must stay undefined, so such a rewrite is not made.
    """
    bad = [c.point for c in corners if c.kind not in ("smooth", "undecided")]
    for i, step in enumerate(algebra):
        for point in bad:
            value = step.after.subs(var, point)
            if value.is_number and value.is_finite and not value.has(sympy.nan, sympy.zoo):
                return algebra[:i]
    return algebra


def root_name(root: Step, preferred: str) -> str:
    """The chain's top name, or `preferred` unless the expression itself uses it (g(t) = f(x(t), y(t)))."""
    if isinstance(root, ChainRule):
        return root.layers[0].name
    taken = {type(f).__name__ for f in root.expr.atoms(AppliedUndef)}
    return next(n for n in (preferred, "g", "h", "F", "G") if n not in taken)


WHOLE_DIFF_NODES = 30  # up to this many tree nodes, every node is checked against sympy.diff of the node


def node_kind(expr: sympy.Expr, var: sympy.Symbol) -> str:
    """What kind of node this is, for the selection table (as manualintegrate's `switch` keys on the class)."""
    if not expr.has(var):
        return "constant"
    if expr == var:
        return "variable"
    if inner_argument(expr, var) is not None:
        return "chain"
    if expr.is_Add:
        return "sum"
    if expr.is_Mul:
        return "product"
    if expr.is_Pow:
        return "power"
    return "function"


def build_step(expr: sympy.Expr, var: sympy.Symbol, names: LayerNames, top_name: str | None = None) -> Step:
    """The rule for this node, with its substeps: the whole unverified tree."""
    return SELECTION[node_kind(expr, var)](expr, var, names, top_name)


def _sum(expr: sympy.Expr, var: sympy.Symbol, names: LayerNames) -> Step:
    return SumRule(expr, var, [build_step(t, var, names) for t in expr.args])


def _product(expr: sympy.Expr, var: sympy.Symbol, names: LayerNames) -> Step:
    constant = [a for a in expr.args if not a.has(var)]
    varying = [a for a in expr.args if a.has(var)]
    if constant:
        rest = sympy.Mul(*varying)
        return ConstantMultipleRule(expr, var, sympy.Mul(*constant), build_step(rest, var, names))
    below = [a for a in varying if a.is_Pow and a.exp.is_number and a.exp.is_negative]
    above = [a for a in varying if a not in below]
    if below and above:  # written as a fraction with the variable on top and bottom
        numerator = sympy.Mul(*above)
        denominator = sympy.Mul(*(b.base ** (-b.exp) for b in below))
        return QuotientRule(expr, var, build_step(numerator, var, names), build_step(denominator, var, names))
    return ProductRule(expr, var, [build_step(a, var, names) for a in varying])


def _power(expr: sympy.Expr, var: sympy.Symbol, names: LayerNames) -> Step:
    base, exponent = expr.base, expr.exp
    if base.has(var) and exponent.has(var):
        return LogDiffRule(expr, var, build_step(exponent * sympy.log(base), var, names))
    if base == var:
        return PowerRule(expr, var, exponent)
    if exponent == var:
        if base.is_zero:
            raise UnsupportedExpression("0 to a variable power has no derivative rule here: it is 0 for positive "
                                        "powers and undefined otherwise")
        return ExpBaseRule(expr, var, base)
    raise UnsupportedExpression(f"no rule for the power {expr}")  # unreachable: the chain handles the rest


_RULE_FOR_KIND: dict[str, type[Step]] = {
    "exp": ExpRule, "log": LogRule, "table": ElementaryFunctionRule, "sigmoid": SigmoidRule, "abs": AbsRule,
}  # fmt: skip
"""The rule for each kind of function in the registry (functions.py); max/min/Piecewise go piece by piece."""


def _function(expr: sympy.Expr, var: sympy.Symbol, names: LayerNames) -> Step:
    func = expr.func
    kind = rule_kind(func)
    if kind in _RULE_FOR_KIND and (kind != "table" or func in ELEMENTARY_FUNCTIONS):
        return _RULE_FOR_KIND[kind](expr, var)
    if func in (sympy.Max, sympy.Min, sympy.Piecewise):
        return _piecewise(expr, var, names)
    if isinstance(expr, AppliedUndef) and (len(expr.args) > 1 or expr.args[0] != var):
        return _total(expr, var, names)
    if isinstance(expr, AppliedUndef):
        return UndefinedFunctionRule(expr, var)
    if isinstance(expr, sympy.Function) and len(expr.args) == 1:
        return KnownDerivativeRule(expr, var)
    raise UnsupportedExpression(f"there is no rule here for {func.__name__}(...)")


def _total(expr: AppliedUndef, var: sympy.Symbol, names: LayerNames) -> TotalDerivativeRule:
    """f(x(t), y(t)) by the total derivative: one path per argument that contains the variable.

    ∂f/∂(argument i) is SymPy's own spelling: Derivative(f(x(t), y(t)), x(t)) when the argument is a function
    x(t), a Subs of the derivative in a placeholder otherwise (f(t², sin t)).
    """
    slots = [sympy.Dummy(f"xi{i}") for i in range(len(expr.args))]
    general = expr.func(*slots)
    paths = []
    for slot, arg in zip(slots, expr.args, strict=True):
        if not arg.has(var):
            continue
        partial = sympy.Derivative(general, slot).subs(dict(zip(slots, expr.args, strict=True)))
        paths.append(Path(arg, partial, build_step(arg, var, names)))
    return TotalDerivativeRule(expr, var, paths)


def _piecewise(expr: sympy.Expr, var: sympy.Symbol, names: LayerNames) -> Step:
    """max/min of the variable and a constant, or a Piecewise in the variable, piece by piece."""
    if expr.func in (sympy.Max, sympy.Min):
        varying = [a for a in expr.args if a.has(var)]
        fixed = [a for a in expr.args if not a.has(var)]
        if len(expr.args) != 2 or varying != [var]:
            raise UnsupportedExpression(f"{expr.func.__name__.lower()} is supported between x and a constant")
        c = fixed[0]
        low, high = (fixed[0], var) if expr.func is sympy.Max else (var, fixed[0])
        pieces = [(low, var < c), (high, var > c)]
    else:
        pieces = [(e, cond) for e, cond in expr.args]
    steps = [(build_step(e, var, names), _open(cond, var)) for e, cond in pieces]
    kinks, joins = _boundaries(pieces, steps, var)
    return PiecewiseRule(expr, var, steps, kinks, joins)


def _open(cond: object, var: sympy.Symbol) -> object:
    """The interior of a piece's condition: x <= c becomes x < c, so no boundary point gets a made-up slope."""
    strict = {sympy.Le: sympy.Lt, sympy.Ge: sympy.Gt}.get(type(cond))
    return strict(cond.lhs, cond.rhs) if strict is not None else cond


def _boundaries(pieces: list, steps: list, var: sympy.Symbol) -> tuple[tuple, tuple]:
    """Split the meeting points of the pieces into kinks (no derivative) and smooth joins (a shared slope).

    A point is a smooth join only when both the values and the slopes of the two neighbouring pieces agree.
    """
    points = {c.rhs for _, c in pieces
              if isinstance(c, sympy.core.relational.Relational) and c.lhs == var and c.rhs.is_number}
    points |= {c.lhs for _, c in pieces
               if isinstance(c, sympy.core.relational.Relational) and c.rhs == var and c.lhs.is_number}
    delta = sympy.Rational(1, 10**6)
    kinks, joins = [], []
    for b in sorted(points, key=float):
        def active(x: sympy.Expr) -> int | None:
            return next((i for i, (_, c) in enumerate(pieces) if c.subs(var, x) is sympy.true), None)

        left, right = active(b - delta), active(b + delta)
        if left is None or right is None:
            kinks.append(b)
            continue
        same_value = equal(pieces[left][0].subs(var, b), pieces[right][0].subs(var, b))
        slope = steps[left][0].result.subs(var, b)
        if same_value and equal(slope, steps[right][0].result.subs(var, b)):
            joins.append((b, slope))
        else:
            kinks.append(b)
    return tuple(kinks), tuple(joins)


def inner_argument(expr: sympy.Expr, var: sympy.Symbol) -> sympy.Expr | None:
    """The argument to name as the next layer, or None when this node needs no chain rule.

    Walk down while exactly one child contains the variable; stop at the first function application (a
    function, or a power with the variable only in its base or only in its exponent).
    """
    node = expr
    while node != var:
        if node.is_Add or node.is_Mul:
            children = [a for a in node.args if a.has(var)]
            if len(children) != 1:
                return None
            node = children[0]
            continue
        if node.is_Pow:
            if node.base.has(var) and node.exp.has(var):
                return None
            arg = node.base if node.base.has(var) else node.exp
        elif isinstance(node, Application) and not isinstance(node, sympy.Piecewise):
            args = [a for a in node.args if a.has(var)]
            if len(args) != 1:
                return None
            arg = args[0]
        else:
            return None
        return None if arg == var else arg
    return None


def substitute(expr: sympy.Expr, symbol: sympy.Symbol, value: sympy.Expr) -> sympy.Expr:
    # subs (slower) only where a pending derivative needs it: d/dg f(g) at g = x^2 must become a Subs.
    if expr.has(sympy.Derivative):
        return expr.subs(symbol, value)
    return expr.xreplace({symbol: value})


def _chain(expr: sympy.Expr, var: sympy.Symbol, names: LayerNames, top_name: str | None) -> ChainRule:
    """Peel the layers f(g), g(h), ..., then differentiate each layer by its own variable."""
    peeled: list[tuple[str, sympy.Symbol, sympy.Expr, sympy.Expr]] = []  # (name, layer var, layer expr, value)
    name = top_name or names.next_symbol().name
    current = expr
    while (arg := inner_argument(current, var)) is not None:
        u = names.next_symbol()
        peeled.append((name, u, current.xreplace({arg: u}), arg))
        name, current = u.name, arg
    peeled.append((name, var, current, None))

    layers: list[Layer] = []
    for layer_name, layer_var, layer_expr, value in peeled:
        step = build_step(layer_expr, layer_var, names)
        back = step.result if value is None else substitute(step.result, layer_var, value)
        layers.append(Layer(layer_name, layer_var, layer_expr, value, step, back))
    return ChainRule(expr, var, layers)


SELECTION: dict[str, Callable[[sympy.Expr, sympy.Symbol, LayerNames, str | None], Step]] = {
    "constant": lambda expr, var, names, top: ConstantRule(expr, var),
    "variable": lambda expr, var, names, top: VariableRule(expr, var),
    "chain": _chain,
    "sum": lambda expr, var, names, top: _sum(expr, var, names),
    "product": lambda expr, var, names, top: _product(expr, var, names),
    "power": lambda expr, var, names, top: _power(expr, var, names),
    "function": lambda expr, var, names, top: _function(expr, var, names),
}
"""node_kind -> the rule builder: the one place a node's rule is chosen."""
