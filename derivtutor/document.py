"""The format-neutral document: what a derivation or a backprop preset shows, as plain data.

`build_document(built, detail)` reads a verified Derivation (or an Explained / ChainOfDerivations preset) and
lays it out once: headings, paragraphs with inline maths, maths rows with a check mark and a note, rule cards.
`--detail` is decided here and nowhere else, so every backend that walks a Document shows the same steps.
Maths stays a SymPy expression (each backend prints it with its own printer) with a plain-text fallback.
Nothing here differentiates or simplifies; every sentence comes from teaching.py.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy

from derivtutor.blocks import Document, Heading, MathRow, Paragraph, Table, Text
from derivtutor.derivation import Derivation
from derivtutor.detail import rules_shown, shows
from derivtutor.explain import (
    cancelled,
    card_formula,
    chain_card_names,
    corner_notes,
    move_formula,
    move_name,
    move_why,
    multiply_move,
    screen_names,
    step_notes,
)
from derivtutor.mathtext import math_text, name_text
from derivtutor.rules import ChainRule, Step
from derivtutor.teaching import ALGEBRA_MOVES, DOCUMENT_HEADINGS, HEADINGS, NOTES, RULES

if TYPE_CHECKING:
    from collections.abc import Callable

    from derivtutor.backprop import ChainOfDerivations, Explained, Factor
    from derivtutor.derivation import Built

DETAILS = ("brief", "normal", "full")


# -- inline runs ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Maths:
    """An expression; `factors` when a product is shown factor by factor, unmultiplied (a · b · c)."""

    expr: sympy.Expr
    factors: tuple[sympy.Expr, ...] = ()

    @property
    def text(self) -> str:
        """The plain-text fallback (the terminal's own maths printer)."""
        return self.spelt(unicode=True)

    @property
    def typed(self) -> str:
        """ASCII, as a learner would type it: `derive` reads it back to this expression."""
        return self.spelt(unicode=False)

    def spelt(self, unicode: bool) -> str:
        if len(self.factors) > 1:  # (one factor is the expression itself: no brackets round it)
            dot = " · " if unicode else " * "
            return dot.join(f"({math_text(f, unicode)})" if f.is_Add or (i and f.could_extract_minus_sign())
                            else math_text(f, unicode) for i, f in enumerate(self.factors))
        return math_text(self.expr, unicode)


@dataclass(frozen=True)
class Ratio:
    """d top / d var (∂ when partial); `of` is an expression written after d/dvar instead of a name on top."""

    top: str | None
    var: sympy.Expr
    partial: bool = False
    of: sympy.Expr | None = None

    @property
    def text(self) -> str:
        d = "∂" if self.partial else "d"
        if self.of is not None:
            return f"{d}/{d}{math_text(self.var)} ({math_text(self.of)})"
        return f"{d}{name_text(self.top or '')}/{d}{math_text(self.var)}"


@dataclass(frozen=True)
class Check:
    """The ✓: this step was checked against sympy.diff."""

    text: str = "✓"


Run = Text | Maths | Ratio | Check
Runs = tuple[Run, ...]


def plain(runs: Runs) -> str:
    """Runs as one plain-text line (for tests and a text fallback)."""
    return "".join(run.text for run in runs)


# -- blocks (Heading, Paragraph, MathRow, Table and the Document itself need no SymPy: blocks.py) ---------------
@dataclass(frozen=True)
class RuleCard:
    name: str
    formula: str  # the general formula in letters free on this page (explain.card_formula, move_formula)
    why: str
    formula_latex: str = ""  # the same formula as teaching.RULES writes it in LaTeX (LaTeX, Markdown, MathJax)
    formula_runs: Runs = ()  # the chain rule in this page's own ratios (∂E/∂a₂ = ∂E/∂g · ∂g/∂a₂), as maths


@dataclass(frozen=True)
class Note:
    """A remark said beside the maths (a corner, SymPy's own form, a route)."""

    runs: Runs


Block = Heading | Paragraph | MathRow | Table | RuleCard | Note


# -- filling teaching sentences ----------------------------------------------------------------------------------
def fill(template: str, **values: object) -> Runs:
    """A NOTES template with its {fields} filled: SymPy values become maths, tuples a list, str stays words."""
    out: list[Run] = []
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            out.append(Text(literal))
        if name is None:
            continue
        value = values[name]
        if isinstance(value, str):
            out.append(Text(value))
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if i:
                    out.append(Text(", "))
                out.append(Maths(item))
        else:
            out.append(Maths(value))
    return tuple(out)


def named(template: str, names: dict[str, str]) -> Runs:
    """A backprop sentence whose {fields} are the learner's variable names (a_k, net_k)."""
    return (Text(template.format(**{k: name_text(v) for k, v in names.items()})),)


# -- a single derivation -----------------------------------------------------------------------------------------
class _Layout:
    """Walks a verified Derivation into blocks; the one place where --detail decides what is shown."""

    def __init__(self, derivation: Derivation, detail: str) -> None:
        if detail not in DETAILS:
            raise ValueError(f"detail must be one of {', '.join(DETAILS)}, not {detail!r}")
        self.d = derivation
        self.detail = detail
        self.blocks: list[Block] = []

    def partial(self, step: Step) -> bool:
        return self.partial_of(step.expr, step.var)

    def partial_of(self, expr: sympy.Expr, var: sympy.Symbol) -> bool:
        """∂ when the quantity depends on more than its variable (or on the page's, which has others)."""
        if var == self.d.var and self.d.held_constant:
            return True
        return bool(expr.free_symbols - {var})

    def chain_card_partial(self, chain: ChainRule) -> tuple[bool, bool, bool]:
        """∂ or d for the chain rule's card, as the chain's rows write them: the whole, f by g, g by x."""
        if len(chain.layers) < 2:
            return (False, False, False)
        first = chain.layers[0]
        return (self.partial(chain), self.partial(first.step), self.partial_of(first.value, chain.var))

    def extra(self, step: Step) -> Runs:
        out: list[Run] = []
        for item in step_notes(step, kinks_in_own_line=self.d.var):
            if out:
                out.append(Text(" "))
            out.extend(fill(NOTES[item.key], **item.fields))
        return tuple(out)

    def rule_note(self, step: Step) -> Runs:
        extra = self.extra(step)
        return (Text(RULES[step.rule_id].name), *((Text("; "), *extra) if extra else ()))

    def shown(self, step: Step) -> bool:
        return shows(step, self.detail)  # detail.py: the terminal's rule (brief hides only bare trivial steps)

    def add(self, rhs: Maths, lhs: Runs = (), checked: bool = False, note: Runs = (), depth: int = 0,
            kind: str = "step") -> None:
        self.blocks.append(MathRow(rhs, lhs, checked, note, depth, kind))

    def step(self, step: Step, depth: int, top: str | None = None) -> None:
        if isinstance(step, ChainRule):
            self.chain(step, depth, top)
            return
        partial = self.partial(step)
        lhs = Ratio(top, step.var, partial) if top else Ratio(None, step.var, partial, of=step.expr)
        self.add(Maths(step.result), (lhs,), step.verified, self.rule_note(step), depth)
        for sub in step.substeps():
            if self.shown(sub):
                self.step(sub, depth + 1)

    def chain(self, step: ChainRule, depth: int, top: str | None) -> None:
        layers = step.layers
        name = layers[0].name
        if top is None:  # a chain inside a bigger tree: say which expression it is first
            self.add(Maths(step.expr), (Maths(sympy.Function(name)(step.var)),), depth=depth, kind="function")
        for layer in layers:
            note: Runs = ()
            if layer.value is not None:
                note = (Text("where "), Maths(sympy.Eq(layer.var, layer.value, evaluate=False)))
            self.add(Maths(layer.expr), (Maths(sympy.Function(layer.name)(layer.var)),), note=note, depth=depth,
                     kind="layer")
        partial = self.partial(step)
        whole = Ratio(name, step.var, partial)
        product: list[Run] = []
        for i, layer in enumerate(layers):
            if i:
                product.append(Text(" · "))
            product.append(Ratio(layer.name, layer.var, self.partial(layer.step)))
        chain_note: Runs = (Text(RULES["chain"].name),)
        if self.detail == "full":
            chain_note = (Text(RULES["chain"].name + ": " + NOTES["chain_layers"]),)
        self.blocks.append(Paragraph((whole, Text(" = "), *product, Text("   "), *chain_note)))
        for layer in layers:
            self.step(layer.step, depth + 1, top=layer.name)
        assignments = tuple(sympy.Eq(layer.var, layer.value, evaluate=False) for layer in layers
                            if layer.value is not None)
        backs = tuple(layer.back for layer in layers)
        note = fill(NOTES["substitute_back"], assignments=assignments)
        gone = cancelled(list(backs))
        if gone:
            note += (Text(" "), *fill(NOTES["cancel_common"], factors=tuple(gone)))
        self.add(Maths(sympy.Mul(*backs), factors=backs), (whole,), note=note, depth=depth, kind="substitute")
        if len(backs) > 1 or backs[0] != step.result:
            said: Runs = (Text(DOCUMENT_HEADINGS["multiplied_out"]),)
            if self.detail != "brief":  # how: "two minus signs make a plus" only where two minus signs meet
                said += (Text(": " + ALGEBRA_MOVES[multiply_move(list(backs))].why),)
            self.add(Maths(step.result), checked=step.verified, note=said, depth=depth)

    def build(self, with_title: bool = True) -> list[Block]:
        d = self.d
        partial = bool(d.held_constant)
        top = Ratio(d.function_name, d.var, partial)
        if with_title:
            self.blocks.append(Heading(title_text(d), 1))
        f_of = Maths(sympy.Function(d.function_name)(d.var))
        self.add(Maths(d.expr), (f_of,), kind="function")
        held = d.held_constant
        if held:
            key = "held_constant_one" if len(held) == 1 else "held_constant_many"
            self.blocks.append(Note(fill(NOTES[key], names=held)))
        self.blocks.append(Heading(HEADINGS["step_by_step"].format(d=top.text), 2))
        self.step(d.root, 0, top=d.function_name if isinstance(d.root, ChainRule) else None)
        self.add(Maths(d.result), (top,), d.root.verified,
                 (Text(NOTES["verified"] if d.root.verified else DOCUMENT_HEADINGS["not_checked"]),), kind="result")
        if d.result != d.reference:
            self.blocks.append(Note(fill(NOTES["sympy_form"], expr=d.reference)))
        if self.detail == "full":
            self.routes()
        for item in corner_notes(d):
            self.blocks.append(Note(fill(NOTES[item.key], **item.fields)))
        if d.algebra:
            self.blocks.append(Heading(HEADINGS["algebra"], 2))
            taken = screen_names(d)
            for move in d.algebra:
                name = move_name(move.move, taken)
                note = (Text(f"{name}: {move_why(move.move, taken)}"),) if self.detail == "full" else (Text(name),)
                self.add(Maths(move.after, factors=move.shown), checked=move.verified, note=note, kind="algebra")
        self.blocks.append(Heading(HEADINGS["answer"].rstrip(": "), 2))
        self.add(answer_maths(d), (top,), d.verified, kind="answer")
        return self.blocks

    def routes(self) -> None:
        for route in self.d.routes:
            heading = NOTES["route_heading"].format(expr="{expr}", rule=RULES[route.rule_id].name)
            self.blocks.append(Note(fill(heading, expr=route.expr)))
            for i, (line, key) in enumerate(route.lines):
                lhs: Runs = (Maths(route.expr),) if i == 0 else (
                    (Ratio(None, route.var, of=route.expr),) if i == 1 else ())
                last = i == len(route.lines) - 1
                self.add(Maths(line), lhs, last and route.verified, (Text(NOTES[key]),), 1)


def answer_maths(derivation: Derivation) -> Maths:
    """The final answer as shown: the last algebra move written factor by factor, else the rules' result."""
    if derivation.algebra:
        return Maths(derivation.final, factors=derivation.algebra[-1].shown)
    return Maths(derivation.result)


def title_text(derivation: Derivation) -> str:
    if derivation.title:
        return derivation.title
    kind = "Partial derivative" if derivation.held_constant else "Derivative"
    return f"{kind} of {derivation.function_name} with respect to {derivation.var.name}"


def rule_cards(derivation: Derivation, detail: str = "full", taken: set[str] | None = None) -> list[Block]:
    """The rules of the steps shown at this detail and the moves used, first use first, each with its formula
    (letters free on this page, or free of `taken` when the page shows more than this derivation) and why."""
    seen = rules_shown(derivation.root, detail)
    taken = screen_names(derivation) if taken is None else taken
    chain = derivation.root if isinstance(derivation.root, ChainRule) else None
    partial = _Layout(derivation, detail).chain_card_partial(chain) if chain else (False, False, False)
    cards: list[Block] = [Heading(DOCUMENT_HEADINGS["rules_used"], 2)]
    for rule_id in seen:
        text = RULES[rule_id]
        cards.append(RuleCard(text.name, card_formula(rule_id, taken, chain, partial=partial), text.why,
                              card_formula(rule_id, taken, chain, latex=True),
                              _chain_card_runs(chain, partial) if rule_id == "chain" else ()))
    for move in derivation.algebra:
        cards.append(RuleCard(move_name(move.move, taken), move_formula(move.move, taken),
                              ALGEBRA_MOVES[move.move].why, move_formula(move.move, taken, latex=True)))
    return cards


def _chain_card_runs(chain: ChainRule | None, partial: tuple[bool, bool, bool]) -> Runs:
    """The chain rule's card as the chain's own ratios, for the formats that set it as maths (LaTeX, Markdown);
    the same as explain.card_formula's text."""
    if chain is None or len(chain.layers) < 2:
        return ()
    whole, outer, inner = (Ratio(top, var, p) for (top, var), p in zip(chain_card_names(chain), partial, strict=True))
    return (whole, Text(" = "), outer, Text(" · "), inner)


def step_blocks(derivation: Derivation, step: Step, detail: str = "normal", top: str | None = None) -> list[Block]:
    """One step of `derivation` with the substeps `detail` shows, as maths rows (a step-through screen);
    `top` names the function differentiated (df/dg), else the row reads d/dx (expression)."""
    layout = _Layout(derivation, detail)
    layout.step(step, 0, top)
    return layout.blocks


def step_partial(derivation: Derivation, step: Step) -> bool:
    """Whether this step of `derivation` is written with ∂ (its expression has other variables in it)."""
    return _Layout(derivation, "normal").partial(step)


def rule_card(rule_id: str, derivation: Derivation) -> RuleCard:
    """The card of one rule as `rule_cards` writes it (its formula in letters free on this page)."""
    chain = derivation.root if isinstance(derivation.root, ChainRule) else None
    partial = _Layout(derivation, "normal").chain_card_partial(chain) if chain else (False, False, False)
    text = RULES[rule_id]
    return RuleCard(text.name, card_formula(rule_id, screen_names(derivation), chain, partial=partial), text.why)


def sections(blocks: list[Block]) -> list[list[Block]]:
    """The blocks cut before each heading: a screen each (what comes before the first heading is one too)."""
    out: list[list[Block]] = []
    for block in blocks:
        if isinstance(block, Heading) or not out:
            out.append([])
        out[-1].append(block)
    return out


def algebra_move_blocks(derivation: Derivation, number: int, taken: set[str] | frozenset[str] = frozenset()
                        ) -> list[Block]:
    """One algebra move on its own (a lesson's screen per move): the line before it, the line after it with its ✓
    and the move's name, then its card (formula in letters free here: the derivation's names and `taken`)."""
    moves = derivation.algebra
    move = moves[number - 1]
    names = screen_names(derivation) | set(taken)
    name = move_name(move.move, names)
    before = Maths(derivation.result) if number == 1 else Maths(moves[number - 2].after,
                                                                  factors=moves[number - 2].shown)
    return [Heading(DOCUMENT_HEADINGS["move"].format(number=number, count=len(moves), name=name), 2),
            MathRow(before, kind="algebra"),
            MathRow(Maths(move.after, factors=move.shown), checked=move.verified, note=(Text(name),), kind="algebra"),
            RuleCard(name, move_formula(move.move, names), ALGEBRA_MOVES[move.move].why,
                     move_formula(move.move, names, latex=True))]


def derivation_blocks(derivation: Derivation, detail: str, with_title: bool = True) -> list[Block]:
    return _Layout(derivation, detail).build(with_title) + rule_cards(derivation, detail)


# -- the backprop presets ----------------------------------------------------------------------------------------
def depends_on_others(derivation: Derivation) -> bool:
    """Whether the quantity differentiated depends on more than its variable, so that its derivative is partial
    (∂E/∂aₖ: E has the targets in it; daₖ/dnetₖ: aₖ = σ(netₖ) has nothing else)."""
    return bool(derivation.held_constant) or bool(derivation.expr.free_symbols - {derivation.var})


def _factor_ratio(f: Factor) -> Ratio:
    return Ratio(f.top, sympy.Symbol(f.var), depends_on_others(f.derivation))


def _as_written(expr: sympy.Expr) -> Maths:
    """A product of the chain's factors shown factor by factor (-(tₖ − aₖ) · aₖ·(1 − aₖ) · aⱼ), not re-bracketed."""
    if expr.is_Mul and not (len(expr.args) == 2 and expr.args[0] == -1) and not expr.has(sympy.Sum):
        return Maths(expr, factors=tuple(expr.args))
    return Maths(expr)


def _chain_partial(c: ChainOfDerivations) -> bool:
    """The whole derivative is partial when any link of its chain is."""
    return any(depends_on_others(f.derivation) for f in c.path_factors + c.factors)


def _explained(e: Explained, detail: str) -> Document:
    doc = Document(e.title or title_text(e.derivation))
    doc.blocks.append(Heading(e.derivation.title or doc.title, 1))  # what is derived, not the command's name
    if e.intro:
        doc.blocks.append(Heading(DOCUMENT_HEADINGS["question"], 2))
        doc.blocks += [Paragraph(named(NOTES[key], e.names)) for key in e.intro]
    inner = _Layout(e.derivation, detail).build(with_title=False)
    doc.blocks += inner
    if e.rewrites:
        doc.blocks.append(Heading(DOCUMENT_HEADINGS["notation"], 2))
        doc.blocks.append(MathRow(Maths(e.derivation.final)))
        taken = screen_names(e.derivation)
        for r in e.rewrites:
            name = move_name(r.move, taken)
            words = name if detail == "brief" and not r.assumption else f"{name}: {move_why(r.move, taken)}"
            doc.blocks.append(MathRow(Maths(r.after), (), r.verified, (Text(words),), kind="algebra"))
    if e.outro:
        doc.blocks.append(Heading(DOCUMENT_HEADINGS["meaning"], 2))
        doc.blocks += [Paragraph(named(NOTES[key], e.names)) for key in e.outro]
    if e.general_lhs is not None:
        doc.blocks.append(Heading(DOCUMENT_HEADINGS["in_general"], 2))
        top, var = e.general_lhs
        general = Ratio(top, sympy.Symbol(var), depends_on_others(e.derivation))
        doc.blocks.append(MathRow(Maths(e.general), (general,), e.verified, kind="answer"))
    doc.blocks += rule_cards(e.derivation, detail)
    return doc


def _factor(f: Factor, detail: str) -> list[Block]:
    d = f.derivation
    blocks: list[Block] = [MathRow(Maths(f.general), (_factor_ratio(f),), f.verified, kind="factor")]
    final = Maths(d.final, factors=d.algebra[-1].shown) if d.algebra else Maths(d.final)
    see = NOTES["bp_factor_see"].format(preset=f.preset)
    blocks.append(MathRow(final, (Ratio(None, d.var, depends_on_others(d), of=d.expr),), d.verified, (Text(see),),
                          depth=1))
    if f.note:
        names = {"a": f.top, "net": f.var, "w": f.var, "aj": f.var, "wjk": str(f.general)}
        blocks.append(Note(named(NOTES[f.note], names)))
    if detail == "full":
        blocks += _Layout(d, detail).build(with_title=False)
    return blocks


def _chain(c: ChainOfDerivations, detail: str) -> Document:
    doc = Document(c.title)
    blocks = doc.blocks
    blocks.append(Heading(c.title, 1))
    blocks += [Paragraph(named(NOTES[key], c.names)) for key in c.notes_intro]
    blocks.append(Heading(DOCUMENT_HEADINGS["chain_rule"], 2))
    links: list[Run] = []
    for f in c.path_factors:
        links += [Text(" · ") if links else Text(f"Σ{name_text('_' + str(c.sum_index))} [ "), _factor_ratio(f)]
    if c.path_factors:
        links.append(Text(" ]"))
    for i, f in enumerate(c.factors):
        links += [Text(" · ") if (links or i) else Text(""), _factor_ratio(f)]
    blocks.append(Paragraph((Ratio(c.top, sympy.Symbol(c.var), _chain_partial(c)), Text(" = "), *links)))
    if detail != "full":
        blocks.append(Note((Text(NOTES["bp_factor_brief"]),)))
    if c.path_factors:
        blocks.append(Heading(DOCUMENT_HEADINGS["path"].format(index=c.sum_index), 2))
        blocks.append(Paragraph(named(NOTES["bp_hidden_path_factors"], c.names)))
    blocks.append(Heading(DOCUMENT_HEADINGS["factors"], 2))
    for f in c.path_factors + c.factors:
        blocks += _factor(f, detail)
    blocks.append(Heading(DOCUMENT_HEADINGS["multiply"], 2))
    dE = Ratio(c.top, sympy.Symbol(c.var), _chain_partial(c))
    if c.path_factors:
        sigma = Text(f"Σ{name_text('_' + str(c.sum_index))} [ ")
        blocks.append(Paragraph((dE, Text(" = "), sigma, _as_written(c.formula), Text(" ] · "), _as_written(c.outer),
                                 *((Text("  "), Check()) if c.verified else ()))))
    else:
        blocks.append(MathRow(_as_written(c.formula), (dE,), c.verified, kind="answer"))
    blocks.append(Heading(DOCUMENT_HEADINGS["delta"], 2))
    delta_name = Maths(sympy.Symbol(c.delta_name))
    blocks.append(MathRow(_as_written(c.delta), (delta_name,)))
    blocks += [Paragraph(named(NOTES[key], c.names)) for key in c.notes_delta]
    last = c.factors[-1].general
    blocks.append(MathRow(Maths(sympy.Symbol(c.delta_name) * last, factors=(sympy.Symbol(c.delta_name), last)),
                          (dE,)))
    blocks.append(Heading(DOCUMENT_HEADINGS["update"], 2))
    blocks.append(Paragraph(named(NOTES["bp_update"], c.names)))
    update_lhs = (Text("Δ"), Maths(sympy.Symbol(c.var)))
    eta = sympy.Symbol("eta")
    blocks.append(Paragraph((*update_lhs, Text(" = "), Maths(-eta), Text(" · "), dE)))  # the rule, then in symbols
    blocks.append(MathRow(Maths(c.update), update_lhs))
    sizes = ", ".join("-".join(str(n) for n in size) for size in c.check.sizes)
    summary = NOTES["bp_checked_network"].format(sizes=sizes, count=c.check.weights)
    blocks.append(Paragraph((Text(summary), *((Text(" "), Check()) if c.check.verified else ()))))
    blocks += _chain_rule_cards(c, detail)
    return doc


def _chain_rule_cards(c: ChainOfDerivations, detail: str) -> list[Block]:
    """The chain rule's card, then each factor's rules (first use first), in letters free on this page."""
    factors = c.path_factors + c.factors
    names_shown = set().union(*(screen_names(f.derivation) for f in factors)) | {c.top, c.var}
    taken = names_shown | {name.split("_")[0] for name in names_shown}  # a_k and a_j take the letter a too
    chain = RULES["chain"]
    cards: list[Block] = [Heading(DOCUMENT_HEADINGS["rules_used"], 2),
                          RuleCard(chain.name, card_formula("chain", taken), chain.why,
                                   card_formula("chain", taken, latex=True))]
    names = {chain.name}
    for f in factors:
        for card in rule_cards(f.derivation, detail, taken)[1:]:
            if isinstance(card, RuleCard) and card.name not in names:
                names.add(card.name)
                cards.append(card)
    return cards


def build_document(built: Built, detail: str = "normal") -> Document:
    """The one document for whatever derive built: a Derivation, an Explained preset or a chain of derivations."""
    if detail not in DETAILS:
        raise ValueError(f"detail must be one of {', '.join(DETAILS)}, not {detail!r}")
    layout = LAYOUTS.get(getattr(built, "kind", None))
    if layout is None:
        raise TypeError(f"no document for a {type(built).__name__}")
    return layout(built, detail)


def _derivation(d: Derivation, detail: str) -> Document:
    return Document(title_text(d), derivation_blocks(d, detail))


# One row per Built kind (derivation.Built.kind): how its document is laid out.
LAYOUTS: dict[str, Callable[..., Document]] = {"derivation": _derivation, "explained": _explained, "chain": _chain}
