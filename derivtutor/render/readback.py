"""The printed answer reads back: before a final answer is shown (the terminal, an export file, the Python API),
its text in that format goes through our own reader and is compared with the answer's expression.

The derivation was checked as SymPy objects; this checks the string the learner reads. A printer bug (`5/2ˣ` for
(5/2)ˣ, a log base dropped) then stops the output with an internal error instead of showing a wrong answer
marked ✓. Structural equality first (the reader rebuilds the printed tree), verify.equal only when the printer
reordered or the reader evaluated something, within CHECK_SECONDS. The tests read back every maths run of
thousands of documents in every format (tests/readback.py); this is the cheap guard at run time.
"""

from __future__ import annotations

from collections.abc import Iterable

import sympy

from derivtutor.document import Maths, answer_maths
from derivtutor.errors import InternalError

TEXT_FORMATS = ("unicode", "ascii", "latex")
CHECK_SECONDS = 1.0
"""CPU seconds for one equality check when the reading is not the same tree (a bound, not a budget: most
answers read back as the very tree printed)."""
OUTSIDE_THE_READER = (sympy.Derivative, sympy.Subs, sympy.Piecewise, sympy.Sum, sympy.Heaviside, sympy.sign)
"""Forms the input language has no syntax for (f′(x), {… if x < 0}): such an answer is shown without this check."""


class MisprintedAnswer(InternalError):
    """The answer's text reads back as something else: a printer (or reader) bug, so nothing is shown."""


def answer_text(maths: Maths, fmt: str) -> str:
    """The answer as the format prints it: the terminal's line (Unicode or ASCII) or the exports' LaTeX."""
    if fmt == "latex":
        from derivtutor.render import latex

        return latex.maths_latex(maths)
    return maths.spelt(unicode=fmt == "unicode")


def within_the_reader(text: str) -> bool:
    """Whether the reader takes text this long at all: a longer answer (a 200-deep chain's) is past what anyone
    types, so it is not read back at run time; the tests' read-back property covers its printer."""
    from derivtutor.parsing import MAX_INPUT_LENGTH

    return len(text) <= MAX_INPUT_LENGTH


def reads_back(text: str, expr: sympy.Expr) -> bool:
    """Does `text` read (parsing.read_expression) as `expr`? Undecided counts as no."""
    from derivtutor.parsing import ParseError, read_expression
    from derivtutor.verify import equal

    try:
        back = read_expression(text).expr
    except ParseError:
        return False
    want = expr.xreplace({s: sympy.Symbol(s.name, real=True) for s in expr.free_symbols
                          if isinstance(s, sympy.Symbol) and not isinstance(s, sympy.Dummy)})
    return back == want or equal(back, want, seconds=CHECK_SECONDS) is True


def check_printed_answer(built: object, formats: Iterable[str] = TEXT_FORMATS) -> None:
    """Raise MisprintedAnswer unless every final answer in `built` reads back, in each of `formats`, as itself."""
    for d in built.derivations():
        maths = answer_maths(d)
        want = sympy.Mul(*maths.factors) if maths.factors else maths.expr
        if want.has(*OUTSIDE_THE_READER):
            continue
        for fmt in formats:
            text = answer_text(maths, fmt)
            if within_the_reader(text) and not reads_back(text, want):
                shown = text if len(text) <= 120 else text[:120] + "..."
                raise MisprintedAnswer(f"the answer as printed ({shown}) does not read back as the answer that was "
                                       f"checked, so nothing is shown")
