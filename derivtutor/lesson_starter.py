"""`derive lesson new NAME [--dir DIR]`: a small, valid lesson to start from, with the schema next to it.

The starter (lesson_data/templates/starter.toml) has one item of each kind: a text screen, a derivation, and an
exercise with a hint ladder and one known mistake, so a teacher edits a lesson that already plays instead of
starting from a blank page. Its first line points editors at lesson.schema.json, copied into the same folder.
An existing file is never overwritten. Nothing here imports SymPy.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from string import Template

from derivtutor.export import ExportError, write_text
from derivtutor.lesson_files import DEFAULT_ORDER, default_dir, path_text, read_lesson
from derivtutor.startup import EXIT_OK, fail, say, visible

SCHEMA_FILE = "lesson.schema.json"
TEMPLATE = Path("templates") / "starter.toml"
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
"""A lesson name a learner can type after `derive lesson`, and a safe file name on every system."""
RESERVED = ("new",)


def starter_text(name: str, order: int) -> str:
    """The starter lesson for `name` at place `order` in the list."""
    template = Template((default_dir() / TEMPLATE).read_text(encoding="utf-8"))
    title = name.replace("-", " ").replace("_", " ").capitalize()
    return template.substitute(title=title, order=order)


def next_order(folder: Path) -> int:
    """One after the folder's last lesson, so the new lesson comes last and shares no order."""
    orders = []
    for path in sorted(folder.glob("*.toml"))[:500] if folder.is_dir() else []:
        lesson, _ = read_lesson(path)
        if lesson is not None and lesson.order != DEFAULT_ORDER:
            orders.append(lesson.order)
    return max(orders, default=0) + 1


def run_new_command(name: str | None, directory: str | None) -> int:
    """Write DIR/NAME.toml (and DIR/lesson.schema.json when missing); the exit code."""
    if name is None:
        return fail("name the new lesson: derive lesson new NAME [--dir DIR]")
    if not NAME.fullmatch(name):
        return fail(f"'{name}' cannot be a lesson name: use letters, digits, '-' and '_', starting with a letter "
                    f"or digit (like chain-rule-2), at most 64 characters")
    if name.casefold() in RESERVED:
        return fail(f"'{name}' is the word that makes a lesson (derive lesson new NAME); choose another name")
    folder = Path(directory) if directory is not None else Path(".")
    target = folder / f"{name}.toml"
    if folder.is_dir():
        for existing in folder.glob("*.toml"):
            if existing.stem.casefold() == name.casefold():
                return fail(f"{path_text(existing)} already exists; choose another name or remove it")
    if target.exists() or target.is_symlink():
        return fail(f"{path_text(target)} already exists; choose another name or remove it")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        text = starter_text(name, next_order(folder))
        write_text(str(target), text)
        schema = folder / SCHEMA_FILE
        shipped = (default_dir() / SCHEMA_FILE).read_text(encoding="utf-8")
        kept = schema.exists() and schema.read_text(encoding="utf-8", errors="replace") != shipped
        if not schema.exists():
            write_text(str(schema), shipped)
    except OSError as exc:
        return fail(f"cannot write {folder}: {exc.strerror or exc}")
    except ExportError as exc:
        return fail(str(exc))
    shown = visible(shlex.quote(str(folder)))
    say(f"Wrote {path_text(target)}, a starter lesson with a text screen, a derivation and an exercise.")
    if kept:
        say(f"Kept your {path_text(schema)}; it differs from this version's (remove it to get the new one).")
    say(f"Check it:  derive lesson --check {shown}")
    say(f"Play it:   derive lesson {name} --dir {shown}")
    say("The guide to every field: docs/lessons.md")
    return EXIT_OK
