"""HTML for a Document: one self-contained page (inline CSS, no scripts, no network), maths as MathML.

It walks document.Document and nothing else: the steps shown, their order and the words are decided there.
Maths is printed by SymPy's presentation-MathML printer (with σ for the sigmoid and ln for log); every word is
escaped with html.escape, so a lesson title with <script> or & shows as text.
"""

from __future__ import annotations

import html

import sympy
from sympy.core.function import AppliedUndef
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.simplify.radsimp import fraction

from derivtutor.document import (
    Block,
    Check,
    Document,
    Heading,
    MathRow,
    Maths,
    Note,
    Paragraph,
    Ratio,
    RuleCard,
    Run,
    Runs,
    Table,
    Text,
)
from derivtutor.teaching import DOCUMENT_HEADINGS


class TutorMathML(MathMLPresentationPrinter):
    """SymPy's presentation MathML in the learner's notation: σ(x), ln, factors kept in their written order."""

    def __init__(self) -> None:
        super().__init__({"order": "old", "ln_notation": True, "mul_symbol": "dot"})

    def _element(self, tag: str, *children: object, text: str | None = None, **attributes: str) -> object:
        node = self.dom.createElement(tag)
        for name, value in attributes.items():
            node.setAttribute(name, value)
        if text is not None:
            node.appendChild(self.dom.createTextNode(text))
        for child in children:
            node.appendChild(child)
        return node

    def fenced(self, inner: object) -> object:
        return self._element("mrow", self._element("mo", text="("), inner, self._element("mo", text=")"))

    def _print_Mul(self, expr: sympy.Mul) -> object:
        """SymPy's own, with two fixes: −(t − a) keeps its brackets, and e⁻ˣ stays on top of a fraction."""
        if expr.could_extract_minus_sign():
            rest = -expr
            inner = self._print(rest)
            if rest.is_Add:
                inner = self.fenced(inner)
            return self._element("mrow", self._element("mo", text="−"), inner)
        top, bottom = fraction(expr, exact=True)
        if bottom is not sympy.S.One:
            return self._element("mfrac", self._print(top), self._print(bottom))
        coeff, terms = expr.as_coeff_mul()
        row = self._element("mrow")
        parts = ([coeff] if coeff != 1 else []) + list(terms)
        for i, term in enumerate(parts):
            if i:
                row.appendChild(self._element("mo", text="·"))
            node = self._print(term)
            if term.is_Add or (i and term.could_extract_minus_sign()):  # a product inside a product needs none
                node = self.fenced(node)
            row.appendChild(node)
        return row

    def _print_Add(self, expr: sympy.Add, order: str | None = None) -> object:
        return super()._print_Add(expr, order="none")  # terms in the order the terminal prints them

    def _print_sigmoid(self, expr: sympy.Expr) -> object:
        return self._element("mrow", self._element("mi", text="σ"), self.fenced(self._print(expr.args[0])))

    def _print_AppliedUndef(self, expr: sympy.Expr) -> object:
        """A function named by the page (E, f, netₖ) under its own name, as a variable of that name is printed:
        SymPy's own lower-cases it, and E(a₂) read e(a₂), Euler's number times a₂."""
        return self._element("mrow", self._print(sympy.Symbol(expr.func.__name__)),
                             self._arguments(*(self._print(arg) for arg in expr.args)))

    def _arguments(self, *args: object) -> object:
        """(u, v): a function's arguments, comma-separated, in brackets."""
        inner = self._element("mrow")
        for i, arg in enumerate(args):
            if i:
                inner.appendChild(self._element("mo", text=","))
            inner.appendChild(arg)
        return self.fenced(inner)

    def _prime(self, name: str, *args: object) -> object:
        """f′(u): the slope of a function we know nothing about, at u."""
        return self._element("mrow", self._element("msup", self._element("mi", text=name),
                                                   self._element("mo", text="′")), self._arguments(*args))

    def _print_Derivative(self, expr: sympy.Derivative) -> object:
        inner = expr.expr
        by = expr.variables[0] if len(expr.variables) == 1 else None
        if isinstance(inner, AppliedUndef) and isinstance(by, AppliedUndef):  # ∂f/∂x in f(x(t), y(t))
            return self._element("mfrac", self._element("mrow", self._element("mo", text="∂"),
                                                        self._element("mi", text=inner.func.__name__)),
                                 self._element("mrow", self._element("mo", text="∂"),
                                               self._element("mi", text=by.func.__name__)))
        if by is not None and isinstance(inner, AppliedUndef) and len(inner.args) == 1:
            return self._prime(inner.func.__name__, self._print(by))
        return super()._print_Derivative(expr)

    def _print_Subs(self, expr: sympy.Subs) -> object:
        derivative, variables, points = expr.args
        if (isinstance(derivative, sympy.Derivative) and isinstance(derivative.expr, AppliedUndef)
                and len(variables) == 1 and len(derivative.variables) == 1):
            inner, variable, point = derivative.expr, variables[0], points[0]
            if len(inner.args) == 1:
                return self._prime(inner.func.__name__, self._print(point))
            if variable in inner.args:  # ∂₁f(t², sin t): by the first argument, at these values
                slot = inner.args.index(variable) + 1
                mark = self._element("msub", self._element("mo", text="∂"), self._element("mn", text=str(slot)))
                at = self._element("mrow")
                for i, arg in enumerate(inner.args):
                    if i:
                        at.appendChild(self._element("mo", text=","))
                    at.appendChild(self._print(point if arg == variable else arg))
                return self._element("mrow", mark, self._element("mi", text=inner.func.__name__), self.fenced(at))
        return super()._print_Subs(expr)

    def _print_Piecewise(self, expr: sympy.Piecewise) -> object:
        """Cases, one per line: a brace, then 'value   if condition' (SymPy's printer spells it piecewise(...))."""
        table = self._element("mtable", columnalign="left")
        for value, cond in expr.args:
            if value is sympy.nan:
                continue
            when = self._element("mrow", self._element("mtext", text="\u2003if\u2002"), self._print(cond))
            if cond is sympy.true:
                when = self._print(cond)
            table.appendChild(self._element("mtr", self._element("mtd", self._print(value)),
                                            self._element("mtd", when)))
        return self._element("mrow", self._element("mo", text="{"), table)

    def parenthesize(self, item: sympy.Basic, level: int, strict: bool = False) -> object:
        """SymPy's, and a raised e keeps its brackets when raised again: (e^(1/x))ˣ, never e^(1/x)^x."""
        if level == PRECEDENCE["Pow"] and isinstance(item, sympy.exp):
            return self.fenced(self._print(item))
        return super().parenthesize(item, level, strict)

    def _print_UnevaluatedExpr(self, expr: sympy.UnevaluatedExpr) -> object:
        """0·g and 1·1 in the quotient-rule route: the number as written (SymPy's printer spells it as a call)."""
        return self._print(expr.args[0])

    def _print_NaN(self, expr: sympy.Expr) -> object:
        return self._element("mtext", text="undefined")

    def _print_BooleanTrue(self, expr: sympy.Expr) -> object:
        return self._element("mtext", text="\u2003otherwise")

    def factors(self, factors: tuple[sympy.Expr, ...]) -> object:
        """A product shown factor by factor, as the teacher writes it: 1/(1 + e⁻ˣ) · (1 − σ(x))."""
        row = self._element("mrow")
        for i, factor in enumerate(factors):
            if i:
                row.appendChild(self._element("mo", text="·"))
            node = self._print(factor)
            if factor.is_Add or (i and factor.could_extract_minus_sign()):
                node = self.fenced(node)
            row.appendChild(node)
        return row

    def ratio(self, run: Ratio) -> object:
        d = "∂" if run.partial else "d"
        bottom = self._element("mrow", self._element("mi", text=d), self._print(run.var))
        if run.of is not None:
            frac = self._element("mfrac", self._element("mi", text=d), bottom)
            inner = self._print(run.of)
            if not (run.of.is_Atom or run.of.is_Function):
                inner = self.fenced(inner)
            return self._element("mrow", frac, inner)
        top = self._element("mrow", self._element("mi", text=d), self._print(sympy.Symbol(run.top or "")))
        return self._element("mfrac", top, bottom)


def _math(node: object) -> str:
    # a true minus sign (U+2212), as typeset maths writes it; SymPy's printer emits the hyphen-minus
    return f'<math display="inline">{node.toxml().replace("<mo>-</mo>", "<mo>−</mo>")}</math>'


def run_html(run: Run, printer: TutorMathML) -> str:
    if isinstance(run, Text):
        return html.escape(run.text)
    if isinstance(run, Check):
        return '<span class="check" title="checked against sympy.diff">✓</span>'
    if isinstance(run, Ratio):
        return _math(printer.ratio(run))
    return maths_html(run, printer)


def maths_html(maths: Maths, printer: TutorMathML) -> str:
    node = printer.factors(maths.factors) if maths.factors else printer._print(maths.expr)
    # the typed form rides along as a tooltip: copied into `derive`, it reads back to the same expression
    return f'<span class="m" title="{html.escape(maths.typed)}">{_math(node)}</span>'


def runs_html(runs: Runs, printer: TutorMathML) -> str:
    return "".join(run_html(run, printer) for run in runs)


def _row(row: MathRow, printer: TutorMathML) -> str:
    lhs = runs_html(row.lhs, printer)
    check = ' <span class="check">✓</span>' if row.checked else ""
    note = runs_html(row.note, printer)
    return (f'<tr class="{html.escape(row.kind)} depth{min(row.depth, 6)}"><td class="lhs">{lhs}</td>'
            f'<td class="eq">=</td><td class="rhs">{maths_html(row.rhs, printer)}{check}</td>'
            f'<td class="note">{note}</td></tr>')


def _block(block: Block, printer: TutorMathML) -> str:
    if isinstance(block, Heading):
        level = min(max(block.level, 1), 6)
        return f"<h{level}>{html.escape(block.text)}</h{level}>"
    if isinstance(block, Paragraph):
        return f"<p>{runs_html(block.runs, printer)}</p>"
    if isinstance(block, Note):
        return f'<p class="remark">{runs_html(block.runs, printer)}</p>'
    if isinstance(block, RuleCard):
        formula = f' <span class="formula">{html.escape(block.formula)}</span>' if block.formula else ""
        return (f'<div class="card"><strong>{html.escape(block.name)}</strong>{formula}'
                f"<br>{html.escape(block.why)}</div>")
    if isinstance(block, Table):
        head = "".join(f"<th>{html.escape(h)}</th>" for h in block.header)
        body = "".join("<tr>" + "".join(f"<td>{runs_html(cell, printer)}</td>" for cell in row) + "</tr>"
                       for row in block.rows)
        return f"<table class=\"data\"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    raise TypeError(f"no HTML for a {type(block).__name__}")


CSS = """
.derivtutor { font-family: Georgia, 'DejaVu Serif', serif; max-width: 56rem; margin: 2rem auto; padding: 0 1rem;
  line-height: 1.5; color: #222; background: #fff; }
.derivtutor h1 { font-size: 1.6rem; border-bottom: 1px solid #ccc; padding-bottom: .3rem; }
.derivtutor h2 { font-size: 1.2rem; margin-top: 1.6rem; color: #333; }
.derivtutor math { font-size: 1.15em; }
.derivtutor table.steps { border-collapse: collapse; margin: .5rem 0; }
.derivtutor table.steps td { padding: .25rem .4rem; vertical-align: middle; }
.derivtutor td.lhs { text-align: right; white-space: nowrap; }
.derivtutor td.note { color: #555; font-size: .92rem; padding-left: 1.2rem; }
.derivtutor tr.depth1 td.lhs { padding-left: 1.5rem; }
.derivtutor tr.depth2 td.lhs { padding-left: 3rem; }
.derivtutor tr.depth3 td.lhs, .derivtutor tr.depth4 td.lhs, .derivtutor tr.depth5 td.lhs,
.derivtutor tr.depth6 td.lhs { padding-left: 4.5rem; }
.derivtutor tr.answer td, .derivtutor tr.result td { font-weight: bold; }
.derivtutor .check { color: #1a7f37; font-weight: bold; }
.derivtutor p.remark { color: #555; font-style: italic; }
.derivtutor div.card { border-left: 3px solid #4a6fa5; background: #f5f7fb; padding: .4rem .8rem; margin: .4rem 0; }
.derivtutor span.formula { margin-left: .6rem; font-family: 'DejaVu Sans Mono', monospace; }
.derivtutor table.data { border-collapse: collapse; }
.derivtutor table.data td, .derivtutor table.data th { border: 1px solid #ccc; padding: .2rem .5rem; }
.derivtutor footer { margin-top: 2rem; color: #666; font-size: .9rem; }
"""


def render_html(document: Document, standalone: bool = True) -> str:
    """The whole page; standalone=False gives one <div> with its own (scoped) style, for Jupyter.

    Consecutive maths rows share one aligned table; everything else is a block of its own.
    """
    printer = TutorMathML()
    parts: list[str] = []
    rows: list[str] = []
    for block in document.blocks:
        if isinstance(block, MathRow):
            rows.append(_row(block, printer))
            continue
        if rows:
            parts.append('<table class="steps">' + "".join(rows) + "</table>")
            rows = []
        parts.append(_block(block, printer))
    if rows:
        parts.append('<table class="steps">' + "".join(rows) + "</table>")
    body = "\n".join(parts) + f"\n<footer>{html.escape(DOCUMENT_HEADINGS['check_legend'])}</footer>\n"
    if not standalone:
        return f'<div class="derivtutor">\n<style>{CSS}</style>\n{body}</div>\n'
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{html.escape(document.title)}</title>\n<style>{CSS}</style>\n</head>\n"
            f"<body>\n<main class=\"derivtutor\">\n{body}</main>\n</body>\n</html>\n")
