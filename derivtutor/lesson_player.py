"""`derive lesson`: the list with progress, the one-screen-at-a-time player, and the piped printout.

Keys are read a line at a time (input()): the learner types a letter and Enter, or an answer and Enter. That
works on every terminal and in a pseudo-terminal under test. Listing imports no SymPy; playing does.
Derivations are shown with the terminal renderer's own blocks, one block per screen: nothing is re-derived here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from derivtutor import lesson_files, progress
from derivtutor.lesson_files import Item, Lesson, LessonError
from derivtutor.startup import EXIT_INTERRUPTED, EXIT_OK, fail, import_sympy_without_collecting

KEYS = "Enter/n = next, b = back, h = hint, s = show the full step, q = quit"


def _key(lesson: Lesson, default: bool) -> str:
    return lesson.name if default else str(lesson.path.resolve())


# ---------------------------------------------------------------------------------------------- listing
def list_lessons(lessons: list[Lesson], store: progress.Progress, default: bool) -> str:
    width = max(len(lesson.name) for lesson in lessons)
    twidth = max(len(lesson.title) for lesson in lessons)
    lines = ["Lessons (derive lesson NAME plays one):"]
    for number, lesson in enumerate(lessons, start=1):
        p = store.lessons.get(_key(lesson, default), progress.LessonProgress())
        state = p.state
        if state == "in progress" and p.screens:
            state += f" (screen {min(p.screen + 1, p.screens)} of {p.screens})"
        lines.append(f"  {number}. {lesson.name.ljust(width)}  {lesson.title.ljust(twidth)}  {state}")
    upcoming = next_lesson(lessons, store, default)
    if upcoming is None:
        lines.append("All lessons done. Replay any of them with derive lesson NAME.")
    else:
        lines.append(f"Continue with: derive lesson {upcoming.name}   (or: derive lesson --continue)")
    return "\n".join(lines)


def next_lesson(lessons: list[Lesson], store: progress.Progress, default: bool) -> Lesson | None:
    """The last lesson played if unfinished, else the first one not done."""
    if store.last:
        for lesson in lessons:
            if _key(lesson, default) == store.last and not store.of(store.last).done:
                return lesson
    for lesson in lessons:
        if not store.lessons.get(_key(lesson, default), progress.LessonProgress()).done:
            return lesson
    return None


# ---------------------------------------------------------------------------------------------- screens
@dataclass
class Screen:
    item: Item
    part: int = 0  # which block of a derivation
    parts: int = 1
    derivation: object | None = None
    exercise: object | None = None


def build_screens(lesson: Lesson) -> list[Screen]:
    """Every screen of the lesson; derivations and exercises are derived (and verified) here, once."""
    screens: list[Screen] = []
    for item in lesson.items:
        try:
            screens += item_screens(item)
        except LessonError as exc:
            raise LessonError(f"{lesson_files.path_text(lesson.path)}: {exc}") from None
    return screens


def item_screens(item: Item) -> list[Screen]:
    """The screens of one item (a derivation has one per block). Raises LessonError (`item N: ...`)."""
    from derivtutor.lessons import derivation_for, prepare_exercise
    from derivtutor.render.backprop_terminal import built_blocks

    if item.kind == "text":
        return [Screen(item)]
    if item.kind == "derivation":
        d = derivation_for(item)  # any preset (derivation.Built) or the item's expression
        count = len(built_blocks(d, "normal"))
        return [Screen(item, i, count, derivation=d) for i in range(count)]
    return [Screen(item, exercise=prepare_exercise(item))]


class Player:
    def __init__(self, lesson: Lesson, screens: list[Screen], console: object, unicode: bool,
                 ask: Callable[[str], str] = input) -> None:
        self.lesson, self.screens, self.console, self.unicode, self.ask = lesson, screens, console, unicode, ask

    # -- printing ---------------------------------------------------------------------------------------------
    def say(self, text: str, style: str = "") -> None:
        from rich.text import Text

        self.console.print(Text(text, style=style))

    @staticmethod
    def _text(text: str, style: str = "") -> object:
        """Text from a lesson file or the keyboard as a rich Text: printed as written, never read as markup."""
        from rich.text import Text

        return Text(text, style=style)

    def blocks(self, built: object, detail: str = "normal") -> list:
        from derivtutor.render.backprop_terminal import built_blocks

        return built_blocks(built, detail, self.unicode)

    def show(self, index: int, piped: bool = False) -> None:
        from rich.markdown import Markdown
        from rich.rule import Rule

        screen = self.screens[index]
        item = screen.item
        self.console.print()
        self.console.print(Rule(self._text(f"{self.lesson.title}: {index + 1} of {len(self.screens)}"), style="dim"))
        if item.title and item.kind != "derivation":
            self.say(item.title, "bold magenta")
        if item.kind == "text":
            self.console.print(Markdown(item.text))
        elif item.kind == "derivation":
            if screen.part == 0 and item.text:
                self.console.print(Markdown(item.text))
            self.console.print(self.blocks(screen.derivation)[screen.part].renderable())
        else:
            self.say("Your turn: " + item.text, "bold")
            if piped:
                for level, hint in enumerate(item.hints, start=1):
                    self.say(f"  Hint {level}: {hint}", "yellow")
                self.say(f"  Answer: {screen.exercise.usual_text(self.unicode)}", "bold green")

    def _math(self, expr: object) -> str:
        from derivtutor.mathtext import math_text

        return math_text(expr, self.unicode)

    def show_full(self, index: int) -> None:
        screen = self.screens[index]
        if screen.derivation is not None:
            full = self.blocks(screen.derivation, "full")
            part = full[screen.part] if len(full) == screen.parts else None
            if part is None:
                for block in full:
                    self.console.print(block.renderable())
            else:
                self.console.print(part.renderable())
        elif screen.exercise is not None:
            self.say("The whole derivation:", "bold")
            for block in self.blocks(screen.exercise.derivation):
                self.console.print(block.renderable())
            if screen.exercise.values:
                at = ", ".join(f"{k} = {self._math(v)}" for k, v in screen.exercise.values.items())
                self.say(f"At {at}: {self._math(screen.exercise.answer)}", "bold green")
        else:
            self.say("This screen has no step to show in full.")

    # -- the loop -----------------------------------------------------------------------------------------------
    def run(self, start: int, store: progress.Progress, key: str) -> int:
        from derivtutor.lessons import echo

        state = store.of(key)
        state.screens = len(self.screens)
        store.last = key
        index = max(0, min(start, len(self.screens) - 1))
        hints_shown: dict[int, int] = {}
        workings: dict[int, object] = {}  # screen index -> its Working (judge.py), for working exercises
        shown = None
        while True:
            state.screen = index
            self._save(store)
            if shown != index:
                self.show(index)
                shown = index
            screen = self.screens[index]
            if screen.exercise is not None and screen.item.working:
                prompt = "Next line of your working (or a key: n, b, h, s, q): "
            elif screen.exercise is not None:
                prompt = "Your answer (or a key: n, b, h, s, q): "
            else:
                prompt = "[Enter] next, b back, h hint, s full step, q quit: "
            try:
                line = self.ask(prompt)
            except EOFError:
                line = "q"
            except KeyboardInterrupt:  # Ctrl-C: a word on its own line, progress kept, the usual exit code
                print()
                self._save(store)
                self.say(f"Stopped. Progress saved: derive lesson {self.lesson.name} carries on from here.")
                return EXIT_INTERRUPTED
            command = line.strip().lower()
            if command in ("", "n"):
                if index + 1 >= len(self.screens):
                    state.done = True
                    state.screen = 0
                    self._save(store)
                    self.say(f"End of the lesson '{self.lesson.title}'. Well done!", "bold green")
                    self.say("See every lesson with: derive lesson")
                    return EXIT_OK
                index += 1
            elif command == "b":
                if index == 0:
                    self.say("This is the first screen.")
                else:
                    index -= 1
                    shown = None
            elif command == "q":
                self._save(store)
                self.say(f"Progress saved. Come back with: derive lesson {self.lesson.name}  "
                         f"(or derive lesson --continue)")
                return EXIT_OK
            elif command == "h":
                self.hint(screen, hints_shown)
            elif command == "s":
                self.show_full(index)
            elif command == "?" or command == "help":
                self.say(KEYS)
            elif screen.exercise is not None and screen.item.working:
                if self.working_line(screen, line, workings):
                    if screen.item.number not in state.solved:
                        state.solved.append(screen.item.number)
                    self.say("Press Enter for the next screen (h still shows the hints).")
            elif screen.exercise is not None:
                self.say(f"You wrote: {echo(line)}", "dim")
                verdict = screen.exercise.check(line)
                style = {"right": "bold green", "wrong": "yellow"}.get(verdict.kind, "")
                self.say(verdict.message, style)
                if verdict.kind == "right" and screen.item.number not in state.solved:
                    state.solved.append(screen.item.number)
                if verdict.kind == "right":
                    self.say("Press Enter for the next screen (h still shows the hints).")
            else:
                self.say(f"Unknown key '{echo(line)}'. {KEYS}.")

    def working_line(self, screen: Screen, line: str, workings: dict[int, object]) -> bool:
        """Judge one line of a working with the same judge as `derive check`; True once the working is done."""
        from derivtutor.lessons import echo
        from derivtutor.teaching import CHECK_TEXT

        key = id(screen)
        if key not in workings:
            workings[key] = screen.exercise.working()
        working = workings[key]
        verdict = working.judge_line(line)
        mark = ("✓" if verdict.status == "right" else "✗") if self.unicode else \
            ("ok" if verdict.status == "right" else "X")
        self.say(f"{mark} {echo(line)}   {verdict.message}", "green" if verdict.status == "right" else "yellow")
        if verdict.status != "right":
            if verdict.hint:
                self.say(CHECK_TEXT["hint"].format(hint=verdict.hint), "yellow")
            return False
        if working.finished:
            self.say(CHECK_TEXT["working_done"], "bold green")
            return True
        return False

    def hint(self, screen: Screen, hints_shown: dict[int, int]) -> None:
        hints = screen.item.hints if screen.exercise is not None else ()
        if not hints:
            self.say("No hints on this screen; s shows the full step.")
            return
        level = min(hints_shown.get(screen.item.number, 0) + 1, len(hints))
        hints_shown[screen.item.number] = level
        for number in range(level):
            self.say(f"Hint {number + 1} of {len(hints)}: {hints[number]}", "yellow")
        if level == len(hints):
            self.say("That was the last hint.", "dim")

    def _save(self, store: progress.Progress) -> None:
        problem = progress.save(store)
        if problem and not getattr(self, "_warned", False):
            fail(problem)
            self._warned = True

    def print_through(self) -> int:
        for index in range(len(self.screens)):
            self.show(index, piped=True)
        return EXIT_OK


# ---------------------------------------------------------------------------------------------- the command
RESET_QUESTION = "Forget all saved progress? (y/n) "


def confirm_reset(yes: bool, ask: Callable[[str], str] = input) -> int | None:
    """--reset deletes every lesson's progress: ask first (or --yes); None means go ahead, else the exit code."""
    if yes:
        return None
    if not sys.stdin.isatty():
        return fail("--reset forgets all saved progress; with no terminal to ask, add --yes to confirm")
    try:
        answer = ask(RESET_QUESTION)
    except (EOFError, KeyboardInterrupt):
        answer = ""
    if answer.strip().lower() in ("y", "yes"):
        return None
    print("Nothing was deleted.")
    return EXIT_OK


def run_lesson_command(name: str | None, resume: bool = False, reset: bool = False,
                       directory: str | None = None, yes: bool = False) -> int:
    """What `derive lesson [NAME] [--continue] [--reset [--yes]] [--dir DIR]` does; returns the exit code."""
    if name is not None or resume:  # a lesson will be played: its screens are derivations
        import_sympy_without_collecting()
    default = directory is None
    try:
        lessons = lesson_files.load_all(Path(directory) if directory else None)
    except LessonError as exc:
        return fail(str(exc))
    if reset:
        refused = confirm_reset(yes)
        if refused is not None:
            return refused
        try:
            path = progress.reset()
        except progress.ProgressError as exc:
            return fail(str(exc))
        print(f"Progress cleared ({path}).")
        if name is None and not resume:
            return EXIT_OK
    store = progress.load()
    if store.warning:
        fail(store.warning)
    if name is None and not resume:
        print(list_lessons(lessons, store, default))
        return EXIT_OK
    if name is not None:
        try:
            lesson = lesson_files.find(lessons, name)
        except LessonError as exc:
            return fail(str(exc))
    else:
        lesson = next_lesson(lessons, store, default)
        if lesson is None:
            print(list_lessons(lessons, store, default))
            return EXIT_OK
    return play(lesson, store, default)


def play(lesson: Lesson, store: progress.Progress, default: bool) -> int:
    from derivtutor.render.terminal import make_console, supports_unicode

    console = make_console()
    try:
        screens = build_screens(lesson)
    except LessonError as exc:
        return fail(str(exc))
    player = Player(lesson, screens, console, supports_unicode(console.file))
    if not sys.stdin.isatty():
        return player.print_through()
    key = _key(lesson, default)
    state = store.of(key)
    start = 0 if state.done else state.screen
    if start:
        player.say(f"Welcome back: continuing '{lesson.title}' at screen {start + 1} of {len(screens)}.", "bold")
    else:
        player.say(f"Lesson: {lesson.title}. Keys: {KEYS}.", "bold")
    return player.run(start, store, key)
