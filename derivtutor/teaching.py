"""Every sentence the tutor says about a rule or an algebra move, in one place.

The engine records *which* rule it applied; renderers look the words up here. A teacher can improve an
explanation without reading the engine, and every output format (terminal, LaTeX, Markdown, JSON, lessons) says
the same thing. Formulas come in two spellings: Unicode text for the terminal and LaTeX for documents.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleText:
    name: str  # what a learner can look up: "power rule"
    formula: str  # the general rule in Unicode text, with u standing for the variable
    formula_latex: str
    why: str  # one beginner sentence
    trivial: bool = False  # a teacher skips it in a brief explanation


RULES: dict[str, RuleText] = {
    "constant": RuleText(
        "constant rule", "d/du c = 0", r"\frac{d}{du}\,c = 0",
        "A constant never changes, so its rate of change (its slope) is zero.", trivial=True),
    "variable": RuleText(
        "variable rule", "d/du u = 1", r"\frac{d}{du}\,u = 1",
        "The graph of y = u is a straight line with slope 1: u grows exactly as fast as itself.", trivial=True),
    "constant_multiple": RuleText(
        "constant multiple rule", "d/du (c·f) = c · df/du", r"\frac{d}{du}(c\,f) = c\,\frac{df}{du}",
        "Scaling a function by a fixed number scales its slope by the same number; the constant stays."),
    "sum": RuleText(
        "sum rule", "d/du (f + g) = df/du + dg/du", r"\frac{d}{du}(f+g) = \frac{df}{du} + \frac{dg}{du}",
        "The slope of a sum is the sum of the slopes: differentiate each term on its own and add."),
    "product": RuleText(
        "product rule", "d/du (f·g) = f′·g + f·g′", r"\frac{d}{du}(f\,g) = f'\,g + f\,g'",
        "When two changing things are multiplied, each one's change counts while the other is held as it is."),
    "quotient": RuleText(
        "quotient rule", "d/du (f/g) = (f′·g − f·g′)/g²", r"\frac{d}{du}\frac{f}{g} = \frac{f'\,g - f\,g'}{g^2}",
        "For a fraction whose top and bottom both change: bottom times top's slope, minus top times bottom's "
        "slope, all over the bottom squared."),
    "power": RuleText(
        "power rule", "d/du uⁿ = n·uⁿ⁻¹", r"\frac{d}{du}\,u^n = n\,u^{n-1}",
        "Bring the exponent down in front and lower it by one; this works for negative and fractional n too "
        "(1/u = u⁻¹, √u = u^(1/2))."),
    "exp": RuleText(
        "exponential rule", "d/du eᵘ = eᵘ", r"\frac{d}{du}\,e^u = e^u",
        "eᵘ is the one function whose slope everywhere equals its own value."),
    "exp_base": RuleText(
        "exponential rule (base a)", "d/du aᵘ = aᵘ · ln a", r"\frac{d}{du}\,a^u = a^u \ln a",
        "aᵘ is e^(u·ln a), so its slope is itself times the constant ln a."),
    "log": RuleText(
        "logarithm rule", "d/du ln u = 1/u", r"\frac{d}{du}\ln u = \frac{1}{u}",
        "ln undoes eᵘ, and its slope at u is 1/u: steep near 0, flattening as u grows."),
    "sin": RuleText("sine rule", "d/du sin u = cos u", r"\frac{d}{du}\sin u = \cos u",
                    "The slope of the sine wave at each point is the value of the cosine there."),
    "cos": RuleText("cosine rule", "d/du cos u = −sin u", r"\frac{d}{du}\cos u = -\sin u",
                    "The slope of the cosine wave is minus the sine: cos falls where sin is positive."),
    "tan": RuleText("tangent rule", "d/du tan u = 1 + tan²u = sec²u", r"\frac{d}{du}\tan u = 1 + \tan^2 u",
                    "tan u = sin u / cos u; the quotient rule gives 1/cos²u, which is 1 + tan²u."),
    "sec": RuleText("secant rule", "d/du sec u = sec u · tan u", r"\frac{d}{du}\sec u = \sec u\,\tan u",
                    "sec u = 1/cos u; the power rule and the cosine rule together give sec u · tan u."),
    "csc": RuleText("cosecant rule", "d/du csc u = −csc u · cot u", r"\frac{d}{du}\csc u = -\csc u\,\cot u",
                    "csc u = 1/sin u; the power rule and the sine rule together give −csc u · cot u."),
    "cot": RuleText("cotangent rule", "d/du cot u = −1 − cot²u", r"\frac{d}{du}\cot u = -1 - \cot^2 u",
                    "cot u = cos u / sin u; the quotient rule gives −1/sin²u, which is −1 − cot²u."),
    "asin": RuleText("arcsine rule", "d/du asin u = 1/√(1 − u²)", r"\frac{d}{du}\arcsin u = \frac{1}{\sqrt{1-u^2}}",
                     "asin undoes sin; the slope of an inverse is one over the slope of the original."),
    "acos": RuleText("arccosine rule", "d/du acos u = −1/√(1 − u²)",
                     r"\frac{d}{du}\arccos u = -\frac{1}{\sqrt{1-u^2}}",
                     "acos undoes cos; the slope of an inverse is one over the slope of the original."),
    "atan": RuleText("arctangent rule", "d/du atan u = 1/(1 + u²)", r"\frac{d}{du}\arctan u = \frac{1}{1+u^2}",
                     "atan undoes tan; the slope of an inverse is one over the slope of the original."),
    "sinh": RuleText("hyperbolic sine rule", "d/du sinh u = cosh u", r"\frac{d}{du}\sinh u = \cosh u",
                     "sinh u = (eᵘ − e⁻ᵘ)/2; differentiating each exponential gives (eᵘ + e⁻ᵘ)/2 = cosh u."),
    "cosh": RuleText("hyperbolic cosine rule", "d/du cosh u = sinh u", r"\frac{d}{du}\cosh u = \sinh u",
                     "cosh u = (eᵘ + e⁻ᵘ)/2; differentiating each exponential gives (eᵘ − e⁻ᵘ)/2 = sinh u."),
    "tanh": RuleText("tanh rule", "d/du tanh u = 1 − tanh²u", r"\frac{d}{du}\tanh u = 1 - \tanh^2 u",
                     "tanh = sinh/cosh; the quotient rule and cosh² − sinh² = 1 give 1 − tanh²u."),
    "abs": RuleText("absolute value rule", "d/du |u| = −1 for u < 0, 1 for u > 0 (none at 0)",
                    r"\frac{d}{du}|u| = \begin{cases}-1 & u<0\\ 1 & u>0\end{cases}",
                    "|u| is the line −u on the left and u on the right; at 0 the graph has a sharp corner, so no "
                    "single slope (no derivative) exists there."),
    "piecewise": RuleText("piecewise rule", "differentiate each piece on its own interval",
                          r"\text{differentiate each piece on its own interval}",
                          "Inside each interval the function is an ordinary formula; where two pieces meet with "
                          "different slopes there is a corner and no derivative exists."),
    "log_diff": RuleText("logarithmic differentiation", "y = fᵍ: ln y = g·ln f, so y′ = y · (g·ln f)′",
                         r"y = f^g:\ \ln y = g\ln f,\ \ y' = y\,(g\ln f)'",
                         "When the variable is in both the base and the exponent no single rule fits, so take ln "
                         "of both sides, which turns the power into a product."),
    "undefined_function": RuleText("unknown function", "d/du f(u) = f′(u)", r"\frac{d}{du}f(u) = f'(u)",
                                   "We know nothing about f, so its slope can only be named: f′."),
    "known_derivative": RuleText("known derivative (looked up)", "d/du F(u) = F′(u) from a table",
                                 r"\frac{d}{du}F(u) = F'(u)",
                                 "This special function's derivative is taken from SymPy's table rather than "
                                 "derived here; it is still checked."),
    "sigmoid": RuleText("sigmoid rule", "d/du σ(u) = σ(u)·(1 − σ(u))",
                        r"\frac{d}{du}\sigma(u) = \sigma(u)\,(1-\sigma(u))",
                        "This is the result of 'derive sigmoid': the slope of σ is σ times (1 − σ)."),
    "chain": RuleText("chain rule", "df/dx = df/dg · dg/dx", r"\frac{df}{dx} = \frac{df}{dg}\cdot\frac{dg}{dx}",
                      "When one function is fed into another, their rates of change multiply: if g moves 3 "
                      "times as fast as x and f moves 2 times as fast as g, f moves 2·3 = 6 times as fast as x."),
}


@dataclass(frozen=True)
class MoveText:
    name: str
    why: str


ALGEBRA_MOVES: dict[str, MoveText] = {
    "multiply": MoveText("multiply the factors", "Multiply the numbers and signs together; two minus signs make "
                         "a plus."),
    "split_fraction": MoveText("split the fraction", "(1 + e⁻ˣ)² is (1 + e⁻ˣ)·(1 + e⁻ˣ), so the fraction is a "
                               "product of two simpler fractions."),
    "add_subtract_one": MoveText("add and subtract 1", "Adding 1 and taking it away again changes nothing, but "
                                 "it makes the top look like the bottom."),
    "divide_out": MoveText("divide each term by the bottom", "(a − b)/a = a/a − b/a = 1 − b/a."),
    "recognise_sigma": MoveText("recognise σ", "1/(1 + e⁻ᵘ) is exactly the sigmoid σ(u), so write it that way."),
}

# Sentences filled in with the details of one step.
NOTES: dict[str, str] = {
    "held_constant_one": "{names} is another variable, so it is a constant here.",
    "held_constant_many": "{names} are other variables, so they are constants here.",
    "constant_factor": "{factor} does not contain {var}, so it is a constant factor: it stays in front, "
                       "multiplying the slope of the rest (it does not turn into 0).",
    "minus_sign": "−{rest} is −1 · {rest}: the −1 is a constant factor and it stays. That is where the minus "
                  "sign comes from.",
    "power_negative": "{written} is {base} to the power {n}, so the power rule applies with n = {n}: bring {n} "
                      "down in front and lower the power by one, to {lowered}.",
    "power_fraction": "A root is a fractional power (√u = u^(1/2)), so the power rule applies.",
    "no_derivative_at": "No derivative exists at {points}: the slopes on the two sides do not agree there.",
    "chain_layers": "Peel the expression like an onion: name each inner part, differentiate each layer with "
                    "respect to the layer inside it, and multiply. The first factor is the derivative of the "
                    "outside; the others are 'the derivative of the inside'.",
    "substitute_back": "Put the inner parts back ({assignments}) and multiply.",
    "verified": "same as sympy.diff",
    "sympy_form": "SymPy writes it as {expr}.",
    "sympy_kink": "SymPy's form gives a value at the corner by convention; the true slope does not exist there, "
                  "so our answer leaves it out.",
}


def rule_text(rule_id: str) -> RuleText:
    """The words for one rule; a KeyError here is a bug in the engine's rule ids (tests cover every id)."""
    return RULES[rule_id]
