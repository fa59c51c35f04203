"""The maths behind a lesson: derivations for its items, answer checking and mistake diagnosis.

An exercise's right answer is never trusted from the file alone: the engine derives the exercise's expression
and the stated answer must equal it (tests check every lesson). A learner's answer is accepted when it is
mathematically equal (verify.equal), whatever its form. A wrong answer is compared with the known wrong
answers: those the lesson lists, and those made automatically from the verified tree by the slips beginners
make (slips.py: the one library `derive check` uses too), so every exercise gets a diagnosis without anyone
writing it. An exercise with `working = true` asks for several lines, judged like `derive check --work`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal

import sympy

from derivtutor.derivation import Built, Derivation
from derivtutor.engine import derive
from derivtutor.lesson_files import Item, LessonError, clean_text
from derivtutor.mathtext import factors_text, math_text
from derivtutor.slips import tree_slips, with_override  # noqa: F401 - with_override: the lessons' old home of it
from derivtutor.teaching import NUMBER_TEXT
from derivtutor.verify import equal

CHECK_SECONDS = 2.0


@dataclass
class KnownMistake:
    expr: sympy.Expr
    message: str
    automatic: bool
    slip: str | None = None  # the slip library's id (teaching.SLIPS) for an automatic one


@dataclass
class Verdict:
    kind: str  # "right", "wrong", "unsure" (undecided), "unreadable" (not an expression), "number" (has a letter)
    message: str
    mistake: KnownMistake | None = None


def _parse(text: str, known_names: frozenset[str] | None = None) -> sympy.Expr:
    from derivtutor.parsing import parse_expression

    return parse_expression(text, known_names=known_names)


def _symbol(expr: sympy.Expr, wrt: str) -> sympy.Symbol:
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    if wrt:
        for s in symbols:
            if s.name == wrt:
                return s
        return sympy.Symbol(wrt, real=True)
    if len(symbols) == 1:
        return symbols[0]
    if not symbols:
        return sympy.Symbol("x", real=True)
    raise LessonError(f"several variables ({', '.join(s.name for s in symbols)}): add wrt = \"...\"")


_PRESETS_BUILT: dict[str, Built] = {}  # a preset shown on several screens (steps, then move by move) is built once


def derivation_for(item: Item) -> Built:
    """What a derivation item steps through: a preset (any kind: a Derivation, an explained derivation or a
    chain of derivations) or its expression; with `show`, only that part of it (screen_part). Raises LessonError."""
    if item.preset:
        from derivtutor.presets import PRESETS

        if item.preset not in PRESETS:
            raise LessonError(f"item {item.number}: no named derivation '{item.preset}' (see derive --list)")
        if item.preset not in _PRESETS_BUILT:
            _PRESETS_BUILT[item.preset] = PRESETS[item.preset].build()
        built = _PRESETS_BUILT[item.preset]
    else:
        built = expression_derivation(item)
    return screen_part(item, built)


def screen_part(item: Item, built: Built) -> Built:
    """The part of `built` the item's screen shows: all of it, its steps without the algebra moves (`show =
    "steps"`), or the whole derivation for a `show = "move N"` screen, whose move is checked to exist here."""
    if not item.show:
        return built
    if not isinstance(built, Derivation) or not built.algebra:
        raise LessonError(f"item {item.number}: 'show': this derivation has no algebra moves to show apart; "
                          "leave 'show' out")
    if item.show == "steps":
        return dataclasses.replace(built, algebra=[])
    if item.move > len(built.algebra):
        raise LessonError(f"item {item.number}: 'show': there is no move {item.move}; this derivation has "
                          f"{len(built.algebra)} algebra moves")
    return built


def expression_derivation(item: Item) -> Derivation:
    """The derivation of an item's expression (a derivation item's or an exercise's). Raises LessonError."""
    from derivtutor.parsing import ParseError

    where = f"item {item.number}: "
    try:
        expr = _parse(item.expression)
    except ParseError as exc:
        raise LessonError(f"{where}'expression': {exc.one_line()}") from None
    try:
        var = _symbol(expr, item.wrt)
    except LessonError as exc:
        raise LessonError(f"{where}{exc}") from None
    return _bounded_derive(where, expr, var, item)


DERIVE_SECONDS = 20.0
"""A safety net only: a lesson's expressions are refused by size first, as typed ones are (run.py)."""
MAX_EXPRESSION_NODES = 1000


def _bounded_derive(where: str, expr: sympy.Expr, var: sympy.Symbol, item: Item) -> Derivation:
    """derive(), refused by work first (size, function nesting), then within a time limit; LessonError."""
    from derivtutor.engine import UnsupportedExpression
    from derivtutor.limits import OutOfTime, nesting_work, own_time_limit, tree_size
    from derivtutor.verify import UncheckedStep

    if tree_size(expr, MAX_EXPRESSION_NODES) is None or nesting_work(expr) is None:
        raise LessonError(f"{where}'expression' is too big to derive step by step (more than "
                          f"{MAX_EXPRESSION_NODES} parts, or functions nested too deeply)")
    try:
        with own_time_limit(DERIVE_SECONDS):
            return derive(expr, var, name=item.name or "f", title=item.title or None)
    except OutOfTime:
        raise LessonError(f"{where}'expression' could not be derived within {DERIVE_SECONDS:g} s") from None
    except (UnsupportedExpression, UncheckedStep, RecursionError) as exc:
        reason = "it is nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise LessonError(f"{where}'expression': {reason}") from None


# -- automatic mistakes: the slip library (slips.py), shared with `derive check` ----------------------------------
def automatic_mistakes(d: Derivation) -> list[KnownMistake]:
    """The typical wrong answers for this derivation, each with the misconception it shows (slips.py)."""
    return [KnownMistake(slip.expr, slip.message(), True, slip.id) for slip in tree_slips(d)]


@dataclass
class Exercise:
    """An exercise made ready to check: the engine's answer, the known wrong answers, the hint ladder."""

    item: Item
    derivation: Derivation
    answer: sympy.Expr  # the engine's answer (evaluated at `at` if given)
    stated: sympy.Expr  # the lesson's answer, in the usual form
    values: dict = field(default_factory=dict)
    usual: sympy.Expr | None = None  # how a teacher writes the answer (the engine's tidy form, or the stated one)
    _mistakes: list[KnownMistake] | None = None
    _prints: dict = field(default_factory=dict)  # the mistakes' values at the judge's probe points

    @property
    def mistakes(self) -> list[KnownMistake]:
        """Listed mistakes first, then the automatic ones; none equal to the answer, no duplicates."""
        if self._mistakes is None:
            listed = []
            for number, m in enumerate(self.item.mistakes, start=1):
                try:
                    expr = self._at(self.named(_parse(m.answer)))
                except ValueError as exc:
                    raise LessonError(f"item {self.item.number}: mistake {number}: 'answer': {exc}") from None
                listed.append(KnownMistake(expr, m.message, False))
            auto = [KnownMistake(self._at(k.expr), k.message, True, k.slip)
                    for k in automatic_mistakes(self.derivation)]
            kept: list[KnownMistake] = []
            for candidate in listed + auto:
                if candidate.automatic and equal(candidate.expr, self.answer, CHECK_SECONDS) is not False:
                    continue
                if any(candidate.expr == k.expr for k in kept):  # the first (most specific) slip names it
                    continue
                if not candidate.automatic and any(equal(candidate.expr, k.expr, CHECK_SECONDS) is True
                                                   for k in kept):
                    continue
                kept.append(candidate)
            self._mistakes = kept
        return self._mistakes

    def listed_mistakes(self) -> list[KnownMistake]:
        """The lesson's own known mistakes, read (cheap: no slip library)."""
        return [KnownMistake(self._at(self.named(_parse(m.answer))), m.message, False) for m in self.item.mistakes]

    def usual_text(self, unicode: bool = True) -> str:
        """The answer as a teacher writes it: the algebra's factors in their order, as the renderer shows them."""
        if self.item.names and not self.values:  # in the lesson's own letters (a_k, not σ(net_k))
            return math_text(_parse(self.item.answer), unicode)
        if not self.values and self.derivation.algebra:
            return factors_text(list(self.derivation.algebra[-1].shown), unicode)
        return math_text(self.usual, unicode)

    def named(self, expr: sympy.Expr) -> sympy.Expr:
        """The lesson's own letters put back: a_k becomes σ(net_k) when the item says names = { a_k = ... }."""
        if not self.item.names:
            return expr
        by_name = {s.name: s for s in expr.free_symbols}
        return expr.xreplace({by_name[n]: _parse(v) for n, v in self.item.names if n in by_name})

    def _at(self, expr: sympy.Expr) -> sympy.Expr:
        if not self.values:
            return expr
        by_name = {s.name: s for s in expr.free_symbols}
        return expr.xreplace({by_name[n]: v for n, v in self.values.items() if n in by_name})

    @property
    def question_names(self) -> frozenset[str]:
        """The letters of the question (its expression, variable, answer and values): an answer may use only these,
        so `a2` reads as the question's a_2 and `zero` is refused with a hint instead of becoming a new letter."""
        d = self.derivation
        names = {s.name for s in d.expr.free_symbols | d.final.free_symbols | {d.var}}
        names |= {s.name for s in _parse(self.item.answer).free_symbols} | set(self.values)
        names |= {name for name, _ in self.item.names}  # the lesson's own shorthands (a_k, delta_k) are letters too
        return frozenset(names)

    def check(self, text: str) -> Verdict:
        """The verdict on a typed answer; a reading that is not literal (a2 as a_2) is said on the line before."""
        from derivtutor.console import output_style
        from derivtutor.parsing import ParseError, read_expression

        try:
            reading = read_expression(text, known_names=self.question_names)
        except ParseError as exc:
            return Verdict("unreadable", f"I could not read that as an expression: {exc.one_line()}")
        read = self.named(reading.expr)
        if self.values and read.free_symbols:  # a number exercise: the learner puts the values in, not us
            from derivtutor.teaching import PLAYER_TEXT

            at = ", ".join(f"{name} = {math_text(value)}" for name, value in self.values.items())
            return Verdict("number", PLAYER_TEXT["number_only"].format(at=at))
        verdict = self._judge(self._at(read))
        notes = reading.note_lines(output_style().unicode)
        if notes:
            verdict.message = f"{notes[0]}\n{verdict.message}"
        return verdict

    def _judge(self, given: sympy.Expr) -> Verdict:
        from derivtutor.judge import VERDICT_SECONDS, find_slip
        from derivtutor.limits import OutOfTime, own_time_limit

        close = self.closeness(given)
        if close == "right":
            return Verdict("right", "Right!" if given == self.stated else
                           NUMBER_TEXT["right_rounded"].format(answer=self.item.answer))
        if close is not None:  # a decimal answer: the numbers decide, within the tolerance, without algebra
            for mistake in self.listed_mistakes():  # the tree's generated slips name inner layers, not numbers
                if self._gap(given, mistake.expr) <= self.item.tolerance:
                    return Verdict("wrong", f"Not quite. {mistake.message}", mistake)
            if close == "near":
                tolerance = format(Decimal(repr(self.item.tolerance)), "f")  # 0.000000002, not 2e-09
                return Verdict("wrong", NUMBER_TEXT["near"].format(tolerance=tolerance))
            return Verdict("wrong", "Not quite: that is not equal to the derivative. Type h for a hint.")
        try:
            with own_time_limit(VERDICT_SECONDS):  # the same bound and the same slip matcher as `derive check`
                verdict = equal(given, self.answer, CHECK_SECONDS)
                if verdict is True:
                    if given == self.stated or given == self.usual:
                        return Verdict("right", "Right!")
                    return Verdict("right", f"Right! The usual way to write it is {self.usual_text()}.")
                mistake = find_slip(self.mistakes, given, self._prints)
        except (OutOfTime, RecursionError):
            verdict, mistake = None, None
        if mistake is not None:
            return Verdict("wrong", f"Not quite. {mistake.message}", mistake)
        if verdict is None:
            return Verdict("unsure", "I could not decide whether that equals the answer in the time allowed; "
                                     "try writing it more simply.")
        return Verdict("wrong", "Not quite: that is not equal to the derivative.")


    def closeness(self, given: sympy.Expr) -> str | None:
        """For an exercise with a `tolerance` and a number typed: "right" (within it), "near" (within a thousand
        times it: too few decimals) or "far"; None when there is no tolerance or the answer is not a number."""
        if not (self.item.tolerance and self.values) or given.free_symbols:
            return None
        gap = self._gap(given, self.answer)
        if gap != gap:  # not a real number (nan): let the algebra judge it
            return None
        if gap <= self.item.tolerance:
            return "right"
        return "near" if gap <= 1000 * self.item.tolerance else "far"

    @staticmethod
    def _gap(given: sympy.Expr, other: sympy.Expr) -> float:
        """|given - other| as a float, 30 significant digits on the way; inf when other is not a number."""
        try:
            return abs(float(sympy.N(given - other, 30)))
        except (TypeError, ValueError):
            return float("inf") if other.free_symbols else float("nan")

    def working(self) -> object:
        """A fresh line-by-line judge for this exercise (an exercise with `working = true`)."""
        from derivtutor.judge import Working, target_for

        return Working(target_for(self.derivation))


def prepare_exercise(item: Item) -> Exercise:
    """Derive the exercise and read its stated answer. Raises LessonError when the file's answer is unusable."""
    from derivtutor.parsing import ParseError

    where = f"item {item.number}: "
    d = expression_derivation(item)
    values = {}
    for name, value in item.at:
        try:
            values[name] = _parse(value)
        except ParseError as exc:
            raise LessonError(f"{where}'at': {name}: {exc.one_line()}") from None
    try:
        stated = _parse(item.answer)
    except ParseError as exc:
        raise LessonError(f"{where}'answer': {exc.one_line()}") from None
    exercise = Exercise(item, d, d.final, stated, values)
    exercise.answer = exercise._at(d.final)
    try:
        exercise.stated = exercise._at(exercise.named(stated))
    except ParseError as exc:
        raise LessonError(f"{where}'names': {exc.one_line()}") from None
    exercise.usual = d.final if not values else exercise.stated
    if answer_matches_engine(exercise) is False:  # a lesson must never teach a wrong answer
        raise LessonError(f"{where}'answer': {item.answer} is not the derivative the engine finds "
                          f"({math_text(exercise.answer, unicode=False)})")
    return exercise


def answer_matches_engine(exercise: Exercise) -> bool | None:
    """Does the lesson's stated answer equal the engine's derivative? (Checked for every exercise in tests.)"""
    if exercise.closeness(exercise.stated) == "right":  # quoted to the decimals the exercise asks for
        return True
    return equal(exercise.stated, exercise.answer, CHECK_SECONDS)


def echo(text: str) -> str:
    """What the learner typed, safe to print back."""
    return clean_text(text.strip())
