"""The `derive` script's entry point: answer the everyday command lines before typer is even imported.

typer (with pydantic behind it) costs a third of SymPy's import on every run. `derive --version`, `--list`,
`derive lesson` and `derive TARGET [--wrt X] [--detail D] [--latex F] [--fragment] [--markdown F] [--json F]
[--plot F]` are handled here directly; every other command line (help, subcommands, mistakes) goes to the
typer app in cli.py, which gives the usual messages. This module imports nothing heavy.
"""

from __future__ import annotations

import os
import sys

from derivtutor.options import DERIVE_OPTIONS, DETAILS, print_presets, print_version
from derivtutor.startup import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, fail

SUBCOMMANDS = ("expr", "lesson", "network", "graph", "check")  # cli.py's commands; a test keeps the two in step


def list_lessons() -> int:
    from derivtutor.lesson_player import run_lesson_command

    return run_lesson_command(None)


FAST_COMMANDS = {
    ("--version",): print_version,
    ("-V",): print_version,
    ("--list",): print_presets,
    ("lesson",): list_lessons,
}


def fast_derivation(argv: list[str]) -> int | None:
    """`derive TARGET [--wrt NAME] [--detail LEVEL] [exports]` run directly; None hands the command line to typer.

    Anything unusual (an unknown or repeated option, a missing value, --fragment without --latex) goes to typer,
    which gives its usual message.
    """
    if not argv or argv[0].startswith("-") or argv[0] in SUBCOMMANDS:
        return None
    options: dict[str, str | bool] = {}
    rest = argv[1:]
    while rest:
        name, eq, value = rest[0].partition("=")
        option = DERIVE_OPTIONS.get(name)
        if name in options or option is None or not option.fast:
            return None
        if not option.takes_value:
            if eq:
                return None
            options[name] = True
            rest = rest[1:]
            continue
        if not eq:
            if len(rest) < 2 or rest[1].startswith("--"):
                return None
            value, rest = rest[1], rest[1:]
        options[name] = value
        rest = rest[1:]
    detail = options.pop("--detail", "normal")
    wrt = options.pop("--wrt", None)
    if detail not in DETAILS or ("--fragment" in options and "--latex" not in options):
        return None
    exports = None
    if options:
        from derivtutor.export import Exports

        exports = Exports(latex=options.get("--latex"), fragment="--fragment" in options,
                          markdown=options.get("--markdown"), json=options.get("--json"), plot=options.get("--plot"),
                          detail=detail, html=options.get("--html"))
    from derivtutor.run import run_derivation

    return run_derivation(argv[0], wrt=wrt, detail=detail, exports=exports)


GLOBAL_FLAGS = {"--ascii": {"ascii": True}, "--no-color": {"color": False}}
"""Understood anywhere on the command line (before a `--`), by every command: they choose the output style."""


def take_global_flags(argv: list[str]) -> list[str]:
    """Apply --ascii / --no-color (console.choose) and return the command line without them."""
    from derivtutor import console

    rest: list[str] = []
    for number, word in enumerate(argv):
        if word == "--":
            rest += argv[number:]
            break
        if word in GLOBAL_FLAGS:
            console.choose(**GLOBAL_FLAGS[word])
        else:
            rest.append(word)
    return rest


def completing() -> bool:
    """The shell is asking typer for completions (_DERIVE_COMPLETE=...), or --install/--show-completion."""
    return any(key.startswith("_") and key.endswith("_COMPLETE") for key in os.environ) or any(
        word in ("--install-completion", "--show-completion") for word in sys.argv[1:])


def quiet_broken_pipe() -> None:
    """Point standard output at /dev/null, so Python's last flush at exit cannot complain about the pipe."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - no real file descriptor
        pass


def run_typer(argv: list[str]) -> int:
    """The typer app for every other command line; its usage errors become one `derive: ...` line, exit 2."""
    import typer

    from derivtutor.cli import app
    from derivtutor.startup import fail

    try:
        code = app(args=argv, prog_name="derive", standalone_mode=False)
    except typer.Abort:
        return 130
    except Exception as exc:
        # click's UsageError / ClickException (typer may carry its own copy of click: recognised by shape)
        if not (hasattr(exc, "format_message") and hasattr(exc, "exit_code")):
            raise
        context = getattr(exc, "ctx", None)
        command = context.command_path if context is not None else "derive"
        return fail(f"{exc.format_message()} (see {command} --help)", EXIT_BAD_INPUT)
    return code if isinstance(code, int) else EXIT_OK


def main() -> None:
    """Entry point of the `derive` script: one line and an exit code for every failure, never a traceback."""
    debug = bool(os.environ.get("DERIVTUTOR_DEBUG"))
    try:
        if completing():  # typer's own completion machinery: not the fast path
            from derivtutor.cli import app

            app(standalone_mode=True)
            return
        from derivtutor.console import prepare_streams

        sys.argv[1:] = take_global_flags(sys.argv[1:])
        prepare_streams()
        code = run_command_line(sys.argv[1:])
        sys.stdout.flush()  # a closed pipe shows here, inside the try
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:  # `derive sigmoid | head`: the reader has what it wanted; end quietly
        quiet_broken_pipe()
        sys.exit(EXIT_OK)
    except SystemExit as done:
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":  # click's own broken-pipe exit (1): same as above
            quiet_broken_pipe()
            sys.exit(EXIT_OK)
        raise done from None
    except Exception as exc:  # the last line of defence
        if debug:
            raise
        sys.exit(fail(f"internal error: {type(exc).__name__}: {exc} (set DERIVTUTOR_DEBUG=1 for details)",
                      EXIT_INTERNAL))
    sys.exit(code)


def run_command_line(argv: list[str]) -> int:
    """The fast path when it applies, else the typer app; the exit code."""
    fast = FAST_COMMANDS.get(tuple(argv))
    if fast is not None:
        return fast() or EXIT_OK
    code = fast_derivation(argv)
    if code is not None:
        return code
    return run_typer(argv)
