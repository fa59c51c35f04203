"""Any `Built` (derivation.Built) as a document in each format: the one place that picks a renderer by its kind.

LaTeX and Markdown walk document.build_document(built, detail) whatever the kind (latex.py, markdown.py);
JSON is one function for every kind (render/json.py, on document.build_document too).
The export command, the Python API and lesson handouts all come through here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from derivtutor.derivation import Built, Derivation


def latex(built: Built, fragment: bool = False, detail: str = "normal") -> str:
    """A standalone LaTeX article, or with `fragment` its body (no preamble) to \\input into another document."""
    from derivtutor.render.latex import render_latex

    return render_latex(built, fragment=fragment, detail=detail)


def markdown(built: Built, detail: str = "normal", heading_level: int = 1) -> str:
    """Markdown with $...$ maths; the title is a heading of `heading_level`."""
    from derivtutor.render.markdown import render_markdown

    return render_markdown(built, detail=detail, heading_level=heading_level)


def data(built: Built, detail: str = "normal") -> dict[str, Any]:
    """The JSON document as Python data (derivation.schema.json): one function for every kind (render/json.py)."""
    from derivtutor.render.json import data as json_data

    return json_data(built, detail)


def json_text(built: Built, indent: int | None = 2, detail: str = "normal") -> str:
    from derivtutor.render.json import render_json

    return render_json(built, indent=indent, detail=detail)


def title(built: Built) -> str:
    """The heading a learner sees for it."""
    return TITLES[built.kind](built)


def _derivation_title(derivation: Derivation) -> str:
    from derivtutor.document import title_text

    return title_text(derivation)


# One row per Built kind: its title (a preset's own, else its derivation's heading).
TITLES: dict[str, Callable[..., str]] = {
    "derivation": _derivation_title,
    "explained": lambda built: built.derivation.title or built.title,
    "chain": lambda built: built.title,
}
