"""derivtutor.derive (Python use) and export.py (atomic file writing, '-' for standard output)."""

from __future__ import annotations

import importlib.util
import io
import json
import os
from pathlib import Path

import pytest
import sympy
from test_export_cases import derivation, w

from derivtutor import derive
from derivtutor.export import ExportError, Exports, atomic_write, run_exports, write_all
from derivtutor.functions import sigmoid

x = sympy.Symbol("x", real=True)


def test_derive_preset_gives_the_teachers_form() -> None:
    d = derive("sigmoid")
    plain = sympy.Symbol("x")  # text and presets come back with plain symbols (issue 18)
    assert d.final == sigmoid(plain) * (1 - sigmoid(plain))
    assert d.derivation.verified and d.derivation.title == "The sigmoid σ(x) = 1/(1 + e⁻ˣ)"


def test_derive_sympy_expression_and_variable_choice() -> None:
    assert derive(x**3).result == 3 * x**2
    a, b = sympy.symbols("a b")
    w_plain = sympy.Symbol("w")
    with pytest.raises(ValueError, match=r"several variables \(a, b, w\)"):
        derive(w_plain * a + b)
    d = derive(w_plain * a + b, wrt="w")
    assert d.result == a and d.derivation.var is w_plain and d.derivation.held_constant == (a, b)
    assert derive(w_plain * a + b, wrt=a).result == w_plain


def test_jupyter_display_and_formats() -> None:
    d = derive("sigmoid")
    latex = d._repr_latex_()
    assert latex.startswith("$$\\begin{aligned}") and latex.endswith("\\end{aligned}$$")
    assert "\\parbox" not in latex  # MathJax has no \parbox
    assert d._repr_markdown_() == d.markdown() and d.markdown().startswith("# The sigmoid σ(x) = 1/(1 + e⁻ˣ)")
    assert d.latex(fragment=True).startswith("\\section*{The sigmoid")
    assert json.loads(d.json())["schema_version"] == 2
    assert "largest slope: f′(x) = 0.25 at x = 0" in d.text_plot(width=70)
    assert d.svg().startswith("<svg")


@pytest.mark.skipif(importlib.util.find_spec("derivtutor.parsing") is None,
                    reason="derivtutor.parsing arrives with the parser branch")
def test_derive_text_expression() -> None:
    d = derive("1/(1+exp(-x))")
    assert str(d.final) == "(1 - sigmoid(x))*sigmoid(x)"
    assert d.derivation.verified


def test_write_all_files_and_stdout(tmp_path: Path) -> None:
    d = derivation("sigmoid")
    out = io.StringIO()
    write_all(d, latex=str(tmp_path / "s.tex"), markdown=str(tmp_path / "s.md"), json="-",
              plot=str(tmp_path / "s.svg"), stdout=out)
    assert (tmp_path / "s.tex").read_text(encoding="utf-8").startswith("\\documentclass")
    assert (tmp_path / "s.md").read_text(encoding="utf-8").startswith("# ")
    assert json.loads(out.getvalue())["root"]["rule_id"] == "chain"
    assert (tmp_path / "s.svg").read_text(encoding="utf-8").startswith("<svg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.md", "s.svg", "s.tex"]  # no temp files left
    out = io.StringIO()
    write_all(d, plot="text", stdout=out)
    assert "largest slope" in out.getvalue()


def test_unwritable_folder_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "missing" / "s.tex"
    with pytest.raises(ExportError, match=rf"^cannot write {target}: No such file or directory$"):
        write_all(derivation("sigmoid"), latex=str(target))
    assert run_exports(derivation("sigmoid"), Exports(latex=str(target))) == 2
    assert capsys.readouterr().err == f"derive: cannot write {target}: No such file or directory\n"


def test_failure_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")

    def half_then_fail(temp: str) -> None:
        Path(temp).write_text("half")
        raise RuntimeError("disk on fire")

    with pytest.raises(ExportError, match="cannot write .*out.txt: disk on fire"):
        atomic_write(str(target), half_then_fail)
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.txt"]


@pytest.mark.skipif(importlib.util.find_spec("matplotlib") is not None, reason="matplotlib is installed")
def test_png_without_matplotlib_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"PNG plots need matplotlib: pip install 'derivtutor\[plot\]'"):
        write_all(derivation("sigmoid"), plot=str(tmp_path / "p.png"))
    assert os.listdir(tmp_path) == []


def test_bad_plot_suffix_and_partial_plot(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="must end in .svg or .png"):
        write_all(derivation("sigmoid"), plot=str(tmp_path / "p.gif"))
    with pytest.raises(ExportError, match="cannot plot: a, b have no value"):
        write_all(derivation("partial"), plot=str(tmp_path / "p.svg"))
    assert os.listdir(tmp_path) == []


def test_exports_flags() -> None:
    assert not Exports().requested
    assert Exports(json="-").uses_stdout and Exports(plot="text").uses_stdout
    assert not Exports(latex="a.tex", plot="p.svg").uses_stdout
    assert w.name == "w"
