"""Lesson files: find them, read them with tomllib, check every field, and hand back plain lesson objects.

Nothing here imports SymPy: `derive lesson` (the list with progress) must answer at once. Expressions stay
text until the player needs them (`lessons.py` parses and derives). Every problem names the file, the item and
the field, so a teacher can fix a lesson without reading the code.
"""

from __future__ import annotations

import difflib
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ITEM_KINDS = ("text", "derivation", "exercise")
MAX_FILE_BYTES = 1_000_000
MAX_TEXT = 20_000


class LessonError(ValueError):
    """A lesson file that cannot be used; the message is one line: `FILE: item 3: missing 'answer'`."""


def clean_text(text: str) -> str:
    """Text from a file or a keyboard, made safe to print: control characters are shown, never obeyed.

    An escape sequence in a lesson could move the cursor, change the title or hide text; tabs become spaces
    and every other control or formatting character (ESC, bidi overrides, NUL) is printed as \\xNN / \\uNNNN.
    """
    out = []
    for ch in text:
        if ch == "\n":
            out.append(ch)
        elif ch == "\t":
            out.append("    ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer and what it reveals (the misconception, in beginner words)."""

    answer: str
    message: str


@dataclass(frozen=True)
class Item:
    """One item of a lesson. `kind` says which fields matter (see docs/lessons.md)."""

    kind: str
    number: int  # 1-based, as in error messages
    text: str = ""  # text: the explanation; exercise: the question
    title: str = ""
    expression: str = ""  # derivation/exercise: what is differentiated
    preset: str = ""  # derivation: a named derivation instead of an expression
    wrt: str = ""
    name: str = "f"
    answer: str = ""  # exercise: the expected answer, an expression
    at: tuple[tuple[str, str], ...] = ()  # exercise: evaluate the derivative at these values
    hints: tuple[str, ...] = ()
    mistakes: tuple[Mistake, ...] = ()


@dataclass(frozen=True)
class Lesson:
    name: str  # the file's stem: what the learner types after `derive lesson`
    title: str
    order: int
    summary: str
    items: tuple[Item, ...]
    path: Path = field(compare=False)

    @property
    def exercises(self) -> list[Item]:
        return [item for item in self.items if item.kind == "exercise"]


def _need_str(where: str, table: dict, key: str, required: bool, limit: int = MAX_TEXT) -> str:
    if key not in table:
        if required:
            raise LessonError(f"{where}missing '{key}'")
        return ""
    value = table[key]
    if isinstance(value, int | float) and not isinstance(value, bool) and key in ("answer", "expression"):
        value = str(value)  # answer = 0 is a natural thing to write
    if not isinstance(value, str):
        raise LessonError(f"{where}'{key}' must be text in quotes, not {type(value).__name__}")
    if required and not value.strip():
        raise LessonError(f"{where}'{key}' is empty")
    if len(value) > limit:
        raise LessonError(f"{where}'{key}' is longer than {limit} characters")
    return clean_text(value)


def _unknown_keys(where: str, table: dict, allowed: set[str]) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        close = difflib.get_close_matches(extra[0], sorted(allowed), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise LessonError(f"{where}unknown field '{extra[0]}'{hint}")


_ALLOWED = {
    "text": {"type", "text", "title"},
    "derivation": {"type", "text", "title", "expression", "preset", "wrt", "name"},
    "exercise": {"type", "question", "title", "expression", "wrt", "answer", "at", "hints", "mistakes", "name"},
}


def _item(number: int, raw: object) -> Item:
    where = f"item {number}: "
    if not isinstance(raw, dict):
        raise LessonError(f"{where}must be a table ([[items]])")
    kind = raw.get("type")
    if kind not in ITEM_KINDS:
        if kind is None:
            raise LessonError(f"{where}missing 'type' (one of {', '.join(ITEM_KINDS)})")
        raise LessonError(f"{where}'type' must be one of {', '.join(ITEM_KINDS)}, not {kind!r}")
    _unknown_keys(where, raw, _ALLOWED[kind])
    title = _need_str(where, raw, "title", False, 200)
    if kind == "text":
        return Item("text", number, text=_need_str(where, raw, "text", True), title=title)
    name = _need_str(where, raw, "name", False, 20) or "f"
    wrt = _need_str(where, raw, "wrt", False, 40)
    if kind == "derivation":
        expression = _need_str(where, raw, "expression", False, 2000)
        preset = _need_str(where, raw, "preset", False, 40)
        if bool(expression) == bool(preset):
            raise LessonError(f"{where}give exactly one of 'expression' or 'preset'")
        return Item("derivation", number, text=_need_str(where, raw, "text", False), title=title,
                    expression=expression, preset=preset, wrt=wrt, name=name)
    question = _need_str(where, raw, "question", True)
    expression = _need_str(where, raw, "expression", True, 2000)
    answer = _need_str(where, raw, "answer", True, 2000)
    hints_raw = raw.get("hints")
    if hints_raw is None:
        raise LessonError(f"{where}missing 'hints' (a list: nudge, rule name, substitution, full step)")
    if not isinstance(hints_raw, list) or not hints_raw or not all(isinstance(h, str) and h.strip()
                                                                   for h in hints_raw):
        raise LessonError(f"{where}'hints' must be a list of one or more texts")
    at_raw = raw.get("at", {})
    if not isinstance(at_raw, dict):
        raise LessonError(f"{where}'at' must be a table such as {{ x = 3 }}")
    at = []
    for key, value in at_raw.items():
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise LessonError(f"{where}'at': {key} must be a number")
        at.append((clean_text(str(key)), clean_text(str(value))))
    mistakes = []
    for m_number, m_raw in enumerate(raw.get("mistakes", []), start=1):
        m_where = f"{where}mistake {m_number}: "
        if not isinstance(m_raw, dict):
            raise LessonError(f"{m_where}must be a table with 'answer' and 'message'")
        _unknown_keys(m_where, m_raw, {"answer", "message"})
        mistakes.append(Mistake(_need_str(m_where, m_raw, "answer", True, 2000),
                                _need_str(m_where, m_raw, "message", True, 2000)))
    return Item("exercise", number, text=question, title=title, expression=expression, wrt=wrt, name=name,
                answer=answer, at=tuple(at), hints=tuple(clean_text(h) for h in hints_raw),
                mistakes=tuple(mistakes))


def load_lesson(path: Path) -> Lesson:
    """Read and check one lesson file. Raises LessonError with `FILE: item N: problem`."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LessonError(f"{path}: the file is larger than {MAX_FILE_BYTES} bytes")
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except LessonError:
        raise
    except OSError as exc:
        raise LessonError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise LessonError(f"{path}: is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise LessonError(f"{path}: is not valid TOML ({exc})") from None
    try:
        _unknown_keys("", raw, {"title", "order", "summary", "items"})
        title = _need_str("", raw, "title", True, 200)
        summary = _need_str("", raw, "summary", False, 300)
        order = raw.get("order", 1000)
        if isinstance(order, bool) or not isinstance(order, int):
            raise LessonError("'order' must be a whole number")
        items_raw = raw.get("items")
        if not isinstance(items_raw, list) or not items_raw:
            raise LessonError("missing 'items' (a list of [[items]] tables)")
        items = tuple(_item(n, it) for n, it in enumerate(items_raw, start=1))
    except LessonError as exc:
        raise LessonError(f"{path}: {exc}") from None
    return Lesson(clean_text(path.stem), title, order, summary, items, path)


def default_dir() -> Path:
    """The lessons shipped with the package (installed as derivtutor/lesson_data, or lessons/ in a checkout)."""
    here = Path(__file__).resolve().parent
    installed = here / "lesson_data"
    return installed if installed.is_dir() else here.parent / "lessons"


def load_all(directory: Path | None = None) -> list[Lesson]:
    """Every *.toml in the folder, in lesson order (then by name). Raises LessonError on the first bad file."""
    directory = directory or default_dir()
    if not directory.is_dir():
        raise LessonError(f"{directory}: no such lesson folder")
    lessons = [load_lesson(p) for p in sorted(directory.glob("*.toml"))]
    if not lessons:
        raise LessonError(f"{directory}: no lesson files (*.toml) in this folder")
    return sorted(lessons, key=lambda lesson: (lesson.order, lesson.name))


def find(lessons: list[Lesson], name: str) -> Lesson:
    """The lesson called `name`; otherwise a LessonError suggesting the nearest name."""
    for lesson in lessons:
        if lesson.name == name:
            return lesson
    names = [lesson.name for lesson in lessons]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.4)
    hint = f"; did you mean '{close[0]}'?" if close else f"; the lessons are: {', '.join(names)}"
    raise LessonError(f"no lesson called '{clean_text(name)}'{hint}")
