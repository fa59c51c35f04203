"""Writing the export files the CLI asks for (--latex, --markdown, --json, --plot), each atomically.

Files are written by files.atomic_write (the one writer): a temporary file moved over the target, never through
a symlink, FIFO or device, keeping an existing file's mode.
'-' means standard output. Errors come back as one ExportError line: `cannot write FILE: reason`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from derivtutor.startup import EXIT_INTERNAL, EXIT_OK, fail

if TYPE_CHECKING:  # the module is read before SymPy is imported (entry.py's fast path): keep it light
    from derivtutor.derivation import Built, Derivation

STDOUT = "-"
TEXT_PLOT = ("-", "text")


class ExportError(Exception):
    """One line for the learner; the CLI prints it as `derive: <message>` and exits with 2."""


@dataclass
class Exports:
    """What the command line asked for; None means 'not asked'."""

    latex: str | None = None
    fragment: bool = False
    markdown: str | None = None
    json: str | None = None
    plot: str | None = None
    detail: str = "normal"
    html: str | None = None

    @property
    def requested(self) -> bool:
        return any(v is not None for v in (self.latex, self.markdown, self.json, self.plot, self.html))

    @property
    def uses_stdout(self) -> bool:
        """True when an export goes to standard output: then the terminal rendering should stay quiet."""
        return STDOUT in (self.latex, self.markdown, self.json, self.html) or self.plot in TEXT_PLOT


def atomic_write(path: str, produce: Callable[[str], None]) -> None:
    """Call produce(temp_path), then move the temp file over `path` (files.atomic_write: the one writer)."""
    from derivtutor import files

    try:
        files.atomic_write(path, produce)
    except files.WriteProblem as exc:
        raise ExportError(str(exc)) from None


def write_text(path: str, text: str, stdout: TextIO | None = None) -> None:
    """Text to a file (atomically, UTF-8) or, for '-', to standard output."""
    if path == STDOUT:
        if stdout is None:  # a file format: UTF-8 bytes whatever the terminal's encoding
            from derivtutor.console import write_document

            write_document(text)
        else:
            stdout.write(text)
        return

    def produce(temp: str) -> None:
        with open(temp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)

    atomic_write(path, produce)


def write_plot(derivation: Derivation, path: str, stdout: TextIO | None = None, width: int | None = None) -> None:
    """'-' or 'text': a text plot; FILE.svg: the built-in SVG; FILE.png: matplotlib (the 'plot' extra)."""
    from derivtutor.render import plot

    try:
        samples = plot.sample(derivation)
    except plot.PlotError as exc:
        raise ExportError(str(exc)) from None
    if path in TEXT_PLOT:
        (stdout or sys.stdout).write(plot.render_text(samples, width=width))
        return
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".svg":
        write_text(path, plot.render_svg(samples))
    elif suffix == ".png":
        try:
            import matplotlib  # noqa: F401 - only to fail early, before any file is touched
        except ImportError:
            raise ExportError("PNG plots need matplotlib: pip install 'derivtutor[plot]' (or use --plot "
                              "FILE.svg)") from None
        atomic_write(path, lambda temp: plot.write_png(samples, temp))
    else:
        raise ExportError(f"cannot write {path}: a plot file must end in .svg or .png (or use --plot - for text)")


ANSWER_FORMATS = {"latex": ("latex",), "markdown": ("latex",), "json": ("unicode", "latex"), "html": ("ascii",)}
"""The maths each document format prints its answer in (HTML's MathML is read back in the tests only)."""


def render_document(built: Built, kind: str, fragment: bool = False, detail: str = "normal") -> str:
    """One document ('latex', 'markdown', 'json' or 'html') of anything a preset or an expression builds.

    Its final answer must read back first (render/readback.py), in the maths the format prints: LaTeX for LaTeX
    and Markdown, the text and LaTeX fields of JSON, the typed form HTML carries beside its MathML.
    """
    from derivtutor.render.readback import check_printed_answer

    check_printed_answer(built, ANSWER_FORMATS[kind])
    if kind == "html":  # the first backend on the format-neutral document (document.py)
        from derivtutor.document import build_document
        from derivtutor.render.html import render_html

        return render_html(build_document(built, detail), standalone=not fragment)
    from derivtutor.render import documents

    if kind == "latex":
        return documents.latex(built, fragment=fragment, detail=detail)
    if kind == "markdown":
        return documents.markdown(built, detail=detail)
    return documents.json_text(built, detail=detail)


def write_all(derivation: Built, latex: str | None = None, fragment: bool = False,
              markdown: str | None = None, json: str | None = None, plot: str | None = None,
              detail: str = "normal", stdout: TextIO | None = None, html: str | None = None) -> None:
    """Every requested export of any built object; raises ExportError at the first one that fails."""
    if plot is not None and len(derivation.derivations()) != 1:
        raise ExportError("a chain of derivations has no single f to plot; plot a factor instead "
                          "(derive sigmoid --plot FILE.svg)")
    documents = {"latex": latex, "markdown": markdown, "json": json, "html": html}
    for kind, path in documents.items():
        if path is not None:
            text = render_document(derivation, kind, fragment=fragment and kind == "latex", detail=detail)
            write_text(path, text, stdout)
    if plot is not None:
        write_plot(derivation.derivations()[0], plot, stdout)


def run_exports(derivation: object, exports: Exports, stdout: TextIO | None = None) -> int:
    """For the CLI: write everything, print one line on failure; the exit code (0, or 2 for a bad export).

    `derivation` is anything a preset or an expression builds: a Derivation, an Explained or a chain.
    """
    from derivtutor.render.readback import MisprintedAnswer

    try:
        write_all(derivation, latex=exports.latex, fragment=exports.fragment, markdown=exports.markdown,
                  json=exports.json, plot=exports.plot, detail=exports.detail, stdout=stdout,
                  html=exports.html)
    except ExportError as exc:
        return fail(str(exc))
    except MisprintedAnswer as exc:
        return fail(f"internal error: {exc}", EXIT_INTERNAL)
    return EXIT_OK
