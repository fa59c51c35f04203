"""Maths as one line of text a learner can read: e⁻ˣ, x², wⱼₖ, σ(x), f′(x²), 1/(1 + e⁻ˣ).

One line (not SymPy's 2-D pretty printing) so that it wraps in narrow terminals and pastes back into `derive`.
`unicode=False` gives the same in plain ASCII (e^(-x), x^2, w_jk, sigma(x)) for terminals that cannot show it.
Products keep their written order, so the unevaluated steps of an algebra move read as the teacher wrote them.
"""

from __future__ import annotations

import re

import sympy
from sympy.printing.str import StrPrinter

from derivtutor.notation import GREEK, SUBSCRIPT, SUPERSCRIPT

MAX_SUPERSCRIPT = 5
_TIGHT = re.compile(r"(?<![\w.])(\d+)·(?=√|[^\W\d_](?![\w(]))")


def _raise(text: str, table: dict[str, str]) -> str | None:
    return "".join(table[c] for c in text) if all(c in table for c in text) else None


class MathText(StrPrinter):
    printmethod = "_mathtext"

    def __init__(self, unicode: bool = True) -> None:
        super().__init__({"order": "none"})
        self.unicode = unicode

    # -- names ---------------------------------------------------------------------------------------------
    def _print_Symbol(self, expr: sympy.Symbol) -> str:
        return self.name(expr.name)

    _print_Dummy = _print_Symbol

    def name(self, text: str) -> str:
        if not self.unicode:
            return text
        stem, _, sub = text.partition("_")
        stem = GREEK.get(stem, stem)
        if not sub:
            digits = re.fullmatch(r"([A-Za-z]+)(\d+)", stem)
            if digits and digits.group(1) not in ("u",):
                return stem
            return stem
        lowered = _raise(sub, SUBSCRIPT)
        return stem + lowered if lowered is not None else f"{stem}_{sub}"

    def _print_Exp1(self, expr: sympy.Expr) -> str:
        return "e"

    def _print_Pi(self, expr: sympy.Expr) -> str:
        return "π" if self.unicode else "pi"

    # -- powers and exponentials ---------------------------------------------------------------------------
    def _exponent(self, base: str, exponent: sympy.Expr) -> str:
        text = self._print(exponent)
        if self.unicode:
            plain = text.replace("·", "")
            raised = _raise(plain, SUPERSCRIPT) if len(plain) <= MAX_SUPERSCRIPT else None
            if raised is not None:
                return base + raised
        if exponent.is_Atom and not (exponent.is_number and (exponent.is_negative or not exponent.is_Integer)):
            return f"{base}^{text}"
        return f"{base}^({text})"

    def _print_exp(self, expr: sympy.Expr) -> str:
        return self._exponent("e", expr.args[0])

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        base, exponent = expr.as_base_exp()
        if exponent is sympy.S.Half:
            root = self._print(base)
            inner = root if base.is_Atom else f"({root})"
            return ("√" + inner) if self.unicode else f"sqrt({root})"
        if exponent.is_number and exponent.is_negative and expr.is_commutative is not False:
            positive = sympy.Pow(base, -exponent, evaluate=False) if exponent != -1 else base
            bottom = self._print(positive)
            if not (positive.is_Atom or positive.is_Function or positive.is_Pow):
                bottom = f"({bottom})"
            return f"1/{bottom}"
        base_text = self._print(base)
        fraction = base.is_Rational and not base.is_Integer  # (5/2)ˣ, never 5/2ˣ = 5/(2ˣ)
        raised = isinstance(base, sympy.exp)  # (e^(1/x))ˣ, never e^(1/x)ˣ = e^((1/x)ˣ)
        if (not (base.is_Atom or isinstance(base, sympy.Function)) or (base.is_number and base.is_negative)
                or fraction or raised):
            base_text = f"({base_text})"
        return self._exponent(base_text, exponent)

    # -- products -------------------------------------------------------------------------------------------
    def _print_Mul(self, expr: sympy.Mul) -> str:
        text = super()._print_Mul(expr)
        return text.replace("*", "·") if self.unicode else text

    def factors(self, factors: tuple[sympy.Expr, ...] | list[sympy.Expr]) -> str:
        """A product shown factor by factor, as written: 1/(1 + e⁻ˣ) · (1 - σ(x))."""
        parts = []
        for factor in factors:
            text = self._print(factor)
            if (factor.is_Add and len(factors) > 1) or (factor.could_extract_minus_sign() and parts):
                text = f"({text})"
            parts.append(text)
        return (" · " if self.unicode else " * ").join(parts)

    def _print_Add(self, expr: sympy.Add, order: str | None = None) -> str:
        return super()._print_Add(expr, order="none")

    # -- functions ------------------------------------------------------------------------------------------
    def _print_log(self, expr: sympy.Expr) -> str:
        if len(expr.args) == 2:  # log(u, b) left unevaluated: the base must not be lost (ln(u)/ln(b))
            return f"ln({self._print(expr.args[0])})/ln({self._print(expr.args[1])})"
        return f"ln({self._print(expr.args[0])})"

    def _print_Abs(self, expr: sympy.Expr) -> str:
        return f"|{self._print(expr.args[0])}|"

    def _print_sigmoid(self, expr: sympy.Expr) -> str:
        return ("σ" if self.unicode else "sigma") + f"({self._print(expr.args[0])})"

    def _print_Max(self, expr: sympy.Expr) -> str:
        return "max(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Min(self, expr: sympy.Expr) -> str:
        return "min(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _prime(self) -> str:
        return "′" if self.unicode else "'"

    def _print_AppliedUndef(self, expr: sympy.Expr) -> str:
        """A function named by the page (f, g, netₖ): its name as a variable's is printed (not net_k)."""
        return self.name(expr.func.__name__) + "(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Derivative(self, expr: sympy.Derivative) -> str:
        inner = expr.expr
        by = expr.variables[0] if len(expr.variables) == 1 else None
        if isinstance(inner, sympy.core.function.AppliedUndef) and isinstance(by, sympy.core.function.AppliedUndef):
            d = "∂" if self.unicode else "d"  # ∂f/∂x in the total derivative of f(x(t), y(t))
            return f"{d}{inner.func.__name__}/{d}{by.func.__name__}"
        if len(expr.variables) == 1 and isinstance(inner, sympy.core.function.AppliedUndef):
            return f"{inner.func.__name__}{self._prime()}({self._print(expr.variables[0])})"
        return f"d/d{self._print(expr.variables[0])} {self._print(inner)}"

    def _print_Subs(self, expr: sympy.Subs) -> str:
        derivative, (variable,), (point,) = expr.args
        if isinstance(derivative, sympy.Derivative) and isinstance(derivative.expr, sympy.core.function.AppliedUndef):
            inner = derivative.expr
            if len(inner.args) > 1 and variable in inner.args:  # ∂₁f(t², sin t): by the first argument
                slot = inner.args.index(variable) + 1
                at = ", ".join(self._print(point if a == variable else a) for a in inner.args)
                mark = f"∂{SUBSCRIPT[str(slot)]}" if self.unicode and slot < 10 else f"d{slot} "
                return f"{mark}{inner.func.__name__}({at})"
            return f"{inner.func.__name__}{self._prime()}({self._print(point)})"
        return f"[{self._print(derivative)}] at {self._print(variable)} = {self._print(point)}"

    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:
        branches = [f"{self._print(value)} if {self._print(cond)}"
                    for value, cond in expr.args if value is not sympy.nan]
        return "{" + "; ".join(branches) + "}"

    def _print_BooleanTrue(self, expr: sympy.Expr) -> str:
        return "otherwise"

    def _print_Relational(self, expr: sympy.core.relational.Relational) -> str:
        op = {"==": "=", "!=": "≠" if self.unicode else "!=", "<=": "≤" if self.unicode else "<=",
              ">=": "≥" if self.unicode else ">="}.get(expr.rel_op, expr.rel_op)
        return f"{self._print(expr.lhs)} {op} {self._print(expr.rhs)}"

    def _print_NaN(self, expr: sympy.Expr) -> str:
        return "undefined"

    def _print_Sum(self, expr: sympy.Sum) -> str:
        """Σₖ(δₖ·wⱼₖ): a sum over an index, as the backprop notes write it (sum_k(...) in ASCII)."""
        (index, *_), *_ = expr.limits
        sigma = "Σ" + self.name(f"_{index.name}") if self.unicode else f"sum_{index.name}"
        return f"{sigma}({self._print(expr.function)})"


def math_text(expr: sympy.Expr, unicode: bool = True) -> str:
    """One readable line for an expression."""
    text = MathText(unicode).doprint(expr)
    return _TIGHT.sub(r"\1", text) if unicode else text


def factors_text(factors: list[sympy.Expr], unicode: bool = True) -> str:
    """A product written factor by factor (the chain rule's factors before they are multiplied out)."""
    return _TIGHT.sub(r"\1", MathText(unicode).factors(factors)) if unicode else MathText(unicode).factors(factors)


def name_text(name: str, unicode: bool = True) -> str:
    """A variable name as printed (w_jk -> wⱼₖ)."""
    return MathText(unicode).name(name)
