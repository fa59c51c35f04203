"""`derive lesson --check [DIR | FILE]`: every problem of every lesson file at once, without playing.

The loader (lesson_files.py) stops at a file's first problem; here a teacher sees them all: every field problem
the loader records, then the maths of every item it accepted: each expression, answer, `at` value and known
mistake read by the one reader, each exercise's answer compared with the engine's derivative, each known mistake
really wrong and answered with its own message, each hint ladder climbing (no blank or repeated rung), and across
the folder no two lessons with the same order, name or title. One line per problem on standard output, as
`FILE: item N: 'field': problem` (like a compiler's), then a summary; the exit code is 2 when anything is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from derivtutor.lesson_files import (
    DEFAULT_ORDER,
    Item,
    Lesson,
    LessonError,
    lesson_paths,
    path_text,
    read_lesson,
)
from derivtutor.startup import EXIT_BAD_INPUT, EXIT_OK, fail, import_sympy_without_collecting, say, visible

if TYPE_CHECKING:
    from derivtutor.lessons import Exercise, Verdict

ITEM_SECONDS = 20.0
"""Budget for deriving and checking one item: a hostile expression is reported, not waited for."""
RESERVED_NAMES = ("new",)  # `derive lesson new NAME` writes a starter lesson, so no lesson can be called `new`


def judge(exercise: Exercise, answer: str) -> Verdict:
    """How the player answers `answer` at this exercise: the one call the check makes to judge an answer.

    When answers are judged elsewhere (a slip library), this is the one line to change; the check then proves
    that every listed mistake still gets its own message, whatever the generated slips are.
    """
    return exercise.check(answer)


@dataclass
class Report:
    """What the check found: the problem lines (file included) and what was counted."""

    files: int = 0
    screens: int = 0
    exercises: int = 0
    by_file: dict[Path, list[str]] = field(default_factory=dict)

    def add(self, path: Path, line: str) -> None:
        self.by_file.setdefault(path, []).append(visible(f"{path_text(path)}: {line}"))

    @property
    def problems(self) -> list[str]:
        """Every problem line, file by file in the order the files were checked."""
        return [line for lines in self.by_file.values() for line in lines]

    def summary(self) -> str:
        counted = (f"{_count(self.files, 'lesson')}, {_count(self.screens, 'screen')}, "
                   f"{_count(self.exercises, 'exercise')}")
        if not self.problems:
            return f"{counted}: all good"
        return f"{counted}: {_count(len(self.problems), 'problem')} in {_count(len(self.by_file), 'file')}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# ---------------------------------------------------------------------------------------------- one item
def _read(text: str, label: str, problems: list[str]) -> object | None:
    """`text` read by the one reader, or None after recording `label: column N: ...`."""
    from derivtutor.parsing import ParseError, parse_expression

    try:
        return parse_expression(text)
    except ParseError as exc:
        problems.append(f"{label}: {exc.one_line()}")
        return None


def _letters(expr: object) -> list[str]:
    return sorted(s.name for s in expr.free_symbols)


def _check_wrt(item: Item, expr: object, where: str, problems: list[str]) -> None:
    letters = _letters(expr)
    if item.wrt and letters and item.wrt not in letters:
        problems.append(f"{where}'wrt': {item.wrt} is not a letter of the expression (its letters: "
                        f"{', '.join(letters)})")


def check_item(item: Item) -> tuple[int, list[str]]:
    """The screens the item makes and its problems (`item N: ...`), under a time limit.

    The work runs in the main thread, as in the player, so every equality check has the same 2-second budget
    the player gives it: an answer the player could not decide is reported, not decided here with more time.
    """
    from derivtutor.engine import UnsupportedExpression
    from derivtutor.limits import OutOfTime, own_time_limit
    from derivtutor.verify import UncheckedStep

    where = f"item {item.number}: "
    try:
        with own_time_limit(ITEM_SECONDS):
            return _check_item(item)
    except UnsupportedExpression as exc:
        return 0, [f"{where}'expression': {exc}"]
    except OutOfTime:
        return 0, [f"{where}could not be derived and checked within {ITEM_SECONDS:g} seconds; "
                   f"use a smaller expression"]
    except (RecursionError, MemoryError):
        return 0, [f"{where}is nested too deeply to derive step by step; use a smaller expression"]
    except UncheckedStep:
        return 0, [f"{where}a step of this derivation could not be checked against SymPy in time"]


def _check_item(item: Item) -> tuple[int, list[str]]:
    from derivtutor.lesson_player import item_screens

    where = f"item {item.number}: "
    blocking: list[str] = []  # problems that leave nothing to derive
    unreadable: set[int] = set()  # mistakes that are not expressions
    if item.kind == "text":
        return 1, blocking
    if item.kind == "derivation" and item.expression:
        expr = _read(item.expression, f"{where}'expression'", blocking)
        if expr is not None:
            _check_wrt(item, expr, where, blocking)
    mistakes: list[str] = []  # an unreadable known mistake: the rest can still be checked
    if item.kind == "exercise":
        _read_exercise(item, blocking)
        for number, mistake in enumerate(item.mistakes, start=1):
            if _read(mistake.answer, f"{where}mistake {number}: 'answer'", mistakes) is None:
                unreadable.add(number)
    hints = _hint_problems(item)
    if blocking:
        return 0, blocking + mistakes + hints
    try:
        screens = item_screens(item)  # derives and verifies, exactly as the player does
    except LessonError as exc:
        return 0, [str(exc), *mistakes, *hints]
    if item.kind == "exercise":
        _check_exercise(screens[0].exercise, unreadable, mistakes)
        mistakes.sort(key=_mistake_number)
    return len(screens), mistakes + hints


def _mistake_number(line: str) -> int:
    """The N of `item 3: mistake N: ...`; 0 for a line about the exercise itself (those come first)."""
    found = re.match(r"item \d+: mistake (\d+): ", line)
    return int(found.group(1)) if found else 0


def _read_exercise(item: Item, problems: list[str]) -> None:
    """The exercise's maths read by the one reader; the `at` letters and numbers; the variable."""
    where = f"item {item.number}: "
    expr = _read(item.expression, f"{where}'expression'", problems)
    _read(item.answer, f"{where}'answer'", problems)
    for name, value in item.at:
        number = _read(value, f"{where}'at': {name}", problems)
        if number is not None and number.free_symbols:
            problems.append(f"{where}'at': {name} = {value} is not a number")
        if expr is not None and name not in _letters(expr):
            problems.append(f"{where}'at': {name} is not a letter of the expression")
    if expr is not None:
        _check_wrt(item, expr, where, problems)


def _hint_problems(item: Item) -> list[str]:
    """The ladder climbs: every rung says something new (the loader already refuses blank or missing hints)."""
    problems = []
    seen: dict[str, int] = {}
    for number, hint in enumerate(item.hints, start=1):
        key = " ".join(hint.split()).casefold()
        if key in seen:
            problems.append(f"item {item.number}: 'hints': hint {number} repeats hint {seen[key]}")
        seen.setdefault(key, number)
    return problems


def _check_exercise(exercise: Exercise, unreadable: set[int], problems: list[str]) -> None:
    """The stated answer is accepted; every listed mistake is wrong and gets its own message."""
    from derivtutor.lessons import answer_matches_engine
    from derivtutor.parsing import parse_expression
    from derivtutor.verify import equal

    item = exercise.item
    where = f"item {item.number}: "
    if answer_matches_engine(exercise) is None:
        problems.append(f"{where}'answer': could not decide in time whether {item.answer} equals the engine's "
                        f"derivative; write the expression or the answer more simply")
        return
    if not unreadable and judge(exercise, item.answer).kind != "right":
        problems.append(f"{where}'answer': {item.answer} is not accepted when a learner types it")
    for number, mistake in enumerate(item.mistakes, start=1):
        if number in unreadable:
            continue
        m_where = f"{where}mistake {number}: "
        same = equal(exercise._at(parse_expression(mistake.answer)), exercise.answer)
        if same is True:
            problems.append(f"{m_where}'answer': {mistake.answer} equals the right answer, so it is no mistake")
            continue
        if same is None:
            problems.append(f"{m_where}'answer': could not decide in time whether {mistake.answer} differs from "
                            f"the right answer")
            continue
        if unreadable:  # the player reads every known mistake before it can judge with them
            continue
        verdict = judge(exercise, mistake.answer)
        if verdict.kind == "wrong" and mistake.message in verdict.message:
            continue
        problems.append(f"{m_where}'message': never shown: {mistake.answer} is answered with "
                        f"{_whose(verdict, item)}")


def _whose(verdict: Verdict, item: Item) -> str:
    """Which message a learner sees instead of the lesson's own."""
    found = verdict.mistake
    if found is not None and not found.automatic:
        for number, other in enumerate(item.mistakes, start=1):
            if other.message == found.message:
                return f"mistake {number}'s message (the two answers are equal)"
    if found is not None:
        return f"a generated slip's message: {verdict.message}"
    return f"{verdict.message}"


# ---------------------------------------------------------------------------------------------- the folder
def check_lesson(lesson: Lesson, report: Report) -> list[str]:
    """The problems of the lesson's name and of the maths of every item the loader accepted."""
    problems = []
    if lesson.name.casefold() in RESERVED_NAMES:
        problems.append(f"the name '{lesson.name}' is taken by `derive lesson {lesson.name} NAME`; rename the file")
    elif lesson.name.startswith("-"):
        problems.append(f"the name '{lesson.name}' starts with '-' and would read as an option; rename the file")
    for item in lesson.items:
        screens, found = check_item(item)
        report.screens += screens
        report.exercises += int(item.kind == "exercise")
        problems += found
    return problems


def check_unique(lessons: list[Lesson], report: Report) -> None:
    """No two lessons with the same order, name (capitals aside) or title: the list would be ambiguous."""
    first: dict[tuple[str, object], Lesson] = {}
    for lesson in lessons:
        keys = [("name", lesson.name.casefold()), ("title", lesson.title.casefold())]
        if lesson.order != DEFAULT_ORDER:
            keys.append(("order", lesson.order))
        for kind, key in keys:
            other = first.setdefault((kind, key), lesson)
            if other is lesson:
                continue
            if kind == "name":
                report.add(lesson.path, f"its name differs from {other.path.name}'s only in capitals")
            elif kind == "title":
                report.add(lesson.path, f"'title': {lesson.title} is also the title of {other.path.name}")
            else:
                report.add(lesson.path, f"'order': {lesson.order} is also the order of {other.path.name}; "
                                        f"each lesson needs its own place in the list")


def check_paths(paths: Iterable[Path]) -> Report:
    """Check every file (SymPy must be importable); the report holds every problem in file order."""
    report = Report()
    lessons: list[Lesson] = []
    for path in paths:
        report.files += 1
        lesson, problems = read_lesson(path)
        lines = list(problems.lines)
        if lesson is not None:
            lines += check_lesson(lesson, report)
            lessons.append(lesson)
        for line in sorted(lines, key=_item_number):  # the file's own problems first, then item by item
            report.add(path, line)
        if problems.dropped:
            report.add(path, f"... and {_count(problems.dropped, 'more problem')} in this file")
    check_unique(lessons, report)
    return report


def _item_number(line: str) -> int:
    found = re.match(r"item (\d+): ", line)
    return int(found.group(1)) if found else 0


def run_check_command(target: str | None) -> int:
    """What `derive lesson --check [DIR | FILE]` does; the exit code (2 when a problem was found)."""
    try:
        if target is not None and Path(target).is_file():
            paths = [Path(target)]
        else:
            paths = lesson_paths(Path(target) if target is not None else None)
    except LessonError as exc:
        return fail(str(exc))
    import_sympy_without_collecting()
    report = check_paths(paths)
    for line in report.problems:
        say(line)
    say(report.summary())
    return EXIT_BAD_INPUT if report.problems else EXIT_OK
