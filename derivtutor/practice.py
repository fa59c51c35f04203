"""Fresh practice: generated exercises of one kind, judged like every other answer, with a mastery estimate.

Exercises are data (rustlings-style): a Generator is a template such as "({a}x + {b})^{n}" with the numbers and
letters it may take. Each exercise made from it is read by the one reader, derived by the engine and checked
against sympy.diff before it is served; one that does not verify is never shown. Answers go through the one
judge (judge.py) with its slip library. `derive practice SKILL` runs them on their own; a lesson offers one (:p)
after a wrong or shown answer, of the skill its exercise needs (skill_of). Mastery per skill is counted, not
guessed: "right first time" in all, and the share of the last RECENT answers once there are ESTIMATE_AFTER of
them (the saved estimate is that share, so the number and the words beside it always agree).
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from derivtutor import progress
from derivtutor.prompting import ask_typed, sure_to_skip
from derivtutor.teaching import PLAYER_TEXT

SMALL = (2, 3, 4, 5)
COEFF = (2, 3, 4, 5, 6, 7)
POWER = (2, 3, 4, 5)
SHIFT = (1, 2, 3, 4, 5)
RECENT = 10  # the mastery estimate is the share right first time among this many latest answers
ESTIMATE_AFTER = 5  # fewer answers than this: the count only, no percentage


@dataclass(frozen=True)
class Generator:
    """One kind of exercise: `template` filled from `numbers` (name -> choices) and `letters` (sets of names)."""

    template: str
    wrt: str = "x"
    numbers: dict = field(default_factory=dict)
    letters: tuple[dict, ...] = ({},)
    drills: frozenset[str] = frozenset()  # what it drills beyond its skill (FOCUS keys): a miss there picks it


NUMBERS = {"a": COEFF, "b": SHIFT, "c": SHIFT, "k": SMALL, "n": POWER, "m": POWER}
LETTERS_NET = ({"w": "w", "v": "a", "z": "b"}, {"w": "v", "v": "h", "z": "c"}, {"w": "u", "v": "x", "z": "d"},
               {"w": "w_1", "v": "a_1", "z": "b_1"}, {"w": "w_2", "v": "h_2", "z": "b_2"})
LETTERS_ERROR = ({"t": "t", "y": "y"}, {"t": "t_k", "y": "a_k"}, {"t": "t_1", "y": "o_1"}, {"t": "y", "y": "p"})

SKILLS: dict[str, tuple[Generator, ...]] = {
    "power": (Generator("{a}x^{n}", numbers=NUMBERS), Generator("{a}x^{n} + {b}x", numbers=NUMBERS),
              Generator("{a}/x^{m}", numbers=NUMBERS), Generator("{a} sqrt(x) + x^{n}", numbers=NUMBERS),
              Generator("-{a}x^{n}", numbers=NUMBERS, drills=frozenset({"minus_sign"})),
              Generator("{b} - {a}x", numbers=NUMBERS, drills=frozenset({"minus_sign"})),
              Generator("-x^{n} + {b}", numbers=NUMBERS, drills=frozenset({"minus_sign"}))),
    "chain": (Generator("({a}x + {b})^{n}", numbers=NUMBERS), Generator("e^({k}x^2)", numbers=NUMBERS),
              Generator("sin({a}x + {b})", numbers=NUMBERS), Generator("({a}x^2 + {b})^{n}", numbers=NUMBERS),
              Generator("ln({a}x^2 + {b})", numbers=NUMBERS), Generator("cos({k}x^{m})", numbers=NUMBERS),
              Generator("e^(-{k}x + {b})", numbers=NUMBERS, drills=frozenset({"minus_sign"})),
              Generator("sqrt({a}x + {b})", numbers=NUMBERS)),
    "product": (Generator("x^{n} e^({k}x)", numbers=NUMBERS), Generator("x^{n} sin({a}x)", numbers=NUMBERS),
                Generator("({a}x + {b})(x^2 + {c})", numbers=NUMBERS), Generator("x^{n} ln(x)", numbers=NUMBERS)),
    "quotient": (Generator("({a}x + {b})/(x^2 + {c})", numbers=NUMBERS), Generator("e^({k}x)/x^{n}", numbers=NUMBERS),
                 Generator("x^{n}/(x + {c})", numbers=NUMBERS)),
    "exp/log": (Generator("e^({k}x)", numbers=NUMBERS), Generator("ln({a}x)", numbers=NUMBERS),
                Generator("{a}e^x + ln(x^{n})", numbers=NUMBERS), Generator("e^({k}x + {b})", numbers=NUMBERS)),
    "sigmoid": (Generator("sigma({k}x)", numbers=NUMBERS), Generator("1/(1 + e^(-{k}x))", numbers=NUMBERS),
                Generator("sigma({k}x + {b})", numbers=NUMBERS)),
    "partial": (Generator("{w}*{v} + {z}", wrt="{w}", letters=LETTERS_NET),
                Generator("{a}{w}^2 {v} + {z}", wrt="{w}", numbers=NUMBERS, letters=LETTERS_NET),
                Generator("{w}*{v} + {z}", wrt="{v}", letters=LETTERS_NET)),
    "error": (Generator("({t} - {y})^2/2", wrt="{y}", letters=LETTERS_ERROR),
              Generator("{a}({t} - {y})^2", wrt="{y}", numbers=NUMBERS, letters=LETTERS_ERROR)),
    "output-weight": (Generator("sigma({w}*{v} + {z})", wrt="{w}", letters=LETTERS_NET),
                      Generator("({a} - sigma({w}*{v} + {z}))^2/2", wrt="{w}", numbers=NUMBERS,
                                letters=LETTERS_NET)),
    "hidden-weight": (Generator("{a} sigma({w}*{v} + {z})", wrt="{w}", numbers=NUMBERS, letters=LETTERS_NET),
                      Generator("{a} sigma({w}*{v} + {z}) + {b}", wrt="{z}", numbers=NUMBERS,
                                letters=LETTERS_NET)),
}


@dataclass
class Generated:
    """One exercise, derived and verified: the text asked, the variable, the derivation and the judge's target."""

    skill: str
    text: str
    expr: object
    var: object
    derivation: object
    target: object

    def answer_text(self, unicode: bool = True) -> str:
        """The answer as a teacher writes it (the judge's usual form)."""
        from derivtutor.mathtext import math_text

        usual = self.target.forms[0].usual
        return usual if unicode else math_text(self.derivation.final, unicode)


def _fill(generator: Generator, rng: random.Random) -> tuple[str, str]:
    names = dict(rng.choice(generator.letters))
    values = {name: str(rng.choice(choices)) for name, choices in generator.numbers.items()}
    fields = {**values, **names}
    return generator.template.format(**fields), generator.wrt.format(**fields)


def generate(skill: str, rng: random.Random, seen: set[str] | None = None, tries: int = 40,
             focus: frozenset[str] = frozenset()) -> Generated:
    """A fresh exercise of `skill` (not in `seen`), derived by the engine and checked against sympy.diff; of a
    kind that drills `focus` (a minus sign) when the skill has one."""
    import sympy

    from derivtutor.engine import derive
    from derivtutor.judge import target_for
    from derivtutor.parsing import parse_expression
    from derivtutor.verify import equal

    seen = seen if seen is not None else set()
    kinds = [g for g in SKILLS[skill] if g.drills & focus] or list(SKILLS[skill])
    for _ in range(tries):
        text, wrt = _fill(rng.choice(kinds), rng)
        if text in seen:
            continue
        expr = parse_expression(text)
        var = next((s for s in expr.free_symbols if s.name == wrt), None)
        if var is None:
            continue
        try:
            d = derive(expr, var)
        except Exception:  # noqa: BLE001 - the engine cannot do this one: make another
            continue
        if equal(d.final, sympy.diff(expr, var)) is not True:  # never serve an unverified answer
            continue
        seen.add(text)
        return Generated(skill, text, expr, var, d, target_for(d))
    raise RuntimeError(f"no fresh exercise for {skill}")


SKILL_OF_RULE = {"sigmoid": "sigmoid", "quotient": "quotient", "product": "product", "chain": "chain",
                 "exp": "exp/log", "exp_base": "exp/log", "log": "exp/log", "log_diff": "exp/log"}
"""The rule a missed exercise needs -> the skill whose exercises drill it (the first such rule met from the root)."""
BASIC_RULES = frozenset({"sum", "constant", "constant_multiple", "variable", "power"})
"""Rules every skill uses: an exercise that needs only these is drilled by "power" (the basic rules)."""


def skill_of(derivation: object) -> str:
    """The practice skill a lesson exercise needs, from the rules of its verified derivation: the first rule met
    from the root down that is more than the basic rules (e^h needs the exponential rule, (2x+1)^3 the chain
    rule); several names make it a partial derivative; only basic rules, the basic rules (power)."""
    if len({s.name for s in derivation.expr.free_symbols}) > 1:
        return "partial"
    if _is_sigmoid(derivation.expr):
        return "sigmoid"
    for step in derivation.root.walk():
        if step.rule_id in SKILL_OF_RULE:
            return SKILL_OF_RULE[step.rule_id]
        if step.rule_id not in BASIC_RULES:  # sin, cos, tanh...: practised inside a chain
            return "chain"
    return "power"


def focus_of(derivation: object) -> frozenset[str]:
    """What inside the skill the exercise drills: a minus sign (-x needs the constant multiple -1)."""
    for step in derivation.root.walk():
        if step.rule_id == "constant_multiple" and getattr(step, "constant", None) == -1:
            return frozenset({"minus_sign"})
    return frozenset()


def _is_sigmoid(expr: object) -> bool:
    """1/(1 + e^(-u)): the sigmoid written out."""
    import sympy

    if not (expr.is_Pow and expr.exp == -1 and expr.base.is_Add):
        return False
    one, *rest = sorted(expr.base.args, key=lambda a: not a.is_number)
    return one == 1 and len(rest) == 1 and rest[0].func is sympy.exp and rest[0].args[0].could_extract_minus_sign()


def record(store: progress.Progress, skill: str, right_first_time: bool) -> dict:
    """Count the try (and whether it was right first time); the estimate is the share of the latest RECENT."""
    entry = store.skills.setdefault(skill, {"mastery": 0.0, "tries": 0, "right": 0})
    entry["tries"] += 1
    entry["right"] += int(right_first_time)
    entry["recent"] = [*_recent(entry), int(right_first_time)][-RECENT:]
    entry["mastery"] = round(sum(entry["recent"]) / len(entry["recent"]), 4)
    return entry


def _recent(entry: dict) -> list[int]:
    recent = entry.get("recent")
    if isinstance(recent, list) and all(v in (0, 1) for v in recent):
        return [int(v) for v in recent][-RECENT:]
    return []  # an entry saved before "recent" was kept: its answers are in the count only


def mastery_line(skill: str, entry: dict) -> str:
    """The count, and a percentage only when it is the share of answers the line names."""
    tries, right, recent = entry["tries"], entry["right"], _recent(entry)
    if tries < ESTIMATE_AFTER or len(recent) < ESTIMATE_AFTER:
        return PLAYER_TEXT["practice_mastery_count"].format(skill=skill, right=right, tries=tries,
                                                            need=ESTIMATE_AFTER)
    percent = round(100 * sum(recent) / len(recent))
    if len(recent) == tries:
        return PLAYER_TEXT["practice_mastery"].format(skill=skill, percent=percent, right=right, tries=tries)
    return PLAYER_TEXT["practice_mastery_recent"].format(skill=skill, percent=percent, recent_right=sum(recent),
                                                         recent=len(recent), right=right, tries=tries)


def _sure_to_skip(host: object) -> bool:
    """Ask before skipping on an empty Enter, as the lesson player does; the answer is not shown."""
    return sure_to_skip(host.ask, host.say, PLAYER_TEXT["skip_question"], PLAYER_TEXT["practice_skipped"],
                        PLAYER_TEXT["not_skipped"])


class _Host:
    """What run_one needs: say, ask and the encoding (the lesson Player is one too)."""

    def __init__(self, console: object, unicode: bool, ask: Callable[[str], str] = input) -> None:
        self.console, self.unicode, self.ask = console, unicode, ask

    def say(self, text: str, style: str = "") -> None:
        from rich.text import Text

        self.console.print(Text(text, style=style))


def run_one(skill: str, host: object, store: progress.Progress, rng: random.Random | None = None,
            seen: set[str] | None = None, focus: frozenset[str] = frozenset()) -> bool | None:
    """Serve one generated exercise until it is right, shown or skipped; True if right without :s, None on :q."""
    from derivtutor.judge import verdict_for_text
    from derivtutor.mathtext import math_text

    rng = rng or random.Random()
    exercise = generate(skill, rng, seen, focus=focus)
    var = math_text(exercise.var, host.unicode)
    host.say(PLAYER_TEXT["practice_question"].format(var=var, expr=math_text(exercise.expr, host.unicode)), "bold")
    first = True  # no hint taken and no miss yet
    while True:
        typed = ask_typed(host.ask, PLAYER_TEXT["practice_prompt"], answering=True)
        if typed.kind == "quit":
            return None
        if typed.kind == "empty" and not _sure_to_skip(host):  # Enter alone: a slip of the finger, or a skip?
            continue
        if typed.kind in ("empty", "next"):
            if typed.kind == "next":
                host.say(PLAYER_TEXT["practice_skipped"], "dim")
            right = False
            break
        if typed.kind == "show":
            host.say(PLAYER_TEXT["practice_shown"].format(answer=exercise.answer_text(host.unicode)), "bold green")
            right = False
            break
        if typed.kind == "hint":
            host.say(exercise.target.rule_hint or PLAYER_TEXT["practice_no_hint"], "yellow")
            first = False
            continue
        if typed.kind != "answer":
            host.say(PLAYER_TEXT["keys_answer"])
            continue
        verdict = verdict_for_text(exercise.target, typed.text)
        host.say(verdict.message, "bold green" if verdict.right else "yellow")
        if verdict.unreadable or verdict.right is None:
            continue
        if verdict.right:
            right = True
            break
        if verdict.hint:
            host.say(f"Hint: {verdict.hint}", "yellow")
        first = False
    entry = record(store, skill, right and first)
    host.say(mastery_line(skill, entry), "dim")
    problem = progress.save(store)
    if problem:
        from derivtutor.startup import fail

        fail(problem)
    return right


def run_practice_command(skill: str | None, count: int = 20, seed: int | None = None) -> int:
    """What `derive practice [SKILL] [--count N] [--seed S]` does; returns the exit code."""
    from derivtutor.startup import import_sympy_without_collecting

    store = progress.load()
    if skill is None:
        print(PLAYER_TEXT["practice_list_head"])
        for name in SKILLS:
            entry = store.skills.get(name)
            print(f"  {name.ljust(14)} " + (mastery_line(name, entry) if entry else "not practised yet"))
        return 0
    if skill not in SKILLS:
        from derivtutor.startup import fail

        return fail(PLAYER_TEXT["practice_unknown_skill"].format(skill=skill, skills=", ".join(SKILLS)))
    import_sympy_without_collecting()
    from derivtutor.console import output_style, rich_console

    style = output_style()
    console = rich_console(style=style)
    console.width = min(console.width, 90)
    host = _Host(console, style.unicode)
    rng = random.Random(seed)
    seen: set[str] = set()
    if not sys.stdin.isatty():  # a printout: the exercises with their checked answers
        from derivtutor.mathtext import math_text

        for number in range(1, count + 1):
            exercise = generate(skill, rng, seen)
            var = math_text(exercise.var, host.unicode)
            host.say(f"{number}. " + PLAYER_TEXT["practice_question"].format(
                var=var, expr=math_text(exercise.expr, host.unicode)))
            host.say("   " + PLAYER_TEXT["practice_shown"].format(answer=exercise.answer_text(host.unicode))
                     + "   (checked equal to sympy.diff)")
        return 0
    host.say(PLAYER_TEXT["practice_intro"].format(skill=skill), "bold")
    try:
        while run_one(skill, host, store, rng, seen) is not None:
            pass
    except KeyboardInterrupt:
        console.file.write("\n")
    host.say(PLAYER_TEXT["practice_stopped"])
    return 0


class PiecesOfChain:
    """Remediation for a chain-rule exercise: the outer function of u, its slope, the inner one's slope."""

    def __init__(self, outer: object, u: object, inner: object, var: object) -> None:
        import sympy

        self.outer, self.u, self.inner, self.var = outer, u, inner, var
        self.outer_slope = sympy.diff(outer, u)
        self.inner_slope = sympy.diff(inner, var)

    def questions(self, unicode: bool) -> list[tuple[str, str, Callable[[str], bool]]]:
        from derivtutor.mathtext import math_text

        def checker(expected: object, names: dict) -> Callable[[str], bool]:
            def check(text: str) -> bool:
                from derivtutor.parsing import ParseError, parse_expression
                from derivtutor.verify import equal

                try:
                    given = parse_expression(text)
                except ParseError:
                    return False
                given = given.xreplace({s: names[s.name] for s in given.free_symbols if s.name in names})
                return equal(given, expected, 1.0) is True
            return check

        names = {self.u.name: self.u, self.var.name: self.var}
        inner = math_text(self.inner, unicode)
        outer = math_text(self.outer, unicode)
        return [
            (PLAYER_TEXT["piece_outer"].format(inner=inner), outer, checker(self.outer, names)),
            (PLAYER_TEXT["piece_outer_slope"].format(outer=outer), math_text(self.outer_slope, unicode),
             checker(self.outer_slope, names)),
            (PLAYER_TEXT["piece_inner_slope"].format(var=math_text(self.var, unicode), inner=inner),
             math_text(self.inner_slope, unicode), checker(self.inner_slope, names)),
        ]

    def together(self, unicode: bool) -> str:
        from derivtutor.mathtext import math_text

        return PLAYER_TEXT["piece_together"].format(outer_slope=math_text(self.outer_slope, unicode),
                                                    inner_slope=math_text(self.inner_slope, unicode),
                                                    inner=math_text(self.inner, unicode),
                                                    times="·" if unicode else "*")


def chain_pieces(derivation: object) -> PiecesOfChain | None:
    """The outer/inner split of a chain-rule derivation (its first layer over the rest), or None."""
    import sympy

    from derivtutor.rules import ChainRule

    root = derivation.root
    if not isinstance(root, ChainRule) or len(root.layers) < 2:
        return None
    first = root.layers[0]
    if first.value is None:
        return None
    u = sympy.Symbol("u", real=True)
    outer = first.expr.xreplace({first.var: u})
    return PiecesOfChain(outer, u, first.value, derivation.var)
