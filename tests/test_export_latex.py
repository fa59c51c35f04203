"""LaTeX export: exact content for the sigmoid, and a real pdflatex compile of every case (any error fails)."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
import sympy
from test_export_cases import CASES, derivation

from derivtutor.render.latex import escape, latex_expr, name_latex, render_latex

PDFLATEX = shutil.which("pdflatex")
needs_pdflatex = pytest.mark.skipif(PDFLATEX is None,
                                    reason="pdflatex not installed (apt-get install texlive-latex-base)")


def compile_tex(source: str, folder: Path, name: str = "doc") -> Path:
    tex = folder / f"{name}.tex"
    tex.write_text(source, encoding="utf-8")
    run = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=folder,
                         capture_output=True, text=True, timeout=120)
    log = (folder / f"{name}.log").read_text(encoding="latin-1")
    assert run.returncode == 0, f"pdflatex failed for {name}:\n{run.stdout[-3000:]}"
    assert "! " not in log, log[-3000:]
    pdf = folder / f"{name}.pdf"
    assert pdf.stat().st_size > 1000
    return pdf


def test_sigmoid_layout_mirrors_the_terminal() -> None:
    tex = render_latex(derivation("sigmoid"))
    assert tex.startswith("\\documentclass[11pt]{article}")
    for line in [
        r"f\left(g\right) &= \frac{1}{g} && \text{where {$g = 1 + e^{- x}$}}",
        r"g\left(h\right) &= 1 + e^{h} && \text{where {$h = - x$}}",
        r"h\left(x\right) &= - x",
        "\\[\n" r"\frac{df}{dx} = \frac{df}{dg} \cdot{} \frac{dg}{dh} \cdot{} \frac{dh}{dx}"
        r" \qquad\text{ chain rule}" "\n\\]",
        r"\frac{df}{dg} &= - \frac{1}{g^{2}}\ \checkmark",
        r"\frac{dg}{dh} &= e^{h}\ \checkmark && \text{sum rule}",
        r"\frac{df}{dx} &= - \frac{1}{\left(1 + e^{- x}\right)^{2}} \cdot e^{- x} \cdot \left(-1\right)",
        r"&= \frac{e^{- x}}{\left(1 + e^{- x}\right)^{2}}\ \checkmark && \parbox[t]{0.4\linewidth}{\raggedright "
        r"multiplied out: ",
        r"\frac{df}{dx} &= \frac{e^{- x}}{\left(1 + e^{- x}\right)^{2}}\ \checkmark && \text{same as sympy.diff}",
        r"\frac{df}{dx} &= \frac{1}{1 + e^{- x}} \cdot \frac{e^{- x}}{1 + e^{- x}}\ \checkmark && "
        r"\text{split the fraction}",
        r"&= \frac{1}{1 + e^{- x}} \cdot \frac{1 + e^{- x} - 1}{1 + e^{- x}}\ \checkmark && \text{add and subtract 1}",
        r"&= \sigma\left(x\right) \cdot \left(1 - \sigma\left(x\right)\right)\ \checkmark"
        r" && \text{recognise {$\sigma{}$}}",
        r"\subsection*{Answer}",
        r"\subsection*{Rules used}",
    ]:
        assert line in tex, line
    # the layers come before the derivative, the algebra after the verified result
    assert tex.index("where {$g") < tex.index("chain rule") < tex.index("same as sympy.diff") < tex.index("split")
    assert all(ord(ch) < 128 for ch in tex), "pdflatex with inputenc must never meet raw Unicode"


def test_fragment_is_the_body_without_the_preamble() -> None:
    whole = render_latex(derivation("sigmoid"))
    frag = render_latex(derivation("sigmoid"), fragment=True)
    assert frag.startswith("\\section*{") and "documentclass" not in frag and "\\begin{document}" not in frag
    assert frag.count("\\begin{align*}") == whole.count("\\begin{align*}") == 5
    assert all(line in whole for line in frag.splitlines())


def test_power_rule_words_print_u_to_the_half_as_maths() -> None:
    """The power rule's why says √u = u^(1/2): the caret and its bracket are maths, not 'u^ (1/2)' in text."""
    tex = render_latex(derivation("sigmoid"))
    assert r"{$\surd{}$}u = {$u^{1/2}$}" in tex and r"\textasciicircum" not in tex


def test_names_subscripts_and_greek() -> None:
    assert name_latex("w_jk") == "w_{jk}"
    assert name_latex("a_k") == "a_{k}"
    assert name_latex("net_k") == r"\mathrm{net}_{k}"
    assert name_latex("eta") == r"\eta"
    assert name_latex("x1") == "x_{1}"
    tex = render_latex(derivation("subscripts"))
    assert r"\mathrm{net}_{k}" in tex and r"w_{jk}" in tex and r"a_{k}" in tex and r"\eta" in tex
    assert r"\frac{\partial f}{\partial w_{jk}}" in tex


def test_partial_derivative_names_the_held_constants() -> None:
    tex = render_latex(derivation("partial"))
    assert r"\emph{{$a$}, {$b$} are other variables, so they are constants here.}" in tex
    assert r"\frac{\partial f}{\partial w} &= a\ \checkmark" in tex


def test_kink_is_stated() -> None:
    for name, left in (("relu", "0"), ("abs", "-1")):
        tex = render_latex(derivation(name))
        assert (f"\\emph{{No derivative at {{$x = 0$}}: the slope from the left is {{${left}$}} and from the right "
                "is {$1$} (a corner).}") in tex, name
        assert r"\begin{cases} 0 & x < 0 \\ 1 & x > 0 \end{cases}" in render_latex(derivation("relu"))


def test_sympy_form_shown_when_it_differs() -> None:
    tex = render_latex(derivation("relu"))
    assert r"\emph{SymPy writes it as {$\theta\left(x\right)$}.}" in tex
    assert "SymPy writes it as" not in render_latex(derivation("sigmoid"))


def test_undefined_function_and_log_diff() -> None:
    assert r"f'\left(x^{2}\right) \cdot 2 x" in render_latex(derivation("f_of_x2"))
    # the rule name, then the lines of logarithmic differentiation (y = xˣ, ln y = x ln x, ...) as its note
    assert r"logarithmic differentiation; Call it {$y$}: {$y = x^{x}$}." in render_latex(derivation("x_to_x"))
    assert latex_expr(sympy.log(sympy.Symbol("x"))) == r"\ln{\left(x \right)}"


@needs_pdflatex
@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("detail", ["normal", "full"])
def test_standalone_document_compiles(name: str, detail: str, tmp_path: Path) -> None:
    compile_tex(render_latex(derivation(name), detail=detail), tmp_path, name)


@needs_pdflatex
@pytest.mark.parametrize("name", sorted(CASES))
def test_fragment_compiles_in_a_plain_document(name: str, tmp_path: Path) -> None:
    frag = render_latex(derivation(name), fragment=True)
    doc = ("\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage{amssymb}\n\\begin{document}\n"
           + frag + "\\end{document}\n")
    compile_tex(doc, tmp_path, name)


@needs_pdflatex
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm not installed (poppler-utils)")
def test_sigmoid_page_renders_to_png(tmp_path: Path) -> None:
    start = time.perf_counter()
    pdf = compile_tex(render_latex(derivation("sigmoid")), tmp_path, "sigmoid")
    elapsed = time.perf_counter() - start
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    png = next(tmp_path.glob("page*.png"))
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    assert elapsed < 30


def test_escape_is_the_one_way_words_reach_tex() -> None:
    assert escape(r"\input{/etc/passwd} 50% $x$ & # _ ~ ^") == (
        r"\textbackslash{}input\{/etc/passwd\} 50\% \$x\$ \& \# \_ \textasciitilde{} \textasciicircum{}")
    assert escape("a\x1bb\u202ec\x07") == "a[U+001B]b[U+202E]c[U+0007]"  # never a raw control byte for TeX
    assert escape("run with --detail full") == "run with -{}-detail full"  # not an en dash
    assert escape("√u = u^(1/2), (1 + x)^2, 2^(n*k)") == (
        r"{$\surd{}$}u = {$u^{1/2}$}, (1 + x){$^{2}$}, {$2^{n\cdot{}k}$}")


@needs_pdflatex
def test_hostile_words_in_every_block_compile_as_text(tmp_path: Path) -> None:
    from derivtutor.document import Document, Heading, MathRow, Maths, Note, Paragraph, RuleCard, Table, Text
    from derivtutor.render.latex import document_latex

    hostile = r"\input{/etc/passwd}\immediate\openout9=pwned.tex $x$ & # % _ ^ ~ {} <b> \x1b ] " + "\u202e\x07"
    x = sympy.Symbol("x")
    words = (Text(hostile),)
    doc = Document(hostile, [Heading(hostile, 1), Paragraph(words), Note(words), Heading(hostile, 2),
                             MathRow(Maths(x), words, True, words), RuleCard(hostile, hostile, hostile),
                             Table((hostile, "x"), ((words, (Maths(x),)),))])
    tex = document_latex(doc)
    assert r"\input{" not in tex and r"\openout" not in tex and all(ord(ch) < 128 for ch in tex)
    compile_tex(tex, tmp_path, "hostile")
    assert not (tmp_path / "pwned.tex").exists()
    assert "(/etc/passwd" not in (tmp_path / "hostile.log").read_text(encoding="latin-1")  # never opened
