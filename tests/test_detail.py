"""`--detail` means one thing in every format (issue 11): detail.py decides which steps are shown, once.

The bug: `derive "x^2 sin x" --detail brief` showed three steps on the terminal while `--markdown -` showed one
(with the root's rule name overwritten) and listed three "Rules used".
"""

from __future__ import annotations

import pytest
from conftest import run_cli

from derivtutor.detail import rules_shown
from derivtutor.document import build_document
from derivtutor.render.latex import render_latex
from derivtutor.render.markdown import render_markdown
from derivtutor.render.terminal import document_text
from derivtutor.targets import build
from derivtutor.teaching import RULES

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
    used = markdown.partition("### Rules used")[2]
    assert [line.split("**")[1] for line in used.strip().splitlines()] == [RULES[r].name for r in expected]
    for name in shown:
        assert name in terminal_text(d, detail) and name in markdown.partition("### Rules used")[0]
        assert name in latex
    for name in hidden:
        assert name not in terminal_text(d, detail) and name not in markdown and name not in latex


def test_brief_markdown_shows_the_terminals_three_steps_and_keeps_the_roots_rule() -> None:
    run = run_cli("x^2 sin x", "--detail", "brief", "--markdown", "-")
    assert run.returncode == 0, run.stderr
    steps = [line for line in run.stdout.splitlines() if line.startswith("- $")]
    assert [line.rpartition(" — ")[2] for line in steps] == ["product rule ✓", "power rule ✓", "sine rule ✓",
                                                             "✓ same as sympy.diff"]
