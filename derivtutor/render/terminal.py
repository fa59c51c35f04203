"""The terminal backend: a Document (document.py) drawn with rich, in colour on a terminal, plain when piped.

It walks the blocks and nothing else: which steps are shown, their order and every word are decided in
document.py (and teaching.py). A heading is a line of its own; a maths row is `lhs = rhs  ✓` indented by its
depth, with its note dim beside it (below it when it does not fit); a rule card is the rule's name and formula
with its why beneath. Maths is the one-line printer's (mathtext.py): Unicode, or with `unicode=False` the ASCII
a learner types (`Maths.typed`), words then spelt in ASCII too (console.ascii_words). Every string is a
rich.text.Text, never markup, so `[bold]` in a lesson title is printed as written.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.text import Text as RichText

from derivtutor.console import ascii_words, output_style
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
)
from derivtutor.limits import tree_size
from derivtutor.mathtext import math_text, name_text
from derivtutor.teaching import DOCUMENT_HEADINGS

if TYPE_CHECKING:
    from rich.console import RenderableType

__all__ = ["document_text", "print_built", "print_document", "renderable"]

INDENT = 2  # cells per level: a section's rows, and each depth of substeps
NOTE_GAP = "   "  # between the maths and a note on the same line
CHECK = {True: "✓", False: "[checked]"}
# An expression larger than GROWTH x the input (+ SLACK) tree nodes is summarised, not printed (the raw result of
# a 200-deep chain has quadratically many symbols), and so is any once the printout has used TOTAL times that (a
# 200-deep chain names 200 layers, each a little shorter): the printout stays linear in the input.
GROWTH, SLACK, TOTAL = 8, 200, 4
STYLES = {  # what each part looks like in colour (rich style names; no colour means no style at all)
    "title": "bold magenta", "heading": "bold", "rhs": "", "result": "bold", "answer": "bold green",
    "check": "green", "note": "dim", "remark": "italic", "card": "bold cyan", "formula": "cyan", "why": "",
}


class _Look:
    """Unicode or ASCII, styled or not: how one printout spells and styles every run."""

    def __init__(self, unicode: bool, colour: bool, limit: int | None = None) -> None:
        self.unicode, self.colour, self.limit = unicode, colour, limit
        self.budget = TOTAL * limit if limit is not None else None  # nodes left for the whole printout

    def maths(self, maths: Maths) -> str:
        """The maths, or what it is when it is too long to print (a bounded printout for any input)."""
        if self.limit is None or self.budget is None:
            return maths.spelt(self.unicode)
        size = tree_size(maths.expr, min(self.limit, self.budget))
        if size is not None:
            self.budget -= size
            return maths.spelt(self.unicode)
        expr = maths.expr
        kind = "too_long_sum" if expr.is_Add else "too_long_product" if maths.factors or expr.is_Mul else \
            "too_long_other"
        what = DOCUMENT_HEADINGS[kind].format(count=len(maths.factors or expr.args))
        return self.words(DOCUMENT_HEADINGS["too_long"].format(what=what))

    def style(self, part: str) -> str:
        return STYLES[part] if self.colour else ""

    def words(self, text: str) -> str:
        return text if self.unicode else ascii_words(text)

    def ratio(self, run: Ratio) -> str:
        d = "∂" if run.partial and self.unicode else "d"
        var = math_text(run.var, self.unicode)
        if run.of is not None:
            return f"{d}/{d}{var} ({self.maths(Maths(run.of))})"
        return f"{d}{name_text(run.top or '', self.unicode)}/{d}{var}"

    def runs(self, runs: Runs, style: str = "") -> RichText:
        text = RichText(style=style)
        for run in runs:
            if isinstance(run, Text):
                text.append(self.words(run.text))
            elif isinstance(run, Maths):
                text.append(self.maths(run))
            elif isinstance(run, Ratio):
                text.append(self.ratio(run))
            elif isinstance(run, Check):
                text.append(CHECK[self.unicode], style=self.style("check"))
            else:
                raise TypeError(f"no terminal text for a {type(run).__name__}")
        return text


# ---------------------------------------------------------------------------------------------- layout
def _wrapped(console: Console, text: RichText, width: int) -> list[RichText]:
    """A Text wrapped at spaces to `width` cells (a longer word is folded), as rich wraps it."""
    return list(text.wrap(console, max(1, width), overflow="fold"))


def _after(text: RichText, line: RichText) -> RichText:
    """What follows the first wrapped line of `text`, without the spaces it was broken at."""
    start = len(line.plain)
    while start < len(text.plain) and text.plain[start] == " ":
        start += 1
    return text[start:]


class _Lines:
    """Lines laid out when the width is known: `first` after `indent` cells, continuations `hang` cells further,
    then an optional note beside the last line when it fits, else beneath it, `note_indent` cells in."""

    def __init__(self, first: RichText, body: RichText | None = None, indent: int = 0, hang: int = 0,
                 note: RichText | None = None, note_indent: int = 0) -> None:
        self.first, self.body, self.indent, self.hang = first, body, indent, hang
        self.note, self.note_indent = note, note_indent

    def lines(self, console: Console, width: int) -> list[RichText]:
        room = width - self.indent
        prefix_cells = cell_len(self.first.plain)
        if self.body is None:  # words: the first line full width, the rest `hang` further in
            pieces = _wrapped(console, self.first, room)
            out = [self._pad(pieces[0], self.indent)]
            if len(pieces) > 1 and self.hang:
                rest = _after(self.first, pieces[0])
                pieces = [pieces[0], *_wrapped(console, rest, room - self.hang)]
            out += [self._pad(piece, self.indent + self.hang) for piece in pieces[1:]]
        elif prefix_cells <= room // 2:  # maths wraps under itself, after its "lhs = "
            pieces = _wrapped(console, self.body, room - prefix_cells)
            out = [self._pad(self.first + pieces[0], self.indent)]
            out += [self._pad(piece, self.indent + prefix_cells) for piece in pieces[1:]]
        else:  # a long left side: wrap the whole line, continuations a step in
            whole = self.first + self.body
            first, *_ = _wrapped(console, whole, room)
            rest = _after(whole, first)
            out = [self._pad(first, self.indent)]
            if rest.plain:
                out += [self._pad(p, self.indent + INDENT * 2) for p in _wrapped(console, rest, room - INDENT * 2)]
        if self.note is not None and self.note.plain:
            last = out[-1]
            if cell_len(last.plain) + len(NOTE_GAP) + cell_len(self.note.plain) <= width:
                out[-1] = last + RichText(NOTE_GAP) + self.note
            else:
                out += [self._pad(line, self.note_indent)
                        for line in _wrapped(console, self.note, width - self.note_indent)]
        return out

    @staticmethod
    def _pad(line: RichText, cells: int) -> RichText:
        return RichText(" " * cells) + line if cells > 0 else line

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines(console, options.max_width):
            line.end = "\n"
            line.no_wrap = True
            yield line


class _Blank:
    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield RichText("")


def _table(block: Table, look: _Look) -> RenderableType:
    from rich import box
    from rich.table import Table as RichTable

    table = RichTable(box=box.SIMPLE_HEAD if look.unicode else box.ASCII2, show_edge=False, pad_edge=False,
                      header_style=look.style("heading"))
    for name in block.header:
        table.add_column(look.words(name))
    for row in block.rows:
        table.add_row(*(look.runs(cell) for cell in row))
    return table


def _parts(blocks: Sequence[Block], look: _Look) -> Iterable[RenderableType]:
    equals_at: dict[int, int] = {}  # depth -> cells before " = " in the last row with a left side
    answer_line: MathRow | None = None  # an answer row said on its heading's line: "Answer: df/dx = ..."
    for number, block in enumerate(blocks):
        if isinstance(block, Heading):
            if number:
                yield _Blank()
            style = look.style("title" if block.level <= 1 else "heading")
            answer_line = _lone_answer(blocks, number)
            if answer_line is not None:
                row = _row(answer_line, look, {}, indent=0)
                heading = RichText(look.words(block.text) + ": ", style=look.style("answer"))
                yield _Lines(heading + row.first, row.body, note=row.note, note_indent=INDENT * 2)
                continue
            yield _Lines(RichText(look.words(block.text), style=style))
            equals_at.clear()
        elif isinstance(block, MathRow):
            if block is not answer_line:
                yield _row(block, look, equals_at)
        elif isinstance(block, Paragraph):
            yield _Lines(look.runs(block.runs), indent=INDENT)
        elif isinstance(block, Note):
            yield _Lines(look.runs(block.runs, look.style("remark")), indent=INDENT * 2)
        elif isinstance(block, RuleCard):
            card = RichText(look.words(block.name), style=look.style("card"))
            if block.formula:
                card.append(": " + look.words(block.formula), style=look.style("formula"))
            yield _Lines(card, indent=INDENT, hang=INDENT * 2)
            if block.why:
                yield _Lines(RichText(look.words(block.why), style=look.style("why")), indent=INDENT * 3)
        elif isinstance(block, Table):
            yield _table(block, look)
        else:
            raise TypeError(f"no terminal layout for a {type(block).__name__}")


def _lone_answer(blocks: Sequence[Block], at: int) -> MathRow | None:
    """The answer row that is all of the section under the heading at `at` (printed on the heading's line)."""
    after = blocks[at + 1:at + 3]
    if after and isinstance(after[0], MathRow) and after[0].kind == "answer" and after[0].lhs and \
            not (len(after) > 1 and isinstance(after[1], MathRow)):
        return after[0]
    return None


def _row(row: MathRow, look: _Look, equals_at: dict[int, int], indent: int | None = None) -> _Lines:
    """lhs = rhs  ✓, indented by depth; a row without a left side continues the equalities above it."""
    indent = INDENT * (row.depth + 1) if indent is None else indent
    if row.lhs:
        lhs = look.runs(row.lhs)
        equals_at[row.depth] = cell_len(lhs.plain)
        first = lhs + RichText(" = ")
    else:
        first = RichText(" " * (equals_at[row.depth] + 1) + "= " if row.depth in equals_at else "= ")
    part = "answer" if row.kind == "answer" else "result" if row.kind == "result" else "rhs"
    body = RichText(look.maths(row.rhs), style=look.style(part))
    if row.checked:
        body.append("  ")
        body.append(CHECK[look.unicode], style=look.style("check"))
    note = look.runs(row.note, look.style("note")) if row.note else None
    return _Lines(first, body, indent=indent, note=note, note_indent=indent + INDENT * 2)


# ---------------------------------------------------------------------------------------------- the API
def _limit(blocks: Sequence[Block]) -> int | None:
    """The largest expression printed in full: a multiple of what was differentiated (the first function row)."""
    first = next((b for b in blocks if isinstance(b, MathRow) and b.kind == "function"), None)
    if first is None:
        return None
    return GROWTH * (tree_size(first.rhs.expr, 10**9) or 1) + SLACK


def renderable(blocks: Sequence[Block], unicode: bool, colour: bool) -> RenderableType:
    """The blocks as one rich renderable (laid out at whatever width the console gives it)."""
    return Group(*_parts(blocks, _Look(unicode, colour, _limit(blocks))))


def _layout_console(width: int, colour: bool) -> Console:
    import io

    return Console(file=io.StringIO(), width=width, force_terminal=colour, no_color=not colour,
                   color_system="standard" if colour else None, highlight=False, markup=False, emoji=False,
                   soft_wrap=False, legacy_windows=False, _environ={})


def document_text(blocks: Sequence[Block], width: int, colour: bool, unicode: bool) -> str:
    """The blocks as printed text at `width` columns: ANSI styles when `colour`, else plain with no trailing
    spaces; ASCII only when not `unicode`."""
    console = _layout_console(width, colour)
    console.print(renderable(blocks, unicode, colour))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    if colour:
        return text
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


def print_document(doc: Document, stream: object = None) -> None:
    """Print a document to `stream` (standard output): colour, Unicode and width as console.py decides."""
    stream = stream if stream is not None else sys.stdout
    style = output_style(stream)
    stream.write(document_text(doc.blocks, style.width, style.color, style.unicode))  # type: ignore[attr-defined]
    stream.flush()  # type: ignore[attr-defined]


def print_built(built: object, detail: str = "normal", stream: object = None) -> None:
    """Print whatever `derive TARGET` built (a derivation, an explained preset, a chain of derivations)."""
    print_document(build_document(built, detail), stream)
