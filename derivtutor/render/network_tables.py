"""`derive network` on the terminal: the worked example's Document (network.worked_document) drawn with rich.

Only drawing lives here: the numbers, their nine digits and every word come ready-made in the Document. Colour
or plain text is console.output_style's decision (as for every command); rich fits the tables to the terminal
width (COLUMNS), folding a number onto two lines rather than cutting it off when space is short. Every string
becomes a rich.text.Text, never markup. (The document's terminal backend, render/terminal.py, imports SymPy for
its maths; the worked example has none and must start instantly, so its headings, paragraphs and tables are
drawn by the small walker here.)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table as RichTable
from rich.text import Text as RichText

from derivtutor.blocks import Document, Heading, Paragraph, Table
from derivtutor.network import WorkedExample, fmt, worked_document

__all__ = ["document_renderables", "fmt", "network_renderables", "render_network", "training_progress"]

TRAINING_STEPS_WORTH_A_BAR = 1000  # fewer steps finish before a bar could be read


def _cell(runs: tuple) -> RichText:
    return RichText("".join(run.text for run in runs))


def _table(block: Table) -> RichTable:
    table = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for i, header in enumerate(block.header):
        if i == 0:  # the row's label
            table.add_column(RichText(header), no_wrap=True)
        else:  # numbers: right-aligned, folded rather than cut when the terminal is narrow
            table.add_column(RichText(header), justify="right", overflow="fold")
    for number, row in enumerate(block.rows):
        if number in block.breaks:
            table.add_section()
        table.add_row(*(_cell(cell) for cell in row))
    return table


# How each block of a worked example is drawn; a heading starts a section, so a blank line ends the one before.
_DRAW: dict[type, Callable[[object], RenderableType]] = {
    Heading: lambda block: RichText(block.text, style="bold underline"),
    Paragraph: lambda block: RichText("".join(run.text for run in block.runs), style="dim"),
    Table: _table,
}


def document_renderables(document: Document) -> list[RenderableType]:
    """The blocks as rich renderables, a blank line closing each section (before each heading but the first)."""
    out: list[RenderableType] = []
    for block in document.blocks:
        if isinstance(block, Heading) and out:
            out.append(RichText(""))
        out.append(_DRAW[type(block)](block))
    if out:
        out.append(RichText(""))
    return out


def network_renderables(example: WorkedExample) -> list[RenderableType]:
    """The sections in the order a learner meets them: forward, error, backward, gradients, update."""
    return document_renderables(worked_document(example))


def render_network(example: WorkedExample, console: Console | None = None) -> None:
    """Print every section, coloured or plain as console.output_style decides; rich picks the width."""
    if console is None:
        from derivtutor.console import rich_console

        console = rich_console()
    for part in network_renderables(example):
        console.print(part)


@contextmanager
def training_progress(steps: int, stream: object = None) -> Iterator[Callable[[int], None] | None]:
    """rich's progress bar for `--steps N` while training runs, only on a terminal (never in a pipe or file).

    Yields the `tick(step)` to hand to network.work_example, or None when no bar is shown; the bar is removed
    when training ends, so the tables print as usual.
    """
    stream = stream if stream is not None else sys.stdout
    isatty = getattr(stream, "isatty", None)
    if steps < TRAINING_STEPS_WORTH_A_BAR or not (isatty and isatty()):
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from derivtutor.console import rich_console

    with Progress(TextColumn("training"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=rich_console(stream), transient=True) as bar:
        task = bar.add_task("training", total=steps)
        yield lambda step: bar.update(task, completed=step)
