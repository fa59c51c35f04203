"""The backpropagation presets on a terminal: an Explained derivation, or a chain of derivations.

Reuses TerminalRenderer for every single derivation (so a factor reads exactly like `derive error`), and adds
the blocks around it: the learner's question answered, the chain written out, the product, delta, the update.
`print_built` is the one entry point run.py calls: it picks the renderer by the type of the built object.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING

import sympy

from derivtutor.derivation import Built
from derivtutor.mathtext import SUBSCRIPT, factors_text
from derivtutor.render.styled import Block, Text, write_blocks
from derivtutor.render.terminal import (
    Style,
    TerminalRenderer,
    supports_unicode,
)
from derivtutor.teaching import ALGEBRA_MOVES, NOTES

if TYPE_CHECKING:  # derivtutor.backprop is imported only when a backprop preset is printed (it costs ~5 ms)
    from derivtutor.backprop import ChainOfDerivations, Explained, Factor, Rewrite

_LOWERED = {v: k for k, v in SUBSCRIPT.items()}
_SUBSCRIPT_RUN = re.compile("[" + "".join(_LOWERED) + "]+")
_ASCII = (("Σ", "sum"), ("δ", "delta"), ("η", "eta"), ("ŷ", "yhat"), ("Δ", "Delta"), ("→", "->"),
          ("ˣ", "^x"), ("ᵢ", "_i"))


class BackpropRenderer:
    def __init__(self, detail: str = "normal", unicode: bool = True) -> None:
        self.inner = TerminalRenderer(detail, unicode)
        self.detail = detail
        self.style: Style = self.inner.style

    # -- words and maths ------------------------------------------------------------------------------------
    def words(self, text: str) -> str:
        if not self.style.unicode:
            text = _SUBSCRIPT_RUN.sub(lambda m: "_" + "".join(_LOWERED[c] for c in m.group()), text)
            for fancy, plain in _ASCII:
                text = text.replace(fancy, plain)
        return self.style.words(text)

    def note(self, key: str, names: dict[str, str]) -> str:
        return self.words(NOTES[key].format(**{k: self.style.name(v) for k, v in names.items()}))

    def m(self, expr: sympy.Expr) -> str:
        """Maths, with a sum over k written Σₖ (...) and an unevaluated product kept factor by factor."""
        if isinstance(expr, sympy.Sum):
            (index, *_), = expr.limits
            return f"{self.sigma(index.name)}({self.m(expr.function)})"
        if expr.is_Mul and any(isinstance(f, sympy.Sum) for f in expr.args):
            return f" {self.style.dot} ".join(self.m(f) if not f.is_Add else f"({self.m(f)})" for f in expr.args)
        if expr.is_Mul and not (expr.args[0] == -1 and len(expr.args) == 2):  # a product kept as written
            return self.hats(factors_text(list(expr.args), self.style.unicode))
        return self.hats(self.style.m(expr))

    def hats(self, text: str) -> str:
        """ŷ (the network's prediction) is spelt yhat in symbol names."""
        return text.replace("yhat", "ŷ") if self.style.unicode else text

    def sigma(self, index: str) -> str:
        return "Σ" + self.style.name(f"_{index}") if self.style.unicode else f"sum_{index}"

    def d(self, top: str, var: str) -> str:
        return f"d{self.style.name(top)}/d{self.style.name(var)}"

    def check(self, ok: bool) -> str:
        return f"  {self.style.check}" if ok else ""

    # -- an explained derivation ----------------------------------------------------------------------------
    def explained_blocks(self, e: Explained) -> list[Block]:
        inner = self.inner.blocks(e.derivation)
        heading, steps, answer = inner[0], inner[1:-1], inner[-1]
        blocks = [heading]
        if e.intro:
            intro = Block(Text("The question", style="bold"))
            for key in e.intro:
                intro.add(2, self.note(key, e.names))
            blocks.append(intro)
        blocks += steps
        if e.rewrites:
            blocks.append(self.rewrites_block(e.derivation.final, e.rewrites))
        else:
            blocks.append(answer)
        if e.outro:
            why = Block(Text("What this means", style="bold"))
            for key in e.outro:
                why.add(2, self.note(key, e.names))
            blocks.append(why)
        if e.general_lhs is not None:
            general = Text(f"In general: {self.d(*e.general_lhs)} = ", style="bold green")
            general.append(self.m(e.general), style="bold green")
            general.append(self.check(e.verified), style="green")
            blocks.append(Block(general))
        return blocks

    def rewrites_block(self, start: sympy.Expr, rewrites: list[Rewrite]) -> Block:
        block = Block(Text("In the learner's notation", style="bold"))
        block.add(4, self.m(start))
        for r in rewrites:
            block.add(2, Text("= " + self.m(r.after), style="bold"))
            label = Text(self.words(ALGEBRA_MOVES[r.move].name), style="cyan")
            label.append(self.check(r.verified).rstrip(), style="green")
            block.add(6, label)
            if self.detail != "brief" or r.assumption:
                block.add(6, Text(self.words(ALGEBRA_MOVES[r.move].why), style="italic"))
        return block

    # -- a chain of derivations -----------------------------------------------------------------------------
    def chain_blocks(self, c: ChainOfDerivations) -> list[Block]:
        s = self.style
        title = Text(self.words(c.title), style="bold magenta")
        heading = Block(title)
        for key in c.notes_intro:
            heading.add(2, self.note(key, c.names))
        blocks = [heading, self.chain_rule_block(c)]
        if c.path_factors:
            paths = Block(Text(f"Along one path, through output unit {c.sum_index}", style="bold"))
            paths.add(2, self.note("bp_hidden_path_factors", c.names))
            blocks.append(paths)
        for factor in c.path_factors + c.factors:
            blocks += self.factor_blocks(factor)
        blocks.append(self.product_block(c))
        delta = Block(Text(f"Delta: {s.name(c.delta_name)} = ", style="bold"))
        delta.title.append(self.m(c.delta), style="bold")
        for key in c.notes_delta:
            delta.add(2, self.note(key, c.names))
        last = c.factors[-1].general
        delta.add(4, f"{self.d(c.top, c.var)} = {s.name(c.delta_name)} {s.dot} {s.m(last)}")
        blocks.append(delta)
        update = Block(Text("The weight update", style="bold"))
        update.add(2, self.note("bp_update", c.names))
        update.add(4, Text(f"{s.name('Delta')}{s.name(c.var)} = -{s.name('eta')} {s.dot} {self.d(c.top, c.var)}"
                           f" = {s.m(c.update)}", style="bold"))
        blocks.append(update)
        sizes = ", ".join("-".join(str(n) for n in size) for size in c.check.sizes)
        summary = NOTES["bp_checked_network"].format(sizes=sizes, count=c.check.weights)
        checked = Block(Text(self.words(summary) + self.check(c.check.verified), style="green"))
        blocks.append(checked)
        return blocks

    def chain_rule_block(self, c: ChainOfDerivations) -> Block:
        s = self.style
        block = Block(Text("The chain rule", style="bold"))
        links = " " + s.dot + " "
        inner = links.join(self.d(f.top, f.var) for f in c.path_factors)
        outer = links.join(self.d(f.top, f.var) for f in c.factors)
        if c.path_factors:
            sigma = self.sigma(c.sum_index)
            product = f"{sigma}[{inner}]{links}{outer}"
        else:
            product = outer
        block.add(2, Text(f"{self.d(c.top, c.var)} = {product}", style="bold"))
        if self.detail != "full":
            block.add(2, Text(self.words(NOTES["bp_factor_brief"]), style="italic"))
        return block

    def factor_blocks(self, f: Factor) -> list[Block]:
        s = self.style
        title = Text(f"{self.d(f.top, f.var)} = ", style="bold")
        title.append(s.m(f.general), style="bold")
        title.append(self.check(f.verified), style="green")
        block = Block(title)
        d = f.derivation
        final = factors_text(list(d.algebra[-1].shown), s.unicode) if d.algebra else s.m(d.final)
        block.add(2, Text(f"d/d{s.m(d.var)} [{s.m(d.expr)}] = {final}"
                          f"  ({self.words(NOTES['bp_factor_see'].format(preset=f.preset))})", style="cyan"))
        names = {"a": f.top, "net": f.var, "w": f.var, "aj": f.var, "wjk": str(f.general)}
        if f.note:
            block.add(2, Text(self.note(f.note, names), style="yellow"))
        if self.detail == "full":
            return [block, *self.inner.blocks(d)]
        return [block]

    def product_block(self, c: ChainOfDerivations) -> Block:
        s = self.style
        block = Block(Text("Multiply the factors", style="bold"))
        if c.path_factors:
            sigma = self.sigma(c.sum_index)
            text = f"[{sigma} {self.m(c.formula)}] {s.dot} {self.m(c.outer)}"
        else:
            text = self.m(c.formula)
        line = Text(f"{self.d(c.top, c.var)} = ", style="bold green")
        line.append(text, style="bold green")
        line.append(self.check(c.verified), style="green")
        block.add(2, line)
        return block

    # -- any built object -----------------------------------------------------------------------------------
    def blocks(self, built: Built) -> list[Block]:
        """The screens of anything a preset or an expression builds (a lesson shows one per screen)."""
        if built.kind == "derivation":
            return self.inner.blocks(built)
        return {"explained": self.explained_blocks, "chain": self.chain_blocks}[built.kind](built)


def built_blocks(built: Built, detail: str = "normal", unicode: bool = True) -> list[Block]:
    """The terminal blocks of any derivation.Built, in order: what `derive TARGET` prints, one block at a time."""
    return BackpropRenderer(detail, unicode).blocks(built)


def print_built(built: Built, detail: str = "normal", stream: object = None) -> None:
    """Print whatever a preset or an expression built: a Derivation, an Explained derivation or a chain."""
    stream = stream or sys.stdout
    write_blocks(built_blocks(built, detail, supports_unicode(stream)), stream)
