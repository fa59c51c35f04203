"""`derive practice`: generated exercises, each derived by the engine and verified, judged by the one judge."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
import sympy

from derivtutor.parsing import parse_expression
from derivtutor.practice import SKILLS, generate, record
from derivtutor.progress import Progress
from derivtutor.verify import equal

ROOT = Path(__file__).resolve().parent.parent
QUESTION = re.compile(r"d/d(\w+) of (.+) = \?")


def env(home: Path, **extra: str) -> dict:
    return dict(os.environ, DERIVTUTOR_HOME=str(home), NO_COLOR="1", PYTHONPATH=str(ROOT), **extra)


def test_the_issue_lists_every_skill() -> None:
    assert list(SKILLS) == ["power", "chain", "product", "quotient", "exp/log", "sigmoid", "partial", "error",
                            "output-weight", "hidden-weight"]


@pytest.mark.parametrize("skill", list(SKILLS))
def test_every_generated_exercise_is_verified_and_reads_back(skill: str) -> None:
    rng, seen = random.Random(7), set()
    for _ in range(4):
        exercise = generate(skill, rng, seen)
        assert equal(exercise.derivation.final, sympy.diff(exercise.expr, exercise.var)) is True
        # the printed answer (ASCII form) reads back through our own reader to the same derivative
        written = exercise.answer_text(unicode=False)
        back = parse_expression(written)
        names = {s.name: s for s in exercise.expr.free_symbols}
        back = back.xreplace({s: names[s.name] for s in back.free_symbols if s.name in names})
        assert equal(back, exercise.derivation.final) is True, (skill, exercise.text, written)
    assert len(seen) == 4


def test_chain_serves_twenty_distinct_exercises() -> None:
    rng, seen = random.Random(1), set()
    texts = [generate("chain", rng, seen).text for _ in range(20)]
    assert len(set(texts)) == 20


def test_mastery_is_the_share_of_the_latest_answers() -> None:
    store = Progress()
    for right in (True, True, False):
        entry = record(store, "chain", right)
    assert entry == {"mastery": round(2 / 3, 4), "tries": 3, "right": 2, "recent": [1, 1, 0]}
    for _ in range(10):
        entry = record(store, "chain", True)
    assert entry["tries"] == 13 and entry["recent"] == [1] * 10 and entry["mastery"] == 1.0


def test_piped_practice_prints_twenty_distinct_verified_exercises(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "derivtutor", "practice", "chain", "--count", "20"],
                            input="", capture_output=True, text=True, env=env(tmp_path, PYTHONIOENCODING="ascii"),
                            cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    questions = QUESTION.findall(result.stdout)
    answers = re.findall(r"Answer: (.+?)   \(checked equal to sympy.diff\)", result.stdout)
    assert len(questions) == 20 and len({q for _, q in questions}) == 20 and len(answers) == 20
    for (var, question), answer in zip(questions, answers, strict=True):
        expr = parse_expression(question)
        x = next(s for s in expr.free_symbols if s.name == var)
        given = parse_expression(answer).xreplace({s: x for s in parse_expression(answer).free_symbols})
        assert equal(given, sympy.diff(expr, x)) is True, (question, answer)


def test_a_learner_answers_twenty_in_a_row_and_mastery_is_saved(tmp_path: Path) -> None:
    child = pexpect.spawn(sys.executable, ["-m", "derivtutor", "practice", "chain"], cwd=str(ROOT),
                          env=env(tmp_path, DERIVTUTOR_ASCII="1"), encoding="utf-8", timeout=90,
                          dimensions=(30, 100))
    child.expect("Practice: chain")
    seen = set()
    for number in range(20):
        child.expect(QUESTION)
        var, text = child.match.group(1), child.match.group(2).strip()
        seen.add(text)
        expr = parse_expression(text)
        x = next(s for s in expr.free_symbols if s.name == var)
        child.expect("Your answer")
        if number == 0:
            child.sendline("b")  # an answer, not a key: judged
            child.expect("Not quite")
        child.sendline(str(sympy.diff(expr, x)).replace("**", "^"))
        child.expect("Right")
        if number < 4:  # too few answers for a percentage: the count only
            child.expect_exact(f"Mastery of chain: {number} of {number + 1} right first time (a percentage after 5")
        else:
            child.expect(r"Mastery of chain: \d+% \(")
    child.expect("Your answer")
    child.sendline(":q")
    child.expect("Practice saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and len(seen) == 20
    skills = json.loads((tmp_path / "progress.json").read_text(encoding="utf-8"))["skills"]
    assert skills["chain"]["tries"] == 20 and skills["chain"]["right"] == 19 and skills["chain"]["mastery"] == 1.0

    listed = subprocess.run([sys.executable, "-m", "derivtutor", "practice"], capture_output=True, text=True,
                            env=env(tmp_path), cwd=ROOT, timeout=120)
    assert ("chain          Mastery of chain: 100% (10 of your last 10 right first time; 19 of 20 in all)."
            in listed.stdout)


def test_an_unknown_skill_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "derivtutor", "practice", "chian"], capture_output=True,
                            text=True, env=env(tmp_path), cwd=ROOT, timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("derive: no practice called 'chian'; the skills are: power, chain")
    assert len(result.stderr.strip().splitlines()) == 1
