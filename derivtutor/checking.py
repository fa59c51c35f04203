"""`derive check`: judge the learner's own answer or working (judge.py) and print the verdict, or write it as JSON.

    derive check TARGET ANSWER            one answer: right (and in which form) or wrong (and which slip)
    derive check TARGET --work FILE|-     a working, one line each, stopped at the first wrong line
    derive check TARGET                   the same, typed one line at a time (readline editing and history)
    derive check TARGET --answers CSV     a class's answers (student,answer per row), with --json FILE|-

Exit codes (startup.py): 0 right, 3 wrong (or not shown to be right in time), 2 bad input.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable

from derivtutor.startup import EXIT_BAD_INPUT, EXIT_OK, EXIT_WRONG, fail, say, visible

MAX_WORK_BYTES = 64 * 1024
"""A working file (or standard input) larger than this is refused."""
MAX_ANSWERS_BYTES = 4 * 1024 * 1024
MAX_ANSWERS_ROWS = 5000
MAX_ANSWER_CHARS = 2000
CHECK_OPTIONS = frozenset({"--wrt", "--work", "--json", "--answers", "--help", "-h"})
VALUE_OPTIONS = frozenset({"--wrt", "--work", "--json", "--answers"})
COMMANDS = {":s": "show a correct next line", ":h": "a hint", ":q": "quit", ":?": "these commands"}


def protect_maths(args: list[str]) -> list[str]:
    """`derive check sigmoid "-1/(1+e^(-x))^2"`: a maths argument that starts with '-' is not an option.

    Options keep their place; the positional arguments go after `--`, so click never reads `-1/...` as `-1`.
    """
    options: list[str] = []
    positional: list[str] = []
    rest = list(args)
    while rest:
        word = rest.pop(0)
        if word == "--":
            positional += rest
            break
        name = word.split("=", 1)[0]
        if name in CHECK_OPTIONS:
            options.append(word)
            if name in VALUE_OPTIONS and "=" not in word and rest:
                options.append(rest.pop(0))
        else:
            positional.append(word)
    return [*options, "--", *positional] if positional else options


# -- building the target ---------------------------------------------------------------------------------------------
def build_target(target: str, wrt: str | None) -> object:
    """judge.Target for what `derive TARGET` would derive, or an exit code after one `derive: ...` line."""
    from derivtutor.judge import CannotJudge, target_for
    from derivtutor.run import build_or_fail

    return build_or_fail(target, wrt, then=lambda built: target_for(built, target),
                         refusals=(TypeError, CannotJudge), what="the target: ")


# -- printing -------------------------------------------------------------------------------------------------------
class Printer:
    """Lines with ✓/✗ in colour on a terminal, plain when piped, ASCII where the encoding cannot show Unicode."""

    def __init__(self) -> None:
        from derivtutor.console import output_style

        self.style = output_style()

    def line(self, text: str, style: str = "") -> None:
        text = visible(text) if "\n" not in text else text
        if not self.style.unicode:
            from derivtutor.console import ascii_words

            text = ascii_words(text)
        if sys.stdout.isatty() and len(text) > self.style.width:  # a terminal: wrap at words, keep the indent
            import textwrap

            indent = " " * (len(text) - len(text.lstrip()) + 2)
            text = textwrap.fill(text, self.style.width, subsequent_indent=indent, break_long_words=False,
                                 break_on_hyphens=False)
        if self.style.color and style:
            from rich.console import Console
            from rich.text import Text

            Console(highlight=False, emoji=False, soft_wrap=True).print(Text(text, style=style))
        else:
            say(text)

    def math(self, expr: object) -> str:
        from derivtutor.mathtext import math_text

        return math_text(expr, self.style.unicode)

    def mark(self, status: str) -> str:
        if status == "right":
            return "✓" if self.style.unicode else "ok"
        if status == "not judged":
            return "·" if self.style.unicode else "-"
        return "✗" if self.style.unicode else "X"

    def verdict(self, verdict: object) -> None:
        from derivtutor.teaching import CHECK_TEXT

        style = {"right": "bold green", "wrong": "bold yellow"}.get(verdict.status, "")
        self.line(f"{self.mark(verdict.status)} {verdict.message}", style)
        if verdict.link:
            width = max(len(m) for m, _ in verdict.link)
            for number, (maths, why) in enumerate(verdict.link):
                self.line(f"  {'  ' if number == 0 else '= '}{maths.ljust(width)}   {why}")
        if verdict.status == "wrong" and verdict.hint:
            self.line("  " + CHECK_TEXT["hint"].format(hint=verdict.hint), "yellow")

    def working_line(self, v: object) -> None:
        from derivtutor.teaching import CHECK_TEXT

        style = {"right": "green", "wrong": "bold yellow", "not judged": "dim"}.get(v.status, "")
        label = f" ({v.rule})" if v.rule and v.status == "right" and v.kind in ("differentiate", "layer derivative") \
            else ""
        self.line(f"{self.mark(v.status)} {v.number}. {v.text.strip()}{label}", style)
        if v.status not in ("right", "not judged"):
            self.line(f"     {v.message}", "yellow")
            if v.hint:
                self.line("     " + CHECK_TEXT["hint"].format(hint=v.hint), "yellow")


def _write_json(path: str, data: dict, code: int) -> int | None:
    """Write the verdicts as JSON; the exit code when nothing more is to be printed (a failed write, or the
    JSON went to standard output), else None."""
    from derivtutor.export import ExportError, write_text

    try:
        write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    except ExportError as exc:
        return fail(str(exc))
    return code if path == "-" else None


# -- one answer -----------------------------------------------------------------------------------------------------
def check_answer(target: object, text: str, json_path: str | None) -> int:
    from derivtutor.judge import judge_answer, read_answer
    from derivtutor.parsing import ParseError

    if len(text) > MAX_ANSWER_CHARS:
        return fail(f"the answer is longer than {MAX_ANSWER_CHARS} characters")
    try:
        answer = read_answer(target, text)
    except ParseError as exc:
        return fail(f"the answer: {exc.one_line()}")
    verdict = judge_answer(target, answer)
    code = {True: EXIT_OK, False: EXIT_WRONG, None: EXIT_WRONG}[verdict.right]
    if json_path is not None:
        from derivtutor.mathtext import math_text

        try:
            read_as = math_text(answer, unicode=False)
        except RecursionError:
            read_as = None
        data = {"target": target.label, "wrt": target.var.name, "answer": text, "read_as": read_as,
                **verdict.as_data()}
        done = _write_json(json_path, data, code)
        if done is not None:
            return done
    printer = Printer()
    try:
        read_as = printer.math(answer)
    except RecursionError:
        read_as = text
    printer.line(f"Your answer, read as: {read_as}", "dim")
    printer.verdict(verdict)
    return code


# -- a working ------------------------------------------------------------------------------------------------------
def _read_source(path: str, limit: int, what: str) -> str | int:
    try:
        if path == "-":
            raw = sys.stdin.buffer.read(limit + 1) if hasattr(sys.stdin, "buffer") else sys.stdin.read(limit + 1)
        else:
            with open(path, "rb") as handle:
                raw = handle.read(limit + 1)
    except OSError as exc:
        return fail(f"cannot read {what} {path}: {exc.strerror or exc}")
    if len(raw) > limit:
        return fail(f"{what} is larger than {limit // 1024} KiB")
    if isinstance(raw, bytes):
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return fail(f"{what} is not UTF-8 text")
    return raw


def working_lines(text: str) -> list[str]:
    """The lines of a working: blank lines and # comments are left out."""
    return [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def check_working(target: object, path: str, json_path: str | None) -> int:
    from derivtutor.judge import LineError, judge_working

    text = _read_source(path, MAX_WORK_BYTES, "the working")
    if isinstance(text, int):
        return text
    lines = working_lines(text)
    if not lines:
        return fail("the working is empty: write one line per step, starting with d/dx [...] or the expression")
    try:
        verdicts = judge_working(target, lines)
    except LineError as exc:
        return fail(str(exc))
    statuses = [v.status for v in verdicts]
    if "unreadable" in statuses:
        code = EXIT_BAD_INPUT
    elif all(s == "right" for s in statuses):
        code = EXIT_OK
    else:
        code = EXIT_WRONG
    if json_path is not None:
        status = "right" if code == EXIT_OK else next(s for s in statuses if s != "right")
        data = {"target": target.label, "wrt": target.var.name, "status": status,
                "lines": [v.as_data() for v in verdicts]}
        done = _write_json(json_path, data, code)
        if done is not None:
            return done
    printer = Printer()
    for v in verdicts:
        printer.working_line(v)
    if code == EXIT_OK:
        from derivtutor.judge import working_for
        from derivtutor.teaching import CHECK_TEXT

        done = _replay(working_for(target), lines).finished
        printer.line(CHECK_TEXT["working_done" if done else "working_unfinished"], "bold green" if done else "")
    return code


def _replay(working: object, lines: list[str]) -> object:
    for line in lines:
        working.judge_line(line)
    return working


# -- a class's answers ----------------------------------------------------------------------------------------------
def check_answers(target: object, path: str, json_path: str | None) -> int:
    from derivtutor.judge import verdict_for_text

    text = _read_source(path, MAX_ANSWERS_BYTES, "the answers file")
    if isinstance(text, int):
        return text
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        return fail(f"the answers file is not CSV: {exc}")
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if rows and [c.strip().lower() for c in rows[0][:2]] in (["student", "answer"], ["name", "answer"]):
        rows = rows[1:]
    if len(rows) > MAX_ANSWERS_ROWS:
        return fail(f"the answers file has more than {MAX_ANSWERS_ROWS} rows")
    results = []
    for number, row in enumerate(rows, start=1):
        if len(row) != 2:
            return fail(f"the answers file, row {number}: expected two columns, student,answer "
                        f"(quote an answer that has a comma)")
        student, answer = row[0].strip(), row[1].strip()
        if len(answer) > MAX_ANSWER_CHARS:
            verdict_data = {"status": "unreadable", "slip": None, "message": "the answer is too long"}
        else:
            verdict_data = verdict_for_text(target, answer).as_data()
        results.append({"student": student, "answer": answer, **verdict_data})
    if json_path is not None:
        done = _write_json(json_path, {"target": target.label, "wrt": target.var.name, "students": results}, EXIT_OK)
        if done is not None:
            return done
    from derivtutor.teaching import SLIPS

    printer = Printer()
    for r in results:
        slip = f"   ({SLIPS[r['slip']].name})" if r["slip"] else ""
        printer.line(f"{printer.mark(r['status'])} {r['student']}: {r['answer']}{slip}")
    return EXIT_OK


# -- interactive ----------------------------------------------------------------------------------------------------
def interactive(target: object, ask: Callable[[str], str] | None = None) -> int:
    """One line at a time; commands start with ':' so no answer can be taken for one."""
    from derivtutor.judge import LineError, working_for
    from derivtutor.teaching import CHECK_TEXT

    if ask is None:
        try:
            import readline  # noqa: F401 - line editing and history for input()
        except ImportError:  # pragma: no cover - not on every platform
            pass
        ask = input
    printer = Printer()
    try:
        working = working_for(target)
    except LineError as exc:
        return fail(str(exc))
    what = f"d/d{target.var.name} [{printer.math(working.function)}]"
    if target.chain is not None:
        intro = CHECK_TEXT["interactive_intro_chain"].format(what=what, factors=working.factor_names(),
                                                             top=working.top, var=target.var.name)
    else:
        intro = CHECK_TEXT["interactive_intro"].format(what=what, var=target.var.name)
    printer.line(intro, "bold")
    last = None
    while True:
        try:
            line = ask(f"{working.count + 1}> ")
        except EOFError:
            line = ":q"
        command = line.strip().lower()
        if command == ":q":
            if last is not None and last.status == "wrong":
                return EXIT_WRONG
            return EXIT_OK
        if command == ":s":
            printer.line(CHECK_TEXT["next_line"].format(line=working.next_line()))
            continue
        if command == ":h":
            hint = last.hint if last is not None and last.status != "right" and last.hint else working.hint()
            printer.line(CHECK_TEXT["hint"].format(hint=hint), "yellow")
            continue
        if command in (":?", ":help") or (command.startswith(":") and command not in COMMANDS):
            printer.line("  ".join(f"{k} {v}" for k, v in COMMANDS.items()))
            continue
        if not command:
            continue
        last = working.judge_line(line)
        printer.working_line(last)
        if last.status == "right" and working.finished:
            printer.line(CHECK_TEXT["working_done"] + " (:q quits)", "bold green")


# -- the command ----------------------------------------------------------------------------------------------------
def run_check(target_text: str, answer: str | None = None, wrt: str | None = None, work: str | None = None,
              json_path: str | None = None, answers: str | None = None) -> int:
    """What `derive check` does; returns the exit code."""
    given = [name for name, value in (("ANSWER", answer), ("--work", work), ("--answers", answers))
             if value is not None]
    if len(given) > 1:
        return fail(f"give only one of {' / '.join(given)}")
    if json_path is not None and not given and sys.stdin.isatty():
        return fail("--json needs an ANSWER, --work FILE or --answers FILE (it cannot record a typed session)")
    from derivtutor.startup import import_sympy_without_collecting

    import_sympy_without_collecting()
    target = build_target(target_text, wrt)
    if isinstance(target, int):
        return target
    if answer is not None:
        return check_answer(target, answer, json_path)
    if answers is not None:
        return check_answers(target, answers, json_path)
    if work is not None or not sys.stdin.isatty():
        return check_working(target, work or "-", json_path)
    return interactive(target)
