"""The parts of the document model that need no SymPy: words, headings, paragraphs, maths rows, tables, the
Document itself.

They live apart from document.py (which re-exports them) so that a command showing only numbers and words,
`derive network`, builds a Document without importing SymPy: its worked example must feel instant.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The maths runs (Maths, Ratio, Check) and the Block union live in document.py: they need SymPy, and this module
# must not import it, so a run sequence is spelt `Runs` here: a tuple of document.Run.
Runs = tuple


@dataclass(frozen=True)
class Text:
    """Words, exactly as teaching.py says them (Unicode; each backend escapes them for its format)."""

    text: str


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    runs: Runs


@dataclass(frozen=True)
class Table:
    """A header and rows of cells (each cell is runs); `breaks`: the rows a rule line is drawn above."""

    header: tuple[str, ...]
    rows: tuple[tuple[Runs, ...], ...]
    breaks: tuple[int, ...] = ()


@dataclass(frozen=True)
class MathRow:
    """lhs = rhs with a note; no lhs continues the chain of equalities above. kind: step, layer, algebra..."""

    rhs: object  # a document.Maths
    lhs: Runs = ()
    checked: bool = False
    note: Runs = ()
    depth: int = 0
    kind: str = "step"


@dataclass
class Document:
    title: str
    blocks: list = field(default_factory=list)  # of document.Block

    def rows(self) -> list[MathRow]:
        return [b for b in self.blocks if isinstance(b, MathRow)]
