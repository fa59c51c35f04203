"""One interface for everything a preset builds (issue 11): Derivation, Explained and ChainOfDerivations are all
`derivation.Built`, so a lesson steps through any preset, export writes any of them and the API returns one Result.

The bug: a lesson item `preset = "tanh"` (or any preset but the sigmoid) was refused with "cannot be stepped
through in a lesson".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

from derivtutor.api import Result, derive
from derivtutor.preset_index import PRESET_SUMMARIES
from derivtutor.presets import PRESETS
from derivtutor.render import documents

LESSON = '''title = "Any preset"
order = 1
summary = "tanh, a hidden weight and softmax cross-entropy, stepped through"

[[items]]
type = "derivation"
preset = "tanh"

[[items]]
type = "derivation"
preset = "hidden-weight"

[[items]]
type = "derivation"
preset = "softmax-xent"
'''
KINDS = {"sigmoid": "derivation", "error": "explained", "net": "explained", "output-weight": "chain",
         "hidden-weight": "chain", "tanh": "explained", "relu": "explained", "softplus": "explained",
         "bce": "explained", "softmax-xent": "explained", "total-derivative": "explained"}


@pytest.fixture(scope="module")
def built() -> dict[str, object]:
    return {name: preset.build() for name, preset in PRESETS.items()}


def test_every_preset_is_built_with_one_interface(built: dict[str, object]) -> None:
    assert set(KINDS) == set(PRESET_SUMMARIES)
    for name, thing in built.items():
        assert thing.kind == KINDS[name]
        inner = thing.derivations()
        assert inner and all(d.kind == "derivation" and d.verified for d in inner), name
        assert thing.verified is True and thing.final is not None
    assert len(built["hidden-weight"].derivations()) == 5
    assert str(built["hidden-weight"].final) == ("(a_i*(a_j*(1 - a_j)))*Sum(w_jk*(a_k*(1 - a_k))*(-(-a_k + t_k)), "
                                                 "(k, 1, K))")


def test_a_lesson_plays_tanh_hidden_weight_and_softmax_xent(tmp_path: Path) -> None:
    (tmp_path / "presets.toml").write_text(LESSON, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "derivtutor", "lesson", "presets", "--dir", str(tmp_path)],
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, encoding="utf-8", timeout=300,
                         env={**os.environ, "NO_COLOR": "1", "COLUMNS": "80",
                              "PYTHONIOENCODING": "utf-8", "HOME": str(tmp_path)})
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert "cannot be stepped through" not in run.stdout
    for expected in ("tanh: d/dx tanh(x) = 1 − tanh²(x)", "Answer: df/dx = 1 - tanh(x)²",
                     "∂E/∂wᵢⱼ for a weight into hidden unit j", "Multiply the factors",
                     "Softmax + cross-entropy (3 classes)", "In general: ∂L/∂zᵢ = yhatᵢ - yᵢ"):
        assert expected in run.stdout, expected
    screens = [line for line in run.stdout.splitlines() if "Any preset: " in line]
    assert screens and screens[-1].strip("─ ").endswith(f"{len(screens)} of {len(screens)}")


def test_a_handout_writes_any_preset(tmp_path: Path) -> None:
    (tmp_path / "presets.toml").write_text(LESSON, encoding="utf-8")
    run = run_cli("lesson", "presets", "--dir", str(tmp_path), "--markdown", "-", timeout=300)
    assert run.returncode == 0, run.stderr
    assert "## tanh: d/dx tanh(x) = 1 − tanh²(x)" in run.stdout
    assert "## ∂E/∂wᵢⱼ for a weight into hidden unit j" in run.stdout


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_format_and_the_api_take_any_preset(name: str, built: dict[str, object]) -> None:
    thing = built[name]
    assert documents.latex(thing).startswith("\\documentclass")
    assert documents.markdown(thing).startswith("#")
    data = json.loads(documents.json_text(thing))
    assert data == documents.data(thing)
    assert data.get("kind", "derivation") == ("derivation" if thing.kind == "derivation" else thing.kind)
    result = derive(name)
    assert isinstance(result, Result) and result.verified
    assert result.derivations and all(d.verified for d in result.derivations)
    assert result.final_real == result.derivation.final if len(result.derivations) == 1 else True
    assert result.data()["schema_version"] == data["schema_version"]


def test_a_chain_has_no_single_derivation_or_plot() -> None:
    result = derive("output-weight")
    with pytest.raises(AttributeError, match="chain of derivations"):
        _ = result.derivation
    assert len(result.derivations) == 3
    run = run_cli("output-weight", "--plot", "-")
    assert run.returncode == 2 and "no single f to plot" in run.stderr
