"""Lesson handouts: every shipped lesson through the real CLI, compiled by a real pdflatex; Markdown content; errors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli

from derivtutor.handouts import handout_latex, handout_markdown
from derivtutor.lesson_files import load_all
from derivtutor.render.lesson_handout import inline_latex, markdown_latex

LESSONS = load_all()
NAMES = [lesson.name for lesson in LESSONS]
PDFLATEX = shutil.which("pdflatex")
needs_pdflatex = pytest.mark.skipif(PDFLATEX is None,
                                    reason="pdflatex not installed (apt-get install texlive-latex-base)")


def test_every_lesson_file_is_covered() -> None:
    shipped = sorted(p.stem for p in (Path(__file__).parent.parent / "lessons").glob("*.toml"))
    assert sorted(NAMES) == shipped and len(shipped) == 8


@needs_pdflatex
@pytest.mark.parametrize("name", NAMES)
def test_latex_handout_from_the_cli_compiles(name: str, tmp_path: Path) -> None:
    out = tmp_path / f"{name}.tex"
    run = run_cli("lesson", name, "--latex", str(out))
    assert run.returncode == 0, run.stderr
    assert run.stdout == "" and run.stderr == ""
    tex = out.read_text(encoding="utf-8")
    assert all(ord(ch) < 128 for ch in tex), "pdflatex with inputenc must never meet raw Unicode"
    assert "[U+" not in tex, "a character the LaTeX converter does not know was spelled out"
    compiled = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", out.name],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert compiled.returncode == 0, f"pdflatex failed for {name}:\n{compiled.stdout[-3000:]}"
    assert (tmp_path / f"{name}.pdf").stat().st_size > 1000


@pytest.mark.parametrize("lesson", LESSONS, ids=NAMES)
def test_latex_handout_structure(lesson) -> None:
    tex = handout_latex(lesson)
    assert tex.startswith(r"\documentclass") and tex.rstrip().endswith(r"\end{document}")
    exercises = lesson.exercises
    answers_at = tex.find(r"\section*{Answers}")
    assert (answers_at != -1) == bool(exercises)
    last_question = 0
    for number, item in enumerate(exercises, start=1):
        question = tex.find(inline_latex(item.text))
        assert question != -1 and question < answers_at
        last_question = max(last_question, question)
        for hint in item.hints:
            assert f"\\item {inline_latex(hint)}" in tex
        # the answer (its typed form) is only in the Answers section, after every question
        typed = f"(typed: \\texttt{{{inline_latex(item.answer)}}})"
        assert tex.count(typed) == 1 and tex.index(typed) > answers_at
        for mistake in item.mistakes:
            assert inline_latex(mistake.message) in tex[answers_at:]
        assert f"\\subsection*{{Your turn {number}" in tex[answers_at:]
    derivations = [item for item in lesson.items if item.kind == "derivation" and not item.move]  # a move: words only
    # each derivation item is its document's blocks: maths rows in align*, its headings one level down, one answer
    # each (a chain of derivations, the -weight presets, has none of its own)
    assert tex.count(r"\begin{align*}") >= 2 * len(derivations)
    assert tex.count(r"\subsubsection*{Answer}") == sum(not item.preset.endswith("-weight") for item in derivations)
    for item in lesson.items:
        if item.kind == "text" and item.title:
            assert f"\\subsection*{{{inline_latex(item.title)}}}" in tex


@pytest.mark.parametrize("name", NAMES)
def test_markdown_handout_has_every_question_and_answer(name: str, tmp_path: Path) -> None:
    out = tmp_path / f"{name}.md"
    run = run_cli("lesson", name, "--markdown", str(out))
    assert run.returncode == 0, run.stderr
    md = out.read_text(encoding="utf-8")
    lesson = next(lesson for lesson in LESSONS if lesson.name == name)
    assert md == handout_markdown(lesson)
    unescaped = md.replace("\\", "")
    answers_at = md.index("## Answers") if lesson.exercises else -1
    for item in lesson.exercises:
        assert item.text in unescaped  # the question, Markdown escapes aside
        assert md.count(f"(typed: `{item.answer}`)") == 1
        assert md.index(f"(typed: `{item.answer}`)") > answers_at
        for hint in item.hints:
            assert hint in unescaped
    assert md.count("$$") % 2 == 0 and md.startswith(f"# {lesson.title}")


def test_sigmoid_answers_in_the_teachers_form() -> None:
    lesson = next(lesson for lesson in LESSONS if lesson.name == "sigmoid")
    tex = handout_latex(lesson)
    answers = tex[tex.index(r"\section*{Answers}"):]
    assert (r"$\displaystyle \frac{df}{dx} = 2 \sigma\left(2 x\right) \left(1 - \sigma\left(2 x\right)"
            r"\right)$ \quad (typed: \texttt{2 sigma(2x)(1 - sigma(2x))})") in answers  # σ typed stays σ (issue 15)
    assert r"At $x = 0$: $\displaystyle \frac{df}{dx} = \frac{1}{4}$" in answers
    assert r"\item If you got $\frac{1}{2}$: 1/2 is {$\sigma{}$}(0), the height at x = 0." in answers
    md = handout_markdown(lesson)
    assert (r"$\frac{df}{dx} = 2 \sigma\left(2 x\right) \left(1 - \sigma\left(2 x\right)\right)$ "
            "(typed: `2 sigma(2x)(1 - sigma(2x))`)") in md
    assert "\\begin{align*}" not in md and "- $f\\left(x\\right) = \\frac{1}{1 + e^{- x}}$\n" in md


def test_light_markdown_to_latex() -> None:
    text = "A **bold** word, `derive network` and *this*.\n\n  E = ½(t - o)²\n\n- one\n  more\n- two\n\n1. first\n"
    assert markdown_latex(text) == (
        "A \\textbf{bold} word, \\texttt{derive network} and \\emph{this}.\n\n"
        "\\begin{center}\nE = {$\\tfrac{1}{2}$}(t - o){$^{2}$}\n\\end{center}\n\n"
        "\\begin{itemize}\n  \\item one more\n  \\item two\n\\end{itemize}\n\n"
        "\\begin{enumerate}\n  \\item first\n\\end{enumerate}\n")
    assert inline_latex("50% of $5 & a_1 # ~") == r"50\% of \$5 \& a\_1 \# \textasciitilde{}"


def test_latex_to_stdout() -> None:
    run = run_cli("lesson", "derivative", "--latex", "-")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(r"\documentclass") and run.stdout.rstrip().endswith(r"\end{document}")


def test_unwritable_path_is_one_line_exit_2_and_no_file() -> None:
    target = Path("/nonexistent/dir/x.tex")
    run = run_cli("lesson", "sigmoid", "--latex", str(target))
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.count("\n") == 1 and run.stderr.startswith(f"derive: cannot write {target}: ")
    assert "Traceback" not in run.stderr and not target.exists()


def test_unwritable_folder_leaves_no_temp_file(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        run = run_cli("lesson", "sigmoid", "--markdown", str(folder / "x.md"))
    finally:
        folder.chmod(0o700)
    if run.returncode == 0:  # running as root: permissions are not enforced
        pytest.skip("permissions are not enforced for this user")
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert list(folder.iterdir()) == []


def test_handout_needs_a_lesson_name(tmp_path: Path) -> None:
    run = run_cli("lesson", "--latex", str(tmp_path / "x.tex"))
    assert run.returncode == 2
    assert run.stderr == ("derive: a handout needs a lesson name: derive lesson NAME --latex FILE "
                          "(derive lesson lists them)\n")
    assert list(tmp_path.iterdir()) == []


def test_unknown_lesson_is_one_line_and_no_file(tmp_path: Path) -> None:
    run = run_cli("lesson", "sigmoi", "--latex", str(tmp_path / "x.tex"))
    assert run.returncode == 2
    assert run.stderr == "derive: no lesson called 'sigmoi'; did you mean 'sigmoid'?\n"
    assert list(tmp_path.iterdir()) == []


def test_bad_lesson_file_writes_nothing(tmp_path: Path) -> None:
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "bad.toml").write_text(
        'title = "Bad"\n[[items]]\ntype = "exercise"\nquestion = "q"\nexpression = "x^2"\nanswer = "2x"\n'
        'hints = ["h"]\n[[items.mistakes]]\nanswer = "2x +"\nmessage = "m"\n', encoding="utf-8")
    out = tmp_path / "bad.tex"
    run = run_cli("lesson", "bad", "--dir", str(lessons), "--latex", str(out), "--markdown", str(out) + ".md")
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "bad.toml: item 1: mistake 1: 'answer'" in run.stderr
    assert not out.exists() and not Path(str(out) + ".md").exists()


@needs_pdflatex
def test_hostile_lesson_text_still_compiles(tmp_path: Path) -> None:
    """A teacher's text with every TeX special character, stray ** and ` and odd Unicode must not break pdflatex."""
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    literal = "'" * 3  # a TOML multi-line literal string: backslashes stay as typed
    nasty = r"\end{document} $x$ 50% & # _ ^ ~ {braces} <html> ** unclosed ` tick \x1b 日本 ½ ∂E/∂h"
    (lessons / "nasty.toml").write_text(
        f'title = {nasty!r}\nsummary = "s & t"\n'
        f'[[items]]\ntype = "text"\ntitle = {nasty!r}\ntext = {literal}\n{nasty}\n\n- {nasty}\n\n  {nasty}\n{literal}\n'
        f'[[items]]\ntype = "exercise"\nquestion = {nasty!r}\nexpression = "x^2"\nanswer = "2x"\n'
        f'hints = [{nasty!r}]\n[[items.mistakes]]\nanswer = "x"\nmessage = {nasty!r}\n', encoding="utf-8")
    out = tmp_path / "nasty.tex"
    run = run_cli("lesson", "nasty", "--dir", str(lessons), "--latex", str(out))
    assert run.returncode == 0, run.stderr
    tex = out.read_text(encoding="utf-8")
    assert all(ord(ch) < 128 for ch in tex) and tex.count(r"\end{document}") == 1
    assert r"\textbackslash{}end\{document\} \$x\$ 50\% \& \# \_" in tex
    compiled = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", out.name],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert compiled.returncode == 0, compiled.stdout[-3000:]
