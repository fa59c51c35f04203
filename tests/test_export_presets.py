"""Every preset exports whole (notes, rewrites, factors, delta, update) via the real CLI: LaTeX compiled by a real
pdflatex, Markdown with the key formula, JSON valid against the schema."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
from conftest import run_cli

from derivtutor.presets import PRESETS
from derivtutor.render.json import load_schema

PDFLATEX = shutil.which("pdflatex")
needs_pdflatex = pytest.mark.skipif(PDFLATEX is None,
                                    reason="pdflatex not installed (apt-get install texlive-latex-base)")

# The formula each preset is about, as the LaTeX renderer writes it (Markdown carries the same maths).
KEY_FORMULA = {
    "sigmoid": r"\frac{1}{1 + e^{- x}}",
    "error": r"\frac{\partial E}{\partial a_{k}} = - (t_{k} - a_{k})",  # partial: E depends on every a, t
    "net": r"\frac{\partial \mathrm{net}_{k}}{\partial w_{jk}} = a_{j}",
    "output-weight": r"\Delta{} w_{jk} = - \eta \delta_{k} a_{j}",
    "hidden-weight": r"\delta_{j} = \left(\sum_{k=1}^{K} \delta_{k} w_{jk}\right)",
    "tanh": r"\frac{df}{dx} = \left(1 - \tanh^{2}{\left(x \right)}\right)",
    "relu": r"\frac{df}{dx} = \begin{cases} 0 & x < 0 \\ 1 & x > 0 \end{cases}",
    "softplus": r"\frac{df}{dx} = \sigma\left(x\right)",
    "bce": r"\frac{\partial L}{\partial z} = a - t",
    "softmax-xent": r"\frac{\partial L}{\partial z_{i}} = \mathrm{yhat}_{i} - y_{i}",  # yhat: as the reader reads
    "total-derivative": r"\frac{\partial f}{\partial x} x'\left(t\right)",
}
# Sentences from teaching.NOTES that must reach the document (the notes are the point of these presets).
KEY_WORDS = {
    "error": "Why the 1/2?",
    "net": "Where did the w go?",
    "output-weight": "Yes, you multiply these results",
    "hidden-weight": "The total derivative adds the paths",
    "tanh": "tanh is defined by exponentials",
    "relu": "ReLU has a corner at 0",
    "softplus": "softplus is a smooth ReLU",
    "bce": "that is why a sigmoid output is paired with this loss",
    "softmax-xent": "This is the only place the assumption is used",
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One real CLI run per preset writing all three formats (the presets take a second or two to build)."""
    folders = {}
    for name in PRESETS:
        folder = tmp_path_factory.mktemp(name)
        run = run_cli(name, "--latex", str(folder / "p.tex"), "--markdown", str(folder / "p.md"),
                      "--json", str(folder / "p.json"))
        assert run.returncode == 0, f"{name}: {run.stderr}"
        assert run.stdout.strip(), "the terminal rendering still follows file exports"
        folders[name] = folder
    return folders


@needs_pdflatex
@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_exports_latex_that_compiles(name: str, exported: dict[str, Path]) -> None:
    tmp_path = exported[name]
    tex = (tmp_path / "p.tex").read_text(encoding="utf-8")
    assert all(ord(ch) < 128 for ch in tex), "pdflatex with inputenc must never meet raw Unicode"
    assert "[U+" not in tex, "a character was spelt out instead of typeset"
    run = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "p.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, f"pdflatex failed for {name}:\n{run.stdout[-3000:]}"
    assert (tmp_path / "p.pdf").stat().st_size > 1000
    if name in KEY_WORDS:
        assert "\\begin{align*}" in tex  # the inner derivation, by the single-derivation renderer


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_exports_markdown_with_its_formula(name: str, exported: dict[str, Path]) -> None:
    md = (exported[name] / "p.md").read_text(encoding="utf-8")
    assert KEY_FORMULA[name] in md
    if name in KEY_WORDS:
        assert KEY_WORDS[name] in md


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_exports_json_valid_against_the_schema(name: str, exported: dict[str, Path]) -> None:
    doc = json.loads((exported[name] / "p.json").read_text(encoding="utf-8"))
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
    assert doc["schema_version"] == 2
    assert doc["verified"] is True
    expected_kind = {"sigmoid": "derivation", "output-weight": "chain", "hidden-weight": "chain"}.get(name, "explained")
    assert doc.get("kind") == expected_kind


def test_chain_json_holds_every_factor_as_a_derivation() -> None:
    run = run_cli("hidden-weight", "--json", "-")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert [(f["top"], f["variable"]) for f in doc["path_factors"]] == [("E", "a_k"), ("a_k", "net_k"),
                                                                       ("net_k", "a_j")]
    assert [(f["top"], f["variable"]) for f in doc["factors"]] == [("a_j", "net_j"), ("net_j", "w_ij")]
    assert doc["sum_index"] == "k" and doc["delta"]["name"] == "delta_j"
    assert doc["update"]["expression"]["text"] == "-η·δⱼ·aᵢ"
    assert doc["network_check"] == {"sizes": [[2, 2, 2]], "weights": 12, "verified": True}
    assert all(f["derivation"]["verified"] for f in doc["path_factors"] + doc["factors"])
    sigma = doc["path_factors"][1]
    assert sigma["rewrites"][0]["move"] == "name_output" and sigma["general"]["text"] == "aₖ·(1 - aₖ)"


def test_explained_json_keeps_notes_and_rewrites() -> None:
    run = run_cli("softmax-xent", "--json", "-")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert [n["key"] for n in doc["intro"]] == ["bp_softmax_intro", "bp_softmax_assumption"]
    assert [r["move"] for r in doc["rewrites"]] == ["name_softmax", "collect", "use_sum_one"]
    assert doc["rewrites"][2]["uses_assumption"] == ["y₃ = 1 - y₁ - y₂"]
    assert doc["general"]["expression"]["sympy"] == "-y_i + yhat_i"
    assert doc["derivation"]["schema_version"] == 2 and "kind" not in doc["derivation"]


def test_chain_latex_fragment_and_plot_refusal(tmp_path: Path) -> None:
    fragment = run_cli("output-weight", "--latex", "-", "--fragment")
    assert fragment.returncode == 0, fragment.stderr
    assert "\\documentclass" not in fragment.stdout and "\\begin{align*}" in fragment.stdout
    assert "Multiply the factors" in fragment.stdout
    plot = run_cli("output-weight", "--plot", str(tmp_path / "p.svg"))
    assert plot.returncode == 2
    assert "no single f to plot" in plot.stderr
    assert not (tmp_path / "p.svg").exists()


def test_python_api_renders_a_chain_preset() -> None:
    from derivtutor import derive

    result = derive("output-weight")
    assert result.verified
    assert "\\documentclass" in result.latex() and "Multiply the factors" in result.markdown()
    assert json.loads(result.json())["kind"] == "chain"
    assert result.data()["variable"] == "w_jk"
