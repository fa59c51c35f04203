"""Fast checks behind the performance work of issue 6 (the timings themselves live in bench/run.py).

They pin what the speed relies on: no SymPy on the answer-only paths, a fast path that prints exactly what the
typer path prints, deep expressions that finish with a printout that grows linearly, and a bottom-up
verification that still catches a wrong step.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sympy

from derivtutor import __version__
from derivtutor.engine import LayerNames, build_step, derive, verify_tree
from derivtutor.verify import VerificationError, equal

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", "PYTHONPATH": str(ROOT)}
x = sympy.Symbol("x", real=True)


def run_cli(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "derivtutor", *args], capture_output=True, text=True,
                          env=ENV, cwd=ROOT, timeout=timeout)


PROBE = """
import gc, sys
sys.argv = ["derive", *sys.argv[1:]]
from derivtutor.entry import main
try:
    main()
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in ("sympy", "pydantic", "rich", "typer", "sympy.combinatorics") if m in sys.modules)
sys.stderr.write(f"CODE={code} ENABLED={gc.isenabled()} FROZEN={gc.get_freeze_count()}\\n")
sys.stderr.write("LOADED=" + ",".join(heavy) + "\\n")
"""


def probe(*args: str) -> tuple[subprocess.CompletedProcess, dict[str, str]]:
    """Run `derive ARGS` in a fresh interpreter; report what it loaded and how it left the cycle collector."""
    res = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=ENV, cwd=ROOT,
                         timeout=60)
    collector, loaded = res.stderr.strip().splitlines()[-2:]
    report = dict(part.split("=", 1) for part in collector.split())
    report["LOADED"] = loaded
    return res, report


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["-V"], ["--list"]])
def test_answer_only_commands_never_import_sympy(args: list[str]) -> None:
    loaded = probe(*args)[1]["LOADED"]
    assert loaded.startswith("LOADED=")
    assert "sympy" not in loaded
    if args != ["--help"]:  # --help needs typer (and pydantic behind it); the others skip typer entirely
        assert loaded == "LOADED="


def test_entry_knows_every_subcommand_of_the_typer_app() -> None:
    from derivtutor.cli import app
    from derivtutor.entry import SUBCOMMANDS

    assert set(SUBCOMMANDS) == {c.name for c in app.registered_commands}


def test_version_and_list_fast_paths_print_the_same_as_before() -> None:
    assert run_cli("--version").stdout == f"derivtutor {__version__}\n"
    from derivtutor.preset_index import PRESET_SUMMARIES

    width = max(map(len, PRESET_SUMMARIES))
    expected = "".join(f"{name.ljust(width)}  {summary}\n" for name, summary in PRESET_SUMMARIES.items())
    listing = run_cli("--list").stdout
    assert listing == expected
    assert listing.startswith("sigmoid ")


def test_fast_derivation_path_matches_the_typer_path() -> None:
    fast = run_cli("w*a + b", "--wrt=w", "--detail", "brief")
    typer_path = run_cli("expr", "w*a + b", "--wrt", "w", "--detail", "brief")
    assert fast.returncode == typer_path.returncode == 0
    assert fast.stdout == typer_path.stdout
    assert "Answer: ∂f/∂w = a" in fast.stdout


def test_fast_path_hands_bad_options_to_typer() -> None:
    res = run_cli("x^2", "--detail", "loud")
    assert res.returncode == 2
    assert "'loud' is not one of" in res.stderr


def _nested(depth: int) -> str:
    return "sin(" * depth + "x" + ")" * depth


def test_sin_nested_200_deep_finishes_and_prints_linearly() -> None:
    small, big = run_cli(_nested(100)), run_cli(_nested(200))
    assert small.returncode == 0 and big.returncode == 0, big.stderr
    assert "Answer: df/dx = [a product of 200 factors, too long to print in full]" in big.stdout  # not 20 000 symbols
    assert big.stdout.count("cos(") <= 5 * 200  # a few per layer; written out it would be 20 100
    ratio = len(big.stdout) / len(small.stdout)
    assert 1.5 < ratio < 2.5, ratio


def _deep(work):  # noqa: ANN001, ANN202 - runs work() with room for SymPy's recursion
    out = {}
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(100_000)
    threading.stack_size(512 * 1024 * 1024)
    try:
        thread = threading.Thread(target=lambda: out.setdefault("v", work()))
        thread.start()
        thread.join()
    finally:
        threading.stack_size(0)
        sys.setrecursionlimit(old)
    return out["v"]


def test_bottom_up_verification_gives_sympy_diffs_own_form() -> None:
    expr = x
    for _ in range(40):
        expr = sympy.sin(expr)
    d, reference = _deep(lambda: (derive(expr, x), sympy.diff(expr, x)))
    assert d.verified
    assert d.reference == reference == d.result  # 40 layers: the bottom-up path, reference not recomputed


@pytest.mark.parametrize("whole", [False, True])
def test_verification_still_catches_a_wrong_node(whole: bool) -> None:
    expr = x**2 * sympy.sin(x) + sympy.exp(3 * x)
    root = build_step(expr, x, LayerNames(expr))
    power = next(s for s in root.walk() if type(s).__name__ == "PowerRule")
    power.__dict__["_result"] = 3 * x  # d/dx x^2 is 2x: a wrong leaf
    with pytest.raises(VerificationError):
        verify_tree(root, whole=whole)


@pytest.mark.parametrize("whole", [False, True])
def test_verification_catches_a_wrong_combination(whole: bool) -> None:
    expr = x**2 * sympy.sin(x)
    root = build_step(expr, x, LayerNames(expr))
    root.__dict__["_result"] = 2 * x * sympy.cos(x)  # the product rule's two terms, wrongly combined
    with pytest.raises(VerificationError):
        verify_tree(root, whole=whole)


def test_answer_check_stays_fast_on_hostile_input() -> None:
    import time

    pairs = [((x + 1) ** 1000 - 1, (x + 1) ** 1000), (sympy.sin(x) ** 200 + sympy.cos(x) ** 200, sympy.S.One),
             (sympy.exp(sympy.exp(sympy.exp(sympy.exp(x)))), sympy.exp(sympy.exp(sympy.exp(sympy.exp(x)))) + 1)]
    for a, b in pairs:
        start = time.perf_counter()
        assert equal(a, b) is False
        assert time.perf_counter() - start < 2.5


@pytest.mark.parametrize(("args", "shown"), [
    (["sigmoid"], "Answer: df/dx = σ(x) · (1 - σ(x))"),
    (["sigmoid", "--markdown", "-"], "σ(x)"),  # exports on the fast path
    (["expr", "sigmoid", "--json", "-"], '"schema_version": 2'),  # the typer path
])
def test_derive_imports_sympy_with_the_collector_paused_then_turns_it_back_on(args: list[str], shown: str) -> None:
    """The start-up saving (bench: ~90 ms of `derive sigmoid`) must not leave the cycle collector off."""
    res, report = probe(*args)
    code, enabled, frozen = report["CODE"], report["ENABLED"], report["FROZEN"]
    assert (code, enabled) == ("0", "True")
    assert int(frozen) > 50_000  # SymPy's objects were frozen: later collections skip them
    assert shown in res.stdout


@pytest.mark.parametrize("args", [["sigmoid"], ["x^2 sin x"], ["output-weight"], ["sigmoid", "--html", "-"]])
def test_a_derivation_never_loads_sympys_tensor_module(args: list[str]) -> None:
    """The stand-in for sympy.tensor.tensor (startup.py) answers Add's one question; the real module would
    build sympy.combinatorics' polyhedra, ~35-75 ms of every start-up (bench/README.md)."""
    res, report = probe(*args)
    assert report["CODE"] == "0", res.stderr
    assert report["LOADED"] == "LOADED=rich,sympy"


TENSORS_AFTER_THE_STAND_IN = """
from derivtutor.startup import import_sympy_without_collecting
import_sympy_without_collecting()
import sys, sympy
x = sympy.Symbol("x")
assert type(sys.modules["sympy.tensor.tensor"]).__name__ == "TensorsNotLoaded"
assert str(x + 1 + sympy.sin(x)) == "x + sin(x) + 1"  # Add asks the stand-in, which says: not a tensor
from sympy.tensor.tensor import TensorHead, TensorIndexType, tensor_indices
L = TensorIndexType("L")
i = tensor_indices("i", L)
A, B = TensorHead("A", [L]), TensorHead("B", [L])
total = A(i) + B(i) + x * A(i)
assert type(total).__name__ == "TensAdd" and str(total) == "(x + 1)*A(i) + B(i)", total
assert sympy.Add(A(i), B(i)) == A(i) + B(i)
import sympy.tensor.tensor as real
assert sys.modules["sympy.tensor.tensor"] is real is sympy.tensor.tensor and hasattr(real, "TensorSymmetry")
print("OK")
"""


def test_sympy_tensors_still_work_after_the_stand_in() -> None:
    """Asking the stand-in for anything else loads the real module in its place, in the same process."""
    res = subprocess.run([sys.executable, "-c", TENSORS_AFTER_THE_STAND_IN], capture_output=True, text=True,
                         env=ENV, cwd=ROOT, timeout=60)
    assert res.stdout == "OK\n", res.stderr


@pytest.mark.parametrize("exports", [["--json", "-"], ["--markdown=-", "--detail", "brief"],
                                     ["--latex", "-", "--fragment"], ["--plot", "text"]])
def test_exports_on_the_fast_path_match_the_typer_path(exports: list[str]) -> None:
    fast = run_cli("sigmoid", *exports)
    typer_path = run_cli("expr", "sigmoid", *exports)
    assert fast.returncode == typer_path.returncode == 0
    assert fast.stdout == typer_path.stdout and len(fast.stdout) > 200


def test_export_files_on_the_fast_path_without_typer(tmp_path: Path) -> None:
    target = tmp_path / "sigmoid.tex"
    res, report = probe("sigmoid", "--latex", str(target))
    assert report["LOADED"] == "LOADED=rich,sympy"  # no typer, no pydantic (rich prints the derivation)
    assert target.read_text(encoding="utf-8").startswith("\\documentclass")
    assert "Answer: df/dx = σ(x) · (1 - σ(x))" in res.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["sigmoid", "--fragment"], "--fragment only makes sense with --latex FILE"),
    (["sigmoid", "--latex"], "requires an argument"),
    (["sigmoid", "--json", "-", "--json", "-"], ""),  # repeated: typer decides
])
def test_unusual_export_options_get_typers_messages(args: list[str], message: str) -> None:
    res = run_cli(*args)
    if message:
        assert res.returncode == 2 and message in res.stderr
    else:
        assert res.returncode == run_cli("expr", *args).returncode


def test_the_document_of_a_long_sum_walks_the_whole_expression_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ∂-or-d decision asked for the other variables of the whole expression at every step, and SymPy walks
    the whole tree for free_symbols: a sum of 800 terms spent ~5 s there (bench target 4 went from 2.07 x to
    2.84 x per doubling). The derivation now keeps its answer."""
    from derivtutor.document import build_document

    expr = sympy.Add(*(x**k / k for k in range(1, 41)))
    derivation = derive(expr, x)
    walks = []
    plain = sympy.Basic.free_symbols

    def counted(self: sympy.Basic) -> set:
        if self is expr:
            walks.append(1)
        return plain.fget(self)

    monkeypatch.setattr(sympy.Basic, "free_symbols", property(counted))
    build_document(derivation, "full")
    assert len(walks) <= 5  # a few times in all (87 before: twice per step)
