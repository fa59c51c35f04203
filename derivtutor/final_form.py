"""The form a teacher writes the answer in, reached by named moves that are each checked for equality.

After verification the raw result (what the rules built) is correct but often not what a textbook prints:
`-4 + 14x`, `1 + tan²x`, `{-1 if x < 0; 1 if x > 0}/|x|`, `-(1 - σ)(t - σ)σ`. The general moves here run after
the preset-specific ones of algebra.py, in this order, each only when it changes something:

  sign_over_abs    {-1 if u < 0; 1 if u > 0} -> u/|u|, then u²ᵏ = |u|²ᵏ cancels: ln|x| -> 1/x, x·|x| -> 2|x|
  pythagorean_*    1 + tan²u -> sec²u, -1 - cot²u -> -csc²u (the forms the rule table prints)
  combine_powers   aᵐ·aⁿ -> aᵐ⁺ⁿ
  teacher_order    descending powers of the variable, a positive term in front, a minus sign taken into the
                   bracket it belongs to, and for σ and tanh the backprop order: error · σ(1 - σ) · input

The result is never longer than SymPy's own form by `measure` (see `no_longer_than`).
"""

from __future__ import annotations

from collections.abc import Callable

import sympy

from derivtutor.derivation import AlgebraStep
from derivtutor.functions import sigmoid
from derivtutor.limits import tree_size
from derivtutor.verify import equal

MAX_NODES = 150  # final moves are tried on results up to this many tree nodes
PIECEWISE_PENALTY = 5  # a Piecewise reads as several formulas: it counts as that many extra operations


def measure(expr: sympy.Expr) -> int:
    """How long a form is: SymPy's count_ops, plus a penalty per Piecewise; sign(u) counts as u/|u|.

    sign(u) and Heaviside(u) are SymPy's conventions for the slopes of |u| and max(0, u) with a made-up value at
    0; away from 0 they are u/|u| and {0 if u < 0; 1 if u > 0}, so they are measured as that (otherwise no honest
    form could ever be as short as SymPy's).
    """
    if expr.has(sympy.sign):
        expr = expr.replace(sympy.sign, lambda u: u / sympy.Abs(u))
    if expr.has(sympy.Heaviside):
        expr = expr.replace(sympy.Heaviside, lambda u, *_: sympy.Piecewise((0, u < 0), (1, u > 0)))
    return int(sympy.count_ops(expr)) + PIECEWISE_PENALTY * len(expr.atoms(sympy.Piecewise))


# -- sign over abs --------------------------------------------------------------------------------------------------

def _sign_argument(piece: sympy.Piecewise) -> sympy.Expr | None:
    """u when the Piecewise is {-1 if u < 0; 1 if u > 0} (the slope of |u|), else None."""
    branches = [(v, c) for v, c in piece.args if v is not sympy.nan]
    if len(branches) != 2:
        return None
    values = {v: c for v, c in branches}
    if set(values) != {-1, 1}:
        return None
    positive, negative = values[1], values[-1]
    if not isinstance(positive, sympy.core.relational.Relational):
        return None
    if isinstance(positive, sympy.StrictGreaterThan):
        u = positive.lhs - positive.rhs
    elif isinstance(positive, sympy.StrictLessThan):
        u = positive.rhs - positive.lhs
    else:
        return None
    if not isinstance(negative, sympy.StrictLessThan | sympy.StrictGreaterThan):
        return None
    down = negative.lhs - negative.rhs if isinstance(negative, sympy.StrictLessThan) else negative.rhs - negative.lhs
    return u if sympy.expand(down - u) == 0 else None  # no simplify_logic: unbounded time


def _cancel_abs(expr: sympy.Expr) -> sympy.Expr:
    """In each product, uⁿ · |u|ᵐ with m < 0 -> u^(n mod 2) · |u|^(n - n mod 2 + m), since u² = |u|² for real u."""
    def rewrite(mul: sympy.Expr) -> sympy.Expr:
        factors = list(sympy.Mul.make_args(mul))
        for i, f in enumerate(factors):
            base, m = f.as_base_exp()
            if not (isinstance(base, sympy.Abs) and m.is_Integer and m < 0):
                continue
            u = base.args[0]
            for j, g in enumerate(factors):
                gb, n = g.as_base_exp()
                if j != i and gb == u and n.is_Integer and n >= 2:
                    r = n % 2
                    rest = [h for k, h in enumerate(factors) if k not in (i, j)]
                    return sympy.Mul(*rest, u**r, sympy.Abs(u) ** (n - r + m))
        return mul

    return expr.replace(lambda e: e.is_Mul, rewrite)


def sign_over_abs(expr: sympy.Expr, var: sympy.Symbol) -> AlgebraStep | None:
    pieces = {p: _sign_argument(p) for p in expr.atoms(sympy.Piecewise)}
    swap = {p: u / sympy.Abs(u) for p, u in pieces.items() if u is not None}
    if not swap:
        return None
    after = _cancel_abs(sympy.expand_mul(expr.xreplace(swap))) if expr.is_Add else _cancel_abs(expr.xreplace(swap))
    after = _cancel_abs(after)
    return AlgebraStep("sign_over_abs", expr, (after,))


# -- Pythagorean identities ----------------------------------------------------------------------------------------

def _pythagorean(func: type, target: type) -> Callable[[sympy.Expr], sympy.Expr | None]:
    """k + k·tan²u -> k·sec²u (and k + k·cot²u -> k·csc²u), k a number: SymPy spreads 2(1 + tan²u) out."""
    def match(node: sympy.Expr) -> sympy.Expr | None:
        if not node.is_Add or len(node.args) != 2:
            return None
        for constant, square in (node.args, node.args[::-1]):
            inner = [f for f in sympy.Mul.make_args(square) if f.is_Pow and f.exp == 2 and isinstance(f.base, func)]
            if len(inner) != 1:
                continue
            k = square / inner[0]
            if k.is_number and constant == k:
                return k * target(inner[0].base.args[0]) ** 2
        return None

    return match


def _identity(move: str, func: type, target: type) -> Callable[[sympy.Expr, sympy.Symbol], AlgebraStep | None]:
    match = _pythagorean(func, target)

    def apply(expr: sympy.Expr, var: sympy.Symbol) -> AlgebraStep | None:
        after = expr.replace(lambda e: match(e) is not None, match)
        return AlgebraStep(move, expr, (after,)) if after != expr else None

    return apply


pythagorean_sec = _identity("pythagorean_sec", sympy.tan, sympy.sec)
pythagorean_csc = _identity("pythagorean_csc", sympy.cot, sympy.csc)


def _step_argument(piece: sympy.Piecewise) -> sympy.Expr | None:
    """u when the Piecewise is {0 if u < 0; 1 if u > 0} (the slope of max(0, u)), else None."""
    branches = [(v, c) for v, c in piece.args if v is not sympy.nan]
    if len(branches) != 2 or {v for v, _ in branches} != {0, 1}:
        return None
    up = next(c for v, c in branches if v == 1)
    if isinstance(up, sympy.StrictGreaterThan):
        return up.lhs - up.rhs
    if isinstance(up, sympy.StrictLessThan):
        return up.rhs - up.lhs
    return None


def relu_times_step(expr: sympy.Expr, var: sympy.Symbol) -> AlgebraStep | None:
    """u·{0 if u < 0; 1 if u > 0} = max(0, u): the step keeps u where u > 0 and gives 0 elsewhere."""
    def rewrite(mul: sympy.Expr) -> sympy.Expr:
        factors = list(sympy.Mul.make_args(mul))
        for i, f in enumerate(factors):
            u = _step_argument(f) if isinstance(f, sympy.Piecewise) else None
            if u is None:
                continue
            for j, g in enumerate(factors):
                base, n = g.as_base_exp()
                rest = [h for k, h in enumerate(factors) if k not in (i, j)]
                if j != i and g == sympy.Max(0, u):
                    return sympy.Mul(*rest, g)
                if j != i and base == u and n.is_Integer and n >= 1:
                    return sympy.Mul(*rest, u ** (n - 1), sympy.Max(0, u))
        return mul

    after = expr.replace(lambda e: e.is_Mul, rewrite)
    return AlgebraStep("relu_times_step", expr, (after,)) if after != expr else None


def _same_base_twice(expr: sympy.Expr) -> bool:
    for node in sympy.preorder_traversal(expr):
        if node.is_Mul:  # 7^(x² - 4)·7^(4 - x²): numeric bases only (x^x towers would cost unbounded time)
            bases = [f.as_base_exp()[0] for f in node.args if f.is_Pow and f.base.is_number]
            if len(bases) != len(set(bases)):
                return True
    return False


def combine_powers(expr: sympy.Expr, var: sympy.Symbol) -> AlgebraStep | None:
    if not _same_base_twice(expr):  # powsimp would also re-evaluate a form written on purpose: -(t - a)
        return None
    after = sympy.powsimp(expr, combine="exp", deep=True)
    if after == expr or measure(after) > measure(expr):
        return None
    return AlgebraStep("combine_powers", expr, (after,))


# -- the order a teacher writes terms and factors in ----------------------------------------------------------------

LEARNER_FUNCTIONS = (sigmoid, sympy.tanh)


def _degree(term: sympy.Expr, var: sympy.Symbol) -> sympy.Expr:
    """The power of the variable in a term's monomial part (x³·eˣ -> 3): what 'descending powers' sorts by."""
    degree = sympy.S.Zero
    for factor in sympy.Mul.make_args(term):
        base, exp = factor.as_base_exp()
        if base == var and exp.is_number:
            degree += exp
    return degree


def _positive(term: sympy.Expr) -> bool:
    return not term.could_extract_minus_sign()


def _ordered_add(expr: sympy.Expr, var: sympy.Symbol, sort_factors: bool = True) -> sympy.Expr:
    terms = [ordered(t, var, sort_factors) for t in expr.args]
    if expr.is_polynomial(var):  # descending powers: x² - 7x + 1; other sums keep SymPy's order
        keyed = sorted(range(len(terms)), key=lambda i: (-float(_degree(expr.args[i], var)),
                                                         0 if expr.args[i].has(var) else 1, i))
        terms = [terms[i] for i in keyed]
    if not _positive(terms[0]):  # a positive term in front where there is one: 1 - x, not -x + 1
        first = next((i for i, t in enumerate(terms) if _positive(t)), None)
        if first is not None:
            terms.insert(0, terms.pop(first))
    return sympy.Add(*terms, evaluate=False)


def _plain_rank(factor: sympy.Expr, var: sympy.Symbol) -> int:
    """Numbers and powers of the variable first, then exponentials and brackets (eˣ·cos x), then everything else
    in SymPy's order."""
    base, _ = factor.as_base_exp()
    if factor.is_Rational or base == var or base.is_Symbol:
        return 0
    if isinstance(factor, sympy.exp) or (factor.is_Pow and factor.exp.has(var)) or factor.is_Add:
        return 1  # eˣ·cos(x); a bracket keeps its place beside an exponential: -(2 + 2e⁻ˣ)·e⁻ˣ
    return 2


def _learner_rank(factor: sympy.Expr, var: sympy.Symbol) -> int:
    """Backprop order: the error (t - σ), then σ, then (1 - σ) (or 1 - tanh²), then the rest (the input a)."""
    if factor.as_base_exp()[0] == var:
        return -1
    if factor.is_Add:
        has_one = any(a.is_Number for a in factor.args)
        return 2 if has_one and factor.has(*LEARNER_FUNCTIONS) else 0
    if factor.has(*LEARNER_FUNCTIONS):
        return 1
    return 3


def _ordered_mul(expr: sympy.Expr, var: sympy.Symbol, sort_factors: bool = True) -> sympy.Expr:
    coeff, factors = expr.as_coeff_mul()
    factors = list(factors)
    if coeff.is_negative:  # take the minus sign into a bracket: -(t - σ) = σ - t
        brackets = [i for i, f in enumerate(factors) if f.is_Add]
        brackets.sort(key=lambda i: any(a.is_Number for a in factors[i].args))  # prefer t - σ to 1 - σ
        for i in brackets:
            flipped = -factors[i]
            if flipped.is_Add and _positive(_ordered_add(flipped, var).args[0]):
                factors[i] = flipped
                coeff = -coeff
                break
    rank = _learner_rank if expr.has(*LEARNER_FUNCTIONS) else _plain_rank
    if sort_factors:
        factors.sort(key=lambda f: rank(f, var))
    shown = [ordered(f, var, sort_factors) for f in factors]
    if coeff != 1:
        shown.insert(0, coeff)
    return sympy.Mul(*shown, evaluate=False) if len(shown) > 1 else shown[0]


def ordered(expr: sympy.Expr, var: sympy.Symbol, sort_factors: bool = True) -> sympy.Expr:
    """The same expression, built unevaluated so that it prints in the order a teacher writes it."""
    if expr.is_Add:
        return _ordered_add(expr, var, sort_factors)
    if expr.is_Mul:
        return _ordered_mul(expr, var, sort_factors)
    if expr.is_Pow:
        return sympy.Pow(ordered(expr.base, var, sort_factors), expr.exp, evaluate=False)
    if isinstance(expr, sympy.Function) and expr.args and not isinstance(expr, sympy.Piecewise):
        return expr.func(*(ordered(a, var, sort_factors) for a in expr.args), evaluate=False)
    return expr


def teacher_order(expr: sympy.Expr, var: sympy.Symbol) -> AlgebraStep | None:
    after = ordered(expr, var)
    if after == expr:  # == compares the arguments in their stored order: a reordered sum is not ==
        return None
    return AlgebraStep("teacher_order", expr, (after,))


def multiply_out_top(expr: sympy.Expr, var: sympy.Symbol) -> AlgebraStep | None:
    """A quotient of polynomials: multiply out the top and collect, the bottom left as it is.

    (2x(x - 1) - (x² + 1))/(x - 1)² -> (x² - 2x - 1)/(x - 1)²; x/(x + 1) -> 1/(x + 1)².
    """
    if not (expr.is_Mul and any(f.is_Pow and f.exp.is_negative and f.base.has(var) for f in expr.args)):
        return None
    top, bottom = sympy.fraction(sympy.together(expr))
    if not bottom.has(var):
        return None
    after = sympy.expand(top) / bottom
    if after == expr or measure(after) >= measure(expr):
        return None
    return AlgebraStep("multiply_out_top", expr, (after,))


VALUE_MOVES = [sign_over_abs, relu_times_step, pythagorean_sec, pythagorean_csc, combine_powers, multiply_out_top]


FINAL_MOVES = frozenset({"sign_over_abs", "relu_times_step", "pythagorean_sec", "pythagorean_csc", "combine_powers",
                         "multiply_out_top", "teacher_order", "shorter_form"})


def rebuilt(expr: sympy.Expr) -> sympy.Expr:
    """The expression rebuilt with SymPy's evaluation: an unevaluated (reordered) form becomes canonical again."""
    if not expr.args:
        return expr
    return expr.func(*(rebuilt(a) for a in expr.args))


def checked(step: AlgebraStep) -> bool:
    """Mark the step verified when after = before: identical once rebuilt (a reordering), else by verify.equal."""
    try:
        same = rebuilt(step.after) == rebuilt(step.before) or equal(step.before, step.after) is True
    except (ArithmeticError, TypeError, ValueError):  # e^(e^(e^x)) overflows a float: undecided, so not made
        same = False
    step.verified = bool(same)
    return step.verified


def final_steps(expr: sympy.Expr, var: sympy.Symbol, order: bool = True) -> list[AlgebraStep]:
    """The general final moves from expr, each checked; a move whose equality is not shown is not made."""
    steps: list[AlgebraStep] = []
    if tree_size(expr, MAX_NODES) is None:  # a form this big is summarised on screen anyway; together() and
        return steps                        # expand() on it could take unbounded time
    current = expr
    for move in [*VALUE_MOVES, teacher_order] if order else VALUE_MOVES:
        step = move(current, var)
        if step is None:
            continue
        if not checked(step):
            break
        steps.append(step)
        current = step.after
    return steps


def no_longer_than(algebra: list[AlgebraStep], result: sympy.Expr, reference: sympy.Expr,
                   var: sympy.Symbol) -> list[AlgebraStep]:
    """If the final form is longer than SymPy's (by `measure`), end with SymPy's form in the teacher's order.

    Only when SymPy's form says nothing false: no sign(u) or Heaviside (a made-up value at a corner) and no
    pending derivative of an unknown function.
    """
    if any(step.move not in FINAL_MOVES for step in algebra):  # a preset's own form (−(t − a)) is kept
        return algebra
    final = algebra[-1].after if algebra else result
    if final == reference or measure(final) <= measure(reference):  # (measure walks a deep tree as a tree)
        return algebra
    if reference.has(sympy.sign, sympy.Heaviside, sympy.Derivative, sympy.Subs):
        return algebra
    shorter = AlgebraStep("shorter_form", final, (reference,))
    if not checked(shorter):
        return algebra
    steps = [shorter]
    step = teacher_order(reference, var)
    if step is not None and checked(step):
        steps.append(step)
    return algebra + steps
