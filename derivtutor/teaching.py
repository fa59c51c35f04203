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
    "cot": RuleText("cotangent rule", "d/du cot u = −1 − cot²u = −csc²u", r"\frac{d}{du}\cot u = -1 - \cot^2 u",
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
    "asec": RuleText("arcsecant rule", "d/du asec u = 1/(u²·√(1 − 1/u²)) = 1/(|u|·√(u² − 1))",
                     r"\frac{d}{du}\operatorname{asec} u = \frac{1}{|u|\sqrt{u^2-1}}",
                     "asec undoes sec; the slope of an inverse is one over the slope of the original."),
    "acsc": RuleText("arccosecant rule", "d/du acsc u = −1/(u²·√(1 − 1/u²)) = −1/(|u|·√(u² − 1))",
                     r"\frac{d}{du}\operatorname{acsc} u = -\frac{1}{|u|\sqrt{u^2-1}}",
                     "acsc undoes csc; the slope of an inverse is one over the slope of the original."),
    "acot": RuleText("arccotangent rule", "d/du acot u = −1/(1 + u²)",
                     r"\frac{d}{du}\operatorname{acot} u = -\frac{1}{1+u^2}",
                     "acot undoes cot; it falls where atan rises, with the same steepness: −1/(1 + u²)."),
    "sech": RuleText("hyperbolic secant rule", "d/du sech u = −sech u · tanh u",
                     r"\frac{d}{du}\operatorname{sech} u = -\operatorname{sech} u\,\tanh u",
                     "sech u = 1/cosh u; the power rule and the cosh rule together give −sinh u/cosh²u."),
    "csch": RuleText("hyperbolic cosecant rule", "d/du csch u = −csch u · coth u",
                     r"\frac{d}{du}\operatorname{csch} u = -\operatorname{csch} u\,\coth u",
                     "csch u = 1/sinh u; the power rule and the sinh rule together give −cosh u/sinh²u."),
    "coth": RuleText("hyperbolic cotangent rule", "d/du coth u = 1 − coth²u = −csch²u",
                     r"\frac{d}{du}\coth u = 1 - \coth^2 u",
                     "coth = cosh/sinh; the quotient rule and cosh² − sinh² = 1 give −1/sinh²u = 1 − coth²u."),
    "asinh": RuleText("inverse hyperbolic sine rule", "d/du asinh u = 1/√(u² + 1)",
                      r"\frac{d}{du}\operatorname{asinh} u = \frac{1}{\sqrt{u^2+1}}",
                      "asinh undoes sinh; one over the slope cosh, and cosh = √(sinh² + 1)."),
    "acosh": RuleText("inverse hyperbolic cosine rule", "d/du acosh u = 1/(√(u − 1)·√(u + 1))",
                      r"\frac{d}{du}\operatorname{acosh} u = \frac{1}{\sqrt{u-1}\,\sqrt{u+1}}",
                      "acosh undoes cosh (for u ≥ 1); one over the slope sinh, and sinh = √(cosh² − 1)."),
    "atanh": RuleText("inverse hyperbolic tangent rule", "d/du atanh u = 1/(1 − u²)",
                      r"\frac{d}{du}\operatorname{atanh} u = \frac{1}{1-u^2}",
                      "atanh undoes tanh; one over the slope 1 − tanh², which is 1 − u²."),
    "asech": RuleText("inverse hyperbolic secant rule", "d/du asech u = −1/(u·√(1 − u²))",
                      r"\frac{d}{du}\operatorname{asech} u = -\frac{1}{u\sqrt{1-u^2}}",
                      "asech undoes sech; the slope of an inverse is one over the slope of the original."),
    "acsch": RuleText("inverse hyperbolic cosecant rule", "d/du acsch u = −1/(u²·√(1 + 1/u²))",
                      r"\frac{d}{du}\operatorname{acsch} u = -\frac{1}{|u|\sqrt{1+u^2}}",
                      "acsch undoes csch; the slope of an inverse is one over the slope of the original."),
    "acoth": RuleText("inverse hyperbolic cotangent rule", "d/du acoth u = 1/(1 − u²)",
                      r"\frac{d}{du}\operatorname{acoth} u = \frac{1}{1-u^2}",
                      "acoth undoes coth; its slope has the same formula as atanh's, on |u| > 1."),
    "erf": RuleText("error function rule", "d/du erf u = 2/√π · e^(−u²)",
                    r"\frac{d}{du}\operatorname{erf} u = \frac{2}{\sqrt{\pi}}e^{-u^2}",
                    "erf is defined as 2/√π times the area under e^(−t²) from 0 to u, so its slope is that curve."),
    "erfc": RuleText("complementary error function rule", "d/du erfc u = −2/√π · e^(−u²)",
                     r"\frac{d}{du}\operatorname{erfc} u = -\frac{2}{\sqrt{\pi}}e^{-u^2}",
                     "erfc u = 1 − erf u, so its slope is minus the slope of erf."),
    "softplus": RuleText("softplus rule", "d/du softplus u = σ(u)",
                         r"\frac{d}{du}\operatorname{softplus} u = \sigma(u)",
                         "softplus u = ln(1 + eᵘ); the log rule and the chain rule give eᵘ/(1 + eᵘ) = σ(u) "
                         "(derive softplus shows every step)."),
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
    "total_derivative": RuleText(
        "total derivative (multivariable chain rule)", "d/dt f(x(t), y(t)) = ∂f/∂x · dx/dt + ∂f/∂y · dy/dt",
        r"\frac{d}{dt} f(x(t), y(t)) = \frac{\partial f}{\partial x}\frac{dx}{dt} + "
        r"\frac{\partial f}{\partial y}\frac{dy}{dt}",
        "t reaches f along every argument at once: each path (through x, through y) gives its own chain-rule "
        "product, how fast f changes with that argument times how fast the argument changes, and the paths add "
        "up."),
    "chain": RuleText("chain rule", "df/dx = df/dg · dg/dx", r"\frac{df}{dx} = \frac{df}{dg}\cdot\frac{dg}{dx}",
                      "When one function is fed into another, their rates of change multiply: if g moves 3 "
                      "times as fast as x and f moves 2 times as fast as g, f moves 2·3 = 6 times as fast as x."),
}


@dataclass(frozen=True)
class MoveText:
    """An algebra move's words. `formula` is the general identity behind it, written with the placeholder
    `letters`; explain.move_formula renames those away from the names on the screen, as rule cards do, so a
    card never says (a − b)/a next to an input a and a bias b. `why` never uses the placeholder letters."""

    name: str
    why: str
    formula: str = ""  # Unicode text; raised placeholders (eᵘ) are renamed too
    formula_latex: str = ""
    letters: str = ""  # the formula's placeholder letters, each renamed when the screen uses it


ALGEBRA_MOVES: dict[str, MoveText] = {
    "multiply": MoveText("multiply the factors", "Multiply the numbers and signs together; two minus signs make "
                         "a plus."),
    "split_fraction": MoveText("split the fraction", "A square on the bottom is the bottom times itself, so the "
                               "fraction is a product of two simpler fractions.",
                               "b/a² = 1/a · b/a", r"\frac{b}{a^2} = \frac{1}{a}\cdot\frac{b}{a}", "ab"),
    "add_subtract_one": MoveText("add and subtract 1", "Adding 1 and taking it away again changes nothing, but "
                                 "it makes the top look like the bottom.",
                                 "b = 1 + b − 1", r"b = 1 + b - 1", "b"),
    "divide_out": MoveText("divide each term by the bottom", "A fraction whose top is a sum or a difference is "
                           "the sum or difference of each term over the bottom, and the bottom over itself is 1.",
                           "(a − b)/a = a/a − b/a = 1 − b/a",
                           r"\frac{a-b}{a} = \frac{a}{a} - \frac{b}{a} = 1 - \frac{b}{a}", "ab"),
    "recognise_sigma": MoveText("recognise σ", "That fraction is exactly the sigmoid, so write it that way.",
                                "1/(1 + e⁻ᵘ) = σ(u)", r"\frac{1}{1+e^{-u}} = \sigma(u)", "u"),
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
    "partial_one": "This is a partial derivative: only {var} changes; {names} is held constant (treated like a "
                   "fixed number).",
    "partial_many": "This is a partial derivative: only {var} changes; {names} are held constant (treated like "
                    "fixed numbers).",
    "layers_by_name": "Each factor is written with the layer names above; put them back from the inside out.",
    "sympy_kink": "SymPy's form gives a value at the corner by convention; the true slope does not exist there, "
                  "so our answer leaves it out.",
}


# The section headings of a derivation, in every format.
HEADINGS: dict[str, str] = {
    "find": "Find {d} for {f}({var}) = ",
    "step_by_step": "{d} step by step",
    "layers": "The layers (chain rule)",
    "substitute": "Substitute back and multiply",
    "checked": "Checked: ",
    "checked_all": "every step above equals sympy.diff of that step",
    "algebra": "Algebra: from the raw result to the teacher's form",
    "answer": "Answer: ",
    "why": "Why: ",
}


def rule_text(rule_id: str) -> RuleText:
    """The words for one rule; a KeyError here is a bug in the engine's rule ids (tests cover every id)."""
    return RULES[rule_id]


# -- backpropagation presets (error, net, output-weight, hidden-weight, activations, losses) ---------------------

ALGEBRA_MOVES.update({
    "divide_top_bottom": MoveText("divide top and bottom by eᵘ", "Dividing the top and the bottom of a "
                                  "fraction by the same thing leaves its value unchanged.",
                                  "eᵘ/eᵘ = 1 and (1 + eᵘ)/eᵘ = e⁻ᵘ + 1",
                                  r"\frac{e^u}{e^u} = 1,\ \frac{1+e^u}{e^u} = e^{-u} + 1", "u"),
    "minus_outside": MoveText("take the minus sign outside", "a − t = −(t − a): the error is written as target "
                              "minus output, so the minus sign goes in front."),
    "multiply_out": MoveText("multiply out the brackets", "Multiply each bracket out term by term, keeping the "
                             "signs."),
    "cancel_terms": MoveText("cancel what appears with + and −", "A term added and the same term taken away "
                             "add up to zero, so both disappear."),
    "name_output": MoveText("write a for σ(z)", "The unit's output is a = σ(z), so σ(z) can be written a."),
    "name_softmax": MoveText("write ŷ for the softmax", "Each e^(zᵢ)/(e^(z₁) + e^(z₂) + e^(z₃)) is the "
                             "softmax output ŷᵢ, so write it that way."),
    "split_difference": MoveText("split the fraction in two", "A fraction whose top is a difference is a "
                                 "difference of two fractions.",
                                 "(A² − B²)/A² = A²/A² − B²/A²",
                                 r"\frac{A^2-B^2}{A^2} = \frac{A^2}{A^2} - \frac{B^2}{A^2}", "AB"),
    "one_minus_square": MoveText("simplify both fractions", "Anything divided by itself is 1, and a quotient of "
                                 "squares is the square of the quotient.",
                                 "A²/A² = 1 and B²/A² = (B/A)²",
                                 r"\frac{A^2}{A^2} = 1,\ \frac{B^2}{A^2} = \left(\frac{B}{A}\right)^2", "AB"),
    "recognise_tanh": MoveText("recognise tanh", "That fraction is exactly tanh, so write it that way.",
                               "(eᵘ − e⁻ᵘ)/(eᵘ + e⁻ᵘ) = tanh(u)",
                               r"\frac{e^u-e^{-u}}{e^u+e^{-u}} = \tanh(u)", "u"),
    "collect": MoveText("multiply out and collect", "Multiply out the brackets and gather the terms that contain "
                        "the same factor."),
    "use_sum_one": MoveText("use y₁ + y₂ + y₃ = 1", "The targets are one-hot (or probabilities): they add up "
                            "to 1. This is the only place the assumption is used."),
})

# Sentences for the backpropagation presets. {names} in braces are filled in by the renderer, so the ASCII
# spelling (a_j) and the Unicode one (aⱼ) both come out right.
NOTES.update({
    "bp_notation": "Notation: E = 1/2 · Σₖ (tₖ − aₖ)², aₖ = σ(netₖ), netₖ = Σⱼ wⱼₖ·aⱼ + bₖ. t is a target, a an "
                   "output, w a weight, b a bias; j counts the units feeding unit k.",
    "bp_error_written_out": "Write the sum out for three outputs, k = 1, 2, 3, and take k = 2: only the middle "
                            "term contains {ak}; every other term is a constant here (constant rule: 0).",
    "bp_error_half": "Why the 1/2? The power rule brings the exponent 2 down in front, and 2 · 1/2 = 1: the 1/2 "
                     "is there only to cancel that 2, so the slope is clean. It does not move the minimum: "
                     "halving the error halves every slope and the best weights stay the same.",
    "bp_error_inner": "The chain rule adds the inner derivative: ∂/∂{ak} ({tk} − {ak}) = −1, which is where the "
                      "minus sign in front comes from.",
    "bp_error_general": "The same happens for every k: only the k-th term contains aₖ.",
    "bp_net_written_out": "Write net out for three inputs, j = 1, 2, 3, plus the bias, and take j = 2.",
    "bp_net_not_zero": "{aj} is a constant here, but it multiplies {wjk}, so the constant multiple rule gives "
                       "{aj} · 1, not 0. Only the terms that do not contain {wjk} at all vanish (constant rule: 0).",
    "bp_net_where_w_went": "Where did the w go? d{wjk}/d{wjk} = 1 (variable rule): a variable changes exactly "
                           "as fast as itself, so the w becomes 1 and only {aj} is left.",
    "bp_net_general": "The same happens for every j: only the j-th term contains wⱼₖ.",
    "bp_chain_intro": "{w} changes {net}, which changes {a}, which changes E: three links in a chain.",
    "bp_chain_why": "Yes, you multiply these results, and here is why: the chain rule. Each factor says how fast "
                    "one quantity changes when the one before it changes; going through the links, the rates "
                    "multiply.",
    "bp_factor_see": "every step: derive {preset}",
    "bp_factors_below": "Each factor is its own checked derivation, shown in full below.",
    "bp_factor_brief": "Each factor is its own checked derivation; the full detail (--detail full, or s in a "
                       "lesson) shows them all here.",
    "bp_a_is_sigma": "{a} = σ({net}), so σ({net}) · (1 − σ({net})) is {a} · (1 − {a}).",
    "bp_net_factor": "The terms for the other inputs and the bias do not contain {w}, so they give 0 (see "
                     "derive net); the bias term stands for them here.",
    "bp_delta_output": "Call the first two factors δₖ (delta k): how much E changes when netₖ changes. Then the "
                       "slope for every weight into unit k is δₖ times the output that weight multiplies.",
    "bp_update": "The weight change (gradient descent): move the weight a small step (learning rate η) against "
                 "the slope, downhill on E:",
    "bp_hidden_paths": "{aj} feeds every output unit k, so changing {wij} changes E along every path "
                       "{aj} → netₖ → aₖ → E. The total derivative adds the paths: a sum over k.",
    "bp_hidden_path_factors": "Along the path through output k (the same factors as for an output weight, "
                              "except the last, which is now the slope of netₖ with respect to {aj}):",
    "bp_hidden_wjk": "{aj} is the variable now and {wjk} is the constant that multiplies it: constant multiple "
                     "rule, {wjk} · 1.",
    "bp_delta_hidden": "The bracket is the sum over k of δₖ·wⱼₖ: the output deltas sent back along the weights. "
                       "Times aⱼ(1 − aⱼ) it is δⱼ, and the pattern repeats for every earlier layer.",
    "bp_checked_network": "Checked on whole networks ({sizes}, with biases): E written out in full, "
                          "differentiated by SymPy for each of its {count} weights and biases, equals this formula.",
    "bp_bce_intro": "Binary cross-entropy for one output a = σ(z) and a target t (0 or 1): "
                    "L = −(t·ln a + (1 − t)·ln(1 − a)). Here z is the unit's net input.",
    "bp_bce_why": "The σ′ = σ(1 − σ) of the sigmoid cancels against the 1/a and 1/(1 − a) of the logarithms: "
                  "that is why a sigmoid output is paired with this loss.",
    "bp_softmax_intro": "Softmax with three classes: ŷᵢ = e^(zᵢ)/(e^(z₁) + e^(z₂) + e^(z₃)), and the "
                        "cross-entropy L = −(y₁·ln ŷ₁ + y₂·ln ŷ₂ + y₃·ln ŷ₃). Differentiate by z₁.",
    "bp_softmax_assumption": "Assumption: y₁ + y₂ + y₃ = 1 (the targets are one-hot or probabilities). It is "
                             "used in exactly one step below, and said so there.",
    "bp_softmax_general": "The same steps work for every class i and any number of classes.",
    "bp_relu_kink": "ReLU has a corner at 0: no derivative exists there. In practice libraries pick 0 (or 1) "
                    "at that single point; it is a choice, not a derivative.",
    "bp_tanh_intro": "tanh is defined by exponentials: tanh(x) = (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ). Derive it from that "
                     "definition; the tanh rule in the table is the shortcut for the same result.",
    "bp_tanh_note": "Like σ′ = σ(1 − σ), tanh′ is written with tanh itself, so backpropagation can reuse the "
                    "output it already computed.",
    "bp_softplus_note": "The slope of softplus ln(1 + eˣ) is exactly the sigmoid: softplus is a smooth ReLU.",
})


# -- `derive graph`: the chain rule as a computational graph ----------------------------------------------------
# {placeholders} are filled in by render/graph_views.py, in Unicode or ASCII.
GRAPH_TEXT: dict[str, str] = {
    "title": "Computational graph of {output}",
    "drawing_why": "One node per operation, as you wrote it; an arrow points to the nodes a node feeds. "
                   "Inputs first, the output ({output}) last.",
    "forward": "Forward pass",
    "forward_why": "Compute each node from the nodes it reads, in order, starting from the inputs.",
    "input": "input",
    "local": "Local derivatives (one per edge)",
    "local_why": "How fast a node changes when one node it reads changes, the others held still. Each comes from "
                 "the rule named and is checked against sympy.diff.",
    "rules_used": "The rules used on the edges:",
    "backward": "Backward pass",
    "backward_why": "Start at the output with gradient 1 and walk back. A node's gradient is, for each node it "
                    "feeds, that node's gradient times the local derivative on the edge (multiply along a path), "
                    "added up over the nodes it feeds (add where paths meet).",
    "output_grad": "{output} is the output: ∂{output}/∂{output} = 1",
    "one_path": "{node} feeds one node: {parent_grad} (at {parent}) × {local} (the edge) = {total}",
    "fan_out": "{node} feeds {count} nodes, so its gradient is the sum of {count} paths: {terms} = {total}",
    "through": "{value} (through {parent})",
    "through_inside": "{value} (through {parent} in {step})",
    "used_times": "{rule}; {child} is used {times} times",
    "feeds_nothing": "{node} feeds nothing that reaches {output}: its gradient is 0",
    "check": "Gradient check",
    "check_why": "Each input's gradient from the backward pass, next to the symbolic derivative of the whole "
                 "expression (sympy.diff) at the point, and next to a central finite difference: nudge the input "
                 "by 1e-6 up and down and see how {output} moves, knowing nothing of derivatives.",
    "agree": "All three agree for every input.",
    "disagree": "They do not all agree (✗): the point may be at or near a corner (relu, |x|, max, min), a "
                "nudge of 1e-6 may leave where the expression is defined (?), or the numbers are too large or "
                "too steep for a finite difference.",
    "symbolic_long": "(see --json)",
    "e_step": "e is the name of a step here, so after that step e means it, not Euler's number 2.718...",
    "network_intro": "The classic 2-2-2 network as a graph: net = w·a + b, out = σ(net), "
                     "E = 1/2 (t − out)² summed over the outputs. Its backward pass is backpropagation.",
    "network_delta": "In the backward table's notation: δ_{unit} = ∂E/∂net_{unit} = {delta}, and "
                     "∂E/∂{weight} = δ_{unit} · {source} = {grad}.",
    "hidden_paths": "{unit} feeds {count} output units, so ∂E/∂out_{unit} is the sum of {count} paths "
                    "δₖ·wⱼₖ: {terms} = {total}; times out_{unit}(1 − out_{unit}) it is δ_{unit}.",
}


# -- the slips `derive check` and the lessons recognise (judge.py / slips.py) ------------------------------------
# Each slip: a short name (what the JSON and a teacher see), the words for the learner (filled in with the details
# of the slip: {layer}, {missing}, {var}...), and the first hint. None of them gives the answer away.

@dataclass(frozen=True)
class SlipText:
    name: str
    message: str
    hint: str


SLIPS: dict[str, SlipText] = {
    "outer_only": SlipText(
        "only the outer derivative",
        "You took only the outer derivative ({outer}) and stopped there. The chain rule multiplies it by the "
        "derivative of every inner layer too: {missing} {are} missing.",
        "Name the inner parts (g = ..., h = ...), differentiate each layer by the layer inside it, and multiply "
        "all the factors."),
    "chain_factors_missing": SlipText(
        "chain-rule factors missing",
        "The chain rule multiplies one factor per layer, and {missing} {are} missing from your answer.",
        "Write the layers one under the other and check that your product has one factor for each."),
    "inner_missing": SlipText(
        "inner derivative forgotten",
        "You stopped after the outer derivative and forgot the inner derivative (chain rule): the innermost "
        "layer {layer} must be differentiated too, "
        "and its derivative multiplied in.",
        "What is inside the outer function? Differentiate that inside part and multiply it in."),
    "lost_sign": SlipText(
        "lost minus sign",
        "Check the sign: the layer {layer} has a negative derivative ({factor}), and that minus sign is missing "
        "from your answer (chain rule: multiply by every layer's derivative, minus signs included).",
        "Look for a minus sign inside: what is the derivative of the innermost part?"),
    "flipped_sign": SlipText(
        "sign flipped",
        "Close, but the sign is wrong: your answer is the right one times -1. Look for a minus sign that got "
        "lost or added (a -x inside, or the minus in front of a term).",
        "Go through your factors one by one and count the minus signs."),
    "product_as_constant": SlipText(
        "product treated as a constant",
        "You treated {product} as a constant, but it contains {var}. Only the other letters are constants: like "
        "d/dx (3x) = 3, the derivative of {constant}·{var} by {var} is not 0.",
        "Which letters are constants here? A constant factor stays in front (constant multiple rule)."),
    "product_as_variable": SlipText(
        "product treated as the variable",
        "You treated {product} as if it were {var} itself (slope 1), but {constant} is a constant factor that "
        "multiplies {var}: it stays in front (constant multiple rule), it does not disappear.",
        "Think of d/dx (3x): the 3 stays. What plays the part of the 3 here?"),
    "forgot_half": SlipText(
        "the 1/2 forgotten",
        "Your answer is twice the right one: the 1/2 in front got dropped. It stays through differentiating "
        "(constant multiple rule) and cancels the 2 the power rule brings down.",
        "What happens to a constant factor in front when you differentiate?"),
    "forgot_two": SlipText(
        "the power rule's 2 forgotten",
        "Your answer is half the right one: the power rule brings the exponent 2 down in front, and that 2 is "
        "what cancels the 1/2.",
        "Differentiate u² with the power rule: what comes down in front?"),
    "whole_sum": SlipText(
        "whole sum kept",
        "You kept every term of the sum, but only the term with {var} in it changes when {var} changes. The "
        "other terms ({others}) are constants here: their slope is 0.",
        "Write the sum out term by term: which terms contain {var}?"),
    "exponent_only": SlipText(
        "only the exponent differentiated",
        "You differentiated only the exponent of {power}: the derivative of eᵘ is eᵘ itself, and the chain "
        "rule then multiplies by the exponent's derivative. The factor {power} is missing.",
        "d/du eᵘ = eᵘ: the exponential stays, then multiply by the derivative of the exponent."),
    "power_rule_on_exp": SlipText(
        "power rule used on eᵘ",
        "The power rule does not apply to {power}: the variable is in the exponent, not in the base, so n·uⁿ⁻¹ "
        "does not fit. eᵘ is the function whose slope is itself.",
        "Which rule is for a variable in the exponent? Look up the exponential rule."),
    "quotient_reversed": SlipText(
        "quotient rule's minus reversed",
        "The two terms on top of the quotient rule are the wrong way round: it is (f′·g − f·g′)/g², bottom "
        "times the top's slope first. Your answer is the right one times -1.",
        "Write the quotient rule down first, then put in f = {top} and g = {bottom}."),
    "sigma_prime_is_sigma": SlipText(
        "σ′ taken to be σ",
        "You wrote the sigmoid itself. Only eˣ is its own slope; σ is not. The slope of σ has to be derived "
        "(or remembered): it is written with σ, but it is not σ.",
        "Write σ(u) = 1/(1 + e⁻ᵘ) and differentiate it with the chain rule (derive sigmoid shows how)."),
}

# The sentences `derive check` and the lesson checker say around a verdict.
CHECK_TEXT: dict[str, str] = {
    "right": "Right.",
    "right_usual": "Right. The usual way to write it is {usual}; here is why they are equal:",
    "wrong_slip": "Not quite. {message}",
    "wrong_plain": "Not quite: that is not equal to the derivative.",
    "hint": "Hint: {hint}",
    "rule_hint": "This needs the {rule}: {formula}.",
    "unsure": "I could not decide whether that equals the derivative in the time allowed; try writing it more "
              "simply.",
    "unreadable": "I could not read that as an expression: {problem}",
    "link_given": "your answer",
    "link_exponentials": "write it with exponentials (cosh u = (eᵘ + e⁻ᵘ)/2, σ(u) = 1/(1 + e⁻ᵘ), ...)",
    "link_equal": "the same value written another way (checked equal)",
    "link_raw": "the derivative as the rules give it",
    "line_ok_start": "the expression to differentiate",
    "line_ok_equal": "equal to the line before",
    "line_ok_diff": "{rule}: correct",
    "line_ok_layer": "a layer of the chain",
    "line_ok_layer_derivative": "the derivative of this layer: correct",
    "line_wrong_equal": "This line is not equal to the line before.",
    "line_wrong_start": "This line is not equal to the derivative asked for.",
    "line_wrong_diff": "The derivative taken on this line is wrong: {what}.",
    "line_wrong_layer": "This layer does not build the expression: no part of it is {expr}.",
    "line_wrong_layer_derivative": "The derivative of this layer is wrong: {what}.",
    "cannot_judge_sum": "this preset's answer is a sum over {index}, which cannot be typed yet; check its parts "
                        "instead: derive check output-weight ANSWER, derive check sigmoid ANSWER, derive check net "
                        "ANSWER",
    "layer_not_equal": "it is not equal to the derivative of the layer",
    "line_unknown_name": "I do not know what {name} stands for: define it first (for example {name} = ...).",
    "line_not_judged": "not judged (a line before it is wrong)",
    "next_line": "A correct next line would be: {line}",
    "no_next_line": "There is nothing left to differentiate: the working is complete.",
    "working_done": "Every line is right, and the last one is the derivative.",
    "working_unfinished": "Every line so far is right; the derivative still has to be finished.",
    "interactive_intro": "Check your working for {what}, one line at a time. Commands start with ':': :s shows a "
                         "correct next line, :h a hint, :q quits. Start with d/d{var} [...] or the expression.",
    "interactive_intro_chain": "Check your working for {what}, one line at a time. Commands start with ':': :s shows "
                               "a correct next line, :h a hint, :q quits. Write one factor a line ({factors}), "
                               "then the whole d{top}/d{var} = ...",
    "interactive_ok": "Right so far. Next line (or :q):",
}

# -- teaching truth: what the whole function does at its bends, words that fit the screen, other routes --------

NOTES.update({
    "corner_at": "No derivative at {point}: the slope from the left is {left} and from the right is {right} "
                 "(a corner).",
    "vertical_at": "No derivative at {point}: the graph stands vertical there (the slope grows without bound on "
                   "at least one side).",
    "jump_at": "No derivative at {point}: the function jumps there, so it has no slope.",
    "undefined_at": "No derivative at {point}: the function itself has no value there.",
    "smooth_at": "Smooth at {point}: a part bends there, but the whole function does not: both sides have slope "
                 "{slope}, so the derivative there is {slope}.",
    "undecided_at": "At {point} a part of the function bends; whether the whole function has a derivative there "
                    "could not be decided in time, so nothing is claimed.",
    "corner_family": "No derivative at {point} for every integer n: the slopes on the two sides differ there "
                     "(checked at n = −1, 0 and 1).",
    "smooth_family": "Smooth at {point} for every integer n: a part bends there but both sides have the same "
                     "slope (checked at n = −1, 0 and 1).",
    "undecided_family": "At {point} (n an integer) a part of the function bends; the whole function was not "
                        "decided there for every n, so nothing is claimed.",
    "route_heading": "Another route, same answer: {expr} by the {rule}",
    "route_quotient_setup": "Write it as a fraction: the top is 1, the bottom is what 1 is divided by.",
    "route_quotient_apply": "Quotient rule: the bottom times the top's slope (the top 1 is a constant: slope 0), "
                            "minus the top times the bottom's slope, all over the bottom squared.",
    "route_quotient_result": "0 times anything is 0, so only −1 times the bottom's slope is left on top: that is "
                             "where the −1 in the numerator comes from. The same answer as the steps above.",
    "logdiff_name": "Call it {y}: {y} = {expr}.",
    "logdiff_ln": "Take ln of both sides; ln(aᵇ) = b·ln a turns the power into a product: ln {y} = {log_form}.",
    "logdiff_both": "Differentiate both sides by {var}: on the left the chain rule gives {y}′/{y}; the right is "
                    "worked out below: {y}′/{y} = {slope}.",
    "logdiff_times": "Multiply both sides by {y}: {y}′ = {y}·({slope}), with {y} put back: {result}.",
    "substitute_back_inline": "Put the inner part back ({assignments}) and multiply the factors:",
    "cancel_common": "{factors} appears on the top and on the bottom, so it cancels.",
    "total_intro": "When t changes, x(t) and y(t) both change, and f changes through each of them: two paths "
                   "from t to f. The total derivative adds the two chain-rule products.",
    "total_example_checked": "Worked case: f = x·y, x = t², y = sin t. The two paths give sin t·2t + t²·cos t, "
                             "the same as differentiating the expanded function t²·sin t by the product rule.",
    "total_path": "Path through {inner}: {partial} · {rate} (how fast f changes with this argument, times how "
                  "fast the argument changes).",
    "total_hidden_weight": "Why a sum over k? wᵢⱼ reaches E along several paths at once, one through each output "
                           "k: that is the total derivative (multivariable chain rule); derive total-derivative "
                           "shows it on a small case.",
    "known_sigmoid": "σ′(u) = σ(u)·(1 − σ(u)) is used as a known rule, and σ stays in the answer; "
                     "derive sigmoid shows why.",
    "known_tanh": "tanh′(u) = 1 − tanh²(u) is used as a known rule, and tanh stays in the answer; "
                  "derive tanh shows why.",
    "known_relu": "relu(u) = max(0, u): its slope is 0 for u < 0 and 1 for u > 0; derive relu shows the corner "
                  "at 0.",
    "known_softplus": "The slope of softplus(u) = ln(1 + eᵘ) is σ(u); derive softplus shows why.",
})

ALGEBRA_MOVES.update({
    "total_partials": MoveText("take f = x·y", "For f = x·y: ∂f/∂x = y (y is held constant) and ∂f/∂y = x."),
    "total_put_in": MoveText("put in x = t², y = sin t", "dx/dt = 2t and dy/dt = cos t; then write x and y in t."),
    "total_expanded": MoveText("the same as the expanded function", "f(x(t), y(t)) = t²·sin t; the product rule "
                               "gives 2t·sin t + t²·cos t: the paths add up to exactly this."),
    "multiply_signs": MoveText("multiply the factors", "Multiply the numbers and signs together; two minus signs "
                               "make a plus."),
    "multiply_plain": MoveText("multiply the factors", "Multiply the factors together."),
    "sign_over_abs": MoveText("write the sign as u/|u|", "Away from 0, {−1 if u < 0; 1 if u > 0} is u/|u|, and "
                              "|u|² = u²; then cancel."),
    "pythagorean_sec": MoveText("1 + tan²u = sec²u", "Divide sin²u + cos²u = 1 by cos²u: tan²u + 1 = sec²u, the "
                                "form the tables print."),
    "pythagorean_csc": MoveText("1 + cot²u = csc²u", "Divide sin²u + cos²u = 1 by sin²u: 1 + cot²u = csc²u, so "
                                "−1 − cot²u = −csc²u."),
    "combine_powers": MoveText("combine powers of the same base", "Multiplying powers of the same base adds "
                               "the exponents.", "aᵐ·aⁿ = aᵐ⁺ⁿ", r"a^m\,a^n = a^{m+n}", "amn"),
    "teacher_order": MoveText("write it in the usual order", "Highest power of the variable first, a positive "
                              "term in front, a minus sign taken into the bracket it belongs to."),
    "relu_times_step": MoveText("u·(0 or 1) = max(0, u)", "The step {0 if u < 0; 1 if u > 0} keeps u where u > 0 "
                                "and gives 0 elsewhere: that is max(0, u)."),
    "multiply_out_top": MoveText("multiply out the top", "Multiply out the brackets on the top of the fraction and "
                                 "collect like terms; the bottom stays as it is."),
    "shorter_form": MoveText("write it more simply", "Multiply out and collect: the same value, written shorter."),
})


# The section headings and short labels of a document (document.py), in every format.
DOCUMENT_HEADINGS: dict[str, str] = {
    "rules_used": "Rules used",
    "question": "The question",
    "meaning": "What this means",
    "in_general": "In general",
    "notation": "In the learner's notation",
    "chain_rule": "The chain rule",
    "path": "Along one path, through output unit {index}",
    "factors": "The factors",
    "multiply": "Multiply the factors",
    "delta": "Delta",
    "update": "The weight update",
    "multiplied_out": "multiplied out",
    "not_checked": "not checked",
    "too_long": "[{what}, too long to print in full]",  # the terminal: an expression far larger than the input
    "too_long_sum": "a sum of {count} terms",
    "too_long_product": "a product of {count} factors",
    "too_long_other": "an expression",
    "check_legend": "✓ means the step was checked against sympy.diff.",
    "move": "Algebra, move {number} of {count}: {name}",
}

# -- `derive TARGET --step` (stepper.py): the questions, the step-through's own slips, and the score ----------------
STEP_TEXT: dict[str, str] = {
    "intro": "Step through {what}: predict each step before it is shown. Type your answer; :h a hint, :s show the "
             "step, :b the step before again, :q stop. Nothing is saved.",
    "intro_piped": "Step through {what}: each question, then its answer and the checked step.",
    "screen": "Step {number} of {count}: {label}",
    "ask_layer_top": "{whole} is a function inside a function. Call the part inside {var}: what is {name}({var})?",
    "ask_layer": "{name} = {whole}. Call the part inside it {var}: what is {name}({var})?",
    "ask_factor": "What is {d} for {layer}?",
    "ask_part": "What is {d}?",
    "ask_top": "What is {d} for {f}({var}) = {expr}?",
    "ask_chain_product": "Put the inner parts back ({assignments}) and multiply: {d} = {factors} = ?",
    "parts_intro": "{d} for {expr} needs the {rule}",
    "parts_list": "First the derivative of each part: {parts}; then the rule puts them together.",
    "ask_combine": "Now the {rule}, with the parts above: {d} = ?",
    "ask_move": "Algebra, move {number} of {count}: {move}. {before} = ?",
    "ask_rewrite": "{move}{using}: {before} = ?",
    "ask_general": "In the general notation: {d} = ?",
    "ask_path": "Multiply the factors along one path: {factors} = ?",
    "ask_sum": "{a} feeds every output unit k, so {d} adds one path per output. For two output units (k = 1, 2), "
               "what is {d}? (Write each path's first two factors as delta_k, that is dE/dnet_k.)",
    "ask_final": "Multiply the factors: {d} = ?",
    "prompt": "Your answer (:h hint, :s show, :q stop): ",
    "prompt_shown": "[Enter] next step, :b back, :q stop: ",
    "shown_trivial": "A step said in passing at --detail brief (shown, not asked):",
    "shown_sum": "Put together (shown, not asked: a sum over k cannot be typed yet):",
    "shown_reorder": "Only the order changes (shown, not asked):",
    "shown_level": "Shown, not asked (--step=layers asks only the layers and the final product):",
    "innermost": "and the innermost layer is {layer}",
    "layer_right": "Right: {layer}.",
    "layer_other": "Right: that peels it too. This derivation follows {layer} (with {var} = {value}).",
    "layer_whole": "That is the whole expression with a new letter: {var} should stand for the part inside, so "
                   "{name}({var}) is simpler than {whole}.",
    "layer_has_var": "Write {name} with {var} only: {var} stands for the inside part, so no {x} is left in it.",
    "layer_wrong": "Not quite: putting {var} = (an inner part) into that does not give {whole} back.",
    "layer_hint_1": "Work from the outside in: what is done last to {x}? Everything that is done before it is the "
                    "inside, {var}.",
    "layer_hint_2": "The outside of {whole} with the inside written as one letter {var}: it starts {start}",
    "move_hint_2": "The next line is a product: {first} · ...",
    "sum_hint_1": "One path gives delta_k · w_jk; a changes E along each path, and the slopes of the paths add.",
    "sum_hint_2": "dE/da_j = delta_1 · w_j1 + ... (one term for each output unit).",
    "shown": "The step:",
    "no_back": "This is the first step.",
    "unknown_command": "Unknown command '{text}'. Type your answer, or :h hint, :s show the step, :b back, :q stop.",
    "help": ":h (or ?) a hint, :s show the step, :b the step before again, :q stop; anything else is your answer.",
    "no_more_hints": "That was the last hint; :s shows the step.",
    "answer_was": "Answer: {answer}",
    "score": "{right} of {count} steps right on the first try",
    "score_slips": "; the slips: {slips}",
    "score_none": "No step was asked.",
    "stopped": "Stopped.",
    "saved": "Saved as a lesson: {path} (play it with: derive lesson {name} --dir {folder})",
    "find_label": "what to find",
    "save_exists": "{path} already exists; a lesson is never overwritten, so choose another name",
    "save_title": "Step through {what}",
    "save_summary": "Predict each step of {what} before it is shown (written by derive --step --save).",
    "save_intro": "Each exercise asks for one step of {what}; type your answer, h gives a hint.",
    "done": "That is the whole derivation, every step checked.",
}

STEP_SLIPS: dict[str, SlipText] = {
    "wrong_variable": SlipText(
        "wrong variable",
        "That is {d} written in {x}, but the layer {layer} is in {var}: write its derivative with {var}, the "
        "layer's own letter (the letters are put back only when the factors are multiplied).",
        "Differentiate {layer} as if {var} were the only letter there is."),
    "one_path": SlipText(
        "one path only",
        "That is one path. {a} feeds every output unit, so E changes along every path at once, and the paths' "
        "slopes add up: one term for each k.",
        "Write one term for k = 1 and one for k = 2, and add them."),
    "paths_multiplied": SlipText(
        "paths multiplied",
        "The paths are multiplied there; they add. Along one path the factors multiply (chain rule), but "
        "separate paths to E add up (the total derivative).",
        "Where do two routes to E meet? At E, as a sum."),
}

# -- how the reader read what the learner typed (parsing.py): notes before a derivation, and refusals ------------
READING: dict[str, str] = {
    "read_as": "Read as: {expr}",
    "latex": "The LaTeX was translated into the maths it stands for.",
    "glued": "Letters written together are split into names and functions: {name} is read as {pieces} (put "
             "spaces or * between names to say otherwise).",
    "one_name": "{name} is read as one name; write {other} with spaces if you meant that.",
    "ambiguous": "'{name}' can be read as {readings}: write it with spaces, like one of those",
    "log_natural": "log is read as the natural log ln; write log10 or log_10 for base 10.",
    "lg": "lg is read as the logarithm to base 10.",
    "inverse": "{name}^-1 is read as the inverse function {inverse}, not 1/{name}; write 1/{name}(x) for that.",
    "subscript": "{typed} is read as {name}, the name in the question.",
    "inner_function": "Inside an unknown function, {name}({var}) is read as a function {name} of {var}, not "
                      "{name}·{var}.",
    "not_in_question": "'{name}' is not a letter in this question; {hint}",
    "did_you_mean": "did you mean {spelling}?",
    "letters_here": "the letters here are {names}",
    "prefix_and_wrt": "the prefix says d/d{prefix} but --wrt says {wrt}: keep one of them",
    "unknown_option": "'{word}' is not an option; {hint}",
    "see_help": "see derive --help",
    "not_a_command": "'{word}' is not a command or a named derivation; {hint} (see derive --help and derive --list)",
    "prefix_alone": "after d/d{var} write the function to differentiate, like d/d{var} {var}^2",
    "subscript_alone": "a subscript must follow a name, like a₂ or w_jk",
    "root_sign": "after '{root}' write what the root is taken of, like {root}x or {root}(x + 1)",
    "latex_subscript": "a LaTeX subscript holds letters and digits, like w_{jk}",
    "latex_argument": "this LaTeX command needs its argument in braces, like \\frac{1}{2} or \\sqrt{x}",
    "latex_text": "\\{command}{{...}} is read only around a name, like \\operatorname{{sech}}",
    "latex_unreadable": "this LaTeX could not be read; plain text like 1/(1 + e^(-x)) always works",
    "latex_unknown": "the LaTeX command \\{command} is not read here; plain text like 1/(1 + e^(-x)) always works",
}

# -- lesson exercises that ask for a decimal (an exercise with `tolerance`, lessons.Exercise.closeness) ---------
NUMBER_TEXT: dict[str, str] = {
    "right_rounded": "Right! Rounded as the lesson quotes it: {answer}.",
    "near": "Close, but not close enough: keep more decimals in every number along the way (the answer must be "
            "within {tolerance} of the exact value).",
}

# What the lesson player and `derive practice` say (lesson_player.py, practice.py).
PLAYER_TEXT: dict[str, str] = {
    "keys_read": "Enter next, b back, h hint, s full step, q quit",
    "keys_answer": "Type your answer. Commands start with ':' (:h hint, :s show, :b back, :q quit; ? is a hint); "
                   "Enter on its own skips.",
    "prompt_read": "[Enter] next, b back, h hint, s full step, q quit: ",
    "prompt_answer": "Your answer (:h hint, :s show, :b back, :q quit): ",
    "prompt_working": "Next line of your working (:h hint, :s show, :b back, :q quit): ",
    "prompt_more": "-- more: Enter (q skips the rest) -- ",
    "skip_question": "Skip this one? It will not count as solved. (y/n) ",
    "skipped": "Skipped: this exercise is not solved yet; the lesson is done when every exercise is.",
    "not_skipped": "Still here: type your answer (or :h for a hint).",
    "number_only": "This asks for a number: put {at} in.",
    "shown_no_credit": "This answer is now shown, so this exercise counts as solved only after you solve a fresh "
                       "one of the same kind (:p).",
    "right_after_show": "Right, but it was shown first, so it does not count as solved. Solve a fresh one of the "
                        "same kind with :p.",
    "last_hint_reveals": "That last hint gives the answer away: to count this exercise as solved, solve a fresh one "
                         "of the same kind (:p).",
    "after_wrong": "(:h a hint, :p a fresh exercise of the same kind)",
    "right_next": "Press Enter for the next screen (:h still shows the hints).",
    "fresh_intro": "A fresh exercise of the same kind ({skill}):",
    "fresh_solved_counts": "Solved unaided: exercise {number} now counts as solved.",
    "unknown_key": "Unknown key '{text}'. {keys}.",
    "unknown_command": "Unknown command '{text}'. {keys}",
    "first_screen": "This is the first screen.",
    "no_hints": "No hints on this screen; s shows the full step.",
    "last_hint": "That was the last hint.",
    "no_full_step": "This screen has no step to show in full.",
    "quit": "Progress saved. Come back with: derive lesson {name}  (or derive lesson --continue)",
    "interrupted": "Stopped. Progress saved: derive lesson {name} carries on from here.",
    "lesson_done": "End of the lesson '{title}'. Well done: all {total} exercises solved!",
    "lesson_end_unsolved": "End of the lesson '{title}': {solved}/{total} exercises solved. The lesson is done "
                           "when every exercise is; derive lesson {name} takes you to the first unsolved one.",
    "see_all": "See every lesson with: derive lesson",
    "welcome": "Lesson: {title}. {keys}.",
    "welcome_back": "Welcome back: continuing '{title}' at screen {screen} of {screens}.",
    "piece_intro": "Two misses: let us take it in pieces. The whole is {expr}.",
    "piece_outer": "What is the outer function, as a function of u = {inner}?",
    "piece_outer_slope": "What is its derivative, d/du of {outer}?",
    "piece_inner_slope": "And the inner one's derivative, d/d{var} of {inner}?",
    "piece_right": "Right.",
    "piece_wrong": "Not quite: it is {answer}.",
    "piece_together": "So the chain rule gives {outer_slope} {times} {inner_slope}, with u = {inner}. Now type the "
                      "whole derivative.",
    "practice_intro": "Practice: {skill}. Type the derivative; commands start with ':' (:h hint, :s show, :q quit).",
    "practice_question": "d/d{var} of {expr} = ?",
    "practice_prompt": "Your answer (:h hint, :s show, :q quit): ",
    "practice_shown": "Answer: {answer}",
    "practice_no_hint": "No hint for this one; :s shows the answer.",
    "practice_mastery": "Mastery of {skill}: {percent}% ({right} of {tries} right first time).",
    "practice_mastery_recent": "Mastery of {skill}: {percent}% ({recent_right} of your last {recent} right first "
                               "time; {right} of {tries} in all).",
    "practice_mastery_count": "Mastery of {skill}: {right} of {tries} right first time (a percentage after "
                              "{need} answers).",
    "practice_skipped": "Skipped: it counts as not right first time.",
    "practice_unknown_skill": "no practice called '{skill}'; the skills are: {skills}",
    "practice_stopped": "Practice saved. derive practice shows your mastery per skill.",
    "practice_list_head": "Practice skills (derive practice SKILL runs one):",
}


# -- derive network: the worked example's section titles, their whys, table headers and row labels --------------
NETWORK_TEXT: dict[str, str] = {
    "title": "A sigmoid network worked out in numbers",
    "forward": "Forward pass",
    "forward_why": "Each unit adds up the activations coming in, times their weights, plus its bias: "
                   "net_k = sum_j w_jk a_j + b_k. Then the sigmoid squashes it: out_k = 1/(1 + e^(-net_k)).",
    "input": "input",
    "error": "Error",
    "error_why": "E = sum over the outputs of 1/2 (t - a)^2. The 1/2 is there so that the 2 from the power rule "
                 "cancels when we differentiate.",
    "error_total": "E_total",
    "backward": "Backward pass",
    "backward_why": "delta is dE/dnet: how fast the error changes when a unit's net changes. "
                    "Output: delta_k = -(t_k - a_k) a_k (1 - a_k). "
                    "Hidden: delta_j = (sum_k delta_k w_jk) a_j (1 - a_j), because a hidden unit feeds every unit "
                    "after it, and the paths add up.",
    "paths": "Paths into the hidden units",
    "paths_why": "A hidden unit feeds every unit after it, so its error signal comes back along every path: "
                 "delta_k * w_jk through each unit k. The paths add up to dE/da_j, and times a_j (1 - a_j) "
                 "that is delta_j. (derive network --graph shows the same as a computational graph.)",
    "paths_sum": "sum: dE/da_j",
    "gradients": "Gradients",
    "gradients_why": "Formula (chain rule): dE/dw_jk = delta_k * a_j, where w_jk goes from unit j to unit k. "
                     "Finite difference: nudge the weight by 1e-06 up and down and see how E moves, "
                     "knowing nothing of the formula. They agree.",
    "update": "One step of gradient descent",
    "update_why": "new w = w - eta * dE/dw, with learning rate eta = {eta}. Every gradient is taken at the "
                  "original weights, so all weights move together (true gradient descent). {biases}",
    "update_biases_trained": "The biases are updated the same way.",
    "update_biases_fixed": "The biases stay fixed.",
    "new_error": "New error",
    "new_error_down": "Run the forward pass again with the new weights: the error went down.",
    "new_error_up": "Run the forward pass again with the new weights: this time the step was too big to help.",
    "before": "before",
    "after_one": "after one step",
    "change": "change",
    "history": "Error after {last} steps",
    "history_why": "Repeat the update {last} times, each step starting from the weights the last one left.",
}

NETWORK_HEADERS: dict[str, tuple[str, ...]] = {  # each table's column headers
    "forward": ("unit", "bias", "net", "out"),
    "error": ("output", "target t", "out a", "1/2 (t - a)^2"),
    "backward": ("unit", "delta"),
    "paths": ("unit", "through", "delta_k * w_jk", "a_j (1 - a_j)", "delta_j"),
    "gradients": ("weight", "dE/dw formula", "finite difference", "difference"),
    "update": ("weight", "old", "dE/dw", "new"),
    "new_error": ("", "E_total"),
    "history": ("steps", "E_total"),
}
