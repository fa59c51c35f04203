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

import click
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

    EXPR_OPTIONS = frozenset({"--wrt", "--detail"})

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in self.GROUP_FLAGS:
            if args[0].startswith("-") and args[0].split("=")[0] not in self.EXPR_OPTIONS:
                # `derive "-x^2"`: a target starting with a minus is maths, not an option; after `--` it stays so
                args = [DEFAULT_COMMAND, *args[1:], "--", args[0]]
            else:
                args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
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


@app.callback()
def main_callback(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", "-V", help="Show the version and exit.")] = False,
    list_presets: Annotated[bool, typer.Option("--list", help="List the named derivations and exit.")] = False,
) -> None:
    if version:
        typer.echo(f"derivtutor {__version__}")
        raise typer.Exit()
    if list_presets:
        from derivtutor.preset_index import PRESET_SUMMARIES

        width = max(len(name) for name in PRESET_SUMMARIES)
        for name, summary in PRESET_SUMMARIES.items():
            typer.echo(f"{name.ljust(width)}  {summary}")
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
) -> None:
    from derivtutor.run import run_derivation

    code = run_derivation(target, wrt=wrt, detail=detail.value)
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


def main() -> None:
    """Entry point of the `derive` script."""
    if os.environ.get("DERIVTUTOR_DEBUG"):
        app()
        return
    try:
        app(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # the last line of defence: one line, never a traceback
        typer.echo(f"derive: internal error: {type(exc).__name__}: {exc} (set DERIVTUTOR_DEBUG=1 for details)",
                   err=True)
        sys.exit(EXIT_INTERNAL)

