"""Names and one-line summaries of the named derivations.

Kept apart from `presets.py` (which builds SymPy expressions) so that `derive --list` never imports SymPy.
"""

PRESET_SUMMARIES: dict[str, str] = {
    "sigmoid": "d/dx of 1/(1+e^(-x)): the chain of layers, then the algebra to sigma(x)(1 - sigma(x))",
}
