"""`derive TARGET` prints without rich (render/styled.py), and prints exactly what rich printed.

rich stays a dependency (the lesson player and the network tables use it), so it is the oracle here: the same
blocks laid out by rich and by styled.py must give the same text, plain and coloured, at every width.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from derivtutor.preset_index import PRESET_SUMMARIES
from derivtutor.render.backprop_terminal import BackpropRenderer
from derivtutor.render.styled import Block, Text, cell_len, render_blocks, wrap
from derivtutor.render.terminal import TerminalRenderer, blocks_renderable
from derivtutor.run import build

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = (30, 40, 57, 80, 120)
TYPED = (
    "x^2",
    "sin(x^2)*exp(3*x)/(1+x^4)",
    "log(1 + exp(-3*x + 2*x^2))*tanh(5*x + 1)",
    "sin(sin(sin(sin(sin(x)))))",
    "(x^3 + 2*x^2 - 7*x + 1)^5 * cos(4*x - 1) / sqrt(x^2 + 1)",
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(autouse=True)
def _rich_unaffected_by_the_callers_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """rich, the oracle, reads NO_COLOR, FORCE_COLOR and COLUMNS itself: the comparisons must not depend on the
    environment the tests run in (CI and the newcomer check set NO_COLOR=1 COLUMNS=100)."""
    for name in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "TERM", "DERIVTUTOR_ASCII"):
        monkeypatch.delenv(name, raising=False)


@cache
def built(target: str) -> object:
    return build(target)


def blocks_of(target: str, detail: str, unicode: bool = True) -> list[Block]:
    thing = built(target)
    if type(thing).__name__ == "Derivation":
        return TerminalRenderer(detail, unicode).blocks(thing)
    return BackpropRenderer(detail, unicode).blocks(thing)


def rich_output(blocks: list[Block], width: int, colour: bool) -> str:
    """What rich prints for these blocks: plain with trailing spaces removed, or coloured as on a terminal."""
    file = io.StringIO()
    if colour:
        console = Console(file=file, width=width, force_terminal=True, color_system="standard", highlight=False,
                          emoji=False, soft_wrap=False)
        console.print(blocks_renderable(blocks))
        return file.getvalue()
    console = Console(file=file, width=width, no_color=True, color_system=None, highlight=False, emoji=False,
                      soft_wrap=False)
    console.print(blocks_renderable(blocks))
    return "\n".join(line.rstrip() for line in file.getvalue().splitlines()) + "\n"


CASES = [(t, d) for t in PRESET_SUMMARIES for d in ("brief", "normal", "full")] + [(t, "normal") for t in TYPED]


@pytest.mark.parametrize(("target", "detail"), CASES)
def test_plain_and_coloured_output_equal_richs_at_every_width(target: str, detail: str) -> None:
    blocks = blocks_of(target, detail)
    for width in WIDTHS:
        plain = render_blocks(blocks, width, colour=False)
        assert plain == rich_output(blocks, width, colour=False), (target, detail, width)
        coloured = render_blocks(blocks, width, colour=True)
        assert coloured == rich_output(blocks, width, colour=True), (target, detail, width)
        assert "\x1b[" in coloured and "\x1b[" not in plain
        assert max(cell_len(line) for line in plain.splitlines()) <= width


@pytest.mark.parametrize("target", ["sigmoid", "output-weight", "hidden-weight", TYPED[2]])
def test_ascii_spelling_equals_richs(target: str) -> None:
    blocks = blocks_of(target, "normal", unicode=False)
    for width in (30, 57):
        assert render_blocks(blocks, width, colour=False) == rich_output(blocks, width, colour=False)


WORDS = st.text(alphabet="abcxyz=+-()σ²⁻·中é✓", min_size=1, max_size=25)
SEPARATORS = st.sampled_from([" ", " ", "  ", "\n"])


@st.composite
def texts(draw: st.DrawFn) -> Text:
    words = draw(st.lists(WORDS, min_size=0, max_size=12))
    seps = draw(st.lists(SEPARATORS, min_size=len(words), max_size=len(words)))
    text = Text(style=draw(st.sampled_from(["", "bold", "italic"])))
    for word, sep in zip(words, seps, strict=True):
        text.append(word + sep, style=draw(st.sampled_from(["", "cyan", "bold green", "yellow"])))
    return text


@settings(max_examples=150, deadline=None)
@given(title=texts(), lines=st.lists(st.tuples(st.integers(0, 10), texts()), max_size=4),
       width=st.integers(12, 60))
def test_any_text_wraps_like_rich(title: Text, lines: list[tuple[int, Text]], width: int) -> None:
    """Long words (folded), double-width characters, several spaces, line breaks, nested styles."""
    blocks = [Block(title, lines), Block(Text("next", style="bold"))]
    assert render_blocks(blocks, width, colour=False) == rich_output(blocks, width, colour=False)
    assert render_blocks(blocks, width, colour=True) == rich_output(blocks, width, colour=True)


def test_wrap_folds_a_long_word_and_counts_wide_characters_as_two_cells() -> None:
    assert wrap("abcdefghij", 4) == [(0, 4), (4, 8), (8, 10)]
    assert wrap("ab cd", 3) == [(0, 3), (3, 5)]  # the space stays at the end of the first line
    assert cell_len("σ(x)²·中") == 8
    assert wrap("中中中", 4) == [(0, 2), (2, 3)]


def test_lesson_player_still_gets_rich_renderables() -> None:
    block = blocks_of("sigmoid", "normal")[2]
    file = io.StringIO()
    Console(file=file, width=57, no_color=True, color_system=None).print(block.renderable())
    assert "df/dg = -1/g²" in file.getvalue()


# ------------------------------------------------------------------------------------------ the real command
def _in_terminal(target: str, columns: int) -> str:
    import pexpect

    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color", "PYTHONIOENCODING": "utf-8"}
    for name in ("NO_COLOR", "COLUMNS", "LINES", "DERIVTUTOR_ASCII", "FORCE_COLOR"):
        env.pop(name, None)
    child = pexpect.spawn(sys.executable, ["-m", "derivtutor", target], env=env, cwd=str(ROOT), encoding="utf-8",
                          timeout=60, dimensions=(50, columns))
    output = child.read()
    child.close()
    assert child.exitstatus == 0, output
    return output.replace("\r\n", "\n")


@pytest.mark.parametrize(("target", "columns"), [("sigmoid", 57), ("output-weight", 44)])
def test_a_terminal_gets_colour_and_the_same_words_as_a_pipe(target: str, columns: int) -> None:
    coloured = _in_terminal(target, columns)
    assert "\x1b[1m" in coloured and "\x1b[3m" in coloured and "\x1b[32m" in coloured
    stripped = "\n".join(line.rstrip() for line in ANSI.sub("", coloured).split("\n"))
    piped = run_cli(target, env={"COLUMNS": str(columns)})
    assert piped.returncode == 0 and "\x1b" not in piped.stdout
    assert stripped == piped.stdout
    assert coloured == rich_output(blocks_of(target, "normal"), columns, colour=True)


@pytest.mark.parametrize(("target", "heading", "unwanted"), [
    ("sigmoid", "Find df/dx", ("rich",)),
    ("x^2*sin(x)", "Find df/dx", ("rich", "derivtutor.presets", "derivtutor.backprop")),  # typed: no presets
])
def test_derive_imports_only_what_it_needs(target: str, heading: str, unwanted: tuple[str, ...]) -> None:
    probe = ("import sys, runpy\n"
             f"sys.argv = ['derive', {target!r}]\n"
             "try:\n    runpy.run_module('derivtutor', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             f"print('LOADED', sorted(m for m in sys.modules if m.startswith({unwanted!r})), file=sys.stderr)\n")
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60,
                            cwd=str(ROOT), encoding="utf-8")
    assert heading in result.stdout
    assert "LOADED []" in result.stderr, result.stderr


def test_the_printing_modules_import_neither_rich_nor_backprop() -> None:
    """derivtutor.backprop (~5 ms) is needed only when a backprop preset was built, and then it is loaded."""
    probe = ("import sys\n"
             "import derivtutor.render.backprop_terminal\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'rich' or m == 'derivtutor.backprop'))\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                            cwd=str(ROOT), env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
