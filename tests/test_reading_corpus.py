"""The reader on a corpus of textbook-style inputs (tests/reading_corpus.py): each gets its exact reading, the
variable a derivative prefix names, and a "Read as" note exactly when the reading is not literal.

Also: answers read against the question's names (a2 is a_2; `zero` is refused with a hint), refusals with a
column and a spelling that works, and the command line showing the note before the derivation.
"""

from __future__ import annotations

import subprocess
import time

import pytest
import sympy
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reading_corpus import ANSWERS, CORPUS, REFUSED

from derivtutor.parsing import ParseError, read_expression


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 100


@pytest.mark.parametrize(("text", "expected", "wrt", "noted"), CORPUS, ids=[row[0] for row in CORPUS])
def test_corpus_reading(text: str, expected: sympy.Expr, wrt: sympy.Symbol | None, noted: bool) -> None:
    reading = read_expression(text)
    assert reading.expr == expected, f"{text!r} read as {reading.expr}"
    assert reading.wrt == wrt
    assert bool(reading.notes) == noted, reading.notes
    if noted:
        assert reading.notes[0].startswith("Read as: ")
        assert all("\n" not in line for line in reading.notes)


@pytest.mark.parametrize(("text", "names", "expected"), ANSWERS, ids=[row[0] for row in ANSWERS])
def test_answers_are_read_with_the_questions_names(text: str, names: list[str], expected: sympy.Expr) -> None:
    assert read_expression(text, known_names=names).expr == expected


@pytest.mark.parametrize(("text", "names", "column", "words"), REFUSED, ids=[row[0] for row in REFUSED])
def test_refusals_name_the_column_and_a_way_out(text: str, names: list[str] | None, column: int, words: str) -> None:
    with pytest.raises(ParseError) as info:
        read_expression(text, known_names=names)
    assert info.value.column == column, info.value.one_line()
    assert words in info.value.message
    assert info.value.one_line().startswith(f"column {column}: ")


def test_a_misread_name_is_never_silent_cost_says_it_is_one_name() -> None:
    reading = read_expression("cost")
    assert reading.expr == sympy.Symbol("cost", real=True)
    assert any("cos t" in line for line in reading.notes)


def test_an_ambiguous_split_is_refused_with_both_readings(monkeypatch: pytest.MonkeyPatch) -> None:
    from derivtutor import parsing

    monkeypatch.setattr(parsing, "_best_splits", lambda name, need_function: [("sin", "h"), ("si", "nh")])
    with pytest.raises(ParseError) as info:
        read_expression("sinh2")
    assert "sin h or si nh" in info.value.message


def _derive(*args: str) -> subprocess.CompletedProcess:
    return run_cli(*args, timeout=120)


def test_the_command_line_says_how_it_read_xsinx_before_deriving() -> None:
    run = _derive("xsinx")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "Read as: x·sin(x)"
    assert "Answer: df/dx = " in run.stdout and "df/dxsinx" not in run.stdout


def test_a_derivative_prefix_sets_the_variable_on_the_command_line() -> None:
    run = _derive("d/dx x^2")
    assert run.returncode == 0, run.stderr
    assert "Answer: df/dx = 2x" in run.stdout
    clash = _derive("d/dx x^2", "--wrt", "y")
    assert clash.returncode == 2 and clash.stderr.count("\n") == 1
    assert "d/dx" in clash.stderr and "--wrt" in clash.stderr


@pytest.mark.parametrize(("word", "suggestion"), [("lessons", "'lesson'"), ("netwrok", "'network'"),
                                                  ("--verison", "'--version'"), ("sigmoidd", "'sigmoid'")])
def test_command_words_are_not_maths(word: str, suggestion: str) -> None:
    run = _derive(word)
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.startswith("derive: ") and run.stderr.count("\n") == 1
    assert f"did you mean {suggestion}?" in run.stderr


def test_notes_stay_out_of_exported_files() -> None:
    run = _derive("xsinx", "--markdown", "-")
    assert run.returncode == 0, run.stderr
    assert "Read as" not in run.stdout


# ---------------------------------------------------------------------------------------------- hostile LaTeX/Unicode
LATEX_TOKENS = [
    "\\frac", "\\sqrt", "\\left(", "\\right)", "\\left", "\\right", "\\sigma", "\\cdot", "\\partial", "\\ln", "{", "}",
    "_", "^", "x", "2", "e", "d", "/", "(", ")", "[", "]", "\\", "\\operatorname", "sech", "∂", "√", "²", "⁻", "ₖ",
    "σ", "θ", "½", "·", "−", " ", "=", "y", "dx", "d/dx", "\\int", "\\infty", "\\foo", "\\,", "\\{", "|",
]  # fmt: skip


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(LATEX_TOKENS), max_size=30))
def test_latex_and_unicode_token_soup_is_read_or_refused_in_one_line(tokens: list[str]) -> None:
    text = "".join(tokens)
    start = time.monotonic()
    try:
        reading = read_expression(text)
    except ParseError as error:
        assert 1 <= error.column <= len(text) + 1
        line = error.one_line()
        assert all(ch.isprintable() for ch in line) and "\n" not in line
    else:
        assert isinstance(reading.expr, sympy.Basic)
    assert time.monotonic() - start < 2.0


# ---------------------------------------------------------------------------------------------- lesson answers
def _exercise(expression: str, answer: str, wrt: str = "") -> object:
    from derivtutor.lessons import Item, prepare_exercise

    return prepare_exercise(Item("exercise", 1, text="q", expression=expression, answer=answer, wrt=wrt, hints=("h",)))


def test_a_lesson_answer_uses_the_questions_subscripted_names() -> None:
    ex = _exercise("1/2 (t_1 - a_2)^2", "a_2 - t_1", wrt="a_2")
    verdict = ex.check("a2 - t1")
    assert verdict.kind == "right"
    assert verdict.message.splitlines()[0] == "Read as: a₂ - t₁"
    assert ex.check("-(t1 - a2)").kind == "right"
    assert ex.check("a₂ − t₁").kind == "right"


def test_a_lesson_answer_with_a_made_up_name_says_so() -> None:
    ex = _exercise("x^2 + 3", "2x")
    zero = ex.check("zero")
    assert zero.kind == "unreadable"
    assert "'zero' is not a letter in this question; did you mean 0?" in zero.message
    qwerty = ex.check("qwerty")
    assert qwerty.kind == "unreadable" and "not a letter in this question" in qwerty.message
