"""The `derive` command: parse arguments, call the engine, choose a renderer. Nothing else lives here.

`derive TARGET` and `derive SUBCOMMAND` share one entry point: a click group whose unknown first word is
handed to the default command, so `derive sigmoid` and `derive "x^2 sin x"` need no subcommand name.
Only typer is imported at module level: `derive --help` and `derive --version` never load SymPy.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import Annotated

import typer
from typer.core import TyperGroup

from derivtutor import __version__

DEFAULT_COMMAND = "expr"

# Exit codes: 0 success, 1 internal error, 2 bad input (the one-line message names the problem).
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1


class DefaultCommandGroup(TyperGroup):
    """A group that treats an unknown first word as the target of the default command."""

    GROUP_FLAGS = frozenset({"--help", "-h", "--version", "-V", "--list"})

    EXPR_OPTIONS = frozenset({"--wrt", "--detail", "--latex", "--fragment", "--markdown", "--json", "--plot"})

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in self.GROUP_FLAGS:
            if args[0].startswith("-") and args[0].split("=")[0] not in self.EXPR_OPTIONS:
                # `derive "-x^2"`: a target starting with a minus is maths, not an option; after `--` it stays so
                args = [DEFAULT_COMMAND, *args[1:], "--", args[0]]
            else:
                args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return [name for name in super().list_commands(ctx) if name != DEFAULT_COMMAND]


app = typer.Typer(
    cls=DefaultCommandGroup,
    add_completion=False,
    no_args_is_help=False,
    invoke_without_command=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=(
        "Derive the calculus of backpropagation step by step; every step is checked by SymPy.\n\n"
        "Usage:\n\n"
        "  derive sigmoid                   a named derivation (derive --list shows them all)\n\n"
        '  derive "x^2 sin(x)"              any expression in x\n\n'
        '  derive "w*a + b" --wrt w         a partial derivative (other letters are held constant)\n\n'
        "  derive sigmoid --detail full     every step, even d/dx x = 1\n\n"
        "  derive lesson                    the lessons and your progress\n\n"
        "  derive network                   a tiny network, worked out in numbers\n\n"
        "Run 'derive expr --help' for every option of a derivation."
    ),
)


class Detail(str, Enum):
    brief = "brief"
    normal = "normal"
    full = "full"


def fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    """Print one line on standard error and return the Exit to raise (no traceback for the learner)."""
    typer.echo(f"derive: {message}", err=True)
    return typer.Exit(code)


def print_version() -> None:
    typer.echo(f"derivtutor {__version__}")


def print_presets() -> None:
    from derivtutor.preset_index import PRESET_SUMMARIES

    width = max(len(name) for name in PRESET_SUMMARIES)
    for name, summary in PRESET_SUMMARIES.items():
        typer.echo(f"{name.ljust(width)}  {summary}")


def list_lessons() -> int:
    from derivtutor.lesson_player import run_lesson_command

    return run_lesson_command(None)


# Whole command lines answered before typer parses anything: typer 0.29 builds a pydantic adapter for the
# group's --help parameter (its value is None, not a bool) on every parse, and importing pydantic costs more
# than these commands themselves. Subcommands may add their own argument-free entries here.
FAST_COMMANDS: dict[tuple[str, ...], object] = {
    ("--version",): print_version,
    ("-V",): print_version,
    ("--list",): print_presets,
    ("lesson",): list_lessons,
}


@app.callback()
def main_callback(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", "-V", help="Show the version and exit.")] = False,
    list_presets: Annotated[bool, typer.Option("--list", help="List the named derivations and exit.")] = False,
) -> None:
    if version:
        print_version()
        raise typer.Exit()
    if list_presets:
        print_presets()
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit()


@app.command(DEFAULT_COMMAND, help="Derive TARGET: a named derivation (see --list) or an expression.")
def expr_command(
    target: Annotated[str, typer.Argument(help="A preset name such as 'sigmoid', or an expression like 'x^2 sin x'.")],
    wrt: Annotated[
        str | None, typer.Option("--wrt", help="The variable to differentiate with respect to.")
    ] = None,
    detail: Annotated[
        Detail, typer.Option("--detail", help="brief skips the trivial steps; full shows every one.")
    ] = Detail.normal,
    latex: Annotated[
        str | None, typer.Option("--latex", metavar="FILE", help="Write a LaTeX document ('-': standard output).")
    ] = None,
    fragment: Annotated[
        bool, typer.Option("--fragment", help="With --latex: only the align* block, to paste into a document.")
    ] = False,
    markdown: Annotated[
        str | None, typer.Option("--markdown", metavar="FILE", help="Write Markdown with $...$ maths ('-': stdout).")
    ] = None,
    json_file: Annotated[
        str | None, typer.Option("--json", metavar="FILE", help="Write the derivation as JSON data ('-': stdout).")
    ] = None,
    plot: Annotated[
        str | None,
        typer.Option("--plot", metavar="FILE", help="Plot f and f': FILE.svg, FILE.png (needs matplotlib), "
                     "or '-' / 'text' for a text plot here."),
    ] = None,
) -> None:
    if fragment and latex is None:
        raise fail("--fragment only makes sense with --latex FILE")
    from derivtutor.export import Exports
    from derivtutor.run import run_derivation

    exports = Exports(latex=latex, fragment=fragment, markdown=markdown, json=json_file, plot=plot,
                      detail=detail.value)
    code = run_derivation(target, wrt=wrt, detail=detail.value, exports=exports if exports.requested else None)
    raise typer.Exit(code)


@app.command("network", help="A tiny sigmoid network in numbers: forward pass, gradients, one update.")
def network_command(
    config: Annotated[
        str | None,
        typer.Option("--config", metavar="FILE", help="A .toml or .json file with other sizes and numbers."),
    ] = None,
    steps: Annotated[
        int,
        typer.Option("--steps", min=0, max=1_000_000, metavar="N",
                     help="Also show the error after N steps of training."),
    ] = 0,
) -> None:
    from derivtutor import network
    from derivtutor.render.network_tables import render_network

    try:
        settings = network.load_config(config) if config is not None else network.default_config()
    except network.ConfigError as exc:
        raise fail(str(exc)) from None
    render_network(network.work_example(settings, n_steps=steps))


@app.command("lesson", help="Lessons with exercises: list them with your progress, or play one.")
def lesson_command(
    name: Annotated[str | None, typer.Argument(help="The lesson to play (derive lesson lists them).")] = None,
    resume: Annotated[bool, typer.Option("--continue", help="Carry on where you stopped.")] = False,
    reset: Annotated[bool, typer.Option("--reset", help="Forget all saved progress.")] = False,
    directory: Annotated[
        str | None, typer.Option("--dir", metavar="DIR", help="Use the lesson files in this folder instead.")
    ] = None,
) -> None:
    from derivtutor.lesson_player import run_lesson_command

    raise typer.Exit(run_lesson_command(name, resume=resume, reset=reset, directory=directory))


def _fast_derivation(argv: list[str]) -> int | None:
    """`derive TARGET [--wrt NAME] [--detail LEVEL]` without typer's parameter machinery, else None.

    typer coerces every non-flag parameter through pydantic, whose import alone costs about a third of
    SymPy's; the everyday command skips it. Anything else (help, subcommands, unknown options, bad values)
    returns None and goes through the typer app, which gives the usual messages.
    """
    commands = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    if not argv or argv[0].startswith("-") or argv[0] in commands:
        return None
    options: dict[str, str] = {}
    rest = argv[1:]
    while rest:
        name, eq, value = rest[0].partition("=")
        if name not in ("--wrt", "--detail") or name in options:
            return None
        if not eq:
            if len(rest) < 2:
                return None
            value, rest = rest[1], rest[1:]
        options[name] = value
        rest = rest[1:]
    detail = options.get("--detail", Detail.normal.value)
    if detail not in {d.value for d in Detail}:
        return None
    from derivtutor.run import run_derivation

    return run_derivation(argv[0], wrt=options.get("--wrt"), detail=detail)


def main() -> None:
    """Entry point of the `derive` script."""
    debug = bool(os.environ.get("DERIVTUTOR_DEBUG"))
    try:
        fast = FAST_COMMANDS.get(tuple(sys.argv[1:]))
        if fast is not None:
            sys.exit(fast() or 0)
        code = _fast_derivation(sys.argv[1:])
        if code is not None:
            sys.exit(code)
        if debug:
            app()
            return
        app(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:  # `derive sigmoid | head`: the reader left; say nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(141)
    except Exception as exc:  # the last line of defence: one line, never a traceback
        if debug:
            raise
        typer.echo(f"derive: internal error: {type(exc).__name__}: {exc} (set DERIVTUTOR_DEBUG=1 for details)",
                   err=True)
        sys.exit(EXIT_INTERNAL)
