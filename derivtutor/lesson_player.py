"""`derive lesson`: the list with progress, the one-screen-at-a-time player, and the piped printout.

Keys are read a line at a time (input()): the learner types a letter and Enter, or an answer and Enter. That
works on every terminal and in a pseudo-terminal under test. Listing imports no SymPy; playing does.
Derivations are shown as `derive TARGET` prints them (document.py through render/terminal.py): nothing is re-derived.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from derivtutor import lesson_files, progress
from derivtutor.lesson_files import Item, Lesson, LessonError, clean_text
from derivtutor.prompting import ask_typed, read_line, sure_to_skip
from derivtutor.startup import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, fail, import_sympy_without_collecting
from derivtutor.teaching import DOCUMENT_HEADINGS, PLAYER_TEXT

KEYS = PLAYER_TEXT["keys_read"]


def echo(text: str) -> str:
    """What the learner typed, safe to print back."""
    return clean_text(text.strip())


def _err(message: str) -> None:
    fail(message)


def _key(lesson: Lesson, default: bool) -> str:
    return lesson.name if default else str(lesson.path.resolve())


# ---------------------------------------------------------------------------------------------- listing
def list_lessons(lessons: list[Lesson], store: progress.Progress, default: bool) -> str:
    width = max(len(lesson.name) for lesson in lessons)
    twidth = max(len(lesson.title) for lesson in lessons)
    lines = ["Lessons (derive lesson NAME or NUMBER plays one):"]
    for number, lesson in enumerate(lessons, start=1):
        p = store.lessons.get(_key(lesson, default), progress.LessonProgress())
        state = p.state
        if state == "in progress" and p.screens:
            state += f" (screen {min(p.screen + 1, p.screens)} of {p.screens})"
        exercises = [item.number for item in lesson.exercises]
        if exercises:
            solved = len(set(p.solved) & set(exercises))
            tries = sum(p.attempts.get(n, 0) for n in exercises)
            state += f", {solved}/{len(exercises)} solved" + (f", {tries} attempt{'s' * (tries != 1)}" if tries else "")
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
MAX_WIDTH = 90  # paragraphs wider than this are hard to read, whatever the terminal


@dataclass
class Screen:
    """One item of the lesson. Its derivation or exercise is derived (and verified) when first needed, so the
    first screen shows before the lesson's later derivations are built."""

    item: Item
    lesson_path: Path | None = None
    _built: object | None = None

    def _build(self) -> object:
        if self._built is None:
            from derivtutor.lessons import derivation_for, prepare_exercise

            try:
                self._built = derivation_for(self.item) if self.item.kind == "derivation" \
                    else prepare_exercise(self.item)
            except LessonError as exc:
                if self.lesson_path is None:
                    raise
                raise LessonError(f"{lesson_files.path_text(self.lesson_path)}: {exc}") from None
        return self._built

    @property
    def derivation(self) -> object | None:
        return self._build() if self.item.kind == "derivation" else None

    @property
    def exercise(self) -> object | None:
        return self._build() if self.item.kind == "exercise" else None

    @property
    def is_exercise(self) -> bool:
        return self.item.kind == "exercise"


def build_screens(lesson: Lesson, eager: bool = False) -> list[Screen]:
    """One screen per item; with `eager`, every derivation and exercise is built (and checked) now."""
    screens = [Screen(item, lesson.path) for item in lesson.items]
    if eager:
        for screen in screens:
            if screen.item.kind != "text":
                screen._build()
    return screens


def item_screens(item: Item) -> list[Screen]:
    """The screens of one item, built (derived and verified) now. Raises LessonError (`item N: ...`)."""
    screen = Screen(item)
    if item.kind != "text":
        screen._build()
    return [screen]


class Player:
    def __init__(self, lesson: Lesson, screens: list[Screen], console: object, unicode: bool,
                 ask: Callable[[str], str] = input, page: bool = False) -> None:
        self.lesson, self.screens, self.console, self.unicode, self.ask = lesson, screens, console, unicode, ask
        self.page = page

    # -- printing ---------------------------------------------------------------------------------------------
    def say(self, text: str, style: str = "") -> None:
        from rich.text import Text

        self.console.print(Text(text, style=style))

    @staticmethod
    def _text(text: str, style: str = "") -> object:
        """Text from a lesson file or the keyboard as a rich Text: printed as written, never read as markup."""
        from rich.text import Text

        return Text(text, style=style)

    @staticmethod
    def _markdown(text: str) -> object:
        """A lesson's words as Markdown, with no hidden hyperlink: a link prints its address beside its words."""
        from rich.markdown import Markdown

        return Markdown(text, hyperlinks=False)

    def document(self, built: object, detail: str = "normal") -> object:
        """What `derive TARGET --detail DETAIL` prints for it, as one rich renderable for this console."""
        from derivtutor.document import build_document
        from derivtutor.render.terminal import renderable

        colour = self.console.is_terminal and not self.console.no_color
        return renderable(build_document(built, detail).blocks, self.unicode, colour)

    def _header(self, index: int) -> None:
        from rich.rule import Rule
        from rich.text import Text

        label = f"{self.lesson.title}: {index + 1} of {len(self.screens)}"
        if len(label) + 6 <= self.console.width:
            self.console.print(Rule(Text(label), style="dim"))
        else:  # a narrow terminal: the whole header, wrapped, never cut (the "15 of 15" matters most)
            self.console.print(Text(label, style="dim"))

    def _body(self, index: int, piped: bool) -> None:

        screen = self.screens[index]
        item = screen.item
        if item.title and item.kind != "derivation":
            self.say(item.title, "bold magenta")
        if item.kind == "text":
            self.console.print(self._markdown(item.text))
        elif item.kind == "derivation" and item.move:
            self.move_screen(screen)
        elif item.kind == "derivation":
            if item.text:
                self.console.print(self._markdown(item.text))
            self.console.print(self.document(screen.derivation))
        else:
            self.say("Your turn: " + item.text, "bold")
            if piped:
                for level, hint in enumerate(item.hints, start=1):
                    self.say(f"  Hint {level}: {hint}", "yellow")
                self.say(f"  Answer: {screen.exercise.usual_text(self.unicode)}", "bold green")

    def move_screen(self, screen: Screen) -> None:
        """A `show = "move N"` screen: one algebra move (document.algebra_move_blocks), the lesson's words about it,
        then the move in general (its formula in letters free on this screen) and why it may be done."""
        from rich.padding import Padding

        from derivtutor.console import ascii_words
        from derivtutor.document import Heading, MathRow, RuleCard, algebra_move_blocks

        item = screen.item
        words = (lambda text: text) if self.unicode else ascii_words
        blocks = algebra_move_blocks(screen.derivation, item.move, {name for name, _ in item.names})
        for block in blocks:
            if isinstance(block, Heading):
                self.say(words(item.title or block.text), "bold magenta")
        rows = [block for block in blocks if isinstance(block, MathRow)]
        for number, row in enumerate(rows):
            check = f"  {'✓' if self.unicode else 'ok'}" if row.checked else ""
            self.console.print(Padding(self._text(("= " if number else "  ") + row.rhs.spelt(self.unicode) + check,
                                                  "bold"), (0, 0, 0, 2)))
        if item.text:
            self.console.print()
            self.console.print(self._markdown(item.text))
        self.console.print()
        for card in (block for block in blocks if isinstance(block, RuleCard)):
            if card.formula:
                self.say(words(f"{DOCUMENT_HEADINGS['in_general']}: {card.formula}"), "cyan")
            self.say(words(card.why), "italic")

    def show(self, index: int, piped: bool = False) -> None:
        self.screens[index]._build() if self.screens[index].item.kind != "text" else None
        with self.console.capture() as captured:
            self.console.print()
            self._header(index)
            self._body(index, piped)
        self.pager(captured.get())

    def pager(self, text: str) -> None:
        """Print `text` a terminal-height page at a time (a long derivation never scrolls off unread)."""
        from derivtutor.prompting import page

        def write(chunk: str) -> None:
            self.console.file.write(chunk)
            self.console.file.flush()

        if not self.page:
            write(text)
            return
        page(text, height=self.console.height - 2, write=write, ask=self.ask, prompt=PLAYER_TEXT["prompt_more"])

    def _math(self, expr: object) -> str:
        from derivtutor.mathtext import math_text

        return math_text(expr, self.unicode)

    def show_full(self, index: int) -> None:
        screen = self.screens[index]
        with self.console.capture() as captured:
            if screen.derivation is not None:
                self.console.print(self.document(screen.derivation, "full"))
            elif screen.exercise is not None:
                self.say("The whole derivation:", "bold")
                self.console.print(self.document(screen.exercise.derivation))
                if screen.exercise.values:
                    at = ", ".join(f"{k} = {self._math(v)}" for k, v in screen.exercise.values.items())
                    self.say(f"At {at}: {self._math(screen.exercise.answer)}", "bold green")
            else:
                self.say(PLAYER_TEXT["no_full_step"])
        self.pager(captured.get())

    # -- the loop -----------------------------------------------------------------------------------------------
    def _prompt(self, screen: Screen) -> str:
        if screen.is_exercise:
            return PLAYER_TEXT["prompt_working" if screen.item.working else "prompt_answer"]
        return PLAYER_TEXT["prompt_read"]

    def run(self, start: int, store: progress.Progress, key: str, after_first: Callable[[], None] | None = None
            ) -> int:
        state = store.of(key)
        state.screens = len(self.screens)
        state.exercises = sum(1 for s in self.screens if s.is_exercise)
        store.last = key
        index = max(0, min(start, len(self.screens) - 1))
        self.hints_shown: dict[int, int] = {}
        self.misses: dict[int, int] = {}
        self.workings: dict[int, object] = {}
        answered: set[int] = set()  # exercises answered right on this visit (solved or not)
        shown = None
        while True:
            state.screen = index
            self._save(store)
            if shown != index:
                self.show(index)
                shown = index
                if after_first is not None:
                    try:
                        after_first()
                    except KeyboardInterrupt:
                        return self._interrupted(store)
                    after_first = None
            screen = self.screens[index]
            number = screen.item.number
            try:
                typed = ask_typed(self.ask, self._prompt(screen), answering=screen.is_exercise)
            except KeyboardInterrupt:
                return self._interrupted(store)
            kind = typed.kind
            if kind == "empty" and screen.is_exercise and number not in state.solved and number not in answered:
                if not self._confirm_skip():
                    continue
                kind = "next"
            if kind in ("empty", "next"):
                if index + 1 >= len(self.screens):
                    return self._finish(store, state)
                index += 1
            elif kind == "back":
                if index == 0:
                    self.say(PLAYER_TEXT["first_screen"])
                else:
                    index -= 1
                    shown = None
            elif kind == "quit":
                self._save(store)
                self.say(PLAYER_TEXT["quit"].format(name=self.lesson.name))
                return EXIT_OK
            elif kind == "hint":
                self.hint(screen, state)
            elif kind == "show":
                if screen.is_exercise and number not in state.solved and number not in state.revealed:
                    state.revealed.append(number)
                    self.show_full(index)
                    self.say(PLAYER_TEXT["shown_no_credit"], "yellow")
                else:
                    self.show_full(index)
            elif kind == "practice" and screen.is_exercise:
                self.fresh(screen, store, state)
            elif kind == "help":
                self.say(PLAYER_TEXT["keys_answer" if screen.is_exercise else "keys_read"])
            elif kind == "answer" and screen.item.working:
                if self.working_line(screen, typed.text):
                    answered.add(number)
                    if number not in state.revealed and number not in state.solved:
                        state.solved.append(number)
                    self.say(PLAYER_TEXT["right_next"])
            elif kind == "answer":
                if self.answer(screen, typed.text, state):
                    answered.add(number)
            elif screen.is_exercise:
                self.say(PLAYER_TEXT["unknown_command"].format(text=echo(typed.text), keys=PLAYER_TEXT["keys_answer"]))
            else:
                self.say(PLAYER_TEXT["unknown_key"].format(text=echo(typed.text), keys=PLAYER_TEXT["keys_read"]))

    def _interrupted(self, store: progress.Progress) -> int:
        """Ctrl-C: a word on its own line, progress kept, the usual exit code."""
        self.console.file.write("\n")
        self._save(store)
        self.say(PLAYER_TEXT["interrupted"].format(name=self.lesson.name))
        return EXIT_INTERRUPTED

    def _confirm_skip(self) -> bool:
        return sure_to_skip(self.ask, self.say, PLAYER_TEXT["skip_question"], PLAYER_TEXT["skipped"],
                            PLAYER_TEXT["not_skipped"])

    def _finish(self, store: progress.Progress, state: progress.LessonProgress) -> int:
        exercises = [s.item.number for s in self.screens if s.is_exercise]
        unsolved = [n for n in exercises if n not in state.solved]
        if unsolved:
            state.done = False
            state.screen = next(i for i, s in enumerate(self.screens) if s.item.number == unsolved[0])
            self._save(store)
            self.say(PLAYER_TEXT["lesson_end_unsolved"].format(
                title=self.lesson.title, solved=len(exercises) - len(unsolved), total=len(exercises),
                name=self.lesson.name), "bold yellow")
        else:
            state.done = True
            state.screen = 0
            self._save(store)
            self.say(PLAYER_TEXT["lesson_done"].format(title=self.lesson.title, total=len(exercises)), "bold green")
        self.say(PLAYER_TEXT["see_all"])
        return EXIT_OK

    def answer(self, screen: Screen, text: str, state: progress.LessonProgress) -> bool:
        """Judge one answer; True when it is right (solved only if the answer was not shown first)."""
        number = screen.item.number
        self.say(f"You wrote: {echo(text)}", "dim")
        verdict = screen.exercise.check(text)
        style = {"right": "bold green", "wrong": "yellow"}.get(verdict.kind, "")
        self.say(verdict.message, style)
        if verdict.kind in ("unreadable", "number"):
            return False
        state.attempts[number] = state.attempts.get(number, 0) + 1
        if verdict.kind != "right":
            self.misses[number] = self.misses.get(number, 0) + 1
            if verdict.kind == "wrong" and self.misses[number] == 2 and self.pieces(screen):
                return False
            self.say(PLAYER_TEXT["after_wrong"], "dim")
            return False
        if number in state.revealed and number not in state.solved:
            self.say(PLAYER_TEXT["right_after_show"], "yellow")
        elif number not in state.solved:
            state.solved.append(number)
        self.say(PLAYER_TEXT["right_next"])
        return True

    def pieces(self, screen: Screen) -> bool:
        """Remediation after two misses on a chain-rule exercise: outer function, its slope, the inner slope."""
        from derivtutor.practice import chain_pieces

        pieces = chain_pieces(screen.exercise.derivation)
        if pieces is None:
            return False
        self.say(PLAYER_TEXT["piece_intro"].format(expr=self._math(screen.exercise.derivation.expr)), "bold")
        for question, expected, check in pieces.questions(self.unicode):
            try:
                line = self.ask(question + " ")
            except EOFError:
                return True
            if read_line(line, answering=True).kind != "answer":
                return True
            right = check(line)
            self.say(PLAYER_TEXT["piece_right"] if right else PLAYER_TEXT["piece_wrong"].format(answer=expected),
                     "green" if right else "yellow")
        self.say(pieces.together(self.unicode))
        return True

    def fresh(self, screen: Screen, store: progress.Progress, state: progress.LessonProgress) -> None:
        """A fresh generated exercise of the same kind; solving it unaided counts the lesson's exercise as solved."""
        from derivtutor.practice import focus_of, run_one, skill_of

        needs = screen.exercise.derivation
        skill = skill_of(needs)
        self.say(PLAYER_TEXT["fresh_intro"].format(skill=skill), "bold")
        if run_one(skill, self, store, focus=focus_of(needs)) and screen.item.number not in state.solved:
            state.solved.append(screen.item.number)
            self.say(PLAYER_TEXT["fresh_solved_counts"].format(number=screen.item.number), "bold green")

    def working_line(self, screen: Screen, line: str) -> bool:
        """Judge one line of a working with the same judge as `derive check`; True once the working is done."""
        from derivtutor.teaching import CHECK_TEXT

        key = id(screen)
        if key not in self.workings:
            self.workings[key] = screen.exercise.working()
        working = self.workings[key]
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

    def hint(self, screen: Screen, state: progress.LessonProgress) -> None:
        hints = screen.item.hints if screen.is_exercise else ()
        if not hints:
            self.say(PLAYER_TEXT["no_hints"])
            return
        number = screen.item.number
        level = min(self.hints_shown.get(number, 0) + 1, len(hints))
        self.hints_shown[number] = level
        for shown in range(level):
            self.say(f"Hint {shown + 1} of {len(hints)}: {hints[shown]}", "yellow")
        if level == len(hints):
            self.say(PLAYER_TEXT["last_hint"], "dim")
            if len(hints) > 1 and number not in state.solved and number not in state.revealed:
                state.revealed.append(number)  # the last rung of the ladder is the full step
                self.say(PLAYER_TEXT["last_hint_reveals"], "yellow")

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
            lesson = lessons[int(name) - 1] if name.isdigit() and 1 <= int(name) <= len(lessons) \
                else lesson_files.find(lessons, name)
        except LessonError as exc:
            return fail(str(exc))
    else:
        lesson = next_lesson(lessons, store, default)
        if lesson is None:
            print(list_lessons(lessons, store, default))
            return EXIT_OK
    return play(lesson, store, default)


def _console() -> tuple[object, bool]:
    """A rich console for the player, from the one output decision (console.output_style); no SymPy needed."""
    from rich.console import Console

    from derivtutor.console import output_style

    style = output_style(sys.stdout)
    console = Console(file=sys.stdout, highlight=False, no_color=not style.color, force_terminal=style.color or None,
                      color_system="auto" if style.color else None, emoji=False, soft_wrap=False)
    console.width = min(console.width, MAX_WIDTH)
    return console, style.unicode


def _load_sympy_meanwhile() -> None:
    """Import SymPy once the first screen (a text screen) is on the terminal, while the learner reads it.

    In the main thread: a background import left Ctrl-C at the prompt unanswered now and then (the signal went to
    the importing thread and input() never woke).
    """

    import_sympy_without_collecting()


def play(lesson: Lesson, store: progress.Progress, default: bool) -> int:

    console, unicode = _console()
    interactive = sys.stdin.isatty()
    try:
        screens = build_screens(lesson)
        player = Player(lesson, screens, console, unicode, page=interactive)
        if not interactive:
            import_sympy_without_collecting()
            player.screens = build_screens(lesson, eager=True)
            return player.print_through()
        key = _key(lesson, default)
        state = store.of(key)
        start = 0 if state.done else min(state.screen, len(screens) - 1)
        if screens[start].item.kind != "text":
            import_sympy_without_collecting()
        if start:
            player.say(PLAYER_TEXT["welcome_back"].format(title=lesson.title, screen=start + 1,
                                                          screens=len(screens)), "bold")
        else:
            player.say(PLAYER_TEXT["welcome"].format(title=lesson.title, keys=KEYS), "bold")
        return player.run(start, store, key, after_first=_load_sympy_meanwhile)
    except LessonError as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
