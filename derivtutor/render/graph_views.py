"""`derive graph` in every format: the terminal (rich), JSON, LaTeX (a standalone document) and a graphviz picture.

Only formatting lives here: every number and formula comes ready-made and checked from `derivtutor.graph.Graph`;
every sentence comes from `teaching.GRAPH_TEXT`.
"""

from __future__ import annotations

import json
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from derivtutor.console import OutputStyle
from derivtutor.graph import Edge, Graph, count_word, format_number
from derivtutor.teaching import GRAPH_TEXT, rule_text

MAX_SYMBOLIC_SHOWN = 40
"""Longer symbolic derivatives are left out of the terminal table (they are in the JSON)."""


def _style_key(style: OutputStyle) -> str:
    return "unicode" if style.unicode else "ascii"


def _ascii(text: str, style: OutputStyle) -> str:
    """The same sentence in plain ASCII when the terminal cannot show Unicode."""
    if style.unicode:
        return text
    from derivtutor.console import ascii_words

    for uni, plain in (("∂", "d"), ("→", "->"), ("▶", ">"), ("─", "-"), ("×", "*"), ("δ", "delta_"),
                       ("ₖ", "_k"), ("ⱼ", "j"), ("✓", "ok"), ("✗", "X"), ("…", "...")):
        text = text.replace(uni, plain)
    return ascii_words(text)


def _math(expr: Any, style: OutputStyle) -> str:
    from derivtutor.mathtext import math_text

    return math_text(expr, style.unicode)


def _d(top: str, bottom: str, style: OutputStyle) -> str:
    return f"∂{top}/∂{bottom}" if style.unicode else f"d{top}/d{bottom}"


def _signed(value: Any, style: OutputStyle) -> str:
    text = format_number(value)
    if text.startswith("-"):
        return "(" + ("−" + text[1:] if style.unicode else text) + ")"
    return text


def _number(value: Any, style: OutputStyle) -> str:
    text = format_number(value)
    return "−" + text[1:] if style.unicode and text.startswith("-") else text


def _table(style: OutputStyle, *headers: str) -> Table:
    """Columns whose header starts with '#' hold numbers (right-aligned); the '#' is not shown."""
    table = Table(box=box.SIMPLE_HEAD if style.unicode else box.ASCII2, show_edge=False, pad_edge=False,
                  header_style="bold" if style.color else "", safe_box=not style.unicode)
    for header in headers:
        numeric = header.startswith("#")
        table.add_column(header.lstrip("#"), justify="right" if numeric else "left", overflow="fold",
                         no_wrap=numeric)
    return table


def _section(title: str, why: str, style: OutputStyle, *body: RenderableType) -> Group:
    parts: list[RenderableType] = [Text(title, style="bold underline" if style.color else ""),
                                   Text(_ascii(why, style), style="dim" if style.color else "")]
    parts.extend(body)
    parts.append(Text(""))
    return Group(*parts)


def drawing_lines(graph: Graph, style: OutputStyle) -> list[str]:
    """The compact text drawing: every node with the nodes it feeds, in evaluation order."""
    key = _style_key(style)
    arrow = " ──▶ " if style.unicode else " --> "
    lines = []
    for node in graph.nodes:
        head = node.name if node.kind == "input" else f"{node.name} = {node.texts[key]}"
        parents = [e.parent for e in graph.edges_from(node.name)]
        if node.name == graph.output:
            lines.append(f"{head}   (output)")
        elif parents:
            lines.append(head + arrow + ", ".join(parents))
        else:
            lines.append(head)
    return lines


def path_sentence(graph: Graph, name: str, style: OutputStyle) -> str:
    """How a node's gradient is made: one path, or the sum of its paths written out."""
    node = graph.node(name)
    if name == graph.output:
        return _ascii(GRAPH_TEXT["output_grad"].format(output=name), style)
    outgoing = graph.edges_from(name)
    if not outgoing:
        return GRAPH_TEXT["feeds_nothing"].format(node=name, output=graph.output)
    if len(outgoing) == 1:
        edge = outgoing[0]
        return _ascii(GRAPH_TEXT["one_path"].format(
            node=name, parent=edge.parent, parent_grad=_signed(graph.node(edge.parent).grad, style),
            local=_signed(edge.local_value, style), total=_number(node.grad, style)), style)
    terms = " + ".join(_through(graph, e, style) for e in outgoing)
    return _ascii(GRAPH_TEXT["fan_out"].format(node=name, count=count_word(len(outgoing)), terms=terms,
                                               total=_number(node.grad, style)), style)


def _through(graph: Graph, edge: Edge, style: OutputStyle) -> str:
    within = graph.node(edge.parent).within
    key = "through_inside" if within and within != edge.parent else "through"
    return GRAPH_TEXT[key].format(value=_signed(edge.contribution, style), parent=edge.parent, step=within)


def _rule_name(edge: Edge) -> str:
    name = rule_text(edge.rule_id).name
    if edge.uses > 1:
        return GRAPH_TEXT["used_times"].format(rule=name, child=edge.child, times=count_word(edge.uses))
    return name


def _rules_used(graph: Graph, style: OutputStyle) -> list[Text]:
    """Each rule the edges used, once: its formula and its one-sentence why."""
    seen: list[str] = []
    for edge in graph.edges:
        if edge.rule_id not in seen:
            seen.append(edge.rule_id)
    lines = [Text(_ascii(GRAPH_TEXT["rules_used"], style))]
    for rule_id in seen:
        words = rule_text(rule_id)
        lines.append(Text(_ascii(f"{words.name}: {words.formula}. {words.why}", style)))
    return lines


def graph_renderables(graph: Graph, style: OutputStyle) -> list[RenderableType]:
    key = _style_key(style)
    out = graph.output
    sections: list[RenderableType] = []
    drawing = Text("\n".join("  " + line for line in drawing_lines(graph, style)))
    notes = [Text(_ascii(GRAPH_TEXT[n], style)) for n in graph.notes]
    sections.append(_section(GRAPH_TEXT["title"].format(output=out), GRAPH_TEXT["drawing_why"].format(output=out),
                             style, drawing, *notes))

    forward = _table(style, "node", "formula", "#value")
    for node in graph.nodes:
        formula = GRAPH_TEXT["input"] if node.kind == "input" and node.step is None else node.texts[key]
        if node.kind == "input" and node.step is not None:
            formula = f"{GRAPH_TEXT['input']} ({node.step} = {_number(node.value, style)})"
        forward.add_row(node.name, formula, _number(node.value, style))
    sections.append(_section(GRAPH_TEXT["forward"], GRAPH_TEXT["forward_why"], style, forward))

    local = _table(style, "edge", "local derivative", "rule", "#value")
    for edge in graph.edges:
        local.add_row(_d(edge.parent, edge.child, style), _math(edge.local, style), _rule_name(edge),
                      _number(edge.local_value, style))
    sections.append(_section(GRAPH_TEXT["local"], GRAPH_TEXT["local_why"], style, local, *_rules_used(graph, style)))

    backward = _table(style, "node", f"#{_d(out, 'node', style)}", "how")
    for node in reversed(graph.nodes):
        backward.add_row(node.name, _number(node.grad, style), path_sentence(graph, node.name, style))
    sections.append(_section(GRAPH_TEXT["backward"], GRAPH_TEXT["backward_why"], style, backward))

    check = _table(style, "input", "#backward pass", "symbolic", "#at the point", "#finite difference", "")
    for c in graph.checks:
        symbolic = _math(c.symbolic, style)
        if len(symbolic) > MAX_SYMBOLIC_SHOWN:
            symbolic = GRAPH_TEXT["symbolic_long"].format(length=len(symbolic))
        mark = ("✓" if style.unicode else "ok") if c.exact and c.close else ("✗" if style.unicode else "X")
        check.add_row(_d(out, c.name, style), _number(c.grad, style), symbolic,
                      _number(c.symbolic_value, style) if c.symbolic_value is not None else "?",
                      _number(c.finite_difference, style) if c.finite_difference is not None else "?", mark)
    verdict = GRAPH_TEXT["agree"] if all(c.exact and c.close for c in graph.checks) else GRAPH_TEXT["disagree"]
    sections.append(_section(GRAPH_TEXT["check"], GRAPH_TEXT["check_why"].format(output=out), style, check,
                             Text(_ascii(verdict, style))))
    return sections


def make_console(stream: Any, style: OutputStyle) -> Console:
    return Console(file=stream, highlight=False, no_color=not style.color, force_terminal=style.color or None,
                   color_system="auto" if style.color else None, emoji=False, markup=False, width=style.width,
                   soft_wrap=False, safe_box=True)


def print_graph(graph: Graph, stream: Any, style: OutputStyle, before: list[RenderableType] | None = None,
                after: list[RenderableType] | None = None) -> None:
    console = make_console(stream, style)
    for section in (before or []) + graph_renderables(graph, style) + (after or []):
        console.print(section)


# ---------------------------------------------------------------------------------------------- JSON
def graph_data(graph: Graph) -> dict[str, Any]:
    """Plain data: numbers as floats (and as 9-decimal text), formulas as text a learner can paste back."""
    def num(value: Any) -> float:
        return float(value)

    return {
        "source": graph.source,
        "output": graph.output,
        "nodes": [{"name": n.name, "kind": n.kind, "formula": n.texts.get("ascii") if n.kind != "input" else None,
                   "formula_latex": n.texts.get("latex") if n.kind != "input" else None,
                   "reads": n.operands, "value": num(n.value), "gradient": num(n.grad),
                   "value_text": format_number(n.value), "gradient_text": format_number(n.grad)}
                  for n in graph.nodes],
        "edges": [{"from": e.child, "to": e.parent, "local_derivative": _plain(e.local), "rule": e.rule_id,
                   "rule_name": _rule_name(e), "uses": e.uses, "local_value": num(e.local_value),
                   "path_contribution": num(e.contribution)} for e in graph.edges],
        "inputs": [{"name": c.name, "gradient": num(c.grad), "symbolic": _plain(c.symbolic),
                    "symbolic_value": num(c.symbolic_value) if c.symbolic_value is not None else None,
                    "finite_difference": num(c.finite_difference) if c.finite_difference is not None else None,
                    "agree": bool(c.exact and c.close)}
                   for c in graph.checks],
    }


def _plain(expr: Any) -> str:
    from derivtutor.mathtext import math_text

    return math_text(expr, False)


def graph_json(graph: Graph) -> str:
    return json.dumps(graph_data(graph), indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------------------- LaTeX
_LATEX_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _escape(text: str) -> str:
    return "".join(_LATEX_ESCAPES.get(ch, ch) for ch in text)


def _tex_name(name: str) -> str:
    from derivtutor.graph import _latex_name

    return _latex_name(name)


def _tex_number(value: Any) -> str:
    return format_number(value)


def graph_latex(graph: Graph) -> str:
    """A standalone document: the forward pass, the edges, the backward pass with the path sums, the check."""
    import sympy

    out = _tex_name(graph.output)
    lines = [
        r"\documentclass[11pt]{article}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage{amsmath,amssymb,longtable}",
        r"\usepackage[margin=2cm]{geometry}",
        r"\begin{document}",
        r"\section*{" + _escape(GRAPH_TEXT["title"].format(output=graph.output)) + "}",
        r"\subsection*{" + _escape(GRAPH_TEXT["forward"]) + "}",
        _escape(GRAPH_TEXT["forward_why"]),
        "",
        r"\begin{longtable}{lll}\hline node & formula & value \\ \hline",
    ]
    for n in graph.nodes:
        formula = r"\text{input}" if n.kind == "input" else n.texts["latex"]
        lines.append(f"${_tex_name(n.name)}$ & ${formula}$ & ${_tex_number(n.value)}$ \\\\")
    lines += [r"\hline\end{longtable}", r"\subsection*{" + _escape(GRAPH_TEXT["local"]) + "}",
              _escape(GRAPH_TEXT["local_why"]), "",
              r"\begin{longtable}{llll}\hline edge & local derivative & rule & value \\ \hline"]
    for e in graph.edges:
        lines.append(rf"$\partial {_tex_name(e.parent)}/\partial {_tex_name(e.child)}$ & "
                     f"${_latex_expr(e.local, sympy)}$ & {_escape(_rule_name(e))} & "
                     f"${_tex_number(e.local_value)}$ \\\\")
    lines += [r"\hline\end{longtable}", r"\subsection*{" + _escape(GRAPH_TEXT["backward"]) + "}",
              _escape(GRAPH_TEXT["backward_why"]), "",
              r"\begin{longtable}{lrp{9cm}}\hline node & gradient & how \\ \hline"]
    plain = _plain_style()
    for n in reversed(graph.nodes):
        how = _escape(path_sentence(graph, n.name, plain))
        lines.append(f"${_tex_name(n.name)}$ & ${_tex_number(n.grad)}$ & {how} \\\\")
    lines += [r"\hline\end{longtable}", r"\subsection*{" + _escape(GRAPH_TEXT["check"]) + "}",
              _escape(GRAPH_TEXT["check_why"].format(output=graph.output)), "",
              r"\begin{longtable}{lrrrc}\hline input & backward pass & symbolic at the point & "
              r"finite difference & \\ \hline"]
    for c in graph.checks:
        ok = r"$\checkmark$" if c.exact and c.close else r"$\times$"
        sym = _tex_number(c.symbolic_value) if c.symbolic_value is not None else "?"
        estimate = _tex_number(c.finite_difference) if c.finite_difference is not None else "?"
        lines.append(rf"$\partial {out}/\partial {_tex_name(c.name)}$ & ${_tex_number(c.grad)}$ & "
                     f"${sym}$ & ${estimate}$ & {ok} \\\\")
    lines += [r"\hline\end{longtable}", r"\end{document}", ""]
    return "\n".join(lines)


def _latex_expr(expr: Any, sympy: Any) -> str:
    from derivtutor.render.latex import latex_expr  # the project's LaTeX printer (sigma as \sigma, ...)

    try:
        return latex_expr(expr)
    except Exception:  # noqa: BLE001 - fall back to SymPy's printer for anything the project's does not cover
        return sympy.latex(expr)


def _plain_style() -> OutputStyle:
    return OutputStyle(unicode=False, color=False, width=200)


# ---------------------------------------------------------------------------------------------- picture
class PlotUnavailable(Exception):
    """The graphviz package or the dot program is missing; the message says how to get it."""


def graph_dot(graph: Graph) -> Any:
    """A graphviz Digraph: each node shows formula, value and gradient; each edge its local derivative."""
    try:
        import graphviz
    except ImportError:
        raise PlotUnavailable("drawing the graph needs the graphviz package: pip install 'derivtutor[graph]' "
                              "(and the dot program: apt install graphviz)") from None
    dot = graphviz.Digraph("graph", graph_attr={"rankdir": "LR", "bgcolor": "white", "fontname": "Helvetica"},
                           node_attr={"shape": "record", "fontname": "Helvetica", "fontsize": "11"},
                           edge_attr={"fontname": "Helvetica", "fontsize": "10"})
    for n in graph.nodes:
        head = n.name if n.kind == "input" else f"{n.name} = {n.texts['unicode']}"
        label = " | ".join(_record(t) for t in (head, f"value {format_number(n.value)}",
                                                f"grad {format_number(n.grad)}"))  # stacked, as rankdir is LR
        colour = "#dbeafe" if n.kind == "input" else ("#fde68a" if n.name == graph.output else "#f3f4f6")
        dot.node(n.name, label=label, style="filled", fillcolor=colour)
    for e in graph.edges:
        symbolic = _math(e.local, OutputStyle(unicode=True, color=False, width=80))
        label = f"∂{e.parent}/∂{e.child} = {symbolic}"
        if not e.local.is_number:
            label += f"\n= {format_number(e.local_value)}"
        dot.edge(e.child, e.parent, label=label)
    return dot


def _record(text: str) -> str:
    """Escape the characters a graphviz record label gives meaning to."""
    for ch in "\\{}|<>\"":
        text = text.replace(ch, "\\" + ch)
    return text


def graph_picture(graph: Graph, path: str) -> bytes:
    """The picture for FILE.svg or FILE.png, drawn by graphviz's dot (graph_command.py writes it)."""
    lower = path.lower()
    if not (lower.endswith(".svg") or lower.endswith(".png")):
        raise PlotUnavailable(f"--plot {path}: the picture is written as FILE.svg or FILE.png")
    dot = graph_dot(graph)
    try:
        data = dot.pipe(format="svg" if lower.endswith(".svg") else "png")
    except Exception as exc:  # graphviz.ExecutableNotFound, CalledProcessError
        raise PlotUnavailable(f"the dot program could not draw the graph ({type(exc).__name__}); "
                              f"install graphviz (apt install graphviz)") from None
    return data


# ---------------------------------------------------------------------------------------------- the network
def network_notes(graph: Graph, config: Any, style: OutputStyle) -> tuple[list[RenderableType], list[RenderableType]]:
    """For `derive network --graph`: what the graph is (before it), and its numbers in the backward table's
    notation, delta and dE/dw (after it)."""
    from derivtutor.network import unit_name

    sizes = config.sizes
    before: list[RenderableType] = [Text(_ascii(GRAPH_TEXT["network_intro"], style)), Text("")]
    lines: list[RenderableType] = []
    if len(sizes) >= 3:
        unit, source = unit_name(sizes, 1, 0), unit_name(sizes, 0, 0)
        weight = "w1" if config.has_classic_names else f"w_{source}_{unit}"
        lines.append(Text(_ascii(GRAPH_TEXT["network_delta"].format(
            unit=unit, delta=_number(graph.node(f"net_{unit}").grad, style), weight=weight, source=source,
            grad=_number(graph.node(weight).grad, style)), style)))
    lines.append(Text(""))
    return before, [Group(*lines)]
