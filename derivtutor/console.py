"""The one decision about how output looks: colour or plain, Unicode or ASCII, how wide.

Every command asks `output_style(stream)` instead of reading the environment itself, so NO_COLOR, FORCE_COLOR,
DERIVTUTOR_ASCII and the flags `--no-color` / `--ascii` mean the same thing everywhere.
- colour: only on a terminal (not a dumb one); never when NO_COLOR is set to a non-empty value (no-color.org; an
  empty NO_COLOR counts as unset); FORCE_COLOR (non-empty) turns it on even when piped; `--no-color` wins over both.
- Unicode: when the stream's encoding can write the symbols we print (σ, ∂, ², ·, ✓) and neither DERIVTUTOR_ASCII
  (non-empty) nor `--ascii` asks for ASCII.
`prepare_streams()` (called once by the `derive` script) is the safety net under it: a character the stream still
cannot encode (a lesson's prose under latin-1, a rich bullet) is written as ASCII words (∂ -> d, x² -> x^2),
never a UnicodeEncodeError; with ASCII asked for, every byte printed is ASCII.
"""

from __future__ import annotations

import codecs
import os
import shutil
import sys
from dataclasses import dataclass

PROBE = "σ∂²·✓−⁻ₖ√•"  # every kind of symbol the tutor prints
ERRORS = "derivtutor.ascii"  # the codec error handler that writes what an encoding lacks as ASCII words


@dataclass(frozen=True)
class OutputStyle:
    """How to write to one stream: Unicode symbols or ASCII words, ANSI colour or none, how many columns."""

    unicode: bool
    color: bool
    width: int


@dataclass
class _Choices:
    ascii: bool | None = None  # --ascii
    color: bool | None = None  # --no-color (False)


CHOICES = _Choices()
"""What the command line asked for (set once by `choose`); None leaves it to the environment and the stream."""


def choose(*, ascii: bool | None = None, color: bool | None = None) -> None:
    """Record the global flags `--ascii` / `--no-color` so every later `output_style` call obeys them."""
    if ascii is not None:
        CHOICES.ascii = ascii
    if color is not None:
        CHOICES.color = color


def _flag(name: str) -> bool:
    return bool(os.environ.get(name, ""))


def ascii_asked() -> bool:
    """--ascii or DERIVTUTOR_ASCII: ASCII whatever the stream could show."""
    return CHOICES.ascii if CHOICES.ascii is not None else _flag("DERIVTUTOR_ASCII")


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


def _on_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def output_style(stream: object = None, *, ascii: bool | None = None, color: bool | None = None) -> OutputStyle:
    """How to write to `stream` (standard output by default); see the module docstring for the rules."""
    stream = stream if stream is not None else sys.stdout
    if ascii is None:
        ascii = ascii_asked() or not can_encode(getattr(stream, "encoding", None))
    if color is None:
        color = CHOICES.color
    if color is None:
        if _flag("NO_COLOR"):
            color = False
        elif _flag("FORCE_COLOR"):
            color = True
        else:
            color = _on_terminal(stream) and os.environ.get("TERM", "").lower() not in ("dumb", "unknown")
    width = shutil.get_terminal_size((80, 24)).columns
    return OutputStyle(unicode=not ascii, color=color, width=max(20, width))


# ---------------------------------------------------------------------------------------------- ASCII words
_WORDS = {
    "−": "-", "–": "-", "—": "--", "·": "*", "⋅": "*", "×": "*", "÷": "/", "⁄": "/", "′": "'", "″": "''",
    "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "•": "*", "◦": "o", "▪": "*", "✓": "[checked]",
    "✗": "[x]", "≠": "!=", "≤": "<=", "≥": ">=", "≈": "~", "→": "->", "←": "<-", "⇒": "=>", "↦": "|->",
    "∂": "d", "∇": "grad ", "√": "sqrt", "∞": "oo", "∈": " in ", "Σ": "sum", "∑": "sum", "∏": "prod",
    "ŷ": "yhat", "ε": "epsilon", "\u00a0": " ", "─": "-", "━": "-", "│": "|", "┃": "|", "═": "=",
    "σ": "sigma", "δ": "delta", "Δ": "Delta", "η": "eta", "θ": "theta", "π": "pi", "λ": "lambda",
    "α": "alpha", "β": "beta", "γ": "gamma", "μ": "mu", "φ": "phi", "ω": "omega", "τ": "tau",
}
_RAISED_MINUS = "⁻"


def _script(char: str) -> tuple[str, str] | None:
    """('^', '2') for a superscript two, ('_', 'k') for a subscript k; None for anything else."""
    import unicodedata

    name = unicodedata.name(char, "")
    if "SUPERSCRIPT" in name or name.startswith("MODIFIER LETTER SMALL") or name.startswith("MODIFIER LETTER CAPITAL"):
        mark = "^"
    elif "SUBSCRIPT" in name:
        mark = "_"
    else:
        return None
    plain = unicodedata.normalize("NFKD", char)
    plain = "-" if char in (_RAISED_MINUS, "₋") else plain
    return (mark, plain) if plain.isascii() and plain.strip() else None


def to_ascii(text: str) -> str:
    """The same text in plain ASCII: ∂z/∂w -> dz/dw, e⁻ˣ -> e^(-x), w_jk stays, σ -> sigma, ½ -> 1/2."""
    import unicodedata

    if text.isascii():
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        script = _script(char) if not char.isascii() else None
        if script is not None:
            mark, run = script[0], []
            while i < len(text):
                found = _script(text[i]) if not text[i].isascii() else None
                if found is None or found[0] != mark:
                    break
                run.append(found[1])
                i += 1
            joined = "".join(run)
            out.append(f"{mark}{joined}" if len(joined) == 1 else f"{mark}({joined})")
            continue
        i += 1
        if char.isascii():
            out.append(char)
        elif char in _WORDS:
            out.append(_WORDS[char])
        else:
            plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            plain = "".join(_WORDS.get(c, c) for c in plain)
            if plain.isascii() and plain:
                out.append(plain)
            elif unicodedata.name(char, "").startswith("GREEK"):
                out.append(unicodedata.name(char).split()[-1].lower())
            else:
                out.append("?")
    return "".join(out)


def ascii_words(text: str) -> str:
    """Teaching words in the ASCII a learner types: aₖ -> a_k, wⱼₖ -> w_jk, e⁻ᵘ -> e^(-u), √u -> sqrt u."""
    import unicodedata

    if text.isascii():
        return text
    out: list[str] = []
    lowered: list[str] = []
    for char in text.replace("√", "sqrt "):
        if not char.isascii() and "SUBSCRIPT" in unicodedata.name(char, ""):
            plain = unicodedata.normalize("NFKD", char)
            if plain.isascii() and plain.isalnum():
                lowered.append(plain)
                continue
        if lowered:
            out.append("_" + "".join(lowered))
            lowered = []
        out.append(char)
    if lowered:
        out.append("_" + "".join(lowered))
    return to_ascii("".join(out))


def _ascii_words(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: what the encoding lacks, as ASCII words (the whole run, so e⁻ˣ -> e^(-x))."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return to_ascii(error.object[error.start:error.end]), error.end


codecs.register_error(ERRORS, _ascii_words)


def prepare_streams() -> None:
    """Make standard output and error unable to fail on a character: ASCII words where the encoding has none.

    When output_style chooses ASCII (--ascii, DERIVTUTOR_ASCII, or an encoding without σ) the stream is switched
    to ASCII, so prose, rules and bullets turn into ASCII words as well as the maths (which the renderers already
    write as sigma(x), x^2); ASCII is a subset of every encoding a terminal uses.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            if not output_style(stream).unicode:  # ASCII chosen: all of it, not σ as sigma next to a latin-1 ·
                reconfigure(encoding="ascii", errors=ERRORS)
            else:
                reconfigure(errors=ERRORS)
        except (ValueError, OSError, LookupError):  # a closed or detached stream: leave it
            continue


def write_document(text: str, stream: object = None) -> None:
    """A file format (Markdown, JSON, LaTeX) written to standard output: UTF-8 bytes, whatever the terminal's
    encoding, so `derive sigmoid --markdown - > notes.md` gives the same file as `--markdown notes.md`."""
    stream = stream if stream is not None else sys.stdout
    buffer = getattr(stream, "buffer", None)
    if buffer is None or can_encode(getattr(stream, "encoding", None), text) and not ascii_asked():
        stream.write(text)  # type: ignore[attr-defined]
        return
    stream.flush()  # type: ignore[attr-defined]
    buffer.write(text.encode("utf-8"))
    buffer.flush()


def rich_console(stream: object = None, style: OutputStyle | None = None) -> object:
    """The one way a command makes a rich Console: colour as `output_style` decides, no highlighting or emoji,
    and a closed pipe raised as BrokenPipeError (rich would exit 1; the `derive` script ends quietly with 0)."""
    from rich.console import Console

    class PipeAwareConsole(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    stream = stream if stream is not None else sys.stdout
    style = style or output_style(stream)
    return PipeAwareConsole(file=stream, highlight=False, no_color=not style.color,
                            force_terminal=style.color or None, color_system="auto" if style.color else None,
                            emoji=False, soft_wrap=False)
