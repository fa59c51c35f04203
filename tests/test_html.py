"""The HTML backend on the format-neutral document: a real headless Chromium lays out the sigmoid's MathML.

Chromium is run as a person would open the page: --print-to-pdf gives the text as laid out (MathML Core turns a
one-letter <mi> into mathematical italic, so 𝜎 in the PDF proves the maths was typeset, not shown as raw tags),
--screenshot gives the picture, --dump-dom the parsed page.
"""

from __future__ import annotations

import ast
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
import sympy
from conftest import run_cli
from test_export_cases import CASES, derivation

from derivtutor import derive
from derivtutor.document import DETAILS, Heading, build_document
from derivtutor.engine import derive as engine_derive
from derivtutor.presets import PRESETS
from derivtutor.render.html import render_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="needs a headless chromium")
HOSTILE = "<script>alert('x')</script> & \"quoted\" </title><b>bold</b>"


def chromium(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                           *args], capture_output=True, text=True, timeout=120)


def png_pixels(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the raw (filtered) scanlines of a PNG, with the standard library only."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return width, height, zlib.decompress(idat)


@pytest.fixture(scope="module")
def sigmoid_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = tmp_path_factory.mktemp("html") / "sigmoid page.html"
    done = run_cli("sigmoid", "--html", str(page))
    assert done.returncode == 0, done.stderr
    return page


def test_the_page_is_self_contained(sigmoid_page: Path) -> None:
    page = sigmoid_page.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    assert "<script" not in page.lower()
    assert not re.search(r"(src|href)\s*=", page)  # no network, no external file
    assert "http" not in page
    assert "<style>" in page


@needs_chromium
def test_chromium_typesets_sigma_times_one_minus_sigma(sigmoid_page: Path, tmp_path: Path) -> None:
    dom = chromium("--dump-dom", sigmoid_page.as_uri()).stdout
    answer = "<mi>σ</mi><mrow><mo>(</mo><mi>x</mi><mo>)</mo></mrow>"
    assert answer in dom
    assert "<mo>·</mo>" in dom and "<mn>1</mn><mo>−</mo>" in dom
    pdf = tmp_path / "page.pdf"
    chromium(f"--print-to-pdf={pdf}", sigmoid_page.as_uri())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    # MathML layout: mathematical italic 𝜎 and 𝑥, a true minus, the factors kept apart
    assert "𝜎(𝑥)·(1−𝜎(𝑥))" in flat
    assert "<mi>" not in text and "<math" not in text


@needs_chromium
def test_screenshot_is_a_real_picture(sigmoid_page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "sigmoid.png"
    chromium(f"--screenshot={shot}", "--window-size=1000,2000", sigmoid_page.as_uri())
    width, height, raw = png_pixels(shot)
    assert (width, height) == (1000, 2000)
    top = raw[: len(raw) // 3]  # the derivation itself: ink on white, not a blank or an error page
    assert len(set(top)) > 50
    assert top.count(0xFF) < 0.99 * len(top)


def test_hostile_titles_are_escaped() -> None:
    x = sympy.Symbol("x", real=True)
    built = engine_derive(x**2, x, title=HOSTILE)
    page = render_html(build_document(built))
    assert "<script>" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quoted&quot;" in page
    assert page.count("</title>") == 1


def test_hostile_preset_title_is_escaped() -> None:
    built = PRESETS["error"].build()
    built.title = HOSTILE
    page = render_html(build_document(built))
    assert "<script>" not in page and "&lt;/title&gt;&lt;b&gt;" in page


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_renders(name: str) -> None:
    built = PRESETS[name].build()
    for detail in DETAILS:
        document = build_document(built, detail)
        page = render_html(document)
        assert page.count("<math") > 3
        assert page.count("<tr") == len(document.rows())  # every maths row of the document, no more
        title = next(b for b in document.blocks if isinstance(b, Heading))
        assert title.level == 1


def test_detail_is_decided_in_the_document() -> None:
    built = derive("3x + sin(x)").built
    counts = {}
    for detail in DETAILS:
        document = build_document(built, detail)
        page = render_html(document)
        counts[detail] = len(document.rows())
        assert page.count("<tr") == counts[detail]
    assert counts["brief"] < counts["normal"] <= counts["full"]
    # brief hides only a trivial step without a note (d/dx x = 1), as detail.py decides for every format
    brief_steps = [r.rhs.text for r in build_document(built, "brief").rows() if r.depth > 0]
    assert brief_steps == ["3", "cos(x)"]
    steps = [r for r in build_document(derive("x^2 sin x").built, "brief").rows() if r.depth > 0]
    assert [r.rhs.text for r in steps] == ["2x", "cos(x)"]  # the terminal's three steps, not the root alone


def test_sigmoid_document_reads_the_derivation() -> None:
    built = PRESETS["sigmoid"].build()
    document = build_document(built)
    answer = [r for r in document.rows() if r.kind == "answer"]
    assert len(answer) == 1 and answer[0].checked
    assert answer[0].rhs.text == "σ(x) · (1 - σ(x))"
    assert sympy.simplify(answer[0].rhs.expr - built.final) == 0
    assert [r.kind for r in document.rows()].count("layer") == 3


def test_html_backend_walks_only_the_document() -> None:
    """render/html.py knows the document and the words, nothing that derives, verifies or rewrites."""
    source = Path(__file__).parent.parent / "derivtutor" / "render" / "html.py"
    imported = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("derivtutor"):
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported |= {a.name for a in node.names if a.name.startswith("derivtutor")}
    assert imported == {"derivtutor.document", "derivtutor.teaching"}


def test_document_derives_nothing() -> None:
    source = Path(__file__).parent.parent / "derivtutor" / "document.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not modules & {"derivtutor.engine", "derivtutor.verify", "derivtutor.algebra", "derivtutor.presets"}
    calls = {n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
    assert not calls & {"diff", "simplify", "doit", "factor", "expand", "together", "cancel"}


def test_cli_html_to_stdout_for_a_chain_preset() -> None:
    done = run_cli("hidden-weight", "--html", "-")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("<!DOCTYPE html>") and done.stdout.rstrip().endswith("</html>")
    assert done.stdout.count("<!DOCTYPE") == 1  # the terminal rendering stays quiet
    assert "<mi>δ</mi>" in done.stdout


def test_cli_html_bad_path_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = run_cli("sigmoid", "--html", str(tmp_path / "missing" / "page.html"))
    assert done.returncode == 2
    assert done.stderr.strip().startswith("derive: cannot write") and len(done.stderr.strip().splitlines()) == 1


def test_api_html_and_jupyter() -> None:
    result = derive("sigmoid")
    page = result.html(detail="brief")
    assert page.startswith("<!DOCTYPE html>") and "<mi>σ</mi>" in page
    cell = result._repr_html_()
    assert cell.startswith('<div class="derivtutor">') and "<body" not in cell and "<mi>σ</mi>" in cell
    assert all(line.startswith((".derivtutor", "  ")) for line in cell.split("<style>")[1].split("</style>")[0]
               .strip().splitlines())  # every rule scoped: the notebook around it keeps its own look


def test_minus_a_bracket_keeps_its_brackets() -> None:
    """SymPy's MathML printer writes -(t_k - a_k) as −t_k − a_k (a different number); ours keeps the brackets."""
    from derivtutor.render.html import TutorMathML

    t, a = sympy.symbols("t_k a_k", real=True)
    printed = TutorMathML().doprint(sympy.Mul(-1, t - a, evaluate=False))
    assert printed.startswith("<mrow><mo>&#8722;</mo><mrow><mo>(</mo>")
    page = render_html(build_document(PRESETS["output-weight"].build()))
    assert "<mo>−</mo><msub><mi>t</mi><mi>k</mi></msub><mo>−</mo><msub><mi>a</mi>" not in page


def test_exponential_stays_on_top_of_the_fraction() -> None:
    x = sympy.Symbol("x", real=True)
    from derivtutor.render.html import TutorMathML

    printed = TutorMathML().doprint(sympy.exp(-x) / (1 + sympy.exp(-x)) ** 2)
    assert printed.startswith("<mfrac><msup><mi>&ExponentialE;</mi><mrow><mo>&#8722;</mo><mi>x</mi>")


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "error"])
def test_every_formula_tooltip_reads_back(name: str) -> None:
    """The plain text each formula carries (the page's tooltip) reads back through our reader to its value."""
    from derivtutor.document import Maths, Paragraph
    from derivtutor.parsing import parse_expression
    from derivtutor.verify import equal

    document = build_document(PRESETS[name].build(), "full")
    maths = [b.rhs for b in document.rows()]
    maths += [r for b in document.blocks if isinstance(b, Paragraph) for r in b.runs if isinstance(r, Maths)]
    assert len(maths) > 5
    for m in maths:
        value = m.expr
        read = parse_expression(m.typed)
        names = {s.name: s for s in value.free_symbols}
        read = read.xreplace({s: names.get(s.name, s) for s in read.free_symbols})
        assert equal(read, value.doit()) is True, (m.typed, value)  # a route's line is unevaluated


@pytest.mark.parametrize("name", list(CASES))
def test_every_export_case_renders(name: str) -> None:
    """The expressions every export format is tested on: corners, piecewise results, f(x²), partials, x^x."""
    built = derivation(name)
    for detail in DETAILS:
        page = render_html(build_document(built, detail))
        assert page.count("<math") > 2 and "<script" not in page
    if built.held_constant:
        assert "<mi>∂</mi>" in page  # a partial derivative says so


def test_relu_derivative_is_written_as_cases() -> None:
    page = render_html(build_document(derivation("relu")))
    assert "<mi>piecewise</mi>" not in page  # SymPy's MathML printer has no Piecewise: it spelt the name
    assert '<mo>{</mo><mtable columnalign="left">' in page and "if" in page


def test_unknown_function_slope_is_f_prime() -> None:
    page = render_html(build_document(derivation("f_of_x2")))
    assert "<mi>subs</mi>" not in page and "<mo>′</mo>" in page  # f′(x²), not subs(d/dξ f(ξ), ξ, x²)


def test_a_function_named_by_the_page_keeps_its_name() -> None:
    """SymPy's MathML lower-cases function names: the error's E(a₂) read e(a₂), Euler's number times a₂."""
    page = run_cli("error", "--html", "-").stdout
    assert "<mi>E</mi><mrow><mo>(</mo><mrow><msub><mi>a</mi><mi>2</mi></msub></mrow><mo>)</mo></mrow>" in page
    assert "<mi>e</mi><mrow><mo>(</mo>" not in page
    assert "<msub><mi>net</mi><mi>k</mi></msub><mrow><mo>(</mo>" in run_cli("net", "--html", "-").stdout
