"""One idea per screen, in letters free on the screen (issue 14, items 7 and 8).

An algebra move's general formula ((a − b)/a = 1 − b/a) is written with letters the screen does not use, as rule
cards are; a preset's algebra moves are shown one per lesson screen (`show = "move N"`).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sympy
from conftest import run_cli

from derivtutor.document import RuleCard, algebra_move_blocks, build_document
from derivtutor.engine import derive
from derivtutor.explain import move_formula, move_name, move_why, screen_names
from derivtutor.lesson_files import LessonError, find, load_all, load_lesson
from derivtutor.lessons import derivation_for
from derivtutor.parsing import parse_expression
from derivtutor.teaching import ALGEBRA_MOVES

ROOT = Path(__file__).resolve().parent.parent
NEURON = "1/(1+exp(-a*x-b))"  # an input a and a bias b on the screen


def letters_of(text: str) -> set[str]:
    """The single-letter names in a formula (e is Euler's number, σ a function)."""
    return set(re.findall(r"(?<![A-Za-z])([A-Za-z])(?![A-Za-z])", text)) - {"e"}


def neuron() -> object:
    a, b, x = (sympy.Symbol(n, real=True) for n in "abx")
    return derive(1 / (1 + sympy.exp(-a * x - b)), x)


# ---------------------------------------------------------------------------------------------- move letters
def test_a_move_formula_keeps_its_letters_when_they_are_free() -> None:
    assert move_formula("divide_out", {"x", "f", "g", "h"}) == "(a − b)/a = a/a − b/a = 1 − b/a"
    assert move_formula("recognise_sigma", set()) == "1/(1 + e⁻ᵘ) = σ(u)"


@pytest.mark.parametrize("move", [m for m, text in ALGEBRA_MOVES.items() if text.letters])
def test_a_move_formula_never_uses_a_letter_taken_on_the_screen(move: str) -> None:
    text = ALGEBRA_MOVES[move]
    taken = set(text.letters) | {"x", "f", "g", "h"}
    formula = move_formula(move, taken)
    assert formula and not letters_of(formula) & taken, formula
    assert not letters_of(move_formula(move, taken, latex=True).replace("\\", " \\")) & taken
    assert not letters_of(move_name(move, taken)) & set(text.letters)
    # raised letters are renamed too: no eᵘ left when u is taken
    assert not {ch for ch in formula if ch in "ᵘᵃᵇᵐⁿ"}
    words = letters_of(text.why) - {"a", "A"}  # the article
    assert text.why and not words & set(text.letters), "the why never uses the placeholder letters"


def test_the_renamed_formula_reads_back_as_the_same_identity() -> None:
    """(p − q)/p = p/p − q/p = 1 − q/p is still true: each side reads back to the same value."""
    for move in ("divide_out", "split_fraction", "add_subtract_one"):
        sides = [parse_expression(side.replace("−", "-")) for side in move_formula(move, {"a", "b"}).split(" = ")]
        assert all(sympy.simplify(side - sides[0]) == 0 for side in sides), move


def test_derive_a_neuron_writes_its_algebra_cards_without_its_own_a_and_b() -> None:
    result = run_cli(NEURON, "--wrt", "x")
    assert result.returncode == 0, result.stderr
    algebra = result.stdout[result.stdout.index("Algebra:"):]
    assert "(a − b)/a" not in algebra and "b/a²" not in algebra
    assert "(p − q)/p = p/p − q/p = 1 − q/p" in algebra and "q/p² = 1/p · q/p" in algebra
    plain = run_cli("sigmoid").stdout  # nothing on the sigmoid's screen is called a or b: the usual letters
    assert "(a − b)/a = a/a − b/a = 1 − b/a" in plain


def test_the_document_cards_of_moves_carry_their_formula_in_free_letters() -> None:
    d = neuron()
    cards = [b for b in build_document(d).blocks if isinstance(b, RuleCard)]
    moves = {ALGEBRA_MOVES[m.move].name: m.move for m in d.algebra}
    move_cards = [card for card in cards if card.name in moves]
    assert len(move_cards) == 4 and all(card.formula for card in move_cards)
    for card in move_cards:
        assert not letters_of(card.formula) & screen_names(d), card.formula
    assert move_why("divide_out", screen_names(d)).startswith("(p − q)/p")


def test_one_move_blocks_are_the_line_before_the_line_after_and_the_card() -> None:
    d = neuron()
    blocks = algebra_move_blocks(d, 3)
    heading, before, after, card = blocks
    assert heading.text == "Algebra, move 3 of 4: divide each term by the bottom"
    assert before.rhs.expr == d.algebra[1].after and after.rhs.expr == d.algebra[2].after and after.checked
    assert card.formula == "(p − q)/p = p/p − q/p = 1 − q/p"
    assert algebra_move_blocks(d, 3, {"p"})[3].formula == "(q − r)/q = q/q − r/q = 1 − r/q"  # the lesson's names


# ---------------------------------------------------------------------------------------------- lesson screens
def play_piped(name: str, home: Path, directory: Path | None = None) -> list[str]:
    env = dict(os.environ, DERIVTUTOR_HOME=str(home), NO_COLOR="1", COLUMNS="100", PYTHONPATH=str(ROOT))
    args = [sys.executable, "-m", "derivtutor", "lesson", name] + (["--dir", str(directory)] if directory else [])
    out = subprocess.run(args, input="", capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    return re.split(r"─+ .*: \d+ of \d+ ─+", out.stdout)[1:]


def test_the_sigmoid_lesson_shows_its_four_algebra_moves_one_per_screen(tmp_path: Path) -> None:
    screens = play_piped("sigmoid", tmp_path)
    afters = ["= 1/(1 + e⁻ˣ) · e⁻ˣ/(1 + e⁻ˣ)  ✓", "= 1/(1 + e⁻ˣ) · (1 + e⁻ˣ - 1)/(1 + e⁻ˣ)  ✓",
              "= 1/(1 + e⁻ˣ) · (1 - 1/(1 + e⁻ˣ))  ✓", "= σ(x) · (1 - σ(x))  ✓"]
    holding = [[n for n, screen in enumerate(screens) if after in screen] for after in afters]
    assert all(len(where) == 1 for where in holding), holding  # each move on exactly one screen ...
    assert len({where[0] for where in holding}) == 4  # ... and no two on the same one
    for number, where in enumerate(holding, start=1):
        assert f"Algebra, move {number} of 4: " in screens[where[0]]
    steps = next(screen for screen in screens if "df/dx step by step" in screen)
    assert "Algebra:" not in steps and "Answer: df/dx = e⁻ˣ/(1 + e⁻ˣ)²" in steps


NEURON_LESSON = '''title = "Neuron"
[[items]]
type = "derivation"
expression = "1/(1 + e^(-a*x - b))"
wrt = "x"
show = "steps"

[[items]]
type = "derivation"
expression = "1/(1 + e^(-a*x - b))"
wrt = "x"
show = "move {n}"
'''


@pytest.mark.parametrize("move, general", [(1, "q/p² = 1/p · q/p"), (3, "(p − q)/p = p/p − q/p = 1 − q/p")])
def test_a_lesson_screen_with_an_input_a_and_a_bias_b_has_no_card_letter_clash(tmp_path: Path, move: int,
                                                                                general: str) -> None:
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "neuron.toml").write_text(NEURON_LESSON.format(n=move), encoding="utf-8")
    steps, shown = play_piped("neuron", tmp_path, folder)
    assert f"In general: {general}" in shown
    assert "b/a" not in shown and "(a − b)" not in shown and "b/a" not in steps


def write(tmp_path: Path, show: object, preset: str = "sigmoid") -> Path:
    path = tmp_path / "s.toml"
    value = f'"{show}"' if isinstance(show, str) else str(show)
    path.write_text(f'title = "S"\n[[items]]\ntype = "derivation"\npreset = "{preset}"\nshow = {value}\n',
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("show", ["move 0", "moves 1", "move", "all of it", 3, ""])
def test_show_must_be_all_steps_or_move_n(tmp_path: Path, show: object) -> None:
    with pytest.raises(LessonError, match="'show' must be \"all\", \"steps\" or \"move N\""):
        load_lesson(write(tmp_path, show))


def test_show_names_a_move_that_exists(tmp_path: Path) -> None:
    item = load_lesson(write(tmp_path, "move 4")).items[0]
    assert derivation_for(item).algebra[3].move == "recognise_sigma"
    with pytest.raises(LessonError, match="item 1: 'show': there is no move 5; this derivation has 4 algebra moves"):
        derivation_for(load_lesson(write(tmp_path, "move 5")).items[0])
    with pytest.raises(LessonError, match="no algebra moves to show apart"):
        derivation_for(load_lesson(write(tmp_path, "steps", preset="relu")).items[0])
    steps = derivation_for(load_lesson(write(tmp_path, "steps")).items[0])
    assert steps.algebra == [] and steps.final == steps.result


def test_lesson_check_reports_a_move_that_does_not_exist(tmp_path: Path) -> None:
    result = run_cli("lesson", "--check", str(write(tmp_path, "move 9")))
    assert result.returncode == 2
    assert "item 1: 'show': there is no move 9" in result.stdout


def test_the_shipped_lessons_name_only_moves_that_exist() -> None:
    for lesson in load_all():
        for item in lesson.items:
            if item.kind == "derivation" and item.show:
                derivation_for(item)  # raises LessonError otherwise
    assert [item.show for item in find(load_all(), "sigmoid").items if item.show] == [
        "steps", "move 1", "move 2", "move 3", "move 4"]


# ---------------------------------------------------------------------------------------------- recall, not copy
def spellings(text: str) -> str:
    return re.sub(r"[\s·*()]", "", text.replace("−", "-"))


def says(text: str, answers: set[str]) -> bool:
    """Does `text` state one of the answers as a whole (5 in '= 5.', not the 5 of 5x)?"""
    text = spellings(text)
    return any(re.search(r"(?<![\w.^⁻∂])" + re.escape(a) + r"(?![\w.^⁰¹²³⁴⁵⁶⁷⁸⁹])", text) for a in answers)


def test_no_mistake_message_and_no_screen_before_an_exercise_gives_its_answer_away() -> None:
    """A wrong answer gets a diagnosis, not the answer to copy; the screen before an exercise does not print it."""
    from derivtutor.lessons import prepare_exercise

    for lesson in load_all():
        before = None
        for item in lesson.items:
            if item.kind == "exercise":
                exercise = prepare_exercise(item)
                answers = {spellings(item.answer), spellings(exercise.usual_text(True)),
                           spellings(exercise.usual_text(False))}
                for mistake in item.mistakes:
                    assert not says(mistake.message, answers), (lesson.name, item.number, mistake.message)
                if before is not None and before.kind == "text":
                    assert not says(before.text, answers), (lesson.name, item.number)
                if before is not None and before.kind == "derivation":
                    assert (before.expression, before.wrt) != (item.expression, item.wrt), (lesson.name, item.number)
            before = item


def test_on_paper_the_steps_item_shows_the_algebra_once_and_each_move_item_its_words(tmp_path: Path) -> None:
    out = tmp_path / "sigmoid.md"
    result = run_cli("lesson", "sigmoid", "--markdown", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.count("✓ — divide each term by the bottom") == 1  # the algebra, once, in the derivation
    for number, name in enumerate(["split the fraction", "add and subtract 1", "divide each term by the bottom",
                                   "recognise σ"], start=1):
        assert f"## Algebra, move {number} of 4: {name}" in text


def test_the_step_through_writes_rule_and_move_cards_in_letters_free_on_its_screen() -> None:
    sigmoid = run_cli("sigmoid", "--step", input="")
    assert sigmoid.returncode == 0, sigmoid.stderr
    assert "d/du (f + g)" not in sigmoid.stdout  # the layers are called f, g and h here
    assert "sum rule: d/du (p + q) = dp/du + dq/du" in sigmoid.stdout
    neuron_steps = run_cli(NEURON, "--wrt", "x", "--step", input="").stdout
    assert "(a − b)/a" not in neuron_steps and "(p − q)/p = p/p − q/p = 1 − q/p" in neuron_steps


def test_the_step_through_hints_write_formulas_in_letters_free_on_its_screen() -> None:
    """The hint ladder ("This needs the sum rule: ...") and the moves' hints avoid the layers f, g, h and a, b."""
    from derivtutor.stepper import build_steps

    hints = [hint for q in build_steps(neuron()) for hint in q.hints]
    assert any("sum rule: d/du (p + q)" in hint for hint in hints)
    assert not any("(f + g)" in hint or "(a − b)" in hint or "b/a" in hint for hint in hints), hints
    assert any(hint.startswith("(p − q)/p = p/p − q/p = 1 − q/p") for hint in hints)
