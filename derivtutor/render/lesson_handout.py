"""A lesson as a handout to print or keep: `derive lesson NAME --latex FILE` / `--markdown FILE` (rendering only).

derivtutor/handouts.py derives the lesson's maths and writes the files; this module only turns the lesson and
what was derived into text.

The handout follows the lesson's order: its explanations, its derivations (the blocks of each one's
document.py Document, written by the same walkers as `derive --latex` / `--markdown`), and its exercises as
"Your turn" with the hint ladder. The answers and the known slips come last, in an "Answers" section, so a
learner can try each exercise on paper before looking. Answers shown are the engine's (verified) form, as the
player shows them, plus the form the lesson file gives, which is what one would type.

Nothing here escapes by itself: every word from the lesson file goes through `latex.escape` or
`markdown.escape` (the teacher's Markdown text through `markdown.teacher_markdown`), the same functions every
export uses, so a handout compiles with plain pdflatex and carries no raw HTML.
Lesson text is light Markdown (paragraphs, - and 1. lists, **bold**, *italic*, `code`); that subset is all the
LaTeX side understands, and the Markdown side keeps the teacher's text as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from derivtutor.document import Block, Document
from derivtutor.lesson_files import Item, Lesson
from derivtutor.render import latex
from derivtutor.render.markdown import blocks_markdown, code, escape, inline, teacher_markdown
from derivtutor.teaching import DOCUMENT_HEADINGS


# -- the maths of each item, derived once (by handouts.prepare) -----------------------------------------------------
@dataclass
class Answer:
    """What the Answers section says about one exercise (all LaTeX maths, no dollars)."""

    number: int
    item: Item
    lhs: str  # df/dx or ∂E/∂h
    usual: str  # the answer as a teacher writes it
    at: str  # "h = 1, v_{1} = 2" or ""
    mistakes: list[tuple[str, str]]  # (wrong answer as maths, the lesson's message)


# -- light Markdown ---------------------------------------------------------------------------------------------
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_INLINE = re.compile(r"(`[^`\n]+`|\*\*[^*\n]+?\*\*|(?<![\w*])\*[^*\s][^*\n]*?\*(?![\w*]))")


@dataclass
class _Block:
    kind: str  # paragraph | display | bullets | numbers
    lines: list[str]


def markdown_blocks(text: str) -> list[_Block]:
    """Paragraphs, lists and indented display lines (such as `  σ(x) = 1 / (1 + e⁻ˣ)`) of a lesson text."""
    blocks: list[_Block] = []
    current: _Block | None = None
    for raw in text.strip("\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            current = None
            continue
        bullet, numbered = _BULLET.match(line), _NUMBERED.match(line)
        if bullet or numbered:
            kind = "bullets" if bullet else "numbers"
            body = (bullet or numbered).group(1)
            if current is None or current.kind != kind:
                current = _Block(kind, [])
                blocks.append(current)
            current.lines.append(body)
        elif current is not None and current.kind in ("bullets", "numbers") and raw.startswith(" "):
            current.lines[-1] += " " + line.strip()  # a list item's continuation line
        elif raw.startswith("  ") and (current is None or current.kind == "display"):
            if current is None:
                current = _Block("display", [])
                blocks.append(current)
            current.lines.append(line.strip())
        else:
            if current is None or current.kind != "paragraph":
                current = _Block("paragraph", [])
                blocks.append(current)
            current.lines.append(line.strip())
    return blocks


def inline_latex(text: str) -> str:
    """One line of light Markdown as LaTeX text: **bold**, *italic*, `code`, the rest through latex.escape."""
    out = []
    for part in _INLINE.split(text):
        if not part:
            continue
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append(r"\texttt{" + latex.escape(part[1:-1]) + "}")
        elif part.startswith("**") and part.endswith("**") and len(part) > 4:
            out.append(r"\textbf{" + latex.escape(part[2:-2]) + "}")
        elif part.startswith("*") and part.endswith("*") and len(part) > 2:
            out.append(r"\emph{" + latex.escape(part[1:-1]) + "}")
        else:
            out.append(latex.escape(part))
    return "".join(out)


def markdown_latex(text: str) -> str:
    """A lesson's Markdown text as LaTeX paragraphs, lists and centred display lines."""
    parts = []
    for block in markdown_blocks(text):
        if block.kind == "paragraph":
            parts.append(inline_latex(" ".join(block.lines)))
        elif block.kind == "display":
            parts.append("\\begin{center}\n" + " \\\\\n".join(inline_latex(line) for line in block.lines)
                         + "\n\\end{center}")
        else:
            env = "itemize" if block.kind == "bullets" else "enumerate"
            items = "\n".join(f"  \\item {inline_latex(line)}" for line in block.lines)
            parts.append(f"\\begin{{{env}}}\n{items}\n\\end{{{env}}}")
    return "\n\n".join(parts) + "\n"


# -- LaTeX ------------------------------------------------------------------------------------------------------
def _exercise_heading(answer: Answer) -> str:
    title = f": {latex.escape(answer.item.title)}" if answer.item.title else ""
    return f"Your turn {answer.number}{title}"


def _derivation_blocks(document: Document) -> list[Block]:
    """A derivation item's blocks: its document without its own title (the item's heading stands for it)."""
    return document.blocks[1:]


def handout_latex(lesson: Lesson, derivations: dict[int, Document], answers: dict[int, Answer]) -> str:
    """The lesson as a standalone article that plain pdflatex compiles (`derivations`, `answers`: handouts.prepare)."""
    out = [latex.PREAMBLE, "\\begin{document}\n\\sloppy\n", f"\\section*{{{latex.escape(lesson.title)}}}\n"]
    intro = []
    if lesson.summary:
        intro.append(r"\emph{" + latex.escape(lesson.summary) + ".}")
    intro.append(f"A handout of the lesson \\texttt{{{latex.escape(lesson.name)}}} "
                 f"(play it with \\texttt{{derive lesson {latex.escape(lesson.name)}}}).")
    if derivations:
        intro.append(latex.legend())
    if answers:
        intro.append("Try each exercise on paper first: take one hint at a time; the answers are at the end.")
    out.append(" ".join(intro) + "\n\n")
    for item in lesson.items:
        if item.kind == "text":
            if item.title:
                out.append(f"\\subsection*{{{latex.escape(item.title)}}}\n")
            out.append(markdown_latex(item.text) + "\n")
        elif item.kind == "derivation" and item.move:  # one algebra move: its maths is in the derivation above
            out.append(f"\\subsection*{{{latex.escape(item.title or derivations[item.number].title)}}}\n")
            out.append(markdown_latex(item.text) + "\n" if item.text else "")
        elif item.kind == "derivation":
            document = derivations[item.number]
            out.append(f"\\subsection*{{{latex.escape(item.title or document.title)}}}\n")
            if item.text:
                out.append(markdown_latex(item.text) + "\n")
            out.append(latex.blocks_latex(_derivation_blocks(document), shift=1) + "\n")
        else:
            answer = answers[item.number]
            out.append(f"\\subsection*{{{_exercise_heading(answer)}}}\n")
            out.append(inline_latex(item.text) + "\n\n")
            hints = "\n".join(f"  \\item {inline_latex(hint)}" for hint in item.hints)
            out.append("Hints, one at a time:\n\\begin{enumerate}\n" + hints + "\n\\end{enumerate}\n")
            out.append(f"(Answer: see Your turn {answer.number} in the Answers at the end.)\n\n")
    if answers:
        out.append("\\newpage\n\\section*{Answers}\n")
        for answer in answers.values():
            out.append(f"\\subsection*{{{_exercise_heading(answer)}}}\n")
            at = f"At ${answer.at}$: " if answer.at else ""
            typed = latex.escape(answer.item.answer)
            out.append(f"{at}$\\displaystyle {answer.lhs} = {answer.usual}$ "
                       f"\\quad (typed: \\texttt{{{typed}}})\n\n")
            if answer.mistakes:
                lines = "\n".join(f"  \\item If you got ${wrong}$: {inline_latex(message)}"
                                  for wrong, message in answer.mistakes)
                out.append("Known slips:\n\\begin{itemize}\n" + lines + "\n\\end{itemize}\n")
    out.append("\\end{document}\n")
    return "".join(out)


# -- Markdown ---------------------------------------------------------------------------------------------------
def handout_markdown(lesson: Lesson, derivations: dict[int, Document], answers: dict[int, Answer]) -> str:
    """The lesson as Markdown with $...$ maths; the teacher's text is kept as written (it is Markdown)."""
    lines = [f"# {escape(lesson.title)}", ""]
    if lesson.summary:
        lines += [f"*{escape(lesson.summary)}.*", ""]
    lines += [f"A handout of the lesson {code(lesson.name)} (play it with {code('derive lesson ' + lesson.name)}).", ""]
    if derivations:
        lines += [escape(DOCUMENT_HEADINGS["check_legend"]), ""]
    if answers:
        lines += ["Try each exercise on paper first: take one hint at a time; the answers are at the end.", ""]
    for item in lesson.items:
        if item.kind == "text":
            if item.title:
                lines += [f"## {escape(item.title)}", ""]
            lines += [teacher_markdown(item.text.strip("\n")), ""]
        elif item.kind == "derivation" and item.move:  # one algebra move: its maths is in the derivation above
            lines += [f"## {escape(item.title or derivations[item.number].title)}", ""]
            lines += [teacher_markdown(item.text.strip("\n")), ""] if item.text else []
        elif item.kind == "derivation":
            document = derivations[item.number]
            lines += [f"## {escape(item.title or document.title)}", ""]
            if item.text:
                lines += [teacher_markdown(item.text.strip("\n")), ""]
            lines += [blocks_markdown(_derivation_blocks(document), shift=1).strip("\n"), ""]
        else:
            answer = answers[item.number]
            title = f": {escape(item.title)}" if item.title else ""
            lines += [f"## Your turn {answer.number}{title}", "", escape(item.text), "", "Hints, one at a time:", ""]
            lines += [f"{level}. {escape(hint)}" for level, hint in enumerate(item.hints, start=1)]
            lines += ["", f"(Answer: see Your turn {answer.number} in the Answers at the end.)", ""]
    if answers:
        lines += ["---", "", "## Answers", ""]
        for answer in answers.values():
            title = f": {escape(answer.item.title)}" if answer.item.title else ""
            at = f"At {inline(answer.at)}: " if answer.at else ""
            lines += [f"### Your turn {answer.number}{title}", "",
                      f"{at}{inline(f'{answer.lhs} = {answer.usual}')} (typed: {code(answer.item.answer)})", ""]
            if answer.mistakes:
                lines += ["Known slips:", ""]
                lines += [f"- If you got {inline(wrong)}: {escape(message)}" for wrong, message in answer.mistakes]
                lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
