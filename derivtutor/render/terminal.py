"""The derivation on a terminal: colour on a TTY, clean text when piped or NO_COLOR is set, any width.

`blocks()` turns a Derivation into numbered sections (the layers, one per layer's derivative, the substitution
back, the algebra). The full printout shows them all; the lesson player shows one per screen. Words come from
teaching.py, maths from mathtext.py; nothing here differentiates.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sympy

from derivtutor.derivation import Derivation, Route
from derivtutor.detail import check_detail, shows
from derivtutor.explain import (
    Note,
    card_formula,
    corner_notes,
    move_name,
    move_why,
    multiply_move,
    screen_names,
    step_notes,
    substitute_note,
)
from derivtutor.limits import tree_size
from derivtutor.mathtext import SUPERSCRIPT, factors_text, math_text, name_text
from derivtutor.render.styled import Block, Text, write_blocks
from derivtutor.rules import ChainRule, Step
from derivtutor.teaching import ALGEBRA_MOVES, HEADINGS, NOTES, RULES

if TYPE_CHECKING:
    from rich.console import Console, Group

__all__ = ["Block", "Style", "TerminalRenderer", "Text", "make_console", "print_derivation",
           "supports_unicode"]

LONG = 300  # characters: beyond this, chain factors are written with layer names instead of reprinted
# An expression larger than GROWTH x the input (+ SLACK) tree nodes is summarised, not printed: the raw result of
# a 200-deep chain or a 100-factor product has quadratically many symbols, and the printout must stay linear.
GROWTH, SLACK = 8, 200


def _summary(expr: sympy.Expr, unicode: bool) -> str:
    """What an expression too long to print is: 'a sum of 100 terms', without writing them out."""
    if expr.is_Add:
        what = f"a sum of {len(expr.args)} terms"
    elif expr.is_Mul:
        what = f"a product of {len(expr.args)} factors"
    else:
        what = "an expression"
    return f"[{what}, too long to print in full]"


@dataclass
class Style:
    unicode: bool = True
    limit: int | None = None  # tree nodes: larger expressions are summarised (set from the input's size)
    taken: set[str] = field(default_factory=set)  # names on this screen: rule cards use other letters

    @property
    def check(self) -> str:
        return "✓" if self.unicode else "[checked]"

    @property
    def dot(self) -> str:
        return "·" if self.unicode else "*"

    def m(self, expr: sympy.Expr) -> str:
        if self.limit is not None and not self.fits(expr):
            return _summary(expr, self.unicode)
        return math_text(expr, self.unicode)

    def fits(self, *exprs: sympy.Expr) -> bool:
        """Whether these expressions together are small enough to print in full."""
        if self.limit is None:
            return True
        budget = self.limit
        for expr in exprs:
            used = tree_size(expr, budget)
            if used is None:
                return False
            budget -= used
        return True

    def name(self, text: str) -> str:
        return name_text(text, self.unicode)

    def words(self, text: str) -> str:
        """Teaching text is written in Unicode; ASCII terminals get a faithful plain spelling."""
        return text if self.unicode else ascii_words(text)


_PLAIN = {"−": "-", "·": "*", "′": "'", "√": "sqrt ", "σ": "sigma", "✓": "[checked]", "≠": "!=", "≤": "<=",
          "≥": ">="}
_RAISED = {v: k for k, v in SUPERSCRIPT.items()}
_RAISED_RUN = re.compile("[" + "".join(_RAISED) + "]+")


def ascii_words(text: str) -> str:
    """e⁻ᵘ -> e^(-u), x² -> x^2, σ -> sigma: the same sentence in plain ASCII."""
    for fancy, plain in _PLAIN.items():
        text = text.replace(fancy, plain)

    def lower(match: re.Match) -> str:
        plain = "".join(_RAISED[c] for c in match.group())
        return f"^{plain}" if len(plain) == 1 else f"^({plain})"

    text = _RAISED_RUN.sub(lower, text)
    from derivtutor.console import to_ascii

    return to_ascii(text)


def _d(style: Style, top: str, var: str) -> str:
    return f"d{top}/d{var}"


def _rule_line(style: Style, step: Step) -> Text:
    rule = RULES[step.rule_id]
    line = Text()
    line.append(style.words(rule.name), style="bold cyan")
    chain = step if isinstance(step, ChainRule) else None
    line.append(": " + style.words(card_formula(step.rule_id, style.taken, chain)), style="cyan")
    return line


def _notes(style: Style, step: Step) -> list[str]:
    def show(value: object) -> str:
        if isinstance(value, tuple):
            return ", ".join(show(v) for v in value)
        return value if isinstance(value, str) else style.m(value)

    return [style.words(NOTES[note.key].format(**{k: show(v) for k, v in note.fields.items()}))
            for note in step_notes(step)]


def _equation(style: Style, step: Step, lhs: str | None = None) -> Text:
    text = Text()
    if lhs is None:
        lhs = f"d/d{style.m(step.var)} [{style.m(step.expr)}]"
    text.append(f"{lhs} = ")
    text.append(style.m(step.result), style="bold")
    if step.verified:
        text.append(f"  {style.check}", style="green")
    return text


class TerminalRenderer:
    def __init__(self, detail: str = "normal", unicode: bool = True) -> None:
        self.detail = check_detail(detail)
        self.style = Style(unicode)

    # -- single steps ---------------------------------------------------------------------------------------
    def _shown(self, step: Step) -> bool:
        return shows(step, self.detail)

    def step_lines(self, block: Block, step: Step, indent: int, lhs: str | None = None, top: bool = True) -> None:
        """The equation, the rule, the why, the notes, then the substeps one level deeper."""
        s = self.style
        if isinstance(step, ChainRule) and not top:
            self.chain_inline(block, step, indent)
            return
        trivial = RULES[step.rule_id].trivial
        if trivial and self.detail != "full":  # a teacher says these in passing: one line, no why
            line = _equation(s, step, lhs)
            line.append(f"  ({s.words(RULES[step.rule_id].name)})", style="cyan")
            block.add(indent, line)
            for note in _notes(s, step):
                block.add(indent + 2, note, "yellow")
            return
        block.add(indent, _equation(s, step, lhs))
        block.add(indent + 2, _rule_line(s, step))
        for note in _notes(s, step):
            block.add(indent + 2, note, "yellow")
        if self.detail == "full" or top or self.detail == "normal":
            block.add(indent + 2, Text(HEADINGS["why"] + s.words(RULES[step.rule_id].why), style="italic"))
        for sub in step.substeps():
            if self._shown(sub):
                self.step_lines(block, sub, indent + 4, top=False)

    def chain_inline(self, block: Block, step: ChainRule, indent: int) -> None:
        """A chain met inside a product or a sum: its layers and factors, compactly."""
        s = self.style
        block.add(indent, _equation(s, step))
        block.add(indent + 2, _rule_line(s, step))
        for layer in step.layers:
            block.add(indent + 4, f"{s.name(layer.name)}({s.m(layer.var)}) = {s.m(layer.expr)}")
        for layer in step.layers:
            self.step_lines(block, layer.step, indent + 4,
                            lhs=_d(s, s.name(layer.name), s.m(layer.var)), top=False)
        backs = [layer.back for layer in step.layers]
        if s.fits(*backs, step.result):  # every chain has its substitute-back line, nested ones too
            notes = substitute_note(step)
            block.add(indent + 4, self._note_text(notes[0]), "yellow")
            line = Text(f"{_d(s, s.name(step.layers[0].name), s.m(step.var))} = {factors_text(backs, s.unicode)}"
                        f" = ")
            line.append(s.m(step.result), style="bold")
            if step.verified:
                line.append(f"  {s.check}", style="green")
            block.add(indent + 6, line)
            for note in notes[1:]:
                block.add(indent + 6, self._note_text(note), "yellow")

    def _note_text(self, note: Note) -> str:
        s = self.style

        def show(value: object) -> str:
            if isinstance(value, tuple):
                return ", ".join(show(v) for v in value)
            return value if isinstance(value, str) else s.m(value)

        return s.words(NOTES[note.key].format(**{k: show(v) for k, v in note.fields.items()}))

    # -- the whole derivation -------------------------------------------------------------------------------
    def blocks(self, d: Derivation) -> list[Block]:
        s = self.style
        size = tree_size(d.expr, 10**9) or 1
        s.limit = GROWTH * size + SLACK
        s.taken = screen_names(d)
        fname = s.name(d.function_name)
        var = s.m(d.var)
        blocks = [self._heading(d, fname, var)]
        root = d.root
        if isinstance(root, ChainRule) and len(root.layers) > 1:
            blocks.append(self._layers(root, var))
            for layer in root.layers:
                title = Text(f"{_d(s, s.name(layer.name), s.m(layer.var))} = ", style="bold")
                title.append(s.m(layer.step.result), style="bold")
                block = Block(title)
                self.step_lines(block, layer.step, 2,
                                lhs=f"d/d{s.m(layer.var)} [{s.m(layer.expr)}]", top=True)
                blocks.append(block)
            blocks.append(self._substitute(root, fname, var))
        else:
            block = Block(Text(HEADINGS["step_by_step"].format(d=_d(s, fname, var)), style="bold"))
            self.step_lines(block, root, 2, top=True)
            blocks.append(block)
        if self.detail == "full":
            blocks += [self._route(route) for route in d.routes]
        blocks.append(self._reference(d, fname, var))
        if d.algebra:
            blocks.append(self._algebra(d))
        blocks.append(self._answer(d, fname, var))
        return blocks

    def _heading(self, d: Derivation, fname: str, var: str) -> Block:
        s = self.style
        title = Text()
        if d.title:
            title.append(s.words(d.title) + "\n", style="bold magenta")
        title.append(HEADINGS["find"].format(d=_d(s, fname, var), f=fname, var=var), style="bold")
        title.append(s.m(d.expr), style="bold")
        block = Block(title)
        if d.held_constant:
            names = ", ".join(s.m(c) for c in d.held_constant)
            key = "partial_one" if len(d.held_constant) == 1 else "partial_many"
            block.add(2, s.words(NOTES[key].format(var=var, names=names)), "yellow")
        return block

    def _layers(self, root: ChainRule, var: str) -> Block:
        s = self.style
        block = Block(Text(HEADINGS["layers"], style="bold"))
        block.add(2, s.words(NOTES["chain_layers"]))
        for layer in root.layers:
            block.add(4, f"{s.name(layer.name)}({s.m(layer.var)}) = {s.m(layer.expr)}")
        names = [s.name(layer.name) for layer in root.layers] + [var]
        factors = f" {s.dot} ".join(_d(s, names[i], names[i + 1]) for i in range(len(root.layers)))
        block.add(2, _rule_line(s, root))
        block.add(4, f"{_d(s, names[0], var)} = {factors}")
        block.add(2, Text(HEADINGS["why"] + s.words(RULES["chain"].why), style="italic"))
        return block

    def _substitute(self, root: ChainRule, fname: str, var: str) -> Block:
        s = self.style
        block = Block(Text(HEADINGS["substitute"], style="bold"))
        backs = [layer.back for layer in root.layers]
        inner = [layer.value for layer in root.layers if layer.value is not None]
        named = not s.fits(*backs, *inner)
        assignments = "" if named else ", ".join(
            f"{s.m(layer.var)} = {s.m(layer.value)}" for layer in root.layers if layer.value is not None)
        product = "" if named else factors_text(backs, s.unicode)
        if named or len(assignments) + len(product) > LONG:  # name the inner parts instead of reprinting them
            block.add(2, s.words(NOTES["layers_by_name"]))
            product = factors_text([layer.step.result for layer in root.layers], s.unicode)
        else:
            block.add(2, s.words(NOTES["substitute_back"].format(assignments=assignments)))
        block.add(4, f"{_d(s, fname, var)} = {product}")
        result = Text(" " * len(f"{_d(s, fname, var)} ") + "= ")
        if s.fits(root.result):
            result.append(s.m(root.result), style="bold")
        else:
            result.append(f"[the product above with every layer put back: {len(root.layers)} factors, too long "
                          "to print in full]", style="bold")
        if root.verified:
            result.append(f"  {s.check}", style="green")
        block.add(4, result)
        move = ALGEBRA_MOVES[multiply_move(backs)]
        block.add(6, Text(f"{s.words(move.name)}: {s.words(move.why)}", style="italic"))
        return block

    def _route(self, route: Route) -> Block:
        """Another rule to the same derivative, line by line, each line with what was done."""
        s = self.style
        title = NOTES["route_heading"].format(expr=s.m(route.expr), rule=s.words(RULES[route.rule_id].name))
        block = Block(Text(s.words(title), style="bold"))
        lhs = f"d/d{s.m(route.var)} [{s.m(route.expr)}]"
        for i, (line, key) in enumerate(route.lines):
            text = Text(f"{s.m(route.expr)} = " if i == 0 else f"{lhs if i == 1 else ' ' * len(lhs)} = ")
            text.append(s.m(line), style="bold")
            if i == len(route.lines) - 1 and route.verified:
                text.append(f"  {s.check}", style="green")
            block.add(2, text)
            block.add(6, Text(s.words(NOTES[key]), style="italic"))
        return block

    def _reference(self, d: Derivation, fname: str, var: str) -> Block:
        s = self.style
        title = Text(HEADINGS["checked"], style="bold green")
        title.append(f"{HEADINGS['checked_all']} {s.check}", style="green")
        block = Block(title)
        if d.reference != d.result:
            block.add(2, s.words(NOTES["sympy_form"].format(expr=s.m(d.reference))))
            bends = any(c.kind in ("corner", "vertical", "jump") for c in d.corners)
            if bends and d.reference.has(sympy.sign, sympy.Heaviside):  # (ln|x| has no value at 0 at all)
                block.add(2, s.words(NOTES["sympy_kink"]))
        for note in corner_notes(d):
            block.add(2, s.words(NOTES[note.key].format(**{k: s.m(v) for k, v in note.fields.items()})), "yellow")
        return block

    def _algebra(self, d: Derivation) -> Block:
        s = self.style
        block = Block(Text(HEADINGS["algebra"], style="bold"))
        block.add(4, f"{s.m(d.result)}")
        for step in d.algebra:
            line = Text("= " + factors_text(list(step.shown), s.unicode), style="bold")
            block.add(2, line)
            label = Text(s.words(move_name(step.move, s.taken)), style="cyan")
            if step.verified:
                label.append(f" {s.check}", style="green")
            block.add(6, label)
            if self.detail != "brief":
                block.add(6, Text(s.words(move_why(step.move, s.taken)), style="italic"))
        return block

    def _answer(self, d: Derivation, fname: str, var: str) -> Block:
        s = self.style
        title = Text(f"{HEADINGS['answer']}{_d(s, fname, var)} = ", style="bold green")
        if d.algebra:
            final = factors_text(list(d.algebra[-1].shown), s.unicode)
        elif isinstance(d.root, ChainRule) and len(d.root.layers) > 1 and not s.fits(d.result):
            final = (factors_text([layer.step.result for layer in d.root.layers], s.unicode)
                     + "  (with the layers " + ", ".join(s.name(layer.name) for layer in d.root.layers[1:])
                     + " named above)")
        else:
            final = s.m(d.result)
        title.append(final, style="bold green")
        return Block(title)


def blocks_renderable(blocks: list[Block]) -> Group:
    """Blocks as a rich Group with a blank line between them: what write_blocks prints, for rich users."""
    from rich.console import Group
    from rich.text import Text as RichText

    parts: list = []
    for block in blocks:
        parts += [block.renderable(), RichText("")]
    return Group(*parts[:-1])


def make_console(file: object = None) -> Console:
    """A rich Console for `file` (standard output), styled as console.output_style decides."""
    from derivtutor.console import rich_console

    return rich_console(file)


def supports_unicode(stream: object = None) -> bool:
    """Unicode symbols or ASCII words on `stream`: console.output_style decides (encoding, --ascii)."""
    from derivtutor.console import output_style

    return output_style(stream).unicode


def print_derivation(d: Derivation, detail: str = "normal", stream: object = None) -> None:
    """Print to `stream` (standard output) without rich."""
    stream = stream or sys.stdout
    write_blocks(TerminalRenderer(detail, supports_unicode(stream)).blocks(d), stream)
