"""Lesson files: find them, read them with tomllib, check every field, and hand back plain lesson objects.

Nothing here imports SymPy: `derive lesson` (the list with progress) must answer at once. Expressions stay
text until the player needs them (`lessons.py` parses and derives). Every problem names the file, the item and
the field, so a teacher can fix a lesson without reading the code: the player stops at a file's first problem,
`derive lesson --check` (lesson_check.py) lists them all. lesson.schema.json describes the same fields for editors.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from derivtutor.startup import is_plain_name, visible

ITEM_KINDS = ("text", "derivation", "exercise")
MAX_FILE_BYTES = 1_000_000
MAX_TEXT = 20_000
MAX_ITEMS = 200  # items in one lesson
MAX_HINTS = 10
MAX_MISTAKES = 30  # listed mistakes in one exercise
MAX_FILES = 500  # lesson files in one folder
MAX_PROBLEMS = 50  # problems reported for one file
MAX_KEY = 60  # characters of an unknown field's name shown in a problem
DEFAULT_ORDER = 1000


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
    working: bool = False  # exercise: the learner writes the working, several lines, each one judged
    tolerance: float = 0.0  # exercise with `at`: a typed decimal this close to the exact value is right
    names: tuple[tuple[str, str], ...] = ()  # exercise: letters the learner may use for parts (a_k = sigma(net_k))
    show: str = ""  # derivation: "" (all), "steps" (no algebra moves) or "move N" (one algebra move): SHOW_PARTS

    @property
    def move(self) -> int:
        """The algebra move a `show = "move N"` screen shows (1-based); 0 for any other screen."""
        return int(self.show.split()[1]) if self.show.startswith("move ") else 0


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


class Problems:
    """Every problem found in one lesson file, in reading order: the loader stops at the first, the check lists all.

    Each entry is one line without the file name, such as `item 3: missing 'answer'`; bounded, so a hostile file
    with thousands of mistakes still gives a short report.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.dropped = 0

    def add(self, line: str) -> None:
        if len(self.lines) < MAX_PROBLEMS:
            self.lines.append(line)
        else:
            self.dropped += 1

    def __bool__(self) -> bool:
        return bool(self.lines)

    @property
    def count(self) -> int:
        return len(self.lines) + self.dropped

    def text(self, where: str, table: dict, key: str, required: bool, limit: int = MAX_TEXT) -> str:
        """The field as clean text, or "" after recording why it cannot be used."""
        try:
            return _need_str(where, table, key, required, limit)
        except LessonError as exc:
            self.add(str(exc))
            return ""

    def name(self, where: str, table: dict, key: str, limit: int) -> str:
        """The field as a plain variable name, or "" after recording why it cannot be used."""
        try:
            return _need_name(where, table, key, limit)
        except LessonError as exc:
            self.add(str(exc))
            return ""


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
    if not value.strip() and (required or key in _NOT_BLANK):
        raise LessonError(f"{where}'{key}' is empty")
    if len(value) > limit:
        raise LessonError(f"{where}'{key}' is longer than {limit} characters")
    return clean_text(value)


def _need_name(where: str, table: dict, key: str, limit: int) -> str:
    """A variable or function name: plain ASCII letters, digits and _, as the reader writes them (they reach
    LaTeX, Markdown and the terminal, so nothing else may pass)."""
    value = _need_str(where, table, key, False, limit)
    if value and not is_plain_name(value):
        raise LessonError(f"{where}'{key}' must be a variable name such as x or w_jk, not {value!r}")
    return value


def _unknown_keys(where: str, table: dict, allowed: set[str], problems: Problems) -> None:
    for extra in sorted(set(table) - allowed):
        close = difflib.get_close_matches(extra, sorted(allowed), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        problems.add(f"{where}unknown field '{visible(extra[:MAX_KEY])}'{hint}")


# The fields each table may have; lesson.schema.json lists the same ones (a test keeps the two in step).
LESSON_FIELDS = {"title", "order", "summary", "items"}
ITEM_FIELDS = {
    "text": {"type", "text", "title"},
    "derivation": {"type", "text", "title", "expression", "preset", "wrt", "name", "show"},
    "exercise": {"type", "question", "title", "expression", "wrt", "answer", "at", "hints", "mistakes", "name",
                 "working", "tolerance", "names"},
}
MISTAKE_FIELDS = {"answer", "message"}
_NOT_BLANK = {"expression", "preset", "wrt", "name", "answer", "title"}  # optional, but not "" when given
LIMITS = {"title": 200, "summary": 300, "name": 20, "wrt": 40, "preset": 40, "expression": 2000, "answer": 2000,
          "message": 2000, "hint": 2000}


def _item(number: int, raw: object, problems: Problems) -> Item | None:
    """One [[items]] table as an Item, or None when it has a problem (recorded: all of them, not the first)."""
    where = f"item {number}: "
    if not isinstance(raw, dict):
        problems.add(f"{where}must be a table ([[items]])")
        return None
    kind = raw.get("type")
    if kind not in ITEM_KINDS:
        if kind is None:
            problems.add(f"{where}missing 'type' (one of {', '.join(ITEM_KINDS)})")
        else:
            shown = visible(repr(kind)[:MAX_KEY])
            problems.add(f"{where}'type' must be one of {', '.join(ITEM_KINDS)}, not {shown}")
        return None
    before = problems.count
    _unknown_keys(where, raw, ITEM_FIELDS[kind], problems)
    title = problems.text(where, raw, "title", False, LIMITS["title"])
    if kind == "text":
        item = Item("text", number, text=problems.text(where, raw, "text", True), title=title)
    elif kind == "derivation":
        name = problems.name(where, raw, "name", LIMITS["name"]) or "f"
        wrt = problems.name(where, raw, "wrt", LIMITS["wrt"])
        expression = problems.text(where, raw, "expression", False, LIMITS["expression"])
        preset = problems.text(where, raw, "preset", False, LIMITS["preset"])
        if ("expression" in raw) == ("preset" in raw):
            problems.add(f"{where}give exactly one of 'expression' or 'preset'")
        item = Item("derivation", number, text=problems.text(where, raw, "text", False), title=title,
                    expression=expression, preset=preset, wrt=wrt, name=name, show=_show(where, raw, problems))
    else:
        name = problems.name(where, raw, "name", LIMITS["name"]) or "f"
        wrt = problems.name(where, raw, "wrt", LIMITS["wrt"])
        question = problems.text(where, raw, "question", True)
        expression = problems.text(where, raw, "expression", True, LIMITS["expression"])
        answer = problems.text(where, raw, "answer", True, LIMITS["answer"])
        at = _at(where, raw, problems)
        item = Item("exercise", number, text=question, title=title, expression=expression, wrt=wrt, name=name,
                    answer=answer, hints=_hints(where, raw, problems), at=at,
                    mistakes=_mistakes(where, raw, problems), working=_working(where, raw, at, problems),
                    tolerance=_tolerance(where, raw, at, problems), names=_names(where, raw, problems))
    return item if problems.count == before else None


SHOW_PARTS = re.compile(r"all|steps|move [1-9][0-9]?")


def _show(where: str, raw: dict, problems: Problems) -> str:
    """`show = "steps"` or `show = "move 2"`: one part of a derivation per screen (one idea per screen)."""
    show = raw.get("show", "all")
    if not isinstance(show, str) or not SHOW_PARTS.fullmatch(show):
        problems.add(f"{where}'show' must be \"all\", \"steps\" or \"move N\" (N = 1, 2, ...: an algebra move)")
        return ""
    return "" if show == "all" else show


def _working(where: str, raw: dict, at: tuple, problems: Problems) -> bool:
    """`working = true`: the learner writes the working, line by line (judge.Working), not just the answer."""
    working = raw.get("working", False)
    if not isinstance(working, bool):
        problems.add(f"{where}'working' must be true or false")
        return False
    if working and at:
        problems.add(f"{where}'working' and 'at' do not go together: a working ends in the derivative itself")
    return working


def _names(where: str, raw: dict, problems: Problems) -> tuple[tuple[str, str], ...]:
    """`names = { a_k = "sigma(net_k)" }`: the learner may write a_k for σ(net_k), as the lesson's notation does."""
    names_raw = raw.get("names", {})
    if not isinstance(names_raw, dict):
        problems.add(f"{where}'names' must be a table such as {{ a_k = \"sigma(net_k)\" }}")
        return ()
    names = []
    for key, value in names_raw.items():
        if not is_plain_name(key):
            problems.add(f"{where}'names': {clean_text(key[:MAX_KEY])!r} is not a variable name (such as a_k)")
        elif not isinstance(value, str) or not value.strip() or len(value) > LIMITS["answer"]:
            problems.add(f"{where}'names': {key} must be an expression in quotes, such as \"sigma(net_k)\"")
        else:
            names.append((key, clean_text(value)))
    return tuple(names)


def _tolerance(where: str, raw: dict, at: tuple, problems: Problems) -> float:
    """`tolerance = 1e-9`: how far a typed decimal may be from the exact value (numbers quoted to 9 decimals)."""
    if "tolerance" not in raw:
        return 0.0
    value = raw["tolerance"]
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        problems.add(f"{where}'tolerance' must be a small positive number such as 1e-9")
        return 0.0
    if not at:
        problems.add(f"{where}'tolerance' needs 'at': only a number answer can be close")
        return 0.0
    return float(value)


def _hints(where: str, raw: dict, problems: Problems) -> tuple[str, ...]:
    hints_raw = raw.get("hints")
    if hints_raw is None:
        problems.add(f"{where}missing 'hints' (a list: nudge, rule name, substitution, full step)")
        return ()
    if not isinstance(hints_raw, list) or not hints_raw or not all(isinstance(h, str) and h.strip()
                                                                   for h in hints_raw):
        problems.add(f"{where}'hints' must be a list of one or more texts")
        return ()
    if len(hints_raw) > MAX_HINTS:
        problems.add(f"{where}'hints': more than {MAX_HINTS} hints; a ladder of four is the custom")
    for number, hint in enumerate(hints_raw, start=1):
        if len(hint) > LIMITS["hint"]:
            problems.add(f"{where}'hints': hint {number} is longer than {LIMITS['hint']} characters")
    return tuple(clean_text(h) for h in hints_raw)


def _at(where: str, raw: dict, problems: Problems) -> tuple[tuple[str, str], ...]:
    at_raw = raw.get("at", {})
    if not isinstance(at_raw, dict):
        problems.add(f"{where}'at' must be a table such as {{ x = 3 }}")
        return ()
    at = []
    for key, value in at_raw.items():
        if not is_plain_name(key):
            problems.add(f"{where}'at': {clean_text(key[:MAX_KEY])!r} is not a variable name (such as x or w_jk)")
        elif isinstance(value, bool) or not isinstance(value, int | float | str):
            problems.add(f"{where}'at': {key} must be a number")
        elif isinstance(value, str) and len(value) > LIMITS["answer"]:
            problems.add(f"{where}'at': {key} is longer than {LIMITS['answer']} characters")
        else:
            at.append((key, clean_text(str(value))))
    return tuple(at)


def _mistakes(where: str, raw: dict, problems: Problems) -> tuple[Mistake, ...]:
    mistakes_raw = raw.get("mistakes", [])
    if not isinstance(mistakes_raw, list):
        problems.add(f"{where}'mistakes' must be a list of [[items.mistakes]] tables")
        return ()
    if len(mistakes_raw) > MAX_MISTAKES:
        problems.add(f"{where}'mistakes': more than {MAX_MISTAKES} known mistakes")
        return ()
    mistakes = []
    for m_number, m_raw in enumerate(mistakes_raw, start=1):
        m_where = f"{where}mistake {m_number}: "
        if not isinstance(m_raw, dict):
            problems.add(f"{m_where}must be a table with 'answer' and 'message'")
            continue
        _unknown_keys(m_where, m_raw, MISTAKE_FIELDS, problems)
        mistakes.append(Mistake(problems.text(m_where, m_raw, "answer", True, LIMITS["answer"]),
                                problems.text(m_where, m_raw, "message", True, LIMITS["message"])))
    return tuple(mistakes)


def read_toml(path: Path) -> dict:
    """The file's TOML table through the one reader (files.read_data: a regular file only, the bytes read, the
    nesting, the item count and the numbers bounded). Raises LessonError (without the file name)."""
    from derivtutor import files

    try:
        return files.read_data(path, "toml", MAX_FILE_BYTES)
    except files.FileProblem as exc:
        raise LessonError(exc.problem) from None


def read_lesson(path: Path) -> tuple[Lesson | None, Problems]:
    """Read one lesson file and record every problem of its fields.

    The Lesson (None when the file is not TOML at all) keeps only the items without a problem, so
    `derive lesson --check` can go on to check their maths; the player refuses any file with a problem.
    """
    problems = Problems()
    try:
        raw = read_toml(path)
    except LessonError as exc:
        problems.add(str(exc))
        return None, problems
    _unknown_keys("", raw, LESSON_FIELDS, problems)
    title = problems.text("", raw, "title", True, LIMITS["title"])
    summary = problems.text("", raw, "summary", False, LIMITS["summary"])
    order = raw.get("order", DEFAULT_ORDER)
    if isinstance(order, float) and order.is_integer():  # order = 3.0: JSON Schema counts it as an integer too
        order = int(order)
    if isinstance(order, bool) or not isinstance(order, int):
        problems.add("'order' must be a whole number")
    items_raw = raw.get("items")
    items: list[Item | None] = []
    if not isinstance(items_raw, list) or not items_raw:
        problems.add("missing 'items' (a list of [[items]] tables)")
    elif len(items_raw) > MAX_ITEMS:
        problems.add(f"has {len(items_raw)} items; a lesson may have at most {MAX_ITEMS} (split it in two)")
    else:
        items = [_item(n, it, problems) for n, it in enumerate(items_raw, start=1)]
    if isinstance(order, bool) or not isinstance(order, int):
        order = DEFAULT_ORDER
    kept = tuple(item for item in items if item is not None)
    return Lesson(clean_text(path.stem), title, order, summary, kept, path), problems


def path_text(path: Path) -> str:
    """A lesson file's name as problems show it: every control character made visible."""
    return visible(str(path))


def load_lesson(path: Path) -> Lesson:
    """Read and check one lesson file. Raises LessonError with `FILE: item N: problem` (the first problem)."""
    lesson, problems = read_lesson(path)
    if lesson is None or problems:
        raise LessonError(f"{path_text(path)}: {problems.lines[0]}")
    return lesson


def lesson_paths(directory: Path | None = None) -> list[Path]:
    """The lesson files of a folder (the shipped one by default), sorted. Raises LessonError."""
    directory = directory or default_dir()
    if not directory.is_dir():
        raise LessonError(f"{path_text(directory)}: no such lesson folder")
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise LessonError(f"{path_text(directory)}: no lesson files (*.toml) in this folder")
    if len(paths) > MAX_FILES:
        raise LessonError(f"{path_text(directory)}: more than {MAX_FILES} lesson files in this folder")
    return paths


def default_dir() -> Path:
    """The lessons shipped with the package (installed as derivtutor/lesson_data, or lessons/ in a checkout)."""
    here = Path(__file__).resolve().parent
    installed = here / "lesson_data"
    return installed if installed.is_dir() else here.parent / "lessons"


def load_all(directory: Path | None = None) -> list[Lesson]:
    """Every *.toml in the folder, in lesson order (then by name). Raises LessonError on the first bad file."""
    lessons = [load_lesson(p) for p in lesson_paths(directory)]
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
