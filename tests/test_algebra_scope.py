"""Algebra moves are scoped (issue 11): a move written for a preset runs for that preset only.

The bug: `derive "alpha*x - theta*x" --wrt x` answered -(θ - α) and said "the error is written as target minus
output", because the error preset's move sat in one global list and fired on anything starting with a and t.
"""

from __future__ import annotations

import pytest
from conftest import run_cli

from derivtutor import algebra
from derivtutor.presets import PRESETS
from derivtutor.targets import build
from derivtutor.teaching import ALGEBRA_MOVES

PRESET_ONLY = {  # preset -> the moves it alone may use
    "error": ["minus_outside"],
    "tanh": ["split_difference", "one_minus_square", "recognise_tanh"],
    "bce": ["multiply_out", "cancel_terms"],
}
GENERAL = {"split_fraction", "add_subtract_one", "divide_out", "recognise_sigma",  # sigmoid_form's moves
           "divide_top_bottom"}  # softplus_sigma's
PRESET_MOVES = {m for moves in PRESET_ONLY.values() for m in moves} - GENERAL

TYPED = [  # each preset's raw expression, typed with the learner's letters and with other letters
    ("1/2 (t_k - a_k)^2", "a_k"),
    ("1/2*((theta_1 - alpha_1)^2 + (theta_2 - alpha_2)^2 + (theta_3 - alpha_3)^2)", "alpha_2"),
    ("alpha*x - theta*x", "x"),
    ("ln(1 + exp(y))", None),
    ("ln(1 + e^x)", None),
    ("(exp(y) - exp(-y))/(exp(y) + exp(-y))", None),
    ("-(p*ln(sigma(y)) + (1-p)*ln(1 - sigma(y)))", "y"),
    ("-(t*ln(sigma(z)) + (1-t)*ln(1 - sigma(z)))", "z"),
]


def test_presets_still_use_their_own_moves() -> None:
    """The scoping takes nothing from the presets (so the tests below cannot pass by the moves being gone)."""
    for name, moves in PRESET_ONLY.items():
        built = PRESETS[name].build()
        assert [step.move for step in built.derivation.algebra] == moves


def test_only_general_moves_are_offered_to_everyone() -> None:
    assert algebra.MOVES == [algebra.sigmoid_form, algebra.softplus_sigma]


@pytest.mark.parametrize(("text", "wrt"), TYPED)
def test_typed_expressions_get_only_general_moves(text: str, wrt: str | None) -> None:
    moves = [step.move for step in build(text, wrt).algebra]  # general final moves (final_form) may follow
    assert not set(moves) & PRESET_MOVES, moves


def test_typed_sigmoid_still_gets_the_general_sigmoid_algebra() -> None:
    assert [step.move for step in build("1/(1+exp(-y))").algebra][-1] == "recognise_sigma"


def test_alpha_x_minus_theta_x_is_not_called_target_minus_output() -> None:
    run = run_cli("alpha*x - theta*x", "--wrt", "x")
    assert run.returncode == 0, run.stderr
    assert "target" not in run.stdout and "minus sign outside" not in run.stdout
    assert "Answer: ∂f/∂x = α - θ  ✓" in run.stdout.splitlines()  # α, θ held constant: partial
    preset_words = {ALGEBRA_MOVES[m].name for m in PRESET_MOVES}
    assert not [words for words in preset_words if words in run.stdout]
