"""`--detail` means one thing in every format (issue 11): detail.py decides which steps are shown, once.

The bug: `derive "x^2 sin x" --detail brief` showed three steps on the terminal while `--markdown -` showed one
(with the root's rule name overwritten) and listed three "Rules used".
"""

from __future__ import annotations

import html
import re

import pytest
import sympy
from conftest import run_cli

from derivtutor.detail import rules_shown
from derivtutor.document import build_document
from derivtutor.parsing import parse_expression
from derivtutor.render.html import render_html
from derivtutor.render.latex import render_latex
from derivtutor.render.markdown import render_markdown
from derivtutor.render.terminal import document_text
from derivtutor.targets import build
from derivtutor.teaching import RULES

x = sympy.Symbol("x", real=True)

CASES = {  # expression -> rules shown at brief, normal, full
    "3x + sin(x)": (["sum", "constant_multiple", "sin"], ["sum", "constant_multiple", "variable", "sin"],
                    ["sum", "constant_multiple", "variable", "sin"]),
    "x^2 sin x": (["product", "power", "sin"],) * 3,
    "w*a + b": (["sum", "constant", "constant_multiple"],  # d/dw b = 0 keeps its line: b is held constant
                ["sum", "constant", "constant_multiple", "variable"],
                ["sum", "constant", "constant_multiple", "variable"]),
}


def terminal_text(derivation: object, detail: str) -> str:
    return document_text(build_document(derivation, detail).blocks, width=200, colour=False, unicode=True)


@pytest.mark.parametrize("text", sorted(CASES))
@pytest.mark.parametrize("level", [0, 1, 2])
def test_every_format_shows_the_same_steps(text: str, level: int) -> None:
    detail = ("brief", "normal", "full")[level]
    d = build(text, "w" if "w" in text else None)
    expected = CASES[text][level]
    assert rules_shown(d.root, detail) == expected
    shown = {RULES[r].name for r in expected}
    hidden = {RULES[step.rule_id].name for step in d.root.walk()} - shown
    markdown = render_markdown(d, detail=detail)
    latex = render_latex(d, detail=detail)
    used = markdown.partition("## Rules used")[2]
    assert [line.split("**")[1] for line in used.strip().splitlines()] == [RULES[r].name for r in expected]
    for name in shown:
        assert name in terminal_text(d, detail) and name in markdown.partition("## Rules used")[0]
        assert name in latex
    for name in hidden:
        assert name not in terminal_text(d, detail) and name not in markdown and name not in latex


def test_brief_markdown_shows_the_terminals_three_steps_and_keeps_the_roots_rule() -> None:
    run = run_cli("x^2 sin x", "--detail", "brief", "--markdown", "-")
    assert run.returncode == 0, run.stderr
    steps = [line for line in run.stdout.splitlines() if line.startswith("- $")]
    assert [line.rpartition("$")[2] for line in steps] == ["", " ✓ — product rule", " ✓ — power rule",
                                                           " ✓ — sine rule", " ✓ — same as sympy.diff", " ✓"]


# -- LaTeX, Markdown and HTML walk one document: the same maths rows, in the same order, at every detail ---------
def _latex_rows(tex: str) -> list[tuple[str, bool]]:
    rows = []
    for block in re.findall(r"\\begin\{align\*\}\n(.*?)\n\\end\{align\*\}", tex, re.S):
        for line in block.split(" \\\\\n"):
            rhs = line.partition("&= ")[2].partition(" && ")[0]
            checked = rhs.endswith(r"\ \checkmark")
            rows.append((rhs.removesuffix(r"\ \checkmark"), checked))
    return rows


def _markdown_rows(md: str) -> list[tuple[str, bool]]:
    rows = []
    for line in md.splitlines():
        if line.startswith("- $"):
            maths, _, rest = line[3:].partition("$")
            rows.append((maths.partition(" = ")[2], rest.startswith(" ✓")))
    return rows


def _html_rows(page: str) -> list[tuple[str, bool]]:
    cells = re.findall(r'<td class="rhs"><span class="m" title="([^"]*)">(.*?)</td>', page)
    return [(html.unescape(typed), 'class="check"' in rest) for typed, rest in cells]


@pytest.mark.parametrize("detail", ["brief", "normal", "full"])
def test_latex_markdown_and_html_show_the_same_maths_rows_in_the_same_order(detail: str) -> None:
    """Each rhs is read back through derive's own reader, so LaTeX, Markdown and HTML's typed form compare."""
    d = build("x^2 sin x")
    latex = _latex_rows(render_latex(d, detail=detail))
    markdown = _markdown_rows(render_markdown(d, detail=detail))
    page = _html_rows(render_html(build_document(d, detail)))
    expected = len(build_document(d, detail).rows())
    assert len(latex) == len(markdown) == len(page) == expected >= 6
    read = [[parse_expression(text) for text, _ in rows] for rows in (latex, markdown, page)]
    assert read[0] == read[1] == read[2]
    assert [c for _, c in latex] == [c for _, c in markdown] == [c for _, c in page]
    assert read[0][1:4] == [x**2 * sympy.cos(x) + 2 * x * sympy.sin(x), 2 * x, sympy.cos(x)]  # all three steps


def test_brief_hides_only_bare_trivial_steps_in_every_format() -> None:
    d = build("3x + sin(x)")
    for detail, shown in (("brief", False), ("normal", True)):
        assert (r"\frac{d}{d x}\,x &= 1" in render_latex(d, detail=detail)) is shown
        assert ("- $\\frac{d}{d x}\\,x = 1$ ✓ — variable rule" in render_markdown(d, detail=detail)) is shown
