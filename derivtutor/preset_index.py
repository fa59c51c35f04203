"""Names and one-line summaries of the named derivations.

Kept apart from `presets.py` (which builds SymPy expressions) so that `derive --list` never imports SymPy.
"""

PRESET_SUMMARIES: dict[str, str] = {
    "sigmoid": "d/dx of 1/(1+e^(-x)): the chain of layers, then the algebra to sigma(x)(1 - sigma(x))",
    "error": "dE/da_k of E = 1/2 sum_k (t_k - a_k)^2 = -(t_k - a_k), and why the 1/2 is there",
    "net": "dnet_k/dw_jk of net_k = sum_j w_jk a_j + b_k = a_j: a_j * 1, not 0",
    "output-weight": "dE/dw_jk = -(t_k - a_k) * a_k(1 - a_k) * a_j: three derivations multiplied, delta_k, update",
    "hidden-weight": "dE/dw_ij: a sum over the paths through every output k, delta_j, update",
    "tanh": "d/dx tanh(x) = 1 - tanh(x)^2",
    "relu": "d/dx max(0, x) = 0 or 1, and no derivative at 0",
    "softplus": "d/dx ln(1 + e^x) = sigma(x)",
    "bce": "binary cross-entropy after a sigmoid: dL/dz = a - t",
    "softmax-xent": "softmax + cross-entropy, 3 classes: dL/dz_i = yhat_i - y_i (uses sum y = 1)",
    "total-derivative": "d/dt f(x(t), y(t)) = df/dx * dx/dt + df/dy * dy/dt: every path adds; f = x*y worked out",
}
