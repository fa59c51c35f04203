"""The one decision about how output looks: colour or plain, Unicode or ASCII, how wide.

Every command asks `output_style(stream)` instead of reading the environment itself, so NO_COLOR, FORCE_COLOR,
DERIVTUTOR_ASCII and the flags `--no-color` / `--ascii` mean the same thing everywhere.
- colour: only on a terminal; never when NO_COLOR is set to a non-empty value (no-color.org); FORCE_COLOR (non-empty)
  turns it on even when piped; the `color` argument (a flag) wins over both.
- Unicode: when the stream's encoding can write the symbols we print (σ, ∂, ², ·, ✓) and DERIVTUTOR_ASCII is not
  set; the `ascii` argument (a flag) wins.
"""

from __future__ import annotations

import codecs
import os
import shutil
import sys
from dataclasses import dataclass

PROBE = "σ∂²·✓−⁻ₖ√"  # every kind of symbol the tutor prints


@dataclass(frozen=True)
class OutputStyle:
    unicode: bool
    color: bool
    width: int


def _flag(name: str) -> bool:
    return bool(os.environ.get(name, ""))


def can_encode(encoding: str | None, text: str = PROBE) -> bool:
    """Whether `encoding` can write `text` (an unknown or missing encoding counts as ASCII)."""
    if not encoding:
        return False
    try:
        codecs.lookup(encoding)
        text.encode(encoding)
    except (LookupError, UnicodeEncodeError):
        return False
    return True


def output_style(stream: object = None, *, ascii: bool | None = None, color: bool | None = None) -> OutputStyle:
    """How to write to `stream` (standard output by default); see the module docstring for the rules."""
    stream = stream if stream is not None else sys.stdout
    if ascii is None:
        ascii = _flag("DERIVTUTOR_ASCII") or not can_encode(getattr(stream, "encoding", None))
    if color is None:
        isatty = getattr(stream, "isatty", None)
        on_terminal = bool(isatty and isatty())
        if _flag("NO_COLOR"):
            color = False
        elif _flag("FORCE_COLOR"):
            color = True
        else:
            color = on_terminal
    width = shutil.get_terminal_size((80, 24)).columns
    return OutputStyle(unicode=not ascii, color=color, width=max(20, width))
