"""The safe parser: exact SymPy trees for what learners type, and a clean ParseError for everything else."""

from __future__ import annotations

import codecs
import pathlib
import re
import time

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivtutor import parsing
from derivtutor.functions import sigmoid, softplus
from derivtutor.parsing import KNOWN_FUNCTIONS, ParseError, parse_expression

ROOT = pathlib.Path(__file__).resolve().parent.parent
R = sympy.Rational
x, y, z, a, b, c, t, u = sympy.symbols("x y z a b c t u", real=True)
f = sympy.Function("f")
g = sympy.Function("g")


def sym(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


def sigma(v: sympy.Expr) -> sympy.Expr:
    """What a typed sigma(v) is: the sigmoid function itself (σ′ = σ(1 − σ) as a known rule), not its expansion."""
    return sigmoid(v)


ACCEPTED = [
    # numbers
    ("2", sympy.Integer(2)),
    ("0.5", R(1, 2)),
    (".25", R(1, 4)),
    ("1/2", R(1, 2)),
    ("0.1 + 0.2", R(3, 10)),
    ("007", sympy.Integer(7)),
    # powers, signs
    ("x^2", x**2),
    ("x**2", x**2),
    ("2^3^2", sympy.Integer(512)),
    ("x^y^z", x ** (y**z)),
    ("-x^2", -(x**2)),
    ("-2^2", sympy.Integer(-4)),
    ("x^-2", x**-2),
    ("x^(1/2)", sympy.sqrt(x)),
    ("e^(-x)", sympy.exp(-x)),
    ("e^-x", sympy.exp(-x)),
    ("e^-x^2", sympy.exp(-(x**2))),
    ("2^-x", 2 ** (-x)),
    ("x - -y", x + y),
    ("x*-y", -x * y),
    ("+x", x),
    # implicit multiplication
    ("2x", 2 * x),
    ("2 x", 2 * x),
    ("x y", x * y),
    ("3(x+1)", 3 * (x + 1)),
    ("(x+1)(x-1)", (x + 1) * (x - 1)),
    ("2sin(x)", 2 * sympy.sin(x)),
    ("x sin x", x * sympy.sin(x)),
    ("a(b+c)", a * (b + c)),
    ("1/2x", x / 2),
    ("2x^2", 2 * x**2),
    ("(x+1)2", 2 * (x + 1)),
    # functions with and without parentheses
    ("sin x", sympy.sin(x)),
    ("sin 2x", sympy.sin(2 * x)),
    ("sin x^2", sympy.sin(x**2)),
    ("sin x cos x", sympy.sin(x) * sympy.cos(x)),
    ("sin^2 x", sympy.sin(x) ** 2),
    ("sin^2(x)", sympy.sin(x) ** 2),
    ("sin(x)^2", sympy.sin(x) ** 2),
    ("sin cos x", sympy.sin(sympy.cos(x))),
    ("sin -x", sympy.sin(-x)),
    ("sin x / 2", sympy.sin(x) / 2),
    ("sin x + 1", sympy.sin(x) + 1),
    ("ln x^2", sympy.log(x**2)),
    ("sin(x+1)(x-1)", sympy.sin(x + 1) * (x - 1)),
    # constants
    ("e", sympy.E),
    ("pi", sympy.pi),
    ("\u03c0 x", sympy.pi * x),
    ("2e", 2 * sympy.E),
    ("e(x+1)", sympy.E * (x + 1)),
    ("exp(x)", sympy.exp(x)),
    ("exp(-x)", sympy.exp(-x)),
    # the whitelist of functions
    ("ln(x)", sympy.log(x)),
    ("log(x)", sympy.log(x)),
    ("log(x, 2)", sympy.log(x, 2)),
    ("log(x, b)", sympy.log(x, b)),
    ("sqrt(x)", sympy.sqrt(x)),
    ("sqrt x", sympy.sqrt(x)),
    ("abs(x)", sympy.Abs(x)),
    ("|x|", sympy.Abs(x)),
    ("|x - 1|", sympy.Abs(x - 1)),
    ("2|x|", 2 * sympy.Abs(x)),
    ("||x||", sympy.Abs(sympy.Abs(x))),
    ("|x|^2", sympy.Abs(x) ** 2),
    ("tan x + sec x + csc x + cot x", sympy.tan(x) + sympy.sec(x) + sympy.csc(x) + sympy.cot(x)),
    ("asin x + acos x + atan x", sympy.asin(x) + sympy.acos(x) + sympy.atan(x)),
    ("arcsin(x) + arccos(x) + arctan(x)", sympy.asin(x) + sympy.acos(x) + sympy.atan(x)),
    ("sinh x + cosh x + tanh x", sympy.sinh(x) + sympy.cosh(x) + sympy.tanh(x)),
    ("max(a, b)", sympy.Max(a, b)),
    ("min(a, b, c)", sympy.Min(a, b, c)),
    ("relu(x)", sympy.Max(0, x)),
    ("relu x", sympy.Max(0, x)),
    ("sigma(x)", sigma(x)),
    ("sigmoid(-x)", sigma(-x)),
    ("sigma(net_k)", sigma(sym("net_k"))),
    ("softplus(x)", softplus(x)),
    ("1/(1 + e^(-x))", sympy.Pow(1 + sympy.exp(-x), -1)),
    # read differently since issue 12: these were refusals
    ("sinx", sympy.sin(x)),
    ("x\u00b2", x**2),
    ("sin^-1 x", sympy.asin(x)),
    # undefined functions
    ("f(x)", f(x)),
    ("f(x^2)", f(x**2)),
    ("f(g(x))", f(g(x))),
    ("f(x)^2", f(x) ** 2),
    ("f x", sym("f") * x),
    # names
    ("w_jk", sym("w_jk")),
    ("w_jk o_j", sym("w_jk") * sym("o_j")),
    ("net_k", sym("net_k")),
    ("(t_k - o_k)^2", (sym("t_k") - sym("o_k")) ** 2),
    ("x1", sym("x1")),
    ("eta", sym("eta")),
    ("alpha theta", sym("alpha") * sym("theta")),
    ("cost", sym("cost")),
    # whitespace and look-alike characters
    ("  x +\ty \n", x + y),
    ("x\u00a0+ 1", x + 1),
    ("x \u2212 1", x - 1),
    ("2\u00d7x", 2 * x),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED, ids=[text for text, _ in ACCEPTED])
def test_accepted_forms_build_exact_trees(text: str, expected: sympy.Expr) -> None:
    result = parse_expression(text)
    assert result == expected
    assert sympy.srepr(result) == sympy.srepr(expected)


def test_symbols_are_real_and_multi_letter_names_are_one_symbol() -> None:
    result = parse_expression("net")
    assert result == sympy.Symbol("net", real=True)
    assert result.is_real is True
    assert parse_expression("net").free_symbols == {sympy.Symbol("net", real=True)}


def test_decimals_are_exact_rationals_never_floats() -> None:
    result = parse_expression("0.1x")
    assert result == R(1, 10) * x
    assert not result.atoms(sympy.Float)


def test_sigma_is_the_sigmoid_function_not_its_expansion() -> None:
    result = parse_expression("sigma(x)")
    assert isinstance(result, sigmoid)
    assert result.args == (x,)
    assert sympy.diff(result, x) == sigmoid(x) * (1 - sigmoid(x))


REFUSED = [
    ("", 1, "empty"),
    ("   \n", 1, "empty"),
    ("x**", 4, "after '**'"),
    ("x^", 3, "after '^'"),
    ("x +", 4, "after '+'"),
    ("exp(", 4, "never closed"),
    ("(x+1", 1, "never closed"),
    ("x+1)", 4, "no matching '('"),
    ("|x", 1, "'|' is never closed"),
    ("x|", 2, "'|' is never closed"),
    ("()", 2, "nothing inside"),
    ("sin()", 5, "needs something inside"),
    ("* x", 1, "cannot start with '*'"),
    ("x */ y", 4, "after '*'"),
    ("--x", 2, "two signs in a row"),
    ("x,y", 2, "','"),
    ("(x, y)", 3, "','"),
    ("f(x=1)", 4, "'='"),
    ("sinn(x)", 1, "unknown function 'sinn'; did you mean 'sin'?"),
    ("Sin(x)", 1, "did you mean 'sin'?"),
    ("foo(x)", 1, "unknown function 'foo'"),
    ("w_jk(x)", 1, "unknown function 'w_jk'"),
    ("__import__('os')", 1, "cannot start with '_'"),
    ("().__class__", 3, "'.'"),
    ("x.real", 2, "'.'"),
    ("lambda x: x", 9, "':'"),
    ("'x'", 1, "quotes"),
    ('"x"', 1, "quotes"),
    ("[x]", 1, "round parentheses"),
    ("{x}", 1, "round parentheses"),
    ("x;y", 2, "';'"),
    ("`x`", 1, "'`'"),
    ("x @ y", 3, "'@'"),
    ("3!", 2, "factorials (!) are not supported"),
    ("x\x00", 2, "'\\x00'"),
    ("\x1b[31mx", 1, "'\\x1b'"),
    ("x\u202e", 2, "'\\u202e'"),
    ("x\udcff", 2, "'\\udcff'"),
    ("1e-3", 2, "scientific notation"),
    ("1.2.3", 4, "only one '.'"),
    ("1.", 2, "followed by digits"),
    ("2 3", 3, "two numbers in a row"),
    ("sin^-2 x", 5, "ambiguous"),
    ("erf^-1 x", 5, "ambiguous"),
    ("sin", 4, "sin needs an argument"),
    ("sin + x", 5, "sin needs an argument"),
    ("max x", 5, "max needs parentheses"),
    ("max(x)", 1, "at least two arguments"),
    ("sin(x, y)", 1, "one argument"),
    ("log(x, 1)", 1, "base cannot be 0 or 1"),
    ("1/0", 2, "dividing by zero"),
    ("x/(1-1)", 2, "dividing by zero"),
    ("0^-1", 2, "dividing by zero"),
    ("log(0)", 1, "undefined"),
    ("tan(pi/2)", 1, "undefined"),
    ("9^9^9^9", 4, "this number is too large to work with"),
    ("10^100000", 3, "this number is too large to work with"),
    ("2^4000", 2, "this number is too large to work with"),
    ("x^100000", 2, "exponent too large"),
    ("x^-1001", 2, "exponent too large"),
    ("(2x)^1001", 5, "exponent too large"),
    ("1" * 101, 1, "more than 100 digits"),
    ("x + " + "9" * 101, 5, "more than 100 digits"),
    ("sqrt(10^120 + 1)", 1, "roots of numbers"),
    ("(10^120 + 1)^(1/3)", 13, "roots of numbers"),
]


@pytest.mark.parametrize(("text", "column", "fragment"), REFUSED, ids=[repr(r[0])[:40] for r in REFUSED])
def test_refused_inputs_give_a_parse_error_at_the_right_column(text: str, column: int, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_expression(text)
    error = info.value
    assert error.column == column, error.one_line()
    assert fragment in error.message, error.message
    assert error.text == text
    line = error.one_line()
    assert line.startswith(f"column {column}: ")
    assert "\n" not in line and "\x1b" not in line and "\x00" not in line
    assert all(ch.isprintable() for ch in line)


def test_one_line_matches_the_documented_shape() -> None:
    with pytest.raises(ParseError) as info:
        parse_expression("x**")
    assert info.value.one_line() == "column 4: expected a number, a name or '(' after '**' in: x**"


def test_one_line_truncates_the_echo_around_the_column() -> None:
    text = "x + " * 100 + "sinn(x)" + " + x" * 100
    with pytest.raises(ParseError) as info:
        parse_expression(text)
    line = info.value.one_line()
    assert "sinn" in line.split(" in: ", 1)[1]
    assert len(line.split(" in: ", 1)[1]) <= parsing.ECHO_WIDTH + 6


def test_parse_error_is_a_value_error() -> None:
    assert issubclass(ParseError, ValueError)


def test_length_limit_and_custom_max_length() -> None:
    parse_expression("x" * parsing.MAX_INPUT_LENGTH)
    with pytest.raises(ParseError) as info:
        parse_expression("x" * (parsing.MAX_INPUT_LENGTH + 1))
    assert info.value.column == parsing.MAX_INPUT_LENGTH + 1
    assert "20000 characters" in info.value.message
    with pytest.raises(ParseError, match="longer than 10 characters"):
        parse_expression("x + y + z + w", max_length=10)


def test_non_text_input_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        parse_expression(b"x")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------- nesting
def test_300_deep_parentheses_work_and_301_are_refused() -> None:
    assert parse_expression("(" * 300 + "x" + ")" * 300) == x
    with pytest.raises(ParseError) as info:
        parse_expression("(" * 301 + "x" + ")" * 301)
    assert info.value.column == 301
    assert "300 levels" in info.value.message


def test_300_deep_function_calls_work_and_301_are_refused() -> None:
    expected = x
    for _ in range(300):
        expected = sympy.sin(expected)
    assert parse_expression("sin(" * 300 + "x" + ")" * 300) == expected
    with pytest.raises(ParseError, match="300 levels"):
        parse_expression("sin(" * 301 + "x" + ")" * 301)
    with pytest.raises(ParseError, match="300 levels"):
        parse_expression("sin " * 301 + "x")


def test_deep_bars_and_power_towers_are_bounded() -> None:
    assert parse_expression("|" * 300 + "x" + "|" * 300) == sympy.Abs(x)
    with pytest.raises(ParseError, match="300 levels"):
        parse_expression("x^" * 5000 + "x")
    with pytest.raises(ParseError, match="300 levels"):
        parse_expression("(" * 10000)


# ------------------------------------------------------------------------------------------ hostile corpus
def _hostile_lines() -> list[str]:
    lines = (ROOT / "tests" / "hostile_inputs.txt").read_text(encoding="ascii").splitlines()
    decoded = []
    for line in lines:
        if line.startswith("# "):
            continue
        decoded.append("" if line == "__EMPTY__" else codecs.decode(line, "unicode_escape"))
    return decoded


HOSTILE = _hostile_lines()
GENERATED_BOMBS = [
    "x" * 100_000,
    "(" * 10_000 + "x" + ")" * 10_000,
    "|" * 5_000,
    "(x+1)^(" * 300 + "x" + ")" * 300,
    "2^3000*" * 2500 + "1",
    "9" * 100 + "^" + "9" * 100,
    "-" * 10_000 + "x",
    "sin " * 10_000 + "x",
    "\x1b" * 1000,
]


def test_300_nested_sigmas_are_read_quickly_as_the_sigmoid_function() -> None:
    """Once a bomb (each sigma was expanded into exponentials); now one cheap SymPy function per level."""
    start = time.monotonic()
    result = parse_expression("sigma(" * 300 + "x" + ")" * 300)
    assert time.monotonic() - start < 2.0
    assert isinstance(result, sigmoid) and sympy.count_ops(result) == 300


def test_hostile_corpus_has_at_least_40_lines() -> None:
    assert len(HOSTILE) >= 40


@pytest.mark.parametrize("text", HOSTILE + GENERATED_BOMBS, ids=lambda s: repr(s)[:40])
def test_hostile_inputs_give_a_parse_error_quickly(text: str) -> None:
    start = time.monotonic()
    with pytest.raises(ParseError) as info:
        parse_expression(text)
    assert time.monotonic() - start < 2.0
    line = info.value.one_line()
    assert all(ch.isprintable() for ch in line)
    assert 1 <= info.value.column <= len(text) + 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [("x+" * 9999 + "x", 10000 * x), ("1/" * 9999 + "1", sympy.Integer(1)), ("x*" * 9999 + "x", x**10000)],
    ids=["10000 terms", "9999 divisions", "10000 factors"],
)
def test_long_but_legal_inputs_are_accepted_quickly(text: str, expected: sympy.Expr) -> None:
    start = time.monotonic()
    assert parse_expression(text) == expected
    assert time.monotonic() - start < 2.0


# ---------------------------------------------------------------------------------------------- fuzzing
ALPHABET = (
    "xyzabe0123456789.+-*/^()|, _\t\n" + "sincoexplgqrtmahd" + "!@#$%;:'\"[]{}=<>?`~\\\x00\x1b\u202e\u03c0"
)
TOKENS = [
    "x", "y", "e", "pi", "2", "0.5", "10", "99", "+", "-", "*", "/", "^", "**", "(", ")", "|", ",", " ",
    *KNOWN_FUNCTIONS, "f", "g", "w_jk", "sinn", "9^9", "__", ".", "=", "!",
]  # fmt: skip


def _parse_or_refuse(text: str) -> None:
    start = time.monotonic()
    try:
        result = parse_expression(text)
    except ParseError as error:
        assert 1 <= error.column <= len(text) + 1
        assert all(ch.isprintable() for ch in error.one_line())
    else:
        assert isinstance(result, sympy.Basic)
    assert time.monotonic() - start < 2.0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_random_strings_parse_or_raise_parse_error(text: str) -> None:
    _parse_or_refuse(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_random_unicode_parses_or_raises_parse_error(text: str) -> None:
    _parse_or_refuse(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=40))
def test_random_token_sequences_parse_or_raise_parse_error(tokens: list[str]) -> None:
    _parse_or_refuse("".join(tokens))
    _parse_or_refuse(" ".join(tokens))


# ---------------------------------------------------------------------------------------------- source check
FORBIDDEN_CALLS = re.compile(r"\b(eval|exec)\(|sympify\(|\bparse_expr\b|\blambdify\(")


def test_package_source_never_evaluates_strings() -> None:
    offenders = []
    for path in sorted((ROOT / "derivtutor").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.lstrip().startswith("#"):
                continue
            if FORBIDDEN_CALLS.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_source_check_would_catch_an_offender() -> None:
    assert FORBIDDEN_CALLS.search("value = sympify(text)")
    assert FORBIDDEN_CALLS.search("    return eval(s)")
    assert FORBIDDEN_CALLS.search("from sympy.parsing.sympy_parser import parse_expr")
    assert not FORBIDDEN_CALLS.search("    retrieval(s)")
    assert not FORBIDDEN_CALLS.search("parse_expression(text)")
