"""`derive TARGET --step`: the questions as data, their verdicts, and real runs in a pseudo-terminal and piped."""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

import pytest

from derivtutor.run import build
from derivtutor.stepper import build_steps, judge, lesson_toml
from derivtutor.teaching import STEP_TEXT
from tests.conftest import run_cli

PROMPT = r"Your answer \(:h hint, :s show, :q stop\): "


@pytest.fixture(scope="module")
def sigmoid_steps() -> dict:
    return {q.label: q for q in build_steps(build("sigmoid"))}


def test_sigmoid_asks_the_layers_the_three_factors_the_product_and_the_four_moves(sigmoid_steps: dict) -> None:
    questions = [q for q in build_steps(build("sigmoid")) if q.kind != "plan"]
    assert [(q.kind, q.label) for q in questions] == [
        ("layer", "f(g)"), ("layer", "g(h)"),
        ("factor", "df/dg"), ("factor", "dg/dh"), ("factor", "dh/dx"),
        ("product", "df/dx"),
        ("move", "split the fraction"), ("move", "add and subtract 1"), ("move", "divide each term by the bottom"),
        ("move", "recognise σ"),
    ]
    assert all(q.asked for q in questions)
    assert sigmoid_steps["df/dg"].question == "What is df/dg for f(g) = 1/g?"


@pytest.mark.parametrize(("label", "answer"), [
    ("df/dg", "-1/g^2"), ("df/dg", "g^(-2)*(-1)"), ("dg/dh", "e^h"), ("dh/dx", "-1"),
    ("f(g)", "1/g"), ("g(h)", "1 + e^h"), ("df/dx", "e^(-x)/(1+e^(-x))^2"),
    ("recognise σ", "sigma(x)*(1 - sigma(x))"), ("split the fraction", "1/(1+e^(-x)) * e^(-x)/(1+e^(-x))"),
])
def test_sigmoid_accepts_any_equal_form(sigmoid_steps: dict, label: str, answer: str) -> None:
    assert judge(sigmoid_steps[label], answer).right is True


def test_sigmoid_names_the_sign_slip_and_the_wrong_variable(sigmoid_steps: dict) -> None:
    sign = judge(sigmoid_steps["df/dg"], "1/g^2")
    assert (sign.right, sign.slip) == (False, "flipped_sign")
    assert "sign" in sign.message
    variable = judge(sigmoid_steps["dg/dh"], "e^(-x)")  # the right value, written in x instead of h
    assert (variable.right, variable.slip) == (False, "wrong_variable")
    assert "is in h" in variable.message
    lost = judge(sigmoid_steps["df/dx"], "-e^(-x)/(1+e^(-x))^2")
    assert lost.slip == "lost_sign"


def test_a_layer_may_be_peeled_another_way_but_not_left_in_x(sigmoid_steps: dict) -> None:
    other = judge(sigmoid_steps["f(g)"], "1/(1 + g)")  # g = e^(-x): a valid peeling, not the one followed
    assert other.right is True and "peels it too" in other.message
    assert judge(sigmoid_steps["f(g)"], "1/(1 + e^(-x))").right is False
    assert judge(sigmoid_steps["f(g)"], "1/(1 + e^(-g))").right is False  # the whole thing renamed
    assert judge(sigmoid_steps["f(g)"], "1/g^2").right is False


def test_hidden_weight_asks_each_factor_of_one_path_and_the_sum_over_k() -> None:
    questions = build_steps(build("hidden-weight"))
    asked = [(q.kind, q.label) for q in questions if q.asked]
    # ∂ where the quantity depends on more than the variable (E, net), d for aₖ = σ(netₖ) (issue 14)
    assert asked == [("factor", "∂E/∂aₖ"), ("factor", "daₖ/dnetₖ"), ("factor", "∂netₖ/∂aⱼ"), ("path", "one path"),
                     ("sum", "the sum over k"), ("factor", "daⱼ/dnetⱼ"), ("factor", "∂netⱼ/∂wᵢⱼ")]
    by = {q.label: q for q in questions}
    assert judge(by["daₖ/dnetₖ"], "a_k*(1 - a_k)").right is True
    assert judge(by["daₖ/dnetₖ"], "sigma(net_k)*(1 - sigma(net_k))").right is True
    assert judge(by["∂E/∂aₖ"], "-(t_k - a_k)").right is True
    assert judge(by["one path"], "-(t_k - a_k)*a_k*(1 - a_k)*w_jk").right is True
    total = by["the sum over k"]
    assert judge(total, "delta_1 w_j1 + delta_2 w_j2").right is True
    assert judge(total, "-(t_1-a_1)*a_1*(1-a_1)*w_j1 - (t_2-a_2)*a_2*(1-a_2)*w_j2").right is True
    assert judge(total, "delta_1 w_j1").slip == "one_path"
    assert judge(total, "delta_1 w_j1 delta_2 w_j2").slip == "paths_multiplied"
    assert judge(by["one path"], "-(t_k - a_k)*a_k*(1 - a_k)").slip == "chain_factors_missing"


def test_step_layers_asks_only_the_layers_and_the_final_product() -> None:
    asked = [q.label for q in build_steps(build("sigmoid"), level="layers") if q.asked]
    assert asked == ["f(g)", "g(h)", "df/dx"]
    asked = [q.label for q in build_steps(build("x^2 e^(-3x)"), level="layers") if q.asked]
    assert asked == ["g(h)", "df/dx"]


def test_detail_brief_shows_trivial_steps_without_asking() -> None:
    normal = {q.label: q.asked for q in build_steps(build("x^2 + x"))}
    brief = {q.label: q.asked for q in build_steps(build("x^2 + x"), detail="brief")}
    assert normal["d/dx [x]"] is True
    assert brief["d/dx [x]"] is False
    assert brief["d/dx [x²]"] is True


def test_product_steps_in_teacher_order() -> None:
    labels = [q.label for q in build_steps(build("x^2 e^(-3x)"))]
    assert labels == ["what to find", "product rule", "d/dx [x²]", "g(h)", "dg/dh", "dh/dx", "dg/dx", "df/dx",
                      "write it in the usual order"]


def test_saved_lesson_is_a_valid_lesson_with_an_exercise_per_derivative(tmp_path: Path) -> None:
    text = lesson_toml(build_steps(build("sigmoid")), "sigmoid")
    data = tomllib.loads(text)
    exercises = [item for item in data["items"] if item["type"] == "exercise"]
    assert [(e["expression"], e["wrt"], e["answer"]) for e in exercises] == [
        ("1/g", "g", "-1/g^2"), ("1 + e^h", "h", "e^h"), ("-x", "x", "-1"),
        ("1/(1 + e^(-x))", "x", "e^(-x)/(1 + e^(-x))^2")]


# -- real runs -----------------------------------------------------------------------------------------------------
def _env(tmp_path: Path) -> dict:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", "COLUMNS": "200",
           "DERIVTUTOR_HOME": str(tmp_path / "home")}
    env.pop("DERIVTUTOR_DEBUG", None)
    env.pop("DERIVTUTOR_ASCII", None)
    return env


def _spawn(tmp_path: Path, *args: str):  # noqa: ANN202 - a pexpect child
    pexpect = pytest.importorskip("pexpect")
    return pexpect.spawn(sys.executable, ["-m", "derivtutor", *args], env=_env(tmp_path), encoding="utf-8",
                         timeout=90, cwd=str(tmp_path))


def test_product_end_to_end_in_a_terminal_wrong_hint_show_right(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    child = _spawn(tmp_path, "x^2 e^(-3x)", "--step")
    try:
        child.expect("Step 3 of 9")
        child.expect(r"What is d/dx \[x²\]\?")
        child.expect(PROMPT)
        child.sendline("x^2")  # wrong
        child.expect("✗ Not quite")
        child.expect(PROMPT)
        child.sendline(":h")  # the next rung: the verdict already named the rule
        child.expect("Hint: Bring the exponent down in front")
        child.expect(PROMPT)
        child.sendline("2x")  # right
        child.expect("✓ Right.")
        child.expect("Step 4 of 9")
        child.expect(PROMPT)
        child.sendline(":s")  # shown
        child.expect(r"g\(h\) = eʰ")
        child.expect("Step 5 of 9")
        child.expect(PROMPT)
        child.sendline("e^h")
        child.expect("✓ Right.")
        child.expect(PROMPT)
        child.sendline("3")  # the lost minus sign
        child.expect("sign")
        child.expect(PROMPT)
        child.sendline("-3")
        child.expect("Step 7 of 9")
        child.expect(PROMPT)
        child.sendline("-3e^(-3x)")
        child.expect("Step 8 of 9")
        child.expect(PROMPT)
        child.sendline("2x e^(-3x) - 3x^2 e^(-3x)")
        child.expect("That is the whole derivation")
        child.expect(r"3 of 6 steps right on the first try; the slips: sign flipped at dh/dx\.")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert not (tmp_path / "home").exists()  # progress-free


def test_sigmoid_in_a_terminal_names_the_slips_in_the_score(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    child = _spawn(tmp_path, "sigmoid", "--step")
    try:
        for answer in ("1/g", "1 + e^h"):
            child.expect(PROMPT)
            child.sendline(answer)
        child.expect("What is df/dg for f\\(g\\) = 1/g\\?")
        child.expect(PROMPT)
        child.sendline("1/g^2")
        child.expect("the sign is wrong")
        child.expect(PROMPT)
        child.sendline("g^(-2)*(-1)")
        child.expect(PROMPT)
        child.sendline("e^(-x)")
        child.expect("is in h")
        child.expect(PROMPT)
        child.sendline("e^h")
        child.expect(PROMPT)
        child.sendline(":q")
        child.expect(r"2 of 4 steps right on the first try; the slips: sign flipped at df/dg, wrong variable at "
                     r"dg/dh\.")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


def test_ctrl_c_says_stopped_and_exits_130(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    child = _spawn(tmp_path, "sigmoid", "--step")
    try:
        child.expect(PROMPT)
        child.sendintr()
        child.expect(f"\r\n{STEP_TEXT['stopped']}\r\n")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 130


def test_piped_prints_the_questions_and_answers_straight_through(tmp_path: Path) -> None:
    result = run_cli("sigmoid", "--step", env=_env(tmp_path), input="")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Step 4 of 11: df/dg\nWhat is df/dg for f(g) = 1/g?\nAnswer: -1/g²\n" in out
    assert "Algebra, move 4 of 4: recognise σ." in out
    assert out.count("Answer: ") == 10
    assert "\x1b[" not in out
    assert not (tmp_path / "home").exists()


def test_piped_partial_derivative_says_what_is_held_constant(tmp_path: Path) -> None:
    result = run_cli("1/(1+e^(-w a - b))", "--wrt", "w", "--step", env=_env(tmp_path), input="")
    assert result.returncode == 0, result.stderr
    assert "a, b" in result.stdout.split("Step 2 of")[0]  # the first screen: the letters held constant
    assert "What is ∂h/∂w for h(w) = -b - a·w?\nAnswer: -a\n" in result.stdout


def test_piped_hidden_weight_and_ascii(tmp_path: Path) -> None:
    env = {**_env(tmp_path), "DERIVTUTOR_ASCII": "1"}
    result = run_cli("hidden-weight", "--step", env=env, input="")
    assert result.returncode == 0, result.stderr
    assert "the sum over k" in result.stdout
    assert result.stdout.isascii()
    flagged = run_cli("sigmoid", "--step", "--ascii", env=_env(tmp_path), input="")  # the global flag
    assert flagged.returncode == 0 and flagged.stdout.isascii() and "Answer: -1/g^2" in flagged.stdout


def test_save_writes_a_lesson_that_plays(tmp_path: Path) -> None:
    env = _env(tmp_path)
    course = tmp_path / "course"
    course.mkdir()
    result = run_cli("x^2 e^(-3x)", "--step", "--save", str(course / "homework"), env=env, input="")
    assert result.returncode == 0, result.stderr
    assert "derive lesson homework --dir" in result.stdout
    played = run_cli("lesson", "homework", "--dir", str(course), env=env, input="")
    assert played.returncode == 0, played.stderr
    assert played.stdout.count("Your turn") == 5
    for preset in ("sigmoid", "hidden-weight", "softmax-xent", "relu"):  # every shape a preset builds
        assert run_cli(preset, "--step", "--save", str(course / preset), env=env, input="").returncode == 0
    again = run_cli("x^2 e^(-3x)", "--step", "--save", str(course / "homework"), env=env, input="")
    assert again.returncode == 2 and "never overwritten" in again.stderr and again.stdout == ""
    checked = run_cli("lesson", "--check", str(course), env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip().endswith("all good")


def test_bad_options(tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert run_cli("sigmoid", "--save", "x", env=env).returncode == 2
    bad = run_cli("sigmoid", "--step=everything", env=env, input="")
    assert bad.returncode == 2 and bad.stderr.startswith("derive: ")
    bad = run_cli("sigmoid", "--step", "--save", "a b", env=env, input="")
    assert bad.returncode == 2
    bad = run_cli("x^^2", "--step", env=env, input="")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


def test_a_long_step_is_paged_to_the_terminal_height(tmp_path: Path) -> None:
    """Paging as in the lesson player: a block taller than the terminal waits for Enter between pages."""
    pexpect = pytest.importorskip("pexpect")
    env = {**_env(tmp_path), "COLUMNS": "60"}  # 9 rows of 60 columns: the first screen (12 lines) needs two pages
    child = pexpect.spawn(sys.executable, ["-m", "derivtutor", "hidden-weight", "--step"], env=env,
                          encoding="utf-8", timeout=30, cwd=str(tmp_path), dimensions=(9, 60))
    try:
        child.expect("-- more: Enter")
        child.sendline("")
        child.expect(r"Your answer|-- more: Enter")
    finally:
        child.sendline(":q")
        child.expect(pexpect.EOF)
