"""The function registry: every function a learner may type, in one table.

Each entry says which names a learner may type for it (sinh; arsinh, asinh, arcsinh and sinh^-1 for its
inverse), the SymPy function it builds, how the engine differentiates it (the rule kind and, for the table
rules, the derivative at its own variable u as the rule's formula states it), its numeric value (for the
equality checks in numeric.py) and its teaching key (teaching.RULES). The reader, the engine's rule choice,
numeric.py and the tests all read this table, so adding a function is one entry plus its words.

Two functions SymPy lacks live here too: the sigmoid σ(u) and softplus(u). They are real SymPy functions (so
they print as typed and differentiate correctly), and `as_exponentials` writes them back in exponentials
whenever an equality has to be checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy


class sigmoid(sympy.Function):  # noqa: N801 - SymPy functions are lower-case by convention
    """The logistic sigmoid sigma(u) = 1/(1 + e^(-u))."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, arg: sympy.Expr, **kwargs: object) -> sympy.Expr:
        return 1 / (1 + sympy.exp(-arg))

    def _eval_evalf(self, prec: int) -> sympy.Expr:
        return (1 / (1 + sympy.exp(-self.args[0])))._eval_evalf(prec)

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _latex(self, printer: sympy.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        text = r"\sigma\left(" + printer._print(self.args[0]) + r"\right)"
        return text if exp is None else rf"{text}^{{{exp}}}"  # σ(x)² arrives as exp="2"

    def _code(self, printer: sympy.printing.printer.Printer) -> str:
        """Code printers (so lambdify: math, mpmath, NumPy, JAX...) write 1/(1 + exp(-u)) in their own terms."""
        return printer._print(1 / (1 + sympy.exp(-self.args[0])))

    _pythoncode = _lambdacode = _mpmathcode = _numpycode = _cupycode = _jaxcode = _tensorflowcode = _code


class softplus(sympy.Function):  # noqa: N801 - SymPy functions are lower-case by convention
    """softplus(u) = ln(1 + e^u), the smooth ReLU; its derivative is the sigmoid."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, arg: sympy.Expr, **kwargs: object) -> sympy.Expr:
        return sympy.log(1 + sympy.exp(arg))

    def _eval_evalf(self, prec: int) -> sympy.Expr:
        return sympy.log(1 + sympy.exp(self.args[0]))._eval_evalf(prec)

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _latex(self, printer: sympy.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        text = r"\operatorname{softplus}\left(" + printer._print(self.args[0]) + r"\right)"
        return text if exp is None else rf"{text}^{{{exp}}}"

    def _code(self, printer: sympy.printing.printer.Printer) -> str:
        """Code printers (lambdify) write ln(1 + exp(u)) in their own terms, as for the sigmoid."""
        return printer._print(sympy.log(1 + sympy.exp(self.args[0])))

    _pythoncode = _lambdacode = _mpmathcode = _numpycode = _cupycode = _jaxcode = _tensorflowcode = _code


def as_exponentials(expr: sympy.Expr) -> sympy.Expr:
    """Write every sigma(u) as 1/(1 + e^(-u)) and softplus(u) as ln(1 + e^u), so SymPy can compare them."""
    if expr.has(softplus):
        expr = expr.replace(softplus, lambda u: sympy.log(1 + sympy.exp(u)))
    if expr.has(sigmoid):
        expr = expr.replace(sigmoid, lambda u: 1 / (1 + sympy.exp(-u)))
    return expr


# ---------------------------------------------------------------------------------------------- registry
Numeric = Callable[[object, object], object]  # (mpmath context, value) -> value; complex or error = not real


@dataclass(frozen=True)
class FunctionEntry:
    """One function a learner may type.

    `rule` is the engine's rule kind: "table" (ElementaryFunctionRule with `derivative`), "exp", "log",
    "sigmoid", "abs", "piecewise" (max/min/relu), "power" (sqrt builds a power). `key` is the canonical name,
    also the teaching key of the table rules. `inverse` names the entry that `key^-1` (sin^-1 x) means.
    """

    key: str
    spellings: tuple[str, ...]
    func: object  # the SymPy constructor
    rule: str = "table"
    derivative: Callable[[sympy.Expr], sympy.Expr] | None = None
    numeric: Numeric | None = None
    inverse: str | None = None
    arity: tuple[int, int] = (1, 1)  # (fewest, most) arguments
    example: str = ""  # a typed example whose derivative the registry test checks


def _entry(key: str, func: object, derivative: Callable[[sympy.Expr], sympy.Expr], numeric: Numeric,
           *more: str, inverse: str | None = None) -> FunctionEntry:
    return FunctionEntry(key, (key, *more), func, "table", derivative, numeric, inverse, example=f"{key}(2x)")


S = sympy  # short, for the table below
REGISTRY: tuple[FunctionEntry, ...] = (
    FunctionEntry("exp", ("exp",), S.exp, "exp", None, lambda m, u: m.exp(u), example="exp(2x)"),
    FunctionEntry("ln", ("ln",), S.log, "log", example="ln(2x)"),
    FunctionEntry("log", ("log",), S.log, "log", None, None, arity=(1, 2), example="log(2x)"),
    FunctionEntry("sqrt", ("sqrt",), S.sqrt, "power", example="sqrt(2x)"),
    FunctionEntry("abs", ("abs",), S.Abs, "abs", None, lambda m, u: abs(u), example="abs(2x)"),
    FunctionEntry("max", ("max",), S.Max, "piecewise", arity=(2, 50), example="max(0, x)"),
    FunctionEntry("min", ("min",), S.Min, "piecewise", arity=(2, 50), example="min(0, x)"),
    FunctionEntry("relu", ("relu", "ReLU"), lambda u: S.Max(S.S.Zero, u), "piecewise", example="relu(x)"),
    FunctionEntry("sigmoid", ("sigma", "sigmoid"), sigmoid, "sigmoid", None,
                  lambda m, u: 1 / (1 + m.exp(-u)), example="sigma(2x)"),
    _entry("softplus", softplus, lambda u: sigmoid(u), lambda m, u: m.log(1 + m.exp(u))),
    _entry("sin", S.sin, lambda u: S.cos(u), lambda m, u: m.sin(u), inverse="asin"),
    _entry("cos", S.cos, lambda u: -S.sin(u), lambda m, u: m.cos(u), inverse="acos"),
    _entry("tan", S.tan, lambda u: 1 + S.tan(u) ** 2, lambda m, u: m.tan(u), inverse="atan"),
    _entry("sec", S.sec, lambda u: S.sec(u) * S.tan(u), lambda m, u: m.sec(u), inverse="asec"),
    _entry("csc", S.csc, lambda u: -S.csc(u) * S.cot(u), lambda m, u: m.csc(u), "cosec", inverse="acsc"),
    _entry("cot", S.cot, lambda u: -1 - S.cot(u) ** 2, lambda m, u: m.cot(u), "cotan", inverse="acot"),
    _entry("asin", S.asin, lambda u: 1 / S.sqrt(1 - u**2), lambda m, u: m.asin(u), "arcsin"),
    _entry("acos", S.acos, lambda u: -1 / S.sqrt(1 - u**2), lambda m, u: m.acos(u), "arccos"),
    _entry("atan", S.atan, lambda u: 1 / (1 + u**2), lambda m, u: m.atan(u), "arctan"),
    _entry("asec", S.asec, lambda u: 1 / (u**2 * S.sqrt(1 - 1 / u**2)), lambda m, u: m.asec(u), "arcsec"),
    _entry("acsc", S.acsc, lambda u: -1 / (u**2 * S.sqrt(1 - 1 / u**2)), lambda m, u: m.acsc(u), "arccsc",
           "arccosec"),
    _entry("acot", S.acot, lambda u: -1 / (1 + u**2), lambda m, u: m.acot(u), "arccot"),
    _entry("sinh", S.sinh, lambda u: S.cosh(u), lambda m, u: m.sinh(u), inverse="asinh"),
    _entry("cosh", S.cosh, lambda u: S.sinh(u), lambda m, u: m.cosh(u), inverse="acosh"),
    _entry("tanh", S.tanh, lambda u: 1 - S.tanh(u) ** 2, lambda m, u: m.tanh(u), inverse="atanh"),
    _entry("sech", S.sech, lambda u: -S.sech(u) * S.tanh(u), lambda m, u: m.sech(u), inverse="asech"),
    _entry("csch", S.csch, lambda u: -S.csch(u) * S.coth(u), lambda m, u: m.csch(u), "cosech", inverse="acsch"),
    _entry("coth", S.coth, lambda u: 1 - S.coth(u) ** 2, lambda m, u: m.coth(u), inverse="acoth"),
    _entry("asinh", S.asinh, lambda u: 1 / S.sqrt(u**2 + 1), lambda m, u: m.asinh(u), "arsinh", "arcsinh"),
    _entry("acosh", S.acosh, lambda u: 1 / (S.sqrt(u - 1) * S.sqrt(u + 1)), lambda m, u: m.acosh(u), "arcosh",
           "arccosh"),
    _entry("atanh", S.atanh, lambda u: 1 / (1 - u**2), lambda m, u: m.atanh(u), "artanh", "arctanh"),
    _entry("asech", S.asech, lambda u: -1 / (u * S.sqrt(1 - u**2)), lambda m, u: m.asech(u), "arsech",
           "arcsech"),
    _entry("acsch", S.acsch, lambda u: -1 / (u**2 * S.sqrt(1 + 1 / u**2)), lambda m, u: m.acsch(u), "arcsch",
           "arccsch"),
    _entry("acoth", S.acoth, lambda u: 1 / (1 - u**2), lambda m, u: m.acoth(u), "arcoth", "arccoth"),
    _entry("erf", S.erf, lambda u: 2 * S.exp(-(u**2)) / S.sqrt(S.pi), lambda m, u: m.erf(u)),
    _entry("erfc", S.erfc, lambda u: -2 * S.exp(-(u**2)) / S.sqrt(S.pi), lambda m, u: m.erfc(u)),
)


BY_SPELLING: dict[str, FunctionEntry] = {name: entry for entry in REGISTRY for name in entry.spellings}
BY_KEY: dict[str, FunctionEntry] = {entry.key: entry for entry in REGISTRY}
BY_FUNC: dict[object, FunctionEntry] = {
    entry.func: entry for entry in REGISTRY if isinstance(entry.func, type) and entry.key not in ("ln", "log")
}
BY_FUNC[sympy.log] = BY_KEY["log"]
TYPED_NAMES: tuple[str, ...] = tuple(BY_SPELLING)
"""Every function name a learner may type (the reader's whitelist)."""


def table_derivatives() -> dict[type, Callable[[sympy.Expr], sympy.Expr]]:
    """d/du F(u) for every function differentiated by a table rule (rules.ElementaryFunctionRule)."""
    return {entry.func: entry.derivative for entry in REGISTRY if entry.rule == "table"}


def numeric_functions() -> dict[object, Numeric]:
    """Every function with a numeric evaluator, for numeric.py."""
    return {entry.func: entry.numeric for entry in REGISTRY
            if entry.numeric is not None and isinstance(entry.func, type)}


def rule_kind(func: object) -> str | None:
    """How the engine differentiates an application of `func` (None: not in the registry)."""
    entry = BY_FUNC.get(func)
    return entry.rule if entry is not None else None
