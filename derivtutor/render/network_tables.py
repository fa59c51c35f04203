"""Tables for `derive network`: the worked numeric example, formatted for the terminal with rich.

Only formatting lives here; every number comes ready-made from `derivtutor.network.WorkedExample`.
Colour or plain text is console.output_style's decision (as for every command); rich fits the tables to the
terminal width (COLUMNS), folding a number onto two lines rather than cutting it off when space is short.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from derivtutor.network import WorkedExample, hidden_paths

SIGNIFICANT_DIGITS = 9
TRAINING_STEPS_WORTH_A_BAR = 1000  # fewer steps finish before a bar could be read


def fmt(value: float) -> str:
    """Nine significant digits: enough to compare with the published example, short enough to read."""
    return f"{value:.{SIGNIFICANT_DIGITS}g}"


def _table(*headers: str) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for i, header in enumerate(headers):
        if i == 0:
            table.add_column(header, no_wrap=True)
        else:
            table.add_column(header, justify="right", overflow="fold")
    return table


def _section(title: str, why: str, body: RenderableType | None = None) -> Group:
    parts: list[RenderableType] = [Text(title, style="bold underline"), Text(why, style="dim")]
    if body is not None:
        parts.append(body)
    parts.append(Text(""))
    return Group(*parts)


def _weight_label(row_classic: str | None, name: str) -> str:
    return f"{row_classic} {name}" if row_classic else name


def forward_section(example: WorkedExample) -> Group:
    table = _table("unit", "bias", "net", "out")
    fwd = example.forward
    for layer, outs in enumerate(fwd.outs):
        for index, out in enumerate(outs):
            if layer == 0:
                table.add_row(example.unit(layer, index), "", "input", fmt(out))
            else:
                bias = example.config.biases[layer - 1][index]
                table.add_row(example.unit(layer, index), fmt(bias), fmt(fwd.nets[layer][index]), fmt(out))
    why = ("Each unit adds up the activations coming in, times their weights, plus its bias: "
           "net_k = sum_j w_jk a_j + b_k. Then the sigmoid squashes it: out_k = 1/(1 + e^(-net_k)).")
    return _section("Forward pass", why, table)


def error_section(example: WorkedExample) -> Group:
    table = _table("output", "target t", "out a", "1/2 (t - a)^2")
    last = len(example.forward.outs) - 1
    outs = example.forward.outs[last]
    for index, (t, a, term) in enumerate(zip(example.config.targets, outs, example.error_terms, strict=True)):
        table.add_row(example.unit(last, index), fmt(t), fmt(a), fmt(term))
    table.add_section()
    table.add_row("E_total", "", "", fmt(example.error))
    why = ("E = sum over the outputs of 1/2 (t - a)^2. The 1/2 is there so that the 2 from the power rule "
           "cancels when we differentiate.")
    return _section("Error", why, table)


def delta_section(example: WorkedExample) -> Group:
    table = _table("unit", "delta")
    deltas = example.gradients.deltas
    for layer in range(len(deltas) - 1, 0, -1):
        for index, delta in enumerate(deltas[layer]):
            table.add_row(example.unit(layer, index), fmt(delta))
    why = ("delta is dE/dnet: how fast the error changes when a unit's net changes. "
           "Output: delta_k = -(t_k - a_k) a_k (1 - a_k). "
           "Hidden: delta_j = (sum_k delta_k w_jk) a_j (1 - a_j), because a hidden unit feeds every unit "
           "after it, and the paths add up.")
    return Group(_section("Backward pass", why, table), paths_section(example))


def paths_section(example: WorkedExample) -> Group:
    """Each hidden unit's delta built from its paths: delta_k * w_jk through every unit k it feeds, added up."""
    table = _table("unit", "through", "delta_k * w_jk", "a_j (1 - a_j)", "delta_j")
    deltas = example.gradients.deltas
    outs = example.forward.outs
    for layer in range(len(deltas) - 2, 0, -1):
        for j, a in enumerate(outs[layer]):
            unit = example.unit(layer, j)
            paths = hidden_paths(example.config, example.gradients, layer, j)
            for k, contribution in paths:
                table.add_row(unit, example.unit(layer + 1, k), fmt(contribution), "", "")
            table.add_row(unit, "sum: dE/da_j", fmt(sum(c for _, c in paths)), fmt(a * (1 - a)),
                          fmt(deltas[layer][j]))
            table.add_section()
    why = ("A hidden unit feeds every unit after it, so its error signal comes back along every path: "
           "delta_k * w_jk through each unit k. The paths add up to dE/da_j, and times a_j (1 - a_j) "
           "that is delta_j. (derive network --graph shows the same as a computational graph.)")
    return _section("Paths into the hidden units", why, table)


def _shown_rows(example: WorkedExample) -> list:
    return [row for row in example.rows if row.kind == "weight" or example.config.train_biases]


def gradient_section(example: WorkedExample) -> Group:
    table = _table("weight", "dE/dw formula", "finite difference", "difference")
    for row in _shown_rows(example):
        table.add_row(_weight_label(row.classic, row.name), fmt(row.formula), fmt(row.estimate),
                      fmt(row.difference))
    why = ("Formula (chain rule): dE/dw_jk = delta_k * a_j, where w_jk goes from unit j to unit k. "
           "Finite difference: nudge the weight by 1e-06 up and down and see how E moves, "
           "knowing nothing of the formula. They agree.")
    return _section("Gradients", why, table)


def update_section(example: WorkedExample) -> Group:
    eta = example.config.learning_rate
    table = _table("weight", "old", "dE/dw", "new")
    for row in _shown_rows(example):
        table.add_row(_weight_label(row.classic, row.name), fmt(row.value), fmt(row.formula),
                      fmt(row.new_value))
    biases = ("The biases are updated the same way." if example.config.train_biases
              else "The biases stay fixed.")
    why = (f"new w = w - eta * dE/dw, with learning rate eta = {fmt(eta)}. Every gradient is taken at the "
           f"original weights, so all weights move together (true gradient descent). {biases}")
    return _section("One step of gradient descent", why, table)


def new_error_section(example: WorkedExample) -> Group:
    table = _table("", "E_total")
    table.add_row("before", fmt(example.error))
    table.add_row("after one step", fmt(example.new_error))
    table.add_row("change", fmt(example.new_error - example.error))
    why = "Run the forward pass again with the new weights: the error went down."
    if example.new_error >= example.error:
        why = "Run the forward pass again with the new weights: this time the step was too big to help."
    return _section("New error", why, table)


def history_section(example: WorkedExample) -> Group:
    table = _table("steps", "E_total")
    for step, error in example.history:
        table.add_row(str(step), fmt(error))
    last = example.history[-1][0]
    why = f"Repeat the update {last} times, each step starting from the weights the last one left."
    return _section(f"Error after {last} steps", why, table)


def network_renderables(example: WorkedExample) -> list[RenderableType]:
    """The sections in the order a learner meets them: forward, error, backward, gradients, update."""
    sections: list[RenderableType] = [
        forward_section(example),
        error_section(example),
        delta_section(example),
        gradient_section(example),
        update_section(example),
        new_error_section(example),
    ]
    if example.history:
        sections.append(history_section(example))
    return sections


def render_network(example: WorkedExample, console: Console | None = None) -> None:
    """Print every section, coloured or plain as console.output_style decides; rich picks the width."""
    if console is None:
        from derivtutor.console import rich_console

        console = rich_console()
    for section in network_renderables(example):
        console.print(section)


@contextmanager
def training_progress(steps: int, stream: object = None) -> Iterator[Callable[[int], None] | None]:
    """rich's progress bar for `--steps N` while training runs, only on a terminal (never in a pipe or file).

    Yields the `tick(step)` to hand to network.work_example, or None when no bar is shown; the bar is removed
    when training ends, so the tables print as usual.
    """
    stream = stream if stream is not None else sys.stdout
    isatty = getattr(stream, "isatty", None)
    if steps < TRAINING_STEPS_WORTH_A_BAR or not (isatty and isatty()):
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from derivtutor.console import rich_console

    with Progress(TextColumn("training"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=rich_console(stream), transient=True) as bar:
        task = bar.add_task("training", total=steps)
        yield lambda step: bar.update(task, completed=step)
