"""`derive check` reads the learner's notation for a preset (a_k, ak, E, σ) and words its rule hints in letters
free of the names he sees and writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from derivtutor.judge import judge_working, target_for
from derivtutor.targets import build

ROOT = Path(__file__).resolve().parent.parent


def check(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "derivtutor", "check", *args], input=stdin, capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


@pytest.mark.parametrize(("target", "line"), [
    ("error", "dE/da_k = -(t_k - a_k)"),
    ("error", "dE/dak = -(tk - ak)"),
    ("error", "∂E/∂a_k = a_k - t_k"),
    ("sigmoid", "d sigma/dx = sigma(x)(1-sigma(x))"),
    ("sigmoid", "dσ/dx = σ(x)(1 - σ(x))"),
    ("net", "dnet_k/dw_jk = a_j"),
])
def test_a_right_line_in_the_learners_notation_is_right(target: str, line: str) -> None:
    result = check(target, stdin=line + "\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"✓ 1. {line}") and "Every line is right" in result.stdout


@pytest.mark.parametrize(("target", "line", "words"), [
    ("error", "dE/da_k = t_k - a_k", "check the sign"),
    ("error", "dE/dak = -(tk - ak)/2", "half the right one"),
    ("sigmoid", "dσ/dx = σ(x)", "you wrote the sigmoid itself"),
])
def test_a_wrong_line_in_the_learners_notation_names_the_slip(target: str, line: str, words: str) -> None:
    result = check(target, stdin=line + "\n")
    assert result.returncode == 3, result.stdout + result.stderr
    assert result.stdout.startswith(f"✗ 1. {line}") and words in result.stdout
    assert "do not know what" not in result.stdout


def test_glued_names_in_an_answer_are_the_questions() -> None:
    right = check("output-weight", "-(tk - ak)*ak*(1 - ak)*aj")
    assert right.returncode == 0 and "read as: aⱼ·aₖ·(1 - aₖ)·(aₖ - tₖ)" in right.stdout
    wrong = check("error", "tk - ak")
    assert wrong.returncode == 3 and "read as: tₖ - aₖ" in wrong.stdout and "Check the sign" in wrong.stdout


def test_typed_one_line_at_a_time_as_the_learner_does() -> None:
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=str(ROOT))
    child = pexpect.spawn(sys.executable, ["-m", "derivtutor", "check", "error"], env=env, cwd=str(ROOT),
                          encoding="utf-8", timeout=90, dimensions=(30, 120))
    child.expect("1> ")
    child.sendline("dE/dak = tk - ak")
    child.expect("check the sign")
    child.expect("1> ")
    child.sendline("dE/dak = -(tk - ak)")
    child.expect("Every line is right")
    child.sendline(":q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_the_chain_hint_is_in_the_learners_own_layers() -> None:
    target = target_for(build("(1 + e^(-x))^2"))
    lines = ["y(u) = u^2", "u(v) = 1 + e^v", "v = x"]
    verdicts = judge_working(target, lines)
    assert [v.status for v in verdicts] == ["right", "right", "wrong"]
    assert verdicts[-1].hint == "This needs the chain rule: dy/dx = dy/du · du/dx."


def test_a_rule_hint_takes_letters_free_of_the_learners_layers() -> None:
    target = target_for(build("(1 + e^(-x))^2"))
    verdicts = judge_working(target, ["f(g) = g^2", "g(u) = 1 + e^u", "u = -x", "dg/du = 1 + e^u"])
    hint = verdicts[-1].hint
    assert hint.startswith("This needs the sum rule: d/d") and "(f + g)" not in hint and "d/du" not in hint


def test_a_chain_of_derivations_hints_with_its_own_factors() -> None:
    result = check("output-weight", "a_j + a_k")  # no slip in the library: the rule's hint
    assert result.returncode == 3
    # the names as the learner types them (and as the ASCII printout keeps them: no w_(jk))
    assert "Hint: This needs the chain rule: dE/dw_jk = dE/da_k · da_k/dnet_k · dnet_k/dw_jk." in result.stdout


def test_a_working_for_output_weight_goes_factor_by_factor() -> None:
    working = "\n".join(["dE/dak = -(tk - ak)", "dak/dnetk = ak(1 - ak)", "dnet_k/dw_jk = a_j",
                         "dE/dw_jk = dE/da_k * da_k/dnet_k * dnet_k/dw_jk"]) + "\n"
    result = check("output-weight", stdin=working)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("✓") == 4 and "Every line is right, and the last one is the derivative." in result.stdout


@pytest.mark.parametrize(("line", "words"), [
    ("dE/da_k = t_k - a_k", "check the sign"),
    ("da_k/dnet_k = a_k", "you wrote the sigmoid itself"),
    ("dE/dw_jk = dE/da_k * da_k/dnet_k", "dnetₖ/dwⱼₖ is missing"),
])
def test_a_wrong_factor_line_names_its_slip(line: str, words: str) -> None:
    result = check("output-weight", stdin=line + "\n")
    assert result.returncode == 3 and result.stdout.startswith(f"✗ 1. {line}") and words in result.stdout


def test_output_weight_typed_factor_by_factor() -> None:
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=str(ROOT))
    child = pexpect.spawn(sys.executable, ["-m", "derivtutor", "check", "output-weight"], env=env, cwd=str(ROOT),
                          encoding="utf-8", timeout=90, dimensions=(30, 140))
    child.expect_exact("one factor a line (dE/da_k, da_k/dnet_k, dnet_k/dw_jk)")
    child.expect("1> ")
    child.sendline(":s")
    child.expect_exact("A correct next line would be: dE/da_k = -(t_k - a_k)")
    child.sendline("dE/dak = -(tk - ak)")
    child.expect("2> ")
    child.sendline("dak/dnetk = ak*(1 - ak)")
    child.expect("3> ")
    child.sendline("dnetk/dwjk = aj")
    child.expect("4> ")
    child.sendline("-(tk - ak)*ak*(1 - ak)*aj")
    child.expect_exact("Every line is right, and the last one is the derivative.")
    child.sendline(":q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
