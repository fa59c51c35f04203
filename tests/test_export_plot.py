"""Plots: sampled with evalf, the sigmoid's f' peaks at 1/4 at x = 0; SVG parses; text plot fits the width."""

from __future__ import annotations

import importlib.util
import xml.etree.ElementTree as ET

import pytest
from test_export_cases import derivation

from derivtutor.render.plot import PlotError, nice_ticks, render_svg, render_text, sample, write_png

SVG = "{http://www.w3.org/2000/svg}"


def test_sigmoid_samples_peak_at_a_quarter() -> None:
    s = sample(derivation("sigmoid"))
    assert len(s.xs) == 201 and s.xs[0] == -6.0 and s.xs[-1] == 6.0 and s.xs[100] == 0.0
    x, y = s.peak()
    assert x == 0.0 and abs(y - 0.25) < 1e-12
    assert abs(s.f.points[100][1] - 0.5) < 1e-12


def test_svg_parses_and_shows_both_curves() -> None:
    svg = render_svg(sample(derivation("sigmoid")))
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    polylines = root.findall(f"{SVG}polyline")
    assert len(polylines) == 2
    assert all(len(p.get("points").split()) == 201 for p in polylines)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "largest slope 0.25 at x = 0" in texts
    assert "f(x) = 1/(1 + e⁻ˣ)" in texts and "f′(x) = (1 - σ(x))·σ(x)" in texts
    assert "0.25" in texts  # a grid line at the peak's height


def test_abs_derivative_is_broken_at_the_kink() -> None:
    s = sample(derivation("abs"))
    assert dict(s.df.points)[0.0] is None
    root = ET.fromstring(render_svg(s))
    assert len(root.findall(f"{SVG}polyline")) == 3  # |x| in one piece, its slope -1 and 1 in two
    assert s.peak() is None  # a flat top is no peak


def test_text_plot_contains_the_peak_and_fits() -> None:
    text = render_text(sample(derivation("sigmoid")), width=60)
    assert "largest slope: f′(x) = 0.25 at x = 0" in text
    grid = text.splitlines()[:18]
    assert all(len(line) <= 60 for line in grid)
    assert any("o" in line for line in grid) and any("*" in line for line in grid)
    wide = render_text(sample(derivation("sigmoid")), width=120)
    assert max(len(line) for line in wide.splitlines()[:18]) > 100


def test_partial_derivative_cannot_be_plotted() -> None:
    with pytest.raises(PlotError, match="cannot plot: a, b have no value"):
        sample(derivation("partial"))


def test_log_skips_nothing_and_sqrt_is_defined() -> None:
    s = sample(derivation("log"))
    assert all(y is not None for _, y in s.f.points)


def test_ticks_are_round() -> None:
    assert nice_ticks(-6, 6, 7) == [-6, -4, -2, 0, 2, 4, 6]
    assert nice_ticks(-0.05, 1.05) == [0, 0.25, 0.5, 0.75, 1.0]  # a grid line at sigma's top


@pytest.mark.skipif(importlib.util.find_spec("matplotlib") is not None, reason="matplotlib is installed")
def test_png_without_matplotlib_says_how_to_get_it(tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(PlotError, match=r"pip install 'derivtutor\[plot\]'"):
        write_png(sample(derivation("sigmoid")), str(tmp_path / "p.png"))


def test_the_variable_is_found_by_equality_not_identity() -> None:
    """After SymPy's cache is cleared, f may hold another object for the derivation's x (equal, not the same):
    a test run in one process once plotted 'f is undefined everywhere' for the sigmoid."""
    import sympy

    from derivtutor.render.plot import _float

    x = sympy.Symbol("x", real=True)
    fresh_x = sympy.Symbol.__xnew__(sympy.Symbol, "x", real=True)  # what the cache would build after a clear
    assert fresh_x == x and fresh_x is not x
    assert _float(fresh_x, x, 0.5) == 0.5
