"""The characters of the tool's notation, shared by the printer (render/mathtext.py) and the reader (parsing.py).

What one prints the other must read back, so the tables live once, here: raised and lowered characters,
Greek letters and their names, and the Unicode look-alikes a learner pastes for times, minus and divide.
"""

from __future__ import annotations

SUPERSCRIPT = dict(zip("0123456789+-=()abcdefghijklmnoprstuvwxyz",
                       "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ", strict=True))
SUBSCRIPT = dict(zip("0123456789aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True))
FROM_SUPERSCRIPT = {raised: plain for plain, raised in SUPERSCRIPT.items()}
FROM_SUBSCRIPT = {lowered: plain for plain, lowered in SUBSCRIPT.items()}

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ", "eta": "η",
    "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "lamda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
    "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ",
    "Omega": "Ω", "pi": "π",
}  # fmt: skip
"""Names a learner types (and SymPy symbols carry) -> the letter printed."""
FROM_GREEK = {letter: name for name, letter in GREEK.items() if name != "lamda"}
FROM_GREEK.update({"ϵ": "epsilon", "ϕ": "phi", "ϑ": "theta", "ς": "sigma", "µ": "mu"})

TIMES = frozenset("·×⋅∙∗")
MINUS = frozenset("−–—‐‑﹣－")
DIVIDE = frozenset("÷⁄∕")
VULGAR_FRACTIONS = {
    "½": "1/2", "⅓": "1/3", "⅔": "2/3", "¼": "1/4", "¾": "3/4", "⅕": "1/5", "⅖": "2/5", "⅗": "3/5",
    "⅘": "4/5", "⅙": "1/6", "⅚": "5/6", "⅛": "1/8", "⅜": "3/8", "⅝": "5/8", "⅞": "7/8",
}  # fmt: skip
ROOTS = {"√": 2, "∛": 3, "∜": 4}
