"""Tests for the worked numeric network: numbers, gradients, config validation, tables and the CLI."""

from __future__ import annotations

import io
import json
import math
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from derivtutor import network
from derivtutor.network import ConfigError, NetworkConfig
from derivtutor.render.network_tables import fmt, network_renderables

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "network-3-4-2.toml"


# ---------------------------------------------------------------------------------------------------------
# An independent, written-out-by-hand 2-2-2 network (no loops, no shared code with derivtutor.network)
# ---------------------------------------------------------------------------------------------------------


def _sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def hand_222(w: list[float], b1: float, b2: float, i1: float, i2: float, t1: float, t2: float,
             eta: float) -> dict[str, object]:
    """The classic example computed line by line, with w = [w1..w8] in the classic numbering."""
    w1, w2, w3, w4, w5, w6, w7, w8 = w
    net_h1 = w1 * i1 + w2 * i2 + b1
    net_h2 = w3 * i1 + w4 * i2 + b1
    out_h1 = _sig(net_h1)
    out_h2 = _sig(net_h2)
    net_o1 = w5 * out_h1 + w6 * out_h2 + b2
    net_o2 = w7 * out_h1 + w8 * out_h2 + b2
    out_o1 = _sig(net_o1)
    out_o2 = _sig(net_o2)
    e = 0.5 * (t1 - out_o1) ** 2 + 0.5 * (t2 - out_o2) ** 2
    # dE/dout * dout/dnet for each output
    d_o1 = (out_o1 - t1) * out_o1 * (1 - out_o1)
    d_o2 = (out_o2 - t2) * out_o2 * (1 - out_o2)
    g5 = d_o1 * out_h1
    g6 = d_o1 * out_h2
    g7 = d_o2 * out_h1
    g8 = d_o2 * out_h2
    # dE/dout_h1 sums the two paths h1 -> o1 and h1 -> o2
    d_h1 = (d_o1 * w5 + d_o2 * w7) * out_h1 * (1 - out_h1)
    d_h2 = (d_o1 * w6 + d_o2 * w8) * out_h2 * (1 - out_h2)
    g1 = d_h1 * i1
    g2 = d_h1 * i2
    g3 = d_h2 * i1
    g4 = d_h2 * i2
    grads = [g1, g2, g3, g4, g5, g6, g7, g8]
    return {
        "out": [out_h1, out_h2, out_o1, out_o2],
        "net": [net_h1, net_h2, net_o1, net_o2],
        "E": e,
        "grads": grads,
        "new": [wi - eta * gi for wi, gi in zip(w, grads, strict=True)],
    }


CLASSIC_W = [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55]
CLASSIC_ARGS = (0.35, 0.60, 0.05, 0.10, 0.01, 0.99, 0.5)


def hand_after(n: int) -> float:
    w = list(CLASSIC_W)
    for _ in range(n):
        w = hand_222(w, *CLASSIC_ARGS)["new"]
    return hand_222(w, *CLASSIC_ARGS)["E"]


def flat(matrices: list[list[list[float]]]) -> list[float]:
    return [x for matrix in matrices for row in matrix for x in row]


# ---------------------------------------------------------------------------------------------------------
# Numbers for the default network
# ---------------------------------------------------------------------------------------------------------


def test_default_config_is_the_classic_example() -> None:
    config = network.default_config()
    assert config.sizes == [2, 2, 2]
    assert flat(config.weights) == CLASSIC_W
    assert config.biases == [[0.35, 0.35], [0.60, 0.60]]
    assert config.inputs == [0.05, 0.10]
    assert config.targets == [0.01, 0.99]
    assert config.learning_rate == 0.5
    assert config.train_biases is False


def test_forward_and_error_match_hand_computation() -> None:
    config = network.default_config()
    hand = hand_222(CLASSIC_W, *CLASSIC_ARGS)
    fwd = network.forward(config)
    assert fwd.outs[1] + fwd.outs[2] == pytest.approx(hand["out"], abs=1e-15)
    assert fwd.nets[1] + fwd.nets[2] == pytest.approx(hand["net"], abs=1e-15)
    assert network.total_error(config) == pytest.approx(hand["E"], abs=1e-15)


def test_forward_and_error_match_published_figures() -> None:
    fwd = network.forward(network.default_config())
    assert fwd.outs[1][0] == pytest.approx(0.593269992, abs=1e-8)
    assert fwd.outs[1][1] == pytest.approx(0.596884378, abs=1e-8)
    assert fwd.outs[2][0] == pytest.approx(0.75136507, abs=1e-8)
    assert fwd.outs[2][1] == pytest.approx(0.772928465, abs=1e-8)
    assert network.total_error(network.default_config()) == pytest.approx(0.298371109, abs=1e-8)


def test_gradients_and_update_match_hand_computation() -> None:
    config = network.default_config()
    hand = hand_222(CLASSIC_W, *CLASSIC_ARGS)
    grads = network.backprop(config)
    assert flat(grads.weights) == pytest.approx(hand["grads"], abs=1e-15)
    updated = network.update(config)
    assert flat(updated.weights) == pytest.approx(hand["new"], abs=1e-15)
    assert updated.biases == config.biases  # fixed by default


def test_gradients_and_update_match_published_figures() -> None:
    config = network.default_config()
    assert network.backprop(config).weights[1][0][0] == pytest.approx(0.082167041, abs=1e-8)
    new = flat(network.update(config).weights)
    published = [0.149780716, 0.19956143, 0.24975114, 0.29950229,
                 0.35891648, 0.408666186, 0.511301270, 0.561370121]
    assert new == pytest.approx(published, abs=1e-8)


def test_update_uses_the_original_weights_for_every_gradient() -> None:
    config = network.default_config()
    updated = network.update(config)
    # The hidden gradient computed with already-updated output weights would give a different w1.
    sequential = NetworkConfig(**{**config.__dict__, "weights": [config.weights[0], updated.weights[1]]})
    g_seq = network.backprop(sequential).weights[0][0][0]
    g_true = network.backprop(config).weights[0][0][0]
    assert abs(g_seq - g_true) > 1e-6
    assert updated.weights[0][0][0] == 0.15 - 0.5 * g_true
    assert config.weights[0][0][0] == 0.15  # the original is untouched


def test_error_after_one_step_and_many_steps() -> None:
    config = network.default_config()
    after_one = network.total_error(network.update(config))
    assert after_one == pytest.approx(hand_after(1), abs=1e-14)
    assert after_one == pytest.approx(0.291027774, abs=1e-9)
    # The published 0.291027924 is off by 1.5e-7 (true gradient descent gives 0.291027774).
    assert after_one == pytest.approx(0.291027924, abs=2e-7)
    after_many = network.steps(config, 10000)
    assert after_many == pytest.approx(hand_after(10000), rel=1e-12)
    assert after_many == pytest.approx(3.51018778e-05, abs=1e-13)
    # Published: 0.0000351085 (6.6e-9 away from what true gradient descent gives).
    assert after_many == pytest.approx(0.0000351085, abs=1e-8)
    assert network.steps(config, 0) == network.total_error(config)


def test_error_history_checkpoints() -> None:
    config = network.default_config()
    history = network.error_history(config, 1000)
    assert [step for step, _ in history] == [0, 1, 10, 100, 1000]
    for step, error in history:
        assert error == pytest.approx(hand_after(step), rel=1e-12)
    assert network.checkpoints(3) == [0, 1, 3]
    assert network.checkpoints(10) == [0, 1, 10]
    assert network.checkpoints(0) == [0]
    with pytest.raises(ValueError):
        network.train(config, -1)


def test_finite_differences_agree_on_the_default_network() -> None:
    config = network.default_config()
    example = network.work_example(config)
    assert len(example.rows) == 8 + 4
    for row in example.rows:
        assert abs(row.difference) < 1e-9, row.name
    names = [(row.classic, row.name) for row in example.rows if row.kind == "weight"]
    assert names[0] == ("w1", "w_i1,h1")
    assert names[1] == ("w2", "w_i2,h1")
    assert names[2] == ("w3", "w_i1,h2")
    assert names[4] == ("w5", "w_h1,o1")
    assert names[6] == ("w7", "w_h1,o2")
    assert names[7] == ("w8", "w_h2,o2")


# ---------------------------------------------------------------------------------------------------------
# Any network: formulas against finite differences
# ---------------------------------------------------------------------------------------------------------

_unit = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)
_target = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def _random_config(draw: st.DrawFn, sizes: list[int]) -> NetworkConfig:
    weights = [[[draw(_unit) for _ in range(sizes[i])] for _ in range(sizes[i + 1])]
               for i in range(len(sizes) - 1)]
    biases = [[draw(_unit) for _ in range(sizes[i + 1])] for i in range(len(sizes) - 1)]
    return NetworkConfig(sizes=sizes, weights=weights, biases=biases,
                         inputs=[draw(_unit) for _ in range(sizes[0])],
                         targets=[draw(_target) for _ in range(sizes[-1])],
                         learning_rate=0.5, train_biases=True)


@st.composite
def networks_342(draw: st.DrawFn) -> NetworkConfig:
    return _random_config(draw, [3, 4, 2])


@st.composite
def networks_deep(draw: st.DrawFn) -> NetworkConfig:
    return _random_config(draw, [2, 3, 3, 2])


def _check_against_finite_differences(config: NetworkConfig) -> None:
    grads = network.backprop(config)
    est_w, est_b = network.finite_differences(config)
    for formula, estimate in zip(flat(grads.weights), flat(est_w), strict=True):
        assert formula == pytest.approx(estimate, abs=1e-7)
    for formula, estimate in zip([x for b in grads.biases for x in b], [x for b in est_b for x in b],
                                 strict=True):
        assert formula == pytest.approx(estimate, abs=1e-7)


@settings(max_examples=60, deadline=None)
@given(networks_342())
def test_formulas_match_finite_differences_342(config: NetworkConfig) -> None:
    _check_against_finite_differences(config)


@settings(max_examples=30, deadline=None)
@given(networks_deep())
def test_formulas_match_finite_differences_two_hidden_layers(config: NetworkConfig) -> None:
    _check_against_finite_differences(config)


def test_trained_biases_move_by_their_delta() -> None:
    config = network.load_config(EXAMPLE)
    assert config.train_biases is True
    grads = network.backprop(config)
    updated = network.update(config)
    for layer, bias in enumerate(config.biases):
        for k, b in enumerate(bias):
            assert updated.biases[layer][k] == b - 0.5 * grads.deltas[layer + 1][k]
    assert network.total_error(updated) < network.total_error(config)


def test_sigmoid_does_not_overflow() -> None:
    assert network.sigmoid(-1000.0) == 0.0
    assert network.sigmoid(1000.0) == 1.0
    assert network.sigmoid(0.0) == 0.5


# ---------------------------------------------------------------------------------------------------------
# Config files
# ---------------------------------------------------------------------------------------------------------

GOOD = {
    "sizes": [2, 2, 2],
    "inputs": [0.05, 0.10],
    "targets": [0.01, 0.99],
    "learning_rate": 0.5,
    "weights": {"hidden": [[0.15, 0.20], [0.25, 0.30]], "output": [[0.40, 0.45], [0.50, 0.55]]},
    "biases": {"hidden": 0.35, "output": 0.60},
}


def test_example_config_loads() -> None:
    config = network.load_config(EXAMPLE)
    assert config.sizes == [3, 4, 2]
    assert config.layer_names == ["hidden", "output"]
    assert config.biases[1] == [0.30, 0.30]
    assert config.weights[0][2] == [-0.35, 0.05, 0.30]
    assert not config.has_classic_names


def test_json_config_equals_default(tmp_path: Path) -> None:
    path = tmp_path / "net.json"
    path.write_text(json.dumps(GOOD))
    assert network.load_config(path) == network.default_config()


def test_toml_config_equals_default(tmp_path: Path) -> None:
    path = tmp_path / "net.toml"
    path.write_text(
        "sizes = [2, 2, 2]\ninputs = [0.05, 0.10]\ntargets = [0.01, 0.99]\nlearning_rate = 0.5\n"
        "[weights]\nhidden = [[0.15, 0.20], [0.25, 0.30]]\noutput = [[0.40, 0.45], [0.50, 0.55]]\n"
        "[biases]\nhidden = 0.35\noutput = [0.60, 0.60]\n"
    )
    assert network.load_config(path) == network.default_config()


def test_missing_biases_are_zero_and_defaults_apply(tmp_path: Path) -> None:
    data = {key: value for key, value in GOOD.items() if key not in ("biases", "learning_rate")}
    config = network.config_from_mapping(data)
    assert config.biases == [[0.0, 0.0], [0.0, 0.0]]
    assert config.learning_rate == 0.5
    assert config.train_biases is False


def test_several_hidden_layers_are_numbered() -> None:
    data = {
        "sizes": [1, 2, 1, 1], "inputs": [1], "targets": [0.5],
        "weights": {"hidden1": [[0.1], [0.2]], "hidden2": [[0.3, 0.4]], "output": [[0.5]]},
    }
    config = network.config_from_mapping(data)
    assert config.layer_names == ["hidden1", "hidden2", "output"]
    example = network.work_example(config)
    assert [row.name for row in example.rows if row.kind == "weight"] == [
        "w_i1,h1_1", "w_i1,h1_2", "w_h1_1,h2_1", "w_h1_2,h2_1", "w_h2_1,o1"]


def _with(**changes: object) -> dict:
    data = json.loads(json.dumps(GOOD))
    for dotted, value in changes.items():
        keys = dotted.split("__")
        target = data
        for key in keys[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value
    return data


_DELETE = object()

BAD_CASES = [
    # wrong shapes
    (_with(weights__hidden=[[0.15, 0.20], [0.25, 0.30, 0.1]]), "weights.hidden[1]",
     "expected 2 numbers (one for each unit of the layer before), got 3"),
    (_with(weights__output=[[0.40, 0.45]]), "weights.output", "expected 2 rows (one per output unit), got 1"),
    (_with(inputs=[0.05]), "inputs", "expected 2 numbers (one per input unit), got 1"),
    (_with(targets=[0.01, 0.99, 0.5]), "targets", "expected 2 numbers (one per output unit), got 3"),
    (_with(biases__hidden=[0.35]), "biases.hidden", "expected 2 numbers (one per hidden unit), got 1"),
    (_with(sizes=[2]), "sizes", "expected at least 2 layers (inputs and outputs), got 1"),
    (_with(sizes=[2, 0, 2]), "sizes[1]", "expected between 1 and 20 units, got 0"),
    (_with(sizes=[2, 21, 2]), "sizes[1]", "expected between 1 and 20 units, got 21"),
    (_with(sizes=[2, 2, 2, 2, 2, 2, 2]), "sizes",
     "expected at most 6 layers (this is a worked example to read), got 7"),
    # missing keys
    (_with(targets=_DELETE), "targets", "missing (required: sizes, inputs, targets, weights)"),
    (_with(weights__output=_DELETE), "weights.output",
     "missing (2 rows, one per output unit, each with 2 numbers)"),
    # wrong types
    (_with(sizes="2-2-2"), "sizes", "expected a list of layer sizes like [2, 2, 2], got the text '2-2-2'"),
    (_with(sizes=[2, 2.5, 2]), "sizes[1]", "expected a whole number of units, got 2.5"),
    (_with(weights=[[0.1]]), "weights",
     "expected a table with one entry per layer (hidden, output), got a list"),
    (_with(weights__hidden={"a": 1}), "weights.hidden", "expected a list of 2 rows, got a table"),
    (_with(weights__hidden=[0.15, 0.20]), "weights.hidden[0]",
     "expected a list of 2 numbers (one for each unit of the layer before), got 0.15"),
    (_with(train_biases="yes"), "train_biases", "expected true or false, got the text 'yes'"),
    (_with(biases__output="high"), "biases.output",
     "expected a number (shared by the layer) or a list of 2 numbers, got the text 'high'"),
    # non-numbers
    (_with(weights__output=[[0.40, "0.45"], [0.50, 0.55]]), "weights.output[0][1]",
     "expected a number, got the text '0.45'"),
    (_with(inputs=[0.05, True]), "inputs[1]", "expected a number, got true"),
    (_with(learning_rate=None), "learning_rate", "expected a number, got None"),
    (_with(learning_rate=-0.1), "learning_rate", "expected a positive number, got -0.1"),
    # unknown names
    (_with(bias={"hidden": 0.35}), "bias",
     "unknown setting (expected one of: sizes, inputs, targets, weights, biases, learning_rate, "
     "train_biases)"),
    (_with(weights__hiden=[[0.1, 0.2], [0.3, 0.4]]), "weights.hiden",
     "unknown layer (this network's layers are: hidden, output)"),
]


@pytest.mark.parametrize(("data", "place", "problem"), BAD_CASES)
def test_bad_configs_name_the_place(data: dict, place: str, problem: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ConfigError) as info:
        network.load_config(path)
    assert info.value.place == place
    assert info.value.problem == problem
    assert str(info.value) == f"{path}: {place}: {problem}"


def test_top_level_must_be_a_table(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[1, 2]")
    with pytest.raises(ConfigError) as info:
        network.load_config(path)
    assert info.value.place == "file"
    assert info.value.problem == "expected a table of settings at the top, got a list"


def test_non_finite_numbers_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "nan.toml"
    path.write_text(EXAMPLE.read_text().replace("inputs = [0.5, -0.2, 0.9]", "inputs = [0.5, nan, 0.9]"))
    with pytest.raises(ConfigError) as info:
        network.load_config(path)
    assert (info.value.place, info.value.problem) == ("inputs[1]", "expected a finite number, got nan")


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        network.load_config(tmp_path / "absent.toml")
    assert info.value.place == "file"
    assert info.value.problem == "cannot be read (No such file or directory)"
    directory = tmp_path / "dir.toml"
    directory.mkdir()
    with pytest.raises(ConfigError) as info:
        network.load_config(directory)
    assert info.value.place == "file"
    assert info.value.problem.startswith("cannot be read (")
    other = tmp_path / "net.yaml"
    other.write_text("sizes: [2, 2, 2]")
    with pytest.raises(ConfigError) as info:
        network.load_config(other)
    assert info.value.problem == "unknown file type '.yaml': use a .toml or .json file"
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ConfigError) as info:
        network.load_config(binary)
    assert (info.value.place, info.value.problem) == ("file", "is not UTF-8 text")


def test_syntax_errors_give_the_line(tmp_path: Path) -> None:
    toml_path = tmp_path / "broken.toml"
    toml_path.write_text("sizes = [2, 2, 2]\ninputs = [0.05 0.10]\n")
    with pytest.raises(ConfigError) as info:
        network.load_config(toml_path)
    assert (info.value.place, info.value.problem) == ("line 2, column 16", "not valid TOML: Unclosed array")
    toml_path.write_text("sizes = [2, 2, 2]\ninputs = [0.05, \n")
    with pytest.raises(ConfigError) as info:
        network.load_config(toml_path)
    assert (info.value.place, info.value.problem) == ("end of document", "not valid TOML: Invalid value")
    json_path = tmp_path / "broken.json"
    json_path.write_text('{\n  "sizes": [2, 2, 2],\n  "inputs": 0.05,,\n}')
    with pytest.raises(ConfigError) as info:
        network.load_config(json_path)
    assert info.value.place == "line 3, column 18"
    assert info.value.problem == "not valid JSON: Expecting property name enclosed in double quotes"


# ---------------------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------------------


def _render(example: network.WorkedExample, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, highlight=False, color_system=None)
    for part in network_renderables(example):
        console.print(part)
    return console.file.getvalue()


def test_fmt_gives_nine_significant_digits() -> None:
    assert fmt(0.5932699921071872) == "0.593269992"
    assert fmt(3.510187782978859e-05) == "3.51018778e-05"
    assert fmt(0.15) == "0.15"


def test_tables_show_every_number_and_fit_the_width() -> None:
    example = network.work_example(network.default_config(), n_steps=10000)
    for width in (60, 80, 120):
        text = _render(example, width)
        assert max(len(line) for line in text.splitlines()) <= width
        for expected in ("0.593269992", "0.596884378", "0.75136507", "0.772928465", "0.298371109",
                         "0.0821670406", "0.35891648", "0.149780716", "0.291027774", "3.51018778e-05"):
            assert expected in text, (width, expected)
    text = _render(example, 80)
    for title in ("Forward pass", "Error", "Backward pass", "Gradients", "One step of gradient descent",
                  "New error", "Error after 10000 steps"):
        assert title in text
    assert "w5 w_h1,o1" in text
    assert "b_o1" not in text  # biases fixed: no bias rows in the gradient table


def test_tables_show_bias_rows_when_biases_are_trained() -> None:
    text = _render(network.work_example(network.load_config(EXAMPLE)), 80)
    assert "b_h3" in text and "w_i3,h4" in text
    assert "w1 " not in text  # no classic numbering outside the 2-2-2 example
    assert "The biases are updated the same way." in text


# ---------------------------------------------------------------------------------------------------------
# The command line, in a real subprocess
# ---------------------------------------------------------------------------------------------------------


def run_cli(*args: str, columns: int = 80, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns), "PYTHONPATH": str(ROOT)}
    env.pop("NO_COLOR", None)
    return subprocess.run([sys.executable, "-m", "derivtutor", "network", *args], capture_output=True,
                          text=True, env=env, cwd=cwd or ROOT, timeout=60)


def test_cli_default_network() -> None:
    result = run_cli()
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert "\x1b[" not in out  # plain text when piped
    for expected in ("0.593269992", "0.298371109", "0.0821670406", "0.35891648", "0.149780716",
                     "0.291027774"):
        assert expected in out
    assert "Error after" not in out


def test_cli_steps() -> None:
    result = run_cli("--steps", "3")
    assert result.returncode == 0, result.stderr
    assert "Error after 3 steps" in result.stdout
    assert fmt(hand_after(3)) in result.stdout
    assert fmt(hand_after(2)) not in result.stdout  # checkpoints are 0, 1, 3


def test_cli_respects_narrow_terminals() -> None:
    result = run_cli("--steps", "10000", columns=60)
    assert result.returncode == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 60
    assert "3.51018778e-05" in result.stdout


def test_cli_example_config() -> None:
    result = run_cli("--config", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    assert "w_i3,h4" in result.stdout and "b_o2" in result.stdout


def test_cli_bad_config_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        "sizes = [2, 2, 2]\ninputs = [0.05, 0.10]\ntargets = [0.01, 0.99]\n"
        "[weights]\nhidden = [[0.15, 0.20], [0.25, 0.30, 0.1]]\noutput = [[0.40, 0.45], [0.50, 0.55]]\n"
    )
    result = run_cli("--config", "bad.toml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "derive: bad.toml: weights.hidden[1]: "
        "expected 2 numbers (one for each unit of the layer before), got 3\n"
    )


def test_cli_missing_config_file(tmp_path: Path) -> None:
    result = run_cli("--config", "nowhere.json", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "derive: nowhere.json: file: cannot be read (No such file or directory)\n"
    assert "Traceback" not in result.stderr


def test_network_code_never_imports_sympy() -> None:
    code = (
        "import sys\n"
        "from derivtutor.cli import app\n"
        "try:\n"
        "    app(['network', '--steps', '5'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('SYMPY' if 'sympy' in sys.modules else 'NO SYMPY', file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
                            timeout=60)
    assert result.stderr.strip().endswith("NO SYMPY"), result.stderr
    for name in ("derivtutor/network.py", "derivtutor/render/network_tables.py"):
        assert "sympy" not in (ROOT / name).read_text()


def test_random_networks_of_any_shape_run_end_to_end() -> None:
    rng = random.Random(7)
    for _ in range(5):
        sizes = [rng.randint(1, 4) for _ in range(rng.randint(2, 4))]
        config = NetworkConfig(
            sizes=sizes,
            weights=[[[rng.uniform(-1, 1) for _ in range(sizes[i])] for _ in range(sizes[i + 1])]
                     for i in range(len(sizes) - 1)],
            biases=[[rng.uniform(-1, 1) for _ in range(sizes[i + 1])] for i in range(len(sizes) - 1)],
            inputs=[rng.uniform(0, 1) for _ in range(sizes[0])],
            targets=[rng.uniform(0, 1) for _ in range(sizes[-1])],
        )
        example = network.work_example(config, n_steps=20)
        assert all(abs(row.difference) < 1e-7 for row in example.rows)
        assert example.history[-1][0] == 20
        assert _render(example, 60)


def _run_in_terminal(extra_env: dict[str, str]) -> str:
    import pexpect

    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80", "TERM": "xterm-256color", **extra_env}
    if "NO_COLOR" not in extra_env:
        env.pop("NO_COLOR", None)
    child = pexpect.spawn(sys.executable, ["-m", "derivtutor", "network"], env=env, cwd=str(ROOT),
                          encoding="utf-8", timeout=60, dimensions=(40, 80))
    output = child.read()
    child.close()
    assert child.exitstatus == 0
    return output


def test_terminal_gets_styles_and_no_color_gets_plain_text() -> None:
    styled = _run_in_terminal({})
    assert "\x1b[" in styled
    plain = _run_in_terminal({"NO_COLOR": "1"})
    assert "\x1b[" not in plain
    assert "0.593269992" in plain


# ---------------------------------------------------------------------------------------------------------
# The worked example as a Document (blocks.py), drawn by a walker that never reads markup
# ---------------------------------------------------------------------------------------------------------


def test_worked_example_is_a_document_of_headings_paragraphs_and_tables() -> None:
    from derivtutor.blocks import Heading, Paragraph, Table, Text

    doc = network.worked_document(network.work_example(network.default_config(), n_steps=3))
    assert {type(b) for b in doc.blocks} == {Heading, Paragraph, Table}
    assert [b.text for b in doc.blocks if isinstance(b, Heading)] == [
        "Forward pass", "Error", "Backward pass", "Paths into the hidden units", "Gradients",
        "One step of gradient descent", "New error", "Error after 3 steps"]
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert all(run.__class__ is Text for t in tables for row in t.rows for cell in row for run in cell)
    assert all(len(row) == len(t.header) for t in tables for row in t.rows)
    error = tables[1]
    assert error.rows[error.breaks[0]][0] == (Text("E_total"),) and error.rows[-1][-1] == (Text("0.298371109"),)


def test_the_network_document_is_format_neutral_json_too() -> None:
    """The same blocks the terminal draws validate as the JSON document's blocks (render/json.py, the schema)."""
    import jsonschema

    from derivtutor.render.json import block_data, load_schema

    schema = load_schema()
    doc = network.worked_document(network.work_example(network.load_config(EXAMPLE)))
    for block in doc.blocks:
        jsonschema.validate(block_data(block), {"$defs": schema["$defs"], "$ref": "#/$defs/block"},
                            cls=jsonschema.Draft202012Validator)


def test_the_table_walker_prints_markup_and_escapes_as_written() -> None:
    """Words reach rich as Text, never as markup: [bold] stays [bold], and no style tag is made from it."""
    from derivtutor.blocks import Document, Heading, Paragraph, Table, Text
    from derivtutor.render.network_tables import document_renderables

    doc = Document("t", [Heading("[red]title[/red]"), Paragraph((Text("[link=x]why[/link]"),)),
                         Table(("[bold]unit", "n"), (((Text("[blink]h1"),), (Text("1"),)),))])
    console = Console(file=io.StringIO(), width=80, force_terminal=True, color_system="standard", highlight=False)
    for part in document_renderables(doc):
        console.print(part)
    out = console.file.getvalue()
    for written in ("[red]title[/red]", "[link=x]why[/link]", "[bold]unit", "[blink]h1"):
        assert written in out
    assert "\x1b[5m" not in out and "\x1b]8;" not in out  # no blink, no hyperlink made from the words
