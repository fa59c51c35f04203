"""What `derive TARGET` derives: a preset's name or typed text turned into what the engine builds.

Shared by every door (the command line, the Python API, lessons): the variable is chosen, and a typed expression
too big to show step by step is refused, the same way everywhere. Raises InputError (one line) for the learner's
mistakes; parsing.ParseError and engine.UnsupportedExpression pass through.
"""

from __future__ import annotations

import re

from derivtutor.errors import InputError  # something typed or asked for that cannot be done: one line
from derivtutor.preset_index import PRESET_SUMMARIES
from derivtutor.teaching import READING

MAX_EXPRESSION_NODES = 1000
"""Parts (numbers, names, operations) a typed expression may have before we start deriving it."""
MAX_DERIVATION_STEPS = 300
"""Rule steps a derivation may have: more is not readable in a terminal (and bounds the output)."""
TOO_BIG = "this expression is too big to derive step by step{why}; try a smaller piece of it first"
NESTS_TOO_DEEPLY = " (it nests functions too deeply)"




def choose_variable(expr: object, wrt: str | None) -> object:
    """The variable: --wrt if given (it must occur), else the only free symbol, else ask for --wrt."""
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    if wrt is not None:
        match = [s for s in symbols if s.name == wrt]
        if match:
            return match[0]
        import sympy

        from derivtutor.startup import is_plain_name

        if is_plain_name(wrt):
            return sympy.Symbol(wrt, real=True)  # not in the expression: the derivative is 0, and we say why
        raise InputError(f"--wrt {wrt!r} is not a variable name (plain letters, digits and _, such as x or w_jk)")
    if len(symbols) == 1:
        return symbols[0]
    if not symbols:
        import sympy

        return sympy.Symbol("x", real=True)
    names = ", ".join(s.name for s in symbols)
    raise InputError(f"this expression has several variables ({names}); say which one with --wrt, "
                     f"e.g. --wrt {symbols[0].name}")


def build(target: str, wrt: str | None = None, notes: list[str] | None = None, *,
          max_nodes: int = MAX_EXPRESSION_NODES, max_steps: int = MAX_DERIVATION_STEPS) -> object:
    """A preset's derivation, or the derivation of a typed expression (at most `max_nodes` parts and
    `max_steps` rule steps, else InputError); `notes` gets the "Read as: ..." lines."""
    if target in PRESET_SUMMARIES:
        if wrt is not None:
            raise InputError(f"'{target}' is a named derivation; --wrt only applies to expressions you type")
        from derivtutor.presets import PRESETS  # the backprop presets' machinery: not needed for typed input

        return PRESETS[target].build()
    from derivtutor.limits import MAX_NESTING_WORK
    from derivtutor.parsing import NestedTooDeeply, read_expression

    _refuse_command_words(target)
    try:  # functions nested too deeply are refused as they are read, before SymPy builds them (check_nesting)
        reading = read_expression(target, max_function_work=MAX_NESTING_WORK)
    except NestedTooDeeply:
        raise InputError(TOO_BIG.format(why=NESTS_TOO_DEEPLY)) from None
    expr = reading.expr
    if reading.wrt is not None:  # d/dx x^2: the prefix names the variable
        if wrt is not None and wrt != reading.wrt.name:
            raise InputError(READING["prefix_and_wrt"].format(prefix=reading.wrt.name, wrt=wrt))
        wrt = reading.wrt.name
    if notes is not None:
        from derivtutor.console import output_style

        notes.extend(reading.note_lines(output_style().unicode))
    return derive_within(expr, choose_variable(expr, wrt), max_nodes=max_nodes, max_steps=max_steps)


def derive_within(expr: object, var: object, *, max_nodes: int = MAX_EXPRESSION_NODES,
                  max_steps: int = MAX_DERIVATION_STEPS) -> object:
    """The derivation of `expr` by `var`, refused (InputError) past `max_nodes` parts or `max_steps` steps."""
    from derivtutor.engine import derive

    check_size(expr, max_nodes, "it has more than {limit} parts")
    check_nesting(expr)

    def refuse_long(root: object) -> None:  # counted on the rule tree, before any step is checked (the dear part)
        if sum(1 for _ in root.walk()) > max_steps:
            raise InputError(TOO_BIG.format(why=f" (it would take more than {max_steps} steps)"))

    return derive(expr, var, inspect=refuse_long)


def build_expression(expr: object, wrt: str | None = None) -> object:
    """The derivation of an expression already read (typed text or a SymPy expression), with the size checks."""
    return derive_within(expr, choose_variable(expr, wrt))


def check_nesting(expr: object) -> None:
    """Refuse by work, not by the clock: functions nested too deeply (limits.nesting_work)."""
    from derivtutor.limits import nesting_work

    if nesting_work(expr) is None:
        raise InputError(TOO_BIG.format(why=NESTS_TOO_DEEPLY))


def check_size(expr: object, limit: int, why: str) -> None:
    """Refuse an expression with more than `limit` tree nodes, counting only up to the limit (cheap)."""
    from derivtutor.limits import tree_size

    if tree_size(expr, limit) is None:
        raise InputError(TOO_BIG.format(why=" (" + why.format(limit=limit) + ")"))


def preset_hint(target: str) -> str:
    """A word that looks like a misspelt preset gets the nearest preset's name."""
    import difflib

    if not target.replace("-", "").isalpha():
        return ""
    close = difflib.get_close_matches(target, list(PRESET_SUMMARIES), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'? see derive --list)" if close else ""


COMMAND_WORDS = ("lesson", "network", "expr", "check", "sigmoid")
OPTION_WORDS = ("--version", "--list", "--help", "--wrt", "--detail", "--latex", "--fragment", "--markdown", "--json",
                "--plot", "--install-completion", "--show-completion")


def _refuse_command_words(target: str) -> None:
    """`derive lessons`, `derive netwrok`, `derive --verison`: a mistyped command, never maths about a variable."""
    import difflib

    from derivtutor.functions import BY_SPELLING

    if re.fullmatch(r"--[A-Za-z][A-Za-z-]{2,}(=.*)?", target, re.DOTALL):  # --x is maths: two minus signs
        close = difflib.get_close_matches(target.split("=")[0], OPTION_WORDS, n=1, cutoff=0.6)
        hint = READING["did_you_mean"].format(spelling=f"'{close[0]}'") if close else READING["see_help"]
        raise InputError(READING["unknown_option"].format(word=target, hint=hint))
    if not target.replace("-", "").isalpha() or len(target) <= 3 or target in BY_SPELLING:
        return
    words = list(dict.fromkeys([*COMMAND_WORDS, *PRESET_SUMMARIES]))
    close = difflib.get_close_matches(target.lower(), words, n=1, cutoff=0.6)
    if close:
        hint = READING["did_you_mean"].format(spelling=f"'{close[0]}'")
        raise InputError(READING["not_a_command"].format(word=target, hint=hint))
