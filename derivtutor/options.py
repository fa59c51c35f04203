"""The command line's one option list, read by both doors: typer's app (cli.py) and the fast path (entry.py).

A row says an option's name, whether it takes a value, its metavar and its help; cli.py turns each row into a
typer.Option and entry.py parses argv with the same rows, so the two can never disagree on what `derive TARGET`
accepts. Also the two answers both doors give (--version, --list). Imports nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass

from derivtutor import __version__
from derivtutor.startup import say

DETAILS = ("brief", "normal", "full")
"""The --detail levels."""


@dataclass(frozen=True)
class Option:
    name: str
    help: str
    takes_value: bool = True
    metavar: str | None = None  # None: typer's default (TEXT, or the choices)
    fast: bool = True  # entry.py's fast path handles it; False: the command line goes to typer


DERIVE_OPTIONS: dict[str, Option] = {o.name: o for o in (
    Option("--wrt", "The variable to differentiate with respect to."),
    Option("--detail", "brief skips the trivial steps; full shows every one."),
    Option("--latex", "Write a LaTeX document ('-': standard output).", metavar="FILE"),
    Option("--fragment", "With --latex: the body without the preamble, to \\input into a document.", takes_value=False),
    Option("--markdown", "Write Markdown with $...$ maths ('-': stdout).", metavar="FILE"),
    Option("--json", "Write the derivation as JSON data ('-': stdout).", metavar="FILE"),
    Option("--plot", "Plot f and f': FILE.svg, FILE.png (needs matplotlib), or '-' / 'text' for a text plot here.",
           metavar="FILE"),
    Option("--html", "Write one self-contained HTML page, maths as MathML ('-': stdout).", metavar="FILE"),
    Option("--step", "Step through it: predict each step before it is shown (--step=layers: only the layers and "
           "the final product).", metavar="[=layers]", fast=False),
    Option("--save", "With --step: also write the steps as a lesson file NAME.toml.", metavar="NAME", fast=False),
)}
"""Options of `derive TARGET` (typer's `expr` command), in the order --help lists them."""


def print_version() -> None:
    say(f"derivtutor {__version__}")


def print_presets() -> None:
    from derivtutor.preset_index import PRESET_SUMMARIES

    width = max(len(name) for name in PRESET_SUMMARIES)
    for name, summary in PRESET_SUMMARIES.items():
        say(f"{name.ljust(width)}  {summary}")
