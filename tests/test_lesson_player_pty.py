"""The lesson player as a learner meets it, in a pseudo-terminal (pexpect): issue 14's player problems.

A small lesson written here (so the shipped lessons' content can change) with the exercises the issue names:
∂z/∂b (the answer `b` must be an answer, not "back"), a number exercise (an expression must not pass), a
chain-rule exercise (pieces after two misses), and a long screen (paged to the terminal height).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).resolve().parent.parent
LONG = "\n\n".join(f"Line {n} of a long explanation that has to be read before the exercises." for n in range(1, 41))
LESSON = f'''title = "Tiny tutor"
order = 1
summary = "A lesson for the player's tests."

[[items]]
type = "text"
title = "Start"
text = """
A short start. {"This sentence is long on purpose so that a wide terminal would run it far past ninety columns. " * 3}
"""

[[items]]
type = "exercise"
question = "What is ∂z/∂b for z = w·a + b?"
expression = "w*a + b"
wrt = "b"
answer = "1"
hints = ["b stands alone.", "sum rule", "d/db b = 1", "∂z/∂b = 1"]

[[items]]
type = "exercise"
question = "The slope of x² at x = 3? (type a number)"
expression = "x^2"
at = {{ x = 3 }}
answer = "6"
hints = ["2x", "power rule", "put x = 3 into 2x", "6"]

[[items]]
type = "exercise"
question = "What is d/dx of (2x + 1)^3?"
expression = "(2x + 1)^3"
answer = "6(2x + 1)^2"
hints = ["layers", "chain rule", "u = 2x + 1", "6(2x + 1)^2"]

[[items]]
type = "text"
title = "A long screen"
text = """
{LONG}
"""
'''


@pytest.fixture()
def course(tmp_path: Path) -> Path:
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "tiny.toml").write_text(LESSON, encoding="utf-8")
    return folder


def spawn(args: list[str], home: Path, rows: int = 30, cols: int = 100, **extra: str) -> pexpect.spawn:
    env = dict(os.environ, DERIVTUTOR_HOME=str(home), NO_COLOR="1", PYTHONPATH=str(ROOT), **extra)
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    return pexpect.spawn(sys.executable, ["-m", "derivtutor", "lesson", *args], env=env, cwd=str(ROOT),
                         encoding="utf-8", timeout=90, dimensions=(rows, cols))


def said(child: pexpect.spawn, sentence: str) -> None:
    """Expect a sentence the console may have wrapped at any space."""
    child.expect(r"\s+".join(re.escape(word) for word in sentence.split()))


def saved(home: Path) -> dict:
    return json.loads((home / "progress.json").read_text(encoding="utf-8"))["lessons"]


def listing(home: Path, course: Path) -> str:
    child = spawn(["--dir", str(course)], home)
    child.expect(pexpect.EOF)
    return child.before


def finish(child: pexpect.spawn) -> None:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_enter_asks_before_skipping_and_a_skipped_lesson_is_not_done(tmp_path: Path, course: Path) -> None:
    child = spawn(["tiny", "--dir", str(course)], tmp_path)
    child.expect("1 of 5")
    child.sendline("")
    child.expect("What is ∂z/∂b")
    child.expect("Your answer \\(:h hint, :s show, :b back, :q quit\\): ")
    child.sendline("")  # old code: skipped silently
    said(child, "Skip this one? It will not count as solved. (y/n)")
    child.sendline("n")
    said(child, "Still here")
    child.sendline("1")
    child.expect("Right")
    child.sendline("")  # solved: Enter goes on without asking
    child.expect("3 of 5")
    child.sendline("")
    child.expect_exact("Skip this one?")
    child.sendline("y")
    child.expect("4 of 5")
    child.sendline("")
    child.expect_exact("Skip this one?")
    child.sendline("y")
    child.expect("5 of 5")
    child.expect("-- more")  # the long screen is paged
    child.sendline("q")
    child.expect("q quit: ")
    child.sendline("")
    said(child, "End of the lesson 'Tiny tutor': 1/3 exercises solved")
    finish(child)
    state = saved(tmp_path)[str((course / "tiny.toml").resolve())]
    assert state["done"] is False and state["solved"] == [2] and state["attempts"] == {"2": 1}
    shown = listing(tmp_path, course)
    assert "1/3 solved, 1 attempt" in shown and "done" not in shown.split("tiny")[1].splitlines()[0]


def test_an_answer_typed_back_after_show_does_not_count(tmp_path: Path, course: Path) -> None:
    child = spawn(["tiny", "--dir", str(course)], tmp_path)
    child.expect("1 of 5")
    child.sendline("")
    child.expect("Your answer")
    child.sendline(":s")
    child.expect("The whole derivation")
    said(child, "counts as solved only after you solve a fresh one")
    child.sendline("1")
    said(child, "Right, but it was shown first, so it does not count as solved")
    child.sendline(":q")
    child.expect("Progress saved")
    finish(child)
    state = saved(tmp_path)[str((course / "tiny.toml").resolve())]
    assert state["solved"] == [] and state["revealed"] == [2]
    assert "0/3 solved" in listing(tmp_path, course)


def test_answers_b_h_s_are_answers_and_commands_take_a_colon(tmp_path: Path, course: Path) -> None:
    child = spawn(["tiny", "--dir", str(course)], tmp_path)
    child.expect("1 of 5")
    child.sendline("")
    child.expect("2 of 5")
    child.expect("Your answer")
    child.sendline("b")  # old code: jumped back a screen with no message
    child.expect("You wrote: b")
    child.expect("Not quite")
    child.sendline("h")
    child.expect("You wrote: h")
    child.sendline("?")
    child.expect("Hint 1 of 4: b stands alone.")
    child.sendline(":h")
    child.expect("Hint 2 of 4: sum rule")
    child.sendline(":b")
    child.expect("1 of 5")
    child.sendline(":q")
    child.expect("Progress saved")
    finish(child)


def test_a_number_exercise_takes_numbers_only(tmp_path: Path, course: Path) -> None:
    child = spawn(["tiny", "--dir", str(course)], tmp_path)
    for screen in (1, 2):
        child.expect(f"{screen} of 5")
        child.sendline("" if screen == 1 else "1")
    child.expect("Right")
    child.sendline("")
    child.expect("3 of 5")
    child.expect("Your answer")
    child.sendline("2x")  # old code: "Right!" (x = 3 was put in for the learner)
    said(child, "This asks for a number: put x = 3 in.")
    child.sendline("x^2/1.5")
    child.expect_exact("This asks for a number")
    child.sendline("2*3")
    child.expect("Right")
    child.sendline(":q")
    finish(child)
    state = saved(tmp_path)[str((course / "tiny.toml").resolve())]
    assert state["solved"] == [2, 3] and state["attempts"] == {"2": 1, "3": 1}


def test_two_misses_on_a_chain_exercise_ask_for_the_pieces(tmp_path: Path, course: Path) -> None:
    child = spawn(["tiny", "--dir", str(course)], tmp_path)
    child.expect("1 of 5")
    child.sendline("")
    child.sendline("1")
    child.expect("Right")
    child.sendline("")
    child.sendline("6")
    child.expect("Right")
    child.sendline("")
    child.expect("4 of 5")
    child.expect("Your answer")
    child.sendline("3(2x + 1)^2")
    child.expect("Not quite")
    child.sendline("6(2x+1)")
    said(child, "Two misses: let us take it in pieces")
    child.expect(r"What is the outer function, as a function of u = (2x \+ 1|1 \+ 2x)\?")
    child.sendline("u^3")
    child.expect("Right.")
    child.expect("What is its derivative")
    child.sendline("3u")
    child.expect("Not quite: it is 3·u²")
    child.expect("And the inner one's derivative")
    child.sendline("2")
    child.expect("Right.")
    said(child, "So the chain rule gives 3·u² · 2")
    child.sendline("6(2x+1)^2")
    child.expect("Right")
    child.sendline(":q")
    finish(child)
    state = saved(tmp_path)[str((course / "tiny.toml").resolve())]
    assert state["solved"] == [2, 3, 4] and state["attempts"]["4"] == 3


def test_a_fresh_exercise_after_a_reveal_counts_when_solved(tmp_path: Path, course: Path) -> None:
    import sympy

    from derivtutor.parsing import parse_expression

    child = spawn(["tiny", "--dir", str(course)], tmp_path, rows=80, DERIVTUTOR_ASCII="1")  # the question reads back
    child.expect("1 of 5")
    child.sendline("")
    child.sendline("")
    child.expect_exact("Skip this one?")
    child.sendline("y")
    child.sendline("")
    child.expect_exact("Skip this one?")
    child.sendline("y")
    child.expect("4 of 5")
    child.sendline(":s")
    said(child, "counts as solved only after")
    child.sendline(":p")
    child.expect("A fresh exercise of the same kind \\(chain\\):")
    child.expect(r"d/d(\w) of (.+) = \?")
    var, text = child.match.group(1), child.match.group(2).strip()
    expr = parse_expression(text)
    symbol = next(s for s in expr.free_symbols if s.name == var)
    child.sendline(str(sympy.diff(expr, symbol)).replace("**", "^"))
    child.expect("Right")
    child.expect_exact("Mastery of chain: 1 of 1 right first time (a percentage after 5 answers).")
    said(child, "Solved unaided: exercise 4 now counts as solved.")
    child.sendline(":q")
    finish(child)
    data = json.loads((tmp_path / "progress.json").read_text(encoding="utf-8"))
    assert data["lessons"][str((course / "tiny.toml").resolve())]["solved"] == [4]
    assert data["skills"]["chain"] == {"mastery": 1.0, "tries": 1, "right": 1, "recent": [1]}


def test_long_screens_are_paged_to_the_terminal_height(tmp_path: Path, course: Path) -> None:
    child = spawn(["tiny", "--dir", str(course)], tmp_path, rows=30)
    child.expect("q quit: ")
    for answer in ("1", "6", "6(2x+1)^2"):
        child.sendline("")
        child.expect("Your answer .*: ")
        child.sendline(answer)
        child.expect("Right")
    child.sendline("")
    child.expect("5 of 5")
    child.expect_exact("-- more: Enter")
    page = child.before.split("5 of 5")[-1]
    assert page.count("\n") <= 29  # a 30-row terminal shows the whole page with its prompt
    assert "Line 1 of" in page and "Line 40 of" not in page
    pages = 1
    while True:
        child.sendline("")
        if child.expect_exact(["-- more: Enter", "q quit: "]) == 1:
            break
        assert child.before.count("\n") <= 29
        pages += 1
    assert "Line 40 of" in child.before and pages >= 2  # 80 lines, at most 28 a page
    child.sendline("")
    said(child, "Well done: all 3 exercises solved!")
    finish(child)
    assert "1. tiny  Tiny tutor  done, 3/3 solved, 3 attempts" in listing(tmp_path, course)


@pytest.mark.parametrize(("cols", "rows"), [(220, 40), (40, 40)])
def test_wide_and_narrow_terminals(tmp_path: Path, course: Path, cols: int, rows: int) -> None:
    child = spawn(["tiny", "--dir", str(course)], tmp_path, rows=rows, cols=cols)
    child.expect("q quit: ")
    first = child.before
    child.sendline(":q")
    finish(child)
    assert "Tiny tutor: 1 of 5" in first.replace("\r\n", " ").replace("  ", " ") or "1 of 5" in first
    assert "1 of 5" in first  # the header is never cut
    widest = max(len(line) for line in first.splitlines()[:-1])  # the last is the prompt, wrapped by the terminal
    assert widest <= (90 if cols > 90 else cols)


def test_ctrl_c_says_progress_saved_on_its_own_line(tmp_path: Path, course: Path) -> None:
    child = spawn(["tiny", "--dir", str(course)], tmp_path)
    child.expect("q quit: ")
    time.sleep(0.5)  # as a person would: a ^C in the microseconds between the prompt and the read is never seen
    child.sendintr()
    child.expect("\r\n(.*)Progress saved.")
    assert "quit:" not in child.match.group(1)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130 or child.signalstatus is None


def test_a_lesson_by_its_number_in_the_list(tmp_path: Path) -> None:
    child = spawn(["4"], tmp_path)
    child.expect("Lesson: The sigmoid")
    child.expect("q quit: ")
    child.sendline("q")
    child.expect("Progress saved")
    finish(child)
    assert re.search(r'"last": "sigmoid"', (tmp_path / "progress.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("lesson", ["derivative", "basic-rules", "chain-rule", "sigmoid", "partial", "error",
                                    "output-layer", "hidden-layer"])
def test_a_scripted_learner_plays_every_shipped_lesson(tmp_path: Path, lesson: str) -> None:
    """Enter at an exercise never skips unasked; an expression never passes a number exercise; every listed right
    answer is right; the list shows the solved count."""
    from derivtutor.lesson_files import find, load_all

    items = {item.text: item for item in find(load_all(), lesson).exercises}
    child = spawn([lesson], tmp_path, rows=40, cols=100)
    asked = 0
    while True:
        which = child.expect_exact(["-- more: Enter", "q quit: ", "Your answer (:h hint", "End of the lesson"])
        if which == 0:
            child.sendline("")
        elif which == 1:
            child.sendline("")
        elif which == 2:
            question = child.before.rsplit("Your turn: ", 1)[1]
            item = next(it for text, it in items.items() if " ".join(text.split()) in " ".join(question.split()))
            asked += 1
            child.sendline("")
            said(child, "Skip this one? It will not count as solved. (y/n)")
            child.sendline("n")
            if item.at:  # a number exercise: an expression in its letters is refused, not judged
                name = item.at[0][0]
                child.sendline(f"{name}/4 + {name}")
                said(child, "This asks for a number:")
            child.sendline(item.answer)
            child.expect("Right")
            child.expect("Press Enter")
            child.expect_exact("Your answer (:h hint")
            child.sendline("")
        else:
            break
    said(child, f"Well done: all {len(items)} exercises solved!")
    finish(child)
    assert asked == len(items)
    listing = spawn([], tmp_path)
    listing.expect(pexpect.EOF)
    assert re.search(rf"{re.escape(lesson)} .* done, {len(items)}/{len(items)} solved, {len(items)} attempts?",
                     listing.before)
