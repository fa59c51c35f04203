"""The terminal backend (render/terminal.py) draws document.py's blocks with rich and decides nothing else.

Colour only changes the styling, never the words; any width keeps every line inside it; ASCII is all ASCII;
text from a lesson file or the keyboard is printed as written (never read as rich markup); the terminal and the
HTML page show the same maths rows at every --detail; a partial derivative is written with ∂.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from conftest import run_cli
from rich.cells import cell_len

from derivtutor.document import Heading, MathRow, Maths, Paragraph, Text, build_document
from derivtutor.preset_index import PRESET_SUMMARIES
from derivtutor.render.html import render_html
from derivtutor.render.terminal import document_text
from derivtutor.targets import build

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = (30, 40, 57, 80, 120)
TYPED = ("x^2", "sin(x^2)*exp(3*x)/(1+x^4)", "log(1 + exp(-3*x + 2*x^2))*tanh(5*x + 1)", "w*a + b")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@cache
def built(target: str) -> object:
    return build(target, "w" if target == "w*a + b" else None)


def blocks_of(target: str, detail: str) -> list:
    return build_document(built(target), detail).blocks


CASES = [(t, d) for t in PRESET_SUMMARIES for d in ("brief", "normal", "full")] + [(t, "normal") for t in TYPED]


@pytest.mark.parametrize(("target", "detail"), CASES)
def test_colour_changes_only_the_styling_and_every_line_fits(target: str, detail: str) -> None:
    blocks = blocks_of(target, detail)
    for width in WIDTHS:
        plain = document_text(blocks, width, colour=False, unicode=True)
        coloured = document_text(blocks, width, colour=True, unicode=True)
        assert "\x1b[" in coloured and "\x1b[" not in plain
        assert "\n".join(line.rstrip() for line in ANSI.sub("", coloured).splitlines()) + "\n" == plain
        assert max(cell_len(line) for line in plain.splitlines()) <= width, (target, width)
        assert all(line == line.rstrip() for line in plain.splitlines())


@pytest.mark.parametrize("target", ["sigmoid", "output-weight", "hidden-weight", "softmax-xent", TYPED[2]])
def test_ascii_is_all_ascii(target: str) -> None:
    for detail in ("brief", "full"):
        text = document_text(blocks_of(target, detail), 57, colour=False, unicode=False)
        assert text.isascii(), [line for line in text.splitlines() if not line.isascii()][:3]


def test_a_continued_row_lines_up_under_the_equals_sign() -> None:
    text = document_text(blocks_of("sigmoid", "normal"), 100, colour=False, unicode=True)
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  df/dx = -1/(1 + e⁻ˣ)²"))
    below = next(line for line in lines[at + 1:] if line.lstrip().startswith("= "))
    assert below.index("=") == lines[at].index("=")
    assert "Answer: df/dx = σ(x) · (1 - σ(x))  ✓" in lines


# ------------------------------------------------------------------------------------------ markup is never read
HOSTILE = "[bold red]x[/bold red] [link=http://e.vil]y[/link] [/] \\[z]"


def test_rich_markup_in_a_heading_or_words_is_printed_as_written() -> None:
    blocks = [Heading(HOSTILE, 1), Paragraph((Text(HOSTILE), Maths(built("x^2").expr))),
              MathRow(Maths(built("x^2").result), (Text(HOSTILE),), True, (Text(HOSTILE),))]
    for colour in (False, True):
        text = ANSI.sub("", document_text(blocks, 200, colour=colour, unicode=True))
        assert text.count(HOSTILE) == 4, text


def test_rich_markup_in_a_lesson_title_is_printed_as_written(tmp_path: Path) -> None:
    import io

    from rich.console import Console

    from derivtutor.lesson_files import load_lesson
    from derivtutor.lesson_player import Player, item_screens

    lesson_file = tmp_path / "markup.toml"
    lesson_file.write_text('title = "[bold red]Chain[/bold red] [/] rule"\norder = 1\nsummary = "s"\n\n'
                           '[[items]]\ntype = "derivation"\ntitle = "[green]d[/green]"\nexpression = "x^2"\n',
                           encoding="utf-8")
    lesson = load_lesson(lesson_file)
    screens = [screen for item in lesson.items for screen in item_screens(item)]
    for colour in (False, True):
        out = io.StringIO()
        console = Console(file=out, width=100, force_terminal=colour, no_color=not colour, highlight=False)
        Player(lesson, screens, console, unicode=True, ask=lambda _: "q").show(0)
        flat = " ".join(ANSI.sub("", out.getvalue()).split())
        assert "[bold red]Chain[/bold red] [/] rule" in flat and "Answer: df/dx = 2x" in flat, flat


# ------------------------------------------------------------------------------------------ the same rows as HTML
ROW = re.compile(r'<tr class="([a-z]+) depth\d"><td class="lhs">.*?</td><td class="eq">=</td>'
                 r'<td class="rhs"><span class="m" title="([^"]*)">')


@pytest.mark.parametrize("detail", ["brief", "normal", "full"])
@pytest.mark.parametrize("target", ["x^2 sin x", "sigmoid", "w*a + b"])
def test_terminal_and_html_show_the_same_maths_rows(target: str, detail: str) -> None:
    """Every row's right side, in the same order: the HTML's typed tooltips appear in the ASCII printout."""
    doc = build_document(build(target, "w" if "w" in target else None), detail)
    page = render_html(doc)
    rows = [html.unescape(typed) for _, typed in ROW.findall(page)]
    assert len(rows) == len(doc.rows()) > 2
    text = document_text(doc.blocks, 10_000, colour=False, unicode=False)
    at = 0
    for typed in rows:
        found = text.find(f"= {typed}", at)
        assert found >= 0, (typed, text[at:at + 300])
        at = found + 1
    checks = len(re.findall(r'<td class="rhs">.*?<span class="check">✓</span></td>', page))
    assert checks == sum(row.checked for row in doc.rows())
    assert text.count("[checked]") == checks


def test_detail_changes_the_terminal_exactly_as_the_document_says() -> None:
    counts = [len(build_document(built("sigmoid"), d).rows()) for d in ("brief", "normal", "full")]
    texts = [run_cli("sigmoid", "--detail", d, env={"DERIVTUTOR_ASCII": "1", "COLUMNS": "400"}).stdout
             for d in ("brief", "normal", "full")]
    assert counts[0] < counts[1] < counts[2]
    assert [t.count("[checked]") for t in texts] == sorted(t.count("[checked]") for t in texts)


# ------------------------------------------------------------------------------------------ partial derivatives
def test_partial_derivatives_are_written_with_a_round_d() -> None:
    """Issue 14: `derive net` said dnetₖ/dw₂ₖ and `derive output-weight` dE/dwⱼₖ for partial derivatives."""
    net = run_cli("net").stdout
    assert "∂netₖ/∂w₂ₖ step by step" in net and "Answer: ∂netₖ/∂w₂ₖ = a₂" in net
    assert "  netₖ(w₂ₖ) = bₖ + a₁·w₁ₖ + a₂·w₂ₖ + a₃·w₃ₖ\n" in net  # its name as printed: not net_k(w₂ₖ)
    weight = run_cli("output-weight").stdout
    assert "∂E/∂wⱼₖ = ∂E/∂aₖ · daₖ/dnetₖ · ∂netₖ/∂wⱼₖ" in weight  # aₖ = σ(netₖ) has one variable: d
    assert "dE/d" not in weight  # the preset's own title too
    for preset, title in (("error", "slope ∂E/∂aₖ"), ("net", "slope ∂netₖ/∂wⱼₖ"), ("hidden-weight", "∂E/∂wᵢⱼ for"),
                          ("bce", "∂L/∂z = a − t"), ("softmax-xent", "∂L/∂z₁ = ŷ₁ − y₁")):
        assert title in run_cli(preset).stdout.splitlines()[0]
    ascii_run = run_cli("output-weight", env={"DERIVTUTOR_ASCII": "1"}).stdout
    assert ascii_run.isascii() and "dE/dw_jk = dE/da_k * da_k/dnet_k * dnet_k/dw_jk" in ascii_run
    assert "Answer: df/dx" in run_cli("x^2 sin x").stdout  # one variable: an ordinary d


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
    assert "\x1b[1m" in coloured and "\x1b[2m" in coloured and "\x1b[32m" in coloured
    stripped = "\n".join(line.rstrip() for line in ANSI.sub("", coloured).split("\n"))
    piped = run_cli(target, env={"COLUMNS": str(columns)})
    assert piped.returncode == 0 and "\x1b" not in piped.stdout
    assert stripped == piped.stdout


@pytest.mark.parametrize(("target", "unwanted"), [
    ("sigmoid", ("derivtutor.render.html", "derivtutor.render.latex", "rich.table", "rich.markdown")),
    ("x^2*sin(x)", ("derivtutor.presets", "derivtutor.backprop", "rich.table", "rich.markdown")),  # typed: no presets
])
def test_derive_imports_only_what_it_needs(target: str, unwanted: tuple[str, ...]) -> None:
    probe = ("import sys, runpy\n"
             f"sys.argv = ['derive', {target!r}]\n"
             "try:\n    runpy.run_module('derivtutor', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             f"print('LOADED', sorted(m for m in sys.modules if m.startswith({unwanted!r})), file=sys.stderr)\n")
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60,
                            cwd=str(ROOT), encoding="utf-8")
    assert "Answer: df/dx" in result.stdout
    assert "LOADED []" in result.stderr, result.stderr


def test_the_chain_rules_card_says_what_the_rows_say() -> None:
    """The error's card read `chain rule: dE/da_2 = dE/dg · dg/da_2` (a raw name, and d where every row above it
    writes ∂); now it is the chain's own ratios, as printed, in every format."""
    error = run_cli("error").stdout
    assert "∂E/∂a₂ = ∂E/∂g · ∂g/∂a₂   chain rule" in error
    assert "chain rule: ∂E/∂a₂ = ∂E/∂g · ∂g/∂a₂" in error and "a_2" not in error
    assert "chain rule: df/dx = df/dg · dg/dx" in run_cli("sigmoid").stdout  # one variable: d
    assert "chain rule: dE/da_2 = dE/dg * dg/da_2" in run_cli("error", "--ascii").stdout
    latex = run_cli("error", "--latex", "-").stdout
    assert (r"\textbf{chain rule}: {$\frac{\partial E}{\partial a_{2}} = \frac{\partial E}{\partial g} \cdot{} "
            r"\frac{\partial g}{\partial a_{2}}$}.") in latex
    markdown = run_cli("error", "--markdown", "-").stdout
    assert (r"**chain rule**: $\frac{\partial E}{\partial a_{2}} = \frac{\partial E}{\partial g} \cdot "
            r"\frac{\partial g}{\partial a_{2}}$.") in markdown
