r"""Read what a learner types into a SymPy expression, safely: one reader for the command line, lesson answers,
`derive check` answers and lesson files.

The text is split into tokens and the tree is built from a whitelist of SymPy constructors (the function
registry in functions.py): no string is ever handed to Python or to SymPy's own parsers, so pasted code can only
produce a `ParseError`. Every resource a hostile input could exhaust is bounded by a named limit below: length,
tokens, nesting, digits of literals, and the size of numbers that powers would create.

The grammar is what a teacher writes on a board: `2x`, `sin x`, `sin^2 x`, `e^-x`, `|x|`, `w_jk`,
`sigma(x)`. Implicit multiplication binds like `*` (so `1/2x` is x/2), unary minus binds looser than
powers (`-x^2` is -(x^2)), and powers are right-associative (`2^3^2` is 2^9).

Before tokens are made, a first pass writes the Unicode the tool prints (x², e⁻ˣ, a₂, σ, θ, ·, −, √x, ½) and
LaTeX (\frac, \sigma, \cdot, \left( \right), \sqrt{}, e^{...}, w_{jk}) in the plain grammar, remembering where
each character came from, so every refusal still points at the column the learner typed. A derivative prefix
(d/dx, dy/dx y =, ∂/∂w, \frac{\partial E}{\partial w}) names the variable. Whatever is not read literally (glued
letters split, log as ln, sin^-1 as asin, LaTeX translated) is reported in `Reading.notes`, never silently.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from derivtutor.functions import BY_KEY, BY_SPELLING, TYPED_NAMES
from derivtutor.limits import OutOfTime, check, function_weight, own_time_limit
from derivtutor.notation import (
    DIVIDE,
    FROM_GREEK,
    FROM_SUBSCRIPT,
    FROM_SUPERSCRIPT,
    GREEK,
    MINUS,
    ROOTS,
    TIMES,
    VULGAR_FRACTIONS,
)
from derivtutor.teaching import READING

if TYPE_CHECKING:  # pragma: no cover - typing only
    import sympy

# ---------------------------------------------------------------------------------------------- limits
MAX_INPUT_LENGTH = 20000
"""Characters accepted by default (`parse_expression(max_length=...)` can lower or raise it)."""
MAX_TOKENS = 20000
"""Tokens accepted after splitting the text."""
MAX_NESTING_DEPTH = 300
"""Parentheses, bars and function applications inside each other."""
MAX_LITERAL_DIGITS = 100
"""Digits in one written number such as 12345 or 0.125."""
MAX_POWER_DIGITS = 1000
"""Digits a power of numbers may produce (9^9^9 would have hundreds of millions)."""
MAX_EXPONENT = 1000
"""Largest |n| in x^n when n is a number and the base contains a variable."""
MAX_ROOT_BASE_DIGITS = 100
"""Digits of a number whose root is taken (SymPy factors it to simplify the root, which is slow)."""
MAX_TOTAL_DIGITS = 20000
"""Upper bound on the digits of all numbers the expression may build when they are combined."""
PARSE_TIME_LIMIT_SECONDS = 1.5
"""CPU seconds: the last-resort net (limits.time_limit, any thread) for inputs within every counted limit that still
make SymPy work hard. Functions nested too deeply are refused by their count first (limits.function_weight)."""
ECHO_WIDTH = 60
"""Characters of the input shown around the column in a one-line error."""


MAX_GLUED_NAME = 24
"""Letters written together longer than this are one name (never split into a product)."""

KNOWN_FUNCTIONS: tuple[str, ...] = TYPED_NAMES
"""Every function name a learner may type: the registry's spellings (functions.py)."""
UNDEFINED_FUNCTION_NAMES: tuple[str, ...] = ("f", "g", "h")
KNOWN_CONSTANTS: tuple[str, ...] = ("e", "pi")
_LOG_NAMES = {"log2": 2, "log10": 10, "lg": 10}
_LOG_SUBSCRIPT = re.compile(r"log_([0-9]{1,3}|[A-Za-z])")
NAME_WORDS: frozenset[str] = frozenset(GREEK) | {
    "net", "out", "in", "cost", "loss", "err", "error", "bias", "grad", "lr", "sum", "tmp", "val",
    "target", "output", "input", "hidden", "weight", "speed", "time", "area", "mass", "rate",
}  # fmt: skip
"""Words that are names although letters written together are otherwise a product (xy is x·y, net is net)."""
NUMBER_WORDS = {"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "half": "1/2",
                "ten": "10"}

_ROOT_MESSAGE = f"roots of numbers with more than {MAX_ROOT_BASE_DIGITS} digits are not supported"
_COMMA_MESSAGE = "a ',' is only allowed between a function's arguments, like max(a, b)"


# ---------------------------------------------------------------------------------------------- errors
def _visible(ch: str) -> str:
    """Show a character so that it can never act on a terminal (escape sequences, NUL, bidi marks)."""
    if ch.isprintable():
        return ch
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if ch in named:
        return named[ch]
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _make_visible(text: str) -> str:
    return "".join(_visible(ch) for ch in text)


def _digits_of(number: Any) -> int:
    """Digits of a SymPy Rational (numerator and denominator), without building a huge string."""
    return sum(max(1, math.ceil(abs(part).bit_length() * math.log10(2))) for part in (number.p, number.q))


class ParseError(ValueError):
    """A learner's text that is not an expression we accept; `column` (1-based) points at the problem."""

    def __init__(self, message: str, column: int, text: str) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.text = text

    def __str__(self) -> str:
        return self.one_line()

    def one_line(self) -> str:
        """One printable line: column, beginner message, and the input around the column (escaped)."""
        return _make_visible(f"column {self.column}: {self.message} in: {self._echo()}")

    def _echo(self) -> str:
        text = self.text.rstrip("\r\n")
        if len(text) <= ECHO_WIDTH:
            return _make_visible(text)
        start = max(0, min(self.column - 1 - ECHO_WIDTH // 2, len(text) - ECHO_WIDTH))
        end = start + ECHO_WIDTH
        prefix = "..." if start > 0 else ""
        suffix = "..." if end < len(text) else ""
        return prefix + _make_visible(text[start:end]) + suffix


class NestedTooDeeply(ParseError):
    """Functions nested past the reader's `max_function_work`: too much work to derive (targets says it so)."""


# ---------------------------------------------------------------------------------------------- tokens
@dataclass(frozen=True)
class _Token:
    kind: str  # NUM NAME OP POW LP RP BAR COMMA ROOT EOF
    text: str
    column: int
    value: Any = None  # for NUM: (numerator, denominator, digits)


_SIMPLE = {
    "+": ("OP", "+"), "-": ("OP", "-"), "\u2212": ("OP", "-"),
    "*": ("OP", "*"), "\u00d7": ("OP", "*"), "\u00b7": ("OP", "*"), "\u22c5": ("OP", "*"),
    "/": ("OP", "/"), "\u00f7": ("OP", "/"),
    "^": ("POW", "^"), "(": ("LP", "("), ")": ("RP", ")"), "|": ("BAR", "|"), ",": ("COMMA", ","),
}  # fmt: skip
_WHITESPACE = frozenset(" \t\r\n\u00a0")
_FORBIDDEN_MESSAGES = {
    '"': "quotes are not allowed: type maths, not text",
    "'": "quotes are not allowed: type maths, not text (write the derivative with derive, not f')",
    "[": "use round parentheses ( ) to group, not '['",
    "]": "use round parentheses ( ) to group, not ']'",
    "{": "use round parentheses ( ) to group, not '{'",
    "}": "use round parentheses ( ) to group, not '}'",
    "=": "'=' is not allowed here: type the function alone, like x^2, or name it first: y = x^2",
    "!": "factorials (!) are not supported",
    ";": "';' is not allowed: type one expression",
    ":": "':' is not allowed: type one expression",
    "\u2202": "\u2202 is understood only in a derivative prefix, like \u2202/\u2202w (w a + b)",
    "\u2032": "primes are not read: type the function and derive finds its derivative (x^2, not f')",
    "\u221e": "infinity is not a value you can differentiate at",
    "\\": "this LaTeX is not understood here; plain text like 1/(1 + e^(-x)) always works",
}


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9"


def _is_name_char(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z") or _is_digit(ch) or ch == "_"


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        col = i + 1
        if ch in _WHITESPACE:
            i += 1
            continue
        if _is_digit(ch) or (ch == "." and i + 1 < n and _is_digit(text[i + 1])):
            if ch == "." and i > 0 and (_is_name_char(text[i - 1]) or text[i - 1] == ")"):
                raise ParseError("a '.' after a name or ')' is not allowed (only in numbers like 0.5)",
                                 col, text)
            j = i
            while j < n and _is_digit(text[j]):
                j += 1
            whole = text[i:j]
            frac = ""
            if j < n and text[j] == ".":
                if j + 1 < n and _is_digit(text[j + 1]):
                    k = j + 1
                    while k < n and _is_digit(text[k]):
                        k += 1
                    frac = text[j + 1:k]
                    j = k
                else:
                    raise ParseError("a '.' must be followed by digits, like 0.5", j + 1, text)
            if j < n and text[j] == ".":
                raise ParseError("a number can have only one '.'", j + 1, text)
            if j < n and text[j] in "eE":
                k = j + 1
                if k < n and text[k] in "+-":
                    k += 1
                if k < n and _is_digit(text[k]):
                    raise ParseError(
                        "scientific notation like 1e-3 is not supported (e is Euler's number): "
                        "write 1*10^-3 or 0.001", j + 1, text)
            digits = len(whole) + len(frac)
            if digits > MAX_LITERAL_DIGITS:
                raise ParseError(f"this number has more than {MAX_LITERAL_DIGITS} digits (the limit)",
                                 col, text)
            numerator = int(whole + frac) if whole + frac else 0
            tokens.append(_Token("NUM", text[i:j], col, (numerator, 10 ** len(frac), digits)))
            i = j
            continue
        if _is_name_char(ch) or ch == "\u03c0":
            if ch == "\u03c0":
                tokens.append(_Token("NAME", "pi", col))
                i += 1
                continue
            j = i
            while j < n and _is_name_char(text[j]):
                j += 1
            name = text[i:j]
            if name.startswith("_"):
                raise ParseError("names cannot start with '_'", col, text)
            if j < n and text[j] == ".":
                raise ParseError(f"a '.' after the name '{name}' is not allowed", j + 1, text)
            tokens.append(_Token("NAME", name, col))
            i = j
            continue
        if ch in ROOTS:
            tokens.append(_Token("ROOT", ch, col, ROOTS[ch]))
            i += 1
            continue
        if ch == "*" and i + 1 < n and text[i + 1] == "*":
            tokens.append(_Token("POW", "**", col))
            i += 2
            continue
        if ch in _SIMPLE:
            kind, canonical = _SIMPLE[ch]
            tokens.append(_Token(kind, canonical, col))
            i += 1
            continue
        if ch == ".":
            raise ParseError("a '.' is only allowed inside a number like 0.5", col, text)
        if ch in _FORBIDDEN_MESSAGES:
            raise ParseError(_FORBIDDEN_MESSAGES[ch], col, text)
        if not ch.isprintable():
            raise ParseError(f"the input contains a control character '{_visible(ch)}' that is not allowed",
                             col, text)
        if ord(ch) < 128:
            raise ParseError(f"'{ch}' is not part of the maths you can type here", col, text)
        raise ParseError(
            f"the character '{ch}' is not allowed: use plain letters, digits and + - * / ^ ( ) | ,",
            col, text)
    if len(tokens) > MAX_TOKENS:
        raise ParseError(f"the input has more than {MAX_TOKENS} symbols and numbers (the limit)",
                         tokens[MAX_TOKENS].column, text)
    tokens.append(_Token("EOF", "", n + 1))
    return tokens


# ---------------------------------------------------------------------------------------------- first pass
_LATEX_SPACES = frozenset({",", ";", ":", "!", " ", "quad", "qquad", "displaystyle", "limits", "nolimits", "textstyle"})
_ONE_CHARACTER = {
    "π": " pi ", "ⅇ": " e ",  # ⅇ: the e of MathML pages (&ExponentialE;), copied from an HTML export
    **{ch: "*" for ch in TIMES}, **{ch: "-" for ch in MINUS}, **{ch: "/" for ch in DIVIDE},
    **{ch: f"({fraction})" for ch, fraction in VULGAR_FRACTIONS.items()},
}
"""Look-alike characters a learner pastes (·, −, ÷, ½, π, ⅇ) and the plain text each one reads as."""
_LATEX_TIMES = {"cdot": "*", "times": "*", "ast": "*", "div": "/"}
_LATEX_SIZES = frozenset({"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl",
                          "biggr", "Biggl", "Biggr"})
_LATEX_BARS = frozenset({"lvert", "rvert", "vert", "mid", "|"})
_LATEX_TEXT = frozenset({"operatorname", "mathrm", "text", "mathit", "textrm", "mathsf"})
_LATEX_FRACTIONS = frozenset({"frac", "dfrac", "tfrac", "cfrac"})
_LATEX_NAMES = {"arcsin", "arccos", "arctan", "arcsec", "arccsc", "arccot", "arsinh", "arcosh", "artanh"}
_LATEX_REFUSED = {
    "infty": "infinity is not a value you can differentiate at",
    "sum": "sums with \\sum are not read: write the terms out, like a_1 w_1 + a_2 w_2",
    "int": "integrals are not read here: this tool differentiates",
    "lim": "limits are not read here: type the function itself",
}
_NAME_START = re.compile(r"[A-Za-z]")
_DIFF_PART = re.compile(r"\s*(?:d|∂)\s*([A-Za-z][A-Za-z0-9_]*)?\s*")


class _FirstPass:
    """Unicode and LaTeX written in the plain grammar; `columns[i]` is where output character i was typed."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[str] = []
        self.columns: list[int] = []
        self.reasons: list[str] = []
        self.latex = "\\" in text or "^{" in text or "_{" in text
        self.partner: dict[int, int] = self._braces() if self.latex else {}
        self.silent: set[int] = set()

    def error(self, message: str, index: int) -> ParseError:
        return ParseError(message, index + 1, self.text)

    def _braces(self) -> dict[int, int]:
        partner: dict[int, int] = {}
        stack: list[int] = []
        for i, ch in enumerate(self.text):
            if ch == "{" and not (i and self.text[i - 1] == "\\"):
                stack.append(i)
                if len(stack) > MAX_NESTING_DEPTH:
                    raise self.error(f"this is nested more than {MAX_NESTING_DEPTH} levels deep (the limit)", i)
            elif ch == "}" and not (i and self.text[i - 1] == "\\"):
                if not stack:
                    raise self.error("this '}' has no matching '{'", i)
                partner[stack.pop()] = i
        if stack:
            raise self.error("this '{' is never closed", stack[-1])
        return partner

    def emit(self, text: str, index: int) -> None:
        self.out.extend(text)
        self.columns.extend([index + 1] * len(text))

    def run(self) -> tuple[str, list[int]]:
        self.span(0, len(self.text), 0)
        if self.latex:
            self.reasons.append(READING["latex"])
        return "".join(self.out), self.columns

    def span(self, start: int, end: int, depth: int) -> None:
        if depth > MAX_NESTING_DEPTH:
            raise self.error(f"this is nested more than {MAX_NESTING_DEPTH} levels deep (the limit)", start)
        text = self.text
        i = start
        while i < end:
            ch = text[i]
            if self.latex and ch == "\\":
                i = self.command(i, end, depth)
            elif self.latex and ch in "{}":
                if ch == "{" and text.startswith("\\left(", i + 1) and text[:self.partner[i]].rstrip().endswith(
                        "\\right)"):
                    self.silent.add(self.partner[i])  # SymPy's f{\left(x \right)}: the braces only wrap a call
                elif i not in self.silent:
                    self.emit("(" if ch == "{" else ")", i)
                i += 1
            elif self.latex and ch == "_" and i + 1 < end and text[i + 1] == "{":
                close = self.partner[i + 1]
                inner = text[i + 2:close]
                if not re.fullmatch(r"[A-Za-z0-9, ]+", inner):
                    raise self.error(READING["latex_subscript"], i)
                self.emit("_", i)
                for k, c in enumerate(inner, start=i + 2):
                    if c not in ", ":
                        self.emit(c, k)
                i = close + 1
            elif ch in FROM_SUPERSCRIPT:
                j = i
                while j < end and text[j] in FROM_SUPERSCRIPT:
                    j += 1
                self.emit("^(", i)
                for k in range(i, j):
                    self.emit(FROM_SUPERSCRIPT[text[k]], k)
                self.emit(")", j - 1)
                i = j
            elif ch in FROM_SUBSCRIPT:
                if not (self.out and (self.out[-1].isalnum() or self.out[-1] == "_")):
                    raise self.error(READING["subscript_alone"], i)
                if self.out[-1] != "_" and "_" not in self._last_name():
                    self.emit("_", i)
                self.emit(FROM_SUBSCRIPT[ch], i)
                i += 1
            elif ch in FROM_GREEK:
                self.emit(" " + FROM_GREEK[ch], i)
                if i + 1 < end and (text[i + 1].isascii() and text[i + 1].isalnum()):
                    self.emit(" ", i)
                i += 1
            elif ch in _ONE_CHARACTER:
                self.emit(_ONE_CHARACTER[ch], i)
                i += 1
            elif ch in ROOTS:
                self.emit(" " + ch, i)
                i += 1
            elif ch in _WHITESPACE or unicodedata.category(ch) == "Zs":
                self.emit(" ", i)
                i += 1
            else:
                self.emit(ch, i)
                i += 1

    def _last_name(self) -> str:
        k = len(self.out)
        while k and (self.out[k - 1].isalnum() or self.out[k - 1] == "_"):
            k -= 1
        return "".join(self.out[k:])

    def argument(self, i: int, end: int) -> tuple[int, int, int]:
        """A LaTeX argument at i: a {group}, one \\command or one character. Returns (start, stop, next index)."""
        while i < end and self.text[i] == " ":
            i += 1
        if i >= end:
            raise self.error(READING["latex_argument"], min(i, len(self.text) - 1))
        if self.text[i] == "{":
            close = self.partner[i]
            return i + 1, close, close + 1
        if self.text[i] == "\\":
            j = i + 1
            while j < end and self.text[j].isalpha():
                j += 1
            stop = j if j > i + 1 else min(i + 2, end)
            return i, stop, stop
        return i, i + 1, i + 1

    def command(self, i: int, end: int, depth: int) -> int:
        text = self.text
        j = i + 1
        while j < end and text[j].isalpha():
            j += 1
        if j == i + 1:
            j = min(i + 2, end)
        name = text[i + 1:j]
        if name in _LATEX_SPACES:
            self.emit(" ", i)
        elif name in _LATEX_TIMES:
            self.emit(_LATEX_TIMES[name], i)
        elif name in _LATEX_SIZES:
            k = j
            while k < end and text[k] == " ":
                k += 1
            if k < end and text[k] in ".[]":
                self.emit({".": " ", "[": "(", "]": ")"}[text[k]], k)
                j = k + 1
        elif name in _LATEX_BARS:
            self.emit("|", i)
        elif name in ("{", "}"):
            self.emit("(" if name == "{" else ")", i)
        elif name in _LATEX_FRACTIONS:
            j = self.fraction(i, j, end, depth)
        elif name == "sqrt":
            j = self.root(i, j, end, depth)
        elif name in _LATEX_TEXT:
            start, stop, j = self.argument(j, end)
            inner = text[start:stop]
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", inner):
                raise self.error(READING["latex_text"].format(command=name), i)
            if name == "operatorname" and inner not in BY_SPELLING and inner not in _LATEX_NAMES:
                # an operator is a function: \operatorname{sign}(x) is never the product sign·x
                raise self.error(_Parser.unknown_function_message(inner), start)
            self.emit(" " + inner, start)
        elif name == "partial":
            self.emit(" ∂", i)
        elif name in GREEK:
            self.emit(" " + name, i)
        elif name in BY_SPELLING or name in _LATEX_NAMES or name in ("log", "ln", "exp"):
            self.emit(" " + name, i)
        elif name in _LATEX_REFUSED:
            raise self.error(_LATEX_REFUSED[name], i)
        else:
            raise self.error(READING["latex_unknown"].format(command=name), i)
        return j

    def fraction(self, i: int, j: int, end: int, depth: int) -> int:
        start, stop, after = self.argument(j, end)
        begin = len(self.out)
        self.emit("((", i)
        top = len(self.out)
        self.span(start, stop, depth + 1)
        top_end = len(self.out)
        start, stop, after = self.argument(after, end)
        self.emit(")/(", start)
        bottom = len(self.out)
        self.span(start, stop, depth + 1)
        bottom_end = len(self.out)
        self.emit("))", after - 1)
        upper, lower = "".join(self.out[top:top_end]), "".join(self.out[bottom:bottom_end])
        if _DIFF_PART.fullmatch(upper) and (m := _DIFF_PART.fullmatch(lower)) and m.group(1):
            # \frac{d}{dx} and \frac{\partial E}{\partial w}: a derivative prefix, written the plain way
            columns = self.columns[top:top_end] + [self.columns[bottom - 1]] + self.columns[bottom:bottom_end]
            del self.out[begin:], self.columns[begin:]
            self.out.extend(upper + "/" + lower + " ")
            self.columns.extend(columns + [after])
        return after

    def root(self, i: int, j: int, end: int, depth: int) -> int:
        index = None
        k = j
        while k < end and self.text[k] == " ":
            k += 1
        if k < end and self.text[k] == "[":
            close = self.text.find("]", k, end)
            if close < 0:
                raise self.error("this '[' is never closed", k)
            index = (k + 1, close)
            k = close + 1
        start, stop, after = self.argument(k, end)
        if index is None:
            self.emit(" sqrt(", i)
            self.span(start, stop, depth + 1)
            self.emit(")", after - 1)
            return after
        self.emit("((", i)
        self.span(start, stop, depth + 1)
        self.emit(")^(1/(", index[0])
        self.span(index[0], index[1], depth + 1)
        self.emit(")))", after - 1)
        return after


_PREFIX = re.compile(r"\s*([d∂])\s*([A-Za-z][A-Za-z0-9_]*)?\s*/\s*([d∂])\s*([A-Za-z][A-Za-z0-9_]*)")
_LEFT_SIDE = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*(\([^()=]*\))?\s*=(?!=)")
FUNCTION_LETTERS = frozenset({"y", "f", "g", "h", "F", "E", "L", "J", "C"})
"""`y = ...`, `E = ...`: a left-hand side that names the function (x = 1 is still refused: it names a value)."""


def _derivative_prefix(text: str) -> tuple[str | None, int]:
    """`d/dx x^2`, `dy/dx y = ...`, `∂/∂w (w a + b)`: the variable named, and where the function starts."""
    m = _PREFIX.match(text)
    if m is None or (m.group(2) and m.group(1) + m.group(2) in NAME_WORDS):
        return None, 0
    var, stop = m.group(4), m.end(4)
    rest = text[stop:]
    if rest.lstrip()[:1] in ("*", "/", "^", ")", ","):
        return None, 0  # df/dg * dg/dx: a product of derivatives written as names, not a prefix
    if len(var) > 1 and "_" not in var and var not in NAME_WORDS and (not rest.strip() or rest[0] not in " ([|"):
        var, stop = var[0], m.start(4) + 1  # d/dxsinx: the variable is x, and sinx follows
    return var, stop


# ---------------------------------------------------------------------------------------------- glued names
_PIECES = tuple(sorted({*TYPED_NAMES, *_LOG_NAMES}, key=len, reverse=True))
_FUNCTION_PIECES = frozenset(_PIECES)


def _best_splits(name: str, need_function: bool) -> list[tuple[str, ...]]:
    """The shortest ways to write `name` as functions, e, pi, single letters and (not first) digit runs.

    Up to two of them, so a tie between different readings can be refused as ambiguous.
    """
    n = len(name)
    # best[i][f]: up to two shortest splits of name[i:], f = 1 when one of their pieces is a function
    best: list[list[list[tuple[str, ...]]]] = [[[], []] for _ in range(n + 1)]
    best[n][0] = [()]
    for i in range(n - 1, -1, -1):
        options: list[tuple[int, tuple[str, ...]]] = []
        if name[i].isdigit():
            if i == 0:
                continue
            j = i
            while j < n and name[j].isdigit():
                j += 1
            starts = [(name[i:j], j)]
        else:
            starts = [(p, i + len(p)) for p in _PIECES if name.startswith(p, i)]
            starts += [(p, i + len(p)) for p in ("pi",) if name.startswith(p, i)]
            starts.append((name[i], i + 1))
        for piece, j in starts:
            is_function = piece in _FUNCTION_PIECES
            for f in (0, 1):
                for rest in best[j][f]:
                    options.append((1 if (is_function or f) else 0, (piece, *rest)))
        for f in (0, 1):
            ranked = sorted({o for flag, o in options if flag == f}, key=lambda o: (len(o), o))
            best[i][f] = [o for o in ranked if len(o) == len(ranked[0])][:2] if ranked else []
    return best[0][1] if need_function else best[0][0] + best[0][1]


def _split_glued(tokens: list[_Token], text: str, known: frozenset[str] | None, reasons: list[str]) -> list[_Token]:
    """Letters written together as a product (xsinx, 2xy, xe^x), `a2` as the question's `a_2`; said in reasons."""
    result: list[_Token] = []
    for index, tok in enumerate(tokens):
        nxt = tokens[index + 1] if index + 1 < len(tokens) else tok
        if tok.kind != "NAME":
            result.append(tok)
            continue
        name = tok.text
        if known is not None and nxt.kind == "NUM" and f"{name}_{nxt.text}" in known:
            subscripted = f"{name}_{nxt.text}"
            reasons.append(READING["subscript"].format(typed=f"{name} {nxt.text}", name=subscripted))
            result.append(_Token("NAME", subscripted, tok.column))
            tokens[index + 1] = _Token("SKIP", "", nxt.column)
            continue
        pieces = _glued_pieces(name, nxt.kind == "LP", known, tok.column, text, reasons)
        if pieces is None:
            result.append(tok)
            continue
        offset = 0
        for piece in pieces:
            kind = "NUM" if piece[0].isdigit() else "NAME"
            value = (int(piece), 1, len(piece)) if kind == "NUM" else None
            result.append(_Token(kind, piece, tok.column + offset, value))
            offset += len(piece)
    return [tok for tok in result if tok.kind != "SKIP"]


def _glued_pieces(name: str, called: bool, known: frozenset[str] | None, column: int, text: str,
                  reasons: list[str]) -> list[str] | None:
    if known is not None and name not in known and "_" not in name:
        # a2, t1, wjk, netk: the question's a_2, t_1, w_jk, net_k with the underscore left out
        for cut in range(1, len(name)):
            subscripted = f"{name[:cut]}_{name[cut:]}"
            if subscripted in known:
                reasons.append(READING["subscript"].format(typed=name, name=subscripted))
                return [subscripted]
    keep = (name in _FUNCTION_PIECES or name in KNOWN_CONSTANTS or (known is not None and name in known)
            or "_" in name or len(name) < 2 or len(name) > MAX_GLUED_NAME or _LOG_SUBSCRIPT.fullmatch(name)
            or re.fullmatch(r"[d∂][A-Za-z]", name))  # dx, df: a differential's name (df/dg · dg/dx), never d·x
    if keep:
        return None
    with_function = _best_splits(name, need_function=True)
    if name in NAME_WORDS:
        if with_function:
            reasons.append(READING["one_name"].format(name=name, other=" ".join(with_function[0])))
        return None
    if with_function:
        if called and with_function[0][-1] not in _FUNCTION_PIECES:
            return None  # sinn(x): an unknown function, said so by the parser
        if len(with_function) > 1:
            readings = " or ".join(" ".join(w) for w in with_function)
            raise ParseError(READING["ambiguous"].format(name=name, readings=readings), column, text)
        reasons.append(READING["glued"].format(name=name, pieces=" ".join(with_function[0])))
        return list(with_function[0])
    if name.isalpha() and len(name) <= 3 and not called:
        letters = _best_splits(name, need_function=False)
        pieces = letters[0] if letters else tuple(name)
        reasons.append(READING["glued"].format(name=name, pieces=" ".join(pieces)))
        return list(pieces)
    return None


# ---------------------------------------------------------------------------------------------- parser
_Value = tuple[Any, int]  # (sympy expression, upper bound on the digits of the numbers it may create)


class _Parser:
    """Recursive descent with every loop-shaped rule (sums, products, power towers) done iteratively.

    Only real nesting (parentheses, bars, function arguments) recurses, and it is capped at
    MAX_NESTING_DEPTH; the caller runs us in a thread with a large stack so that depth is always safe.
    """

    def __init__(self, text: str, tokens: list[_Token], known: frozenset[str] | None = None,
                 reasons: list[str] | None = None, latex: bool = False, max_function_work: int | None = None) -> None:
        import sympy

        self.sp = sympy
        self.text = text
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.open_parens: list[_Token] = []
        self.bar_levels: list[int] = [0]  # open bars, per parenthesis level
        self.open_bars: list[_Token] = []
        self.symbols: dict[str, Any] = {}
        self.undefined: dict[str, Any] = {}
        self.function_work = 0  # weighted functions the reader is inside (limits.function_weight)
        self.max_function_work = max_function_work
        self.known = known
        self.reasons = reasons if reasons is not None else []
        self.latex = latex
        self.inside_unknown = 0  # how many f(...), g(...), h(...) calls the reader is inside

    # -- helpers
    def peek(self, offset: int = 0) -> _Token:
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def advance(self) -> _Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def error(self, message: str, column: int) -> ParseError:
        return ParseError(message, column, self.text)

    def enter(self, tok: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING_DEPTH:
            raise self.error(f"this is nested more than {MAX_NESTING_DEPTH} levels deep (the limit)",
                             tok.column)

    def leave(self) -> None:
        self.depth -= 1

    def enter_function(self, tok: _Token, weight: int) -> int:
        """Count a function applied around what follows; past `max_function_work`, refused before SymPy builds
        anything (building 200 nested tanh takes SymPy seconds: each level asks about the whole inside)."""
        self.function_work += weight
        if self.max_function_work is not None and self.function_work > self.max_function_work:
            raise NestedTooDeeply(f"functions are nested too deeply here to derive step by step (the limit is "
                                  f"{self.max_function_work} levels; tan, ln, tanh and a few others count 2 or 3)",
                                  tok.column, self.text)
        return weight

    def starts_operand(self, tok: _Token) -> bool:
        """Can `tok` begin a factor written right after another one (implicit multiplication)?"""
        if tok.kind in ("NUM", "NAME", "LP", "ROOT"):
            return True
        return tok.kind == "BAR" and self.bar_levels[-1] == 0

    def expected(self, after: str | None, tok: _Token) -> ParseError:
        if tok.kind == "RP" and not self.open_parens:
            return self.error("this ')' has no matching '('", tok.column)
        if tok.kind == "COMMA" and not self.in_call():
            return self.error(_COMMA_MESSAGE, tok.column)
        if tok.kind == "EOF" and after == "|" and self.open_bars:
            return self.error("this '|' is never closed", self.open_bars[-1].column)
        if tok.kind == "EOF" and after == "(":
            return self.error("this '(' is never closed", self.open_parens[-1].column)
        if after is None:
            return self.error(f"an expression cannot start with '{tok.text}'", tok.column)
        return self.error(f"expected a number, a name or '(' after '{after}'", tok.column)

    def in_call(self) -> bool:
        return bool(self.open_parens) and self.open_parens[-1].value == "call"

    def build(self, tok: _Token, func: Any, *args: Any) -> Any:
        """Call a SymPy constructor; any complaint it raises becomes a ParseError at `tok`."""
        sp = self.sp
        check()  # the reading's CPU budget (read_expression), and any caller's deadline
        try:
            if _numbers_only_function(sp, func, args):
                # SymPy's automatic evaluation of e.g. exp(csc(atan(asin(e)))) can take seconds (complex
                # intermediate values); a constant's derivative is 0 whatever its value, so leave it as typed.
                result = func(*args, evaluate=False)
            else:
                result = func(*args)
        except RecursionError:
            raise self.error("this expression is nested too deeply to work with", tok.column) from None
        except (ValueError, TypeError, ArithmeticError, NotImplementedError, AttributeError) as exc:
            if func in (sp.Max, sp.Min):
                raise self.error(f"'{tok.text}' needs real numbers to compare", tok.column) from exc
            raise self.error(f"'{tok.text}' cannot be worked out here", tok.column) from exc
        if result in (sp.S.ComplexInfinity, sp.S.NaN, sp.S.Infinity, sp.S.NegativeInfinity):
            raise self.error(f"this is undefined (it divides by zero or is infinite) at '{tok.text}'",
                             tok.column)
        return result

    def check_total(self, digits: int, tok: _Token) -> int:
        if digits > MAX_TOTAL_DIGITS:
            raise self.error("the numbers in this expression are too large to work with", tok.column)
        return digits

    # -- grammar
    def parse(self) -> Any:
        if self.peek().kind == "EOF":
            raise self.error("the input is empty: type an expression, like x^2", 1)
        value, _ = self.parse_sum(None)
        tok = self.peek()
        if tok.kind != "EOF":
            raise self.unexpected(tok)
        return value

    def unexpected(self, tok: _Token) -> ParseError:
        if tok.kind == "RP":
            return self.error("this ')' has no matching '('", tok.column)
        if tok.kind == "COMMA":
            return self.error(_COMMA_MESSAGE, tok.column)
        if tok.kind == "BAR":
            return self.error("this '|' has no matching '|'", tok.column)
        return self.error(f"unexpected '{tok.text}'", tok.column)  # pragma: no cover - defensive

    def parse_sum(self, after: str | None) -> _Value:
        first = self.peek()
        terms: list[Any] = []
        digits = 0
        value, d = self.parse_term(after)
        terms.append(value)
        digits += d
        while self.peek().kind == "OP" and self.peek().text in "+-":
            op = self.advance()
            value, d = self.parse_term(op.text)
            if op.text == "-":
                value = self.build(op, self.sp.Mul, self.sp.S.NegativeOne, value)
            terms.append(value)
            digits = self.check_total(digits + d, op)
        if len(terms) == 1:
            return terms[0], digits
        return self.build(first, self.sp.Add, *terms), digits

    def parse_term(self, after: str | None) -> _Value:
        first = self.peek()
        factors: list[Any] = []
        value, digits = self.parse_signed(after)
        factors.append(value)
        while True:
            tok = self.peek()
            if tok.kind == "OP" and tok.text in "*/":
                self.advance()
                value, d = self.parse_signed(tok.text)
                if tok.text == "/":
                    if value.is_zero:
                        raise self.error("dividing by zero is not defined", tok.column)
                    value = self.build(tok, self.sp.Pow, value, self.sp.S.NegativeOne)
            elif self.starts_operand(tok):
                self.check_number_pair(tok)
                value, d = self.parse_power(None)
            else:
                break
            factors.append(value)
            digits = self.check_total(digits + d, tok)
        if len(factors) == 1:
            return factors[0], digits
        return self.build(first, self.sp.Mul, *factors), digits

    def check_number_pair(self, tok: _Token) -> None:
        prev = self.tokens[self.pos - 1]
        if tok.kind == "NUM" and prev.kind == "NUM":
            raise self.error(f"two numbers in a row: write {prev.text}*{tok.text} or {prev.text}^{tok.text}",
                             tok.column)

    def parse_signed(self, after: str | None) -> _Value:
        tok = self.peek()
        if tok.kind == "OP" and tok.text in "+-":
            self.advance()
            nxt = self.peek()
            if nxt.kind == "OP" and nxt.text in "+-":
                raise self.error("two signs in a row: use parentheses, like -(-x)", nxt.column)
            value, digits = self.parse_power(tok.text)
            if tok.text == "-":
                value = self.build(tok, self.sp.Mul, self.sp.S.NegativeOne, value)
            return value, digits
        return self.parse_power(after)

    def parse_power(self, after: str | None) -> _Value:
        """A tower a^b^c, read right to left without recursion; a sign in an exponent covers the rest."""
        atoms: list[_Value] = [self.parse_atom(after)]
        ops: list[_Token] = []
        signs: list[_Token | None] = [None]
        while self.peek().kind == "POW":
            op = self.advance()
            self.enter(op)
            sign = None
            if self.peek().kind == "OP" and self.peek().text in "+-":
                sign = self.advance()
                if self.peek().kind == "OP" and self.peek().text in "+-":
                    raise self.error("two signs in a row: use parentheses, like -(-x)", self.peek().column)
            atoms.append(self.parse_atom(sign.text if sign else op.text))
            ops.append(op)
            signs.append(sign)
        value, digits = atoms[-1]
        for index in range(len(ops) - 1, -1, -1):
            sign = signs[index + 1]
            if sign is not None and sign.text == "-":
                value = self.build(sign, self.sp.Mul, self.sp.S.NegativeOne, value)
            base, base_digits = atoms[index]
            value, digits = self.power(base, base_digits, value, digits, ops[index])
            self.leave()
        return value, digits

    def power(self, base: Any, base_digits: int, exponent: Any, exp_digits: int, op: _Token) -> _Value:
        """Build base^exponent, refusing before SymPy would compute a gigantic number."""
        sp = self.sp
        if base is sp.E:
            return self.build(op, sp.exp, exponent), exp_digits
        if exponent.is_Rational and exponent.is_number:
            size = abs(exponent)
            ceiling = math.ceil(size)
            if base.is_Rational:
                biggest = max(abs(base.p), abs(base.q))
                estimate = math.ceil(size * math.log10(biggest)) if biggest > 1 else 1
                if estimate > MAX_POWER_DIGITS:
                    raise self.error("this number is too large to work with", op.column)
                if not exponent.is_Integer and _digits_of(base) > MAX_ROOT_BASE_DIGITS:
                    raise self.error(_ROOT_MESSAGE, op.column)
                digits = estimate + 1
            else:
                if size > MAX_EXPONENT:
                    raise self.error(f"exponent too large (the limit is {MAX_EXPONENT})", op.column)
                digits = base_digits * max(ceiling, 1)
                if digits > MAX_POWER_DIGITS:
                    raise self.error("this number is too large to work with", op.column)
        else:
            digits = base_digits + exp_digits
        digits = self.check_total(digits, op)
        if base.is_zero and exponent.is_negative:
            raise self.error("dividing by zero is not defined (0 to a negative power)", op.column)
        return self.build(op, sp.Pow, base, exponent), digits

    def parse_atom(self, after: str | None) -> _Value:
        tok = self.peek()
        sp = self.sp
        if tok.kind == "NUM":
            self.advance()
            numerator, denominator, digits = tok.value
            if denominator == 1:
                return sp.Integer(numerator), digits
            return sp.Rational(numerator, denominator), digits
        if tok.kind == "NAME":
            return self.parse_name(tok)
        if tok.kind == "LP":
            return self.parse_group()
        if tok.kind == "BAR":
            return self.parse_bars()
        if tok.kind == "ROOT":
            return self.parse_root()
        raise self.expected(after, tok)

    def parse_root(self) -> _Value:
        """√x, √(x + 1), ∛x: the root sign covers the one factor after it (with its power), as printed."""
        root = self.advance()
        self.enter(root)
        if self.peek().kind == "OP":
            raise self.error(READING["root_sign"].format(root=root.text), self.peek().column)
        value, digits = self.parse_power(root.text)
        if value.is_Rational and _digits_of(value) > MAX_ROOT_BASE_DIGITS:
            raise self.error(_ROOT_MESSAGE, root.column)
        self.leave()
        return self.build(root, self.sp.Pow, value, self.sp.Rational(1, root.value)), digits

    def parse_name(self, tok: _Token) -> _Value:
        name = tok.text
        nxt = self.peek(1)
        if name in BY_SPELLING or _log_base_name(name) is not None:
            return self.parse_function()
        if name in UNDEFINED_FUNCTION_NAMES and nxt.kind == "LP":
            self.advance()
            self.inside_unknown += 1
            weight = self.enter_function(tok, function_weight(name))
            args, digits = self.parse_call_arguments(tok)
            self.function_work -= weight
            self.inside_unknown -= 1
            func = self.undefined.setdefault(name, self.sp.Function(name))
            return self.build(tok, func, *args), digits
        if self.inner_function(tok):
            # f(x(t), y(t)): inside an unknown function, x(t) is a function of t (the total derivative's notation)
            self.pos += 2  # the letter and '('
            inner = self.advance()
            self.advance()  # ')'

            self.reasons.append(READING["inner_function"].format(name=name, var=inner.text))
            symbol = self.symbols.setdefault(inner.text, self.sp.Symbol(inner.text, real=True))
            func = self.undefined.setdefault(name, self.sp.Function(name))
            return self.build(tok, func, symbol), 0
        if (nxt.kind == "LP" and len(name) > 1 and name not in KNOWN_CONSTANTS and name not in self.known_or_empty
                and not self.latex):  # in LaTeX, a_{k} \left(1 - a_{k}\right) is a product
            raise self.error(self.unknown_function_message(name), tok.column)
        self.advance()
        if name == "e":
            return self.sp.E, 0
        if name == "pi":
            return self.sp.pi, 0
        if self.known is not None and name not in self.known:
            raise self.error(self.unknown_name_message(name), tok.column)
        if name not in self.symbols:
            self.symbols[name] = self.sp.Symbol(name, real=True)
        return self.symbols[name], 0

    def inner_function(self, tok: _Token) -> bool:
        """x(t) written as an argument of f, g or h: one letter, one name in parentheses, then ',' or ')'."""
        return (self.inside_unknown > 0 and len(tok.text) == 1 and tok.text not in KNOWN_CONSTANTS
                and self.peek(1).kind == "LP" and self.peek(2).kind == "NAME" and self.peek(3).kind == "RP"
                and self.peek(4).kind in ("COMMA", "RP") and self.peek(2).text not in BY_SPELLING)

    @property
    def known_or_empty(self) -> frozenset[str]:
        return self.known or frozenset()

    def unknown_name_message(self, name: str) -> str:
        known = sorted(self.known or ())
        if name.lower() in NUMBER_WORDS:
            hint = READING["did_you_mean"].format(spelling=NUMBER_WORDS[name.lower()])
        elif close := difflib.get_close_matches(name, known, n=1, cutoff=0.6):
            hint = READING["did_you_mean"].format(spelling=close[0])
        else:
            hint = READING["letters_here"].format(names=", ".join(known[:8]) or "none")
        return READING["not_in_question"].format(name=name, hint=hint)

    @staticmethod
    def unknown_function_message(name: str) -> str:
        close = difflib.get_close_matches(name.lower(), KNOWN_FUNCTIONS, n=1, cutoff=0.6)
        if close:
            return f"unknown function '{name}'; did you mean '{close[0]}'?"
        return (f"unknown function '{name}' (known: sin, cos, tan, ln, exp, sqrt, sinh, sigma, ... and f, g, h); "
                f"for a product write {name}*(...)")

    def parse_group(self) -> _Value:
        lp = self.advance()
        self.enter(lp)
        self.open_parens.append(_Token("LP", "(", lp.column, "group"))
        self.bar_levels.append(0)
        if self.peek().kind == "RP":
            raise self.error("there is nothing inside these parentheses", self.peek().column)
        value = self.parse_sum("(")
        self.close_paren(lp)
        return value

    def close_paren(self, lp: _Token) -> None:
        tok = self.peek()
        if tok.kind == "RP":
            self.advance()
        elif tok.kind == "EOF":
            raise self.error("this '(' is never closed", lp.column)
        elif tok.kind == "COMMA":
            raise self.error(_COMMA_MESSAGE, tok.column)
        else:  # pragma: no cover - the sum stops only at ')', ',' or the end here
            raise self.error(f"expected ')' to close the '(' at column {lp.column}", tok.column)
        self.open_parens.pop()
        self.bar_levels.pop()
        self.leave()

    def parse_bars(self) -> _Value:
        bar = self.advance()
        self.enter(bar)
        self.bar_levels[-1] += 1
        self.open_bars.append(bar)
        value, digits = self.parse_sum("|")
        tok = self.peek()
        if tok.kind != "BAR":
            if tok.kind == "COMMA":
                raise self.unexpected(tok)
            raise self.error("this '|' is never closed", bar.column)
        self.advance()
        self.bar_levels[-1] -= 1
        self.open_bars.pop()
        self.leave()
        return self.build(bar, self.sp.Abs, value), digits

    def parse_call_arguments(self, name_tok: _Token) -> tuple[list[Any], int]:
        lp = self.advance()
        self.enter(lp)
        self.open_parens.append(_Token("LP", "(", lp.column, "call"))
        self.bar_levels.append(0)
        if self.peek().kind == "RP":
            raise self.error(f"{name_tok.text}() needs something inside the parentheses", self.peek().column)
        if self.peek().kind == "EOF":
            raise self.error("this '(' is never closed", lp.column)
        args: list[Any] = []
        value, digits = self.parse_sum("(")
        args.append(value)
        while self.peek().kind == "COMMA":
            comma = self.advance()
            value, d = self.parse_sum(",")
            args.append(value)
            digits = self.check_total(digits + d, comma)
        self.close_paren(lp)
        return args, digits

    def parse_function(self) -> _Value:
        ftok = self.advance()
        name = ftok.text
        entry = BY_SPELLING.get(name, BY_KEY["log"])
        power: _Value | None = None
        pow_tok: _Token | None = None
        if self.peek().kind == "POW":
            pow_tok = self.advance()
            nxt = self.peek()
            if (nxt.kind == "OP" and nxt.text == "-" and self.peek(1).kind == "NUM" and self.peek(1).text == "1"
                    and entry.inverse is not None):
                self.advance()
                power = (self.sp.S.NegativeOne, 1)
                self.advance()
            elif nxt.kind == "OP" and nxt.text in "+-":
                inverse = f", or {entry.inverse}(x) for the inverse function" if entry.inverse else ""
                raise self.error(f"'{name}^{nxt.text}...' is ambiguous: write 1/{name}(x) or {name}(x)^(-1)"
                                 + inverse, nxt.column)
            elif nxt.kind == "NAME" and (nxt.text in KNOWN_FUNCTIONS or self.peek(1).kind == "LP"):
                raise self.error(f"after '{name}^' write a number or a parenthesised power, like {name}^2 x",
                                 nxt.column)
            else:
                power = self.parse_atom(pow_tok.text)
            if power[0] == -1 and entry.inverse is not None:
                # sin^-1 x, sin⁻¹x, tanh^(-1) x: the textbook's name for the inverse function, not 1/sin x
                self.reasons.append(READING["inverse"].format(name=name, inverse=entry.inverse))
                entry, name, power = BY_KEY[entry.inverse], entry.inverse, None
                ftok = _Token("NAME", name, ftok.column)
        # roots, |.| and max/min/relu add no layer of work when nested (they fold or stay one piece)
        counted = 0 if entry.rule in ("power", "abs", "piecewise") else function_weight(entry.func.__name__)
        weight = self.enter_function(ftok, counted)
        if self.peek().kind == "LP":
            args, digits = self.parse_call_arguments(ftok)
        else:
            if entry.arity[0] > 1:
                raise self.error(f"{name} needs parentheses: {name}(a, b)", self.peek().column)
            value, digits = self.parse_bare_argument(ftok)
            args = [value]
        self.function_work -= weight
        value = self.apply(ftok, args)
        if power is not None and pow_tok is not None:
            value, digits = self.power(value, digits, power[0], power[1], pow_tok)
        return value, digits

    def parse_bare_argument(self, ftok: _Token) -> _Value:
        """`sin 2x` = sin(2x), `sin x cos x` = sin(x) cos(x): a product of factors, ended by an operator."""
        self.enter(ftok)
        sign = None
        if self.peek().kind == "OP" and self.peek().text == "-":
            sign = self.advance()
            if self.peek().kind == "OP" and self.peek().text in "+-":
                raise self.error("two signs in a row: use parentheses, like -(-x)", self.peek().column)
        tok = self.peek()
        if not self.starts_operand(tok) and not (tok.kind == "BAR"):
            raise self.error(f"{ftok.text} needs an argument, like {ftok.text}(x) or {ftok.text} x",
                             tok.column)
        factors: list[Any] = []
        value, digits = self.parse_power(ftok.text)
        factors.append(value)
        while True:
            tok = self.peek()
            if not self.starts_operand(tok) or self.function_like(tok):
                break
            self.check_number_pair(tok)
            value, d = self.parse_power(None)
            factors.append(value)
            digits = self.check_total(digits + d, tok)
        value = factors[0] if len(factors) == 1 else self.build(ftok, self.sp.Mul, *factors)
        if sign is not None and sign.text == "-":
            value = self.build(sign, self.sp.Mul, self.sp.S.NegativeOne, value)
        self.leave()
        return value, digits

    def function_like(self, tok: _Token) -> bool:
        if tok.kind != "NAME":
            return False
        if tok.text in BY_SPELLING or _log_base_name(tok.text) is not None:
            return True
        return tok.text in UNDEFINED_FUNCTION_NAMES and self.peek(1).kind == "LP"

    def apply(self, ftok: _Token, args: list[Any]) -> Any:
        """The registry's function for the name typed (log2, lg, log_b: the log with that base)."""
        sp = self.sp
        name = ftok.text
        entry = BY_SPELLING.get(name, BY_KEY["log"])
        fewest, most = entry.arity
        if len(args) > most and most == 1:
            raise self.error(f"{name} takes one argument, like {name}(x)", ftok.column)
        if entry.key == "log" and len(args) > 2:
            raise self.error("log takes one argument, or two for a base: log(x, 2)", ftok.column)
        if len(args) < fewest:
            raise self.error(f"{name} needs at least two arguments, like {name}(a, b)", ftok.column)
        u = args[0]
        if entry.key == "log":
            base = args[1] if len(args) == 2 else _log_base_name(name)
            if base is None:
                if name == "log":
                    self.reasons.append(READING["log_natural"])
                return self.build(ftok, sp.log, u)
            if name == "lg":
                self.reasons.append(READING["lg"])
            if isinstance(base, str):
                base = sp.E if base == "e" else self.symbols.setdefault(base, sp.Symbol(base, real=True))
            elif isinstance(base, int):
                base = sp.Integer(base)
            if base.is_zero or base == 1:
                raise self.error("a logarithm base cannot be 0 or 1", ftok.column)
            if base is sp.E:
                return self.build(ftok, sp.log, u)
            # ln(u)/ln(b), written out: SymPy's own log(u, b) keeps b only while it cannot evaluate
            return self.build(ftok, sp.Mul, self.build(ftok, sp.log, u),
                              self.build(ftok, sp.Pow, self.build(ftok, sp.log, base), sp.S.NegativeOne))
        if entry.key == "sqrt":
            if u.is_Rational and _digits_of(u) > MAX_ROOT_BASE_DIGITS:
                raise self.error(_ROOT_MESSAGE, ftok.column)
            return self.build(ftok, sp.sqrt, u)
        if entry.rule == "piecewise" and not all(a.free_symbols or _simple_number(sp, a) for a in args):
            # Comparing complicated constants (possibly complex ones) can keep SymPy busy for a minute.
            raise self.error(f"{name} compares expressions in a variable or plain numbers (like 0, 1/2, pi); "
                             f"this argument is a complicated constant", ftok.column)
        if entry.key == "relu":
            return self.build(ftok, sp.Max, sp.S.Zero, u)
        return self.build(ftok, entry.func, *args)


def function_for(name: str) -> Any:
    """The SymPy function a typed function name builds (sech -> sech, log2 -> log base 2); KeyError if none."""
    import sympy

    base = _log_base_name(name)
    if base is not None:
        b = sympy.E if base == "e" else sympy.Integer(base) if isinstance(base, int) else sympy.Symbol(base, real=True)
        return lambda u: sympy.log(u) / sympy.log(b)
    return BY_SPELLING[name].func


def plain_text(text: str) -> str:
    """The text with the Unicode and LaTeX the reader understands written in the plain grammar (x² -> x^(2))."""
    return _run_with_deep_stack(_FirstPass(text).run)[0]


def _log_base_name(name: str) -> int | str | None:
    """The base a log's name carries: log2 and log_2 -> 2, log10 and lg -> 10, log_b -> 'b', log_e -> 'e'."""
    if name in _LOG_NAMES:
        return _LOG_NAMES[name]
    m = _LOG_SUBSCRIPT.fullmatch(name)
    if m is None:
        return None
    return int(m.group(1)) if m.group(1).isdigit() else m.group(1)


# ---------------------------------------------------------------------------------------------- entry


def _run_with_deep_stack(work: Any) -> Any:
    """Run `work()` with a big stack and a raised recursion limit (limits.in_deep_thread: the one helper).

    SymPy's constructors look into their arguments recursively, so a legal 300-deep input needs more
    Python frames than the default limit allows; inside the CLI's deep worker this simply runs in place.
    """
    from derivtutor.limits import in_deep_thread

    return in_deep_thread(work)


@dataclass
class Reading:
    """What the reader made of a text: the expression, why it was not read literally, and a prefix's variable."""

    expr: Any
    reasons: list[str] = field(default_factory=list)
    wrt: Any = None

    @property
    def notes(self) -> list[str]:
        """The lines to show before deriving: "Read as: x·sin(x)" and why; empty for a literal reading."""
        return self.note_lines(unicode=True)

    def note_lines(self, unicode: bool = True) -> list[str]:
        if not self.reasons:
            return []
        from derivtutor.mathtext import math_text

        seen = list(dict.fromkeys(self.reasons))
        return [READING["read_as"].format(expr=math_text(self.expr, unicode)), *seen]


def read_expression(text: str, *, known_names: Any = None, max_length: int = MAX_INPUT_LENGTH,
                    max_function_work: int | None = None) -> Reading:
    """Read a learner's maths (plain, Unicode or LaTeX, with an optional d/dx prefix); refusals are ParseErrors.

    With `known_names` (the letters of a question), `a2` means the question's `a_2` and a name that is not one
    of them is refused with a hint, instead of becoming a new letter. With `max_function_work` (what is to be
    derived: limits.MAX_NESTING_WORK), functions nested past that count (limits.function_weight) are refused as
    they are read, before SymPy builds them.
    """
    if not isinstance(text, str):
        raise ParseError("expected text", 1, "")
    if len(text) > max_length:
        raise ParseError(f"the input is longer than {max_length} characters (the limit)",
                         max_length + 1, text)
    if not text.strip(" \t\r\n\u00a0"):
        raise ParseError("the input is empty: type an expression, like x^2", 1, text)
    known = frozenset(str(n) for n in known_names) if known_names is not None else None
    first = _FirstPass(text)
    try:
        plain, columns = _run_with_deep_stack(first.run)  # nested \frac and \sqrt recurse once per level
    except (IndexError, KeyError, RecursionError):  # pragma: no cover - a safety net: refuse, never crash
        raise ParseError(READING["latex_unreadable"], 1, text) from None
    reasons = first.reasons
    var, start = _derivative_prefix(plain)
    left = _LEFT_SIDE.match(plain, start)
    prefix = _PREFIX.match(plain) if var is not None else None
    if left is not None and (left.group(2) or left.group(1) in FUNCTION_LETTERS
                             or (prefix is not None and left.group(1) == prefix.group(2))):
        start = left.end()  # `y = x^2`, `f(x) = ...`: the function is the right-hand side
    body = plain[start:]
    if var is not None and not body.strip():
        raise ParseError(READING["prefix_alone"].format(var=var), len(text) + 1, text)

    def where(error: ParseError) -> ParseError:
        index = start + error.column - 1
        column = columns[index] if 0 <= index < len(columns) else len(text) + 1
        return type(error)(error.message, column, text)

    def work() -> Any:
        parser = None
        try:
            with own_time_limit(PARSE_TIME_LIMIT_SECONDS, cpu=True):  # CPU time: the same verdict under load
                tokens = _split_glued(_tokenize(body), body, known, reasons)
                parser = _Parser(body, tokens, known, reasons, first.latex, max_function_work)
                return parser.parse()
        except OutOfTime:  # (a caller's deadline passes through: theirs to report)
            column = parser.peek().column if parser is not None else 1
            raise ParseError(f"this expression is too complicated to work with (reading it took more than "
                             f"{PARSE_TIME_LIMIT_SECONDS:g} s of work)", column, body) from None
        except RecursionError:
            raise ParseError("this expression is nested too deeply to work with", 1, body) from None
        except MemoryError:
            raise ParseError("this expression is too large to work with", 1, body) from None

    try:
        expr = _run_with_deep_stack(work)
    except ParseError as error:
        raise where(error) from None
    wrt = None
    if var is not None:
        import sympy

        wrt = sympy.Symbol(var, real=True)
    return Reading(expr, reasons, wrt)


def parse_expression(text: str, *, max_length: int = MAX_INPUT_LENGTH, known_names: Any = None) -> sympy.Expr:
    """Read a learner's expression; every refusal is a ParseError with a column, never another exception."""
    return read_expression(text, known_names=known_names, max_length=max_length).expr


def _numbers_only_function(sp: Any, func: Any, args: tuple) -> bool:
    """A function (sin, exp, ...) applied to numbers beyond the simple ones (fractions, multiples of pi, e)."""
    return (isinstance(func, type) and issubclass(func, sp.Function) and bool(args)
            and all(not a.free_symbols for a in args) and not all(_simple_number(sp, a) for a in args))


def _simple_number(sp: Any, a: Any) -> bool:
    return bool(a.is_Rational or a is sp.E or (a / sp.pi).is_Rational)
