"""A tiny sigmoid network worked out in plain numbers: forward pass, error, gradients, one update.

This is the numeric companion of the derivations: the learner sees the backprop formulas produce the same
numbers as nudging each weight a little (a central finite difference), and sees the error fall after a step
of gradient descent. Plain Python floats only (no SymPy): `derive network --steps 10000` must feel instant.

Conventions (the learner's notation): layer 0 holds the inputs; `weights[l][k][j]` is w_jk, the weight from
unit j of layer l to unit k of layer l + 1 (one row per receiving unit, as in net_k = sum_j w_jk a_j + b_k);
`biases[l][k]` is the bias of unit k of layer l + 1. E = sum_k 1/2 (t_k - a_k)^2 over the output units.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from derivtutor.blocks import Document, Heading, Paragraph, Table, Text
from derivtutor.teaching import NETWORK_HEADERS, NETWORK_TEXT

Block = Heading | Paragraph | Table  # the blocks a worked example is made of

FINITE_DIFFERENCE_STEP = 1e-6
# A worked example is read line by line; these limits also keep the finite differences (one forward pass
# per weight, twice) instant.
MAX_UNITS = 20
MAX_LAYERS = 6

Matrix = list[list[float]]


class ConfigError(Exception):
    """A network file that cannot be used; says where in the file the problem is, for a one-line message."""

    def __init__(self, path: str | Path, place: str, problem: str) -> None:
        from derivtutor.startup import visible  # a key or a file name may hold ESC ] 52 (a clipboard write)

        self.path = visible(str(path))
        self.place = visible(place)
        self.problem = visible(problem)
        super().__init__(f"{self.path}: {self.place}: {self.problem}")


@dataclass
class NetworkConfig:
    """Everything needed to run the worked example; the default is the classic published 2-2-2 network."""

    sizes: list[int]
    weights: list[Matrix]
    biases: list[list[float]]
    inputs: list[float]
    targets: list[float]
    learning_rate: float = 0.5
    train_biases: bool = False

    @property
    def layer_names(self) -> list[str]:
        """The names used in config files and tables for the layers that have weights (hidden..., output)."""
        return layer_names(len(self.sizes))

    @property
    def has_classic_names(self) -> bool:
        """The classic example numbers its weights w1..w8; that numbering only makes sense for a 2-2-2 net."""
        return list(self.sizes) == [2, 2, 2]


def layer_names(n_layers: int) -> list[str]:
    """Names of the layers after the inputs: one hidden layer is 'hidden', several are hidden1, hidden2..."""
    n_hidden = n_layers - 2
    if n_hidden == 1:
        hidden = ["hidden"]
    else:
        hidden = [f"hidden{i}" for i in range(1, n_hidden + 1)]
    return [*hidden, "output"]


def unit_name(sizes: list[int], layer: int, index: int) -> str:
    """i1 (inputs), h1 or h2_3 (hidden), o1 (outputs), counted from 1 like a teacher."""
    if layer == 0:
        return f"i{index + 1}"
    if layer == len(sizes) - 1:
        return f"o{index + 1}"
    if len(sizes) == 3:
        return f"h{index + 1}"
    return f"h{layer}_{index + 1}"


def default_config() -> NetworkConfig:
    """The classic published example (2 inputs, 2 hidden, 2 outputs), so the learner can compare with it."""
    return NetworkConfig(
        sizes=[2, 2, 2],
        weights=[
            [[0.15, 0.20], [0.25, 0.30]],  # w1 i1->h1, w2 i2->h1 ; w3 i1->h2, w4 i2->h2
            [[0.40, 0.45], [0.50, 0.55]],  # w5 h1->o1, w6 h2->o1 ; w7 h1->o2, w8 h2->o2
        ],
        biases=[[0.35, 0.35], [0.60, 0.60]],
        inputs=[0.05, 0.10],
        targets=[0.01, 0.99],
        learning_rate=0.5,
        train_biases=False,
    )


# ---------------------------------------------------------------------------------------------------------
# Loading and validating a config file
# ---------------------------------------------------------------------------------------------------------

_KNOWN_KEYS = ("sizes", "inputs", "targets", "weights", "biases", "learning_rate", "train_biases")


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return repr(value)


def _number(path: Path, place: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(path, place, f"expected a number, got {_describe(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise ConfigError(path, place, f"expected a finite number, got {value}")
    return number


def _numbers(path: Path, place: str, value: object, count: int, what: str) -> list[float]:
    if not isinstance(value, list):
        raise ConfigError(path, place, f"expected a list of {count} numbers ({what}), got {_describe(value)}")
    if len(value) != count:
        raise ConfigError(path, place, f"expected {count} numbers ({what}), got {len(value)}")
    return [_number(path, f"{place}[{i}]", item) for i, item in enumerate(value)]


def _parse_file(path: Path) -> Any:
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json"):
        kind = suffix or "(none)"
        raise ConfigError(path, "file", f"unknown file type {kind!r}: use a .toml or .json file")
    from derivtutor import files

    try:
        return files.read_data(path, suffix.lstrip("."))
    except files.FileProblem as exc:
        raise ConfigError(path, exc.place, exc.short) from None


def load_config(path: str | Path) -> NetworkConfig:
    """Read a TOML or JSON network file, checking every shape so a mistake is reported where it is."""
    path = Path(path)
    data = _parse_file(path)
    return config_from_mapping(data, path)


def config_from_mapping(data: object, path: str | Path = "<config>") -> NetworkConfig:
    """Validate already-parsed data (a dict as TOML or JSON gives it) and build the NetworkConfig."""
    path = Path(path)
    if not isinstance(data, dict):
        raise ConfigError(path, "file", f"expected a table of settings at the top, got {_describe(data)}")
    for key in data:
        if key not in _KNOWN_KEYS:
            raise ConfigError(path, str(key), f"unknown setting (expected one of: {', '.join(_KNOWN_KEYS)})")
    for key in ("sizes", "inputs", "targets", "weights"):
        if key not in data:
            raise ConfigError(path, key, "missing (required: sizes, inputs, targets, weights)")

    sizes_value = data["sizes"]
    if not isinstance(sizes_value, list):
        raise ConfigError(path, "sizes",
                          f"expected a list of layer sizes like [2, 2, 2], got {_describe(sizes_value)}")
    if len(sizes_value) > MAX_LAYERS:
        raise ConfigError(path, "sizes", f"expected at most {MAX_LAYERS} layers (this is a worked example "
                                         f"to read), got {len(sizes_value)}")
    if len(sizes_value) < 2:
        raise ConfigError(path, "sizes",
                          f"expected at least 2 layers (inputs and outputs), got {len(sizes_value)}")
    sizes: list[int] = []
    for i, size in enumerate(sizes_value):
        if isinstance(size, bool) or not isinstance(size, int):
            raise ConfigError(path, f"sizes[{i}]", f"expected a whole number of units, got {_describe(size)}")
        if not 1 <= size <= MAX_UNITS:
            raise ConfigError(path, f"sizes[{i}]", f"expected between 1 and {MAX_UNITS} units, got {size}")
        sizes.append(size)

    inputs = _numbers(path, "inputs", data["inputs"], sizes[0], "one per input unit")
    targets = _numbers(path, "targets", data["targets"], sizes[-1], "one per output unit")
    names = layer_names(len(sizes))

    weights_value = data["weights"]
    if not isinstance(weights_value, dict):
        raise ConfigError(path, "weights", f"expected a table with one entry per layer ({', '.join(names)}), "
                                           f"got {_describe(weights_value)}")
    _check_layer_keys(path, "weights", weights_value, names)
    weights: list[Matrix] = []
    for layer, name in enumerate(names, start=1):
        place = f"weights.{name}"
        if name not in weights_value:
            raise ConfigError(path, place, f"missing ({sizes[layer]} rows, one per {name} unit, "
                                           f"each with {sizes[layer - 1]} numbers)")
        rows = weights_value[name]
        if not isinstance(rows, list):
            raise ConfigError(path, place, f"expected a list of {sizes[layer]} rows, got {_describe(rows)}")
        if len(rows) != sizes[layer]:
            raise ConfigError(path, place,
                              f"expected {sizes[layer]} rows (one per {name} unit), got {len(rows)}")
        weights.append([
            _numbers(path, f"{place}[{k}]", row, sizes[layer - 1], "one for each unit of the layer before")
            for k, row in enumerate(rows)
        ])

    biases: list[list[float]] = []
    biases_value = data.get("biases", {})
    if not isinstance(biases_value, dict):
        raise ConfigError(path, "biases", f"expected a table with one entry per layer ({', '.join(names)}), "
                                          f"got {_describe(biases_value)}")
    _check_layer_keys(path, "biases", biases_value, names)
    for layer, name in enumerate(names, start=1):
        place = f"biases.{name}"
        value = biases_value.get(name, 0.0)
        if isinstance(value, list):
            biases.append(_numbers(path, place, value, sizes[layer], f"one per {name} unit"))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            biases.append([_number(path, place, value)] * sizes[layer])
        else:
            raise ConfigError(path, place, f"expected a number (shared by the layer) or a list of "
                                           f"{sizes[layer]} numbers, got {_describe(value)}")

    learning_rate = _number(path, "learning_rate", data.get("learning_rate", 0.5))
    if learning_rate <= 0:
        raise ConfigError(path, "learning_rate", f"expected a positive number, got {learning_rate:g}")
    train_biases = data.get("train_biases", False)
    if not isinstance(train_biases, bool):
        raise ConfigError(path, "train_biases", f"expected true or false, got {_describe(train_biases)}")

    return NetworkConfig(sizes=sizes, weights=weights, biases=biases, inputs=inputs, targets=targets,
                         learning_rate=learning_rate, train_biases=train_biases)


def _check_layer_keys(path: Path, section: str, table: dict, names: list[str]) -> None:
    for key in table:
        if key not in names:
            raise ConfigError(path, f"{section}.{key}",
                              f"unknown layer (this network's layers are: {', '.join(names)})")


# ---------------------------------------------------------------------------------------------------------
# The computation
# ---------------------------------------------------------------------------------------------------------


def sigmoid(x: float) -> float:
    """sigma(x) = 1/(1 + e^(-x)), written so that large |x| never overflows."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@dataclass
class ForwardPass:
    """net and out of every unit; nets[0] is empty (inputs have no net), outs[0] are the inputs."""

    nets: list[list[float]]
    outs: list[list[float]]


def forward(config: NetworkConfig) -> ForwardPass:
    """Run the inputs through the layers: net_k = sum_j w_jk a_j + b_k, a_k = sigma(net_k)."""
    return _forward(config.weights, config.biases, config.inputs)


def _forward(weights: list[Matrix], biases: list[list[float]], inputs: list[float]) -> ForwardPass:
    nets: list[list[float]] = [[]]
    outs: list[list[float]] = [list(inputs)]
    for matrix, bias in zip(weights, biases, strict=True):
        previous = outs[-1]
        layer_nets = [sum(w * a for w, a in zip(row, previous, strict=True)) + b
                      for row, b in zip(matrix, bias, strict=True)]
        nets.append(layer_nets)
        outs.append([sigmoid(n) for n in layer_nets])
    return ForwardPass(nets=nets, outs=outs)


def error_terms(targets: list[float], outputs: list[float]) -> list[float]:
    """The per-output errors 1/2 (t_k - a_k)^2, so a table can show how E_total is made up."""
    return [0.5 * (t - a) ** 2 for t, a in zip(targets, outputs, strict=True)]


def total_error(config: NetworkConfig) -> float:
    """E = sum_k 1/2 (t_k - a_k)^2 for the network as configured."""
    return _error(config.weights, config.biases, config.inputs, config.targets)


def _error(weights: list[Matrix], biases: list[list[float]], inputs: list[float],
           targets: list[float]) -> float:
    outputs = _forward(weights, biases, inputs).outs[-1]
    return sum(error_terms(targets, outputs))


@dataclass
class Gradients:
    """The backprop results: delta of every unit and dE/dw, dE/db in the same shapes as weights and biases."""

    deltas: list[list[float]]  # deltas[0] is empty: inputs have no delta
    weights: list[Matrix]
    biases: list[list[float]]


def backprop(config: NetworkConfig, fwd: ForwardPass | None = None) -> Gradients:
    """The formulas: delta_k = -(t_k - a_k) a_k(1 - a_k) at the outputs; delta_j = (sum_k delta_k w_jk)
    a_j(1 - a_j) for hidden units; dE/dw_jk = delta_k a_j and dE/db_k = delta_k."""
    if fwd is None:
        fwd = forward(config)
    n = len(config.weights)
    deltas: list[list[float]] = [[] for _ in range(n + 1)]
    outs = fwd.outs
    deltas[n] = [-(t - a) * a * (1 - a) for t, a in zip(config.targets, outs[n], strict=True)]
    for layer in range(n - 1, 0, -1):
        after = config.weights[layer]  # weights from this layer into the next: after[k][j]
        deltas[layer] = [
            sum(deltas[layer + 1][k] * after[k][j] for k in range(len(after))) * a * (1 - a)
            for j, a in enumerate(outs[layer])
        ]
    weight_grads = [
        [[deltas[layer + 1][k] * a_j for a_j in outs[layer]] for k in range(len(config.weights[layer]))]
        for layer in range(n)
    ]
    bias_grads = [list(deltas[layer + 1]) for layer in range(n)]
    return Gradients(deltas=deltas, weights=weight_grads, biases=bias_grads)


def hidden_paths(config: NetworkConfig, grads: Gradients, layer: int, j: int) -> list[tuple[int, float]]:
    """Unit j of a hidden `layer` feeds every unit k of the next layer: one path each, worth delta_k * w_jk.

    Their sum is dE/da_j (the total derivative adds the paths); times a_j(1 - a_j) it is delta_j.
    """
    after = config.weights[layer]  # after[k][j]: from unit j of this layer to unit k of the next
    return [(k, grads.deltas[layer + 1][k] * after[k][j]) for k in range(len(after))]


def finite_differences(config: NetworkConfig, h: float = FINITE_DIFFERENCE_STEP) -> tuple[list[Matrix],
                                                                                            list[list[float]]]:
    """Estimate every dE/dw and dE/db by (E(w + h) - E(w - h)) / 2h, knowing nothing of the formulas."""
    weights = [[list(row) for row in matrix] for matrix in config.weights]
    biases = [list(b) for b in config.biases]

    def nudge(container: list[float], index: int) -> float:
        original = container[index]
        container[index] = original + h
        plus = _error(weights, biases, config.inputs, config.targets)
        container[index] = original - h
        minus = _error(weights, biases, config.inputs, config.targets)
        container[index] = original
        return (plus - minus) / (2 * h)

    weight_est = [[[nudge(row, j) for j in range(len(row))] for row in matrix] for matrix in weights]
    bias_est = [[nudge(b, k) for k in range(len(b))] for b in biases]
    return weight_est, bias_est


def update(config: NetworkConfig, grads: Gradients | None = None) -> NetworkConfig:
    """One step of gradient descent, w_new = w - eta dE/dw, with every gradient taken at the ORIGINAL weights
    (true gradient descent: no new hidden weight is computed from an already-updated output weight)."""
    if grads is None:
        grads = backprop(config)
    eta = config.learning_rate
    new_weights = [
        [[w - eta * g for w, g in zip(row, grow, strict=True)]
         for row, grow in zip(matrix, gmatrix, strict=True)]
        for matrix, gmatrix in zip(config.weights, grads.weights, strict=True)
    ]
    if config.train_biases:
        new_biases = [[b - eta * g for b, g in zip(bs, gs, strict=True)]
                      for bs, gs in zip(config.biases, grads.biases, strict=True)]
    else:
        new_biases = [list(b) for b in config.biases]
    return replace(config, weights=new_weights, biases=new_biases)


def train(config: NetworkConfig, n: int) -> NetworkConfig:
    """The network after n steps of gradient descent."""
    if n < 0:
        raise ValueError("the number of steps cannot be negative")
    for _ in range(n):
        config = update(config)
    return config


def steps(config: NetworkConfig, n: int) -> float:
    """The error after n steps of gradient descent (n = 0 gives the starting error)."""
    return total_error(train(config, n))


def checkpoints(n: int) -> list[int]:
    """The step counts worth showing on the way to n: 0, 1, 10, 100, ... and n itself."""
    marks = [0]
    mark = 1
    while mark < n:
        marks.append(mark)
        mark *= 10
    if n > 0:
        marks.append(n)
    return marks


class TrainingInterrupted(Exception):
    """Ctrl-C during `--steps`: how far training got, so the command can say it before exiting 130."""

    def __init__(self, step: int, error: float, history: list[tuple[int, float]]) -> None:
        super().__init__(f"stopped after {step} steps: error {error:.9g}")
        self.step, self.error, self.history = step, error, history


TICK_EVERY = 64  # steps between two calls of error_history's `tick` (a progress bar needs no more)


def error_history(config: NetworkConfig, n: int,
                  tick: Callable[[int], None] | None = None) -> list[tuple[int, float]]:
    """(step, error) at each checkpoint up to n, computed in one run of n steps.

    `tick(step)` is called every TICK_EVERY steps (a progress bar); Ctrl-C raises TrainingInterrupted.
    """
    marks = set(checkpoints(n))
    history: list[tuple[int, float]] = []
    current = config
    step = 0
    try:
        for step in range(n + 1):
            if step in marks:
                history.append((step, total_error(current)))
            if step < n:
                current = update(current)
            if tick is not None and step % TICK_EVERY == 0:
                tick(step)
    except KeyboardInterrupt:
        raise TrainingInterrupted(step, total_error(current), history) from None
    if tick is not None:
        tick(n)
    return history


# ---------------------------------------------------------------------------------------------------------
# The whole worked example, ready for a renderer
# ---------------------------------------------------------------------------------------------------------


@dataclass
class ParameterRow:
    """One weight or bias in the gradient and update tables."""

    kind: str  # "weight" or "bias"
    layer: int  # index into config.weights / config.biases
    to_unit: int  # k
    from_unit: int | None  # j (None for a bias)
    name: str  # learner's notation: w_h1,o1 or b_o1
    source: str  # "h1" (or "bias")
    target: str  # "o1"
    classic: str | None  # w1..w8 for the classic 2-2-2 network
    value: float
    formula: float
    estimate: float
    new_value: float

    @property
    def difference(self) -> float:
        return self.formula - self.estimate


@dataclass
class WorkedExample:
    """Everything `derive network` shows, computed once; renderers only format it."""

    config: NetworkConfig
    forward: ForwardPass
    error_terms: list[float]
    error: float
    gradients: Gradients
    rows: list[ParameterRow]
    updated: NetworkConfig
    new_error: float
    history: list[tuple[int, float]] = field(default_factory=list)

    def unit(self, layer: int, index: int) -> str:
        return unit_name(self.config.sizes, layer, index)


def work_example(config: NetworkConfig, n_steps: int = 0,
                 tick: Callable[[int], None] | None = None) -> WorkedExample:
    """Compute the forward pass, error, gradients (formula and estimate), one update, the error history.

    `tick` follows the training for a progress bar (see error_history)."""
    fwd = forward(config)
    terms = error_terms(config.targets, fwd.outs[-1])
    grads = backprop(config, fwd)
    weight_est, bias_est = finite_differences(config)
    updated = update(config, grads)
    sizes = config.sizes
    rows: list[ParameterRow] = []
    counter = 0
    for layer, matrix in enumerate(config.weights):
        for k, row in enumerate(matrix):
            for j, w in enumerate(row):
                counter += 1
                source, target = unit_name(sizes, layer, j), unit_name(sizes, layer + 1, k)
                rows.append(ParameterRow(
                    kind="weight", layer=layer, to_unit=k, from_unit=j, name=f"w_{source},{target}",
                    source=source, target=target, classic=f"w{counter}" if config.has_classic_names else None,
                    value=w, formula=grads.weights[layer][k][j], estimate=weight_est[layer][k][j],
                    new_value=updated.weights[layer][k][j],
                ))
    for layer, bias in enumerate(config.biases):
        for k, b in enumerate(bias):
            target = unit_name(sizes, layer + 1, k)
            rows.append(ParameterRow(
                kind="bias", layer=layer, to_unit=k, from_unit=None, name=f"b_{target}", source="bias",
                target=target, classic=None, value=b, formula=grads.biases[layer][k],
                estimate=bias_est[layer][k], new_value=updated.biases[layer][k],
            ))
    history = error_history(config, n_steps, tick) if n_steps > 0 else []
    return WorkedExample(config=config, forward=fwd, error_terms=terms, error=sum(terms), gradients=grads,
                         rows=rows, updated=updated, new_error=total_error(updated), history=history)


# ---------------------------------------------------------------------------------------------------------
# The worked example as a document (blocks.py: no SymPy), in the order a learner meets it
# ---------------------------------------------------------------------------------------------------------
SIGNIFICANT_DIGITS = 9


def fmt(value: float) -> str:
    """Nine significant digits: enough to compare with the published example, short enough to read."""
    return f"{value:.{SIGNIFICANT_DIGITS}g}"


def _cells(*values: str) -> tuple[tuple[Text, ...], ...]:
    return tuple((Text(value),) if value else () for value in values)


def _section(key: str, why: str, rows: list[tuple[tuple[Text, ...], ...]], breaks: tuple[int, ...] = (),
             title: str | None = None) -> list[Block]:
    return [Heading(title or NETWORK_TEXT[key]), Paragraph((Text(why),)),
            Table(NETWORK_HEADERS[key], tuple(rows), breaks)]


def _weight_label(row: ParameterRow) -> str:
    return f"{row.classic} {row.name}" if row.classic else row.name


def _show_forward(example: WorkedExample) -> list[Block]:
    rows = []
    for layer, outs in enumerate(example.forward.outs):
        for index, out in enumerate(outs):
            unit = example.unit(layer, index)
            if layer == 0:
                rows.append(_cells(unit, "", NETWORK_TEXT["input"], fmt(out)))
            else:
                bias = example.config.biases[layer - 1][index]
                rows.append(_cells(unit, fmt(bias), fmt(example.forward.nets[layer][index]), fmt(out)))
    return _section("forward", NETWORK_TEXT["forward_why"], rows)


def _show_error(example: WorkedExample) -> list[Block]:
    last = len(example.forward.outs) - 1
    rows = [_cells(example.unit(last, index), fmt(t), fmt(a), fmt(term)) for index, (t, a, term)
            in enumerate(zip(example.config.targets, example.forward.outs[last], example.error_terms, strict=True))]
    rows.append(_cells(NETWORK_TEXT["error_total"], "", "", fmt(example.error)))
    return _section("error", NETWORK_TEXT["error_why"], rows, breaks=(len(rows) - 1,))


def _show_backward(example: WorkedExample) -> list[Block]:
    deltas = example.gradients.deltas
    rows = [_cells(example.unit(layer, index), fmt(delta))
            for layer in range(len(deltas) - 1, 0, -1) for index, delta in enumerate(deltas[layer])]
    return _section("backward", NETWORK_TEXT["backward_why"], rows)


def _show_paths(example: WorkedExample) -> list[Block]:
    """Each hidden unit's delta built from its paths: delta_k * w_jk through every unit k it feeds, added up."""
    deltas, outs = example.gradients.deltas, example.forward.outs
    rows: list[tuple[tuple[Text, ...], ...]] = []
    breaks: list[int] = []
    for layer in range(len(deltas) - 2, 0, -1):
        for j, a in enumerate(outs[layer]):
            if rows:
                breaks.append(len(rows))
            unit = example.unit(layer, j)
            paths = hidden_paths(example.config, example.gradients, layer, j)
            rows += [_cells(unit, example.unit(layer + 1, k), fmt(contribution), "", "") for k, contribution in paths]
            rows.append(_cells(unit, NETWORK_TEXT["paths_sum"], fmt(sum(c for _, c in paths)), fmt(a * (1 - a)),
                               fmt(deltas[layer][j])))
    return _section("paths", NETWORK_TEXT["paths_why"], rows, tuple(breaks))


def _shown_rows(example: WorkedExample) -> list[ParameterRow]:
    return [row for row in example.rows if row.kind == "weight" or example.config.train_biases]


def _show_gradients(example: WorkedExample) -> list[Block]:
    rows = [_cells(_weight_label(row), fmt(row.formula), fmt(row.estimate), fmt(row.difference))
            for row in _shown_rows(example)]
    return _section("gradients", NETWORK_TEXT["gradients_why"], rows)


def _show_update(example: WorkedExample) -> list[Block]:
    rows = [_cells(_weight_label(row), fmt(row.value), fmt(row.formula), fmt(row.new_value))
            for row in _shown_rows(example)]
    biases = NETWORK_TEXT["update_biases_trained" if example.config.train_biases else "update_biases_fixed"]
    why = NETWORK_TEXT["update_why"].format(eta=fmt(example.config.learning_rate), biases=biases)
    return _section("update", why, rows)


def _show_new_error(example: WorkedExample) -> list[Block]:
    rows = [_cells(NETWORK_TEXT["before"], fmt(example.error)),
            _cells(NETWORK_TEXT["after_one"], fmt(example.new_error)),
            _cells(NETWORK_TEXT["change"], fmt(example.new_error - example.error))]
    why = NETWORK_TEXT["new_error_down" if example.new_error < example.error else "new_error_up"]
    return _section("new_error", why, rows)


def _show_history(example: WorkedExample) -> list[Block]:
    last = example.history[-1][0]
    rows = [_cells(str(step), fmt(error)) for step, error in example.history]
    return _section("history", NETWORK_TEXT["history_why"].format(last=last), rows,
                    title=NETWORK_TEXT["history"].format(last=last))


def worked_document(example: WorkedExample) -> Document:
    """What `derive network` shows, as a Document: forward, error, backward and its paths, gradients, the update,
    the new error (and the error history after --steps); every number formatted once, here, every word from
    teaching.NETWORK_TEXT. Each section is a heading, a paragraph saying why, and a table."""
    blocks: list[Block] = []
    for section in (_show_forward, _show_error, _show_backward, _show_paths, _show_gradients, _show_update,
                    _show_new_error):
        blocks += section(example)
    if example.history:
        blocks += _show_history(example)
    return Document(NETWORK_TEXT["title"], blocks)


# ---------------------------------------------------------------------------------------------------------
# Example networks shipped with the package (`derive network --example 3-4-2`)
# ---------------------------------------------------------------------------------------------------------
def examples_dir() -> Path:
    """The shipped examples: installed as derivtutor/example_data, or examples/ in a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "example_data"
    return installed if installed.is_dir() else here.parent / "examples"


def example_names() -> list[str]:
    """The names `--example` accepts: network-3-4-2.toml is '3-4-2'."""
    return sorted(path.stem.removeprefix("network-") for path in examples_dir().glob("network-*.toml"))


def example_config(name: str) -> NetworkConfig | None:
    """A shipped example network by name (see example_names); None if there is no such example."""
    if name not in example_names():
        return None
    return load_config(examples_dir() / f"network-{name}.toml")
