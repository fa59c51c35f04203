"""Markdown and JSON exports: exact content, the schema validation, and that rendering never differentiates."""

from __future__ import annotations

import json

import jsonschema
import pytest
import sympy
from test_export_cases import CASES, derivation

from derivtutor.render.json import SCHEMA_VERSION, derivation_data, load_schema, render_json
from derivtutor.render.latex import render_latex
from derivtutor.render.markdown import render_markdown

VALIDATOR = jsonschema.Draft202012Validator(load_schema())


def test_sigmoid_markdown() -> None:
    md = render_markdown(derivation("sigmoid"))
    assert md.startswith("# Derivative of f with respect to x\n\n✓ means the step was checked against sympy.diff.\n")
    assert "- $f\\left(x\\right) = \\frac{1}{1 + e^{- x}}$\n" in md
    assert "- $f\\left(g\\right) = \\frac{1}{g}$ — where $g = 1 + e^{- x}$" in md
    assert "$\\frac{df}{dx} = \\frac{df}{dg} \\cdot \\frac{dg}{dh} \\cdot \\frac{dh}{dx}$   chain rule" in md
    assert "- $\\frac{dg}{dh} = e^{h}$ ✓ — sum rule" in md
    assert "✓ — same as sympy.diff" in md
    assert ("- $\\frac{df}{dx} = \\frac{1}{1 + e^{- x}} \\cdot \\frac{e^{- x}}{1 + e^{- x}}$ ✓ — split the fraction"
            in md)
    assert ("## Answer\n\n- $\\frac{df}{dx} = \\sigma\\left(x\\right) \\cdot "
            "\\left(1 - \\sigma\\left(x\\right)\\right)$ ✓\n" in md)
    assert "- **chain rule**: $\\frac{df}{dx} = \\frac{df}{dg} \\cdot \\frac{dg}{dx}$. When one function" in md
    # GitHub shows `$ x$` literally: no inline maths may start or end with a space; `$$` never opens by accident
    for line in md.splitlines():
        assert "$$" not in line, line
        for piece in line.split("$")[1::2]:
            assert piece == piece.strip(), line


def test_markdown_partial_and_kink() -> None:
    md = render_markdown(derivation("partial"))
    assert "> $a$, $b$ are other variables, so they are constants here." in md
    md = render_markdown(derivation("relu"))
    assert "> No derivative at $x = 0$: the slope from the left is $0$ and from the right is $1$ (a corner)." in md


def test_markdown_escapes_every_word() -> None:
    """Words reach Markdown through markdown.escape only: no HTML, no maths, no heading break, no terminal escape."""
    from derivtutor.engine import derive
    from derivtutor.render.markdown import escape

    assert escape("<script>$x$ *a* [l](u) # h\n# two\x1b]52;c;\x07 \u202e") == (
        "\\<script\\>\\$x\\$ \\*a\\* \\[l\\](u) \\# h \\# twoU+001B\\]52;c;U+0007 U+202E")
    x = sympy.Symbol("x", real=True)
    d = derive(x**2, x, name="f")
    d.title = "<script>alert(1)</script> $\\input{x}$\n# injected"
    md = render_markdown(d)
    assert md.startswith("# \\<script\\>alert(1)\\</script\\> \\$\\\\input{x}\\$ \\# injected\n")
    assert "<script" not in md.replace("\\<script", "")


def test_markdown_table_cells_cannot_break_the_table() -> None:
    from derivtutor.document import Document, Maths, Table, Text
    from derivtutor.render.markdown import document_markdown

    x = sympy.Symbol("x")
    doc = Document("t", [Table(("a|b", "x"), (((Text("1 | 2\n<i>"),), (Maths(x**2),)),))])
    assert document_markdown(doc).splitlines()[-3:] == ["| a\\|b | x |", "|---|---|", "| 1 \\| 2 \\<i\\> | $x^{2}$ |"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_json_validates_against_the_schema(name: str) -> None:
    data = json.loads(render_json(derivation(name)))
    VALIDATOR.validate(data)
    assert data["schema_version"] == SCHEMA_VERSION == 2
    assert data["verified"] is True


def test_schema_rejects_a_broken_document() -> None:
    data = derivation_data(derivation("sigmoid"))
    del data["root"]["rule_id"]
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(data)


def test_sigmoid_json_is_the_tree() -> None:
    data = json.loads(render_json(derivation("sigmoid")))
    assert data["expression"] == {"sympy": "1/(1 + exp(-x))", "latex": "\\frac{1}{1 + e^{- x}}",
                                  "text": "1/(1 + e⁻ˣ)"}
    assert data["final"]["sympy"] == "(1 - sigmoid(x))*sigmoid(x)"
    assert data["result"]["sympy"] == data["sympy_diff"]["sympy"] == "exp(-x)/(1 + exp(-x))**2"
    root = data["root"]
    assert root["rule_id"] == "chain" and root["rule_name"] == "chain rule" and root["substeps"] == []
    layers = root["layers"]
    assert [layer["name"] for layer in layers] == ["f", "g", "h"]
    assert [layer["value"] and layer["value"]["sympy"] for layer in layers] == ["1 + exp(-x)", "-x", None]
    assert [layer["step"]["rule_id"] for layer in layers] == ["power", "sum", "constant_multiple"]
    assert [layer["derivative_back"]["sympy"] for layer in layers] == ["-1/(1 + exp(-x))**2", "exp(-x)", "-1"]
    assert layers[0]["step"]["why"].startswith("Bring the exponent down")
    assert [m["move"] for m in data["algebra"]] == ["split_fraction", "add_subtract_one", "divide_out",
                                                     "recognise_sigma"]
    assert all(m["verified"] for m in data["algebra"])
    assert data["algebra"][-1]["name"] == "recognise σ"


def test_json_partial_and_kinks() -> None:
    data = derivation_data(derivation("partial"))
    assert data["partial"] is True and data["held_constant"] == ["a", "b"]
    constants = [s for s in data["root"]["substeps"] if s["rule_id"] == "constant"]
    assert constants[0]["held_constant"] == ["b"]
    data = derivation_data(derivation("relu"))
    assert [p["sympy"] for p in data["no_derivative_at"]] == ["0"]
    assert data["same_form_as_sympy"] is False and data["sympy_diff"]["sympy"] == "Heaviside(x)"


def test_renderers_never_differentiate_or_simplify(monkeypatch: pytest.MonkeyPatch) -> None:
    built = {name: derivation(name) for name in CASES}

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a renderer differentiated or simplified")

    for target, attr in ((sympy, "diff"), (sympy, "simplify"), (sympy.Expr, "diff"), (sympy.Basic, "simplify")):
        monkeypatch.setattr(target, attr, forbidden)
    for d in built.values():
        render_latex(d)
        render_markdown(d)
        render_json(d)
