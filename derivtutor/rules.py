"""One dataclass per differentiation rule: the derivation tree is made of these.

Each step records what it was applied to and computes its own result from its substeps with the rule's own
formula (`evaluate`), the way SymPy's manualintegrate does for integrals. The answer a learner sees is therefore
built by the rules they see, and `verify.py` then checks it against `sympy.diff` instead of copying from it.
The words (rule names, formulas, whys) live in `teaching.py` under each class's `rule_id`.

What the rest of the program asks of a rule is a method here, not an isinstance ladder elsewhere (hooks):
`rebuild(parts)` (verify.py: the node written from its children), `notes()` (explain.py: the teaching notes a
step gets), `facts()` (the JSON export: what the node records beyond expr and var), `one_rule(later)` (judge.py:
the derivative after this one rule, its parts' derivatives still to be taken); the engine picks a node's rule
from one selection table (engine.SELECTION), and the slip library from one table keyed by rule id
(slips.SLIPS_BY_RULE).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

import sympy
from sympy.core.function import AppliedUndef

from derivtutor.functions import table_derivatives

Expr = sympy.Expr
Symbol = sympy.Symbol


@dataclass(eq=False)
class Step:
    """d(expr)/d(var) by one rule. `verified` is set by the engine once the result has been checked."""

    expr: Expr
    var: Symbol
    verified: bool = field(default=False, init=False, repr=False)
    rule_id: ClassVar[str] = ""

    def substeps(self) -> tuple[Step, ...]:
        return ()

    def rebuild(self, parts: list[Expr]) -> Expr | None:
        """This node's expression made from its children's expressions `parts` (or stand-ins for them); None
        for a rule whose node is not an arithmetic combination of its children."""
        return None

    def evaluate(self) -> Expr:
        raise NotImplementedError

    def notes(self) -> list[tuple[str, dict[str, object]]]:
        """The teaching notes this step gets: (a teaching.NOTES key, its fields; maths as SymPy, words as str)."""
        return []

    def facts(self) -> dict[str, object]:
        """What this node records beyond expr and var, by name (an expression, a name, or a tuple of them)."""
        return {}

    def one_rule(self, later: Callable[[Expr], Expr]) -> Expr:
        """d(expr)/d(var) after this one rule, each part's derivative written `later(part)` (not yet taken).

        A learner's working line may apply one rule and leave d/dx [part] for later: judge.py compares the line
        with this. A rule without parts has nothing left for later: its result."""
        return self.result

    @property
    def result(self) -> Expr:
        cached = self.__dict__.get("_result")
        if cached is None:
            cached = self.__dict__["_result"] = self.evaluate()
        return cached

    def walk(self):  # noqa: ANN201 - generator of Steps, depth first, parents before children
        """Every step of the tree, iteratively (trees can be hundreds of layers deep)."""
        stack: list[Step] = [self]
        while stack:
            step = stack.pop()
            yield step
            stack.extend(reversed(step.substeps()))


@dataclass(eq=False)
class ConstantRule(Step):
    rule_id: ClassVar[str] = "constant"

    @property
    def held_constant(self) -> tuple[Symbol, ...]:
        """Other variables in the expression: a partial derivative treats them as constants."""
        return tuple(sorted(self.expr.free_symbols, key=lambda s: s.name))

    def evaluate(self) -> Expr:
        return sympy.S.Zero

    def _others(self) -> tuple[Symbol, ...]:
        return tuple(s for s in self.held_constant if s != self.var)

    def notes(self) -> list[tuple[str, dict[str, object]]]:
        held = self._others()
        if not held:
            return []
        return [("held_constant_one" if len(held) == 1 else "held_constant_many", {"names": held})]

    def facts(self) -> dict[str, object]:
        return {"held_constant": tuple(s.name for s in self._others())}


@dataclass(eq=False)
class VariableRule(Step):
    rule_id: ClassVar[str] = "variable"

    def evaluate(self) -> Expr:
        return sympy.S.One


@dataclass(eq=False)
class ConstantMultipleRule(Step):
    constant: Expr
    rest: Step
    rule_id: ClassVar[str] = "constant_multiple"

    def substeps(self) -> tuple[Step, ...]:
        return (self.rest,)

    def evaluate(self) -> Expr:
        return self.constant * self.rest.result

    def rebuild(self, parts: list[Expr]) -> Expr:
        return self.constant * parts[0]

    def notes(self) -> list[tuple[str, dict[str, object]]]:
        if self.constant == -1:
            return [("minus_sign", {"rest": self.rest.expr})]
        if self.constant.free_symbols:
            return [("constant_factor", {"factor": self.constant, "var": self.var})]
        return []

    def facts(self) -> dict[str, object]:
        return {"constant": self.constant}

    def one_rule(self, later: Callable[[Expr], Expr]) -> Expr:
        return self.constant * later(self.rest.expr)


@dataclass(eq=False)
class SumRule(Step):
    terms: list[Step]
    rule_id: ClassVar[str] = "sum"

    def substeps(self) -> tuple[Step, ...]:
        return tuple(self.terms)

    def evaluate(self) -> Expr:
        return sympy.Add(*(t.result for t in self.terms))

    def rebuild(self, parts: list[Expr]) -> Expr:
        return sympy.Add(*parts)

    def one_rule(self, later: Callable[[Expr], Expr]) -> Expr:
        return sympy.Add(*(later(t.expr) for t in self.terms))


@dataclass(eq=False)
class ProductRule(Step):
    factors: list[Step]
    rule_id: ClassVar[str] = "product"

    def substeps(self) -> tuple[Step, ...]:
        return tuple(self.factors)

    def evaluate(self) -> Expr:
        exprs = [f.expr for f in self.factors]
        return sympy.Add(*(
            sympy.Mul(*exprs[:i], f.result, *exprs[i + 1:]) for i, f in enumerate(self.factors)
        ))

    def rebuild(self, parts: list[Expr]) -> Expr:
        return sympy.Mul(*parts)

    def one_rule(self, later: Callable[[Expr], Expr]) -> Expr:
        exprs = [f.expr for f in self.factors]
        return sympy.Add(*(sympy.Mul(*exprs[:i], later(e), *exprs[i + 1:]) for i, e in enumerate(exprs)))


@dataclass(eq=False)
class QuotientRule(Step):
    numerator: Step
    denominator: Step
    rule_id: ClassVar[str] = "quotient"

    def substeps(self) -> tuple[Step, ...]:
        return (self.numerator, self.denominator)

    def evaluate(self) -> Expr:
        f, g = self.numerator.expr, self.denominator.expr
        return (self.numerator.result * g - f * self.denominator.result) / g**2

    def rebuild(self, parts: list[Expr]) -> Expr:
        return parts[0] / parts[1]

    def one_rule(self, later: Callable[[Expr], Expr]) -> Expr:
        f, g = self.numerator.expr, self.denominator.expr
        return (later(f) * g - f * later(g)) / g**2


@dataclass(eq=False)
class PowerRule(Step):
    """var**n with n free of var (n may be negative, fractional or another symbol)."""

    exponent: Expr
    rule_id: ClassVar[str] = "power"

    def evaluate(self) -> Expr:
        return self.exponent * self.var ** (self.exponent - 1)

    def notes(self) -> list[tuple[str, dict[str, object]]]:
        n = self.exponent
        if n.is_number and n.is_negative:
            return [("power_negative", {"written": self.expr, "base": self.var, "n": n, "lowered": n - 1})]
        if n.is_Rational and not n.is_Integer:
            return [("power_fraction", {})]
        return []

    def facts(self) -> dict[str, object]:
        return {"exponent": self.exponent}


@dataclass(eq=False)
class ExpRule(Step):
    rule_id: ClassVar[str] = "exp"

    def evaluate(self) -> Expr:
        return sympy.exp(self.var)


@dataclass(eq=False)
class ExpBaseRule(Step):
    """a**var for a constant base a."""

    base: Expr
    rule_id: ClassVar[str] = "exp_base"

    def evaluate(self) -> Expr:
        return self.base**self.var * sympy.log(self.base)


@dataclass(eq=False)
class LogRule(Step):
    rule_id: ClassVar[str] = "log"

    def evaluate(self) -> Expr:
        return 1 / self.var


# The derivative of each table function at its own variable u, as the rule's formula states it: read from the
# function registry (functions.py), the one place that says which functions a learner may type.
_ELEMENTARY: dict[type, object] = table_derivatives()
ELEMENTARY_FUNCTIONS: tuple[type, ...] = tuple(_ELEMENTARY)


@dataclass(eq=False)
class ElementaryFunctionRule(Step):
    """sin, sech, asinh, erf, softplus, ... applied to the bare variable; the rule id is the function's name."""

    # The functions whose derivative is said as a known rule, and the teaching.NOTES key that says it.
    KNOWN_NOTES: ClassVar[dict[str, str]] = {"tanh": "known_tanh", "softplus": "known_softplus"}

    def notes(self) -> list[tuple[str, dict[str, object]]]:
        key = self.KNOWN_NOTES.get(self.rule_id)
        return [(key, {})] if key else []

    @property
    def rule_id(self) -> str:  # type: ignore[override]
        return self.expr.func.__name__

    def evaluate(self) -> Expr:
        return _ELEMENTARY[self.expr.func](self.var)


@dataclass(eq=False)
class SigmoidRule(Step):
    rule_id: ClassVar[str] = "sigmoid"

    def evaluate(self) -> Expr:
        from derivtutor.functions import sigmoid

        return sigmoid(self.var) * (1 - sigmoid(self.var))

    def notes(self) -> list[tuple[str, dict[str, object]]]:
        return [("known_sigmoid", {})]


@dataclass(eq=False)
class AbsRule(Step):
    rule_id: ClassVar[str] = "abs"

    @property
    def kinks(self) -> tuple[Expr, ...]:
        return (sympy.S.Zero,)

    def facts(self) -> dict[str, object]:
        return {"no_derivative_at": self.kinks}

    def evaluate(self) -> Expr:
        # No value at 0: a Piecewise without a branch for 0 is undefined (nan) there, never a made-up number.
        return sympy.Piecewise((-1, self.var < 0), (1, self.var > 0))


@dataclass(eq=False)
class PiecewiseRule(Step):
    """A function made of pieces (max(0, x), min, Piecewise): each piece is differentiated on its open interval.

    `kinks` are the meeting points where the one-sided slopes differ: no derivative exists there, so the
    result has no branch for them. Points where the pieces join smoothly get the common value.
    """

    pieces: list[tuple[Step, object]]  # (derivative step of the piece, its open condition)
    kinks: tuple[Expr, ...] = ()
    joins: tuple[tuple[Expr, Expr], ...] = ()  # (point, slope) where two pieces meet smoothly
    rule_id: ClassVar[str] = "piecewise"

    def substeps(self) -> tuple[Step, ...]:
        return tuple(step for step, _ in self.pieces)

    def evaluate(self) -> Expr:
        # Kinks come first and have no value (nan): the later branches must not hand them a made-up slope.
        branches = [(sympy.nan, sympy.Eq(self.var, point)) for point in self.kinks if self._covered(point)]
        branches += [(step.result, cond) for step, cond in self.pieces]
        branches += [(slope, sympy.Eq(self.var, point)) for point, slope in self.joins]
        return sympy.Piecewise(*branches)

    def _covered(self, point: Expr) -> bool:
        return any(cond.subs(self.var, point) is sympy.true for _, cond in self.pieces)

    def facts(self) -> dict[str, object]:
        return {"no_derivative_at": self.kinks}


@dataclass(eq=False)
class LogDiffRule(Step):
    """f**g with the variable in both: y = f**g, ln y = g ln f, y' = y (g ln f)'."""

    log_form: Step  # the derivative of g*ln(f)
    rule_id: ClassVar[str] = "log_diff"

    def substeps(self) -> tuple[Step, ...]:
        return (self.log_form,)

    def evaluate(self) -> Expr:
        return self.expr * self.log_form.result

    def notes(self) -> list[tuple[str, dict[str, object]]]:
        y = sympy.Symbol("y" if "y" not in {sym.name for sym in self.expr.free_symbols} else "F")
        slope = self.log_form.result
        return [("logdiff_name", {"y": y, "expr": self.expr}),
                ("logdiff_ln", {"y": y, "log_form": self.log_form.expr}),
                ("logdiff_both", {"y": y, "var": self.var, "slope": slope}),
                ("logdiff_times", {"y": y, "slope": slope, "result": self.result})]


@dataclass(eq=False)
class UndefinedFunctionRule(Step):
    rule_id: ClassVar[str] = "undefined_function"

    def evaluate(self) -> Expr:
        return sympy.Derivative(self.expr, self.var)


@dataclass(eq=False)
class KnownDerivativeRule(Step):
    """Last resort for special functions (erf, gamma, ...): the table lookup is SymPy's, and says so."""

    rule_id: ClassVar[str] = "known_derivative"

    def evaluate(self) -> Expr:
        return sympy.diff(self.expr, self.var)


@dataclass(eq=False)
class Layer:
    """One layer of a chain: `name`(`var`) = `expr`, where `var` stands for `value` (an expression in x).

    For the sigmoid: f(g) = 1/g with g = 1 + e^(-x); g(h) = 1 + e^h with h = -x; h(x) = -x (value None).
    `step` differentiates the layer by its own variable; `back` is that derivative written in x.
    """

    name: str
    var: Symbol
    expr: Expr
    value: Expr | None
    step: Step
    back: Expr


@dataclass(eq=False)
class ChainRule(Step):
    layers: list[Layer]
    rule_id: ClassVar[str] = "chain"

    def substeps(self) -> tuple[Step, ...]:
        return tuple(layer.step for layer in self.layers)

    def evaluate(self) -> Expr:
        return sympy.Mul(*(layer.back for layer in self.layers))

    def one_rule(self, later: Callable[[Expr], Expr]) -> Expr:
        """The outside layer's derivative times d/dvar of what it is fed (a lone layer: no inside left)."""
        outer = self.layers[0]
        return self.result if outer.value is None else outer.back * later(outer.value)


def is_undefined_function(expr: Expr) -> bool:
    return isinstance(expr, AppliedUndef)


@dataclass(eq=False)
class Path:
    """One way the variable reaches f: through the argument `inner`, with ∂f/∂(that argument) and its rate."""

    inner: Expr
    partial: Expr  # ∂f/∂(argument i), at the arguments
    rate: Step  # d(inner)/d(var)


@dataclass(eq=False)
class TotalDerivativeRule(Step):
    """f(x(t), y(t)): the variable changes f along every argument; the paths' chain-rule products add up."""

    paths: list[Path]
    rule_id: ClassVar[str] = "total_derivative"

    def substeps(self) -> tuple[Step, ...]:
        return tuple(path.rate for path in self.paths)

    def evaluate(self) -> Expr:
        return sympy.Add(*(path.partial * path.rate.result for path in self.paths))

    def notes(self) -> list[tuple[str, dict[str, object]]]:
        return [("total_path", {"inner": p.inner, "partial": p.partial, "rate": p.rate.result}) for p in self.paths]
