"""LaTeX for a Derivation: a standalone document that pdflatex compiles as it is, or only the align* block.

The layout mirrors the terminal: the function, the layers of a chain (a "where g = ..." list), each layer's
derivative with its rule named in \\text{...}, the substitution back, the result with a \\checkmark when it equals
sympy.diff, then the named algebra moves to the teacher's form. Nothing here differentiates or simplifies: it
walks the tree the engine built. Every word comes from `teaching.py`; Unicode in those words (σ, e⁻ˣ, ·) is
turned into LaTeX maths so that plain pdflatex (texlive-latex-base, no Unicode engine) accepts it.

`layout()` is shared with the Markdown renderer: it returns rows of (left side, right side, note), where the
note is a small list of text and maths segments that each format writes in its own way.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

import sympy
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter

from derivtutor.derivation import Derivation
from derivtutor.detail import DETAILS, check_detail, rules_shown, shows  # noqa: F401 - DETAILS re-exported
from derivtutor.explain import cancelled, card_formula, corner_notes, move_formula, screen_names, step_notes
from derivtutor.rules import ChainRule, Step
from derivtutor.startup import is_plain_name
from derivtutor.teaching import ALGEBRA_MOVES, NOTES, RULES


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
        return r"\text{" + _escape_text(name) + "}"
    stem, _, sub = name.partition("_")
    text = _stem_latex(stem)
    if sub:
        sub_text = ",".join(_stem_latex(part) if part in _GREEK else part for part in sub.split("_"))
        text += "_{" + sub_text + "}"
    return text


def latex_expr(expr: sympy.Expr) -> str:
    """One expression as LaTeX maths (no dollars)."""
    return TutorLatexPrinter().doprint(expr)


def latex_factors(factors: tuple[sympy.Expr, ...] | list[sympy.Expr]) -> str:
    """A product written factor by factor, as the teacher writes it, joined with \\cdot."""
    parts = []
    for factor in factors:
        text = latex_expr(factor)
        if factor.is_Add or (parts and factor.could_extract_minus_sign()):
            text = r"\left(" + text + r"\right)"
        parts.append(text)
    return r" \cdot ".join(parts)


# -- notes: text with maths in it ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Math:
    """A piece of LaTeX maths inside a sentence."""

    latex: str


Segment = str | Math
CHECK = r"\checkmark"  # the ✓: kept a segment of its own so each format can write it its own way
Note = tuple[Segment, ...]

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


def text_segments(text: str) -> Note:
    """Split a teaching sentence into plain text and maths (σ, e⁻ˣ, x², ·), so any format can write it."""
    out: list[Segment] = []
    buffer = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _SUPER or ch in _SUB:
            table, mark = (_SUPER, "^") if ch in _SUPER else (_SUB, "_")
            run = ""
            while i < len(text) and text[i] in table:
                run += table[text[i]]
                i += 1
            base = ""
            if buffer and buffer[-1].isalnum():  # e⁻ˣ: the base letter goes into the maths
                base, buffer = buffer[-1], buffer[:-1]
            if buffer:
                out.append(buffer)
                buffer = ""
            out.append(Math(f"{base}{mark}{{{run}}}"))
            continue
        if ch in _SYMBOLS:
            if buffer:
                out.append(buffer)
                buffer = ""
            out.append(Math(_SYMBOLS[ch] + ("{}" if _SYMBOLS[ch][-1].isalpha() else "")))
        else:
            buffer += ch
        i += 1
    if buffer:
        out.append(buffer)
    return tuple(out)


def _math(value: object) -> Math:
    values = value if isinstance(value, tuple) else (value,)
    return Math(", ".join(latex_expr(v) for v in values))


def fill(template: str, **values: Math | str) -> Note:
    """A NOTES template with its {fields} filled by maths (or plain words), kept as segments."""
    out: list[Segment] = []
    for literal, field_name, _, _ in string.Formatter().parse(template):
        out.extend(text_segments(literal))
        if field_name is not None:
            value = values[field_name]
            out.extend(text_segments(value) if isinstance(value, str) else (value,))
    return tuple(out)


def merged(note: Note) -> list[Segment]:
    """Adjacent maths segments joined into one (two $...$ in a row would confuse TeX and Markdown)."""
    out: list[Segment] = []
    for seg in note:
        if not seg:
            continue
        if (isinstance(seg, Math) and out and isinstance(out[-1], Math)
                and CHECK not in seg.latex and CHECK not in out[-1].latex):
            out[-1] = Math(out[-1].latex + " " + seg.latex)
        else:
            out.append(seg)
    return out


_TEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
                "%": r"\%", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                "<": r"\textless{}", ">": r"\textgreater{}"}


def _escape_text(text: str) -> str:
    out = []
    for ch in text:
        if ch in _TEX_SPECIAL:
            out.append(_TEX_SPECIAL[ch])
        elif ch in _TEXT_PUNCTUATION:
            out.append(_TEXT_PUNCTUATION[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:  # anything else a plain pdflatex cannot typeset: spell it out rather than fail
            out.append(f"[U+{ord(ch):04X}]")
    return "".join(out)


def note_text_mode(note: Note) -> str:
    """A note as LaTeX text-mode material (maths in $...$)."""
    # Braces around each $...$: two formulas side by side must never read as $$ (display maths) to TeX.
    return "".join(f"{{${seg.latex}$}}" if isinstance(seg, Math) else _escape_text(seg) for seg in merged(note))


def note_math_mode(note: Note) -> str:
    """A note for the right-hand column of align*: \\text{...} around text, maths left as maths."""
    parts = []
    for seg in merged(note):
        parts.append(seg.latex if isinstance(seg, Math) else r"\text{" + _escape_text(seg) + "}")
    return r"\ ".join(parts) if parts else ""


def sentence_latex(text: str) -> str:
    """A teaching sentence (Unicode) as LaTeX text-mode material."""
    return note_text_mode(text_segments(text))


# -- the layout shared by LaTeX and Markdown ---------------------------------------------------------------------
@dataclass
class Row:
    """lhs = rhs, with a note. An empty lhs continues the chain of equalities above."""

    lhs: str
    rhs: str
    note: Note = ()
    kind: str = "step"  # function | layer | step | substitute | result | reference | algebra | remark
    depth: int = 0


@dataclass
class _Walker:
    derivation: Derivation
    detail: str = "normal"
    rows: list[Row] = field(default_factory=list)

    def d(self, top: str, var: sympy.Symbol, partial: bool) -> str:
        op = r"\partial " if partial else "d"
        return rf"\frac{{{op}{top}}}{{{op}{latex_expr(var)}}}"

    def d_of(self, expr: sympy.Expr, var: sympy.Symbol, partial: bool) -> str:
        op = r"\partial" if partial else "d"
        body = latex_expr(expr)
        if not (expr.is_Atom or expr.is_Function or expr.is_Pow):
            body = r"\left(" + body + r"\right)"
        return rf"\frac{{{op}}}{{{op} {latex_expr(var)}}}\,{body}"

    def partial(self, step: Step) -> bool:
        """∂ when other variables are held constant: in this step, or anywhere in a partial derivative."""
        if step.var == self.derivation.var and self.derivation.held_constant:
            return True
        return bool(step.expr.free_symbols - {step.var})

    def rule_note(self, step: Step) -> Note:
        note: list[Segment] = [RULES[step.rule_id].name]
        extra = self.extra_note(step)
        if extra:
            note.append("; ")
            note.extend(extra)
        if step.verified:
            note.append(Math(r"\ \checkmark"))
        return tuple(note)

    def extra_note(self, step: Step) -> Note:
        note: list[Segment] = []
        for item in step_notes(step, kinks_in_own_line=self.derivation.var):
            if note:
                note.append(" ")  # two sentences, not one run-on
            note.extend(fill(NOTES[item.key], **{k: _math(v) for k, v in item.fields.items()}))
        return tuple(note)

    # -- walking --------------------------------------------------------------------------------------------
    def step(self, step: Step, depth: int, top: str | None = None) -> None:
        """One node: its own line, then the parts this level of detail shows; a chain shows its layers."""
        if isinstance(step, ChainRule):
            self.chain(step, depth, top)
            return
        lhs = self.d(top, step.var, self.partial(step)) if top else self.d_of(step.expr, step.var, self.partial(step))
        self.rows.append(Row(lhs, latex_expr(step.result), self.rule_note(step), "step", depth))
        for sub in step.substeps():
            if shows(sub, self.detail):
                self.step(sub, depth + 1)

    def chain(self, step: ChainRule, depth: int, top: str | None) -> None:
        layers = step.layers
        name = layers[0].name
        if top is None:  # a chain inside a bigger tree: say which expression it is first
            self.rows.append(Row(name_latex(name) + r"\left(" + latex_expr(step.var) + r"\right)",
                                 latex_expr(step.expr), (), "function", depth))
        for layer in layers:
            lhs = f"{name_latex(layer.name)}\\left({latex_expr(layer.var)}\\right)"
            note: Note = ()
            if layer.value is not None:
                note = ("where ", Math(f"{latex_expr(layer.var)} = {latex_expr(layer.value)}"))
            self.rows.append(Row(lhs, latex_expr(layer.expr), note, "layer", depth))
        partial = self.partial(step)
        whole = self.d(name_latex(name), step.var, partial)
        product = r" \cdot ".join(
            self.d(name_latex(layer.name), layer.var, self.partial(layer.step)) for layer in layers)
        chain_note: Note = (RULES["chain"].name,)
        if self.detail == "full":
            chain_note = (RULES["chain"].name, ": ", *text_segments(NOTES["chain_layers"]))
        self.rows.append(Row(whole, product, chain_note, "step", depth))
        for layer in layers:
            self.step(layer.step, depth + 1, top=name_latex(layer.name))
        assignments = Math(r",\ ".join(f"{latex_expr(layer.var)} = {latex_expr(layer.value)}"
                                       for layer in layers if layer.value is not None))
        backs = [layer.back for layer in layers]
        note_back = fill(NOTES["substitute_back"], assignments=assignments)
        gone = cancelled(backs)
        if gone:  # the σ(z) of σ' = σ(1 - σ) against the 1/σ(z) of ln: said, not silently dropped
            note_back += (" ", *fill(NOTES["cancel_common"], factors=_math(tuple(gone))))
        self.rows.append(Row(whole, latex_factors(backs), note_back, "substitute", depth))
        if len(backs) > 1 or latex_factors(backs) != latex_expr(step.result):
            note: Note = (Math(r"\checkmark"), " ", "multiplied out") if step.verified else ("multiplied out",)
            self.rows.append(Row("", latex_expr(step.result), note, "step", depth))


def function_lhs(derivation: Derivation) -> str:
    """f(x), or f(w) for a partial derivative."""
    return f"{name_latex(derivation.function_name)}\\left({latex_expr(derivation.var)}\\right)"


def derivative_lhs(derivation: Derivation) -> str:
    partial = bool(derivation.held_constant)
    op = r"\partial " if partial else "d"
    return rf"\frac{{{op}{name_latex(derivation.function_name)}}}{{{op}{latex_expr(derivation.var)}}}"


def held_constant_note(derivation: Derivation) -> Note:
    held = derivation.held_constant
    if not held:
        return ()
    key = "held_constant_one" if len(held) == 1 else "held_constant_many"
    return fill(NOTES[key], names=Math(", ".join(latex_expr(s) for s in held)))


def root_kinks(derivation: Derivation) -> list[sympy.Expr]:
    """Points of the derivation's own variable where no derivative exists (|x| and max(0, x) at 0)."""
    return list(derivation.no_derivative_at)


def layout(derivation: Derivation, detail: str = "normal") -> list[Row]:
    """The rows every document format shows, in the terminal's order."""
    walker = _Walker(derivation, check_detail(detail))
    rows = walker.rows
    rows.append(Row(function_lhs(derivation), latex_expr(derivation.expr), held_constant_note(derivation),
                    "function"))
    top = derivative_lhs(derivation)
    root_row_index = len(rows)
    walker.step(derivation.root, 0, top=name_latex(derivation.function_name)
                if isinstance(derivation.root, ChainRule) else None)
    if not isinstance(derivation.root, ChainRule) and rows[1].lhs.startswith(r"\frac{d") and rows[1].kind == "step":
        rows[1].lhs = top + " = " + rows[1].lhs
    root_row = rows[root_row_index]
    result_note: Note = ((Math(r"\checkmark"), " ", NOTES["verified"]) if derivation.root.verified
                         else ("not checked",))
    result = latex_expr(derivation.result)
    if rows[-1].rhs == result and rows[-1].depth == 0 and rows[-1] is not root_row:
        # a chain's last line already is the result (the root's own line keeps its rule name)
        rows[-1].note, rows[-1].kind = result_note, "result"
    else:
        rows.append(Row(top, result, result_note, "result"))
    if derivation.result != derivation.reference:
        rows.append(Row("", "", fill(NOTES["sympy_form"], expr=Math(latex_expr(derivation.reference))),
                        "reference"))
    if detail == "full":
        rows.extend(route_rows(derivation))
    for item in corner_notes(derivation):
        rows.append(Row("", "", fill(NOTES[item.key], **{k: _math(v) for k, v in item.fields.items()}), "remark"))
    for move in derivation.algebra:
        note: list[Segment] = list(text_segments(ALGEBRA_MOVES[move.move].name))
        if move.verified:
            note.append(Math(r"\ \checkmark"))
        rows.append(Row("", latex_factors(move.shown), tuple(note), "algebra"))
    return rows


def route_rows(derivation: Derivation) -> list[Row]:
    """Another rule to the same derivative (1/g by the quotient rule), one row per line, with what was done."""
    rows: list[Row] = []
    for route in derivation.routes:
        heading = NOTES["route_heading"].format(expr="{expr}", rule=RULES[route.rule_id].name)
        rows.append(Row("", "", fill(heading, expr=Math(latex_expr(route.expr))), "remark"))
        d = rf"\frac{{d}}{{d{latex_expr(route.var)}}}\left({latex_expr(route.expr)}\right)"
        for i, (line, key) in enumerate(route.lines):
            note: list[Segment] = list(text_segments(NOTES[key]))
            if i == len(route.lines) - 1 and route.verified:
                note.append(Math(r"\ \checkmark"))
            lhs = latex_expr(route.expr) if i == 0 else (d if i == 1 else "")
            rows.append(Row(lhs, latex_expr(line), tuple(note), "step", 1))
    return rows


def rules_used(derivation: Derivation, detail: str = "full") -> list[str]:
    """The rule ids of the steps shown at this detail, first use first (the 'rules used' list)."""
    return rules_shown(derivation.root, detail)


def title_text(derivation: Derivation) -> str:
    """The document title in Unicode text (turned into LaTeX or Markdown by each renderer)."""
    if derivation.title:
        return derivation.title
    kind = "Partial derivative" if derivation.held_constant else "Derivative"
    return f"{kind} of {derivation.function_name} with respect to {derivation.var.name}"


# -- LaTeX output ------------------------------------------------------------------------------------------------
NOTE_WIDTH = 48  # characters of a note that fit beside the maths; longer notes wrap in a \\parbox


def _note_cell(note: Note, wrap: bool) -> str:
    plain = "".join(seg if isinstance(seg, str) else "x" * (len(seg.latex) // 2) for seg in note)
    if wrap and len(plain) > NOTE_WIDTH:
        return r"\parbox[t]{0.4\linewidth}{\raggedright " + note_text_mode(note) + "}"
    return note_math_mode(note)


def _align_row(row: Row, wrap: bool = True) -> str:
    note = _note_cell(row.note, wrap)
    tail = f" && {note}" if note else ""
    if row.kind in ("reference", "remark"):
        return f"  &\\phantom{{=}}\\ {note}" if note else ""
    if row.lhs:
        return f"  {row.lhs} &= {row.rhs}{tail}"
    return f"  &= {row.rhs}{tail}"


def align_body(derivation: Derivation, detail: str = "normal", wrap: bool = True) -> str:
    """The rows joined for an align* (pdflatex) or aligned (MathJax, wrap=False: no \\parbox there) block."""
    lines = [_align_row(row, wrap) for row in layout(derivation, detail)]
    return " \\\\\n".join(line for line in lines if line)


def align_block(derivation: Derivation, detail: str = "normal") -> str:
    """The derivation as one align* environment: what `--fragment` writes."""
    return "\\begin{align*}\n" + align_body(derivation, detail) + "\n\\end{align*}\n"


def mathjax_block(derivation: Derivation, detail: str = "normal") -> str:
    """For Jupyter's _repr_latex_: MathJax knows aligned and \\text but not \\parbox."""
    return "$$\\begin{aligned}\n" + align_body(derivation, detail, wrap=False) + "\n\\end{aligned}$$"


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


def rules_section(derivation: Derivation, detail: str = "normal") -> str:
    """The rules and algebra moves used, each with its general formula and one-sentence why."""
    chain = derivation.root if isinstance(derivation.root, ChainRule) else None
    return rules_list(rules_used(derivation, detail), [move.move for move in derivation.algebra],
                      taken=screen_names(derivation), chain=chain)


def rules_list(rule_ids: list[str], moves: list[str], taken: set[str] | None = None,
               chain: ChainRule | None = None) -> str:
    """A 'Rules used' section for these rule ids and algebra moves (any document: derivation or preset).

    The general formulas use letters not taken by the names in the document (explain.card_formula).
    """
    words = sentence_latex
    items = []
    for rule_id in rule_ids:
        text = RULES[rule_id]
        formula = card_formula(rule_id, taken or set(), chain, latex=True)
        items.append(f"  \\item \\textbf{{{words(text.name)}}}: ${formula}$. {words(text.why)}")
    for move in moves:
        text = ALGEBRA_MOVES[move]
        formula = move_formula(move, taken or set(), latex=True)
        items.append(f"  \\item \\textbf{{{words(text.name)}}}: " + (f"${formula}$. " if formula else "")
                     + words(text.why))
    return "\\section*{Rules used}\n\\begin{itemize}\n" + "\n".join(items) + "\n\\end{itemize}\n"


def render_latex(derivation: Derivation, fragment: bool = False, detail: str = "normal") -> str:
    """A standalone document (article, amsmath, amssymb) or, with fragment=True, only the align* block."""
    block = align_block(derivation, detail)
    if fragment:
        return block
    intro = [f"We differentiate ${function_lhs(derivation)} = {latex_expr(derivation.expr)}$ "
             f"with respect to ${latex_expr(derivation.var)}$."]
    held = held_constant_note(derivation)
    if held:
        intro.append(note_text_mode(held))
    intro.append(r"A \checkmark{} means the step was checked against \texttt{sympy.diff}.")
    return (
        PREAMBLE
        + "\\begin{document}\n"
        + f"\\section*{{{sentence_latex(title_text(derivation))}}}\n"
        + " ".join(intro) + "\n\n"
        + block + "\n"
        + rules_section(derivation, detail)
        + "\\end{document}\n"
    )
