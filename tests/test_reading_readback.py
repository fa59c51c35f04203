"""What is printed reads back: every maths string (terminal Unicode and ASCII, LaTeX, Markdown, HTML) goes through
our own reader to the expression it stands for. Over every preset's expressions, a corpus, and the documents of
5,000 derivations (presets, the textbook corpus, generated expressions: tests/readback.py walks each document).

A printed string that reads back as something else is a wrong statement marked ✓ (issue 15: `5/2ˣ` for (5/2)ˣ,
`ln(atan(5))` for log base 2 of atan(5)); so this is a property of the printer and the reader together.
"""

from __future__ import annotations

import dataclasses
import itertools
import multiprocessing
import threading
import time
from collections.abc import Iterator

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from readback import FORMATS, Tally, evaluated, generated, real_symbols
from sympy.core.function import AppliedUndef

from derivtutor.document import Maths, build_document
from derivtutor.functions import REGISTRY, sigmoid, softplus
from derivtutor.limits import in_deep_thread
from derivtutor.mathtext import math_text
from derivtutor.parsing import parse_expression
from derivtutor.verify import equal

R = sympy.Rational
NAMES = ["x", "y", "t", "a_j", "w_jk", "net_k", "theta", "eta", "x_1", "b"]
SYMBOLS = [sympy.Symbol(n, real=True) for n in NAMES]
x, y, t = SYMBOLS[:3]
UNREADABLE = (sympy.Derivative, sympy.Subs, sympy.Piecewise, sympy.Sum, sympy.Heaviside)
"""Printed forms outside the input language (f′(x), {… if x < 0}, Σ): not typed by a learner, so not read back."""


def assert_reads_back(expr: sympy.Expr, text: str) -> None:
    back = parse_expression(text)
    want = real_symbols(expr)
    if back == want:
        return
    assert equal(back, evaluated(want)) is True, f"{text!r} reads back as {back}, not {want}"


def check_printed(*shown: sympy.Expr) -> None:
    """One expression (or a product shown factor by factor) in every format: terminal Unicode and ASCII, LaTeX,
    Markdown and HTML (tests/readback.py: the printers each backend uses for a maths run)."""
    tally = Tally()
    tally.maths(Maths(shown[0]) if len(shown) == 1 else Maths(sympy.Mul(*shown), factors=shown))
    assert not tally.failures, "\n".join(tally.failures)
    assert set(tally.checked) == set(FORMATS)


# ---------------------------------------------------------------------------------------------- the two bugs
def test_a_fraction_base_is_printed_in_parentheses() -> None:
    expr = R(5, 2) ** x
    assert math_text(expr) == "(5/2)ˣ"
    assert math_text(expr, unicode=False) == "(5/2)^x"
    check_printed(expr * sympy.log(R(5, 2)))


def test_a_log_base_is_kept_when_read_and_printed() -> None:
    expr = parse_expression("x*log(atan(5), 2)")
    assert "ln(2)" in math_text(expr)
    value = float(expr.subs(x, 1))
    assert abs(value - 0.4582) < 1e-3  # 0.317 was ln(atan(5)), the base lost
    check_printed(expr)


def test_a_power_of_an_exponential_keeps_its_parentheses() -> None:
    expr = sympy.Pow(sympy.exp(1 / x), x, evaluate=False)
    assert math_text(expr) == "(e^(1/x))ˣ"
    check_printed(expr)


def test_a_root_of_a_number_times_a_letter_is_not_glued_under_the_root() -> None:
    expr = sympy.sqrt(2) * x
    assert_reads_back(expr, math_text(expr))


# ---------------------------------------------------------------------------------------------- presets
def _expressions_in(obj: object, seen: set[int], found: list, factors: list, depth: int = 0) -> None:
    """Every SymPy expression a built preset holds (the steps, layers, algebra and factors it prints)."""
    if id(obj) in seen or depth > 40:
        return
    seen.add(id(obj))
    if isinstance(obj, sympy.Basic):
        alone = isinstance(obj, AppliedUndef) and obj.func.__name__ not in ("f", "g", "h")  # x(t) alone is x·t
        if isinstance(obj, sympy.Expr) and not obj.has(*UNREADABLE) and obj is not sympy.nan and not alone:
            found.append(obj)
        return
    if isinstance(obj, (list, tuple)):
        if obj and all(isinstance(o, sympy.Expr) for o in obj) and len(obj) > 1:
            factors.append(list(obj))
        for item in obj:
            _expressions_in(item, seen, found, factors, depth + 1)
        return
    if isinstance(obj, dict):
        for item in obj.values():
            _expressions_in(item, seen, found, factors, depth + 1)
        return
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            _expressions_in(getattr(obj, f.name), seen, found, factors, depth + 1)
        for name in ("result", "final"):
            try:
                value = getattr(obj, name, None)
            except Exception:  # noqa: BLE001 - a property that does not apply to this kind of object
                value = None
            if value is not None:
                _expressions_in(value, seen, found, factors, depth + 1)


def _preset_expressions() -> list[tuple[str, sympy.Expr | list]]:
    from derivtutor.presets import PRESETS

    cases: list[tuple[str, sympy.Expr | list]] = []
    for name, preset in PRESETS.items():
        found: list = []
        factors: list = []
        _expressions_in(preset.build(), set(), found, factors)
        cases += [(name, e) for e in found]
        cases += [(name, f) for f in factors if not any(e.has(*UNREADABLE) for e in f)]
    return cases


PRESET_CASES = _preset_expressions()


def test_presets_hold_many_expressions() -> None:
    assert len(PRESET_CASES) > 300


@pytest.mark.parametrize("case", range(len(PRESET_CASES)))
def test_every_preset_expression_reads_back(case: int) -> None:
    _, expr = PRESET_CASES[case]
    check_printed(*expr) if isinstance(expr, list) else check_printed(expr)


# ---------------------------------------------------------------------------------------------- a corpus
CORPUS = [
    x**2, x**-1, x ** R(1, 2), x ** R(3, 2), x ** R(-1, 2), 2**x, R(1, 2) ** x, R(5, 2) ** x, (-2) ** x,
    sympy.exp(-x), sympy.exp(2 * x), sympy.exp(-(x**2)), sympy.exp(x * y), 1 / (1 + sympy.exp(-x)),
    sympy.sqrt(x + 1), sympy.sqrt(2) * x, sympy.sqrt(2 * x), 3 * sympy.sqrt(x), x * sympy.sqrt(x + 1),
    sympy.log(x), sympy.log(x, 2), sympy.log(x) / sympy.log(10), sympy.log(sympy.Abs(x)), sympy.Abs(x - 1),
    sigmoid(x), sigmoid(x) * (1 - sigmoid(x)), softplus(x), sigmoid(-x) ** 2, sympy.Max(0, x), sympy.Min(0, x),
    sympy.sin(x) ** 2, sympy.sin(x**2), sympy.sin(x) * sympy.cos(x), 1 / sympy.sin(x), sympy.tan(x) ** -2,
    sympy.pi * x, 2 * sympy.pi * x, sympy.E * x, sympy.E ** (sympy.pi * x), x**x, (1 + x) ** x,
    SYMBOLS[4] * SYMBOLS[3] + SYMBOLS[9], (SYMBOLS[2] - SYMBOLS[3]) ** 2 / 2, SYMBOLS[6] * x, SYMBOLS[8] ** 2,
    -x, -(x**2), -2 * x, x - y, -x - y, x / 2, 2 / x, -R(1, 2) * x, x * y / (x + y), (x + 1) / (x - 1),
    sympy.Abs(x) ** 3, x * sympy.Abs(x), 7 ** (x**2 - 4), sympy.atan(5) * x, sympy.asin(R(1, 2)) + x,
    *(entry.func(x) for entry in REGISTRY if isinstance(entry.func, type) and entry.arity == (1, 1)),
    *(entry.func(2 * x + 1) ** 2 for entry in REGISTRY if entry.rule == "table"),
]


@pytest.mark.parametrize("expr", CORPUS, ids=[str(e) for e in CORPUS])
def test_corpus_expressions_read_back(expr: sympy.Expr) -> None:
    check_printed(expr)


# ---------------------------------------------------------------------------------------------- generated
UNARY = [entry.func for entry in REGISTRY if entry.rule == "table"] + [
    sympy.exp, sympy.log, sympy.sqrt, sympy.Abs, sigmoid, lambda u: sympy.Max(0, u), lambda u: -u,
]
LEAVES = st.one_of(
    st.sampled_from(SYMBOLS),
    st.integers(-9, 12).map(sympy.Integer),
    st.tuples(st.integers(-7, 7), st.integers(2, 9)).map(lambda p: R(*p)),
    st.sampled_from([sympy.E, sympy.pi]),
)


def _apply(func: object, u: sympy.Expr) -> sympy.Expr:
    try:
        return func(u)
    except (ValueError, TypeError):  # max(0, asin(2)): SymPy cannot compare a complex constant
        return u


def _combine(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        st.tuples(st.sampled_from(UNARY), children).map(lambda p: _apply(p[0], p[1])),
        st.tuples(children, children).map(lambda p: p[0] + p[1]),
        st.tuples(children, children).map(lambda p: p[0] - p[1]),
        st.tuples(children, children).map(lambda p: p[0] * p[1]),
        st.tuples(children, children).map(lambda p: p[0] / p[1] if p[1] != 0 else p[0]),
        st.tuples(children, st.sampled_from([2, 3, -1, -2, R(1, 2), R(-1, 2), R(3, 2)])).map(lambda p: p[0] ** p[1]),
        st.tuples(children, st.sampled_from(SYMBOLS[:3])).map(lambda p: p[0] ** p[1]),
    )


EXPRESSIONS = st.recursive(LEAVES, _combine, max_leaves=7).filter(
    lambda e: isinstance(e, sympy.Expr) and e.is_finite is not False and not e.has(sympy.zoo, sympy.nan, sympy.I)
    and not e.has(*UNREADABLE) and not e.has(sympy.oo, -sympy.oo)
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(EXPRESSIONS)
def test_generated_documents_read_back(expr: sympy.Expr) -> None:
    """Hypothesis's own examples (and, on a failure, the smallest one it can find), at the level of the document."""
    tally = Tally()
    in_deep_thread(lambda: _document_of(expr, tally), 20.0, cpu=True)
    assert not tally.failures, "\n".join(tally.failures)


# ---------------------------------------------------------------------------------------------- 5,000 documents
DOCUMENTS = 5000
SEED = 20261202
NOT_DERIVED = ("UnsupportedExpression", "UncheckedStep", "VerificationError")
"""Why a generated expression may have no document: a function the engine does not take, a check SymPy cannot
decide in time ((-5)^t^t), or a function real nowhere whose check fails (σ(|acsc(erf(b))|): acsc of a number in
(-1, 1)). Not a read-back matter; the test allows fewer than 2 % of them."""


def _variable(expr: sympy.Expr) -> sympy.Symbol:
    names = sorted(expr.free_symbols, key=lambda s: s.name)
    return names[0] if names else x


def _document_of(expr: sympy.Expr, tally: Tally) -> bool:
    from derivtutor.engine import derive

    try:
        built = derive(expr, _variable(expr))
    except Exception as exc:  # noqa: BLE001 - sorted below: only the expected refusals pass
        if type(exc).__name__ in NOT_DERIVED:
            return False
        raise
    tally.document(build_document(built, detail="full"))
    return True


def _textbook_cases() -> list[object]:
    from test_final_forms import DIFFERENCES, MATCHES, derivation_of

    return [derivation_of(case) for case, *_ in MATCHES + DIFFERENCES]


PARTS = 2
"""The suite runs on two cores: the documents are split between two processes (forked, so each starts from this
one's imports), each taking every other expression of the same fixed sequence. About 85 s of CPU time in all."""
MARGIN = 150
"""Candidates beyond 5,000 for the refusals (about 0.7 %), so that at least 5,000 documents are checked."""


def _candidates() -> Iterator[sympy.Expr]:
    """The corpus above, then generated expressions; each once, the same on every run."""
    seen: set[sympy.Expr] = set()
    for expr in itertools.chain(CORPUS, generated(SEED, SYMBOLS, UNARY)):
        if expr not in seen:
            seen.add(expr)
            yield expr


def _check_part(part: int) -> tuple[int, int, Tally]:
    """Documents of expressions part, part + PARTS, ... (the presets and the textbook corpus in part 0)."""
    from derivtutor import limits
    from derivtutor.presets import PRESETS

    limits._WATCHDOG = limits._Watchdog()  # in a forked child the parent's watchdog thread does not run
    tally, documents, refused = Tally(), 0, 0

    def run() -> None:
        nonlocal documents, refused
        fixed = [preset.build() for preset in PRESETS.values()] + _textbook_cases()
        if part == 0:
            for built in fixed:
                tally.document(build_document(built, detail="full"))
            documents += len(fixed)
        for i, expr in enumerate(itertools.islice(_candidates(), DOCUMENTS - len(fixed) + MARGIN)):
            if i % PARTS != part:
                continue
            if in_deep_thread(lambda e=expr: _document_of(e, tally), 20.0, cpu=True):
                documents += 1
            else:
                refused += 1

    in_deep_thread(run)
    tally.forget()  # the caches stay in the worker: only the counts and failures travel back
    return documents, refused, tally


def test_every_maths_run_of_5000_documents_reads_back_in_every_format() -> None:
    """Every Maths and Ratio run of `build_document(built, "full")`, for the presets, the textbook corpus
    (test_final_forms), the corpus above and generated expressions (a fixed seed): at least 5,000 documents."""
    started = time.perf_counter()
    # Fork only when no work runs in another thread (abandoned work of an earlier test finishes in the background):
    # it could hold a lock the children would inherit held. The idle time-limit watchdog is replaced in each child.
    alone = all(t is threading.main_thread() or t.name == "derivtutor-watchdog" for t in threading.enumerate())
    if "fork" in multiprocessing.get_all_start_methods() and alone:
        with multiprocessing.get_context("fork").Pool(PARTS) as pool:
            parts = pool.map(_check_part, range(PARTS))
    else:  # pragma: no cover - no fork (Windows), or other threads alive: one process does all parts
        parts = [_check_part(part) for part in range(PARTS)]
    documents = sum(p[0] for p in parts)
    refused = sum(p[1] for p in parts)
    tally = Tally.merged([p[2] for p in parts])
    assert documents >= DOCUMENTS and refused < DOCUMENTS // 50, (documents, refused)
    assert not tally.failures, f"{len(tally.failures)} printed strings do not read back:\n" + "\n".join(
        tally.failures[:30])
    assert all(tally.checked[fmt] > 3 * DOCUMENTS for fmt in FORMATS), tally.checked
    assert tally.checked["ratio"] > DOCUMENTS
    print(f"\n{documents} documents ({refused} refused), read back: {dict(tally.checked)}; "
          f"{tally.structural} distinct texts equal as trees, {tally.expanded} once expanded, {tally.by_equal} by "
          f"verify.equal; skipped: {dict(tally.skipped)}; {time.perf_counter() - started:.1f} s")


# ---------------------------------------------------------------------------------------------- at run time
def _fraction_bases_without_brackets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Put issue 15's first bug back into the terminal printer: (5/2)ˣ printed as 5/2ˣ, which reads as 5/(2ˣ)."""
    from derivtutor.mathtext import MathText

    original = MathText._print_Pow

    def misprinted(self: MathText, expr: sympy.Pow, rational: bool = False) -> str:
        return original(self, expr, rational).replace("(5/2)", "5/2")

    monkeypatch.setattr(MathText, "_print_Pow", misprinted)


def test_every_preset_answer_reads_back_at_run_time() -> None:
    from derivtutor.presets import PRESETS
    from derivtutor.render.readback import check_printed_answer

    for preset in PRESETS.values():
        in_deep_thread(lambda p=preset: check_printed_answer(p.build()))


def test_derive_refuses_an_answer_whose_text_reads_back_as_something_else(monkeypatch, capsys) -> None:
    from derivtutor.run import run_derivation
    from derivtutor.startup import EXIT_INTERNAL, EXIT_OK

    assert run_derivation("(2.5)^x") == EXIT_OK and "(5/2)ˣ·ln(5/2)" in capsys.readouterr().out
    _fraction_bases_without_brackets(monkeypatch)
    assert run_derivation("(2.5)^x") == EXIT_INTERNAL
    out, err = capsys.readouterr()
    assert out == ""  # nothing is shown, not even the steps
    assert err.strip().splitlines() == [
        "derive: internal error: the answer as printed (5/2ˣ·ln(5/2)) does not read back as the answer that was "
        "checked, so nothing is shown"]
    assert run_derivation("x^2") == EXIT_OK  # an answer the change does not touch still prints


def test_an_export_refuses_a_misprinted_answer(monkeypatch, capsys) -> None:
    from derivtutor.export import Exports, render_document
    from derivtutor.render.latex import TutorLatexPrinter
    from derivtutor.render.readback import MisprintedAnswer
    from derivtutor.run import build, run_derivation
    from derivtutor.startup import EXIT_INTERNAL

    def no_braces(self: TutorLatexPrinter, expr: sympy.Expr, exp: str | None = None) -> str:
        return "e^" + self._print(expr.args[0])  # e^{3 x} printed as e^3 x, which reads as e³·x

    monkeypatch.setattr(TutorLatexPrinter, "_print_ExpBase", no_braces)
    with pytest.raises(MisprintedAnswer):
        render_document(build("e^(3x)", None), "markdown")
    assert run_derivation("e^(3x)", exports=Exports(latex="-")) == EXIT_INTERNAL
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("derive: internal error: the answer as printed (3 e^3 x)")
    assert "\n" not in err.strip()


def test_the_python_api_raises_instead_of_returning_a_misprinted_answer(monkeypatch) -> None:
    import derivtutor

    assert derivtutor.derive("(2.5)^x").verified
    _fraction_bases_without_brackets(monkeypatch)
    with pytest.raises(derivtutor.InternalError, match=r"as printed \(5/2\^x\*ln\(5/2\)\)|as printed \(5/2ˣ"):
        derivtutor.derive("(2.5)^x")


def test_a_loaded_machine_does_not_make_a_plain_reading_too_complicated(monkeypatch) -> None:
    """The reader's time limit counts its own CPU time: under load (the 5,000-document run on a busy machine)
    `\\frac{9^{x} \\ln{\\left(9 \\right)}}{\\pi}` was refused as 'too complicated' by the wall clock."""
    import derivtutor.parsing as parsing

    # no wall clock to look at: the reading's limit is limits.time_limit in CPU seconds (tests/test_hostile_api.py)
    assert not hasattr(parsing, "time") and "monotonic" not in parsing.__dict__
    assert parse_expression(r"\frac{9^{x} \ln{\left(9 \right)}}{\pi}") == 9**x * sympy.log(9) / sympy.pi
