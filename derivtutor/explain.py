"""Which sentences of teaching.NOTES apply to a step, and with which values.

Renderers share this choice and differ only in how they write the values (Unicode text, LaTeX), so a note
added here appears in the terminal, in exports and in lessons alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy

from derivtutor.derivation import Derivation
from derivtutor.mathtext import math_text, name_text
from derivtutor.rules import ChainRule, Step
from derivtutor.teaching import ALGEBRA_MOVES, RULES


@dataclass(frozen=True)
class Note:
    """A NOTES key and its fields: maths as SymPy objects (or tuples of them), words as str."""

    key: str
    fields: dict[str, object]


def step_notes(step: Step, kinks_in_own_line: sympy.Symbol | None = None) -> list[Note]:
    """The notes for one step: the rule's own `notes()` hook (rules.py), so a new rule needs no edit here.

    `kinks_in_own_line` is kept for callers: corners are not stated per step (|u| bends at u = 0, but whether the
    whole function has a derivative there is decided once for the whole expression: corner_notes)."""
    return [Note(key, fields) for key, fields in step.notes()]


def corner_notes(derivation: Derivation) -> list[Note]:
    """What the whole function does where a part of it bends: no derivative (and why), or smooth (and the slope)."""
    var = derivation.var
    notes: list[Note] = []
    keys = {"corner": "corner_at", "vertical": "vertical_at", "jump": "jump_at", "undefined": "undefined_at",
            "smooth": "smooth_at", "undecided": "undecided_at"}
    for corner in derivation.corners:
        fields: dict[str, object] = {"point": sympy.Eq(var, corner.point, evaluate=False)}
        if corner.kind == "corner":
            fields.update(left=corner.left, right=corner.right)
        if corner.kind == "smooth":
            fields["slope"] = corner.left
        notes.append(Note(keys[corner.kind], fields))
    family_keys = {"corner": "corner_family", "smooth": "smooth_family"}
    for family in derivation.corner_families:
        key = family_keys.get(family.kind, "undecided_family")
        notes.append(Note(key, {"point": sympy.Eq(var, family.formula, evaluate=False)}))
    return notes


def multiply_move(factors: list[sympy.Expr]) -> str:
    """The ALGEBRA_MOVES key for multiplying a chain's factors: 'two minus signs' only when two minus signs meet."""
    minus = sum(1 for f in factors if f.could_extract_minus_sign())
    return "multiply_signs" if minus >= 2 else "multiply_plain"


# -- rule cards in letters that are free on this screen -------------------------------------------------------

CARD_LETTERS = "fguxanc"  # the letters the general formulas in teaching.RULES are written with
SPARE_LETTERS = "pqrsvkmyzFG"
_RAISED = dict(zip("fguxan", "ᶠᵍᵘˣᵃⁿ", strict=True))
_RAISED |= {"p": "ᵖ", "r": "ʳ", "s": "ˢ", "v": "ᵛ", "k": "ᵏ", "m": "ᵐ", "y": "ʸ", "z": "ᶻ"}
_LETTER = re.compile(r"(?<![A-Za-z\\])(d?)([" + CARD_LETTERS + r"])(?![A-Za-z])")
_RAISED_LETTER = re.compile("[" + "".join(_RAISED[c] for c in "fguxan") + "]")


def screen_names(derivation: Derivation) -> set[str]:
    """The letters the learner sees as names on this screen: variables, function and layer names."""
    taken = {s.name for s in derivation.expr.free_symbols} | {derivation.var.name, derivation.function_name}
    for step in derivation.root.walk():
        if isinstance(step, ChainRule):
            taken |= {layer.name for layer in step.layers} | {layer.var.name for layer in step.layers}
    return taken


def chain_card_names(chain: ChainRule) -> tuple[tuple[str, sympy.Symbol], ...]:
    """The chain rule's card in the chain's own names, top and variable of each ratio: f by x = f by g · g by x."""
    first = chain.layers[0]
    return ((first.name, chain.var), (first.name, first.var), (chain.layers[1].name, chain.var))


def card_formula(rule_id: str, taken: set[str], chain: ChainRule | None = None, latex: bool = False,
                 partial: tuple[bool, bool, bool] = (False, False, False)) -> str:
    """The rule's general formula with its letters renamed away from the names on screen.

    The chain rule's card is written with the chain's own names, as the screen prints them, with ∂ where the
    screen writes ∂ (`partial`: the whole, then each factor; document.py decides): df/dx = df/dg · dg/dx for
    f(g), g(x); ∂E/∂a₂ = ∂E/∂g · ∂g/∂a₂ for the error. In LaTeX that card is "" (the backends set its text).
    Other cards keep u, f, g unless the screen uses them, then take spare letters.
    """
    text = RULES[rule_id]
    formula = text.formula_latex if latex else text.formula
    if rule_id == "total_derivative":  # its letters are the paths' own names: f, x(t), y(t)
        return formula
    if rule_id == "chain" and chain is not None and len(chain.layers) > 1:
        if latex:
            return ""
        whole, outer, inner = (f"{d}{name_text(top)}/{d}{math_text(var)}" for (top, var), d in
                               zip(chain_card_names(chain), ("∂" if p else "d" for p in partial), strict=True))
        return f"{whole} = {outer} · {inner}"
    used = set(_LETTER.findall(formula)) and {m[1] for m in _LETTER.findall(formula)}
    clashing = sorted(used & taken)
    if not clashing:
        return formula
    raised = not latex and _RAISED_LETTER.search(formula) is not None
    spare = (c for c in SPARE_LETTERS if c not in taken and c not in used and (not raised or c in _RAISED))
    rename = {old: next(spare) for old in clashing}
    formula = _LETTER.sub(lambda m: m.group(1) + rename.get(m.group(2), m.group(2)), formula)
    if not latex:
        lowered = {_RAISED[old]: _RAISED[new] for old, new in rename.items() if old in _RAISED and new in _RAISED}
        formula = _RAISED_LETTER.sub(lambda m: lowered.get(m.group(), m.group()), formula)
    return formula


# -- algebra moves in letters that are free on this screen ------------------------------------------------------

MOVE_SPARE = {"lower": "pqrsvkmyzcw", "upper": "PQRSUVWKM"}
_MOVE_RAISED = _RAISED | {"b": "ᵇ", "c": "ᶜ", "w": "ʷ", "t": "ᵗ", "A": "ᴬ", "B": "ᴮ", "P": "ᴾ", "R": "ᴿ",
                          "U": "ᵁ", "V": "ⱽ", "W": "ᵂ", "K": "ᴷ", "M": "ᴹ"}


def move_letters(move_id: str, taken: set[str]) -> dict[str, str]:
    """The move's placeholder letters that the screen uses, each with a spare letter the screen does not use."""
    text = ALGEBRA_MOVES[move_id]
    clashing = [old for old in text.letters if old in taken]
    if not clashing:
        return {}
    raised = {old for old in text.letters if old in _MOVE_RAISED and _MOVE_RAISED[old] in text.formula + text.name}
    used = set(taken) | set(text.letters)
    rename: dict[str, str] = {}
    for old in clashing:
        pool = MOVE_SPARE["upper" if old.isupper() else "lower"]
        new = next((c for c in pool if c not in used and (old not in raised or c in _MOVE_RAISED)), None)
        if new is None:  # every spare is on the screen too: keep the letter rather than invent a worse one
            continue
        rename[old] = new
        used.add(new)
    return rename


def _renamed(text: str, rename: dict[str, str], latex: bool) -> str:
    if not rename:
        return text
    letter = re.compile(r"(?<![A-Za-z\\])([" + "".join(rename) + r"])(?![A-Za-z])")
    text = letter.sub(lambda m: rename[m.group(1)], text)
    if latex:
        return text
    raised = {_MOVE_RAISED[old]: _MOVE_RAISED[new] for old, new in rename.items()
              if old in _MOVE_RAISED and new in _MOVE_RAISED}
    return "".join(raised.get(ch, ch) for ch in text)


def move_formula(move_id: str, taken: set[str], latex: bool = False) -> str:
    """The identity behind an algebra move ("" if it has none), in letters free on the screen: with an input a
    and a bias b on screen, (a − b)/a = 1 − b/a is written (p − q)/p = 1 − q/p."""
    text = ALGEBRA_MOVES[move_id]
    return _renamed(text.formula_latex if latex else text.formula, move_letters(move_id, taken), latex)


def move_name(move_id: str, taken: set[str]) -> str:
    """The move's name, its placeholder letters renamed like its formula (divide top and bottom by eᵘ)."""
    return _renamed(ALGEBRA_MOVES[move_id].name, move_letters(move_id, taken), False)


def move_why(move_id: str, taken: set[str]) -> str:
    """What a screen says beside a move: its formula (letters free on the screen), then why it may be done."""
    formula = move_formula(move_id, taken)
    why = ALGEBRA_MOVES[move_id].why
    return f"{formula}. {why}" if formula else why


def cancelled(factors: list[sympy.Expr]) -> list[sympy.Expr]:
    """Factors that appear on the top of one factor and the bottom of another: -t/σ(z) · σ(z)(1 - σ(z))."""
    top: set[sympy.Expr] = set()
    bottom: set[sympy.Expr] = set()
    for factor in factors:
        for part in sympy.Mul.make_args(factor):
            base, exp = part.as_base_exp()
            if base.is_number:
                continue
            (bottom if exp.is_negative else top).add(base)
    return sorted(top & bottom, key=sympy.default_sort_key)


def substitute_note(chain: ChainRule) -> list[Note]:
    """The substitute-back sentence for a chain met inside a bigger tree, and what cancels when multiplied."""
    assignments = tuple(sympy.Eq(layer.var, layer.value, evaluate=False) for layer in chain.layers
                        if layer.value is not None)
    notes = [Note("substitute_back_inline", {"assignments": assignments})]
    gone = cancelled([layer.back for layer in chain.layers])
    if gone:
        notes.append(Note("cancel_common", {"factors": tuple(gone)}))
    return notes
