"""LaTeX for a Document (document.py): a standalone article that plain pdflatex compiles, or its body alone.

It walks document blocks and nothing else: which steps are shown, their order and their words are decided in
document.py. Maths is printed by SymPy's LaTeX printer in the learner's notation (`latex_expr`, `latex_factors`,
also used by the JSON, graph and handout code); every word goes through `escape`, the one way text reaches TeX:
TeX's special characters become text, Unicode in teaching sentences (σ, e⁻ˣ, ·, u^(1/2)) becomes maths, and
anything else plain pdflatex (texlive-latex-base, no Unicode engine) cannot typeset is spelt out as [U+XXXX].
Consecutive maths rows share one align*; a long note beside a row wraps in a \\parbox.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import sympy
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter

from derivtutor.derivation import Derivation
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
    Runs,
    Table,
    Text,
    build_document,
    plain,
)
from derivtutor.startup import is_plain_name
from derivtutor.teaching import DOCUMENT_HEADINGS


# -- expressions ------------------------------------------------------------------------------------------------
class TutorLatexPrinter(LatexPrinter):
    """SymPy's LaTeX with the learner's notation: net_k -> \\mathrm{net}_{k}, ln, f'(x^2), no 'NaN' branches."""

    def __init__(self) -> None:
        super().__init__({"ln_notation": True, "order": "none"})

    def _print_Symbol(self, expr: sympy.Symbol, style: str = "plain") -> str:
        return name_latex(expr.name)

    _print_Dummy = _print_Symbol

    def _print_Derivative(self, expr: sympy.Derivative) -> str:
        inner = expr.expr
        if len(expr.variables) == 1 and isinstance(inner, AppliedUndef) and len(inner.args) == 1:
            return f"{name_latex(inner.func.__name__)}'\\left({self._print(expr.variables[0])}\\right)"
        by = expr.variables[0] if len(expr.variables) == 1 else None
        if isinstance(inner, AppliedUndef) and isinstance(by, AppliedUndef) and len(by.args) == 1:
            # ∂f/∂x in the total derivative of f(x(t), y(t)): x is the argument's name
            return rf"\frac{{\partial {name_latex(inner.func.__name__)}}}{{\partial {name_latex(by.func.__name__)}}}"
        return super()._print_Derivative(expr)

    def _print_Subs(self, expr: sympy.Subs) -> str:
        derivative, variables, points = expr.args
        if (isinstance(derivative, sympy.Derivative) and isinstance(derivative.expr, AppliedUndef)
                and len(variables) == 1 and len(derivative.expr.args) == 1):
            return f"{name_latex(derivative.expr.func.__name__)}'\\left({self._print(points[0])}\\right)"
        if (isinstance(derivative, sympy.Derivative) and isinstance(derivative.expr, AppliedUndef)
                and len(variables) == 1 and variables[0] in derivative.expr.args):
            inner = derivative.expr
            at = ", ".join(self._print(points[0] if a == variables[0] else a) for a in inner.args)
            slot = inner.args.index(variables[0]) + 1
            return rf"\partial_{{{slot}}} {name_latex(inner.func.__name__)}\left({at}\right)"
        return super()._print_Subs(expr)

    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:
        branches = [f"{self._print(value)} & {self._print(cond)}"
                    for value, cond in expr.args if value is not sympy.nan]
        return r"\begin{cases} " + r" \\ ".join(branches) + r" \end{cases}"

    def _print_BooleanTrue(self, expr: sympy.Expr) -> str:
        return r"\text{otherwise}"

    def _print_NaN(self, expr: sympy.Expr) -> str:
        return r"\text{undefined}"


_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu", "nu",
    "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega", "Gamma", "Delta", "Theta",
    "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
}


def _stem_latex(stem: str) -> str:
    if stem == "lamda":
        stem = "lambda"
    if stem in _GREEK:
        return "\\" + stem
    digits = re.fullmatch(r"([A-Za-z]+?)(\d+)", stem)
    if digits:  # x1 -> x_{1}
        return f"{_stem_latex(digits.group(1))}_{{{digits.group(2)}}}"
    if len(stem) > 1:
        return r"\mathrm{" + stem + "}"
    return stem


def name_latex(name: str) -> str:
    """A variable name as LaTeX: w_jk -> w_{jk}, net_k -> \\mathrm{net}_{k}, eta -> \\eta, x1 -> x_{1}.

    Anything but a plain ASCII name (one from a hostile lesson file: `\\input{...}`) is set as escaped text,
    never as TeX: the reader and the lesson loader refuse such names, this is the last line of defence.
    """
    if not is_plain_name(name):
        return r"\text{" + escape(name) + "}"
    stem, _, sub = name.partition("_")
    text = _stem_latex(stem)
    if sub:
        sub_text = ",".join(_stem_latex(part) if part in _GREEK else part for part in sub.split("_"))
        text += "_{" + sub_text + "}"
    return text


_FUNCTION_LOOKALIKE = re.compile(r"(?<![\\A-Za-z])([fgh]) \\left\(")
"""g \\left(x + 1\\right) is g applied to x + 1 for a reader (the reader's f, g, h are functions): a product of the
letter g and a bracket gets its \\cdot."""


def latex_expr(expr: sympy.Expr) -> str:
    """One expression as LaTeX maths (no dollars)."""
    return _FUNCTION_LOOKALIKE.sub(r"\1 \\cdot \\left(", TutorLatexPrinter().doprint(expr))


def latex_factors(factors: tuple[sympy.Expr, ...] | list[sympy.Expr]) -> str:
    """A product written factor by factor, as the teacher writes it, joined with \\cdot."""
    parts = []
    for factor in factors:
        text = latex_expr(factor)
        if factor.is_Add or (parts and factor.could_extract_minus_sign()):
            text = r"\left(" + text + r"\right)"
        parts.append(text)
    return r" \cdot ".join(parts)



def root_kinks(derivation: Derivation) -> list[sympy.Expr]:
    """Points of the derivation's own variable where no derivative exists (|x| and max(0, x) at 0)."""
    return list(derivation.no_derivative_at)


# -- words: the one escaping function ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Math:
    """A piece of LaTeX maths found inside a sentence (σ, x², u^(1/2))."""

    latex: str


_SUPER = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ", "0123456789+-=()abcdefghijklmnoprstuvwxyz",
                  strict=True))
_SUB = dict(zip("₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", "0123456789aehijklmnoprstuvx", strict=True))
_SYMBOLS = {
    "σ": r"\sigma", "η": r"\eta", "α": r"\alpha", "β": r"\beta", "δ": r"\delta", "ε": r"\varepsilon",
    "θ": r"\theta", "λ": r"\lambda", "μ": r"\mu", "π": r"\pi", "τ": r"\tau", "φ": r"\varphi", "ω": r"\omega",
    "Δ": r"\Delta", "∂": r"\partial", "·": r"\cdot", "−": "-", "′": "'", "√": r"\surd", "≤": r"\le",
    "≥": r"\ge", "≠": r"\ne", "×": r"\times", "→": r"\to", "∞": r"\infty", "✓": r"\checkmark",
    "½": r"\tfrac{1}{2}", "¼": r"\tfrac{1}{4}", "¾": r"\tfrac{3}{4}",  # E = ½(t - o)² in the lessons
    "Σ": r"\sum", "ŷ": r"\hat{y}",  # the backpropagation notes: Σₖ, ŷᵢ
}
_TEXT_PUNCTUATION = {"–": "--", "—": "---", "‘": "`", "’": "'", "“": "``", "”": "''", "…": r"\ldots{}"}
_TEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
                "%": r"\%", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                "<": r"\textless{}", ">": r"\textgreater{}"}
# u^(1/2), e^(-x), uⁿ written with a caret in a sentence: maths, not a caret and a bracket
_CARET = re.compile(r"([A-Za-z0-9)])\^(\([A-Za-z0-9+\-*/. ]{1,12}\)|-?[A-Za-z0-9]{1,3})")


# the base of a raised or lowered run: a multi-letter name of the notation (netₖ, sin²), else one letter (dwⱼₖ)
_RAISED_NAME = re.compile(r"(?:net|yhat|sinh|cosh|tanh|sin|cos|tan|ln|log|exp|[A-Za-z])$")


def _caret_exponent(power: str) -> str:
    inner = power[1:-1] if power.startswith("(") else power
    return inner.replace(" ", "").replace("*", r"\cdot{}")


def _segments(text: str) -> list[str | _Math]:
    """A sentence split into plain text and maths (σ, e⁻ˣ, x², ·, u^(1/2))."""
    out: list[str | _Math] = []
    buffer = ""

    def flush() -> None:
        nonlocal buffer
        if buffer:
            out.append(buffer)
            buffer = ""

    i = 0
    while i < len(text):
        ch = text[i]
        caret = _CARET.match(text, i - 1) if ch == "^" and i and buffer and buffer[-1] == text[i - 1] else None
        if caret:
            base = ""
            if buffer[-1] != ")":  # (1 + x)^2: the bracket stays text, the power is raised after it
                base, buffer = buffer[-1], buffer[:-1]
            flush()
            out.append(_Math(f"{base}^{{{_caret_exponent(caret.group(2))}}}"))
            i = caret.end()
            continue
        if ch in _SUPER or ch in _SUB:
            table, mark = (_SUPER, "^") if ch in _SUPER else (_SUB, "_")
            run = ""
            while i < len(text) and text[i] in table:
                run += table[text[i]]
                i += 1
            name = _RAISED_NAME.search(buffer)  # e⁻ˣ, netₖ, dwⱼₖ: the base goes into the maths, a name upright
            base = ""
            if name:
                base, buffer = name.group(), buffer[:name.start()]
                base = base if len(base) == 1 else r"\mathrm{" + base + "}"
            elif buffer and buffer[-1].isdigit():
                base, buffer = buffer[-1], buffer[:-1]
            flush()
            out.append(_Math(f"{base}{mark}{{{run}}}"))
            continue
        if ch in _SYMBOLS:
            flush()
            symbol = _SYMBOLS[ch]  # \sigma{}: a control word ends before the next letter; Σₖ keeps k below it
            out.append(_Math(symbol + ("{}" if symbol[-1].isalpha() and symbol != r"\sum" else "")))
        else:
            buffer += ch
        i += 1
    flush()
    return out


_LIGATURES = set("-`',<>!?")  # --, ``, '', ,, and friends: T1 fonts would join them into one other glyph


def _plain_text(text: str) -> str:
    out = []
    for i, ch in enumerate(text):
        if ch in _LIGATURES and i + 1 < len(text) and text[i + 1] in _LIGATURES and ch not in "<>":
            out.append(ch + "{}")  # `--detail` stays two hyphens, not an en dash
        elif ch in _TEX_SPECIAL:
            out.append(_TEX_SPECIAL[ch])
        elif ch in _TEXT_PUNCTUATION:
            out.append(_TEXT_PUNCTUATION[ch])
        elif ch in "\n\t\r":
            out.append(" ")
        elif " " <= ch < "\x7f":
            out.append(ch)
        else:  # a control character, or what a plain pdflatex cannot typeset: spelt out, never passed to TeX
            out.append(f"[U+{ord(ch):04X}]")
    return "".join(out)


def escape(text: str) -> str:
    """Words (from teaching.py, a lesson file or the command line) as LaTeX text-mode material: TeX specials as
    text, Unicode maths as {$...$} (the braces keep two formulas side by side from reading as $$)."""
    return runs_latex((Text(text),))


# -- runs --------------------------------------------------------------------------------------------------------
def ratio_latex(run: Ratio) -> str:
    """df/dx, ∂E/∂w, or d/dx (expression)."""
    if run.of is not None:
        op = r"\partial" if run.partial else "d"
        body = latex_expr(run.of)
        if not (run.of.is_Atom or run.of.is_Function or run.of.is_Pow):
            body = r"\left(" + body + r"\right)"
        return rf"\frac{{{op}}}{{{op} {latex_expr(run.var)}}}\,{body}"
    op = r"\partial " if run.partial else "d"
    return rf"\frac{{{op}{name_latex(run.top or '')}}}{{{op}{latex_expr(run.var)}}}"


def maths_latex(maths: Maths) -> str:
    expr = maths.expr
    if isinstance(expr, AppliedUndef) and not maths.factors:  # f(x), g(h): a layer's name, as a teacher writes it
        args = ", ".join(latex_expr(arg) for arg in expr.args)
        return f"{name_latex(expr.func.__name__)}\\left({args}\\right)"
    return latex_factors(maths.factors) if maths.factors else latex_expr(expr)


_JOINER = re.compile(r"\s*=?\s*")  # words between two formulas that are maths themselves: " = "


def _pieces(runs: Runs) -> list[str | _Math]:
    """Runs as text and maths pieces, a formula written across runs (df/dx = df/dg · dg/dx) joined into one."""
    pieces: list[str | _Math] = []
    for run in runs:
        if isinstance(run, Text):
            pieces += _segments(run.text)
        elif isinstance(run, Check):
            pieces.append(_Math(r"\checkmark"))
        elif isinstance(run, Ratio):
            pieces.append(_Math(ratio_latex(run)))
        else:
            pieces.append(_Math(maths_latex(run)))
    out: list[str | _Math] = []
    for i, piece in enumerate(pieces):
        if (isinstance(piece, str) and _JOINER.fullmatch(piece) and out
                and isinstance(out[-1], _Math) and i + 1 < len(pieces) and isinstance(pieces[i + 1], _Math)):
            out[-1] = _Math((out[-1].latex + " " + piece.strip()).rstrip())
        elif isinstance(piece, _Math) and out and isinstance(out[-1], _Math):
            out[-1] = _Math(out[-1].latex + " " + piece.latex)
        elif isinstance(piece, str) and out and isinstance(out[-1], str):
            out[-1] += piece
        else:
            out.append(piece)
    return out


def runs_latex(runs: Runs) -> str:
    """Runs as text-mode material: words escaped, maths in {$...$}."""
    return "".join(f"{{${p.latex}$}}" if isinstance(p, _Math) else _plain_text(p) for p in _pieces(runs))


def runs_math_mode(runs: Runs) -> str:
    """Runs inside maths (a row's left side, a displayed formula): maths as maths, words in \\text{...}."""
    return " ".join(p.latex if isinstance(p, _Math) else _display_words(p) for p in _pieces(runs))


def _display_words(words: str) -> str:
    gap = r"\qquad" if words.startswith("  ") else ""  # "df/dx = ...   chain rule": the words stand apart
    return gap + r"\text{" + _plain_text(words if not gap else " " + words.lstrip()) + "}"


# -- blocks ------------------------------------------------------------------------------------------------------
NOTE_WIDTH = 48  # characters of a note that fit beside the maths; longer notes wrap in a \\parbox
_SECTIONS = ("section", "subsection", "subsubsection", "paragraph")


def _note_cell(note: Runs, wrap: bool) -> str:
    if not note:
        return ""
    if wrap and len(plain(note)) > NOTE_WIDTH:
        return r"\parbox[t]{0.4\linewidth}{\raggedright " + runs_latex(note) + "}"
    return r"\text{" + runs_latex(note) + "}"


def _row(row: MathRow, lhs: Runs, wrap: bool) -> str:
    check = r"\ \checkmark" if row.checked else ""
    note = _note_cell(row.note, wrap)
    tail = f" && {note}" if note else ""
    left = runs_math_mode(lhs) + " " if lhs else ""
    return f"  {left}&= {maths_latex(row.rhs)}{check}{tail}"


def rows_latex(rows: Sequence[MathRow], previous: Runs = (), wrap: bool = True, environment: str = "align*") -> str:
    """Maths rows as one aligned environment; a first row without a left side continues `previous`."""
    lines = []
    for i, row in enumerate(rows):
        lines.append(_row(row, row.lhs or (previous if i == 0 else ()), wrap))
    return f"\\begin{{{environment}}}\n" + " \\\\\n".join(lines) + f"\n\\end{{{environment}}}"


def _paragraph(runs: Runs) -> str:
    """Words with maths inline; a paragraph that opens with a formula (dE/dw = ... · ...) is displayed."""
    if not runs or not isinstance(runs[0], (Ratio, Maths)):
        return runs_latex(runs)
    return "\\[\n" + runs_math_mode(runs) + "\n\\]"


def _heading(block: Heading, shift: int) -> str:
    level = min(max(block.level + shift, 1), len(_SECTIONS))
    return f"\\{_SECTIONS[level - 1]}*{{{escape(block.text)}}}"


def _card(card: RuleCard) -> str:
    if card.formula_runs:
        formula = f": {runs_latex(card.formula_runs)}. "
    elif card.formula_latex:
        formula = f": ${card.formula_latex}$. "
    elif card.formula:
        formula = f": {escape(card.formula)}. "
    else:
        formula = ": "
    return f"  \\item \\textbf{{{escape(card.name)}}}{formula}{escape(card.why)}"


def _table(table: Table) -> str:
    columns = "l" * len(table.header)
    head = " & ".join(r"\textbf{" + escape(h) + "}" for h in table.header)
    body = "".join(" & ".join(runs_latex(cell) for cell in row) + r" \\" + "\n" for row in table.rows)
    return f"\\begin{{tabular}}{{{columns}}}\n{head} \\\\\n\\hline\n{body}\\end{{tabular}}"


def blocks_latex(blocks: Sequence[Block], shift: int = 0) -> str:
    """Document blocks as LaTeX body material; headings `shift` levels deeper (a handout's derivation)."""
    parts: list[str] = []
    previous: Runs = ()  # the left side a continued chain of equalities carries
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if isinstance(block, MathRow):
            j = i
            while j < len(blocks) and isinstance(blocks[j], MathRow):
                j += 1
            rows = list(blocks[i:j])
            parts.append(rows_latex(rows, previous))
            previous = next((row.lhs for row in reversed(rows) if row.lhs), previous)
            i = j
            continue
        if isinstance(block, RuleCard):
            j = i
            while j < len(blocks) and isinstance(blocks[j], RuleCard):
                j += 1
            parts.append("\\begin{itemize}\n" + "\n".join(_card(card) for card in blocks[i:j]) + "\n\\end{itemize}")
            i = j
            continue
        if isinstance(block, Heading):
            parts.append(_heading(block, shift))
            if block.level == 1:
                previous = ()
        elif isinstance(block, Paragraph):
            parts.append(_paragraph(block.runs))
        elif isinstance(block, Note):
            parts.append(r"\emph{" + runs_latex(block.runs) + "}")
        elif isinstance(block, Table):
            parts.append(_table(block))
        else:
            raise TypeError(f"no LaTeX for a {type(block).__name__}")
        i += 1
    return "\n\n".join(parts) + "\n"


PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[utf8]{inputenc}
\usepackage[T1]{fontenc}
\usepackage{amsmath}
\usepackage{amssymb}
\usepackage[margin=2cm]{geometry}
\allowdisplaybreaks
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6em}
"""


def legend() -> str:
    """What a \\checkmark means, said once per document."""
    return escape(DOCUMENT_HEADINGS["check_legend"])


def document_latex(document: Document, fragment: bool = False) -> str:
    """A standalone article (article, amsmath, amssymb) or, with fragment=True, its body to \\input elsewhere."""
    blocks = document.blocks
    if fragment:
        return blocks_latex(blocks)
    title = 1 if blocks and isinstance(blocks[0], Heading) else 0
    return (PREAMBLE + "\\begin{document}\n" + blocks_latex(blocks[:title]) + legend() + "\n\n"
            + blocks_latex(blocks[title:]) + "\\end{document}\n")


def render_latex(built: object, fragment: bool = False, detail: str = "normal") -> str:
    """Anything `derive` builds (a Derivation, an Explained preset, a chain) as LaTeX, at this detail."""
    return document_latex(build_document(built, detail), fragment)


def mathjax_block(built: object, detail: str = "normal") -> str:
    """For Jupyter's _repr_latex_: the document's maths rows in one aligned block (MathJax knows no \\parbox)."""
    document = build_document(built, detail)
    return "$$" + rows_latex(document.rows(), wrap=False, environment="aligned") + "$$"
