"""SymPy functions the learner's notation needs and SymPy lacks: the sigmoid sigma(u).

sigma appears in the teacher's target form sigma(x)(1 - sigma(x)) and in the backpropagation formulas. It is a
real SymPy function (so it prints as sigma and differentiates correctly), and `as_exponentials` turns it back into
1/(1 + e^(-u)) whenever an equality has to be checked.
"""

from __future__ import annotations

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

    def _latex(self, printer: sympy.printing.latex.LatexPrinter) -> str:
        return r"\sigma\left(" + printer._print(self.args[0]) + r"\right)"

    def _code(self, printer: sympy.printing.printer.Printer) -> str:
        """Code printers (so lambdify: math, mpmath, NumPy, JAX...) write 1/(1 + exp(-u)) in their own terms."""
        return printer._print(1 / (1 + sympy.exp(-self.args[0])))

    _pythoncode = _lambdacode = _mpmathcode = _numpycode = _cupycode = _jaxcode = _tensorflowcode = _code


def as_exponentials(expr: sympy.Expr) -> sympy.Expr:
    """Write every sigma(u) as 1/(1 + e^(-u)), so SymPy can compare it with anything else."""
    if not expr.has(sigmoid):
        return expr
    return expr.replace(sigmoid, lambda u: 1 / (1 + sympy.exp(-u)))
