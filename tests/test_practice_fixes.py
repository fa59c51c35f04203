"""Practice as a learner met it: `:p` drills the rule the missed exercise needs, the mastery line's number agrees
with its words, and Enter alone asks before skipping (it never shows the answer)."""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import pexpect
import pytest
import sympy

from derivtutor.engine import derive
from derivtutor.parsing import parse_expression
from derivtutor.practice import focus_of, generate, mastery_line, record, skill_of
from derivtutor.progress import Progress

ROOT = Path(__file__).resolve().parent.parent
QUESTION = r"d/d(\w) of (.+) = \?"


def derivation(text: str, var: str = "x") -> object:
    expr = parse_expression(text)
    return derive(expr, next(s for s in expr.free_symbols if s.name == var))


@pytest.mark.parametrize(("text", "var", "skill"), [
    ("1 + e^h", "h", "exp/log"),  # the sigmoid lesson's middle layer: the exponential rule, not x + 5x^5
    ("x^2 + e^x", "x", "exp/log"),
    ("e^(-x)", "x", "chain"),
    ("(2x + 1)^3", "x", "chain"),
    ("1/(1 + e^(-x))", "x", "sigmoid"),
    ("x e^x", "x", "product"),
    ("e^x/x", "x", "quotient"),
    ("ln x", "x", "exp/log"),
    ("x^3", "x", "power"),
    ("w*a + b", "w", "partial"),
])
def test_the_skill_is_the_rule_the_exercise_needs(text: str, var: str, skill: str) -> None:
    assert skill_of(derivation(text, var)) == skill


def test_a_miss_on_minus_x_drills_minus_signs() -> None:
    d = derivation("-x")
    assert skill_of(d) == "power" and focus_of(d) == {"minus_sign"}
    rng, seen = random.Random(5), set()
    for _ in range(6):
        exercise = generate("power", rng, seen, focus=focus_of(d))
        assert exercise.text.startswith("-") or " - " in exercise.text, exercise.text
    assert focus_of(derivation("1 + e^h", "h")) == frozenset()


def test_the_mastery_line_never_contradicts_its_count() -> None:
    store = Progress()
    entry = record(store, "chain", True)
    assert mastery_line("chain", entry) == "Mastery of chain: 1 of 1 right first time (a percentage after 5 answers)."
    for right in (False, True, True, True):
        entry = record(store, "chain", right)
    assert mastery_line("chain", entry) == "Mastery of chain: 80% (4 of 5 right first time)."
    for right in (False,) * 6:
        entry = record(store, "chain", right)
    assert mastery_line("chain", entry) == ("Mastery of chain: 30% (3 of your last 10 right first time; "
                                            "4 of 11 in all).")
    old = {"mastery": 0.3, "tries": 1, "right": 1}  # saved by an older version: the count only
    assert mastery_line("chain", old) == "Mastery of chain: 1 of 1 right first time (a percentage after 5 answers)."


def spawn(args: list[str], home: Path) -> pexpect.spawn:
    env = dict(os.environ, DERIVTUTOR_HOME=str(home), NO_COLOR="1", PYTHONPATH=str(ROOT), DERIVTUTOR_ASCII="1")
    return pexpect.spawn(sys.executable, ["-m", "derivtutor", *args], env=env, cwd=str(ROOT), encoding="utf-8",
                         timeout=90, dimensions=(40, 100))


def test_enter_alone_at_practice_asks_before_skipping(tmp_path: Path) -> None:
    child = spawn(["practice", "chain", "--seed", "3"], tmp_path)
    child.expect(QUESTION)
    first = child.match.group(2).strip()
    child.expect("Your answer")
    child.sendline("")
    child.expect_exact("Skip this one? It will not count as solved. (y/n)")
    child.sendline("n")
    child.expect_exact("Still here")
    child.expect("Your answer")
    child.sendline("")
    child.expect_exact("Skip this one?")
    child.sendline("y")
    child.expect_exact("Skipped: it counts as not right first time.")
    child.expect_exact("Mastery of chain: 0 of 1 right first time")
    child.expect(QUESTION)
    assert "Answer:" not in child.before  # a skip does not show the answer
    assert child.match.group(2).strip() != first
    child.expect("Your answer")
    child.sendline(":q")
    child.expect("Practice saved")
    child.expect(pexpect.EOF)


LESSON = '''title = "Layers"
order = 1
summary = "The sigmoid's middle layer."

[[items]]
type = "exercise"
question = "What is dg/dh for g(h) = 1 + e^h?"
expression = "1 + e^h"
wrt = "h"
answer = "e^h"
hints = ["two terms", "exponential rule"]
'''


def test_a_fresh_exercise_after_a_miss_on_e_to_the_h_is_an_exponential(tmp_path: Path) -> None:
    course = tmp_path / "course"
    course.mkdir()
    (course / "layers.toml").write_text(LESSON, encoding="utf-8")
    child = spawn(["lesson", "layers", "--dir", str(course)], tmp_path)
    child.expect("Your answer")
    child.sendline("h e^(h-1)")  # the power rule on e^h
    child.expect("Not quite")
    child.sendline(":p")
    child.expect_exact("A fresh exercise of the same kind (exp/log):")
    child.expect(QUESTION)
    var, text = child.match.group(1), child.match.group(2).strip()
    expr = parse_expression(text)
    assert expr.has(sympy.exp) or expr.has(sympy.log), text  # not an x + 5x^5 drill
    symbol = next(s for s in expr.free_symbols if s.name == var)
    child.sendline(str(sympy.diff(expr, symbol)).replace("**", "^"))
    child.expect("Right")
    child.expect_exact("Mastery of exp/log: 1 of 1 right first time")
    child.sendline(":q")
    child.expect(pexpect.EOF)
