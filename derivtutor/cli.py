"""The `derive` command: parse arguments, call the engine, choose a renderer. Nothing else lives here.

`derive TARGET` and `derive SUBCOMMAND` share one entry point: a click group whose unknown first word is
handed to the default command, so `derive sigmoid` and `derive "x^2 sin x"` need no subcommand name.
Only typer is imported at module level, so `derive --help` never loads SymPy; the `derive` script itself starts
in entry.py, which answers the everyday command lines without importing typer at all.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer
from typer.core import TyperGroup

from derivtutor.options import DERIVE_OPTIONS, DETAILS, print_presets, print_version
from derivtutor.startup import EXIT_BAD_INPUT, import_sympy_without_collecting, visible
from derivtutor.startup import fail as write_error

DEFAULT_COMMAND = "expr"


class DefaultCommandGroup(TyperGroup):
    """A group that treats an unknown first word as the target of the default command."""

    GROUP_FLAGS = frozenset({"--help", "-h", "--version", "-V", "--list", "--install-completion",
                             "--show-completion"})
    OUTPUT_FLAGS = {"--ascii": {"ascii": True}, "--no-color": {"color": False}}  # anywhere, for every command

    EXPR_OPTIONS = frozenset(DERIVE_OPTIONS)

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        args = self.take_output_flags(args)
        if args and args[0] == "check":  # a learner's answer may start with '-': maths, not an option
            from derivtutor.checking import protect_maths

            args = ["check", *protect_maths(args[1:])]
        if args and args[0] not in self.commands and args[0] not in self.GROUP_FLAGS:
            # `--step` alone asks at every step; `--step=layers` only at the layers and the final product
            args = [*args[:1], *("--step=all" if a == "--step" else a for a in args[1:])]
            if args[0].startswith("-") and args[0].split("=")[0] not in self.EXPR_OPTIONS:
                # `derive "-x^2"`: a target starting with a minus is maths, not an option; after `--` it stays so
                args = [DEFAULT_COMMAND, *args[1:], "--", args[0]]
            else:
                args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)

    def take_output_flags(self, args: list[str]) -> list[str]:
        """--ascii and --no-color may stand anywhere before `--`: apply them (console.choose) and drop them."""
        from derivtutor import console

        end = args.index("--") if "--" in args else len(args)
        for word in args[:end]:
            if word in self.OUTPUT_FLAGS:
                console.choose(**self.OUTPUT_FLAGS[word])
        return [word for word in args[:end] if word not in self.OUTPUT_FLAGS] + args[end:]

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return [name for name in super().list_commands(ctx) if name != DEFAULT_COMMAND]


app = typer.Typer(
    cls=DefaultCommandGroup,
    add_completion=True,
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
        '  derive check sigmoid "e^-x/(1+e^-x)^2"   check your own answer (or --work FILE)\n\n'
        "  derive sigmoid --step            predict each step before it is shown\n\n"
        "  derive lesson                    the lessons and your progress\n\n"
        "  derive network                   a tiny network, worked out in numbers\n\n"
        "Run 'derive expr --help' for every option of a derivation."
    ),
)


Detail = Enum("Detail", {d: d for d in DETAILS}, type=str)  # the --detail choices


def fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    """Print one line on standard error (startup's one writer) and return the Exit to raise (no traceback)."""
    return typer.Exit(write_error(message, code))


def option(name: str) -> object:
    """The typer.Option of a row of options.DERIVE_OPTIONS: one list for typer and for entry.py's fast path."""
    row = DERIVE_OPTIONS[name]
    return typer.Option(row.name, help=row.help, metavar=row.metavar)


@app.callback()
def main_callback(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", "-V", help="Show the version and exit.")] = False,
    list_presets: Annotated[bool, typer.Option("--list", help="List the named derivations and exit.")] = False,
    ascii_only: Annotated[
        bool, typer.Option("--ascii", help="ASCII only (sigma, x^2, d/dx) whatever the terminal can show; "
                           "also DERIVTUTOR_ASCII=1. Works with every command.")
    ] = False,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="No colour or bold, even on a terminal (also NO_COLOR=1).")
    ] = False,
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
    wrt: Annotated[str | None, option("--wrt")] = None,
    detail: Annotated[Detail, option("--detail")] = Detail.normal,
    latex: Annotated[str | None, option("--latex")] = None,
    fragment: Annotated[bool, option("--fragment")] = False,
    markdown: Annotated[str | None, option("--markdown")] = None,
    json_file: Annotated[str | None, option("--json")] = None,
    plot: Annotated[str | None, option("--plot")] = None,
    html_file: Annotated[str | None, option("--html")] = None,
    step: Annotated[str | None, option("--step")] = None,
    save: Annotated[str | None, option("--save")] = None,
) -> None:
    if fragment and latex is None:
        raise fail("--fragment only makes sense with --latex FILE")
    if save is not None and step is None:
        raise fail("--save writes a step-through as a lesson: use it with --step")
    if step is not None:
        if latex or markdown or json_file or plot or html_file:
            raise fail("--step plays the derivation here; export it without --step")
        from derivtutor.stepper import run_step

        raise typer.Exit(run_step(target, wrt=wrt, detail=detail.value, level=step, save=save))
    from derivtutor.export import Exports
    from derivtutor.run import run_derivation

    exports = Exports(latex=latex, fragment=fragment, markdown=markdown, json=json_file, plot=plot,
                      detail=detail.value, html=html_file)
    code = run_derivation(target, wrt=wrt, detail=detail.value, exports=exports if exports.requested else None)
    raise typer.Exit(code)


@app.command("network", help="A tiny sigmoid network in numbers: forward pass, gradients, one update.")
def network_command(
    config: Annotated[
        str | None,
        typer.Option("--config", metavar="FILE", help="A .toml or .json file with other sizes and numbers."),
    ] = None,
    example: Annotated[
        str | None,
        typer.Option("--example", metavar="NAME", help="A network shipped with derivtutor, e.g. 3-4-2."),
    ] = None,
    steps: Annotated[
        int,
        typer.Option("--steps", min=0, max=1_000_000, metavar="N",
                     help="Also show the error after N steps of training."),
    ] = 0,
    as_graph: Annotated[
        bool, typer.Option("--graph", help="Show the network as a computational graph, forward and backward.")
    ] = False,
) -> None:
    from derivtutor import network
    from derivtutor.render.network_tables import render_network, training_progress

    if config is not None and example is not None:
        raise fail("--config and --example both choose the network: give one of them")
    try:
        if example is not None:
            settings = network.example_config(example)
            if settings is None:
                raise fail(f"there is no example network '{example}' (there is: {', '.join(network.example_names())})")
        else:
            settings = network.load_config(config) if config is not None else network.default_config()
    except network.ConfigError as exc:
        raise fail(str(exc)) from None
    if as_graph:
        if steps:
            raise fail("--graph shows the network as it is, before any training; it does not go with --steps")
        import_sympy_without_collecting()
        from derivtutor.graph_command import run_graph

        raise typer.Exit(run_graph("", network=settings))
    try:  # the bar is gone before the message is printed
        with training_progress(steps) as tick:
            worked = network.work_example(settings, n_steps=steps, tick=tick)
    except network.TrainingInterrupted as stop:
        raise fail(f"interrupted: {stop}", 130) from None
    except KeyboardInterrupt:
        raise fail("interrupted", 130) from None
    render_network(worked)


@app.command("graph", help="The chain rule as a computational graph: forward and backward pass in numbers, checked.",
             context_settings={"ignore_unknown_options": True})  # `derive graph "-x*y"`: maths, not an option
def graph_command(
    expression: Annotated[
        str, typer.Argument(help="An expression, or named steps separated by ';' or newlines: 'c = a*b; d = c + a'.")
    ],
    at: Annotated[
        str | None, typer.Option("--at", metavar="NAME=VALUE,...", help="The point, e.g. --at x=0.5,y=2.")
    ] = None,
    plot: Annotated[
        str | None, typer.Option("--plot", metavar="FILE", help="Draw the graph: FILE.svg or FILE.png (graphviz).")
    ] = None,
    latex: Annotated[
        str | None, typer.Option("--latex", metavar="FILE", help="Write a LaTeX document ('-': standard output).")
    ] = None,
    json_file: Annotated[
        str | None, typer.Option("--json", metavar="FILE", help="Write the graph as JSON data ('-': stdout).")
    ] = None,
) -> None:
    import_sympy_without_collecting()
    from derivtutor.graph_command import run_graph

    raise typer.Exit(run_graph(expression, at=at, plot=plot, latex=latex, json_file=json_file))


@app.command("lesson", help=(
    "Lessons with exercises: list them with your progress, or play one.\n\n"
    "For teachers: 'derive lesson new NAME [--dir DIR]' writes a starter lesson; "
    "'derive lesson --check [DIR | FILE]' lists every problem of the lesson files (see docs/lessons.md)."))
def lesson_command(
    words: Annotated[list[str] | None, typer.Argument(
        metavar="NAME | new NAME",
        help="The lesson to play (derive lesson lists them); 'new NAME' writes a starter lesson; with --check, "
             "the folder or file to check.", show_default=False)] = None,
    check: Annotated[bool, typer.Option("--check", help="Check the lesson files without playing them.")] = False,
    resume: Annotated[bool, typer.Option("--continue", help="Carry on where you stopped.")] = False,
    reset: Annotated[bool, typer.Option("--reset", help="Forget all saved progress (asks first).")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="With --reset: do not ask.")] = False,
    directory: Annotated[
        str | None, typer.Option("--dir", metavar="DIR", help="Use the lesson files in this folder instead.")
    ] = None,
    latex: Annotated[
        str | None,
        typer.Option("--latex", metavar="FILE", help="Write the lesson as a LaTeX handout ('-': standard output)."),
    ] = None,
    markdown: Annotated[
        str | None,
        typer.Option("--markdown", metavar="FILE", help="Write the lesson as a Markdown handout ('-': stdout)."),
    ] = None,
) -> None:
    name, *more = words or [None]
    new_name = more[0] if len(more) == 1 else None
    if len(more) > 1 or (more and name != "new"):
        raise fail(f"one lesson at a time: got an extra argument '{visible(more[-1])}' (to write a lesson: "
                   f"derive lesson new NAME)")
    if check or name == "new":  # for teachers: lesson_check.py, lesson_starter.py
        if resume or reset or latex is not None or markdown is not None:
            raise fail("--check and 'lesson new' do not go with --continue, --reset, --latex or --markdown")
        if check:
            if new_name is not None or (name is not None and directory is not None):
                raise fail("check one folder or file: derive lesson --check [DIR | FILE]")
            from derivtutor.lesson_check import run_check_command

            raise typer.Exit(run_check_command(name if name is not None else directory))
        from derivtutor.lesson_starter import run_new_command

        raise typer.Exit(run_new_command(new_name, directory))
    if latex is not None or markdown is not None:  # a handout instead of playing
        if name is None:
            raise fail("a handout needs a lesson name: derive lesson NAME --latex FILE (derive lesson lists them)")
        if resume or reset:
            raise fail("--latex/--markdown write a handout; they do not go with --continue or --reset")
        import_sympy_without_collecting()
        from derivtutor.handouts import write_handouts

        raise typer.Exit(write_handouts(name, latex=latex, markdown=markdown, directory=directory))
    from derivtutor.lesson_player import run_lesson_command

    raise typer.Exit(run_lesson_command(name, resume=resume, reset=reset, directory=directory, yes=yes))


@app.command("check", help="Check your own answer, or your working line by line, for TARGET (see README).")
def check_command(
    target: Annotated[str, typer.Argument(help="What was differentiated: a preset name or an expression.")],
    answer: Annotated[str | None, typer.Argument(help="Your answer. Leave it out to type your working.")] = None,
    wrt: Annotated[str | None, typer.Option("--wrt", help="The variable to differentiate with respect to.")] = None,
    work: Annotated[
        str | None, typer.Option("--work", metavar="FILE", help="Your working, one line each ('-': stdin).")
    ] = None,
    json_file: Annotated[
        str | None, typer.Option("--json", metavar="FILE", help="Write the verdicts as JSON ('-': stdout).")
    ] = None,
    answers: Annotated[
        str | None,
        typer.Option("--answers", metavar="CSV", help="A class's answers: student,answer per row ('-': stdin)."),
    ] = None,
) -> None:
    from derivtutor.checking import run_check

    raise typer.Exit(run_check(target, answer, wrt=wrt, work=work, json_path=json_file, answers=answers))
