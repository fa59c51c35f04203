"""`derive check` as a learner and a teacher run it: real subprocesses (run_cli) and a pseudo-terminal (pexpect)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from conftest import run_cli

FIVE_LINES_SIGN_ON_3 = """d/dx [1/(1+e^(-x))]
= -1/(1+e^(-x))^2 * d/dx[1+e^(-x)]
= -1/(1+e^(-x))^2 * e^(-x)
= -e^(-x)/(1+e^(-x))^2
= -sigma(x)*(1-sigma(x))
"""


@pytest.mark.parametrize("answer", ["e^(-x)/(1+e^(-x))^2", "sigma(x)*(1-sigma(x))"])
def test_sigmoid_right(answer: str) -> None:
    result = run_cli("check", "sigmoid", answer)
    assert result.returncode == 0, result.stderr
    assert "✓ Right." in result.stdout and "usual way" not in result.stdout


def test_sigmoid_right_in_an_unusual_form_shows_the_usual_form_and_the_link() -> None:
    result = run_cli("check", "sigmoid", "1/(4cosh(x/2)^2)")
    assert result.returncode == 0, result.stderr
    assert "Right. The usual way to write it is σ(x) · (1 - σ(x)); here is why they are equal:" in result.stdout
    assert "= σ(x) · (1 - σ(x))" in result.stdout and "recognise σ" in result.stdout


def test_only_the_outer_derivative() -> None:
    result = run_cli("check", "sigmoid", "-1/(1+e^(-x))^2")  # starts with '-': still the answer, not an option
    assert result.returncode == 3, result.stderr
    assert "only the outer derivative" in result.stdout
    assert "Hint:" in result.stdout
    assert "σ(x) · (1 - σ(x))" not in result.stdout and "e⁻ˣ/(1 + e⁻ˣ)²" not in result.stdout  # no solution


def test_the_sign() -> None:
    result = run_cli("check", "sigmoid", "-e^(-x)/(1+e^(-x))^2")
    assert result.returncode == 3
    assert "minus sign is missing" in result.stdout


def test_partial_derivative_constant_slip() -> None:
    result = run_cli("check", "w*a + b", "--wrt", "w", "0")
    assert result.returncode == 3, result.stderr
    assert "You treated a·w as a constant" in result.stdout


def test_error_preset_lost_minus_sign() -> None:
    result = run_cli("check", "error", "t_k - a_k")
    assert result.returncode == 3, result.stderr
    assert "minus sign is missing" in result.stdout
    assert run_cli("check", "error", "-(t_k - a_k)").returncode == 0


def test_working_file_stopped_at_line_3(tmp_path: Path) -> None:
    work = tmp_path / "work.txt"
    work.write_text(FIVE_LINES_SIGN_ON_3, encoding="utf-8")
    result = run_cli("check", "sigmoid", "--work", str(work))
    assert result.returncode == 3, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("✓ 1.") and lines[1].startswith("✓ 2.") and lines[2].startswith("✗ 3.")
    assert "minus sign is missing" in lines[3]
    assert any(line.startswith("· 4.") for line in lines) and any(line.startswith("· 5.") for line in lines)


def test_working_from_stdin_as_json() -> None:
    result = run_cli("check", "sigmoid", "--work", "-", "--json", "-", input=FIVE_LINES_SIGN_ON_3)
    assert result.returncode == 3, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "wrong"
    assert [line["status"] for line in data["lines"]] == ["right", "right", "wrong", "not judged", "not judged"]
    assert data["lines"][2]["slip"] == "lost_sign" and data["lines"][1]["rule"] == "chain rule"
    assert set(data["lines"][2]) >= {"status", "rule", "slip", "message"}


def test_right_working_exits_0() -> None:
    work = "d/dx [x^2 sin x]\n2x sin x + x^2 d/dx[sin x]\n2x sin x + x^2 cos x\n"
    result = run_cli("check", "x^2 sin x", "--work", "-", input=work)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(product rule)" in result.stdout and "Every line is right" in result.stdout


def test_batch_of_answers(tmp_path: Path) -> None:
    csv_file = tmp_path / "answers.csv"
    csv_file.write_text('student,answer\nann,"e^(-x)/(1+e^(-x))^2"\nbob,"-1/(1+e^(-x))^2"\n'
                        'cy,"-e^(-x)/(1+e^(-x))^2"\ndee,"((("\n', encoding="utf-8")
    result = run_cli("check", "sigmoid", "--answers", str(csv_file), "--json", "-")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["students"]
    assert [(r["student"], r["status"], r["slip"]) for r in rows] == [
        ("ann", "right", None), ("bob", "wrong", "outer_only"), ("cy", "wrong", "lost_sign"),
        ("dee", "unreadable", None)]


def test_json_of_one_answer_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "verdict.json"
    result = run_cli("check", "sigmoid", "1/(4cosh(x/2)^2)", "--json", str(out))
    assert result.returncode == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["status"] == "right" and data["usual"] == "σ(x) · (1 - σ(x))" and data["link"]


@pytest.mark.parametrize(("args", "says"), [
    (("check", "sigmoid", "((("), "the answer: column"),
    (("check", "x^2 +", "2x"), "the target: column"),
    (("check", "sigmoid", "2x", "--work", "-"), "give only one of"),
    (("check", "sigmoid", "--work", "/nonexistent/work.txt"), "cannot read the working"),
    (("check", "sigmoid", "--answers", "-"), "row 1: expected two columns"),
    (("check", "hidden-weight", "a_j"), "a sum over k, which cannot be typed yet"),
    (("check", "x*y", "y"), "several variables"),
])
def test_bad_input_exits_2_with_one_line(args: tuple, says: str) -> None:
    result = run_cli(*args, input="a,b,c\n")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("derive: ") and says in result.stderr and result.stderr.count("\n") == 1


def test_interactive_session_in_a_terminal() -> None:
    pexpect = pytest.importorskip("pexpect")
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"}  # no wrapping
    env.pop("DERIVTUTOR_DEBUG", None)
    child = pexpect.spawn(sys.executable, ["-m", "derivtutor", "check", "sigmoid"], env=env, encoding="utf-8",
                          timeout=60)
    try:
        child.expect("Commands start with ':'")
        child.expect("1> ")
        child.sendline("d/dx [1/(1+e^(-x))]")
        child.expect("✓ 1.")
        child.expect("2> ")
        child.sendline("-1/(1+e^(-x))^2 * e^(-x)")  # the sign slip
        child.expect("✗ 2.")
        child.expect("minus sign is missing")
        child.expect("2> ")  # the wrong line is not taken: the learner tries again
        child.sendline(":s")
        child.expect(r"A correct next line would be: -d/dx \[1 \+ e\^\(-x\)\]/\(1 \+ e\^\(-x\)\)\^2")
        child.expect("2> ")
        child.sendline(":h")
        child.expect("Hint: ")
        child.expect("2> ")
        child.sendline("-1/(1+e^(-x))^2 * e^(-x) * (-1)")
        child.expect("✓ 2.")
        child.expect("Every line is right")
        child.expect("3> ")
        child.sendline(":q")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


def test_plain_ascii_terminal() -> None:
    result = run_cli("check", "sigmoid", "-1/(1+e^(-x))^2", env={"DERIVTUTOR_ASCII": "1"})
    assert result.returncode == 3
    assert result.stdout.isascii() and "X Not quite. You took only the outer derivative" in result.stdout


def test_escape_sequences_in_a_working_are_shown_escaped() -> None:
    result = run_cli("check", "x^3", "--work", "-", input="d/dx [x^3]\n3x^2\x1b[31m\n")
    assert result.returncode == 2
    assert "\x1b" not in result.stdout and "\\x1b" in result.stdout
