"""The long fuzz run: random text into the parser, random expressions into the engine, random answers into
the checker, all in-process with the same limits the CLI applies to typed input.

    python bench/fuzz.py --examples 10000 [--seed 1]

Each example is one of three kinds (in turn): random characters/tokens for the parser; a random expression
tree written as text, parsed, then derived with run.build under the typed-input time limit and compared with
sympy.diff; a random learner answer compared with a random derivative by verify.equal. A failure is any
exception other than the project's own refusals, a derivation that disagrees with sympy.diff, or anything
slower than its bound. Prints the counts and every failure (input and error), exits 1 if there was one.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sympy  # noqa: E402

from derivtutor import run  # noqa: E402
from derivtutor.engine import UnsupportedExpression  # noqa: E402
from derivtutor.limits import TimeLimitExceeded, time_limit  # noqa: E402
from derivtutor.parsing import KNOWN_FUNCTIONS, ParseError, parse_expression  # noqa: E402
from derivtutor.verify import UncheckedStep, equal  # noqa: E402

CHARS = "xyzabe0123456789.+-*/^()|, _" + "sincoexplgqrtmahd" + "!@#$%;:'\"[]{}=<>?`~\\\x00\x1b\u202e\u03c0\t\n"
TOKENS = ["x", "y", "e", "pi", "2", "0.5", "10", "99", "+", "-", "*", "/", "^", "**", "(", ")", "|", ",", " ",
          *KNOWN_FUNCTIONS, "f", "g", "w_jk", "sinn", "9^9", "__", ".", "=", "!", "'", "\x1b["]
UNARY = ["sin", "cos", "tan", "exp", "ln", "sqrt", "sinh", "cosh", "tanh", "atan", "sigma", "softplus", "abs",
         "relu", "f", "asin", "sec"]
PARSE_BOUND, DERIVE_BOUND, CHECK_BOUND = 2.0, 2.0, 2.25


def random_text(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return "".join(rng.choice(CHARS) for _ in range(rng.randint(0, 60)))
    return rng.choice(["", " "]).join(rng.choice(TOKENS) for _ in range(rng.randint(0, 40)))


def random_tree(rng: random.Random, depth: int) -> str:
    """An expression in the learner's notation (so the parser is part of every engine example)."""
    if depth <= 0 or rng.random() < 0.25:
        return rng.choice(["x", "x", "x", "2", "3", "0.5", "e", "pi", "y"])
    kind = rng.random()
    a = random_tree(rng, depth - 1)
    if kind < 0.35:
        return f"{rng.choice(UNARY)}({a})"
    b = random_tree(rng, depth - 1)
    if kind < 0.55:
        return f"({a})^({rng.choice([b, '2', '-1', '3', '0.5', 'x'])})"
    if kind < 0.65:
        return f"{rng.choice(['max', 'min'])}({a}, {b})"
    return f"({a}){rng.choice(['+', '-', '*', '/', ' '])}({b})"


def fuzz(examples: int, seed: int) -> int:
    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    slowest: dict[str, float] = {"parser": 0.0, "engine": 0.0, "checker": 0.0}
    failures: list[str] = []
    x = sympy.Symbol("x", real=True)
    started = time.monotonic()
    for i in range(examples):
        kind = ("parser", "engine", "checker")[i % 3]
        text = random_text(rng) if kind == "parser" else random_tree(rng, rng.randint(1, 5))
        t0 = time.process_time()  # CPU time: the limits count work, so a busy machine is no finding
        try:
            if kind == "parser":
                try:
                    parse_expression(text)
                    counts["parser: parsed"] += 1
                except ParseError:
                    counts["parser: refused"] += 1
            elif kind == "engine":
                try:
                    with time_limit(run.TYPED_DERIVE_SECONDS, cpu=True):
                        derivation = run.build(text, "x")
                    if not derivation.verified or not equal(derivation.result, sympy.diff(derivation.expr, x)):
                        raise AssertionError("not verified or disagrees with sympy.diff")
                    counts["engine: derived and verified"] += 1
                except ParseError:
                    counts["engine: refused by the parser"] += 1
                except run.InputError:
                    counts["engine: too big (size cap)"] += 1
                except TimeLimitExceeded:
                    counts["engine: too big (time limit)"] += 1
                except RecursionError:
                    counts["engine: too big (nesting)"] += 1
                except UnsupportedExpression:
                    counts["engine: refused (no rule for it, said in one line)"] += 1
                except UncheckedStep:  # the CLI's one exit-2 line; e.g. min(e, x·asin(π)): asin(π) is not real
                    counts["engine: refused (a step could not be checked, said in one line)"] += 1
            else:
                try:
                    answer = parse_expression(text)
                    target = sympy.diff(parse_expression(random_tree(rng, 3)), x)
                except ParseError:
                    counts["checker: answer refused by the parser"] += 1
                else:
                    verdict = equal(answer, target)
                    if verdict not in (True, False, None):
                        raise AssertionError(f"verdict {verdict!r}")
                    counts[f"checker: {verdict}"] += 1
        except Exception as exc:  # noqa: BLE001 - every other exception is what we are looking for
            counts[f"{kind}: FAILURE"] += 1
            failures.append(f"{kind} {text!r}: {type(exc).__name__}: {str(exc)[:200]}")
        elapsed = time.process_time() - t0
        slowest[kind] = max(slowest[kind], elapsed)
        bound = {"parser": PARSE_BOUND, "engine": DERIVE_BOUND, "checker": CHECK_BOUND}[kind]
        if elapsed > bound:
            counts[f"{kind}: SLOW"] += 1
            failures.append(f"{kind} {text!r}: took {elapsed:.2f} s (bound {bound} s)")
        if (i + 1) % 500 == 0:  # progress, so that a run cut short still says how far it got and what it found
            print(f"  ... {i + 1} examples, {time.monotonic() - started:.0f} s, {len(failures)} failures, slowest "
                  + ", ".join(f"{k} {v:.2f} s" for k, v in slowest.items()), flush=True)
    total = time.monotonic() - started
    print(f"fuzz: {examples} examples, seed {seed}, {total:.0f} s")
    for key in sorted(counts):
        print(f"  {key}: {counts[key]}")
    print("  slowest: " + ", ".join(f"{k} {v:.2f} s" for k, v in slowest.items()))
    print(f"  failures: {len(failures)}")
    for line in failures:
        print(f"    {line}")
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sys.exit(fuzz(args.examples, args.seed))


if __name__ == "__main__":
    main()
