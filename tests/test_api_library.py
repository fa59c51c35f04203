"""The Python API as a library: its own exceptions, the CLI's limits, plain symbols, lambdify, any thread."""

from __future__ import annotations

import inspect
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sympy

import derivtutor
from derivtutor import api
from derivtutor.verify import UncheckedStep, VerificationError

ROOT = Path(__file__).resolve().parent.parent
x = sympy.Symbol("x")


def test_own_exceptions() -> None:
    assert issubclass(derivtutor.InputError, ValueError)
    for cls in (derivtutor.CannotDecide, derivtutor.InternalError, VerificationError, UncheckedStep):
        assert not issubclass(cls, AssertionError), cls  # python -O must not change what is raised
    assert issubclass(VerificationError, derivtutor.InternalError)
    assert issubclass(UncheckedStep, derivtutor.CannotDecide)


@pytest.mark.parametrize(("target", "wrt", "words"), [
    ("a*b", None, "wrt='a'"),
    ("x^", None, "column 3"),
    ("sigmoid", "x", "wrt only applies"),
    ("w*a", "1x", "wrt='1x'"),
    ("sigmiod", None, "did you mean 'sigmoid'"),
])
def test_refusals_are_input_errors_without_cli_flags(target: str, wrt: str | None, words: str) -> None:
    with pytest.raises(derivtutor.InputError) as caught:
        derivtutor.derive(target, wrt=wrt)
    message = str(caught.value)
    assert words in message
    assert "--" not in message and "derive --list" not in message, message


def test_the_cli_size_limits_hold_and_are_configurable() -> None:
    with pytest.raises(derivtutor.InputError, match="more than 1000 parts"):
        derivtutor.derive(" + ".join(f"x^{n}" for n in range(2, 400)))
    with pytest.raises(derivtutor.InputError, match="more than 3 parts"):
        derivtutor.derive("x^2 + x^3", max_nodes=3)
    with pytest.raises(derivtutor.InputError, match="more than 2 steps"):
        derivtutor.derive("x^2 sin(x)", max_steps=2)
    assert derivtutor.derive("x^2 sin(x)", max_steps=50).verified


def test_the_time_limit_holds() -> None:
    with pytest.raises(derivtutor.InputError, match="within 0.001 seconds"):
        derivtutor.derive("sin(x^3)^2 exp(cos(x)) / (1 + tanh(x)^2)", seconds=0.001)


@pytest.mark.parametrize("text", ["exp(" * 290 + "x" + ")" * 290, "x^" * 290 + "x"], ids=["exp", "tower"])
def test_deep_nesting_from_a_worker_thread_is_an_input_error_not_a_recursion_error(text: str) -> None:
    """Both ended in a raw RecursionError when derive() ran in a worker thread (its stack is the default one)."""

    def attempt() -> str:
        try:
            result = derivtutor.derive(text)
            return f"{result!r:.12} {result.verified}"
        except derivtutor.InputError as exc:
            return str(exc)

    with ThreadPoolExecutor(max_workers=1) as pool:
        outcome = pool.submit(attempt).result()
    assert outcome.startswith("<derivation") or "too big" in outcome or "too complicated" in outcome, outcome


def test_results_use_plain_symbols_and_lambdify() -> None:
    result = derivtutor.derive("1/(1 + exp(-x))")
    assert result.final.free_symbols == {x}
    assert float(result.final.subs(x, 0)) == 0.25  # the reader's real x made subs a silent no-op
    assert result.var == x and result.expr.free_symbols == {x}
    assert sympy.lambdify(x, result.final)(0.0) == pytest.approx(0.25)
    assert sympy.lambdify(x, result.final, "math")(2.0) == pytest.approx(0.104993585403507)
    numpy = pytest.importorskip("numpy")
    assert list(sympy.lambdify(x, result.final, "numpy")(numpy.array([0.0, 2.0]))) == pytest.approx(
        [0.25, 0.104993585403507])
    real = derivtutor.derive("1/(1 + exp(-x))", real_symbols=True)
    assert all(s.is_real for s in real.final.free_symbols)
    assert result.final_real.free_symbols == real.final.free_symbols


def test_sympy_input_keeps_working_and_presets_too() -> None:
    result = derivtutor.derive(x**2 * sympy.sin(x))
    assert sympy.simplify(result.final - sympy.diff(x**2 * sympy.sin(x), x)) == 0
    assert "σ" in derivtutor.derive("sigmoid").markdown()
    assert "sigmoid" in derivtutor.preset_names()


def test_thread_safe() -> None:
    targets = ["x^2 sin(x)", "exp(-x^2)", "1/(1 + exp(-x))", "ln(x) x^3", "tanh(2x)", "sqrt(1 + x^2)"] * 2
    serial = [str(derivtutor.derive(t).final) for t in targets]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda t: str(derivtutor.derive(t, seconds=30).final), targets))
    assert parallel == serial


def test_every_public_member_has_a_docstring() -> None:
    missing = []
    for name in derivtutor.__all__:
        if name != "__version__" and not inspect.getdoc(getattr(derivtutor, name)):
            missing.append(name)
    for name, member in inspect.getmembers(api.Result):
        public = not name.startswith("_") or name.startswith("_repr_")
        if public and not (inspect.getdoc(member) or "").strip():
            missing.append(f"Result.{name}")
    assert missing == []


def test_py_typed_ships() -> None:
    assert (Path(derivtutor.__file__).parent / "py.typed").exists()


def test_import_stays_light() -> None:
    code = "import sys, derivtutor; derivtutor.InputError; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
