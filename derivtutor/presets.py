"""The named derivations, in the learner's notation. Names and summaries live in preset_index.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy

from derivtutor.derivation import Derivation
from derivtutor.engine import derive


@dataclass(frozen=True)
class Preset:
    name: str
    build: Callable[[], object]  # a Derivation (or another renderable derivation object)


def sigmoid() -> Derivation:
    x = sympy.Symbol("x", real=True)
    return derive(1 / (1 + sympy.exp(-x)), x, name="f", title="The sigmoid σ(x) = 1/(1 + e⁻ˣ)")


PRESETS: dict[str, Preset] = {
    "sigmoid": Preset("sigmoid", sigmoid),
}
