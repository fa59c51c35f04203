"""Named algebra moves from the raw derivative to the form a teacher writes, each checked for equality.

A move is a function that looks at the result and either declines (returns []) or returns the chain of
AlgebraSteps it performs. Intermediate forms are built unevaluated (evaluate=False) so the learner sees
1 + e^(-x) - 1 before it collapses. The first move that applies wins; none uses `simplify` (unbounded time).

Moves are scoped. MOVES are the general ones, tried on every derivation, typed ones included: sigmoid_form
(e^(-u)/(1 + e^(-u))^2 is σ(u)(1 - σ(u)) whatever u is) and softplus_sigma (e^u/(1 + e^u) is σ(u)); their words
name no preset. A move written for a preset (the error's "target minus output", tanh from its exponentials,
cross-entropy's cancelling) is passed to derive() by that preset alone, so it never fires on what a learner
types: `alpha*x - theta*x` stays as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy

from derivtutor.derivation import AlgebraStep
from derivtutor.functions import sigmoid
from derivtutor.verify import VerificationError, equal

Move = Callable[[sympy.Expr, sympy.Symbol], list[AlgebraStep]]


def _over(top: sympy.Expr, bottom: sympy.Expr) -> sympy.Expr:
    return sympy.Mul(top, sympy.Pow(bottom, -1, evaluate=False), evaluate=False)


def _written(*factors: sympy.Expr) -> tuple[sympy.Expr, ...]:
    return tuple(f for f in factors if f != 1) or (sympy.S.One,)


def _sigmoid_parts(result: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr] | None:
    """Match C * e^A / (1 + e^A)^2 and return (C, A, 1 + e^A)."""
    factors = list(sympy.Mul.make_args(result))
    for square in factors:
        if not (square.is_Pow and square.exp == -2 and square.base.is_Add and len(square.base.args) == 2):
            continue
        one, exp_term = sorted(square.base.args, key=lambda a: a != 1)
        if one != 1 or exp_term.func is not sympy.exp or exp_term not in factors:
            continue
        rest = [f for f in factors if f is not square]
        rest.remove(exp_term)
        return sympy.Mul(*rest), exp_term.args[0], square.base
    return None


def sigmoid_form(result: sympy.Expr, var: sympy.Symbol) -> list[AlgebraStep]:
    """e^(-u)/(1 + e^(-u))^2  ->  sigma(u) (1 - sigma(u)), by splitting and adding and subtracting 1."""
    parts = _sigmoid_parts(result)
    if parts is None:
        return []
    c, a, bottom = parts
    e = sympy.exp(a)
    s = sympy.Pow(bottom, -1, evaluate=False)
    u = -a
    split = _written(c, s, _over(e, bottom))
    plus_minus = _written(c, s, _over(sympy.Add(1, e, -1, evaluate=False), bottom))
    divided = _written(c, s, sympy.Add(1, sympy.Mul(-1, s, evaluate=False), evaluate=False))
    target = _written(c, sigmoid(u), 1 - sigmoid(u))
    return [
        AlgebraStep("split_fraction", result, split),
        AlgebraStep("add_subtract_one", sympy.Mul(*split), plus_minus),
        AlgebraStep("divide_out", sympy.Mul(*plus_minus), divided),
        AlgebraStep("recognise_sigma", sympy.Mul(*divided), target),
    ]


MOVES: list[Move] = [sigmoid_form]
"""The general moves: every derivation, typed or preset, is offered these."""


# -- moves for the backpropagation presets: presets.py passes each to derive() for its own preset only ---------


def softplus_sigma(result: sympy.Expr, var: sympy.Symbol) -> list[AlgebraStep]:
    """e^u/(1 + e^u) -> 1/(e^(-u) + 1) -> sigma(u): divide top and bottom by e^u (the softplus slope)."""
    factors = list(sympy.Mul.make_args(result))
    if len(factors) != 2:
        return []
    top = next((f for f in factors if f.func is sympy.exp), None)
    bottom = next((f for f in factors if f.is_Pow and f.exp == -1), None)
    if top is None or bottom is None or sympy.expand(bottom.base - top) != 1:
        return []
    u = top.args[0]
    divided = _over(sympy.S.One, sympy.Add(sympy.S.One, sympy.exp(-u), evaluate=False))
    return [
        AlgebraStep("divide_top_bottom", result, (divided,)),
        AlgebraStep("recognise_sigma", divided, (sigmoid(u),)),
    ]


MOVES.append(softplus_sigma)  # general too: e^u/(1 + e^u) is σ(u) whatever u is, and its words name no preset


def target_minus_output(result: sympy.Expr, var: sympy.Symbol) -> list[AlgebraStep]:
    """a - t -> -(t - a): the error's slope written the way the learner's notes write it.

    Narrow on purpose: only a difference of an output a... and a target t... (the names of the learner's
    notation), so no other derivation has its answer turned round.
    """
    if not result.is_Add or len(result.args) != 2:
        return []
    positive = [s for s in result.args if s.is_Symbol]
    negative = [-s for s in result.args if (-s).is_Symbol and not s.is_Symbol]
    if len(positive) != 1 or len(negative) != 1:
        return []
    a, t = positive[0], negative[0]
    if not (a.name.startswith("a") and t.name.startswith("t")):
        return []
    return [AlgebraStep("minus_outside", result, (sympy.Mul(-1, t - a, evaluate=False),))]


def multiply_out_sigmoid(result: sympy.Expr, var: sympy.Symbol) -> list[AlgebraStep]:
    """-t(1 - sigma) + (1 - t) sigma -> -t + t sigma + sigma - t sigma -> sigma - t: terms that cancel.

    Only for sums that contain sigma and really shrink when multiplied out (binary cross-entropy).
    """
    if not (result.is_Add and result.has(sigmoid)):
        return []
    pieces = [p for term in result.args for p in sympy.Add.make_args(sympy.expand(term))]
    collapsed = sympy.expand(result)
    if len(sympy.Add.make_args(collapsed)) >= len(pieces):
        return []
    multiplied = sympy.Add(*pieces, evaluate=False)
    return [
        AlgebraStep("multiply_out", result, (multiplied,)),
        AlgebraStep("cancel_terms", multiplied, (collapsed,)),
    ]


def tanh_form(result: sympy.Expr, var: sympy.Symbol) -> list[AlgebraStep]:
    """((e^u + e^-u)^2 - (e^u - e^-u)^2)/(e^u + e^-u)^2 -> 1 - ((e^u - e^-u)/(e^u + e^-u))^2 -> 1 - tanh(u)^2."""
    factors = list(sympy.Mul.make_args(result))
    square = next((f for f in factors if f.is_Pow and f.exp == -2), None)
    if square is None or len(factors) != 2:
        return []
    bottom = square.base
    top = next(f for f in factors if f is not square)
    terms = sympy.Add.make_args(top)
    if len(terms) != 2 or bottom**2 not in terms:
        return []
    minus_square = next(t for t in terms if t != bottom**2)
    inner = (-minus_square).base if (-minus_square).is_Pow and (-minus_square).exp == 2 else None
    if inner is None or not bottom.is_Add or len(bottom.args) != 2:
        return []
    ends = sorted(bottom.args, key=sympy.default_sort_key)
    if not all(e.func is sympy.exp for e in ends) or sympy.expand(ends[0].args[0] + ends[1].args[0]) != 0:
        return []
    u = next(e.args[0] for e in ends if not e.args[0].could_extract_minus_sign())
    if sympy.expand(inner - (sympy.exp(u) - sympy.exp(-u))) != 0:
        return []
    split = sympy.Add(_over(bottom**2, bottom**2),
                      sympy.Mul(-1, _over(inner**2, bottom**2), evaluate=False), evaluate=False)
    one_minus = sympy.Add(1, sympy.Mul(-1, sympy.Pow(_over(inner, bottom), 2, evaluate=False), evaluate=False),
                          evaluate=False)
    return [
        AlgebraStep("split_difference", result, (split,)),
        AlgebraStep("one_minus_square", split, (one_minus,)),
        AlgebraStep("recognise_tanh", one_minus, (1 - sympy.tanh(u) ** 2,)),
    ]


def teacher_form(result: sympy.Expr, var: sympy.Symbol, moves: Sequence[Move] = ()) -> list[AlgebraStep]:
    """The first applicable chain of moves (the general MOVES, then a preset's own `moves`), then the general
    final moves (final_form), every step checked; a chain is kept only as far as its steps are shown equal."""
    from derivtutor.final_form import final_steps

    steps = next((found for move in [*MOVES, *moves] if (found := move(result, var))), [])
    steps = check_steps(steps)
    return check_steps(steps + final_steps(steps[-1].after if steps else result, var, order=not steps))


def check_steps(steps: list[AlgebraStep]) -> list[AlgebraStep]:
    """The steps as far as each is shown equal to the one before; VerificationError if one is not equal.

    A step whose check could not be decided (verify.equal gave None: out of time, or no point to compare at) is
    not a bug, and not shown either: it and the steps built on it are left out, so the answer is the last form
    that was checked (at worst the derivative as the rules gave it, every step of which was checked against
    sympy.diff). Nothing unverified reaches the learner, and a derivation is not refused for its tidying.
    """
    for index, step in enumerate(steps):
        if step.verified:
            continue
        verdict = equal(step.before, step.after)
        if verdict is False:
            raise VerificationError(f"algebra move {step.move}: {step.before} != {step.after}")
        if verdict is None:
            return steps[:index]
        step.verified = True
    return steps
