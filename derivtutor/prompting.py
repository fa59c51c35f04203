"""What a typed line means: an answer, or a command (hint, back, show, quit...). Shared by lessons and practice.

At an exercise the learner types maths, and `b`, `h`, `s` are names he uses (a bias, a hidden unit, his σ), so
there a command needs a prefix no answer starts with (`:h`, `:b`, `:s`, `:q`, `:n`, `:p` a fresh exercise, or `?`
for a hint) and everything else is an answer. On a text screen nothing is an answer, so the plain keys work too
(Enter, n, b, h, s, q). Imports nothing heavy: `derive TARGET --step` can use it before SymPy loads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

COMMANDS = {"h": "hint", "b": "back", "s": "show", "q": "quit", "n": "next", "p": "practice"}
"""The command keys; at an exercise they are typed after a colon (:h)."""
PREFIX = ":"


@dataclass(frozen=True)
class Typed:
    """One line the learner typed: `kind` is "answer", "empty", "unknown" or a value of COMMANDS."""

    kind: str
    text: str = ""


def read_line(line: str, answering: bool) -> Typed:
    """What `line` means where the learner is: at an exercise (`answering`) or on a screen to read."""
    text = line.strip()
    if not text:
        return Typed("empty")
    if text == "?":
        return Typed("hint")
    if text.startswith(PREFIX):
        return _command(text[len(PREFIX):].strip().lower(), text)
    if answering:
        return Typed("answer", text)
    return _command(text.lower(), text)


def ask_typed(ask: Callable[[str], str], prompt: str, answering: bool) -> Typed:
    """Ask for one line and say what it means; end of input (Ctrl-D, a closed pipe) means quit."""
    try:
        line = ask(prompt)
    except EOFError:
        line = f"{PREFIX}q"
    return read_line(line, answering)


def _command(word: str, text: str) -> Typed:
    if word in ("?", "help"):
        return Typed("help")
    if word in COMMANDS:
        return Typed(COMMANDS[word])
    if word in COMMANDS.values():
        return Typed(word)
    return Typed("unknown", text)


def yes(line: str) -> bool:
    """A yes to a (y/n) question."""
    return line.strip().lower() in ("y", "yes")


def sure_to_skip(ask: Callable[[str], str], say: Callable[[str, str], None], question: str, skipped: str,
                 not_skipped: str) -> bool:
    """Ask before skipping on an empty Enter (a slip of the finger, or a skip?); the end of the input is a yes."""
    try:
        sure = yes(ask(question))
    except EOFError:
        sure = True
    say(skipped if sure else not_skipped, "dim")
    return sure


def page(text: str, *, height: int, write: Callable[[str], None], ask: Callable[[str], str], prompt: str) -> None:
    """Write `text` a page of `height` lines at a time, asking between pages (`q` skips the rest), so a long
    derivation never scrolls off unread. A page ends at a blank line (between blocks) when one is near its end."""
    lines = text.splitlines()
    height = max(6, height)
    if len(lines) <= height:
        write(text)
        return
    while lines:
        cut = height
        if len(lines) > height:
            blank = [i for i in range(height // 2, height) if not lines[i].strip()]
            cut = blank[-1] + 1 if blank else height
        shown, lines = lines[:cut], lines[cut:]
        write("\n".join(shown) + "\n")
        if lines:
            try:
                if ask(prompt).strip().lower() == "q":
                    return
            except EOFError:
                return
