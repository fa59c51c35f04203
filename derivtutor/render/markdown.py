"""Markdown for a Derivation: `$...$` and `$$...$$` maths that GitHub, Jupyter and most viewers render.

The rows are the LaTeX renderer's (`latex.layout`), written as a list: one line per step with its rule and ✓,
so the Markdown says exactly what the terminal and the LaTeX document say. Whole-expression lines use `$$`;
notes keep their words as text and their maths inline.
"""

from __future__ import annotations

import re

from derivtutor.derivation import Derivation
from derivtutor.explain import card_formula, move_formula, screen_names
from derivtutor.render.latex import (
    CHECK,
    Math,
    Note,
    Row,
    function_lhs,
    latex_expr,
    layout,
    merged,
    rules_used,
    title_text,
)
from derivtutor.rules import ChainRule
from derivtutor.teaching import ALGEBRA_MOVES, RULES

_MD_SPECIAL = set("\\`*_[]<>#|")


def escape(text: str) -> str:
    """Plain words safe in Markdown (a '*' in a why-sentence must not start italics)."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)


def teacher_markdown(text: str) -> str:
    """A teacher's Markdown kept as Markdown, with raw HTML made literal: `<script>` shows as text, never runs.

    Outside code spans every '<' is backslash-escaped (CommonMark then never starts a tag or an autolink);
    inside them nothing is HTML anyway.
    """
    out, last = [], 0
    for span in _CODE_SPAN.finditer(text):
        out.append(text[last:span.start()].replace("<", "\\<"))
        out.append(span.group(0))
        last = span.end()
    out.append(text[last:].replace("<", "\\<"))
    return "".join(out)


def code(text: str) -> str:
    """Inline code that no backtick inside `text` can end early."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def inline(latex: str) -> str:
    """Inline maths: no space may touch the dollars, or GitHub shows them literally."""
    return "$" + latex.strip().replace("\n", " ") + "$"


def note_markdown(note: Note) -> str:
    parts = []
    for seg in merged(note):
        if isinstance(seg, Math):
            body = seg.latex.replace(r"\ ", " ").strip()
            parts.append(" ✓ " if body == CHECK else inline(body))
        else:
            parts.append(escape(seg))
    return " ".join("".join(parts).split(" ")).replace("  ", " ").strip()


def _row_line(row: Row, previous_lhs: str) -> str:
    note = note_markdown(row.note)
    if row.kind in ("reference", "remark"):
        return f"- {note}"
    lhs = row.lhs or previous_lhs
    maths = inline(f"{lhs} = {row.rhs}") if lhs else inline(row.rhs)
    return f"- {maths}" + (f" — {note}" if note else "")


def render_markdown(derivation: Derivation, detail: str = "normal", heading_level: int = 2) -> str:
    """The derivation as Markdown: a heading, the function, the steps as a list, the rules used."""
    hashes = "#" * heading_level
    rows = layout(derivation, detail)
    lines = [f"{hashes} {escape(title_text(derivation))}", "",
             f"$${function_lhs(derivation)} = {latex_expr(derivation.expr)}$$", ""]
    head_note = note_markdown(rows[0].note)
    if head_note:
        lines += [head_note, ""]
    previous = ""
    for row in rows[1:]:
        if row.kind == "algebra" and rows[rows.index(row) - 1].kind != "algebra":
            lines += ["", "To the teacher's form:", ""]
        lines.append(_row_line(row, previous))
        if row.lhs:
            previous = row.lhs
    lines += ["", f"$${derivation_lhs_final(derivation)}$$", "",
              "✓ means the step was checked against `sympy.diff`.", "", f"{hashes}# Rules used", ""]
    taken = screen_names(derivation)
    chain = derivation.root if isinstance(derivation.root, ChainRule) else None
    for rule_id in rules_used(derivation, detail):
        text = RULES[rule_id]
        formula = card_formula(rule_id, taken, chain, latex=True)
        lines.append(f"- **{escape(text.name)}**: {inline(formula)}. {escape(text.why)}")
    for move in derivation.algebra:
        text = ALGEBRA_MOVES[move.move]
        formula = move_formula(move.move, taken, latex=True)
        lines.append(f"- **{escape(text.name)}**: " + (f"{inline(formula)}. " if formula else "") + escape(text.why))
    return "\n".join(lines) + "\n"


def derivation_lhs_final(derivation: Derivation) -> str:
    from derivtutor.render.latex import derivative_lhs, latex_factors

    final = latex_factors(derivation.algebra[-1].shown) if derivation.algebra else latex_expr(derivation.result)
    return f"{derivative_lhs(derivation)} = {final}"
