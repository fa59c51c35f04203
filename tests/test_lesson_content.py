"""The lessons' content (issue 14, Q4 and Q5): a scripted learner plays the output-layer and hidden-layer lessons
in a pseudo-terminal, in his own notation and with his numbers; plus the two lesson-file fields the content needs
(`tolerance` for decimals quoted to 9 places, `names` for the lesson's letters such as a_k = σ(net_k))."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from derivtutor.lesson_files import LessonError, find, load_all, load_lesson
from derivtutor.lessons import prepare_exercise

ROOT = Path(__file__).resolve().parent.parent
PROMPTS = ["q quit: ", "Your answer", "-- more", "Skip this one", "End of the lesson"]


def spawn(name: str, home: Path) -> pexpect.spawn:
    env = dict(os.environ, DERIVTUTOR_HOME=str(home), NO_COLOR="1", COLUMNS="120", PYTHONPATH=str(ROOT))
    child = pexpect.spawn(sys.executable, ["-m", "derivtutor", "lesson", name], env=env, cwd=str(ROOT),
                          encoding="utf-8", timeout=90, dimensions=(40, 120))
    child.logfile_read = io.StringIO()
    return child


def play(name: str, home: Path, script: list[list[tuple[str, str]]]) -> str:
    """Play a lesson start to end: Enter on reading screens; at the n-th exercise type script[n]'s answers in
    turn, each followed by the words it must get (the last one 'Right'). Returns the whole transcript."""
    child = spawn(name, home)
    exercises = iter(script)
    answered = False
    while True:
        seen = child.expect(PROMPTS)
        if seen in (0, 2):  # a reading screen, or more of a long one
            child.sendline("")
        elif seen == 3:
            raise AssertionError(f"an exercise was about to be skipped:\n{child.logfile_read.getvalue()[-2000:]}")
        elif seen == 4:
            break
        elif answered:  # the exercise was solved: Enter goes on
            answered = False
            child.sendline("")
        else:
            tries = next(exercises)
            for number, (typed, verdict) in enumerate(tries):
                if number:
                    child.expect("Your answer")
                child.sendline(typed)
                child.expect(verdict)
            assert "Right" in tries[-1][1]
            answered = True
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert next(exercises, None) is None, "the lesson has fewer exercises than the script"
    return child.logfile_read.getvalue()


def solved(home: Path, name: str) -> list[int]:
    return json.loads((home / "progress.json").read_text())["lessons"][name]["solved"]


# ---------------------------------------------------------------------------------------------- Q5, in numbers
HIDDEN_SCRIPT = [
    [("0.138498562", re.escape("That is δ_o1 alone")), ("0.055399425", "Right!")],
    [("0.019049118", "Check the sign: δ_o2 is negative"), ("-0.019049118", "Right!")],
    [("0.055399425", "only the path through o₁"),
     ("0.036350307", "Right! Rounded as the lesson quotes it: 0.036350306")],
    [("0.00877", "Close, but not close enough"), ("0.036350306", re.escape("That is ∂E/∂a_h1")),
     ("0.008771355", "Right!")],
    [("0.001315703", "You multiplied by w₁"), ("0.000438568", "Right!")],
]


def test_the_hidden_layer_lesson_has_the_learner_compute_delta_h1_and_dE_dw1(tmp_path: Path) -> None:
    transcript = play("hidden-layer", tmp_path, HIDDEN_SCRIPT)
    assert "∂E/∂wᵢⱼ = Σₖ [ ∂E/∂aₖ · daₖ/dnetₖ · ∂netₖ/∂aⱼ ] · daⱼ/dnetⱼ · ∂netⱼ/∂wᵢⱼ" in transcript  # hidden-weight
    assert "δⱼ = Σₖ(δₖ·wⱼₖ)·(aⱼ·(1 - aⱼ))" in transcript
    for command in ("derive hidden-weight", "derive network", "derive network --graph", "derive graph"):
        assert command in transcript
    assert "v₁" not in transcript and "v_1" not in transcript  # no layer v next to weights v₁, v₂ any more
    lesson = find(load_all(), "hidden-layer")
    assert solved(tmp_path, "hidden-layer") == [item.number for item in lesson.exercises]


def test_the_hidden_layer_numbers_are_the_classic_networks() -> None:
    """The five answers are derive network's numbers (docs: Mazur's 2-2-2 example), to 9 decimal places."""
    lesson = find(load_all(), "hidden-layer")
    exercises = [prepare_exercise(item) for item in lesson.exercises]
    assert [e.item.answer for e in exercises] == ["0.055399425", "-0.019049118", "0.036350306", "0.008771355",
                                                  "0.000438568"]
    exact = [float(e.answer) for e in exercises]
    assert exact == pytest.approx([0.0553994247, -0.0190491183, 0.0363503064, 0.00877135469, 0.000438567734],
                                  abs=1e-10)
    assert exact[2] == pytest.approx(exact[0] + exact[1], abs=1e-15)  # the total derivative adds the two paths
    assert exercises[2].check("0.055399425 - 0.019049118").kind == "right"  # an expression of numbers is a number
    assert exercises[4].check("0.00043857").kind == "wrong"  # 8 decimals are not 9: 2.7e-9 away
    assert "keep more decimals" in exercises[4].check("0.0004386").message


def test_the_hidden_layer_lesson_has_one_screen_per_item(tmp_path: Path) -> None:
    """One idea per screen; a screen taller than the terminal is paged (tests/test_lesson_player_pty.py)."""
    env = dict(os.environ, DERIVTUTOR_HOME=str(tmp_path), NO_COLOR="1", COLUMNS="100", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-m", "derivtutor", "lesson", "hidden-layer"], input="",
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=120).stdout
    screens = re.split(r"Hidden layers and the total derivative: \d+ of \d+", out)[1:]
    assert len(screens) == 10


# ---------------------------------------------------------------------------------------------- Q4, the three factors
OUTPUT_SCRIPT = [
    [("t_k - a_k", re.escape("∂(t_k − a_k)/∂a_k = −1 is missing")), ("-(t_k - a_k)", "Right!")],
    [("a_k", "That is the sigmoid itself"), ("a_k*(1 - a_k)", "Right!")],
    [("w_jk", "the slope is what multiplies it"), ("a_j", "Right!")],
    [("(a_k - t_k)*a_k*(1 - a_k)*a_j", re.escape("That is ∂E/∂w_jk")), ("delta_k", "Right!")],
    [("-1/8", "That is δ_k"), ("-0.25", "Right!")],
]


def test_the_output_layer_lesson_steps_through_the_output_weight_preset(tmp_path: Path) -> None:
    transcript = play("output-layer", tmp_path, OUTPUT_SCRIPT)
    assert "∂E/∂wⱼₖ = ∂E/∂aₖ · daₖ/dnetₖ · ∂netₖ/∂wⱼₖ" in transcript  # the three factors the first screen promises
    assert "δₖ = -(tₖ - aₖ) · aₖ·(1 - aₖ)" in transcript and "Δwⱼₖ = -η · ∂E/∂wⱼₖ" in transcript
    assert "E(g)" not in transcript and "u(w)" not in transcript  # no other layers peeled than the promised three
    assert "derive output-weight" in transcript
    lesson = find(load_all(), "output-layer")
    assert solved(tmp_path, "output-layer") == [item.number for item in lesson.exercises]


@pytest.mark.parametrize(("lesson", "question", "answer"), [
    ("output-layer", "∂a_k/∂net_k", "a_k*(1 - a_k)"),
    ("output-layer", "∂a_k/∂net_k", "sigma(net_k)*(1 - sigma(net_k))"),
    ("output-layer", "∂a_k/∂net_k", "a_k - a_k^2"),
    ("output-layer", "∂E/∂a_k", "a_k - t_k"),
    ("output-layer", "∂E/∂b_k", "-(t_k - a_k)*a_k*(1 - a_k)"),
    ("output-layer", "∂E/∂b_k", "delta_k"),
    ("error", "E = (t_k − a_k)²", "-2(t_k - a_k)"),
    ("error", "∂E/∂a_2", "a_2 - t_2"),
    ("sigmoid", "dg/dh", "e^h"),
    ("sigmoid", "σ(2x)", "2 sigma(2x)(1 - sigma(2x))"),
])
def test_right_answers_in_the_lessons_own_notation_are_right(lesson: str, question: str, answer: str) -> None:
    item = next(i for i in find(load_all(), lesson).exercises if question in i.text)
    verdict = prepare_exercise(item).check(answer)
    assert verdict.kind == "right", verdict.message
    if answer == item.answer:
        assert verdict.message == "Right!"


def test_the_usual_form_is_said_in_the_lessons_letters() -> None:
    item = next(i for i in find(load_all(), "output-layer").exercises if "∂a_k/∂net_k" in i.text)
    assert "aₖ·(1 - aₖ)" in prepare_exercise(item).check("a_k - a_k^2").message


def test_every_lesson_ends_naming_the_derive_command_that_shows_it_in_full() -> None:
    for lesson in load_all():
        last = lesson.items[-1]
        if lesson.name in ("sigmoid", "chain-rule", "error", "output-layer", "hidden-layer"):
            assert last.kind == "text" and "`derive " in last.text, lesson.name


# ---------------------------------------------------------------------------------------------- the two fields
def lesson_file(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "x.toml"
    path.write_text(f'''title = "X"
[[items]]
type = "exercise"
question = "q"
expression = "sigma(net)"
wrt = "net"
answer = "1/4"
hints = ["one"]
{extra}
''', encoding="utf-8")
    return path


def test_tolerance_needs_at_and_a_small_positive_number(tmp_path: Path) -> None:
    with pytest.raises(LessonError, match="'tolerance' needs 'at'"):
        load_lesson(lesson_file(tmp_path, "tolerance = 1e-9"))
    with pytest.raises(LessonError, match="'tolerance' must be a small positive number"):
        load_lesson(lesson_file(tmp_path, "at = { net = 0 }\ntolerance = -1"))
    item = load_lesson(lesson_file(tmp_path, "at = { net = 0 }\ntolerance = 1e-3")).items[0]
    exercise = prepare_exercise(item)
    assert exercise.check("0.2505").kind == "right" and exercise.check("0.252").kind == "wrong"
    exact = load_lesson(lesson_file(tmp_path, "at = { net = 0 }")).items[0]
    assert prepare_exercise(exact).check("0.2505").kind == "wrong"  # without a tolerance a number must be exact


def test_names_must_be_letters_and_expressions(tmp_path: Path) -> None:
    with pytest.raises(LessonError, match="'names': a_k must be an expression"):
        load_lesson(lesson_file(tmp_path, "names = { a_k = 3 }"))
    path = tmp_path / "o.toml"
    path.write_text('title = "O"\n[[items]]\ntype = "exercise"\nquestion = "do/dnet?"\nexpression = "sigma(net)"\n'
                    'wrt = "net"\nanswer = "o(1 - o)"\nnames = { o = "sigma(net)" }\nhints = ["one"]\n',
                    encoding="utf-8")
    exercise = prepare_exercise(load_lesson(path).items[0])
    assert exercise.check("o(1-o)").kind == "right"
    assert exercise.check("o").kind == "wrong"
