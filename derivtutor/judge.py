"""Judge a learner's answer, or their working line by line: a Verdict that says right or wrong and names the slip.

`target_for(built)` turns what `derive` builds (a Derivation, a preset's Explained or ChainOfDerivations) into the
forms a right answer may take (the worked form in the derivation's own symbols, and the general form in the
learner's index notation: -(t_k - a_k)), each with its slips from the slip library (slips.py). `judge_answer`
compares an answer with them; `Working` judges a working one line at a time: equality steps, differentiation
steps (a d/dx [...] disappears from part of the line) and the chain-rule layer notation (f(g) = 1/g,
g = 1 + e^h, dg/dh = e^h). It stops at the first wrong line. Every sentence comes from teaching.CHECK_TEXT and
teaching.SLIPS; nothing here prints.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import sympy

from derivtutor.derivation import Built, Derivation
from derivtutor.explain import card_formula, screen_names
from derivtutor.functions import as_exponentials
from derivtutor.limits import OutOfTime, TimeLimitExceeded, own_time_limit
from derivtutor.mathtext import factors_text, math_text, name_text
from derivtutor.rules import ChainRule
from derivtutor.slips import Slip, product_slips, renamed, tree_slips
from derivtutor.teaching import ALGEBRA_MOVES, CHECK_TEXT, RULES
from derivtutor.verify import equal

VERDICT_SECONDS = 2.0
"""A verdict takes at most this long; after it the answer is "could not decide"."""
EQUAL_SECONDS = 0.5
"""One equality check inside a verdict."""


@dataclass
class Verdict:
    """right: True, False or None (could not decide); `status` says the same in one word for JSON and lessons."""

    right: bool | None
    message: str
    slip: str | None = None  # a key of teaching.SLIPS
    hint: str = ""
    usual: str | None = None  # the usual form, when the answer is right in another form
    link: list[tuple[str, str]] = field(default_factory=list)  # (maths, why) from the answer to the usual form
    unreadable: bool = False

    @property
    def status(self) -> str:
        if self.unreadable:
            return "unreadable"
        return {True: "right", False: "wrong", None: "unsure"}[self.right]

    def as_data(self) -> dict:
        data = {"status": self.status, "slip": self.slip, "message": self.message}
        if self.hint:
            data["hint"] = self.hint
        if self.usual:
            data["usual"] = self.usual
            data["link"] = [{"expr": m, "why": why} for m, why in self.link]
        return data


@dataclass(eq=False)
class Form:
    """One way a right answer may be written, with the slips written in the same symbols."""

    answer: sympy.Expr
    usual: str  # how a teacher writes it
    usual_exprs: tuple[sympy.Expr, ...]  # forms that count as 'the usual one' (no link shown)
    slips_source: object  # a callable giving list[Slip], made lazily (cached)
    derivation: Derivation | None = None
    _slips: list[Slip] | None = None
    prints: dict = field(default_factory=dict)  # the slips' fingerprints, computed once per target

    @property
    def slips(self) -> list[Slip]:
        if self._slips is None:
            self._slips = self.slips_source()
        return self._slips

    @property
    def symbols(self) -> set[sympy.Symbol]:
        return self.answer.free_symbols


@dataclass(eq=False)
class Target:
    """What a verdict is judged against: the forms of the right answer, the variable, the derivation to work."""

    label: str
    var: sympy.Symbol
    forms: list[Form]
    derivation: Derivation | None  # the tree a working follows (None: a chain of derivations)
    rule_hint: str = ""
    names: frozenset[str] = frozenset()  # the question's letters and function names (E, σ): a2 reads as a_2
    aliases: dict[str, sympy.Symbol] = field(default_factory=dict)  # general name -> the worked one: a_k -> a_2
    chain: object = None  # a chain of derivations (output-weight): its working is one line per factor

    def form_for(self, answer: sympy.Expr) -> Form:
        """The form written in the answer's symbols (a_k, t_k: the general one), else the first."""
        names = {s.name for s in answer.free_symbols}
        for form in self.forms:
            if names <= {s.name for s in form.symbols} | {self.var.name}:
                return form
        return self.forms[0]


def _usual_of(d: Derivation) -> tuple[str, tuple[sympy.Expr, ...]]:
    if d.algebra:
        shown = list(d.algebra[-1].shown)
        return factors_text(shown), (d.final, d.result, as_exponentials(d.final))
    return math_text(d.final), (d.final, d.result)


def _derivation_form(d: Derivation) -> Form:
    usual, exprs = _usual_of(d)
    return Form(d.final, usual, exprs, lambda: tree_slips(d), d)


def _rule_hint(rule_id: str, taken: set[str] | frozenset[str] = frozenset(), chain: ChainRule | None = None) -> str:
    """"This needs the sum rule: ..." with the rule's letters free of the names the learner sees and writes
    (explain.card_formula): d/du (p + q) beside layers f, g, u; a chain in the chain's own names."""
    rule = RULES.get(rule_id)
    if rule is None:
        return ""
    return CHECK_TEXT["rule_hint"].format(rule=rule.name, formula=card_formula(rule_id, set(taken), chain))


def _root_hint(d: Derivation, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """The hint for a whole derivation: its root rule, in letters free on its screen."""
    root = d.root
    return _rule_hint(root.rule_id, screen_names(d) | set(taken), root if isinstance(root, ChainRule) else None)


def _chain_formula(top: str, layers: list[str], var: str) -> str:
    """dE/dw = dE/da · da/dnet · dnet/dw: the chain rule written with the names of a chain of derivations."""
    names = [top, *layers, var]
    return f"d{top}/d{var} = " + " · ".join(f"d{a}/d{b}" for a, b in zip(names, names[1:], strict=False))


def _with_names(target: Target, built: Built) -> Target:
    """The question's letters for the reader (so `ak` is a_k, `E` and `σ` are the function) and the general
    names a working may use for the worked ones (a_k for a_2): what the learner writes in his own notation."""
    names = {target.var.name} | {s.name for form in target.forms for s in form.symbols}
    d = target.derivation
    if d is not None:
        names |= {s.name for s in d.expr.free_symbols} | {d.function_name}
        if _is_sigmoid_of(d.expr, d.var):
            names |= {"σ", "sigma"}
    for factor in getattr(built, "factors", ()):  # a chain of derivations: each factor's names (net_k)
        names |= {factor.top, factor.var}
    lhs = getattr(built, "general_lhs", None)
    if lhs is not None:
        names |= {lhs[0]}
        if built.general is not None:
            target.aliases = {general.name: concrete
                              for concrete, general in _general_names(built.general, built.names).items()}
            lhs_var = sympy.Symbol(lhs[1], real=True)
            if lhs_var.name not in target.aliases and lhs_var.name != target.var.name:
                target.aliases[lhs_var.name] = target.var  # dE/da_k: the k taken is the one worked
    target.names = frozenset(names | set(target.aliases))
    return target


def _is_sigmoid_of(expr: sympy.Expr, var: sympy.Symbol) -> bool:
    return expr == 1 / (1 + sympy.exp(-var))


def _general_names(general: sympy.Expr, names: dict[str, str]) -> dict:
    """Concrete symbols -> the general ones (a_2 -> a_k), from an Explained's placeholder names ({'ak': 'a_2'})."""
    mapping = {}
    for s in general.free_symbols:
        concrete = names.get(s.name.replace("_", ""))
        if concrete:
            mapping[sympy.Symbol(concrete, real=True)] = s
    return mapping


def target_for(built: Built, label: str = "") -> Target:
    """The Target for what targets.build returns (derivation.Built): a Derivation, an Explained or a chain."""
    if built.kind == "derivation":
        return _with_names(Target(label, built.var, [_derivation_form(built)], built, _root_hint(built)), built)
    if built.kind == "explained":
        d = built.derivation
        forms = [_derivation_form(d)]
        if built.rewrites:  # the same answer in other names (a for σ(z), ŷ₁ for the softmax): its sign slip
            final = built.final
            forms.append(Form(final, math_text(final), (final,), lambda: [Slip("flipped_sign", -final)], d))
        if built.general_lhs is not None and built.general not in (d.final, built.final):
            mapping = _general_names(built.general, built.names)
            general = built.general
            forms.append(Form(general, math_text(general), (general,),
                              lambda: _with_sign(renamed(tree_slips(d), mapping), general), d))
        return _with_names(Target(label, d.var, forms, d, _root_hint(d, {s.name for f in forms for s in f.symbols})),
                           built)
    if built.kind == "chain":
        return _with_names(_chain_target(built, label), built)
    raise TypeError(f"cannot judge against {type(built).__name__}")


def _with_sign(slips: list[Slip], answer: sympy.Expr) -> list[Slip]:
    if not any(s.id == "flipped_sign" and s.expr == -answer for s in slips):
        slips = [*slips, Slip("flipped_sign", -answer)]
    return slips


class CannotJudge(ValueError):
    """A target whose answer cannot be typed (a sum over k); the message says what to check instead."""


def _factor_slips(factor: object) -> list[Slip]:
    """A factor's own slips, written in the general notation (σ(net_k) back to a_k where the factor says so)."""
    d = factor.derivation
    back: dict = {}
    for rewrite in factor.rewrites:
        for a, value in rewrite.definitions.items():
            if value.func.__name__ == "sigmoid":
                net = value.args[0]
                back[net] = sympy.log(a / (1 - a))
    return [Slip(s.id, s.expr.xreplace(back), s.words) for s in tree_slips(d)]


def _chain_target(chain: object, label: str) -> Target:
    factors = [(f"d{name_text(f.top)}/d{name_text(f.var)}", f.general, f) for f in chain.factors]
    var = sympy.Symbol(chain.var, real=True)
    if chain.sum_index is not None:
        raise CannotJudge(CHECK_TEXT["cannot_judge_sum"].format(index=chain.sum_index))
    if chain.sum_index is None:
        answer = sympy.Mul(*(g for _, g, _ in factors))
        pieces = [(name, g, f) for name, g, f in factors]
    else:
        k = sympy.Symbol(chain.sum_index, real=True)
        total = sympy.Sum(chain.formula, (k, 1, sympy.Symbol("K", real=True)))
        answer = total * chain.outer
        pieces = [(f"Σ{chain.sum_index} (...)", total, None), *factors]

    def slips() -> list[Slip]:
        return product_slips([(name, g, _factor_slips(f) if f is not None else []) for name, g, f in pieces])

    usual = factors_text([g for _, g, _ in pieces])
    forms = [Form(answer, usual, (answer, chain.formula), slips)]
    delta = sympy.Symbol(chain.delta_name, real=True)
    rest = sympy.Mul(answer, sympy.Pow(chain.delta, -1))  # δₖ·aⱼ: what multiplies δ
    if not rest.has(sympy.Pow) or rest.is_Symbol:
        with_delta = delta * rest
        last = factors[-1]
        delta_slips = [Slip("flipped_sign", -with_delta)]
        if rest == last[1]:
            delta_slips.insert(0, Slip("chain_factors_missing", delta, {"missing": last[0], "are": "is"}))
        forms.append(Form(with_delta, math_text(with_delta), (with_delta,), lambda: delta_slips))
    formula = _chain_formula(chain.factors[0].top, [f.var for f in chain.factors[:-1]], chain.factors[-1].var)
    hint = CHECK_TEXT["rule_hint"].format(rule=RULES["chain"].name, formula=formula)
    return Target(label, var, forms, None, hint, chain=chain)


# -- judging one answer ------------------------------------------------------------------------------------------
def _equal(a: sympy.Expr, b: sympy.Expr) -> bool | None:
    return equal(as_exponentials(a), as_exponentials(b), EQUAL_SECONDS)


def _link(answer: sympy.Expr, form: Form) -> list[tuple[str, str]]:
    """From the learner's form to the usual one, each link checked equal to the answer."""
    links = [(math_text(answer), CHECK_TEXT["link_given"])]
    exponential = as_exponentials(answer).rewrite(sympy.exp)
    if exponential != answer and _equal(exponential, answer) is True:
        links.append((math_text(exponential), CHECK_TEXT["link_exponentials"]))
    d = form.derivation
    if d is not None and d.algebra and form.answer == d.final:
        links.append((math_text(d.result), CHECK_TEXT["link_equal"]))
        for step in d.algebra:
            links.append((factors_text(list(step.shown)), ALGEBRA_MOVES[step.move].name))
    else:
        links.append((form.usual, CHECK_TEXT["link_equal"]))
    return links


def _is_usual(answer: sympy.Expr, form: Form) -> bool:
    plain = as_exponentials(answer)
    return any(answer == u or plain == as_exponentials(u) for u in form.usual_exprs)


def judge_answer(target: Target | object, answer: sympy.Expr, seconds: float = VERDICT_SECONDS) -> Verdict:
    """Right (and in which form), wrong (and which slip, with the first hint), or could not decide in `seconds`.

    `target` is a Target, or what run.build returns (a Derivation, an Explained, a ChainOfDerivations).
    """
    if not isinstance(target, Target):
        target = target_for(target)
    try:
        with own_time_limit(seconds):
            return _judge(target, answer)
    except (OutOfTime, RecursionError):  # out of time, or nested deeper than SymPy can follow here
        return Verdict(None, CHECK_TEXT["unsure"])


def _judge(target: Target, answer: sympy.Expr) -> Verdict:
    form = target.form_for(answer)
    same = _equal(answer, form.answer)
    if same is True:
        if _is_usual(answer, form):
            return Verdict(True, CHECK_TEXT["right"])
        return Verdict(True, CHECK_TEXT["right_usual"].format(usual=form.usual), usual=form.usual,
                       link=_link(answer, form))
    try:
        slip = find_slip(form.slips, answer, form.prints)
    except (TimeLimitExceeded, RecursionError):  # the caller's limit (judge_answer's) fired in here
        if same is None:
            raise
        slip = None  # known to be wrong; which slip could not be found in the time left
    if slip is not None:
        return Verdict(False, CHECK_TEXT["wrong_slip"].format(message=slip.message()), slip.id, slip.hint())
    if same is None:
        return Verdict(None, CHECK_TEXT["unsure"])
    return Verdict(False, CHECK_TEXT["wrong_plain"], hint=target.rule_hint)


def _probe_value(symbol: sympy.Symbol, probe: int) -> float:
    """A value for each name, the same whatever expression it is in: so two expressions compare at one point."""
    code = sum((i + 1) * ord(c) for i, c in enumerate(symbol.name))
    return 0.23 + (code % 89) / 131 + 0.29 * probe


_FLOAT_FUNCTIONS = {
    sympy.exp: math.exp, sympy.log: math.log, sympy.sin: math.sin, sympy.cos: math.cos, sympy.tan: math.tan,
    sympy.asin: math.asin, sympy.acos: math.acos, sympy.atan: math.atan, sympy.sinh: math.sinh,
    sympy.cosh: math.cosh, sympy.tanh: math.tanh, sympy.Abs: abs,
    sympy.sec: lambda u: 1 / math.cos(u), sympy.csc: lambda u: 1 / math.sin(u), sympy.cot: lambda u: 1 / math.tan(u),
}


def _float_value(expr: sympy.Basic, point: dict) -> float:
    """Plain double-precision value (raises on anything unusual): only ever used to rule a slip out quickly."""
    if expr.is_Symbol:
        return point[expr]
    if expr.is_Number or expr in (sympy.pi, sympy.E):
        return float(expr)
    if expr.is_Add:
        return math.fsum(_float_value(a, point) for a in expr.args)
    if expr.is_Mul:
        return math.prod(_float_value(a, point) for a in expr.args)
    if expr.is_Pow:
        value = _float_value(expr.base, point) ** _float_value(expr.exp, point)
        if isinstance(value, complex):
            raise ValueError("not real")
        return value
    function = _FLOAT_FUNCTIONS.get(expr.func)
    if function is None or len(expr.args) != 1:
        raise ValueError("not in the table")
    return function(_float_value(expr.args[0], point))


def fingerprint(expr: sympy.Expr) -> tuple:
    """expr's values at two fixed points in plain floats (None where they cannot be had quickly)."""
    plain = as_exponentials(expr)
    values = []
    for k in (0, 1):
        try:
            value = _float_value(plain, {s: _probe_value(s, k) for s in plain.free_symbols})
            values.append(value if math.isfinite(value) else None)
        except (ValueError, TypeError, ZeroDivisionError, OverflowError, KeyError, RecursionError):
            values.append(None)
    return tuple(values)


def _surely_different(a: tuple, b: tuple) -> bool:
    """Different beyond any rounding of double precision (a slip ruled out here is never needed: the answer is
    already known to be wrong, and only the naming of the slip depends on this)."""
    return any(x is not None and y is not None and abs(x - y) > 1e-6 * max(abs(x), abs(y), 1.0)
               for x, y in zip(a, b, strict=True))


def find_slip(slips: list[Slip], answer: sympy.Expr, prints: dict | None = None) -> Slip | None:
    """The first slip (most specific first) whose wrong answer equals this one.

    Slips whose value differs from the answer's at a probe point are passed over without the full equality
    check (the check would find the same difference); `prints` caches the slips' values between answers.
    """
    mine = fingerprint(answer)
    for slip in slips:
        theirs = prints.get(id(slip)) if prints is not None else None
        if theirs is None:
            theirs = fingerprint(slip.expr)
            if prints is not None:
                prints[id(slip)] = theirs
        if _surely_different(mine, theirs):
            continue
        if _equal(answer, slip.expr) is True:
            return slip
    return None


def read_answer(target: Target, text: str) -> sympy.Expr:
    """The learner's maths read with the question's letters known (`ak` is a_k, `tk` is t_k, as in a lesson);
    a line with a letter the question does not have is read as it stands. Raises ParseError."""
    from derivtutor.parsing import ParseError, parse_expression

    if target.names:
        try:
            return parse_expression(text, known_names=target.names)
        except ParseError:
            pass
    return parse_expression(text)


def verdict_for_text(target: Target, text: str) -> Verdict:
    """Read the answer with the one reader, then judge it; an unreadable answer is a Verdict too."""
    from derivtutor.parsing import ParseError

    try:
        answer = read_answer(target, text)
    except ParseError as exc:
        return Verdict(None, CHECK_TEXT["unreadable"].format(problem=exc.one_line()), unreadable=True)
    return judge_answer(target, answer)


def _clause(sentence: str) -> str:
    """A sentence to put after a colon inside another one: no final full stop, and no capital on an ordinary
    first word ("Check the sign" -> "check the sign"; a name such as "E" or "σ" keeps its case)."""
    clause = sentence[:-1] if sentence.endswith(".") else sentence
    if len(clause) > 1 and clause[0].isupper() and clause[1].islower():
        clause = clause[0].lower() + clause[1:]
    return clause


# -- judging a working, line by line ------------------------------------------------------------------------------
@dataclass
class LineVerdict:
    number: int
    text: str
    status: str  # "right", "wrong", "unsure", "unreadable" or "not judged"
    kind: str = ""  # "start", "equal", "differentiate", "layer", "layer derivative"
    rule: str | None = None  # the rule a differentiation step used (or should have used)
    slip: str | None = None
    message: str = ""
    hint: str = ""

    def as_data(self) -> dict:
        data = {"line": self.number, "text": self.text, "status": self.status, "kind": self.kind or None,
                "rule": self.rule, "slip": self.slip, "message": self.message}
        if self.hint:
            data["hint"] = self.hint
        return data


class LineError(ValueError):
    """A line that cannot be read; the message says why in one line."""


_NAME = "[A-Za-zα-ωΑ-Ω][A-Za-z0-9_]*"  # a name in a working: a_k, net_k, g, σ (the learner's sigmoid)
_OPERATOR = re.compile(r"[d∂]\s*/\s*[d∂]\s*([A-Za-z][A-Za-z0-9_]*)")
_DERIVATIVE_LHS = re.compile(rf"^[d∂]\s*({_NAME})\s*/\s*[d∂]\s*({_NAME})$")
_NAME_LHS = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)\s*(?:\(\s*([A-Za-z][A-Za-z0-9_]*)\s*\))?$")
_PRIME_LHS = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)\s*['′]\s*(?:\(\s*([A-Za-z][A-Za-z0-9_]*)\s*\))?$")
_NAMED_DERIVATIVE = re.compile(rf"(?<![A-Za-z0-9_])[d∂]({_NAME})\s*/\s*[d∂]({_NAME})")
_OPEN, _CLOSE = "([{", ")]}"
PLACEHOLDER = "dpending_{}"
MAX_LINES = 60
MAX_OPERATORS = 12


def _split_top_level(text: str, sep: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _group_end(text: str, start: int) -> int:
    """Index just after the bracket group opening at `start`."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] in _OPEN:
            depth += 1
        elif text[i] in _CLOSE:
            depth -= 1
            if depth == 0:
                return i + 1
    raise LineError("a bracket opened after d/d... is never closed")


def _term_end(text: str, start: int) -> int:
    """Where an unbracketed d/dx operand ends: at the next + or - outside brackets (after its first character)."""
    depth = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            if depth == 0:
                return i
            depth -= 1
        elif ch in "+-−" and depth == 0 and text[start:i].strip():
            return i
    return len(text)


@dataclass
class Pending:
    """One d/dvar [inner] still to be taken on a line."""

    var_name: str
    inner: sympy.Expr
    symbol: sympy.Symbol


def _read_operators(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The line with each d/dvar [...] replaced by a placeholder name, and the (var, inner text) pairs."""
    pieces: list[tuple[str, str]] = []
    out, pos = [], 0
    while (m := _OPERATOR.search(text, pos)) is not None:
        if len(pieces) >= MAX_OPERATORS:
            raise LineError(f"more than {MAX_OPERATORS} d/d... on one line")
        out.append(text[pos:m.start()])
        after = m.end()
        while after < len(text) and text[after] == " ":
            after += 1
        if after < len(text) and text[after] in _OPEN:
            end = _group_end(text, after)
            inner = text[after + 1:end - 1]
            if text[end:].lstrip().startswith(("^", "**")):  # d/dx (2x+1)^3: the power belongs to the operand
                end = _term_end(text, after)
                inner = text[after:end]
                inner = inner.replace("[", "(").replace("]", ")").replace("{", "(").replace("}", ")")
        else:
            end = _term_end(text, after)
            inner = text[after:end]
        if not inner.strip():
            raise LineError("d/d... needs something to differentiate after it")
        out.append(f" ({PLACEHOLDER.format(len(pieces))}) ")
        pieces.append((m.group(1), inner))
        pos = end
    out.append(text[pos:])
    return "".join(out), pieces


class Working:
    """A learner's working for one target, judged a line at a time; the state moves on only past right lines."""

    def __init__(self, target: Target) -> None:
        if target.derivation is None:
            raise LineError("a working can be checked for an expression or a single derivation; for this preset "
                            "check the final answer instead")
        self.target = target
        self.d = target.derivation
        self.var = self.d.var
        self.function = self.d.expr
        self.derivative = self.d.result
        self.definitions: dict[str, sympy.Expr] = {}  # layer name -> its expression (in the next layer's name)
        self.arguments: dict[str, str] = {}  # layer name -> the name of its variable
        self.top: str | None = None
        self.outer: sympy.Expr | None = None  # the last right derivative line, with placeholders
        self.pending: list[Pending] = []
        self.count = 0
        self.named_used = False

    # -- reading -----------------------------------------------------------------------------------------------
    def _parse(self, text: str) -> sympy.Expr:
        from derivtutor.parsing import ParseError

        try:
            expr = read_answer(self.target, text)
        except ParseError as exc:
            raise LineError(exc.one_line()) from None
        swap = {s: self.target.aliases[s.name] for s in expr.free_symbols if s.name in self.target.aliases}
        return expr.xreplace(swap) if swap else expr

    def _canonical(self, name: str) -> str:
        """A name as the derivation writes it: a_k (or ak) -> a_2 where a_k is the general name of a_2."""
        if name in self.target.aliases:
            return self.target.aliases[name].name
        if "_" not in name and name not in self.target.names and name not in self.definitions:
            glued = [n for n in self.target.names if n.replace("_", "") == name]
            if len(glued) == 1:
                return self._canonical(glued[0])
        return name

    def _hint(self, rule_id: str, chain: ChainRule | None = None) -> str:
        """A rule's hint in letters free of the question's names and the learner's own layer names; the chain
        rule in the learner's layers once he has named them (df/dx = df/dg · dg/dx for his f(g), g(x))."""
        taken = screen_names(self.d) | set(self.target.names) | set(self.definitions) | set(self.arguments.values())
        if rule_id == "chain" and self.top is not None and self.top in self.definitions:
            inner = self.arguments.get(self.top) or next(
                (s.name for s in self.definitions[self.top].free_symbols if s.name in self.definitions), None)
            if inner is not None and inner != self.var.name:
                return CHECK_TEXT["rule_hint"].format(rule=RULES["chain"].name,
                                                      formula=_chain_formula(self.top, [inner], self.var.name))
        if chain is None and rule_id == self.d.root.rule_id and isinstance(self.d.root, ChainRule):
            chain = self.d.root
        return _rule_hint(rule_id, taken, chain)

    def _target_hint(self) -> str:
        return self._hint(self.d.root.rule_id)

    def _symbol(self, name: str) -> sympy.Symbol:
        for s in self.function.free_symbols:
            if s.name == name:
                return s
        return sympy.Symbol(name, real=True)

    def _named_derivatives(self, text: str) -> tuple[str, dict[sympy.Symbol, sympy.Expr]]:
        """df/dg, dg/dh, ... on the right of a line (df/dx = df/dg · dg/dh · dh/dx) stand for the layers' own
        derivatives: each becomes a placeholder with that value."""
        values: dict[sympy.Symbol, sympy.Expr] = {}

        def swap(match: re.Match) -> str:
            top, by = self._canonical(match.group(1)), self._canonical(match.group(2))
            value = self._layer_slope(top, by)
            if value is None:
                return match.group(0)
            holder = sympy.Symbol(f"dlayer_{len(values)}", real=True)
            values[holder] = value
            return f" ({holder.name}) "

        return _NAMED_DERIVATIVE.sub(swap, text), values

    def _layer_slope(self, top: str, by: str) -> sympy.Expr | None:
        if by == self.var.name and (top == self.top or top in self.definitions):
            return sympy.diff(as_exponentials(self.expand(sympy.Symbol(top, real=True))), self.var)
        if top in self.definitions and self.definitions[top].has(sympy.Symbol(by, real=True)):
            return sympy.diff(as_exponentials(self.definitions[top]), sympy.Symbol(by, real=True))
        return None

    def _line_value(self, text: str) -> tuple[sympy.Expr, list[Pending], sympy.Expr]:
        """(value with every pending derivative taken, the pending parts, the line with placeholders)."""
        text, named = self._named_derivatives(text)
        self.named_used = bool(named)
        rest, pieces = _read_operators(text)
        expr = self._parse(rest).xreplace(named)
        pending = []
        for i, (var_name, inner_text) in enumerate(pieces):
            inner = self.expand(self._parse(inner_text))
            pending.append(Pending(var_name, inner, sympy.Symbol(PLACEHOLDER.format(i), real=True)))
        value = self.expand(expr).xreplace({p.symbol: self._diff(p) for p in pending})
        return value, pending, expr

    def _diff(self, p: Pending) -> sympy.Expr:
        var = self._symbol(p.var_name)
        return sympy.diff(as_exponentials(p.inner), var)

    def expand(self, expr: sympy.Expr) -> sympy.Expr:
        """Layer names put back (g -> 1 + e^h -> 1 + e^(-x)) until only the learner's variables are left."""
        for _ in range(20):
            swap = {s: self.definitions[s.name] for s in expr.free_symbols if s.name in self.definitions}
            if not swap:
                return expr
            expr = expr.xreplace(swap)
        return expr

    # -- judging -----------------------------------------------------------------------------------------------
    def judge_line(self, text: str) -> LineVerdict:
        """Judge one line against the lines before; the state advances only when the line is right."""
        self.count += 1
        number = self.count
        try:
            with own_time_limit(VERDICT_SECONDS):
                verdict = self._judge_line(number, text)
        except LineError as exc:
            verdict = LineVerdict(number, text, "unreadable",
                                  message=CHECK_TEXT["unreadable"].format(problem=str(exc)))
        except (OutOfTime, RecursionError):
            verdict = LineVerdict(number, text, "unsure", message=CHECK_TEXT["unsure"])
        if verdict.status != "right":
            self.count -= 1  # the learner may try this line again (interactive mode)
        return verdict

    def _judge_line(self, number: int, text: str) -> LineVerdict:
        line = text.strip()
        if line.startswith("="):
            line = line[1:].strip()
        sides = _split_top_level(line, "=")
        if len(sides) > 2:
            raise LineError("one '=' per line, please (write the next step on the next line)")
        if len(sides) == 2:
            lhs, rhs = sides[0].strip(), sides[1].strip()
            if not lhs or not rhs:
                raise LineError("something is missing on one side of '='")
            if m := _DERIVATIVE_LHS.match(lhs):
                return self._layer_derivative(number, text, m.group(1), m.group(2), rhs)
            if m := _PRIME_LHS.match(lhs):
                return self._expression_line(number, text, rhs, claim=True)
            if (m := _NAME_LHS.match(lhs)) and not _OPERATOR.search(lhs) and self._is_layer_name(m.group(1)):
                return self._definition(number, text, m.group(1), m.group(2), rhs)
            first = self._expression_line(number, text, lhs)
            if first.status != "right":
                return first
            return self._expression_line(number, text, rhs)
        return self._expression_line(number, text, line)

    def _is_layer_name(self, name: str) -> bool:
        return name not in {s.name for s in self.function.free_symbols}

    def _definition(self, number: int, text: str, name: str, argument: str | None, rhs: str) -> LineVerdict:
        expr = self._parse(rhs)
        if name in self.definitions and self.top != name:
            raise LineError(f"{name} is already defined")
        is_top = self.top is None or self.top == name
        if is_top and (argument in (None, self.var.name)) and not (expr.free_symbols - {self.var}) - set():
            # f(x) = the expression itself
            if _equal(expr, self.function) is True:
                self.top = name
                return LineVerdict(number, text, "right", "start", message=CHECK_TEXT["line_ok_start"])
        self.definitions[name] = expr
        if argument is not None:
            self.arguments[name] = argument
        if self.top is None:
            self.top = name
        composed = self.expand(sympy.Symbol(self.top, real=True))
        open_names = [s for s in composed.free_symbols if s != self.var and s not in self.function.free_symbols]
        if len(open_names) > 1:
            del self.definitions[name]
            raise LineError("name one inner part at a time (one new layer name per line)")
        if not open_names:
            ok = _equal(composed, self.function) is True
        else:
            u = open_names[0]
            ok = any(composed.xreplace({u: part}) == self.function
                     for part in sympy.preorder_traversal(self.function) if part.has(self.var))
        if ok:
            return LineVerdict(number, text, "right", "layer", rule="chain", message=CHECK_TEXT["line_ok_layer"])
        del self.definitions[name]
        return LineVerdict(number, text, "wrong", "layer", rule="chain",
                           message=CHECK_TEXT["line_wrong_layer"].format(expr=math_text(expr)),
                           hint=self._hint("chain"))

    def _layer_derivative(self, number: int, text: str, top: str, by: str, rhs: str) -> LineVerdict:
        from derivtutor.engine import derive

        top, by = self._canonical(top), self._canonical(by)
        value = self._parse(rhs)
        if _OPERATOR.search(rhs):
            raise LineError("write the derivative of the layer itself on the right of dA/dB = ...")
        whole = (top == self.top or top not in self.definitions) and by == self.var.name
        if whole:  # df/dx = ...: a claim about the whole derivative
            return self._expression_line(number, text, rhs, claim=True)
        if top not in self.definitions:
            raise LineError(CHECK_TEXT["line_unknown_name"].format(name=top))
        layer = self.definitions[top]
        by_symbol = self._symbol(by)
        if not layer.has(by_symbol):
            expanded_names = {s.name for s in layer.free_symbols}
            if by not in expanded_names:
                return LineVerdict(number, text, "wrong", "layer derivative", rule="chain",
                                   message=CHECK_TEXT["line_wrong_layer_derivative"].format(
                                       what=f"{top} is written in terms of "
                                            f"{', '.join(sorted(expanded_names)) or 'numbers'}, not {by}"))
        right = sympy.diff(as_exponentials(layer), by_symbol)
        sub = derive(layer, by_symbol, name=top)
        rule = RULES[sub.root.rule_id].name
        given = value
        if _equal(self.expand(given), self.expand(right)) is True:
            return LineVerdict(number, text, "right", "layer derivative", rule=rule,
                               message=CHECK_TEXT["line_ok_layer_derivative"])
        slip = find_slip(tree_slips(sub), given) or find_slip(tree_slips(sub), self._fold(given))
        what = _clause(slip.message()) if slip else CHECK_TEXT["layer_not_equal"]
        return LineVerdict(number, text, "wrong", "layer derivative", rule=rule, slip=slip.id if slip else None,
                           message=CHECK_TEXT["line_wrong_layer_derivative"].format(what=what),
                           hint=slip.hint() if slip else self._hint(sub.root.rule_id))

    def _fold(self, expr: sympy.Expr) -> sympy.Expr:
        return self.expand(expr)

    def _expression_line(self, number: int, text: str, line: str, claim: bool = False) -> LineVerdict:
        value, pending, with_holders = self._line_value(line)
        if not pending and self.outer is None and not claim:
            if _equal(value, self.function) is True:  # the expression itself, before differentiating
                return LineVerdict(number, text, "right", "start", message=CHECK_TEXT["line_ok_start"])
        started = self.outer is not None
        differentiated = [p for p in self.pending if not any(p.inner == q.inner for q in pending)]
        kind = "equal" if started and not differentiated else "differentiate"
        if not started and pending:
            kind = "start"
        same = _equal(value, self.derivative)
        rule = self._rule_of(differentiated) if kind == "differentiate" else None
        if self.named_used:  # df/dx = df/dg · dg/dh · dh/dx
            kind, rule = "differentiate", RULES["chain"].name
        if same is True:
            self.outer, self.pending = with_holders, pending
            if kind == "start":
                message = CHECK_TEXT["line_ok_start"]
            elif kind == "differentiate":
                message = CHECK_TEXT["line_ok_diff"].format(rule=rule or "differentiation")
            else:
                message = CHECK_TEXT["line_ok_equal"]
            return LineVerdict(number, text, "right", kind, rule=rule, message=message)
        if same is None:
            return LineVerdict(number, text, "unsure", kind, rule=rule, message=CHECK_TEXT["unsure"])
        return self._diagnose(number, text, kind, rule, value, differentiated)

    def _rule_of(self, parts: list[Pending]) -> str | None:
        from derivtutor.engine import derive

        names = []
        for p in parts:
            try:
                names.append(RULES[derive(p.inner, self._symbol(p.var_name)).root.rule_id].name)
            except Exception:  # noqa: BLE001 - a rule name is a nicety; the value was checked already
                continue
        return ", ".join(dict.fromkeys(names)) or None

    def _diagnose(self, number: int, text: str, kind: str, rule: str | None, value: sympy.Expr,
                  differentiated: list[Pending]) -> LineVerdict:
        from derivtutor.engine import derive

        if kind == "start":
            return LineVerdict(number, text, "wrong", kind, message=CHECK_TEXT["line_wrong_start"],
                               hint=self._target_hint())
        # A slip of the whole derivative first (its words use the layer names of `derive`'s own derivation),
        # then a slip in the part differentiated on this line, then the whole answer's sign.
        whole = find_slip(self.target.forms[0].slips, value, self.target.forms[0].prints)
        if whole is not None and whole.id != "flipped_sign":
            return self._slip_verdict(number, text, kind, rule, whole)
        hint = ""
        if kind == "differentiate" and self.outer is not None:
            rights = {p.symbol: self._diff(p) for p in self.pending}
            mine = fingerprint(value)
            for part in differentiated:
                sub = derive(part.inner, self._symbol(part.var_name))
                for slip in tree_slips(sub):
                    candidate = self.expand(self.outer).xreplace({**rights, part.symbol: slip.expr})
                    if _surely_different(mine, fingerprint(candidate)):
                        continue
                    if _equal(value, candidate) is True:
                        return self._slip_verdict(number, text, kind, rule, slip)
                hint = hint or self._hint(sub.root.rule_id)
        if whole is not None:
            return self._slip_verdict(number, text, kind, rule, whole)
        return LineVerdict(number, text, "wrong", kind, rule=rule, message=CHECK_TEXT["line_wrong_equal"],
                           hint=hint or self._target_hint())

    @staticmethod
    def _slip_verdict(number: int, text: str, kind: str, rule: str | None, slip: Slip) -> LineVerdict:
        if kind == "differentiate":
            message = CHECK_TEXT["line_wrong_diff"].format(what=_clause(slip.message()))
        else:
            message = f"{CHECK_TEXT['line_wrong_equal']} {slip.message()}"
        return LineVerdict(number, text, "wrong", kind, rule=rule, slip=slip.id, message=message, hint=slip.hint())

    # -- what comes next ----------------------------------------------------------------------------------------
    def next_line(self) -> str:
        """A correct next line from the last right one (shown on request, never unasked): one rule applied to
        each d/dx [...] still pending, its own parts left pending; in ASCII so it can be typed back."""
        if self.outer is None:
            return f"d/d{self.var.name} [{math_text(self.function, unicode=False)}]"
        if self.pending:
            holders: dict[sympy.Symbol, str] = {}
            swap = {p.symbol: self._one_rule(p, holders) for p in self.pending}
            text = math_text(self.expand(self.outer).xreplace(swap), unicode=False)
            for name, shown in holders.items():
                text = text.replace(name.name, shown)
            return text
        usual = self.target.forms[0]
        if _is_usual(self.expand(self.outer), usual):
            return CHECK_TEXT["no_next_line"]
        return usual.usual

    def _one_rule(self, p: Pending, holders: dict) -> sympy.Expr:
        """d/dvar [inner] after one rule: the rule's formula with the parts' derivatives still to be taken."""
        from derivtutor.engine import derive

        var = self._symbol(p.var_name)
        step = derive(p.inner, var).root

        def later(e: sympy.Expr) -> sympy.Expr:
            if not e.has(var):
                return sympy.S.Zero
            if e == var:
                return sympy.S.One
            inner_step = derive(e, var).root
            if not inner_step.substeps():
                return inner_step.result
            holder = sympy.Symbol(f"PENDING{chr(65 + len(holders))}", real=True)
            holders[holder] = f"d/d{p.var_name} [{math_text(e, unicode=False)}]"
            return holder

        return step.one_rule(later)

    def hint(self) -> str:
        """The rule the next step needs: that of the first d/dx [...] still pending, else the target's."""
        from derivtutor.engine import derive

        for p in self.pending:
            return self._hint(derive(p.inner, self._symbol(p.var_name)).root.rule_id) or self._target_hint()
        return self._target_hint()

    @property
    def finished(self) -> bool:
        return self.outer is not None and not self.pending


def judge_working(target: Target | object, lines: list[str]) -> list[LineVerdict]:
    """Every line judged until the first one that is not right; the lines after it are 'not judged'."""
    if not isinstance(target, Target):
        target = target_for(target)
    if len(lines) > MAX_LINES:
        raise LineError(f"a working may have at most {MAX_LINES} lines")
    working = working_for(target)
    verdicts: list[LineVerdict] = []
    stopped = False
    for number, text in enumerate(lines, start=1):
        if stopped:
            verdicts.append(LineVerdict(number, text, "not judged", message=CHECK_TEXT["line_not_judged"]))
            continue
        verdict = working.judge_line(text)
        verdict.number = number
        verdicts.append(verdict)
        stopped = verdict.status != "right"
    return verdicts


def working_for(target: Target) -> Working | ChainWorking:
    """The working a target is checked with: line by line on its derivation, or factor by factor on a chain."""
    return ChainWorking(target) if target.chain is not None else Working(target)


class ChainWorking:
    """A working for a chain of derivations (derive check output-weight), in the learner's notation: a line per
    factor (dE/da_k = -(t_k - a_k), dak/dnetk = ak(1 - ak)), each judged against that factor's checked
    derivation with its slips, and the whole (dE/dw_jk = ..., or the product written as dE/da_k · ...), judged
    like an answer. Each factor's own steps are checked with `derive check error`, `sigmoid`, `net`."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.chain = target.chain
        self.var = target.var
        self.top = self.chain.factors[0].top
        self.function = sympy.Symbol(self.top, real=True)  # what is differentiated, by its name: d/dw_jk [E]
        self.factors = {(f.top, f.var): f for f in self.chain.factors}
        self.given: set[tuple[str, str]] = set()
        self.count = 0
        self.finished = False

    def _name(self, name: str) -> str:
        if name not in self.target.names and "_" not in name:
            glued = [n for n in self.target.names if n.replace("_", "") == name]
            if len(glued) == 1:
                return glued[0]
        return name

    def _value(self, text: str) -> sympy.Expr:
        """The line read with the question's names; dE/da_k, da_k/dnet_k... stand for the factors' values."""
        from derivtutor.parsing import ParseError

        values: dict[sympy.Symbol, sympy.Expr] = {}

        def swap(match: re.Match) -> str:
            factor = self.factors.get((self._name(match.group(1)), self._name(match.group(2))))
            if factor is None:
                raise LineError(CHECK_TEXT["line_unknown_name"].format(name=match.group(0)))
            holder = sympy.Symbol(f"dfactor_{len(values)}", real=True)
            values[holder] = factor.general
            return f" ({holder.name}) "

        try:
            return read_answer(self.target, _NAMED_DERIVATIVE.sub(swap, text)).xreplace(values)
        except ParseError as exc:
            raise LineError(exc.one_line()) from None

    def judge_line(self, text: str) -> LineVerdict:
        self.count += 1
        try:
            with own_time_limit(VERDICT_SECONDS):
                verdict = self._judge_line(self.count, text)
        except LineError as exc:
            verdict = LineVerdict(self.count, text, "unreadable",
                                  message=CHECK_TEXT["unreadable"].format(problem=str(exc)))
        except (OutOfTime, RecursionError):
            verdict = LineVerdict(self.count, text, "unsure", message=CHECK_TEXT["unsure"])
        if verdict.status != "right":
            self.count -= 1
        return verdict

    def _judge_line(self, number: int, text: str) -> LineVerdict:
        sides = _split_top_level(text.strip(), "=")
        if len(sides) > 2:
            raise LineError("one '=' per line, please (write the next step on the next line)")
        lhs, rhs = (sides[0].strip(), sides[1].strip()) if len(sides) == 2 else ("", sides[0].strip())
        pair = None
        if lhs:
            m = _DERIVATIVE_LHS.match(lhs)
            if m is None:
                raise LineError(f"write dA/dB = ... on the left (one of {self.factor_names()}) or the answer alone")
            pair = (self._name(m.group(1)), self._name(m.group(2)))
        if pair is not None and pair != (self.top, self.var.name):
            if pair not in self.factors:
                raise LineError(f"{lhs} is not a factor here; the factors are {self.factor_names()}")
            return self._factor_line(number, text, self.factors[pair], self._value(rhs))
        verdict = judge_answer(self.target, self._value(rhs))
        status = verdict.status
        if status == "right":
            self.finished = True
            return LineVerdict(number, text, "right", "differentiate", rule=RULES["chain"].name,
                               message=CHECK_TEXT["line_ok_diff"].format(rule=RULES["chain"].name))
        message = verdict.message if status != "wrong" else CHECK_TEXT["line_wrong_start"] + (
            f" {verdict.message.split('. ', 1)[1]}" if verdict.slip and ". " in verdict.message else "")
        return LineVerdict(number, text, status, "differentiate", rule=RULES["chain"].name, slip=verdict.slip,
                           message=message, hint=verdict.hint or self.target.rule_hint)

    def _factor_line(self, number: int, text: str, factor: object, value: sympy.Expr) -> LineVerdict:
        d = factor.derivation
        rule = RULES[d.root.rule_id].name
        if _equal(value, factor.general) is True or _equal(value, d.final) is True:
            self.given.add((factor.top, factor.var))
            return LineVerdict(number, text, "right", "layer derivative", rule=rule,
                               message=CHECK_TEXT["line_ok_layer_derivative"])
        slip = find_slip(_factor_slips(factor), value) or find_slip(tree_slips(d), value)
        what = _clause(slip.message()) if slip else CHECK_TEXT["layer_not_equal"]
        return LineVerdict(number, text, "wrong", "layer derivative", rule=rule, slip=slip.id if slip else None,
                           message=CHECK_TEXT["line_wrong_layer_derivative"].format(what=what),
                           hint=slip.hint() if slip else _root_hint(d))

    def factor_names(self) -> str:
        """dE/da_k, da_k/dnet_k, dnet_k/dw_jk: the lines a working has, in the names the learner types."""
        return ", ".join(f"d{top}/d{var}" for top, var in self.factors)

    def next_line(self) -> str:
        """The next factor not yet written, else the whole product (ASCII, so it can be typed back)."""
        for (top, var), factor in self.factors.items():
            if (top, var) not in self.given:
                return f"d{top}/d{var} = {math_text(factor.general, unicode=False)}"
        if not self.finished:
            return f"d{self.top}/d{self.var.name} = {math_text(self.target.forms[0].answer, unicode=False)}"
        return CHECK_TEXT["no_next_line"]

    def hint(self) -> str:
        for (top, var), factor in self.factors.items():
            if (top, var) not in self.given:
                return _root_hint(factor.derivation)
        return self.target.rule_hint
