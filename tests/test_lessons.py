"""Lesson mode: the shipped lessons, answer checking, diagnosis, progress, the piped printout and a real pty run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from derivtutor import progress
from derivtutor.lesson_files import Item, LessonError, clean_text, default_dir, find, load_all, load_lesson
from derivtutor.lesson_player import build_screens
from derivtutor.lessons import answer_matches_engine, automatic_mistakes, prepare_exercise, with_override
from derivtutor.verify import equal

ROOT = Path(__file__).resolve().parent.parent
EXPECTED_ORDER = ["derivative", "basic-rules", "chain-rule", "sigmoid", "partial", "error", "output-layer",
                  "hidden-layer"]


def run(args: list[str], home: Path, stdin: str = "", env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, DERIVTUTOR_HOME=str(home), NO_COLOR="1", COLUMNS="100", PYTHONPATH=str(ROOT))
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "derivtutor", "lesson", *args], input=stdin, capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


# ------------------------------------------------------------------------------------------- the shipped lessons
def test_all_lessons_load_in_order() -> None:
    lessons = load_all()
    assert [lesson.name for lesson in lessons] == EXPECTED_ORDER
    assert default_dir() == ROOT / "lessons"
    for lesson in lessons:
        kinds = {item.kind for item in lesson.items}
        assert kinds == {"text", "derivation", "exercise"}, lesson.name


@pytest.mark.parametrize("name", EXPECTED_ORDER)
def test_every_exercise_answer_equals_the_engine(name: str) -> None:
    lesson = find(load_all(), name)
    screens = build_screens(lesson)  # derives (and verifies) every derivation and exercise
    exercises = [s.exercise for s in screens if s.exercise is not None]
    assert len(exercises) == len(lesson.exercises) >= 2
    for exercise in exercises:
        assert answer_matches_engine(exercise) is True, (name, exercise.item.number)
        assert exercise.check(exercise.item.answer).kind == "right"
        assert len(exercise.item.hints) == 4  # nudge, rule, substitution, full step
        assert exercise.mistakes, (name, exercise.item.number)  # every exercise can diagnose something
        for mistake in exercise.mistakes:
            assert equal(mistake.expr, exercise.answer) is False, (name, exercise.item.number, mistake.message)
        for listed in exercise.item.mistakes:  # a listed wrong answer gets exactly its own message
            verdict = exercise.check(listed.answer)
            assert verdict.kind == "wrong" and listed.message in verdict.message


# ------------------------------------------------------------------------------------------- checking and diagnosis
def exercise(expression: str, answer: str, wrt: str = "", at: tuple = ()) -> object:
    return prepare_exercise(Item("exercise", 1, text="q", expression=expression, answer=answer, wrt=wrt, at=at,
                                 hints=("h",)))


def test_other_forms_are_accepted_and_the_usual_form_is_named() -> None:
    ex = exercise("1/(1 + e^(-x))", "sigma(x)(1 - sigma(x))")
    verdict = ex.check("e^-x/(1+e^-x)^2")
    assert verdict.kind == "right"
    assert verdict.message == "Right! The usual way to write it is σ(x) · (1 - σ(x))."
    assert ex.check("sigma(x)(1 - sigma(x))").message == "Right!"


def test_automatic_diagnosis_from_the_tree() -> None:
    ex = exercise("e^(-x)", "-e^(-x)")
    verdict = ex.check("e^-x")
    assert verdict.kind == "wrong" and verdict.mistake.automatic
    assert "minus sign is missing" in verdict.message
    assert "inner derivative" in exercise("(2x+1)^3", "6(2x+1)^2").check("3(2x+1)^2").message
    assert "treated a·w as a constant" in exercise("w*a + b", "a", wrt="w").check("0").message
    assert "twice the right one" in exercise("1/2*(t-o)^2", "o - t", wrt="o").check("2o - 2t").message
    assert "sign is wrong" in exercise("x^3", "3x^2").check("-3x^2").message
    plain = exercise("x^3", "3x^2").check("x^2")
    assert plain.kind == "wrong" and plain.message.startswith("Not quite: that is not equal")
    assert "3x" not in plain.message  # feedback, not the solution


def test_unreadable_answer_is_one_line_and_escaped() -> None:
    verdict = exercise("x^2", "2x").check("\x1b[31m2x")
    assert verdict.kind == "unreadable" and "\x1b" not in verdict.message and "\\x1b" in verdict.message


def test_with_override_leaves_the_tree_as_it_was() -> None:
    ex = exercise("1/(1 + e^(-x))", "sigma(x)(1 - sigma(x))")
    d = ex.derivation
    before = d.root.result
    backs = [layer.back for layer in d.root.layers]
    wrong = with_override(d.root, d.root.layers[2].step, sympy_one())
    assert equal(wrong, -before) is True  # dh/dx = -1 replaced by 1 flips the sign of the whole answer
    assert d.root.result == before and [layer.back for layer in d.root.layers] == backs
    auto = automatic_mistakes(d)
    # every subset of the three chain factors left out (6), d eʰ taken as h′ or by the power rule, σ′ = σ, -answer
    assert len(auto) == 10
    assert {m.slip for m in auto} == {"lost_sign", "outer_only", "chain_factors_missing",
                                      "exponent_only", "power_rule_on_exp", "sigma_prime_is_sigma", "flipped_sign"}
    assert [m.expr for m in auto][-1] == -d.final


def sympy_one() -> object:
    import sympy

    return sympy.S.One


def test_at_values() -> None:
    ex = exercise("x^2", "6", at=(("x", "3"),))
    assert ex.check("6").kind == "right" and ex.check("9").kind == "wrong"


# ------------------------------------------------------------------------------------------- validation
def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
title = "Mine"
order = 1
[[items]]
type = "text"
text = "Hello \\u001b[31m there"
[[items]]
type = "exercise"
question = "d/dx x^2?"
expression = "x^2"
answer = "2x"
hints = ["power rule"]
"""


def test_validation_errors_name_file_item_and_field(tmp_path: Path) -> None:
    bad = write(tmp_path, GOOD.replace('answer = "2x"\n', ""))
    with pytest.raises(LessonError) as err:
        load_lesson(bad)
    assert str(err.value) == f"{bad}: item 2: missing 'answer'"
    typo = write(tmp_path, GOOD.replace("hints =", "hint ="), "typo.toml")
    with pytest.raises(LessonError, match=r"typo.toml: item 2: unknown field 'hint' \(did you mean 'hints'\?\)"):
        load_lesson(typo)
    broken = write(tmp_path, "title = ", "broken.toml")
    with pytest.raises(LessonError, match="broken.toml: is not valid TOML"):
        load_lesson(broken)
    result = run(["--dir", str(tmp_path)], tmp_path / "home")
    assert result.returncode == 2
    assert result.stderr.startswith("derive: ") and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_control_characters_never_reach_the_terminal(tmp_path: Path) -> None:
    assert clean_text("a\x1b[2Jb\u202ec\td") == "a\\x1b[2Jb\\u202ec    d"
    write(tmp_path, GOOD)
    result = run(["--dir", str(tmp_path), "mine"], tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "Hello \\x1b[31m there" in result.stdout


def test_a_teachers_folder_and_an_unknown_name(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    listing = run(["--dir", str(tmp_path)], tmp_path / "home")
    assert listing.returncode == 0 and "1. mine  Mine  new" in listing.stdout
    unknown = run(["chian-rule"], tmp_path / "home")
    assert unknown.returncode == 2
    assert unknown.stderr == "derive: no lesson called 'chian-rule'; did you mean 'chain-rule'?\n"


def test_listing_does_not_import_sympy(tmp_path: Path) -> None:
    code = ("import sys; from derivtutor.lesson_player import run_lesson_command; run_lesson_command(None); "
            "assert 'sympy' not in sys.modules, 'sympy imported'")
    env = dict(os.environ, DERIVTUTOR_HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Continue with: derive lesson derivative" in result.stdout


# ------------------------------------------------------------------------------------------- progress
def test_progress_round_trip_is_atomic(tmp_path: Path) -> None:
    store = progress.load(tmp_path)
    store.of("sigmoid").screen = 4
    store.last = "sigmoid"
    assert progress.save(store) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == [".progress.lock", "progress.json"]  # no temp file left
    again = progress.load(tmp_path)
    assert again.last == "sigmoid" and again.of("sigmoid").screen == 4 and again.of("sigmoid").state == "in progress"


def test_corrupt_progress_is_moved_aside_and_the_learner_starts_fresh(tmp_path: Path) -> None:
    (tmp_path / "progress.json").write_text("{not json", encoding="utf-8")
    result = run([], tmp_path)
    assert result.returncode == 0
    assert result.stderr.strip().splitlines() == [
        f"derive: your progress file {tmp_path / 'progress.json'} was damaged; starting fresh "
        f"(the old file is kept as progress.json.corrupt.1)"]
    assert (tmp_path / "progress.json.corrupt.1").read_text(encoding="utf-8") == "{not json"
    assert "1. derivative" in result.stdout and "new" in result.stdout
    wrong_shape = tmp_path / "progress.json"
    wrong_shape.write_text(json.dumps({"lessons": {"x": {"screen": "three"}}}), encoding="utf-8")
    assert progress.load(tmp_path).warning is not None


def test_reset(tmp_path: Path) -> None:
    (tmp_path / "progress.json").write_text(json.dumps({"last": "error", "lessons": {"error": {"screen": 2}}}))
    assert "in progress" in run([], tmp_path).stdout
    result = run(["--reset", "--yes"], tmp_path)
    assert result.returncode == 0 and "Progress cleared" in result.stdout
    assert not (tmp_path / "progress.json").exists()


# ------------------------------------------------------------------------------------------- piped and pty runs
def test_piped_run_prints_straight_through(tmp_path: Path) -> None:
    result = run(["chain-rule"], tmp_path, stdin="")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    count = len(find(load_all(), "chain-rule").items)  # one screen per item
    assert f"The chain rule: 1 of {count}" in out and f"The chain rule: {count} of {count}" in out
    assert "Answer: 12·(-2 + 3x)³" in out or "Answer: 12·(3x - 2)³" in out
    assert "Hint 4 of" not in out and "Hint 4: df/dx = e⁻ˣ · (-1) = -e⁻ˣ." in out
    assert not (tmp_path / "progress.json").exists()  # reading a printout is not progress


def spawn(args: list[str], home: Path) -> pexpect.spawn:
    env = dict(os.environ, DERIVTUTOR_HOME=str(home), NO_COLOR="1", COLUMNS="120", PYTHONPATH=str(ROOT))
    return pexpect.spawn(sys.executable, ["-m", "derivtutor", "lesson", *args], env=env, cwd=str(ROOT),
                         encoding="utf-8", timeout=60, dimensions=(40, 120))


def test_a_whole_lesson_in_a_pseudo_terminal(tmp_path: Path) -> None:
    """Superseded by tests/test_lesson_player_pty.py (a scripted learner plays every shipped lesson)."""
    pytest.skip("the player's keys and screens changed (issue 14); see test_lesson_player_pty.py")


def test_an_unknown_preset_is_a_lesson_error(tmp_path: Path) -> None:
    """(Every known preset plays, whatever it builds: tests/test_built.py. Issue 11 fixed the old refusal.)"""
    write(tmp_path, GOOD.replace('type = "text"\n', 'type = "derivation"\npreset = "sigmoidd"\n')
          .replace('text = "Hello \\u001b[31m there"\n', ""))
    result = run(["--dir", str(tmp_path), "mine"], tmp_path / "home")
    assert result.returncode == 2
    assert result.stderr.startswith(f"derive: {tmp_path / 'mine.toml'}: item 1: no named derivation 'sigmoidd'")


@pytest.mark.parametrize(("answer", "problem"), [
    ("3x +", "'answer': column 5: expected a number"),
    ("3x", "'answer': 3x is not the derivative the engine finds (2*x)"),
])
def test_a_lesson_whose_answer_is_unusable_or_wrong_is_refused_in_one_line(tmp_path, answer, problem):
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "one.toml").write_text(
        'title = "One"\norder = 1\nsummary = "s"\n\n[[items]]\ntype = "exercise"\n'
        f'question = "What is d/dx x^2?"\nexpression = "x^2"\nanswer = "{answer}"\n'
        'hints = ["a", "b", "c", "d"]\n', encoding="utf-8")
    result = run(["one", "--dir", str(folder)], tmp_path / "home")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"derive: {folder / 'one.toml'}: item 1: ")
    assert problem in lines[0]
