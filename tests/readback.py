"""Read-back at the level of the document: every maths run of `document.build_document(built, "full")`, printed by
each format's maths printer, read back by our own reader (parsing.read_expression: text, Unicode and LaTeX) and
compared with the expression the run stands for.

Formats: terminal Unicode and ASCII (mathtext), LaTeX (render/latex.maths_latex), Markdown (the same LaTeX between
dollars: render/markdown.inline), HTML (render/html.maths_html: the MathML a browser shows, read by
the small whitelist reader below, and the typed form in its title attribute).

Equality: structural first (the reader's tree is the printed tree, or the tree SymPy builds from an unevaluated
step), then the same once both are multiplied out (sympy.expand), else verify.equal (the project's own check:
numbers at several points); Tally counts each kind.
"""

from __future__ import annotations

import html as html_module
import random
import re
import xml.dom.minidom
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import sympy
from sympy.core.function import AppliedUndef

from derivtutor import document as doc_model
from derivtutor.mathtext import factors_text, math_text
from derivtutor.parsing import ParseError, plain_text, read_expression
from derivtutor.render.html import TutorMathML, maths_html
from derivtutor.render.latex import maths_latex
from derivtutor.render.markdown import inline as markdown_inline
from derivtutor.verify import equal

FORMATS = ("unicode", "ascii", "latex", "markdown", "html")
UNREADABLE = (sympy.Derivative, sympy.Subs, sympy.Piecewise, sympy.Sum, sympy.Heaviside, sympy.sign)
"""Printed forms outside the input language (f′(x), {… if x < 0}, Σ, and sign(u) in 'SymPy writes it as'): not
typed by a learner, so not read back. Counted in Tally.skipped."""
LABEL_FUNCTIONS = ("f", "g", "h")
"""Names the reader takes as unknown functions: a layer label u(x) outside these reads as u·x (its choice)."""


def real_symbols(expr: sympy.Basic) -> sympy.Basic:
    return expr.xreplace({s: sympy.Symbol(s.name, real=True) for s in expr.free_symbols
                          if isinstance(s, sympy.Symbol)})


def evaluated(expr: sympy.Basic) -> sympy.Basic:
    """An unevaluated tree shown as a step ((0·g − 1·1)/g²) rebuilt the ordinary way, so it can be compared."""
    if isinstance(expr, sympy.UnevaluatedExpr):
        return evaluated(expr.args[0])
    if not expr.args or isinstance(expr, AppliedUndef):
        return expr
    return expr.func(*(evaluated(a) for a in expr.args))


# -- the runs of a document ---------------------------------------------------------------------------------------
def runs_of(document: doc_model.Document) -> Iterator[doc_model.Run]:
    """Every inline run of every block (a row's two sides and note, paragraphs, notes, table cells)."""
    for block in document.blocks:
        if isinstance(block, doc_model.MathRow):
            yield from block.lhs
            yield block.rhs
            yield from block.note
        elif isinstance(block, (doc_model.Paragraph, doc_model.Note)):
            yield from block.runs
        elif isinstance(block, doc_model.Table):
            for row in block.rows:
                for cell in row:
                    yield from cell


# -- MathML, read by a whitelist: what a browser shows, as one line in the plain grammar -------------------------
_MO = {"·": "*", "⋅": "*", "×": "*", "\u2062": "*", "−": "-", "\u2061": "", "ⅇ": "e"}
_ENTITY = re.compile(r"&([A-Za-z]+);")
_XML_ENTITIES = ("lt", "gt", "amp", "quot", "apos")


class MathMLUnreadable(ValueError):
    """An element outside the whitelist: the test says which, instead of guessing."""


def _children(node: xml.dom.minidom.Element) -> list[xml.dom.minidom.Element]:
    return [c for c in node.childNodes if c.nodeType == c.ELEMENT_NODE]


def _text(node: xml.dom.minidom.Element) -> str:
    return "".join(c.data for c in node.childNodes if c.nodeType == c.TEXT_NODE).strip()


def mathml_line(node: xml.dom.minidom.Element) -> str:
    """Presentation MathML as the line a reader of the page would type: 2-D layout becomes brackets only where
    the layout itself groups (a fraction, a root, an exponent); a flat row stays flat, so a missing bracket in
    the MathML shows up as a wrong reading."""
    tag = node.tagName
    kids = _children(node)
    if tag in ("math", "mrow", "mstyle", "semantics"):
        return " ".join(mathml_line(k) for k in kids)
    if tag == "mi":
        return _text(node)
    if tag == "mn":
        return _text(node)
    if tag == "mo":
        text = _text(node)
        return _MO.get(text, text)
    if tag == "mtext":
        return _text(node)
    if tag == "mfrac":
        top, bottom = kids
        return f"(({mathml_line(top)})/({mathml_line(bottom)}))"
    if tag == "msqrt":
        return f"sqrt({' '.join(mathml_line(k) for k in kids)})"
    if tag == "mroot":
        base, index = kids
        return f"(({mathml_line(base)})^(1/({mathml_line(index)})))"
    if tag == "msup":
        base, exponent = kids
        base_text = mathml_line(base)
        if base.tagName == "mfrac":  # a stacked fraction with an exponent: only brackets would make it one base
            base_text = base_text[1:-1]
        raised = mathml_line(exponent)
        if exponent.tagName == "mo" and raised in ("′", "'"):
            return base_text + "′"
        return f"{base_text}^({raised})"
    if tag == "msub":
        base, sub = kids
        return f"{mathml_line(base)}_{mathml_line(sub).replace(' ', '')}"
    if tag == "mfenced":
        opening, closing = node.getAttribute("open") or "(", node.getAttribute("close") or ")"
        separator = node.getAttribute("separators") or ","
        return opening + f"{separator} ".join(mathml_line(k) for k in kids) + closing
    raise MathMLUnreadable(f"<{tag}> is not in the MathML whitelist")


def mathml_of(maths: doc_model.Maths) -> tuple[str, str]:
    """(the MathML shown, as a line; the typed form in the title) of html.maths_html for this run."""
    page = maths_html(maths, TutorMathML())
    title = re.search(r'title="([^"]*)"', page)
    body = re.search(r"<math[^>]*>.*</math>", page, re.S)
    assert title is not None and body is not None, page
    source = body.group(0)
    source = _ENTITY.sub(lambda m: m.group(0) if m.group(1) in _XML_ENTITIES else html_module.unescape(m.group(0)),
                         source)  # MathML's named entities (&ExponentialE;, &pi;) as the characters shown
    tree = xml.dom.minidom.parseString(source)
    return mathml_line(tree.documentElement), html_module.unescape(title.group(1))


# -- the printed forms of one maths run ---------------------------------------------------------------------------
def printed(maths: doc_model.Maths) -> dict[str, list[str]]:
    """Each format's text for this run: through the printer functions and the run's own spellings."""
    factors = list(maths.factors)
    if factors:
        out = {"unicode": [factors_text(factors, True), maths.spelt(True)],
               "ascii": [factors_text(factors, False), maths.typed]}
    else:
        out = {"unicode": [math_text(maths.expr, True), maths.text], "ascii": [math_text(maths.expr, False)]}
    latex = maths_latex(maths)  # what the LaTeX and Markdown backends print for a maths run
    out["latex"] = [latex]
    out["markdown"] = [markdown_inline(latex)[1:-1]]
    shown, title = mathml_of(maths)
    out["html"] = [shown, title]
    return {k: list(dict.fromkeys(v)) for k, v in out.items()}


def _sides(text: str, fmt: str) -> list[str]:
    """An equation run (g = 1 + e⁻ˣ in a 'where' note) read side by side: the reader reads one expression."""
    parts = re.split(r"\s*=\s*", text)
    return parts if len(parts) == 2 else [text]


@dataclass
class Tally:
    """What was checked: counts per format, how each matched, the failures with their text."""

    checked: Counter = field(default_factory=Counter)
    structural: int = 0
    expanded: int = 0
    by_equal: int = 0
    skipped: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    _seen: dict = field(default_factory=dict)
    _printed: dict = field(default_factory=dict)
    equal_examples: list = field(default_factory=list)

    def forget(self) -> None:
        """Drop the caches (before a worker process sends its tally back)."""
        self._seen, self._printed, self.equal_examples = {}, {}, []

    @classmethod
    def merged(cls, tallies: list[Tally]) -> Tally:
        out = cls()
        for t in tallies:
            out.checked += t.checked
            out.skipped += t.skipped
            out.structural += t.structural
            out.expanded += t.expanded
            out.by_equal += t.by_equal
            out.failures += t.failures
        return out

    def reads_back(self, want: sympy.Basic, text: str, fmt: str) -> None:
        self.checked[fmt] += 1
        key = (text, want)  # the same text for the same expression: read once
        if key in self._seen:
            return
        self._seen[key] = True
        try:
            back = read_expression(text).expr
        except (ParseError, MathMLUnreadable) as exc:
            self.failures.append(f"[{fmt}] {text!r} does not read ({exc}); it stands for {want}")
            return
        want = real_symbols(want)
        if back == want:
            self.structural += 1
            return
        rebuilt = evaluated(want)
        if back == rebuilt:  # a step written unevaluated, (0·g − 1·1)/g², reads as SymPy builds it: −1/g²
            self.structural += 1
            return
        try:  # -(1 - σ)·σ printed as written, read as SymPy builds it: the same once multiplied out
            if sympy.expand(back) == sympy.expand(rebuilt):
                self.expanded += 1
                return
        except (TypeError, ValueError, RecursionError):
            pass
        same = equal(back, rebuilt)
        if same is True:
            self.by_equal += 1
            self.equal_examples.append((text, back, want))
            return
        self.failures.append(f"[{fmt}] {text!r} reads back as {back}, not {want} ({same})")

    def maths(self, maths: doc_model.Maths) -> None:
        want = sympy.Mul(*maths.factors) if maths.factors else maths.expr
        if not isinstance(want, sympy.Basic) or want.has(*UNREADABLE) or want is sympy.nan:
            self.skipped["outside the input language"] += 1
            return
        if want.has(sympy.I):  # (e - 3)ˣ by x: ln of a negative number; the reader has no imaginary unit
            self.skipped["complex"] += 1
            return
        if isinstance(want, AppliedUndef) and want.func.__name__ not in LABEL_FUNCTIONS:
            self.skipped["a layer label u(x)"] += 1
            return
        try:
            texts = self._printed[maths] if maths in self._printed else self._printed.setdefault(maths, printed(maths))
        except MathMLUnreadable as exc:
            self.failures.append(f"[html] {want}: {exc}")
            return
        equation = isinstance(want, sympy.Equality)
        for fmt, spellings in texts.items():
            for text in spellings:
                if equation:
                    sides = _sides(text, fmt)
                    if len(sides) != 2:
                        self.failures.append(f"[{fmt}] {text!r} is not one equation; it stands for {want}")
                        continue
                    self.reads_back(want.lhs, sides[0], fmt)
                    self.reads_back(want.rhs, sides[1], fmt)
                else:
                    self.reads_back(want, text, fmt)

    def ratio(self, ratio: doc_model.Ratio) -> None:
        """d top/d var labels: the names read back (∂E/∂wⱼₖ names E and w_jk); d/dx (expr) reads as expr by x."""
        text = ratio.text
        if isinstance(ratio.of, AppliedUndef) and ratio.of.func.__name__ not in LABEL_FUNCTIONS:
            self.skipped["a layer label u(x)"] += 1
            return
        if ratio.of is not None:
            try:
                reading = read_expression(text)
            except ParseError as exc:
                self.failures.append(f"[ratio] {text!r} does not read ({exc})")
                return
            self.checked["ratio"] += 1
            if reading.wrt is None or reading.wrt.name != getattr(ratio.var, "name", None):
                self.failures.append(f"[ratio] {text!r} does not name {ratio.var}")
            elif not (reading.expr == real_symbols(ratio.of) or equal(reading.expr, evaluated(real_symbols(ratio.of)))):
                self.failures.append(f"[ratio] {text!r} reads as {reading.expr}, not {ratio.of}")
            return
        from derivtutor.parsing import _PREFIX  # the reader's own d/dx pattern

        self.checked["ratio"] += 1
        match = _PREFIX.fullmatch(plain_text(text))
        top = ratio.top or None
        if match is None or match.group(2) != top or match.group(4) != getattr(ratio.var, "name", None):
            named = (match.group(2), match.group(4)) if match else None
            self.failures.append(f"[ratio] {text!r} reads as {named}, not d{top}/d{ratio.var}")

    def document(self, document: doc_model.Document) -> None:
        for run in runs_of(document):
            if isinstance(run, doc_model.Maths):
                self.maths(run)
            elif isinstance(run, doc_model.Ratio):
                self.ratio(run)


# -- generated expressions: a fixed seed, the grammar of test_reading_readback's hypothesis strategy ---------------
def random_expression(rng: random.Random, symbols: list[sympy.Symbol], unary: list, leaves: int) -> sympy.Expr:
    """One expression with about `leaves` leaves: the same leaves and combinations as the hypothesis strategy."""
    if leaves <= 1:
        kind = rng.randrange(4)
        if kind == 0:
            return rng.choice(symbols)
        if kind == 1:
            return sympy.Integer(rng.randint(-9, 12))
        if kind == 2:
            return sympy.Rational(rng.randint(-7, 7), rng.randint(2, 9))
        return rng.choice([sympy.E, sympy.pi])
    kind = rng.randrange(7)
    if kind == 0:
        return rng.choice(unary)(random_expression(rng, symbols, unary, leaves - 1))
    split = rng.randint(1, leaves - 1)
    a = random_expression(rng, symbols, unary, split)
    b = random_expression(rng, symbols, unary, leaves - split)
    if kind == 1:
        return a + b
    if kind == 2:
        return a - b
    if kind == 3:
        return a * b
    if kind == 4:
        return a / b if b != 0 else a
    if kind == 5:
        return a ** rng.choice([2, 3, -1, -2, sympy.Rational(1, 2), sympy.Rational(-1, 2), sympy.Rational(3, 2)])
    return a ** rng.choice(symbols[:3])


def usable(expr: sympy.Basic) -> bool:
    """What the hypothesis strategy keeps: a finite real expression in the input language."""
    outside = (sympy.zoo, sympy.nan, sympy.I, sympy.oo, -sympy.oo, sympy.re, sympy.im, *UNREADABLE)
    if not isinstance(expr, sympy.Expr) or expr.has(*outside):
        return False
    numbers = (node for node in sympy.preorder_traversal(expr)
               if isinstance(node, sympy.Expr) and not node.free_symbols)
    return expr.is_finite is not False and all(node.is_extended_real is not False for node in numbers)  # acos(-9)


def generated(seed: int, symbols: list[sympy.Symbol], unary: list) -> Iterator[sympy.Expr]:
    """Distinct usable expressions, the same sequence on every run."""
    rng = random.Random(seed)
    seen: set[sympy.Expr] = set()
    while True:
        try:
            expr = random_expression(rng, symbols, unary, rng.randint(1, 7))
        except (ArithmeticError, ValueError, TypeError):  # max(0, asin(2)), csc(pi) while SymPy builds it
            continue
        if expr not in seen and usable(expr):
            seen.add(expr)
            yield expr
