"""Turn what a learner types into a SymPy expression, safely.

The text is split into tokens and the tree is built from a whitelist of SymPy constructors: no string is
ever handed to Python or to SymPy's own string parser, so pasted code can only produce a `ParseError`.
Every resource a hostile input could exhaust is bounded by a named limit below: length, tokens, nesting,
digits of literals, and the size of numbers that powers would create.

The grammar is what a teacher writes on a board: `2x`, `sin x`, `sin^2 x`, `e^-x`, `|x|`, `w_jk`,
`sigma(x)`. Implicit multiplication binds like `*` (so `1/2x` is x/2), unary minus binds looser than
powers (`-x^2` is -(x^2)), and powers are right-associative (`2^3^2` is 2^9).
"""

from __future__ import annotations

import difflib
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
"""Safety net for inputs within every structural limit that still make SymPy work hard (300 nested sigmas)."""
ECHO_WIDTH = 60
"""Characters of the input shown around the column in a one-line error."""


KNOWN_FUNCTIONS: tuple[str, ...] = (
    "exp", "ln", "log", "sqrt", "abs",
    "sin", "cos", "tan", "sec", "csc", "cot",
    "asin", "acos", "atan", "arcsin", "arccos", "arctan",
    "sinh", "cosh", "tanh",
    "max", "min", "relu", "sigma", "sigmoid", "softplus",
)  # fmt: skip
UNDEFINED_FUNCTION_NAMES: tuple[str, ...] = ("f", "g", "h")
KNOWN_CONSTANTS: tuple[str, ...] = ("e", "pi")

_ROOT_MESSAGE = f"roots of numbers with more than {MAX_ROOT_BASE_DIGITS} digits are not supported"
_COMMA_MESSAGE = "a ',' is only allowed between a function's arguments, like max(a, b)"
_ONE_ARGUMENT = frozenset(KNOWN_FUNCTIONS) - {"log", "max", "min"}


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


# ---------------------------------------------------------------------------------------------- tokens
@dataclass(frozen=True)
class _Token:
    kind: str  # NUM NAME OP POW LP RP BAR COMMA EOF
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
    "=": "'=' is not allowed: type an expression, not an equation or name=value",
    "!": "factorials (!) are not supported",
    ";": "';' is not allowed: type one expression",
    ":": "':' is not allowed: type one expression",
    "\u00b2": "write x^2 instead of x\u00b2",
    "\u00b3": "write x^3 instead of x\u00b3",
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


# ---------------------------------------------------------------------------------------------- parser
_Value = tuple[Any, int]  # (sympy expression, upper bound on the digits of the numbers it may create)


class _Parser:
    """Recursive descent with every loop-shaped rule (sums, products, power towers) done iteratively.

    Only real nesting (parentheses, bars, function arguments) recurses, and it is capped at
    MAX_NESTING_DEPTH; the caller runs us in a thread with a large stack so that depth is always safe.
    """

    def __init__(self, text: str, tokens: list[_Token]) -> None:
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
        self.deadline = time.monotonic() + PARSE_TIME_LIMIT_SECONDS

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

    def starts_operand(self, tok: _Token) -> bool:
        """Can `tok` begin a factor written right after another one (implicit multiplication)?"""
        if tok.kind in ("NUM", "NAME", "LP"):
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
        if time.monotonic() > self.deadline:
            raise self.error(f"this expression is too complicated to work with (reading it took more than "
                             f"{PARSE_TIME_LIMIT_SECONDS:g} s)", tok.column)
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
        raise self.expected(after, tok)

    def parse_name(self, tok: _Token) -> _Value:
        name = tok.text
        nxt = self.peek(1)
        if name in KNOWN_FUNCTIONS:
            return self.parse_function()
        if name in UNDEFINED_FUNCTION_NAMES and nxt.kind == "LP":
            self.advance()
            args, digits = self.parse_call_arguments(tok)
            func = self.undefined.setdefault(name, self.sp.Function(name))
            return self.build(tok, func, *args), digits
        if nxt.kind == "LP" and len(name) > 1 and name not in KNOWN_CONSTANTS:
            raise self.error(self.unknown_function_message(name), tok.column)
        glued = self.glued_function(name)
        if glued is not None:
            raise self.error(glued, tok.column)
        self.advance()
        if name == "e":
            return self.sp.E, 0
        if name == "pi":
            return self.sp.pi, 0
        if name not in self.symbols:
            self.symbols[name] = self.sp.Symbol(name, real=True)
        return self.symbols[name], 0

    @staticmethod
    def unknown_function_message(name: str) -> str:
        close = difflib.get_close_matches(name.lower(), KNOWN_FUNCTIONS, n=1, cutoff=0.6)
        if close:
            return f"unknown function '{name}'; did you mean '{close[0]}'?"
        return (f"unknown function '{name}' (known: {', '.join(KNOWN_FUNCTIONS)}, and f, g, h); "
                f"for a product write {name}*(...)")

    @staticmethod
    def glued_function(name: str) -> str | None:
        """`sinx` or `ln2x`: a function name glued to its argument, which a beginner means as sin(x)."""
        for length in range(len(name) - 1, 1, -1):
            head, rest = name[:length], name[length:]
            if head in KNOWN_FUNCTIONS:
                stripped = rest.lstrip("0123456789")
                if rest in ("x", "y", "z") or (stripped != rest and (stripped == "" or stripped in "xyz")):
                    return (f"'{name}' would be one name; did you mean {head}({rest})? "
                            f"Write {head}({rest}) or {head} {rest}")
                return None
        return None

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
        power: _Value | None = None
        pow_tok: _Token | None = None
        if self.peek().kind == "POW":
            pow_tok = self.advance()
            nxt = self.peek()
            if nxt.kind == "OP" and nxt.text in "+-":
                inverse = f", or a{name}(x) for the inverse function" if name in ("sin", "cos", "tan") else ""
                raise self.error(f"'{name}^{nxt.text}...' is ambiguous: write 1/{name}(x) or {name}(x)^(-1)"
                                 + inverse, nxt.column)
            if nxt.kind == "NAME" and (nxt.text in KNOWN_FUNCTIONS or self.peek(1).kind == "LP"):
                raise self.error(f"after '{name}^' write a number or a parenthesised power, like {name}^2 x",
                                 nxt.column)
            power = self.parse_atom(pow_tok.text)
        if self.peek().kind == "LP":
            args, digits = self.parse_call_arguments(ftok)
        else:
            if name in ("max", "min"):
                raise self.error(f"{name} needs parentheses: {name}(a, b)", self.peek().column)
            value, digits = self.parse_bare_argument(ftok)
            args = [value]
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
        if tok.text in KNOWN_FUNCTIONS:
            return True
        return tok.text in UNDEFINED_FUNCTION_NAMES and self.peek(1).kind == "LP"

    def apply(self, ftok: _Token, args: list[Any]) -> Any:
        sp = self.sp
        name = ftok.text
        if name in _ONE_ARGUMENT and len(args) != 1:
            raise self.error(f"{name} takes one argument, like {name}(x)", ftok.column)
        if name == "log" and len(args) > 2:
            raise self.error("log takes one argument, or two for a base: log(x, 2)", ftok.column)
        if name in ("max", "min") and len(args) < 2:
            raise self.error(f"{name} needs at least two arguments, like {name}(a, b)", ftok.column)
        u = args[0]
        if name == "exp":
            return self.build(ftok, sp.exp, u)
        if name in ("ln", "log"):
            if len(args) == 2:
                if args[1].is_zero or args[1] == 1:
                    raise self.error("a logarithm base cannot be 0 or 1", ftok.column)
                return self.build(ftok, sp.log, u, args[1])
            return self.build(ftok, sp.log, u)
        if name == "sqrt":
            if u.is_Rational and _digits_of(u) > MAX_ROOT_BASE_DIGITS:
                raise self.error(_ROOT_MESSAGE, ftok.column)
            return self.build(ftok, sp.sqrt, u)
        if name == "abs":
            return self.build(ftok, sp.Abs, u)
        if name in ("max", "min", "relu") and not all(a.free_symbols or _simple_number(sp, a) for a in args):
            # Comparing complicated constants (possibly complex ones) can keep SymPy busy for a minute.
            raise self.error(f"{name} compares expressions in a variable or plain numbers (like 0, 1/2, pi); "
                             f"this argument is a complicated constant", ftok.column)
        if name == "max":
            return self.build(ftok, sp.Max, *args)
        if name == "min":
            return self.build(ftok, sp.Min, *args)
        if name == "relu":
            return self.build(ftok, sp.Max, sp.S.Zero, u)
        if name in ("sigma", "sigmoid"):
            denominator = self.build(ftok, sp.Add, sp.S.One, self.build(ftok, sp.exp, -u))
            return self.build(ftok, sp.Pow, denominator, sp.S.NegativeOne)
        if name == "softplus":
            return self.build(ftok, sp.log, self.build(ftok, sp.Add, sp.S.One, self.build(ftok, sp.exp, u)))
        table = {
            "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "sec": sp.sec, "csc": sp.csc, "cot": sp.cot,
            "asin": sp.asin, "acos": sp.acos, "atan": sp.atan,
            "arcsin": sp.asin, "arccos": sp.acos, "arctan": sp.atan,
            "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh,
        }  # fmt: skip
        return self.build(ftok, table[name], u)


# ---------------------------------------------------------------------------------------------- entry


def _run_with_deep_stack(work: Any) -> Any:
    """Run `work()` with a big stack and a raised recursion limit (limits.in_deep_thread: the one helper).

    SymPy's constructors look into their arguments recursively, so a legal 300-deep input needs more
    Python frames than the default limit allows; inside the CLI's deep worker this simply runs in place.
    """
    from derivtutor.limits import in_deep_thread

    return in_deep_thread(work)


def parse_expression(text: str, *, max_length: int = MAX_INPUT_LENGTH) -> sympy.Expr:
    """Parse a learner's expression; every refusal is a ParseError with a column, never another exception."""
    if not isinstance(text, str):
        raise ParseError("expected text", 1, "")
    if len(text) > max_length:
        raise ParseError(f"the input is longer than {max_length} characters (the limit)",
                         max_length + 1, text)
    if not text.strip(" \t\r\n\u00a0"):
        raise ParseError("the input is empty: type an expression, like x^2", 1, text)
    tokens = _tokenize(text)

    def work() -> Any:
        try:
            return _Parser(text, tokens).parse()
        except RecursionError:
            raise ParseError("this expression is nested too deeply to work with", 1, text) from None
        except MemoryError:
            raise ParseError("this expression is too large to work with", 1, text) from None

    return _run_with_deep_stack(work)


def _numbers_only_function(sp: Any, func: Any, args: tuple) -> bool:
    """A function (sin, exp, ...) applied to numbers beyond the simple ones (fractions, multiples of pi, e)."""
    return (isinstance(func, type) and issubclass(func, sp.Function) and bool(args)
            and all(not a.free_symbols for a in args) and not all(_simple_number(sp, a) for a in args))


def _simple_number(sp: Any, a: Any) -> bool:
    return bool(a.is_Rational or a is sp.E or (a / sp.pi).is_Rational)
