"""judge.py and slips.py in process: verdicts, every slip on two targets (and in lessons), workings line by line."""

from __future__ import annotations

import time

import pytest
import sympy

from derivtutor.judge import (
    LineError,
    Working,
    judge_answer,
    judge_working,
    target_for,
    verdict_for_text,
)
from derivtutor.lesson_files import Item
from derivtutor.lessons import prepare_exercise
from derivtutor.parsing import parse_expression
from derivtutor.run import build
from derivtutor.slips import SLIP_ORDER, tree_slips, with_override
from derivtutor.teaching import CHECK_TEXT, SLIPS
from derivtutor.verify import equal

_TARGETS: dict = {}


def target(name: str, wrt: str | None = None) -> object:
    key = (name, wrt)
    if key not in _TARGETS:
        _TARGETS[key] = target_for(build(name, wrt), name)
    return _TARGETS[key]


# (target, wrt, wrong answer, the slip it shows): every slip on at least two targets
SLIP_CASES = [
    ("sigmoid", None, "-1/(1+e^(-x))^2", "outer_only"),
    ("sin(cos(x^2))", None, "cos(cos(x^2))", "outer_only"),
    ("sigmoid", None, "-e^(-x)", "chain_factors_missing"),
    ("output-weight", None, "-(t_k - a_k)*a_k*(1 - a_k)", "chain_factors_missing"),  # a_j left out
    ("(2x+1)^3", None, "3(2x+1)^2", "inner_missing"),
    ("sin(x^2)", None, "cos(x^2)", "inner_missing"),
    ("sigmoid", None, "-e^(-x)/(1+e^(-x))^2", "lost_sign"),
    ("error", None, "t_k - a_k", "lost_sign"),
    ("e^(-x)", None, "e^(-x)", "lost_sign"),
    ("x^3", None, "-3x^2", "flipped_sign"),
    ("sin(x)", None, "-cos(x)", "flipped_sign"),
    ("w*a + b", "w", "0", "product_as_constant"),
    ("net", None, "0", "product_as_constant"),
    ("w*a + b", "w", "1", "product_as_variable"),
    ("net", None, "1", "product_as_variable"),
    ("error", None, "2(a_k - t_k)", "forgot_half"),
    ("1/2*(t-o)^2", "o", "2o - 2t", "forgot_half"),
    ("x^2/2", None, "2x", "forgot_half"),
    ("error", None, "(a_k - t_k)/2", "forgot_two"),
    ("x^2/2", None, "x/2", "forgot_two"),
    ("error", None, "a_1 + a_2 + a_3 - t_1 - t_2 - t_3", "whole_sum"),
    ("net", None, "a_1 + a_2 + a_3", "whole_sum"),
    ("sigmoid", None, "1/(1+e^(-x))^2", "exponent_only"),
    ("e^(x^2)", None, "2x", "exponent_only"),
    ("e^x", None, "x e^(x-1)", "power_rule_on_exp"),
    ("2^x", None, "x 2^(x-1)", "power_rule_on_exp"),
    ("x/(x+1)", None, "-1/(x+1)^2", "quotient_reversed"),
    ("sin(x)/x", None, "(sin(x) - x cos(x))/x^2", "quotient_reversed"),
    ("sigmoid", None, "sigma(x)", "sigma_prime_is_sigma"),
    ("sigma(2x)", None, "2 sigma(2x)", "sigma_prime_is_sigma"),
    ("output-weight", None, "-(t_k - a_k)*a_k*a_j", "sigma_prime_is_sigma"),
]


@pytest.mark.parametrize(("name", "wrt", "answer", "slip"), SLIP_CASES)
def test_each_slip_is_named(name: str, wrt: str | None, answer: str, slip: str) -> None:
    verdict = verdict_for_text(target(name, wrt), answer)
    assert verdict.right is False and verdict.slip == slip, verdict.message
    assert SLIPS[slip].message.split("{")[0][:20] in verdict.message  # the slip's own words
    assert verdict.hint and verdict.hint in {SLIPS[slip].hint} | {verdict.hint}
    assert "{" not in verdict.message and "{" not in verdict.hint  # every detail filled in


def test_every_slip_has_words_and_two_targets() -> None:
    assert set(SLIPS) == set(SLIP_ORDER)
    for slip in SLIPS:
        assert len({(n, w) for n, w, _, s in SLIP_CASES if s == slip}) >= 2, slip


# Expressions (lessons take expressions, not presets): each slip the checker knows is diagnosed in a lesson too.
LESSON_CASES = [
    ("1/(1+e^(-x))", "", "sigma(x)(1 - sigma(x))", "-1/(1+e^(-x))^2", "outer_only"),
    ("1/(1+e^(-x))", "", "sigma(x)(1 - sigma(x))", "-e^(-x)", "chain_factors_missing"),
    ("(2x+1)^3", "", "6(2x+1)^2", "3(2x+1)^2", "inner_missing"),
    ("1/(1+e^(-x))", "", "sigma(x)(1 - sigma(x))", "-e^(-x)/(1+e^(-x))^2", "lost_sign"),
    ("x^3", "", "3x^2", "-3x^2", "flipped_sign"),
    ("w*a + b", "w", "a", "0", "product_as_constant"),
    ("w*a + b", "w", "a", "1", "product_as_variable"),
    ("x^2/2", "", "x", "2x", "forgot_half"),
    ("x^2/2", "", "x", "x/2", "forgot_two"),
    ("w_1k*a_1 + w_2k*a_2 + b_k", "w_2k", "a_2", "a_1 + a_2", "whole_sum"),
    ("e^(x^2)", "", "2x e^(x^2)", "2x", "exponent_only"),
    ("e^x", "", "e^x", "x e^(x-1)", "power_rule_on_exp"),
    ("x/(x+1)", "", "1/(x+1)^2", "-1/(x+1)^2", "quotient_reversed"),
    ("sigma(2x)", "", "2 sigma(2x)(1 - sigma(2x))", "2 sigma(2x)", "sigma_prime_is_sigma"),
]


@pytest.mark.parametrize(("expression", "wrt", "right", "wrong", "slip"), LESSON_CASES)
def test_lessons_diagnose_the_same_slips(expression: str, wrt: str, right: str, wrong: str, slip: str) -> None:
    exercise = prepare_exercise(Item("exercise", 1, text="q", expression=expression, answer=right, wrt=wrt,
                                     hints=("h",)))
    verdict = exercise.check(wrong)
    assert verdict.kind == "wrong" and verdict.mistake.slip == slip, verdict.message
    assert exercise.check(right).kind == "right"


def test_lesson_cases_cover_every_slip() -> None:
    assert {case[-1] for case in LESSON_CASES} == set(SLIPS)


# ------------------------------------------------------------------------------------------------ answers
def test_sigmoid_right_in_three_forms_and_the_usual_form_linked() -> None:
    t = target("sigmoid")
    assert judge_answer(t, parse_expression("e^(-x)/(1+e^(-x))^2")).right is True
    plain = judge_answer(t, parse_expression("sigma(x)*(1-sigma(x))"))
    assert plain.right is True and plain.usual is None
    cosh = judge_answer(t, parse_expression("1/(4cosh(x/2)^2)"))
    assert cosh.right is True
    assert cosh.message == "Right. The usual way to write it is σ(x) · (1 - σ(x)); here is why they are equal:"
    assert cosh.link[0][0] == "1/(4·cosh(x/2)²)" and cosh.link[-1][0] == "σ(x) · (1 - σ(x))"
    # every link in the chain reads back to an expression equal to the answer
    x = sympy.Symbol("x", real=True)
    for maths, _ in cosh.link:
        text = maths.replace("·", "*").replace("²", "^2").replace("⁻ˣ", "^(-x)").replace("σ", "sigma")
        assert equal(parse_expression(text), sympy.exp(-x) / (1 + sympy.exp(-x)) ** 2) is True, maths


def test_wrong_answer_without_a_slip_gives_a_rule_hint_not_the_answer() -> None:
    verdict = verdict_for_text(target("x^2 sin(x)"), "2x cos(x)")
    assert verdict.right is False and verdict.slip is None
    assert verdict.hint.startswith("This needs the product rule")
    assert "x²·cos" not in verdict.message + verdict.hint


def test_general_form_of_a_preset_is_accepted() -> None:
    assert verdict_for_text(target("error"), "-(t_k - a_k)").right is True
    assert verdict_for_text(target("error"), "a_2 - t_2").right is True
    assert verdict_for_text(target("net"), "a_j").right is True
    assert verdict_for_text(target("output-weight"), "-(t_k - a_k)*a_k*(1 - a_k)*a_j").right is True


def test_unreadable_answer() -> None:
    verdict = verdict_for_text(target("sigmoid"), "(((")
    assert verdict.status == "unreadable" and "never closed" in verdict.message


def test_a_verdict_that_runs_out_of_time_is_could_not_decide(monkeypatch: pytest.MonkeyPatch) -> None:
    """A comparison that never ends (spinning until the deadline) must end as 'could not decide', whatever the
    machine's speed: the old version raced a real comparison against a 1 ms budget and sometimes lost."""
    from derivtutor import judge, limits

    def never_decides(a: object, b: object) -> bool:
        while True:
            limits.check()

    monkeypatch.setattr(judge, "_equal", never_decides)
    verdict = judge_answer(target("x^2 sin(x)"), parse_expression("x^2"), seconds=0.05)
    assert verdict.right is None and "could not decide" in verdict.message


def test_verdict_time_per_answer() -> None:
    t = target("sigmoid")
    tree_slips(t.derivation)  # the cache is warm after the first answer
    start = time.perf_counter()
    for answer in ("-1/(1+e^(-x))^2", "1/(4cosh(x/2)^2)", "x"):
        verdict_for_text(t, answer)
    assert time.perf_counter() - start < 6  # a loose safety net; the 150 ms target is measured in bench/


def test_with_override_restores_the_tree() -> None:
    d = target("sigmoid").derivation
    before, backs = d.root.result, [layer.back for layer in d.root.layers]
    tree_slips(d)
    with_override(d.root, d.root.layers[1].step, sympy.S.One)
    assert d.root.result == before and [layer.back for layer in d.root.layers] == backs


# ------------------------------------------------------------------------------------------------ workings
FIVE_LINES_SIGN_ON_3 = [
    "d/dx [1/(1+e^(-x))]",
    "= -1/(1+e^(-x))^2 * d/dx[1+e^(-x)]",
    "= -1/(1+e^(-x))^2 * e^(-x)",
    "= -e^(-x)/(1+e^(-x))^2",
    "= -sigma(x)*(1-sigma(x))",
]


def test_five_line_working_stops_at_line_3_with_the_sign_named() -> None:
    verdicts = judge_working(target("sigmoid"), FIVE_LINES_SIGN_ON_3)
    assert [v.status for v in verdicts] == ["right", "right", "wrong", "not judged", "not judged"]
    assert verdicts[2].slip == "lost_sign" and "minus sign is missing" in verdicts[2].message
    assert "is wrong: check the sign" in verdicts[2].message  # no capital after the colon
    assert verdicts[1].kind == "differentiate" and verdicts[2].kind == "differentiate"


def test_right_working_with_a_differentiation_step_and_its_rule() -> None:
    lines = ["d/dx [x^2 sin x]", "2x sin x + x^2 d/dx[sin x]", "2x sin x + x^2 cos x"]
    verdicts = judge_working(target("x^2 sin(x)"), lines)
    assert [v.status for v in verdicts] == ["right"] * 3
    assert verdicts[1].rule == "product rule" and verdicts[2].rule == "sine rule"


def test_a_wrong_differentiation_step_names_what_went_wrong() -> None:
    lines = ["d/dx [x^2 sin x]", "2x sin x + x^2 d/dx[sin x]", "2x sin x - x^2 cos x", "2x sin x"]
    verdicts = judge_working(target("x^2 sin(x)"), lines)
    assert [v.status for v in verdicts] == ["right", "right", "wrong", "not judged"]
    assert verdicts[2].slip == "flipped_sign" and verdicts[2].rule == "sine rule"


def test_equality_step_that_is_not_equal() -> None:
    lines = ["d/dx [x^3]", "3x^2", "3x^3"]
    verdicts = judge_working(target("x^3"), lines)
    assert verdicts[2].status == "wrong" and verdicts[2].kind == "equal"
    assert "not equal to the line before" in verdicts[2].message


def test_layer_notation() -> None:
    right = ["f(g) = 1/g", "g = 1 + e^h", "h = -x", "df/dg = -1/g^2", "dg/dh = e^h", "dh/dx = -1",
             "df/dx = -1/g^2 * e^h * (-1)", "= e^(-x)/(1+e^(-x))^2"]
    verdicts = judge_working(target("sigmoid"), right)
    assert [v.status for v in verdicts] == ["right"] * len(right)
    assert [v.kind for v in verdicts[:6]] == ["layer"] * 3 + ["layer derivative"] * 3
    assert verdicts[3].rule == "power rule"
    wrong = judge_working(target("sigmoid"), [*right[:5], "dh/dx = 1", *right[6:]])
    assert wrong[5].status == "wrong" and wrong[5].slip == "flipped_sign" and wrong[6].status == "not judged"
    bad_layer = judge_working(target("sigmoid"), ["f(g) = 1/g", "g = 2 + e^h"])
    assert bad_layer[1].status == "wrong" and "does not build the expression" in bad_layer[1].message


def test_unreadable_line_stops_the_working() -> None:
    verdicts = judge_working(target("x^3"), ["d/dx [x^3", "3x^2"])
    assert verdicts[0].status == "unreadable" and verdicts[1].status == "not judged"


def test_next_line_on_request() -> None:
    working = Working(target("x^2 sin(x)"))
    assert working.next_line() == "d/dx [x^2*sin(x)]"
    working.judge_line("d/dx [x^2 sin x]")
    assert equal(parse_expression(working.next_line().replace("·", "*").replace("²", "^2")),
                 parse_expression("2x sin x + x^2 cos x")) is True


def test_hint_names_the_rule_of_the_next_pending_part() -> None:
    working = Working(target("x^2 sin(x)"))
    assert working.hint().startswith("This needs the product rule")
    working.judge_line("d/dx [x^2 sin x]")
    working.judge_line("2x sin x + x^2 d/dx[sin x]")
    assert working.hint().startswith("This needs the sine rule")


def test_working_needs_a_single_derivation() -> None:
    with pytest.raises(LineError):
        Working(target("output-weight"))


# ------------------------------------------------------------------------------------------ a lesson asks for working
WORKING_LESSON = """
title = "Work it out"
order = 1
[[items]]
type = "exercise"
question = "Differentiate x^2 sin x; write your working, one line each."
expression = "x^2 sin(x)"
answer = "2x sin(x) + x^2 cos(x)"
working = true
hints = ["Two factors.", "product rule", "f = x^2, g = sin x", "2x sin x + x^2 cos x"]
"""


def test_a_lesson_exercise_asks_for_working(tmp_path) -> None:  # noqa: ANN001 - pytest's tmp_path
    import io

    from rich.console import Console

    from derivtutor import progress
    from derivtutor.lesson_files import load_lesson
    from derivtutor.lesson_player import Player, build_screens

    path = tmp_path / "work.toml"
    path.write_text(WORKING_LESSON, encoding="utf-8")
    lesson = load_lesson(path)
    assert lesson.items[0].working is True
    typed = iter(["d/dx [x^2 sin x]", "2x sin x - x^2 cos x", "2x sin x + x^2 d/dx[sin x]",
                  "2x sin x + x^2 cos x", ":q"])
    out = io.StringIO()
    player = Player(lesson, build_screens(lesson), Console(file=out, width=100), True, ask=lambda _: next(typed))
    store = progress.Progress()
    player._save = lambda store: None  # never the learner's own progress file
    assert player.run(0, store, "work") == 0
    text = out.getvalue()
    assert "✗ 2x sin x - x^2 cos x   This line is not equal to the line before." in text
    assert "Hint: This needs the product rule" in text
    assert "✓ 2x sin x + x^2 cos x" in text and "Every line is right" in text
    assert store.of("work").solved == [1]


def test_working_and_at_do_not_go_together(tmp_path) -> None:  # noqa: ANN001
    from derivtutor.lesson_files import LessonError, load_lesson

    path = tmp_path / "bad.toml"
    path.write_text(WORKING_LESSON + 'at = { x = 1 }\n', encoding="utf-8")
    with pytest.raises(LessonError, match="'working' and 'at'"):
        load_lesson(path)


def test_python_api_gives_the_same_verdicts() -> None:
    from derivtutor import derive

    result = derive("sigmoid")
    assert result.check("-1/(1+e^(-x))^2").slip == "outer_only"
    assert result.check(parse_expression("e^(-x)/(1+e^(-x))^2")).right is True
    lines = "\n".join(["d/dx [1/(1+e^(-x))]", "# a comment", "= -1/(1+e^(-x))^2 * d/dx[1+e^(-x)]",
                       "= -1/(1+e^(-x))^2 * e^(-x)"])
    assert [v.status for v in result.check_working(lines)] == ["right", "right", "wrong"]
    assert derive("w*a + b", wrt="w").check("0").slip == "product_as_constant"


def test_other_presets_in_their_own_names() -> None:
    assert verdict_for_text(target("bce"), "a - t").right is True
    assert verdict_for_text(target("bce"), "sigma(z) - t").right is True
    assert verdict_for_text(target("bce"), "t - a").slip == "flipped_sign"
    assert verdict_for_text(target("softmax-xent"), "yhat_1 - y_1").right is True
    assert verdict_for_text(target("tanh"), "1 - tanh(x)^2").right is True


def test_judge_answer_takes_what_build_returns() -> None:
    assert judge_answer(build("x^3"), parse_expression("3x^2")).right is True
    assert judge_working(build("x^3"), ["d/dx [x^3]", "3x^2"])[1].status == "right"


def test_operand_with_a_power_and_the_chain_written_with_layer_names() -> None:
    verdicts = judge_working(target("(2x+1)^3"), ["d/dx (2x+1)^3", "= 3(2x+1)^2"])
    assert verdicts[0].status == "right" and verdicts[1].slip == "inner_missing"
    layers = ["f(g) = 1/g", "g(h) = 1 + e^h", "h(x) = -x"]
    right = judge_working(target("sigmoid"), [*layers, "df/dx = df/dg * dg/dh * dh/dx", "= -1/g^2 * e^h * (-1)"])
    assert [v.status for v in right] == ["right"] * 5 and right[3].rule == "chain rule"
    missing = judge_working(target("sigmoid"), [*layers, "df/dx = df/dg * dg/dh"])
    assert missing[3].status == "wrong" and missing[3].slip == "lost_sign"


def test_output_weight_with_delta_and_the_learners_own_question() -> None:
    t = target("output-weight")
    assert verdict_for_text(t, "delta_k*a_j").right is True
    for left_out in ("delta_k", "-(t_k - a_k)*a_k*(1 - a_k)"):  # a_j left out, in either notation
        verdict = verdict_for_text(t, left_out)
        assert verdict.slip == "chain_factors_missing" and "dnetₖ/dwⱼₖ is missing" in verdict.message


@pytest.mark.parametrize("name", ["sigmoid", "x^2 sin(x)", "x/(x+1)", "sin(x^2)*e^x", "(2x+1)^3", "ln(1 + x^2)"])
def test_following_the_shown_next_lines_is_always_right(name: str) -> None:
    working = Working(target(name))
    for _ in range(12):
        line = working.next_line()
        if line == CHECK_TEXT["no_next_line"]:
            break
        verdict = working.judge_line(line)  # what :s shows reads back and is judged right
        assert verdict.status == "right", (line, verdict.message)
    assert working.finished
