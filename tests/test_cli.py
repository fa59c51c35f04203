"""The real `derive` command in a subprocess: output, exit codes, one-line errors, golden text."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import run_cli

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("detail", ["brief", "normal", "full"])
def test_derive_sigmoid_matches_golden_output(detail):
    result = run_cli("sigmoid", "--detail", detail)
    assert result.returncode == 0, result.stderr
    golden = GOLDEN / f"sigmoid-{detail}.txt"
    if os.environ.get("DERIVTUTOR_UPDATE_GOLDEN"):
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")


def test_sigmoid_output_answers_the_learners_questions():
    out = run_cli("sigmoid").stdout
    flat = " ".join(out.split())  # sentences may wrap at the terminal width
    for line in ["f(g) = 1/g", "g(h) = 1 + eʰ", "h(x) = -x", "df/dx = df/dg · dg/dh · dh/dx",
                 "power rule", "sum rule", "constant rule", "exponential rule", "constant multiple rule",
                 "chain rule", "That is where the minus", "their rates of change multiply",
                 "= e⁻ˣ/(1 + e⁻ˣ)² ✓", "split the fraction", "add and subtract 1", "recognise σ",
                 "Answer: df/dx = σ(x) · (1 - σ(x))"]:
        assert line in flat, line
    assert "\x1b[" not in out  # piped: no colour codes
    assert all(line == line.rstrip() for line in out.splitlines())


def test_brief_hides_trivial_steps_and_full_shows_them():
    brief, full = run_cli("sigmoid", "--detail", "brief").stdout, run_cli("sigmoid", "--detail", "full").stdout
    assert "variable rule" not in brief and "d/dh (1) = 0" not in brief
    assert "variable rule" in full and "d/dh (1) = 0" in full
    assert len(brief) < len(run_cli("sigmoid").stdout) < len(full)


def test_ascii_terminal_gets_plain_spelling():
    result = run_cli("sigmoid", env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0, result.stderr
    result.stdout.encode("ascii")
    assert "sigma(x) * (1 - sigma(x))" in result.stdout


def test_narrow_terminal_wraps_without_losing_text():
    result = run_cli("sigmoid", env={"COLUMNS": "40"})
    assert result.returncode == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 40


@pytest.mark.parametrize(("expr", "answer"), [
    ("x^2 sin x", "Answer: df/dx = x²·cos(x) + 2x·sin(x)"),
    ("2x", "Answer: df/dx = 2"),
    ("e^(-x)", "Answer: df/dx = -e⁻ˣ"),
    ("exp(-x)", "Answer: df/dx = -e⁻ˣ"),
    ("ln(x)", "Answer: df/dx = 1/x"),
    ("sqrt(x)", "Answer: df/dx = 1/(2√x)"),
    ("sigmoid(x)", "sigmoid rule: d/du σ(u) = σ"),  # σ typed is the function σ, with its known rule (issue 12)
    ("x^x", "Answer: df/dx = xˣ·(1 + ln(x))"),
    ("max(0, x)", "Answer: df/dx = {0 if x < 0; 1 if x > 0}"),
    ("|x|", "Answer: df/dx = x/|x|"),
    ("f(x^2)", "Answer: dy/dx = 2x·f′(x²)"),
    ("tanh(x)", "Answer: df/dx = 1 - tanh(x)²"),
])
def test_expressions_learners_type(expr, answer):
    result = run_cli(expr)
    assert result.returncode == 0, result.stderr
    assert answer in result.stdout


def test_partial_derivative_says_what_is_held_constant():
    result = run_cli("w_jk*a_j + b", "--wrt", "w_jk")
    assert result.returncode == 0, result.stderr
    flat = " ".join(result.stdout.split())  # sentences may wrap at the terminal width
    assert "aⱼ, b are other variables, so they are constants here" in flat
    assert "b is another variable, so it is a constant here." in flat
    assert "aⱼ does not contain wⱼₖ, so it is a constant factor" in flat
    assert "Answer: ∂f/∂wⱼₖ = aⱼ" in flat  # partial: ∂, not d (issue 14)


def test_several_variables_without_wrt_asks_for_it():
    result = run_cli("w*a + b")
    assert result.returncode == 2
    assert result.stderr.strip() == ("derive: this expression has several variables (a, b, w); say which one "
                                     "with --wrt, e.g. --wrt a")


@pytest.mark.parametrize(("text", "column"), [("x**", 4), ("exp(", 4), ("__import__('os')", 1)])
def test_bad_input_is_one_line_with_column_and_exit_2(text, column):
    result = run_cli(text)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"column {column}" in lines[0] and "Traceback" not in result.stderr


def test_misspelt_preset_gets_a_suggestion():
    result = run_cli("sigmod")
    assert result.returncode == 2
    assert "did you mean" in result.stderr and "sigmoid" in result.stderr


def test_list_help_and_version_answer():
    listing = run_cli("--list")
    assert listing.returncode == 0 and listing.stdout.startswith("sigmoid")
    help_text = run_cli("--help")
    assert help_text.returncode == 0 and "derive sigmoid" in help_text.stdout and "--wrt" in help_text.stdout
    assert run_cli("--version").stdout.startswith("derivtutor ")
    expr_help = run_cli("expr", "--help").stdout
    assert "--detail" in expr_help and "--wrt" in expr_help


def test_help_and_version_do_not_import_sympy():
    import subprocess
    import sys

    for flag in ("--help", "--version", "--list"):
        code = (f"import sys; sys.argv=['derive', {flag!r}]\nfrom derivtutor.cli import app\n"
                "try:\n    app()\nexcept SystemExit:\n    pass\n"
                "assert 'sympy' not in sys.modules, 'sympy imported'")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


def test_readme_shows_the_current_sigmoid_output():
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index("```\n", readme.index("## What `derive sigmoid` shows")) + 4
    shown = readme[start:readme.index("```", start)]
    assert shown == (GOLDEN / "sigmoid-normal.txt").read_text(encoding="utf-8")
