"""Styled text for a terminal, without rich: `derive sigmoid` must not pay ~30 ms to import and run it.

A `Text` is a string with styled spans (the subset of rich.text.Text the renderers use); a `Block` is a title and
indented lines. `write_blocks` wraps them exactly as rich lays out a Group of Text and Padding(left indent)
(word wrap at spaces, an over-long word folded, continuation lines indented like the first) and adds ANSI colour
codes only on a terminal without NO_COLOR, so the output is byte for byte what rich printed before. The lesson
player still shows blocks with rich (`Block.renderable`), which imports rich only when it is called.
"""

from __future__ import annotations

import os
import re
import sys
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Group
    from rich.text import Text as RichText

# SGR codes of the styles the renderers use; a style is words separated by spaces, e.g. "bold cyan".
_ATTRIBUTES = {"bold": 1, "dim": 2, "italic": 3, "underline": 4}
_COLOURS = {"black": 30, "red": 31, "green": 32, "yellow": 33, "blue": 34, "magenta": 35, "cyan": 36,
            "white": 37}
_WORD = re.compile(r"\s*\S+\s*")
_TRAILING_SPACE = re.compile(r"\s+$")


class Text:
    """A string and the styles of its parts: `Text("a", style="bold").append("b", style="cyan")`."""

    __slots__ = ("plain", "style", "spans")

    def __init__(self, text: str = "", style: str = "") -> None:
        self.plain = text
        self.style = style
        self.spans: list[tuple[int, int, str]] = []  # (start, end, style), in the order they were added

    def append(self, text: str, style: str = "") -> Text:
        if text:
            if style:
                self.spans.append((len(self.plain), len(self.plain) + len(text), style))
            self.plain += text
        return self

    def __str__(self) -> str:
        return self.plain

    def __len__(self) -> int:
        return len(self.plain)

    def __repr__(self) -> str:
        return f"Text({self.plain!r}, style={self.style!r}, spans={self.spans!r})"

    def to_rich(self) -> RichText:
        """The same text as a rich Text (for the lesson player, which lays screens out with rich)."""
        from rich.text import Text as RichText

        text = RichText(self.plain, style=self.style)
        for start, end, style in self.spans:
            text.stylize(style, start, end)
        return text


class Block:
    """One section of the explanation: a title line and indented lines."""

    __slots__ = ("title", "lines")

    def __init__(self, title: Text, lines: list[tuple[int, Text]] | None = None) -> None:
        self.title = title
        self.lines: list[tuple[int, Text]] = lines if lines is not None else []

    def add(self, indent: int, text: Text | str, style: str = "") -> None:
        self.lines.append((indent, text if isinstance(text, Text) else Text(text, style=style)))

    def renderable(self) -> Group:
        """The block as rich renderables (title, then each line in a left Padding): how the lesson player shows it."""
        from rich.console import Group
        from rich.padding import Padding

        return Group(self.title.to_rich(), *(Padding(t.to_rich(), (0, 0, 0, i), expand=False) for i, t in self.lines))


# ---------------------------------------------------------------------------------------------- cell widths
_WIDTHS: dict[str, int] = {}


def _char_width(char: str) -> int:
    """Cells one character takes: 0 for controls and combining marks, 2 for East Asian wide, else 1."""
    width = _WIDTHS.get(char)
    if width is None:
        import unicodedata

        code = ord(char)
        category = unicodedata.category(char)
        if code < 32 or 0x7F <= code < 0xA0 or category in ("Mn", "Me", "Mc", "Cf", "Zl", "Zp"):
            width = 0
        elif category != "Cn" and unicodedata.east_asian_width(char) in ("W", "F"):
            width = 2
        else:
            width = 1
        _WIDTHS[char] = width
    return width


def cell_len(text: str) -> int:
    """Terminal cells a string takes (σ, ², · are one cell; 中 is two)."""
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(_char_width(c) for c in text)


def _chop(text: str, width: int) -> list[str]:
    """Cut a word into pieces of at most `width` cells."""
    pieces: list[str] = []
    start, used = 0, 0
    for index, char in enumerate(text):
        size = _char_width(char)
        if used + size > width:
            pieces.append(text[start:index])
            start, used = index, 0
        used += size
    if used:
        pieces.append(text[start:])
    return pieces


def _breaks(text: str, width: int) -> list[int]:
    """Where to break one line so that each part fits `width` cells (rich's word wrap, fold on)."""
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group()
        length = cell_len(word.rstrip())
        if width - offset >= length:
            offset += cell_len(word)
        elif length > width:  # longer than a whole line: fold it
            pieces = _chop(word, width)
            for index, piece in enumerate(pieces):
                if start:
                    breaks.append(start)
                if index == len(pieces) - 1:
                    offset = cell_len(piece)
                else:
                    start += len(piece)
        elif offset and start:
            breaks.append(start)
            offset = cell_len(word)
    return breaks


def _fit(text: str, start: int, end: int, width: int) -> int:
    """The end of a wrapped line after dropping whitespace beyond the width and cropping to it."""
    if end - start > width:
        space = _TRAILING_SPACE.search(text, start, end)
        if space is not None:
            end -= min(space.end() - space.start(), end - start - width)
    while end > start and cell_len(text[start:end]) > width:
        end -= 1
    return end


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """The (start, end) of each line of `text` wrapped to `width` cells."""
    width = max(width, 1)
    lines: list[tuple[int, int]] = []
    start = 0
    for part in text.split("\n"):
        end = start + len(part)
        edges = [start, *(start + b for b in _breaks(part, width)), end]
        lines += [(a, _fit(text, a, b, width)) for a, b in pairwise(edges)]
        start = end + 1
    return lines


# ---------------------------------------------------------------------------------------------- colour
_SGR: dict[tuple[str, ...], str] = {}


def _sgr(styles: tuple[str, ...]) -> str:
    """The SGR parameters of styles applied in order (later colours win, attributes add up), e.g. '1;36'."""
    codes = _SGR.get(styles)
    if codes is None:
        attributes: set[int] = set()
        colour = None
        for style in styles:
            for word in style.split():
                if word in _ATTRIBUTES:
                    attributes.add(_ATTRIBUTES[word])
                elif word in _COLOURS:
                    colour = _COLOURS[word]
                else:
                    raise ValueError(f"unknown style {word!r}")
        codes = ";".join(str(c) for c in [*sorted(attributes), *([colour] if colour else [])])
        _SGR[styles] = codes
    return codes


def _coloured(text: Text, start: int, end: int) -> str:
    """One line of a Text with its styles as ANSI codes, cut where rich cuts it into segments."""
    spans = [(max(s, start), min(e, end), style) for s, e, style in text.spans if s < end and e > start]
    cuts = sorted({start, end, *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    for a, b in pairwise(cuts):
        styles = tuple(style for s, e, style in spans if s <= a and e >= b)
        if text.style:
            styles = (text.style, *styles)
        codes = _sgr(styles) if styles else ""
        piece = text.plain[a:b]
        out.append(f"\x1b[{codes}m{piece}\x1b[0m" if codes else piece)
    return "".join(out)


def _lines(text: Text, width: int, indent: int, pad: int | None, colour: bool) -> list[str]:
    """The printed lines of one Text: wrapped, indented, padded to `pad` cells as rich's Padding does."""
    lines = []
    plain = text.plain
    for start, end in wrap(plain, width):
        body = _coloured(text, start, end) if colour else plain[start:end]
        if pad is not None:
            body += " " * max(pad - cell_len(plain[start:end]), 0)
        lines.append(" " * indent + body)
    return lines


def render_blocks(blocks: list[Block], width: int, colour: bool) -> str:
    """The blocks as printed text: a blank line between blocks; without colour, no trailing spaces."""
    out: list[str] = []
    for number, block in enumerate(blocks):
        if number:
            out.append("")
        out += _lines(block.title, width, 0, None, colour)
        for indent, text in block.lines:
            longest = max((cell_len(line) for line in text.plain.splitlines()), default=0)
            inner = min(longest, width - indent)
            if inner >= 1:  # rich prints nothing for an empty line, or one indented past the width
                out += _lines(text, inner, indent, inner if colour else None, colour)
    if colour:
        return "\n".join(out) + "\n"
    return "\n".join(line.rstrip() for line in "\n".join(out).splitlines()) + "\n"


# ---------------------------------------------------------------------------------------------- the stream
def wants_colour(stream: object) -> bool:
    """Colour as console.output_style decides (a terminal, not a dumb one; NO_COLOR, FORCE_COLOR, --no-color)."""
    from derivtutor.console import output_style

    return output_style(stream).color


def terminal_width(stream: object) -> int:
    """COLUMNS if set, else the size of whichever standard stream is a terminal, else 80 (as rich decides)."""
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit() and int(columns):
        return int(columns)
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty() and os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return 80
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd).columns
        except (AttributeError, ValueError, OSError):
            continue
        return width or 80
    return 80


def write_blocks(blocks: list[Block], stream: object = None, width: int | None = None,
                 colour: bool | None = None) -> None:
    """Print blocks to `stream` (standard output by default), wrapped to its width, coloured on a terminal."""
    stream = stream or sys.stdout
    if colour is None:
        colour = wants_colour(stream)
    text = render_blocks(blocks, width or terminal_width(stream), colour)
    stream.write(text)  # type: ignore[attr-defined]
    stream.flush()  # type: ignore[attr-defined]
