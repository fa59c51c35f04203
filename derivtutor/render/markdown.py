"""Markdown for a Document (document.py): `$...$` and `$$...$$` maths that GitHub, Jupyter and most viewers render.

It walks document blocks and nothing else, as latex.py and html.py do: the steps shown, their order and their
words are decided in document.py. Maths is the project's LaTeX (`latex.maths_latex`, `latex.ratio_latex`);
every word goes through `escape`, the one way text reaches Markdown: Markdown and HTML specials are
backslash-escaped (a `<script>` in a lesson title shows as text), control characters are spelt out.
Maths rows are a list, one line per step with its ✓ and its note.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from derivtutor.document import (
    Block,
    Check,
    Document,
    Heading,
    MathRow,
    Note,
    Paragraph,
    Ratio,
    RuleCard,
    Runs,
    Table,
    Text,
    build_document,
)
from derivtutor.render.latex import maths_latex, ratio_latex, runs_math_mode
from derivtutor.teaching import DOCUMENT_HEADINGS

_MD_SPECIAL = set("\\`*_[]<>#|$&~!")
# characters that act on a terminal or reorder text (ESC, BEL, bidi overrides...): spelt out, never passed on
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape(text: str) -> str:
    """Words (teaching.py, a lesson file, the command line) safe in Markdown: a '*' in a why-sentence starts no
    italics, a '<' no HTML tag, a '$' no maths; a line break does not end a heading early."""
    text = _INVISIBLE.sub(lambda m: f"U+{ord(m.group()):04X}", text).replace("\r", " ").replace("\n", " ")
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)


def teacher_markdown(text: str) -> str:
    """A teacher's Markdown kept as Markdown, with raw HTML made literal: `<script>` shows as text, never runs.

    Outside code spans every '<' is backslash-escaped (CommonMark then never starts a tag or an autolink);
    inside them nothing is HTML anyway. Control characters are spelt out as in `escape`.
    """
    text = _INVISIBLE.sub(lambda m: f"U+{ord(m.group()):04X}", text)
    out, last = [], 0
    for span in _CODE_SPAN.finditer(text):
        out.append(text[last:span.start()].replace("<", "\\<"))
        out.append(span.group(0))
        last = span.end()
    out.append(text[last:].replace("<", "\\<"))
    return "".join(out)


def code(text: str) -> str:
    """Inline code that no backtick inside `text` can end early."""
    text = _INVISIBLE.sub(lambda m: f"U+{ord(m.group()):04X}", text).replace("\n", " ")
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def inline(latex: str) -> str:
    """Inline maths: no space may touch the dollars, or GitHub shows them literally."""
    return "$" + latex.strip().replace("\n", " ") + "$"


# -- runs --------------------------------------------------------------------------------------------------------
_JOINERS = {"": "", "=": "=", "·": r"\cdot"}  # words between two formulas that are maths themselves


def runs_markdown(runs: Runs) -> str:
    """Runs as Markdown: words escaped, maths inline; a formula written across runs (df/dx = df/dg · dg/dx) and
    maths side by side become one $...$ (two dollars in a row would open display maths)."""
    pieces: list[str | tuple[str]] = []  # a tuple holds maths
    for run in runs:
        if isinstance(run, Text):
            pieces.append(run.text)
        elif isinstance(run, Check):
            pieces.append("✓")
        elif isinstance(run, Ratio):
            pieces.append((ratio_latex(run),))
        else:
            pieces.append((maths_latex(run),))
    out: list[str | tuple[str]] = []
    for i, piece in enumerate(pieces):
        between = (isinstance(piece, str) and piece.strip() in _JOINERS and out and isinstance(out[-1], tuple)
                   and i + 1 < len(pieces) and isinstance(pieces[i + 1], tuple))
        if between:
            out[-1] = (f"{out[-1][0]} {_JOINERS[piece.strip()]}".rstrip(),)
        elif isinstance(piece, tuple) and out and isinstance(out[-1], tuple):
            out[-1] = (f"{out[-1][0]} {piece[0]}",)
        else:
            out.append(piece)
    return "".join(inline(p[0]) if isinstance(p, tuple) else escape(p) for p in out)


def math_row(row: MathRow, lhs: Runs) -> str:
    """One step: `- $lhs = rhs$ ✓ — note`."""
    left = runs_math_mode(lhs)
    maths = inline(f"{left} = {maths_latex(row.rhs)}" if left else f"= {maths_latex(row.rhs)}")
    check = " ✓" if row.checked else ""
    note = runs_markdown(row.note).strip()
    return f"- {maths}{check}" + (f" — {note}" if note else "")


def _card(card: RuleCard) -> str:
    if card.formula_runs:
        formula = f": {runs_markdown(card.formula_runs)}. "
    elif card.formula_latex:
        formula = f": {inline(card.formula_latex)}. "
    elif card.formula:
        formula = f": {escape(card.formula)}. "
    else:
        formula = ": "
    return f"- **{escape(card.name)}**{formula}{escape(card.why)}"


def _table(table: Table) -> list[str]:
    lines = ["| " + " | ".join(escape(h) for h in table.header) + " |",
             "|" + "---|" * len(table.header)]
    lines += ["| " + " | ".join(runs_markdown(cell) for cell in row) + " |" for row in table.rows]
    return lines


def blocks_markdown(blocks: Sequence[Block], shift: int = 0) -> str:
    """Document blocks as Markdown; headings `shift` levels deeper (a handout's derivation, a nested document)."""
    lines: list[str] = []
    previous: Runs = ()  # the left side a continued chain of equalities carries
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if isinstance(block, MathRow):
            while i < len(blocks) and isinstance(blocks[i], MathRow):
                row = blocks[i]
                lines.append(math_row(row, row.lhs or previous))
                previous = row.lhs or previous
                i += 1
            lines.append("")
            continue
        if isinstance(block, RuleCard):
            while i < len(blocks) and isinstance(blocks[i], RuleCard):
                lines.append(_card(blocks[i]))
                i += 1
            lines.append("")
            continue
        if isinstance(block, Heading):
            lines += [f"{'#' * min(max(block.level + shift, 1), 6)} {escape(block.text)}", ""]
            if block.level == 1:
                previous = ()
        elif isinstance(block, Paragraph):
            lines += [runs_markdown(block.runs), ""]
        elif isinstance(block, Note):
            lines += [f"> {runs_markdown(block.runs)}", ""]
        elif isinstance(block, Table):
            lines += [*_table(block), ""]
        else:
            raise TypeError(f"no Markdown for a {type(block).__name__}")
        i += 1
    return "\n".join(lines).rstrip("\n") + "\n"


def document_markdown(document: Document, heading_level: int = 1) -> str:
    """The whole document; its title is a heading of `heading_level`, the check legend follows it."""
    blocks = document.blocks
    shift = heading_level - 1
    title = 1 if blocks and isinstance(blocks[0], Heading) else 0
    head = blocks_markdown(blocks[:title], shift) if title else ""
    legend = escape(DOCUMENT_HEADINGS["check_legend"])
    return f"{head}\n{legend}\n\n{blocks_markdown(blocks[title:], shift)}".lstrip("\n")


def render_markdown(built: object, detail: str = "normal", heading_level: int = 1) -> str:
    """Anything `derive` builds (a Derivation, an Explained preset, a chain) as Markdown, at this detail."""
    return document_markdown(build_document(built, detail), heading_level)
