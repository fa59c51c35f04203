"""`derive lesson NAME --latex FILE --markdown FILE`: derive a lesson's maths once, render the handouts, write them.

The rendering lives in render/lesson_handout.py; this module does what a command does (find the lesson, derive
and check its items, write the files, choose the exit code) so render/ only renders.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from derivtutor import lesson_files
from derivtutor.document import Document, Ratio, algebra_move_blocks, build_document
from derivtutor.export import ExportError, write_text
from derivtutor.lesson_files import Lesson, LessonError
from derivtutor.render import lesson_handout
from derivtutor.render.latex import latex_expr, latex_factors, name_latex, ratio_latex
from derivtutor.render.lesson_handout import Answer
from derivtutor.startup import EXIT_OK, fail


def prepare(lesson: Lesson) -> tuple[dict[int, Document], dict[int, Answer]]:
    """The document of each derivation item and the answer of each exercise, keyed by item number. Raises
    LessonError."""
    from derivtutor.lessons import derivation_for, prepare_exercise
    from derivtutor.parsing import ParseError, parse_expression

    derivations: dict[int, Document] = {}
    answers: dict[int, Answer] = {}
    count = 0
    for item in lesson.items:
        try:
            if item.kind == "derivation" and item.move:  # one algebra move: on paper its heading and words
                built = derivation_for(item)
                blocks = algebra_move_blocks(built, item.move)
                derivations[item.number] = Document(blocks[0].text, blocks)
            elif item.kind == "derivation":  # on paper a `steps` item shows the algebra too
                derivations[item.number] = build_document(derivation_for(replace(item, show="")))
            elif item.kind == "exercise":
                count += 1
                ex = prepare_exercise(item)
                d = ex.derivation
                if not ex.values and d.algebra:  # the player's usual_text, in LaTeX
                    usual = latex_factors(list(d.algebra[-1].shown))
                else:
                    usual = latex_expr(ex.usual)
                at = ", ".join(f"{name_latex(name)} = {latex_expr(value)}" for name, value in ex.values.items())
                mistakes = []
                for m_number, mistake in enumerate(item.mistakes, start=1):
                    try:
                        wrong = latex_expr(parse_expression(mistake.answer))
                    except ParseError as exc:
                        raise LessonError(f"item {item.number}: mistake {m_number}: 'answer': "
                                          f"{exc.one_line()}") from None
                    mistakes.append((wrong, mistake.message))
                lhs = ratio_latex(Ratio(d.function_name, d.var, bool(d.held_constant)))
                answers[item.number] = Answer(count, item, lhs, usual, at, mistakes)
        except LessonError as exc:
            raise LessonError(f"{lesson.path}: {exc}") from None
    return derivations, answers


def handout_latex(lesson: Lesson) -> str:
    """The lesson as a standalone LaTeX article. Raises LessonError for a bad lesson."""
    return lesson_handout.handout_latex(lesson, *prepare(lesson))


def handout_markdown(lesson: Lesson) -> str:
    """The lesson as Markdown with $...$ maths. Raises LessonError for a bad lesson."""
    return lesson_handout.handout_markdown(lesson, *prepare(lesson))


# -- the command ------------------------------------------------------------------------------------------------
def write_handouts(name: str, latex: str | None = None, markdown: str | None = None,
                   directory: str | None = None) -> int:
    """What `derive lesson NAME --latex FILE --markdown FILE` does: render all, then write; the exit code.

    Everything is rendered before any file is touched, so a bad lesson never leaves a file behind; each file is
    written atomically ('-' is standard output). Problems are one line on standard error and exit code 2.
    """
    try:
        lesson = lesson_files.find(lesson_files.load_all(Path(directory) if directory else None), name)
        texts = []
        if latex is not None:
            texts.append((latex, handout_latex(lesson)))
        if markdown is not None:
            texts.append((markdown, handout_markdown(lesson)))
        for path, text in texts:
            write_text(path, text)
    except (LessonError, ExportError) as exc:
        return fail(str(exc))
    return EXIT_OK
