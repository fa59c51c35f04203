"""Hostile input through the real `derive` command (a subprocess each), plus the engine and checker bounds.

The parser's own tests (test_parsing.py) prove refusals in-process; here the same corpus goes through argv,
typer, run.py and the terminal, because that is what a learner pasting into a shell actually reaches.
"""

from __future__ import annotations

import codecs
import os
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sympy
from conftest import run_cli, sym
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivtutor import run
from derivtutor.parsing import ParseError, parse_expression
from derivtutor.verify import equal

HERE = Path(__file__).parent
ROOT = HERE.parent
CPU_SECONDS = 1.5  # per refused input, interpreter and SymPy start-up included (~0.4 s of it); CPU time, not the
# wall clock: on a shared machine the wall clock measures the other work (bench/refusals.py has the wall times)


def _corpus(name: str) -> list[str]:
    lines = []
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("# "):
            continue
        lines.append("" if line == "__EMPTY__" else codecs.decode(line, "unicode_escape"))
    return lines


CORPUS = _corpus("hostile_inputs.txt") + _corpus("hostile_cli_inputs.txt")
ARGV_SAFE = [t for t in CORPUS if "\x00" not in t]  # the OS cannot put a NUL byte into argv at all
CLI_ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80", "PYTHONIOENCODING": "utf-8"}
CLI_ENV.pop("DERIVTUTOR_DEBUG", None)


def _run_timed(arg: str | bytes) -> tuple[subprocess.CompletedProcess, float]:
    """Run the real command; the CPU seconds (user + system) of that one child, whatever else runs."""
    argv = [sys.executable, "-m", "derivtutor", arg]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=CLI_ENV)
    killer = threading.Timer(60, proc.kill)
    killer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)  # a refusal's few lines fit in the pipes while it runs
    finally:
        killer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    done = subprocess.CompletedProcess(argv, proc.returncode, proc.stdout.read(), proc.stderr.read())
    proc.stdout.close()
    proc.stderr.close()
    return done, usage.ru_utime + usage.ru_stime


def _one_refusal_line(done: subprocess.CompletedProcess) -> str:
    """Assert the refusal contract and return the line: exit 2, no stdout, one printable 'derive: ' line."""
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 2, stderr
    assert done.stdout == b""
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and stderr.endswith("\n"), stderr
    assert lines[0].startswith("derive: ")
    assert all(ch.isprintable() for ch in lines[0]), lines[0]  # no escape sequence reaches the terminal
    return lines[0]


def test_corpora_are_big_enough_and_nul_is_the_only_argv_exception() -> None:
    assert len(CORPUS) >= 90
    assert len(CORPUS) - len(ARGV_SAFE) == 2  # '\x00' and 'x\x00y': refused in-process by test_parsing


def test_every_hostile_input_through_the_real_cli_is_one_line_exit_2_within_its_cpu_bound() -> None:
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(_run_timed, ARGV_SAFE))
    slow = []
    for text, (done, seconds) in zip(ARGV_SAFE, results, strict=True):
        line = _one_refusal_line(done)
        assert "\x1b" not in line and "\x9b" not in line
        if seconds >= CPU_SECONDS:
            slow.append((text[:40], round(seconds, 2)))
    times = sorted(seconds for _, seconds in results)
    assert slow == [], f"CPU median {times[len(times) // 2]:.2f} s, max {times[-1]:.2f} s"


def test_escape_sequences_are_shown_escaped_not_sent_to_the_terminal() -> None:
    done, _ = _run_timed("x\x1b[31m+1")
    assert _one_refusal_line(done) == (
        "derive: column 2: the input contains a control character '\\x1b' that is not allowed in: x\\x1b[31m+1")


def test_invalid_utf8_in_argv_is_refused_and_shown_escaped() -> None:
    done, _ = _run_timed(b"x\xff+1")
    assert "\\udcff" in _one_refusal_line(done)


def test_accepted_input_echo_is_printable_and_names_are_plain_ascii() -> None:
    result = run_cli("w_jk*a_j + b", "--wrt", "w_jk")
    assert result.returncode == 0, result.stderr
    assert "Answer: ∂f/∂wⱼₖ = aⱼ" in result.stdout
    assert all(ch.isprintable() or ch == "\n" for ch in result.stdout)
    done, _ = _run_timed("ж^2")  # names are plain letters (θ is read as theta), so no odd character is echoed back
    assert "the character 'ж' is not allowed" in _one_refusal_line(done)


def test_a_target_starting_with_minus_is_an_expression_not_an_option() -> None:
    assert "Answer: df/dx = -2x" in run_cli("-x^2").stdout
    assert "Answer: ∂f/∂w = -a" in run_cli("-w*a", "--wrt", "w").stdout
    done, _ = _run_timed("--x")
    assert "two signs in a row" in _one_refusal_line(done)


# ---------------------------------------------------------------------------------------------- bombs
def _product_of_functions(n: int) -> str:
    names = ["sin", "cos", "tan", "exp", "ln", "sqrt", "sinh", "cosh", "tanh", "atan", "sigma", "softplus"]
    return "*".join(f"{names[i % len(names)]}({i // len(names) + 1}x+{i})" for i in range(n))


BOMBS = {
    "tower of 8 x": "x^x^x^x^x^x^x^x",
    "towers of x^x": "(x^x)^(x^x)^(x^x)",
    "tower of sines": "sin(x)^sin(x)^sin(x)^sin(x)",
    "30 nested sigma": "sigma(" * 30 + "x" + ")" * 30,
    "100 nested sigma": "sigma(" * 100 + "x" + ")" * 100,  # σ is one function now (σ' = σ(1 - σ)): it derives
    "101 nested tan": "tan(" * 101 + "x" + ")" * 101,
    "200 distinct factors": _product_of_functions(200),
    "20 distinct factors": _product_of_functions(20),
    "50 nested exp": "exp(" * 50 + "x" + ")" * 50,
    "199 divisions": "/".join(f"(x+{i})" for i in range(1, 200)),
    "300 sines": "+".join(f"sin({i}x)" for i in range(1, 300)),
    "(x+1)^1000": "(x+1)^1000",
}


@pytest.mark.parametrize("text", list(BOMBS.values()), ids=list(BOMBS))
def test_bombs_derive_quickly_or_are_refused_in_one_line(text: str, capsys: pytest.CaptureFixture) -> None:
    start = time.process_time()
    code = run.run_derivation(text)  # in-process: the real budget applies (CPU time, in the deep worker)
    seconds = time.process_time() - start
    out, err = capsys.readouterr()
    assert seconds < 2.0
    if code == 0:
        assert err == "" and "Answer:" in out and len(out) < 100_000
    else:
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and err.startswith("derive: this expression is too big to derive step by step")


@pytest.mark.parametrize("name", ["200 distinct factors", "101 nested tan", "199 divisions"])
def test_bombs_through_the_real_cli(name: str) -> None:
    done, seconds = _run_timed(BOMBS[name])
    assert "too big to derive step by step" in _one_refusal_line(done)
    assert seconds < CPU_SECONDS  # start-up (~0.4 s) plus the counting: no derivation work


def test_named_derivations_keep_their_larger_budget() -> None:
    assert run.DERIVE_SECONDS >= 10 * run.TYPED_DERIVE_SECONDS
    assert run.TYPED_DERIVE_SECONDS <= 1.5


def test_size_caps_refuse_with_the_limit_named(capsys: pytest.CaptureFixture) -> None:
    assert run.run_derivation("+".join(f"sin({i}x)" for i in range(1, 400))) == 2
    assert "(it has more than 1000 parts)" in capsys.readouterr().err


def test_nested_time_limits_keep_the_outer_deadline() -> None:
    from derivtutor.limits import TimeLimitExceeded, time_limit

    start = time.monotonic()
    with pytest.raises(TimeLimitExceeded) as info:
        with time_limit(0.4) as outer:
            assert equal(sym("x") ** 2, sym("x") * sym("x")) is True  # an inner 2 s limit comes and goes
            while True:
                pass
    assert info.value.owner is outer
    assert 0.35 < time.monotonic() - start < 1.0


# ---------------------------------------------------------------------------------------------- Ctrl-C
def _wait_for_cpu_seconds(pid: int, seconds: float) -> None:
    """Until the child has used `seconds` of CPU: a point in its work that a loaded machine does not move (a
    wall-clock sleep landed inside Python's own start-up under load, or after the refusal when idle)."""
    ticks = os.sysconf("SC_CLK_TCK")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            return
        if (int(fields[11]) + int(fields[12])) / ticks >= seconds:  # utime + stime
            return
        time.sleep(0.005)


def test_ctrl_c_exits_130_without_a_traceback() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "derivtutor", BOMBS["199 divisions"]], env=CLI_ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for_cpu_seconds(proc.pid, 0.15)  # past Python's own start-up, inside SymPy's import or the reading
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert b"Traceback" not in err and out == b""


# ---------------------------------------------------------------------------------------------- source
FORBIDDEN = re.compile(r"\b(eval|exec|compile|__import__|sympify|parse_expr|lambdify)\s*\(|\bparse_expr\b"
                       r"|\bimportlib\b|\bpickle\b|\bmarshal\b|\bsubprocess\b|\bos\.system\b")


def test_package_never_runs_text_as_code() -> None:
    """Extends test_parsing's grep: compile(, __import__(, importlib, pickle, subprocess are refused too."""
    offenders = []
    for path in sorted((ROOT / "derivtutor").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#")[0]
            if FORBIDDEN.search(code) and not re.search(r"\bre\.compile\(", code):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.parametrize("line", ["__import__('os')", "x = compile(s, '', 'eval')", "import pickle",
                                  "subprocess.run(cmd)", "os.system(cmd)", "sympy.sympify (text)"])
def test_source_grep_would_catch(line: str) -> None:
    assert FORBIDDEN.search(line)


# ---------------------------------------------------------------------------------------------- checker
ANSWER_TOKENS = ["x", "2", "3", "0.5", "+", "-", "*", "/", "^", "(", ")", " ", "sin", "cos", "exp", "ln", "e",
                 "sigma", "x^x", "9^9", "sqrt", "|", "tanh"]
X = sym("x")
TARGETS = [2 * X * sympy.cos(X**2), sympy.exp(-X) / (1 + sympy.exp(-X)) ** 2, X**X * (1 + sympy.log(X))]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ANSWER_TOKENS), min_size=1, max_size=30), st.sampled_from(TARGETS))
def test_random_learner_answers_get_a_bounded_verdict(tokens: list[str], target: sympy.Expr) -> None:
    try:
        answer = parse_expression("".join(tokens))
    except ParseError:
        return
    start = time.monotonic()
    verdict = equal(answer, target)
    assert verdict in (True, False, None)
    assert time.monotonic() - start < 2.25  # the 2 s limit plus the time SymPy takes to notice the alarm


def test_checker_accepts_a_rewritten_right_answer_and_rejects_a_wrong_one() -> None:
    assert equal(parse_expression("2x cos(x^2)"), TARGETS[0]) is True
    assert equal(parse_expression("sigma(x)(1 - sigma(x))"), TARGETS[1]) is True
    assert equal(parse_expression("2x sin(x^2)"), TARGETS[0]) is False
