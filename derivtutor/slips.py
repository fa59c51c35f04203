"""The slip library: the wrong answers beginners write, generated from the verified rule tree.

Each slip changes what one rule (or a few chain factors) produced and carries the change up the tree, so the wrong
answer is exactly what a learner gets who makes that one slip and nothing else: a chain factor (or several) left
out, stopping after the outer derivative, a minus sign lost, w·a treated as a constant or as the variable, the 1/2
or its cancelling 2 forgotten, every term of a sum kept, only the exponent of eᵘ differentiated, the power rule
used on eᵘ, the quotient rule's minus reversed, σ′ taken to be σ. The words live in teaching.SLIPS.
`derive check`, the lessons and the Python API all ask this one module.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import sympy

from derivtutor.derivation import Derivation
from derivtutor.engine import substitute
from derivtutor.functions import sigmoid
from derivtutor.mathtext import math_text, name_text
from derivtutor.rules import (
    ChainRule,
    ConstantMultipleRule,
    QuotientRule,
    Step,
)

MAX_CHAIN_FACTORS = 8
"""Chains with more non-trivial factors than this get single drops and 'outer only', not every subset (2^n)."""
MAX_SLIPS = 400
"""No tree yields more slips than this (a bound on the work per answer)."""


@dataclass(frozen=True)
class Slip:
    """One wrong answer and why: `id` keys teaching.SLIPS, `words` fill in its sentence."""

    id: str
    expr: sympy.Expr
    words: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    def message(self) -> str:
        from derivtutor.teaching import SLIPS

        return _fill(SLIPS[self.id].message, self.words)

    def hint(self) -> str:
        from derivtutor.teaching import SLIPS

        return _fill(SLIPS[self.id].hint, self.words)


def _fill(template: str, words: dict[str, str]) -> str:
    try:
        return template.format(**words)
    except (KeyError, IndexError):  # a sentence asks for a detail this slip has not got: say it without
        return template.split("{")[0].rstrip(" :(") + "."


def _path(root: Step, target: Step) -> list[Step] | None:
    stack: list[tuple[Step, list[Step]]] = [(root, [root])]
    while stack:
        node, path = stack.pop()
        if node is target:
            return path
        stack.extend((sub, [*path, sub]) for sub in node.substeps())
    return None


def with_override(root: Step, target: Step, value: sympy.Expr) -> sympy.Expr:
    """The root's result if `target` had produced `value`: the slip carried up through every rule above it.

    The cached results on the path are cleared and a chain's `back` (its layer derivative written in x) is
    recomputed; everything is restored afterwards, so the verified tree is left exactly as it was.
    """
    path = _path(root, target)
    if path is None:
        raise ValueError("target is not in the tree")
    saved = [(node, node.__dict__.get("_result")) for node in path]
    saved_backs = []
    try:
        for node in path:
            node.__dict__.pop("_result", None)
        target.__dict__["_result"] = value
        for parent, child in reversed(list(zip(path, path[1:], strict=False))):
            if isinstance(parent, ChainRule):
                for layer in parent.layers:
                    if layer.step is child:
                        saved_backs.append((layer, layer.back))
                        result = child.result
                        layer.back = result if layer.value is None else substitute(result, layer.var, layer.value)
        return root.result
    finally:
        for layer, back in saved_backs:
            layer.back = back
        for node, cached in saved:
            if cached is None:
                node.__dict__.pop("_result", None)
            else:
                node.__dict__["_result"] = cached


def _m(expr: sympy.Expr) -> str:
    return math_text(expr)


def _layer_words(step: ChainRule, index: int) -> str:
    layer = step.layers[index]
    return f"{name_text(layer.name)}({name_text(str(layer.var))}) = {_m(layer.expr)}"


def _factor_name(step: ChainRule, index: int) -> str:
    """d(name)/d(next): the factor a layer contributes, by name (never its value: that would be the answer)."""
    layer = step.layers[index]
    return f"d{name_text(layer.name)}/d{name_text(str(layer.var))}"


def _chain_slips(root: Step, step: ChainRule) -> list[Slip]:
    found: list[Slip] = []
    varying = [i for i, layer in enumerate(step.layers) if layer.back != 1]
    n = len(step.layers)
    if len(varying) <= MAX_CHAIN_FACTORS:
        drops = [set(c) for size in range(1, len(varying) + 1) for c in itertools.combinations(varying, size)]
    else:
        drops = [{i} for i in varying] + [set(range(1, n))]
    for dropped in drops:
        kept = [layer.back for i, layer in enumerate(step.layers) if i not in dropped]
        if not kept:
            continue  # nothing left of the chain: not a slip anyone writes
        wrong = with_override(root, step, sympy.Mul(*kept))
        missing = sorted(dropped)
        names = ", ".join(_factor_name(step, i) for i in missing)
        words = {"missing": names, "are": "is" if len(missing) == 1 else "are", "var": _m(step.var)}
        if len(missing) == 1 and step.layers[missing[0]].back.is_number and step.layers[missing[0]].back < 0:
            i = missing[0]
            found.append(Slip("lost_sign", wrong, {**words, "layer": _layer_words(step, i),
                                                   "factor": _factor_name(step, i)}))
        elif n >= 3 and set(missing) == set(range(1, n)) & set(varying) and 0 not in missing:
            found.append(Slip("outer_only", wrong, {**words, "outer": _factor_name(step, 0)}))
        elif missing == [n - 1]:
            found.append(Slip("inner_missing", wrong, {**words, "layer": _layer_words(step, n - 1)}))
        else:
            found.append(Slip("chain_factors_missing", wrong, words))
    return found


def _exp_slips(root: Step, step: Step, var: sympy.Symbol) -> list[Slip]:
    """d eᵘ: only the exponent differentiated (u′, when u is an inner layer), or the power rule (u·e^(u−1))."""
    found = []
    u = step.var
    power = step.expr
    words = {"power": _m(power)}
    if u != var:  # eᵘ with u an inner layer: 'only the exponent' drops the eᵘ factor
        found.append(Slip("exponent_only", with_override(root, step, sympy.S.One), words))
    base = sympy.E if step.rule_id == "exp" else step.base
    found.append(Slip("power_rule_on_exp", with_override(root, step, u * base ** (u - 1)), words))
    return found


def _constant_multiple_slips(root: Step, step: ConstantMultipleRule, var: sympy.Symbol) -> list[Slip]:
    found = []
    if step.constant.free_symbols:
        words = {"product": _m(step.expr), "var": _m(step.var), "constant": _m(step.constant)}
        found.append(Slip("product_as_constant", with_override(root, step, sympy.S.Zero), words))
        found.append(Slip("product_as_variable", with_override(root, step, sympy.S.One), words))
    if step.constant == sympy.Rational(1, 2):
        found.append(Slip("forgot_half", with_override(root, step, step.rest.result)))
        found.append(Slip("forgot_two", with_override(root, step, step.result / 2)))
    return found


def _stem(name: str) -> tuple[str, str]:
    stem, _, index = name.partition("_")
    return stem, index


def _analogue(term: sympy.Expr, var: sympy.Symbol) -> sympy.Symbol | None:
    """The symbol that plays var's part in another term of a sum: a_1 for a_2, w_1k for w_2k."""
    stem, index = _stem(var.name)
    if not index:
        return None
    matches = [s for s in term.free_symbols if _stem(s.name)[0] == stem and s != var]
    return matches[0] if len(matches) == 1 else None


def _sum_slips(d: Derivation) -> list[Slip]:
    """Every term of the sum kept: each other term differentiated as if its own a_j were the variable.

    Judged on the whole expression (E = 1/2 Σ (t_k - a_k)², net = Σ w_jk a_j + b): the engine may have named the
    sum a chain layer, but the learner's slip is about the terms of the sum as written.
    """
    var = d.var
    coefficient, whole = d.expr.as_coeff_Mul()
    if not whole.is_Add:
        return []
    extra, others = [], []
    for term in whole.args:
        if term.has(var):
            continue
        analogue = _analogue(term, var)
        if analogue is not None:
            extra.append(coefficient * sympy.diff(term, analogue))
            others.append(_m(term))
    if not extra:
        return []
    return [Slip("whole_sum", d.result + sympy.Add(*extra), {"var": _m(var), "others": ", ".join(others)})]


def _quotient_slips(root: Step, step: QuotientRule) -> list[Slip]:
    words = {"top": _m(step.numerator.expr), "bottom": _m(step.denominator.expr)}
    return [Slip("quotient_reversed", with_override(root, step, -step.result), words)]


def _sigmoid_argument(expr: sympy.Expr) -> sympy.Expr | None:
    """u when expr is σ(u), written either way (σ(u) or 1/(1 + e^(-u)))."""
    if expr.func is sigmoid:
        return expr.args[0]
    if expr.is_Pow and expr.exp == -1 and expr.base.is_Add and len(expr.base.args) == 2:
        one, power = sorted(expr.base.args, key=lambda a: a != 1)
        if one == 1 and power.func is sympy.exp:
            return -power.args[0]
    return None


def tree_slips(d: Derivation) -> list[Slip]:
    """Every slip this derivation admits, most specific first (the first match names the slip)."""
    root, var = d.root, d.var
    found: list[Slip] = []
    for step in root.walk():
        if len(found) > MAX_SLIPS:
            break
        slips_at = SLIPS_BY_RULE.get(step.rule_id)
        if slips_at is not None:
            found += slips_at(root, step, var)
    found += _sum_slips(d)
    inside = _sigmoid_argument(d.expr)
    if inside is not None and inside.has(var):  # σ′(u) taken to be σ(u), the chain rule still applied
        found.append(Slip("sigma_prime_is_sigma", d.expr * sympy.diff(inside, var)))
    if d.final != 0:
        found.append(Slip("flipped_sign", -d.final))
    order = list(SLIP_ORDER)
    found.sort(key=lambda s: order.index(s.id))  # stable: tree order within one kind
    return found[:MAX_SLIPS]


SLIPS_BY_RULE: dict[str, Callable[[Step, Step, sympy.Symbol], list[Slip]]] = {
    "quotient": lambda root, step, var: _quotient_slips(root, step),
    "chain": lambda root, step, var: _chain_slips(root, step),
    "exp": _exp_slips,
    "exp_base": _exp_slips,
    "constant_multiple": _constant_multiple_slips,
    "sigmoid": lambda root, step, var: [Slip("sigma_prime_is_sigma", with_override(root, step, sigmoid(step.var)))],
}
"""A rule's id -> the slips a beginner makes at a step of that rule (a table row per rule, not an isinstance ladder)."""

SLIP_ORDER = (
    "quotient_reversed", "lost_sign", "outer_only", "inner_missing", "exponent_only", "power_rule_on_exp",
    "sigma_prime_is_sigma", "product_as_constant", "product_as_variable", "forgot_half", "forgot_two",
    "whole_sum", "chain_factors_missing", "flipped_sign",
)


def renamed(slips: list[Slip], names: dict) -> list[Slip]:
    """The same slips written in other names (a_2 -> a_k for a preset's general form)."""
    if not names:
        return slips
    spellings = [(math_text(old), math_text(new)) for old, new in names.items()]
    spellings += [(old.name, new.name) for old, new in names.items()]

    def respelt(text: str) -> str:
        for old, new in spellings:
            text = text.replace(old, new)
        return text

    return [Slip(s.id, s.expr.xreplace(names), {k: respelt(v) for k, v in s.words.items()}) for s in slips]


def product_slips(factors: list[tuple[str, sympy.Expr, list[Slip]]], outer: sympy.Expr = sympy.S.One) -> list[Slip]:
    """Slips of a product of named factors (dE/da_k · da_k/dnet_k · dnet_k/dw_jk): any subset left out, and
    each factor's own slips with the others right."""
    found: list[Slip] = []
    values = [value for _, value, _ in factors]
    n = len(factors)
    indexes = range(n)
    if n <= MAX_CHAIN_FACTORS:
        drops = [set(c) for size in range(1, n) for c in itertools.combinations(indexes, size)]
    else:
        drops = [{i} for i in indexes]
    for dropped in drops:
        kept = [v for i, v in enumerate(values) if i not in dropped]
        missing = [factors[i][0] for i in sorted(dropped)]
        words = {"missing": ", ".join(missing), "are": "is" if len(missing) == 1 else "are"}
        if dropped == set(range(1, n)):
            found.append(Slip("outer_only", outer * sympy.Mul(*kept), {**words, "outer": factors[0][0]}))
        else:
            found.append(Slip("chain_factors_missing", outer * sympy.Mul(*kept), words))
    for i, (_, _, own) in enumerate(factors):
        others = sympy.Mul(*(v for j, v in enumerate(values) if j != i))
        found += [Slip(s.id, outer * others * s.expr, s.words) for s in own if s.id != "flipped_sign"]
    whole = outer * sympy.Mul(*values)
    found.append(Slip("flipped_sign", -whole))
    order = ["outer_only", "chain_factors_missing", *SLIP_ORDER]  # a factor left out is named as that first
    found.sort(key=lambda s: order.index(s.id))
    return found[:MAX_SLIPS]
