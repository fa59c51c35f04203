"""The backpropagation presets as documents: LaTeX, Markdown and JSON for Explained and chain objects.

The content mirrors render/backprop_terminal.py block by block (the question, the steps, the rewrites to the
learner's notation, what this means, the general form; or the chain rule, every factor, the product, delta, the
update and the network check). Every inner Derivation is written by the single-derivation renderers
(latex.align_block, markdown.render_markdown, json.derivation_data), so a factor reads exactly like its own
`derive` export. Nothing here differentiates: it walks objects the engine and backprop.py already checked.
Words come from teaching.NOTES and teaching.ALGEBRA_MOVES.

Both document formats are produced from one neutral list of parts (`parts()`), so they cannot drift apart.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

import sympy

from derivtutor.backprop import ChainOfDerivations, Explained, Factor, Rewrite
from derivtutor.derivation import Derivation
from derivtutor.mathtext import math_text, name_text
from derivtutor.render.json import SCHEMA_VERSION, derivation_data, expr_data
from derivtutor.render.latex import (
    PREAMBLE,
    Math,
    Note,
    Segment,
    align_block,
    latex_expr,
    latex_factors,
    name_latex,
    note_math_mode,
    note_text_mode,
    rules_list,
    rules_used,
    text_segments,
)
from derivtutor.teaching import ALGEBRA_MOVES, NOTES

Built = Explained | ChainOfDerivations

CHECK = r"\checkmark"


# -- words and maths -------------------------------------------------------------------------------------------
def note(key: str, names: dict[str, str]) -> Note:
    """NOTES[key] with its {placeholders} filled by the symbol names, as LaTeX maths."""
    out: list[Segment] = []
    for literal, field_name, _, _ in string.Formatter().parse(NOTES[key]):
        out.extend(text_segments(literal))
        if field_name is not None:
            out.append(Math(name_latex(names[field_name])))
    return tuple(out)


def note_text(key: str, names: dict[str, str]) -> str:
    """NOTES[key] filled in the terminal's Unicode spelling (aⱼ), for JSON."""
    return NOTES[key].format(**{k: name_text(v) for k, v in names.items()})


def m(expr: sympy.Expr) -> str:
    """Maths as the terminal shows it: a sum over k as \\sum_k(...), a kept product factor by factor."""
    if isinstance(expr, sympy.Sum):
        (index, *_), = expr.limits
        return rf"\sum_{{{latex_expr(index)}}} \left({m(expr.function)}\right)"
    if expr.is_Mul and any(isinstance(f, sympy.Sum) for f in expr.args):
        return r" \cdot ".join(m(f) if not f.is_Add else rf"\left({m(f)}\right)" for f in expr.args)
    if expr.is_Mul and not (expr.args[0] == -1 and len(expr.args) == 2):
        return _hats(latex_factors(list(expr.args)))
    return _hats(latex_expr(expr))


def _hats(text: str) -> str:
    """ŷ (the network's prediction) is spelt yhat in symbol names, as in the terminal renderer."""
    return text.replace(r"\mathrm{yhat}", r"\hat{y}")


def d(top: str, var: str) -> str:
    return rf"\frac{{d{name_latex(top)}}}{{d{name_latex(var)}}}"


# -- the neutral document ----------------------------------------------------------------------------------------
@dataclass
class Heading:
    text: Note


@dataclass
class Para:
    text: Note


@dataclass
class Equation:
    """lhs = rhs, with an optional ✓ and a short note beside it."""

    latex: str
    checked: bool = False
    label: Note = ()


@dataclass
class Steps:
    """An inner Derivation, written by the single-derivation renderer of each format."""

    derivation: Derivation


@dataclass
class Rewrites:
    start: sympy.Expr
    rewrites: list[Rewrite]


Part = Heading | Para | Equation | Steps | Rewrites


def title_of(built: Built) -> str:
    if built.kind == "explained":
        return built.derivation.title or built.title
    return built.title


def _explained_parts(e: Explained) -> list[Part]:
    parts: list[Part] = []
    if e.intro:
        parts.append(Heading(("The question",)))
        parts += [Para(note(key, e.names)) for key in e.intro]
    parts += [Heading(("Step by step",)), Steps(e.derivation)]
    if e.rewrites:
        parts += [Heading(("In the learner's notation",)), Rewrites(e.derivation.final, e.rewrites)]
    if e.outro:
        parts.append(Heading(("What this means",)))
        parts += [Para(note(key, e.names)) for key in e.outro]
    if e.general_lhs is not None:
        parts += [Heading(("In general",)), Equation(f"{d(*e.general_lhs)} = {m(e.general)}", e.verified)]
    return parts


def _factor_parts(f: Factor) -> list[Part]:
    names = {"a": f.top, "net": f.var, "w": f.var, "aj": f.var, "wjk": str(f.general)}
    dv = f.derivation
    final = latex_factors(dv.algebra[-1].shown) if dv.algebra else latex_expr(dv.final)
    parts: list[Part] = [
        Heading((Math(f"{d(f.top, f.var)} = {m(f.general)}"),)),
        Equation(rf"\frac{{d}}{{d{latex_expr(dv.var)}}}\left[{latex_expr(dv.expr)}\right] = {final}",
                 False, text_segments(NOTES["bp_factor_see"].format(preset=f.preset))),
    ]
    if f.note:
        parts.append(Para(note(f.note, names)))
    parts.append(Steps(dv))
    if f.rewrites:
        parts.append(Rewrites(dv.final, f.rewrites))
    parts.append(Equation(f"{d(f.top, f.var)} = {m(f.general)}", f.verified))
    return parts


def _chain_parts(c: ChainOfDerivations) -> list[Part]:
    parts: list[Part] = [Para(note(key, c.names)) for key in c.notes_intro]
    parts.append(Heading(("The chain rule",)))
    outer = r" \cdot ".join(d(f.top, f.var) for f in c.factors)
    if c.path_factors:
        inner = r" \cdot ".join(d(f.top, f.var) for f in c.path_factors)
        product = rf"\sum_{{{name_latex(c.sum_index or 'k')}}} \left[{inner}\right] \cdot {outer}"
    else:
        product = outer
    parts.append(Equation(f"{d(c.top, c.var)} = {product}"))
    parts.append(Para(text_segments(NOTES["bp_factors_below"])))
    if c.path_factors:
        parts += [Heading(("Along one path, through output unit ", Math(name_latex(c.sum_index or "k")))),
                  Para(note("bp_hidden_path_factors", c.names))]
    for factor in c.path_factors + c.factors:
        parts += _factor_parts(factor)
    parts.append(Heading(("Multiply the factors",)))
    if c.path_factors:
        text = rf"\left[\sum_{{{name_latex(c.sum_index or 'k')}}} {m(c.formula)}\right] \cdot {m(c.outer)}"
    else:
        text = m(c.formula)
    parts.append(Equation(f"{d(c.top, c.var)} = {text}", c.verified))
    parts.append(Heading(("Delta: ", Math(f"{name_latex(c.delta_name)} = {m(c.delta)}"))))
    parts += [Para(note(key, c.names)) for key in c.notes_delta]
    parts.append(Equation(rf"{d(c.top, c.var)} = {name_latex(c.delta_name)} \cdot {m(c.factors[-1].general)}"))
    parts += [Heading(("The weight update",)), Para(note("bp_update", c.names)),
              Equation(rf"\Delta {name_latex(c.var)} = -\eta \cdot {d(c.top, c.var)} = {m(c.update)}")]
    sizes = ", ".join("-".join(str(n) for n in size) for size in c.check.sizes)
    summary = text_segments(NOTES["bp_checked_network"].format(sizes=sizes, count=c.check.weights))
    parts.append(Para(summary + ((Math(CHECK),) if c.check.verified else ())))
    return parts


def parts(built: Built) -> list[Part]:
    """The document, format-free, in the terminal's order."""
    return {"explained": _explained_parts, "chain": _chain_parts}[built.kind](built)


def _all_rewrites(built: Built) -> list[Rewrite]:
    if built.kind == "explained":
        return list(built.rewrites)
    return [r for f in built.path_factors + built.factors for r in f.rewrites]


def _moves_used(built: Built) -> list[str]:
    moves: list[str] = []
    for dv in built.derivations():
        moves += [a.move for a in dv.algebra if a.move not in moves]
    moves += [r.move for r in _all_rewrites(built) if r.move not in moves]
    return list(dict.fromkeys(moves))


def _rules_used(built: Built, detail: str) -> list[str]:
    seen: list[str] = []
    for dv in built.derivations():
        seen += [r for r in rules_used(dv, detail) if r not in seen]
    return seen


# -- LaTeX ---------------------------------------------------------------------------------------------------------
def _latex_equation(eq: Equation) -> str:
    tail = r"\quad\checkmark" if eq.checked else ""
    if eq.label:
        tail += r"\qquad " + note_math_mode(eq.label)
    return "\\[\n" + eq.latex + tail + "\n\\]"


def _latex_rewrites(r: Rewrites, detail: str) -> str:
    rows = [f"  & {m(r.start)}"]
    for rw in r.rewrites:
        label: list[Segment] = list(text_segments(ALGEBRA_MOVES[rw.move].name))
        if rw.verified:
            label.append(Math(r"\ \checkmark"))
        rows.append(f"  &= {m(rw.after)} && {note_math_mode(tuple(label))}")
    lines = "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"
    whys = [rw for rw in r.rewrites if detail != "brief" or rw.assumption]
    if whys:
        items = "\n".join(f"  \\item {note_text_mode(text_segments(ALGEBRA_MOVES[rw.move].name))}: "
                          f"{note_text_mode(text_segments(ALGEBRA_MOVES[rw.move].why))}" for rw in whys)
        lines += "\n\\begin{itemize}\n" + items + "\n\\end{itemize}"
    return lines


def latex_body(built: Built, detail: str = "normal") -> str:
    """The document's body (no preamble): what --fragment writes, ready to paste into a document."""
    out = []
    for part in parts(built):
        if isinstance(part, Heading):
            out.append(f"\\subsection*{{{note_text_mode(part.text)}}}")
        elif isinstance(part, Para):
            out.append(note_text_mode(part.text))
        elif isinstance(part, Equation):
            out.append(_latex_equation(part))
        elif isinstance(part, Steps):
            out.append(align_block(part.derivation, detail).rstrip("\n"))
        else:
            out.append(_latex_rewrites(part, detail))
    return "\n\n".join(out) + "\n"


def _latex_rules(built: Built, detail: str) -> str:
    return rules_list(list(_rules_used(built, detail)), list(_moves_used(built)))


def latex(built: Built, fragment: bool = False, detail: str = "normal") -> str:
    """A standalone document that pdflatex compiles, or with fragment=True only its body."""
    body = latex_body(built, detail)
    if fragment:
        return body
    return (PREAMBLE + "\\begin{document}\n"
            + f"\\section*{{{note_text_mode(text_segments(title_of(built)))}}}\n"
            + r"A \checkmark{} means the step was checked against \texttt{sympy.diff}." + "\n\n"
            + body + "\n" + _latex_rules(built, detail) + "\\end{document}\n")


# -- Markdown ------------------------------------------------------------------------------------------------------
def markdown(built: Built, detail: str = "normal", heading_level: int = 1) -> str:
    """The same document with $...$ / $$...$$ maths, each inner derivation as render_markdown writes it."""
    from derivtutor.render.markdown import escape, inline, note_markdown, render_markdown

    hashes = "#" * heading_level
    lines = [f"{hashes} {escape(title_of(built))}", "", "✓ means the step was checked against `sympy.diff`.", ""]
    for part in parts(built):
        if isinstance(part, Heading):
            lines += [f"{hashes}# {note_markdown(part.text)}", ""]
        elif isinstance(part, Para):
            lines += [note_markdown(part.text), ""]
        elif isinstance(part, Equation):
            tail = r"\quad\checkmark" if part.checked else ""
            lines += [f"$${part.latex}{tail}$$", ""]
            if part.label:
                lines += [note_markdown(part.label), ""]
        elif isinstance(part, Steps):
            lines += [render_markdown(part.derivation, detail=detail, heading_level=heading_level + 2).rstrip("\n"),
                      ""]
        else:
            lines += [f"$${m(part.start)}$$", ""]
            for rw in part.rewrites:
                check = " ✓" if rw.verified else ""
                why = f" {escape(ALGEBRA_MOVES[rw.move].why)}" if detail != "brief" or rw.assumption else ""
                lines.append(f"- {inline('= ' + m(rw.after))} — **{escape(ALGEBRA_MOVES[rw.move].name)}**{check}."
                             f"{why}")
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# -- JSON ----------------------------------------------------------------------------------------------------------
def _notes_data(keys: list[str], names: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "text": note_text(key, names)} for key in keys]


def _rewrite_data(r: Rewrite) -> dict[str, Any]:
    return {
        "move": r.move,
        "name": ALGEBRA_MOVES[r.move].name,
        "why": ALGEBRA_MOVES[r.move].why,
        "before": expr_data(r.before),
        "after": expr_data(r.after),
        "latex": m(r.after),
        "uses_assumption": [f"{math_text(k)} = {math_text(v)}" for k, v in r.assumption.items()],
        "verified": bool(r.verified),
    }


def _formula(expr: sympy.Expr) -> dict[str, str]:
    """A formula in the learner's notation: SymPy str, the LaTeX as written, the terminal text."""
    return {"sympy": str(expr), "latex": m(expr), "text": math_text(expr)}


def _factor_data(f: Factor) -> dict[str, Any]:
    names = {"a": f.top, "net": f.var, "w": f.var, "aj": f.var, "wjk": str(f.general)}
    return {
        "top": f.top,
        "variable": f.var,
        "latex": d(f.top, f.var),
        "general": _formula(f.general),
        "preset": f.preset,
        "note": None if f.note is None else {"key": f.note, "text": note_text(f.note, names)},
        "derivation": derivation_data(f.derivation),
        "rewrites": [_rewrite_data(r) for r in f.rewrites],
        "verified": bool(f.verified),
    }


def data(built: Built) -> dict[str, Any]:
    """The whole preset as JSON-ready data; "kind" says which shape (see derivation.schema.json)."""
    return {"explained": _explained_data, "chain": _chain_data}[built.kind](built)


def _explained_data(built: Explained) -> dict[str, Any]:
    general = None
    if built.general_lhs is not None:
        top, var = built.general_lhs
        general = {"top": top, "variable": var, "latex": f"{d(top, var)} = {m(built.general)}",
                   "expression": _formula(built.general)}
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "explained",
        "title": title_of(built),
        "intro": _notes_data(built.intro, built.names),
        "derivation": derivation_data(built.derivation),
        "rewrites": [_rewrite_data(r) for r in built.rewrites],
        "outro": _notes_data(built.outro, built.names),
        "general": general,
        "final": _formula(built.final),
        "verified": bool(built.verified),
    }


def _chain_data(c: ChainOfDerivations) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "chain",
        "title": c.title,
        "top": c.top,
        "variable": c.var,
        "intro": _notes_data(c.notes_intro, c.names),
        "sum_index": c.sum_index,
        "path_factors": [_factor_data(f) for f in c.path_factors],
        "factors": [_factor_data(f) for f in c.factors],
        "product": _formula(c.formula),
        "outer": _formula(c.outer),
        "delta": {"name": c.delta_name, "expression": _formula(c.delta),
                  "notes": _notes_data(c.notes_delta, c.names)},
        "update": {"note": note_text("bp_update", c.names), "expression": _formula(c.update)},
        "network_check": {"sizes": [list(s) for s in c.check.sizes], "weights": c.check.weights,
                          "verified": bool(c.check.verified)},
        "verified": bool(c.verified),
    }


def render_json(built: Built, indent: int | None = 2) -> str:
    import json

    return json.dumps(data(built), indent=indent, ensure_ascii=False) + "\n"
