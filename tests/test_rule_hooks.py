"""Rule hooks (issue 11): what verify, explain and the JSON and LaTeX exports ask of a rule is a method on the rule
class, and the engine picks a node's rule from one selection table; outputs stay as they were."""

from __future__ import annotations

import ast
from pathlib import Path

import sympy
from conftest import sym

from derivtutor import rules
from derivtutor.engine import SELECTION, LayerNames, build_step, derive, node_kind

PACKAGE = Path(rules.__file__).parent
RULE_CLASSES = {name for name, value in vars(rules).items()
                if isinstance(value, type) and issubclass(value, rules.Step)}
ASKERS = ["verify.py", "slips.py", "lessons.py"]


def test_no_isinstance_ladder_on_rule_classes_where_the_hooks_are_asked() -> None:
    """Only the chain's layers (its structure, not a rule's fact) are still looked at by class."""
    for relative in ASKERS:
        tree = ast.parse((PACKAGE / relative).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "isinstance":
                named = {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)}
                assert named & RULE_CLASSES <= {"ChainRule"}, f"{relative}: isinstance on {named & RULE_CLASSES}"


def test_the_selection_table_covers_every_kind_of_node() -> None:
    x, w, a = sym("x"), sym("w"), sym("a")
    examples = {"constant": a, "variable": x, "chain": sympy.sin(x**2), "sum": x + sympy.sin(x),
                "product": x * sympy.sin(x), "power": x**3, "function": sympy.exp(x)}
    for kind, expr in examples.items():
        assert node_kind(expr, x) == kind
    assert set(SELECTION) == set(examples)
    step = build_step(w * a, w, LayerNames(w * a))
    assert type(step) is rules.ConstantMultipleRule and type(step.rest) is rules.VariableRule


def test_rebuild_comes_from_the_rules() -> None:
    x, w, a = sym("x"), sym("w"), sym("a")
    d = derive(w * a + sympy.sin(x) * w, w)
    steps = list(d.root.walk())
    multiple = next(s for s in steps if type(s) is rules.ConstantMultipleRule and s.constant == a)
    assert multiple.rebuild([w]) == a * w
    assert d.root.rebuild([c.expr for c in d.root.substeps()]) == d.root.expr
    assert rules.VariableRule(w, w).rebuild([]) is None
