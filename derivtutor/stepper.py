"""`derive TARGET --step`: any derivation as a sequence of questions, each predicted before its step is shown.

The steps are data: `build_steps` turns what `derive` builds (a Derivation, a preset's Explained or
ChainOfDerivations) into a list of `Question`s in the order a teacher goes: the layers (the outer function, then
the inner ones), each factor, the product, each algebra move. Every answer is judged by judge.py (the same judge
and slip library as `derive check` and the lessons), after a few slips only a step-through meets (an answer in the
wrong variable, one path of a sum); every step shown is the verified one: its screen is document blocks (the rows
document.py lays out for `derive TARGET`, a preset's sections taken by their heading), printed by render/terminal.py.
`StepThrough` plays them (keys from prompting.py, as in the lesson player); `lesson_toml` writes them as a lesson.
Every sentence lives in teaching.STEP_TEXT and teaching.STEP_SLIPS.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import sympy

from derivtutor.console import ascii_words
from derivtutor.derivation import Derivation
from derivtutor.document import (
    Block,
    Check,
    Heading,
    MathRow,
    Maths,
    Note,
    Paragraph,
    Ratio,
    RuleCard,
    Text,
    build_document,
    depends_on_others,
    named,
    rule_card,
    sections,
    step_blocks,
    step_partial,
)
from derivtutor.explain import card_formula, move_name, move_why, multiply_move, screen_names
from derivtutor.judge import (
    Form,
    Target,
    Verdict,
    _derivation_form,
    _equal,
    _factor_slips,
    _rule_hint,
    judge_answer,
    target_for,
)
from derivtutor.mathtext import factors_text, math_text, name_text
from derivtutor.rules import ChainRule, ConstantMultipleRule, ProductRule, QuotientRule, SumRule
from derivtutor.rules import Step as RuleStep
from derivtutor.slips import Slip, product_slips
from derivtutor.teaching import (
    ALGEBRA_MOVES,
    CHECK_TEXT,
    DOCUMENT_HEADINGS,
    HEADINGS,
    NOTES,
    RULES,
    SLIPS,
    STEP_SLIPS,
    STEP_TEXT,
)

LEVELS = ("all", "layers")
MAX_ANSWER_CHARS = 2000
"""A typed answer longer than this is refused unread (as derive check does)."""
ORDER_ONLY_MOVES = frozenset({"teacher_order"})
"""Algebra moves that only reorder terms: shown, not asked (there is nothing to predict but an order)."""
LESSON_ITEMS, LESSON_FIELD_CHARS, LESSON_TEXT_CHARS = 200, 2000, 20000
"""The lesson loader's bounds (docs/lessons.md, Limits) that a saved step-through keeps to."""
MAX_QUESTIONS = 40
"""A derivation with more steps than this is stepped through at its top level only (bounded work and screens)."""


@dataclass(eq=False)
class Extra:
    """A slip checked before the judge: an answer equal to `expr` is wrong for the reason STEP_SLIPS[`id`] gives."""

    id: str
    expr: sympy.Expr
    words: dict[str, str] = field(default_factory=dict)


@dataclass(eq=False)
class LayerCheck:
    """What a layer question needs: the layer the derivation uses, and the whole it must rebuild."""

    name: str
    var: sympy.Symbol
    expected: sympy.Expr
    whole: sympy.Expr
    x: sympy.Symbol
    value: sympy.Expr


@dataclass(eq=False)
class Question:
    """One step: asked (or only shown), judged, then shown verified with its rule and why."""

    kind: str  # "layer", "factor", "part", "product", "combine", "move", "general", "path", "sum", "final"
    label: str  # how the score names it: df/dg, d/dx [x²], split the fraction
    question: str
    answer: sympy.Expr
    answer_text: str  # the verified answer as shown
    screen: list[Block]  # the verified step with its rule and why, as document blocks
    hints: list[str]
    target: Target | None = None
    extras: list[Extra] = field(default_factory=list)
    layer: LayerCheck | None = None
    asked: bool = True
    final: bool = False  # the whole derivative: asked at --step=layers too
    exercise: tuple | None = None  # (expression, wrt, name[, answer]) for a saved lesson
    shown_because: str = "shown_trivial"  # the STEP_TEXT key said above a step that is shown, not asked


# -- building the questions ----------------------------------------------------------------------------------------
class Builder:
    def __init__(self, detail: str, unicode: bool) -> None:
        self.detail = detail
        self.unicode = unicode
        self.dot = "·" if unicode else "*"
        self.current: Derivation | None = None  # the derivation whose steps are being asked (its rows need it)
        self.questions: list[Question] = []
        self.taken: set[str] = set()  # the names on screen: a rule card's letters avoid them

    def d(self, top: str, var: str, partial: bool) -> str:
        """d top/d var as the document writes it: ∂ when the derivative is partial (d in ASCII)."""
        d = "∂" if partial and self.unicode else "d"
        return f"{d}{self.n(top)}/{d}{self.n(var)}"

    def words(self, text: str) -> str:
        return text if self.unicode else ascii_words(text)

    def m(self, expr: sympy.Expr) -> str:
        return math_text(expr, self.unicode)

    def n(self, name: str) -> str:
        return name_text(name, self.unicode)

    def add(self, q: Question) -> None:
        q.question = self.words(q.question)
        q.hints = [self.words(h) for h in dict.fromkeys(h for h in q.hints if h)]
        self.questions.append(q)

    def trivial(self, step: RuleStep) -> bool:
        return self.detail == "brief" and RULES[step.rule_id].trivial

    # -- a Derivation --------------------------------------------------------------------------------------------
    def plan(self, label: str, screen: list[Block]) -> None:
        """A screen that is read, not asked: what is to be found, the notation, what a result means."""
        self.questions.append(Question("plan", label, "", sympy.S.Zero, "", screen, [], asked=False))

    def derivation(self, d: Derivation, heading: bool = True) -> None:
        f, x = d.function_name, d.var
        self.current = d
        self.taken = screen_names(d)
        if heading:  # the title and f(x) = ..., with the letters held constant for a partial derivative
            self.plan(STEP_TEXT["find_label"], sections(build_document(d, self.detail).blocks)[0])
        small = sum(1 for _ in d.root.walk()) <= MAX_QUESTIONS
        self.node(d.root, self.d(f, x.name, bool(d.held_constant)), f, top=d, deep=small)
        self.algebra(d)

    def rule_block(self, step: RuleStep, lhs: str, top: str | None = None) -> list[Block]:
        """The step's rows as `derive` shows them (d`top`/dx = ..., or d/dx (expression) = ...) and its rule."""
        rows = [*step_blocks(self.current, step, self.detail, top), rule_card(step.rule_id, self.current)]
        return [Heading(STEP_TEXT["shown"]), *rows] if top is None else rows

    def node(self, step: RuleStep, lhs: str, fname: str, top: Derivation | None = None, deep: bool = True) -> None:
        """The questions for one step of the tree: a chain by its layers, a product/quotient/sum by its parts."""
        if isinstance(step, ChainRule) and len(step.layers) > 1 and deep:
            self.chain(step, lhs, fname, top)
            return
        parts = [p for p in step.substeps() if p.expr.has(step.var)] if deep else []
        combining = isinstance(step, ProductRule | QuotientRule | SumRule) or (
            isinstance(step, ConstantMultipleRule) and not RULES[step.rest.rule_id].trivial)
        if combining and parts and (len(parts) > 1 or isinstance(step, ConstantMultipleRule)):
            rule = RULES[step.rule_id]
            plan = [Heading(STEP_TEXT["parts_intro"].format(d=lhs, expr=self.m(step.expr), rule=rule.name)),
                    RuleCard(rule.name, card_formula(step.rule_id, self.taken), ""),
                    Paragraph((Text(STEP_TEXT["parts_list"].format(parts=", ".join(self.m(p.expr) for p in parts))),))]
            self.questions.append(Question("plan", rule.name, "", step.result, "", plan, [], asked=False))
            for part in parts:
                self.node(part, f"d/d{self.m(part.var)} [{self.m(part.expr)}]", fname)
            # the step's own row, without its parts (they had screens of their own)
            block = [*step_blocks(self.current, step, "brief")[:1], rule_card(step.rule_id, self.current)]
            self.add(Question(
                "combine", lhs, STEP_TEXT["ask_combine"].format(rule=rule.name, d=lhs), step.result,
                self.m(step.result), block, [_rule_hint(step.rule_id, self.taken), rule.why],
                target=self.target_of(step, lhs, top), final=top is not None,
                exercise=(step.expr, step.var, fname) if top is not None else None))
            return
        # one rule does it: a single question
        if top is not None:
            question = STEP_TEXT["ask_top"].format(d=lhs, f=self.n(fname), var=self.m(step.var), expr=self.m(step.expr))
        else:
            question = STEP_TEXT["ask_part"].format(d=lhs)
        self.add(Question(
            "final" if top is not None else "part", lhs, question, step.result, self.m(step.result),
            self.rule_block(step, lhs, fname if top is not None else None),
            [_rule_hint(step.rule_id, self.taken), RULES[step.rule_id].why],
            target=self.target_of(step, lhs, top), asked=not self.trivial(step), final=top is not None,
            exercise=(step.expr, step.var, fname)))

    def target_of(self, step: RuleStep, label: str, top: Derivation | None) -> Target:
        """The judge's target for d(step.expr)/d(step.var): the whole derivation's own when it is the root."""
        from derivtutor.engine import derive

        return target_for(top if top is not None else derive(step.expr, step.var), label)

    def chain(self, step: ChainRule, lhs: str, fname: str, top: Derivation | None) -> None:
        layers = step.layers
        x = step.var
        for i, layer in enumerate(layers[:-1]):
            whole = step.expr if i == 0 else layers[i - 1].value
            name, var = self.n(layer.name), self.m(layer.var)
            if i == 0:
                question = STEP_TEXT["ask_layer_top"].format(whole=self.m(whole), var=var, name=name)
            else:
                question = STEP_TEXT["ask_layer"].format(whole=self.m(whole), var=var, name=name)
            shown = f"{name}({var}) = {self.m(layer.expr)}"
            block: list[Block] = [Heading(shown), MathRow(Maths(layer.value), (Maths(layer.var),), kind="layer")]
            if i == len(layers) - 2:
                last = layers[-1]
                block.append(Paragraph((Text(STEP_TEXT["innermost"].format(
                    layer=f"{self.n(last.name)}({self.m(last.var)}) = {self.m(last.expr)}")),)))
            if i == 0:
                block.append(Note((Text(NOTES["chain_layers"]),)))
            start = self.m(layer.expr)[:max(1, len(self.m(layer.expr)) // 2)]
            hints = [STEP_TEXT["layer_hint_1"].format(x=self.m(x), var=var),
                     STEP_TEXT["layer_hint_2"].format(whole=self.m(whole), var=var, start=start)]
            self.add(Question("layer", f"{name}({var})", question, layer.expr, shown, block, hints,
                              layer=LayerCheck(layer.name, layer.var, layer.expr, whole, x, layer.value)))
        for layer in layers:
            self.factor(layer)
        factors = f" {self.dot} ".join(self.d(layer.name, layer.var.name, step_partial(self.current, layer.step))
                                       for layer in layers)
        assignments = ", ".join(f"{self.m(layer.var)} = {self.m(layer.value)}" for layer in layers
                                if layer.value is not None)
        d = lhs if top is not None else self.d(layers[0].name, x.name, step_partial(self.current, step))
        block = self.substitute_block(step, fname if top is not None else None)
        question = STEP_TEXT["ask_chain_product"].format(assignments=assignments, d=d, factors=factors)
        self.add(Question(
            "product", d, question, step.result, self.m(step.result), block,
            [_rule_hint("chain", self.taken, step), ALGEBRA_MOVES["multiply"].why],
            target=self.target_of(step, d, top), final=top is not None,
            exercise=(step.expr, x, fname if top is not None else layers[0].name)))

    def substitute_block(self, step: ChainRule, top: str | None) -> list[Block]:
        """The chain's product with the layers put back, multiplied out: its rows as `derive` shows them."""
        rows = step_blocks(self.current, step, "brief", top)
        at = next(i for i, row in enumerate(rows) if isinstance(row, MathRow) and row.kind == "substitute")
        shown = rows[at:at + 2] if at + 1 < len(rows) and isinstance(rows[at + 1], MathRow) and \
            not rows[at + 1].lhs else rows[at:at + 1]
        move = ALGEBRA_MOVES[multiply_move([layer.back for layer in step.layers])]
        return [Heading(HEADINGS["substitute"]), *shown, Note((Text(f"{move.name}: {move.why}"),))]

    def factor(self, layer: object) -> None:
        from derivtutor.engine import derive

        name, var = self.n(layer.name), self.m(layer.var)
        label = self.d(layer.name, layer.var.name, step_partial(self.current, layer.step))
        shown_layer = f"{name}({var}) = {self.m(layer.expr)}"
        sub = derive(layer.expr, layer.var, name=layer.name)
        extras = []
        if layer.value is not None:
            x_names = ", ".join(sorted(s.name for s in layer.back.free_symbols - layer.expr.free_symbols)) or "x"
            extras.append(Extra("wrong_variable", layer.back,
                                {"d": label, "x": x_names, "layer": shown_layer, "var": var}))
        block = [*step_blocks(self.current, layer.step, self.detail, layer.name),
                 rule_card(layer.step.rule_id, self.current)]
        self.add(Question(
            "factor", label, STEP_TEXT["ask_factor"].format(d=label, layer=shown_layer), layer.step.result,
            self.m(layer.step.result), block,
            [_rule_hint(layer.step.rule_id, self.taken), RULES[layer.step.rule_id].why],
            target=target_for(sub, label), extras=extras, asked=not self.trivial(layer.step),
            exercise=(layer.expr, layer.var, layer.name)))

    def algebra(self, d: Derivation) -> None:
        before: list[sympy.Expr] = [d.result]
        taken = screen_names(d)
        for number, move_step in enumerate(d.algebra, start=1):
            name, why = move_name(move_step.move, taken), move_why(move_step.move, taken)
            shown = list(move_step.shown)
            after_text = factors_text(shown, self.unicode)
            block = [MathRow(Maths(move_step.after, factors=tuple(shown)), (), move_step.verified,
                             (Text(name),), kind="algebra"), Note((Text(why),))]
            after = move_step.after
            form = Form(after, after_text, (after,), _sign_only(after))
            question = STEP_TEXT["ask_move"].format(number=number, count=len(d.algebra), move=name,
                                                    before=factors_text(before, self.unicode))
            first = factors_text(shown[:1], self.unicode)
            reorder = move_step.move in ORDER_ONLY_MOVES
            self.add(Question("move", name, question, after, after_text, block,
                              [why, STEP_TEXT["move_hint_2"].format(first=first)],
                              target=Target(name, d.var, [form], None), asked=not reorder,
                              shown_because="shown_reorder"))
            before = shown

    # -- a preset's Explained -------------------------------------------------------------------------------------
    def explained(self, e: object) -> None:
        parts = sections(build_document(e, self.detail).blocks)
        self.plan(parts[0][0].text, parts[0])  # the title
        question = _section(parts, DOCUMENT_HEADINGS["question"])
        if e.intro and question:
            self.plan(question[0].text, question)
        self.derivation(e.derivation, heading=False)
        taken = screen_names(e.derivation)
        for rewrite in e.rewrites:
            name, why = move_name(rewrite.move, taken), move_why(rewrite.move, taken)
            using = ", ".join(f"{self.m(k)} = {self.m(v)}" for k, v in rewrite.definitions.items())
            using = f" (with {using})" if using else ""
            after_text = self.m(rewrite.after)
            block = [MathRow(Maths(rewrite.after), (), rewrite.verified, (Text(name),), kind="algebra"),
                     Note((Text(why),))]
            self.add(Question(
                "move", name, STEP_TEXT["ask_rewrite"].format(move=name, using=using, before=self.m(rewrite.before)),
                rewrite.after, after_text, block, [why],
                target=Target(name, e.derivation.var, [Form(rewrite.after, after_text, (rewrite.after,),
                                                            _sign_only(rewrite.after))], None)))
        if e.general_lhs is not None and e.general not in (e.derivation.final, e.final):
            top, var = e.general_lhs
            label = self.d(top, var, depends_on_others(e.derivation))
            text = self.m(e.general)
            self.add(Question(
                "general", label, STEP_TEXT["ask_general"].format(d=label), e.general, text,
                [MathRow(Maths(e.general), (Ratio(top, sympy.Symbol(var), depends_on_others(e.derivation)),),
                         e.verified, kind="answer")], [NOTES.get("bp_notation", "")],
                target=Target(label, sympy.Symbol(var, real=True),
                              [Form(e.general, text, (e.general,), _sign_only(e.general))], None)))
        meaning = _section(parts, DOCUMENT_HEADINGS["meaning"])
        if e.outro and meaning:
            self.plan(meaning[0].text, meaning)

    # -- a preset's chain of derivations ---------------------------------------------------------------------------
    def chain_of_derivations(self, c: object) -> None:
        blocks = build_document(c, self.detail).blocks
        parts = sections(blocks)
        self.plan(parts[0][0].text, parts[0])  # the question
        shown = [_section(parts, DOCUMENT_HEADINGS["chain_rule"])]
        if c.path_factors:
            shown.append(_section(parts, DOCUMENT_HEADINGS["path"].format(index=c.sum_index)))
        for section in shown:  # the chain rule, one path
            self.plan(section[0].text, section)
        inside = c.path_factors or c.factors
        for f in inside:
            self.bp_factor(f, blocks)
        partial = any(depends_on_others(f.derivation) for f in c.path_factors + c.factors)
        top = self.d(c.top, c.var, partial)
        if c.path_factors:
            labels = [self.d(f.top, f.var, depends_on_others(f.derivation)) for f in c.path_factors]
            path = c.formula
            text = _kept(path, self.unicode)
            pieces = [(label, f.general, _factor_slips(f)) for label, f in zip(labels, c.path_factors, strict=True)]
            self.add(Question(
                "path", "one path", STEP_TEXT["ask_path"].format(factors=f" {self.dot} ".join(labels)), path,
                text, [Heading(f"{f' {self.dot} '.join(labels)} = {text}")],
                [CHECK_TEXT["rule_hint"].format(rule=RULES["chain"].name, formula=RULES["chain"].formula)],
                target=Target("one path", sympy.Symbol(c.path_factors[-1].var, real=True),
                              [Form(path, text, (path,), lambda p=pieces: product_slips(p))], None)))
            self.sum_question(c)
            for f in c.factors:
                self.bp_factor(f, blocks)
            block = _section(parts, DOCUMENT_HEADINGS["multiply"])
            self.add(Question("final", top, STEP_TEXT["ask_final"].format(d=top), c.formula * c.outer,
                              _kept(c.formula, self.unicode), block, [], asked=False, final=True,
                              shown_because="shown_sum"))
        else:
            self.add(Question(
                "final", top, STEP_TEXT["ask_final"].format(d=top), c.formula, _kept(c.formula, self.unicode),
                _section(parts, DOCUMENT_HEADINGS["multiply"]),
                [CHECK_TEXT["rule_hint"].format(rule=RULES["chain"].name, formula=RULES["chain"].formula)],
                target=target_for(c, top), final=True))
        for key in ("delta", "update"):  # delta and the weight update
            section = _section(parts, DOCUMENT_HEADINGS[key])
            self.plan(section[0].text, section)

    def bp_factor(self, f: object, blocks: list[Block]) -> None:
        d = f.derivation
        label = self.d(f.top, f.var, depends_on_others(f.derivation))
        general = self.m(f.general)
        # the derivation's own form first: an answer in netₖ (σ(netₖ)·(1 − σ(netₖ))) is judged there
        forms = [_derivation_form(d),
                 Form(f.general, general, (f.general,), lambda f=f: [*_factor_slips(f), Slip("flipped_sign",
                                                                                             -f.general)], d)]
        question = STEP_TEXT["ask_factor"].format(d=label, layer=f"{self.n(f.top)} = {self.m(d.expr)}")
        self.add(Question(
            "factor", label, question, f.general, general, _factor_rows(blocks, f),
            [_rule_hint(d.root.rule_id, screen_names(d)), RULES[d.root.rule_id].why],
            target=Target(label, d.var, forms, d, _rule_hint(d.root.rule_id, screen_names(d))),
            exercise=(d.expr, d.var, f.top, d.final)))

    def sum_question(self, c: object) -> None:
        k = sympy.Symbol(c.sum_index, real=True)
        last = c.path_factors[-1]  # dnet_k/da_j: the variable the paths meet at
        a = last.var
        deltas = [sympy.Symbol(f"delta_{i}", real=True) for i in (1, 2)]
        weights = [last.general.xreplace({s: sympy.Symbol(s.name.replace("k", str(i)), real=True)
                                          for s in last.general.free_symbols}) for i in (1, 2)]
        with_delta = deltas[0] * weights[0] + deltas[1] * weights[1]
        terms = [c.formula.xreplace({s: sympy.Symbol(_index(s.name, c.sum_index, i), real=True)
                                     for s in c.formula.free_symbols}) for i in (1, 2)]
        written = terms[0] + terms[1]
        label = self.d(c.top, a, True)  # E depends on every output: partial
        words = {"a": self.n(a)}
        extras = [Extra("one_path", deltas[0] * weights[0], words), Extra("one_path", terms[0], words),
                  Extra("paths_multiplied", with_delta.args[0] * with_delta.args[1], words),
                  Extra("paths_multiplied", terms[0] * terms[1], words)]
        text = self.m(with_delta)
        sigma = f"Σ{name_text('_' + str(c.sum_index))} ("
        block = [Heading(f"{label} = {text} = {self.m(written)}"),
                 Paragraph((Text(f"{label} = {sigma}"), Maths(c.formula), Text(")  "), Check())),
                 Note(named(NOTES["bp_hidden_paths"], c.names))]
        forms = [Form(with_delta, text, (with_delta,), _sign_only(with_delta)),
                 Form(written, self.m(written), (written,), _sign_only(written))]
        self.add(Question(
            "sum", f"the sum over {k}", STEP_TEXT["ask_sum"].format(a=self.n(a), d=label), with_delta, text, block,
            [STEP_TEXT["sum_hint_1"], STEP_TEXT["sum_hint_2"]], target=Target(label, sympy.Symbol(a, real=True),
                                                                              forms, None),
            extras=extras))


def _section(parts: list[list[Block]], heading: str) -> list[Block]:
    """The section of a document under this heading ([] when it has none)."""
    return next((part for part in parts if isinstance(part[0], Heading) and part[0].text == heading), [])


def _factor_rows(blocks: list[Block], f: object) -> list[Block]:
    """A factor's rows in the document: its general form, its own derivation's result and its note."""
    for at, block in enumerate(blocks):
        if isinstance(block, MathRow) and block.kind == "factor" and isinstance(block.lhs[0], Ratio) and \
                (block.lhs[0].top, block.lhs[0].var.name) == (f.top, f.var):
            rows = [block]
            for after in blocks[at + 1:]:
                if isinstance(after, Heading) or isinstance(after, MathRow) and after.kind in ("factor", "function"):
                    break
                rows.append(after)
            return rows
    raise LookupError(f"no factor d{f.top}/d{f.var} in the document")


def _kept(expr: sympy.Expr, unicode: bool) -> str:
    """Maths with an unevaluated product kept factor by factor, as the chain of derivations writes it."""
    if expr.is_Mul and not (expr.args[0] == -1 and len(expr.args) == 2) and not expr.has(sympy.Sum):
        return factors_text(list(expr.args), unicode)
    return math_text(expr, unicode)


def _index(name: str, index: str, value: int) -> str:
    """t_k -> t_1, w_jk -> w_j1, net_k -> net_1: the index k given a value (other letters kept)."""
    stem, sep, sub = name.partition("_")
    return f"{stem}{sep}{sub.replace(index, str(value))}" if sep else name


def _sign_only(expr: sympy.Expr) -> Callable[[], list[Slip]]:
    return lambda: [Slip("flipped_sign", -expr)] if expr != 0 else []


def build_steps(built: object, detail: str = "normal", level: str = "all", unicode: bool = True) -> list[Question]:
    """The questions for what run.build returns, in teacher order; `level` 'layers' asks only the layers and the
    final product (the others are shown)."""
    from derivtutor.backprop import ChainOfDerivations, Explained

    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    builder = Builder(detail, unicode)
    if isinstance(built, Derivation):
        builder.derivation(built)
    elif isinstance(built, Explained):
        builder.explained(built)
    elif isinstance(built, ChainOfDerivations):
        builder.chain_of_derivations(built)
    else:
        raise TypeError(f"cannot step through {type(built).__name__}")
    questions = builder.questions
    if level == "layers":
        for q in questions:
            if q.asked and not (q.kind in ("layer", "sum") or q.final):
                q.asked, q.shown_because = False, "shown_level"
    return questions


# -- judging one answer ------------------------------------------------------------------------------------------
def judge(q: Question, text: str) -> Verdict:
    """The verdict on a typed answer: read by the one reader, the step's own slips first, then judge.py."""
    from derivtutor.limits import OutOfTime, own_time_limit
    from derivtutor.parsing import ParseError, parse_expression

    if len(text) > MAX_ANSWER_CHARS:
        return Verdict(None, CHECK_TEXT["unreadable"].format(problem=f"it is longer than {MAX_ANSWER_CHARS} "
                                                                     "characters"), unreadable=True)
    try:
        answer = parse_expression(text)
    except ParseError as exc:
        return Verdict(None, CHECK_TEXT["unreadable"].format(problem=exc.one_line()), unreadable=True)
    if q.layer is not None:
        try:
            with own_time_limit(2.0):
                return _judge_layer(q.layer, answer)
        except (OutOfTime, RecursionError):
            return Verdict(None, CHECK_TEXT["unsure"])
    for extra in q.extras:
        if extra.expr.free_symbols >= answer.free_symbols and _equal(answer, extra.expr) is True:
            slip = STEP_SLIPS[extra.id]
            return Verdict(False, CHECK_TEXT["wrong_slip"].format(message=slip.message.format(**extra.words)),
                           extra.id, slip.hint.format(**extra.words))
    return judge_answer(q.target, answer)


def _judge_layer(layer: LayerCheck, answer: sympy.Expr) -> Verdict:
    words = {"name": name_text(layer.name), "var": math_text(layer.var), "x": math_text(layer.x),
             "whole": math_text(layer.whole), "value": math_text(layer.value),
             "layer": f"{name_text(layer.name)}({math_text(layer.var)}) = {math_text(layer.expected)}"}
    hint = STEP_TEXT["layer_hint_1"].format(**words)
    if answer.has(layer.x) or not answer.has(layer.var):
        key = "layer_whole" if _equal(answer.xreplace({layer.var: layer.x}), layer.whole) is True else "layer_has_var"
        if not answer.has(layer.x) and not answer.has(layer.var):
            key = "layer_wrong"
        return Verdict(False, STEP_TEXT[key].format(**words), hint=hint)
    if _equal(answer, layer.expected) is True:
        return Verdict(True, STEP_TEXT["layer_right"].format(**words))
    if _equal(answer.xreplace({layer.var: layer.x}), layer.whole) is True:
        return Verdict(False, STEP_TEXT["layer_whole"].format(**words), hint=hint)
    for part in sympy.preorder_traversal(layer.whole):
        if part != layer.whole and part.has(layer.x) and part != layer.x:
            if _equal(answer.xreplace({layer.var: part}), layer.whole) is True:
                return Verdict(True, STEP_TEXT["layer_other"].format(**words))
    return Verdict(False, STEP_TEXT["layer_wrong"].format(**words), hint=hint)


def slip_name(slip: str) -> str:
    return (SLIPS.get(slip) or STEP_SLIPS[slip]).name


# -- playing -----------------------------------------------------------------------------------------------------
@dataclass
class Score:
    asked: int = 0
    first_try: int = 0
    slips: list[tuple[str, str]] = field(default_factory=list)  # (slip name, step label)

    def line(self) -> str:
        if not self.asked:
            return STEP_TEXT["score_none"]
        text = STEP_TEXT["score"].format(right=self.first_try, count=self.asked)
        if self.slips:
            text += STEP_TEXT["score_slips"].format(slips=", ".join(f"{name} at {label}" for name, label in self.slips))
        return text + "."


class StepThrough:
    """The questions one at a time on a terminal; `ask` reads a line (input() by default)."""

    def __init__(self, questions: list[Question], what: str, printer: object,
                 ask: Callable[[str], str] | None = None) -> None:
        self.questions, self.what, self.printer = questions, what, printer
        self.ask = ask or input
        self.score = Score()

    def show(self, q: Question) -> None:
        """The step's block, paged to the terminal's height as in the lesson player."""
        import shutil

        from derivtutor.prompting import page
        from derivtutor.render.terminal import document_text
        from derivtutor.teaching import PLAYER_TEXT

        style = self.printer.style
        text = document_text(q.screen, style.width, style.color, style.unicode)

        def write(chunk: str) -> None:
            sys.stdout.write(chunk)
            sys.stdout.flush()

        sys.stdout.flush()
        height = shutil.get_terminal_size((80, 24)).lines - 2
        page(text, height=height, write=write, ask=self.ask, prompt=PLAYER_TEXT["prompt_more"])

    def heading(self, number: int, q: Question) -> None:
        self.printer.line("")
        self.printer.line(STEP_TEXT["screen"].format(number=number, count=len(self.questions), label=q.label), "dim")

    def run(self) -> int:
        from derivtutor.prompting import ask_typed

        self.printer.line(STEP_TEXT["intro"].format(what=self.what), "bold")
        index = 0
        while index < len(self.questions):
            q = self.questions[index]
            self.heading(index + 1, q)
            if not q.asked:
                if q.kind != "plan":
                    self.printer.line(STEP_TEXT[q.shown_because], "dim")
                self.show(q)
                index += 1
                continue
            self.printer.line(q.question, "bold")
            self.score.asked += 1
            first, hints_said = True, set()
            while True:
                typed = ask_typed(self.ask, STEP_TEXT["prompt"], answering=True)
                if typed.kind == "quit":
                    self.score.asked -= 1
                    self.end()
                    return 0
                if typed.kind == "empty":
                    continue
                if typed.kind == "help":
                    self.printer.line(STEP_TEXT["help"])
                    continue
                if typed.kind == "hint":  # the next rung of the ladder not already said after a wrong answer
                    fresh = [h for h in q.hints if h not in hints_said]
                    if fresh:
                        hints_said.add(fresh[0])
                        self.printer.line(CHECK_TEXT["hint"].format(hint=fresh[0]), "yellow")
                    else:
                        self.printer.line(STEP_TEXT["no_more_hints"], "dim")
                    continue
                if typed.kind == "back":
                    if index == 0:
                        self.printer.line(STEP_TEXT["no_back"])
                    else:
                        self.show(self.questions[index - 1])
                    continue
                if typed.kind in ("show", "next"):
                    first = False
                    self.show(q)
                    break
                if typed.kind != "answer":
                    self.printer.line(STEP_TEXT["unknown_command"].format(text=typed.text))
                    continue
                verdict = judge(q, typed.text)
                self.printer.verdict(verdict)
                if verdict.hint:
                    hints_said.add(verdict.hint)
                if verdict.right is True:
                    if first:
                        self.score.first_try += 1
                    self.show(q)
                    break
                if first and verdict.slip:
                    self.score.slips.append((slip_name(verdict.slip), q.label))
                if verdict.right is False:
                    first = False
            index += 1
        self.printer.line("")
        self.printer.line(STEP_TEXT["done"], "bold green")
        self.end()
        return 0

    def end(self) -> None:
        self.printer.line(self.score.line(), "bold")


def print_through(questions: list[Question], what: str, printer: object) -> int:
    """Not a terminal: every question, then its answer and the checked step, straight through."""
    from derivtutor.render.terminal import document_text

    style = printer.style
    printer.line(STEP_TEXT["intro_piped"].format(what=what), "bold")
    for number, q in enumerate(questions, start=1):
        printer.line("")
        printer.line(STEP_TEXT["screen"].format(number=number, count=len(questions), label=q.label))
        if q.asked:
            printer.line(q.question)
            printer.line(STEP_TEXT["answer_was"].format(answer=q.answer_text))
        elif q.kind != "plan":
            printer.line(STEP_TEXT[q.shown_because])
        sys.stdout.flush()
        sys.stdout.write(document_text(q.screen, style.width, style.color, style.unicode))
        sys.stdout.flush()
    printer.line("")
    printer.line(STEP_TEXT["done"])
    return 0


# -- saving as a lesson ----------------------------------------------------------------------------------------------
def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _typeable(expr: sympy.Expr) -> str | None:
    """expr in ASCII as the reader reads it back (None: it has no typed form, like a piecewise slope)."""
    from derivtutor.parsing import ParseError, parse_expression

    text = math_text(expr, unicode=False)
    try:
        return text if _equal(parse_expression(text), expr) is True else None
    except ParseError:
        return None


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def lesson_toml(questions: list[Question], what: str) -> str:
    """The step-through as a lesson file (docs/lessons.md): an exercise for each derivative asked, a text screen
    for each layer, move and sum (their answers are shown there). Every field is kept within the loader's
    bounds, so `derive lesson --check` passes on what is written."""
    from derivtutor.render.terminal import document_text

    what = _short(what, 150)
    out = [f"title = {_toml(STEP_TEXT['save_title'].format(what=what))}",
           f"summary = {_toml(_short(STEP_TEXT['save_summary'].format(what=what), 300))}", "",
           "[[items]]", 'type = "text"', f"text = {_toml(STEP_TEXT['save_intro'].format(what=what))}"]
    for q in questions[:LESSON_ITEMS - 1]:
        out.append("")
        out.append("[[items]]")
        answer = _typeable(q.exercise[3] if q.exercise and len(q.exercise) > 3 else q.answer)
        expression = math_text(q.exercise[0], unicode=False) if q.exercise else ""
        if q.exercise is not None and q.asked and answer is not None and q.exercise[0].has(q.exercise[1]) and \
                max(len(answer), len(expression)) <= LESSON_FIELD_CHARS:
            _, wrt, name = q.exercise[:3]
            hints = [_short(h, LESSON_FIELD_CHARS) for h in q.hints if h][:10] or [CHECK_TEXT["rule_hint"].format(
                rule=RULES["chain"].name, formula=RULES["chain"].formula)]
            out += ['type = "exercise"', f"title = {_toml(_short(q.label, 200))}",
                    f"question = {_toml(_short(q.question, LESSON_TEXT_CHARS))}",
                    f"expression = {_toml(expression)}", f"wrt = {_toml(wrt.name)}",
                    f"name = {_toml(name)}", f"answer = {_toml(answer)}",
                    "hints = [" + ", ".join(_toml(h) for h in hints) + "]"]
        else:
            body = document_text(q.screen, 100, colour=False, unicode=True).rstrip("\n")
            text = (q.question + "\n\n" if q.asked else "") + "```\n" + body + "\n```"
            out += ['type = "text"', f"title = {_toml(_short(q.label, 200))}",
                    f"text = {_toml(_short(text, LESSON_TEXT_CHARS))}"]
    return "\n".join(out) + "\n"


# -- the command -----------------------------------------------------------------------------------------------------
def run_step(target: str, wrt: str | None = None, detail: str = "normal", level: str = "all",
             save: str | None = None) -> int:
    """What `derive TARGET --step[=layers] [--save NAME]` does; returns the exit code."""
    from derivtutor.checking import Printer
    from derivtutor.startup import fail, import_sympy_without_collecting

    if level not in LEVELS:
        return fail(f"--step takes no value or 'layers', not {level!r}")
    if save is not None and not _save_name_ok(save):
        return fail(f"--save {save!r}: a lesson name is letters, digits, '-' and '_' (a folder before it is fine)")
    import_sympy_without_collecting()
    printer = Printer()
    try:
        return _run(target, wrt, detail, level, save, printer)
    except KeyboardInterrupt:  # Ctrl-C: one line, nothing saved, the usual code
        print()
        printer.line(STEP_TEXT["stopped"])
        return 130


def _run(target: str, wrt: str | None, detail: str, level: str, save: str | None, printer: object) -> int:
    from derivtutor.judge import CannotJudge
    from derivtutor.run import DERIVE_SECONDS, in_deep_thread
    from derivtutor.startup import fail

    built = _build(target, wrt)
    if isinstance(built, int):
        return built
    unicode = printer.style.unicode
    try:
        questions = in_deep_thread(lambda: build_steps(built, detail, level, unicode), DERIVE_SECONDS)
    except (TypeError, CannotJudge) as exc:
        return fail(str(exc))
    what = target
    if save is not None:
        problem = _save(questions, target, save)
        if problem is not None:
            return problem
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        return print_through(questions, what, printer)
    return StepThrough(questions, what, printer).run()


def _save_name_ok(save: str) -> bool:
    from pathlib import Path

    stem = Path(save).name.removesuffix(".toml")
    return bool(stem) and all(c.isalnum() or c in "-_" for c in stem) and stem.isascii() and stem != "new"


def _save(questions: list[Question], target: str, save: str) -> int | None:
    from pathlib import Path

    from derivtutor.export import ExportError, write_text
    from derivtutor.startup import fail

    path = Path(save if save.endswith(".toml") else save + ".toml")
    if path.exists():  # as `derive lesson new`: a lesson is never overwritten
        return fail(STEP_TEXT["save_exists"].format(path=path))
    try:
        write_text(str(path), lesson_toml(questions, target))
    except ExportError as exc:
        return fail(str(exc))
    from derivtutor.startup import say, visible

    say(visible(STEP_TEXT["saved"].format(path=path, name=path.stem, folder=path.parent)))
    return None


def _build(target: str, wrt: str | None) -> object:
    """What `derive TARGET` builds, or an exit code after the same one line `derive TARGET` would say."""
    from derivtutor.run import build_or_fail

    return build_or_fail(target, wrt)
