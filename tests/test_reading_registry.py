"""The function registry ties the reader, the engine, numeric.py and teaching.py together: walk it.

Every entry parses in every spelling, derives, verifies against sympy.diff, renders to terminal text, LaTeX and
Markdown, and has its words in teaching.RULES. A function the reader accepts but no rule knows (or the reverse)
fails here, as `erf` and `sech` did (issue 11).
"""

from __future__ import annotations

import io

import pytest
import sympy
from conftest import run_cli

from derivtutor import numeric
from derivtutor.engine import derive
from derivtutor.functions import BY_KEY, REGISTRY, numeric_functions, table_derivatives
from derivtutor.parsing import parse_expression
from derivtutor.render.latex import render_latex
from derivtutor.render.markdown import render_markdown
from derivtutor.render.terminal import print_built
from derivtutor.teaching import RULES
from derivtutor.verify import equal

x = sympy.Symbol("x", real=True)
SPELLINGS = [(entry.key, spelling) for entry in REGISTRY for spelling in entry.spellings]


def typed(entry_key: str, spelling: str) -> str:
    example = BY_KEY[entry_key].example
    return spelling + example[example.index("("):]


@pytest.mark.parametrize(("key", "spelling"), SPELLINGS, ids=[s for _, s in SPELLINGS])
def test_every_spelling_parses_to_the_entrys_function(key: str, spelling: str) -> None:
    assert parse_expression(typed(key, spelling)) == parse_expression(BY_KEY[key].example)


@pytest.mark.parametrize("entry", REGISTRY, ids=[e.key for e in REGISTRY])
def test_every_entry_derives_verifies_renders_and_has_words(entry: object) -> None:
    expr = parse_expression(entry.example)
    d = derive(expr, x)
    assert d.verified
    assert equal(d.result, sympy.diff(expr, x)) is True
    rule_ids = {step.rule_id for step in d.root.walk()}
    assert all(r in RULES for r in rule_ids)
    if entry.rule == "table":
        assert entry.key in rule_ids, f"{entry.key} is not differentiated by its own table rule"
        assert RULES[entry.key].formula.startswith(f"d/du {entry.key} u") or entry.key in RULES[entry.key].formula
    out = io.StringIO()
    print_built(d, "full", stream=out)
    text = out.getvalue()
    assert "Answer" in text
    assert "known derivative (looked up)" not in text  # a real rule, with its own words
    latex = render_latex(d, fragment=True)
    markdown = render_markdown(d)
    for rule_id in rule_ids - {"constant", "variable"}:
        assert RULES[rule_id].name in text
        assert RULES[rule_id].name in markdown or rule_id in ("chain", "constant_multiple")
    assert "\\" in latex and "$" in markdown


def test_table_rules_and_numeric_values_come_from_the_registry() -> None:
    from derivtutor.rules import _ELEMENTARY

    assert _ELEMENTARY == table_derivatives()
    for func in numeric_functions():
        assert numeric._FUNCTIONS[func] is not None
        value = numeric.real_value(func(x) if func is not sympy.Max else x, {x: sympy.Float("0.3", 30)})
        expected = (func(sympy.Rational(3, 10))).evalf(30)
        if value is not None and expected.is_real:
            assert not numeric.differ(value, expected)


@pytest.mark.parametrize("entry", [e for e in REGISTRY if e.inverse], ids=[e.key for e in REGISTRY if e.inverse])
def test_the_textbook_inverse_notation_means_the_inverse_function(entry: object) -> None:
    inverse = BY_KEY[entry.inverse].func
    assert parse_expression(f"{entry.key}^-1 x") == inverse(x)
    assert parse_expression(f"{entry.key}^(-1)(x)") == inverse(x)
    assert parse_expression(f"{entry.key}⁻¹x") == inverse(x)


@pytest.mark.parametrize("target", ["erf(x)", "sech x", "asinh x", "coth x", "acot x", "softplus(x)", "cosec x"])
def test_the_command_line_derives_the_new_functions(target: str) -> None:
    run = run_cli(target, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "equals sympy.diff" in run.stdout or "same as sympy.diff" in run.stdout
    assert "--wrt" not in run.stdout + run.stderr
    name = parse_expression(target).func.__name__
    assert RULES[name].name in run.stdout
