"""f and f' on one picture: an SVG written by hand (always available), a PNG (needs matplotlib), a text plot.

Sampling never compiles the expression into Python code: each point is a walk of the expression tree in float
arithmetic (math functions; an overflow or a complex value is a skipped point), or, for a part the float table
does not know, SymPy's evalf; the whole plot has a budget of PLOT_SECONDS (limits.time_limit, any thread).
Points where f or f' is undefined (a kink, a log of a negative number, a complex value, an overflow) are skipped
and the curve is broken there, so |x| shows a jump in f' instead of a made-up vertical line.
The default range [-6, 6] shows the whole S of the sigmoid and the bump of sigma' with its top 1/4 at x = 0.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

import sympy

from derivtutor.console import to_ascii
from derivtutor.derivation import Derivation
from derivtutor.functions import sigmoid
from derivtutor.limits import OutOfTime, check, own_time_limit
from derivtutor.mathtext import math_text, name_text
from derivtutor.render.latex import root_kinks

SAMPLES = 201  # odd, so that x = 0 is one of the points of [-6, 6]
DEFAULT_RANGE = (-6.0, 6.0)
PLOT_SECONDS = 5.0


class PlotError(ValueError):
    """Cannot draw this one (other variables without values, nothing defined in range, no matplotlib)."""


@dataclass
class Curve:
    label: str
    points: list[tuple[float, float | None]]  # None: undefined there (the line breaks)
    ascii_label: str = ""  # the same label in ASCII words (sigma(x), x^2), for a terminal that cannot show σ


@dataclass
class Samples:
    xs: list[float]
    f: Curve
    df: Curve
    var: str

    def peak(self) -> tuple[float, float] | None:
        """Where f' has a clear top inside the range (sigmoid: x = 0, f' = 1/4); None for flat or edge maxima."""
        defined = [(x, y) for x, y in self.df.points if y is not None]
        if len(defined) < 3:
            return None
        i = max(range(len(defined)), key=lambda k: defined[k][1])
        if i in (0, len(defined) - 1):
            return None
        if not (defined[i - 1][1] < defined[i][1] > defined[i + 1][1]):
            return None
        return defined[i]


def _sigmoid(u: float) -> float:
    return 1 / (1 + math.exp(-u)) if u >= 0 else math.exp(u) / (1 + math.exp(u))


_FLOAT_FUNCTIONS: dict[type, Callable[[float], float]] = {
    sympy.exp: math.exp, sympy.log: math.log, sympy.sin: math.sin, sympy.cos: math.cos, sympy.tan: math.tan,
    sympy.sec: lambda u: 1 / math.cos(u), sympy.csc: lambda u: 1 / math.sin(u), sympy.cot: lambda u: 1 / math.tan(u),
    sympy.asin: math.asin, sympy.acos: math.acos, sympy.atan: math.atan,
    sympy.sinh: math.sinh, sympy.cosh: math.cosh, sympy.tanh: math.tanh, sympy.Abs: abs, sigmoid: _sigmoid,
}


class _NoFloat(Exception):
    """No real, finite float value here (or a part the float table does not know)."""


def _float(expr: sympy.Basic, var: sympy.Symbol, x: float) -> float:
    """expr at x in plain float arithmetic: microseconds per point, and an overflow is an error, not a hang."""
    if expr.is_Symbol:
        if expr == var:  # equal, not identical: SymPy's cache may hold another object for the same symbol
            return x
        raise _NoFloat
    if expr.is_Number or expr is sympy.pi or expr is sympy.E:
        if not expr.is_real:
            raise _NoFloat
        return float(expr)
    if expr.is_Add:
        value = math.fsum(_float(a, var, x) for a in expr.args)
    elif expr.is_Mul:
        value = math.prod(_float(a, var, x) for a in expr.args)
    elif expr.is_Pow:
        base, exponent = _float(expr.args[0], var, x), _float(expr.args[1], var, x)
        if base < 0 and not expr.args[1].is_Integer:
            raise _NoFloat  # √ of a negative number: not a real value
        value = base**exponent
    else:
        function = _FLOAT_FUNCTIONS.get(expr.func)
        if function is None or len(expr.args) != 1:
            raise _NoFloat
        value = function(_float(expr.args[0], var, x))
    if isinstance(value, complex) or not math.isfinite(value):
        raise _NoFloat
    return value


def _knows_floats(expr: sympy.Basic) -> bool:
    """Whether every part of expr is in the float table (else SymPy's evalf is used, under the plot's budget)."""
    for node in sympy.preorder_traversal(expr):
        if node.is_Atom or node.is_Add or node.is_Mul or node.is_Pow:
            continue
        if node.func not in _FLOAT_FUNCTIONS:
            return False
    return True


def _value(expr: sympy.Expr, var: sympy.Symbol, x: float, fast: bool) -> float | None:
    check()  # the plot's budget, in whatever thread this runs
    if fast:
        try:
            return _float(expr, var, x)
        except (_NoFloat, ArithmeticError, ValueError, TypeError, RecursionError):
            return None
    try:
        value = expr.evalf(15, subs={var: sympy.Float(x, 15)})
    except (TypeError, ValueError, ZeroDivisionError, ArithmeticError):
        return None
    if not value.is_number or value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        return None
    re_part, im_part = value.as_real_imag()
    try:
        re_f, im_f = float(re_part), float(im_part)
    except (TypeError, OverflowError):
        return None
    if abs(im_f) > 1e-12 * max(1.0, abs(re_f)) or not math.isfinite(re_f):
        return None
    return re_f


def sample(derivation: Derivation, x_range: tuple[float, float] = DEFAULT_RANGE, n: int = SAMPLES) -> Samples:
    """f and f' at n evenly spaced points within PLOT_SECONDS; raises PlotError if f has other variables, nothing
    is defined, or the budget runs out."""
    try:
        with own_time_limit(PLOT_SECONDS):
            return _sample(derivation, x_range, n)
    except OutOfTime:
        raise PlotError(f"cannot plot: evaluating f and f' took more than {PLOT_SECONDS:g} s "
                        f"(try a smaller piece of the expression)") from None
    except RecursionError:
        raise PlotError("cannot plot: the expression is nested too deeply to evaluate") from None


def _sample(derivation: Derivation, x_range: tuple[float, float], n: int) -> Samples:
    if derivation.held_constant:
        names = ", ".join(s.name for s in derivation.held_constant)
        raise PlotError(f"cannot plot: {names} {'has' if len(derivation.held_constant) == 1 else 'have'} "
                        "no value (a plot needs a function of one variable)")
    lo, hi = x_range
    if not lo < hi:
        raise PlotError(f"cannot plot: the range [{lo}, {hi}] is empty")
    var = derivation.var
    derivative = derivation.result
    kinks = [float(p) for p in root_kinks(derivation) if p.is_number]
    xs = [lo + (hi - lo) * i / (n - 1) for i in range(n)]
    fast_f, fast_df = _knows_floats(derivation.expr), _knows_floats(derivative)
    f_points = [(x, _value(derivation.expr, var, x, fast_f)) for x in xs]
    df_points = [(x, None if any(abs(x - k) < 1e-12 for k in kinks) else _value(derivative, var, x, fast_df))
                 for x in xs]
    if all(y is None for _, y in f_points):
        raise PlotError(f"cannot plot: f is undefined everywhere on [{lo:g}, {hi:g}]")
    name = name_text(derivation.function_name)
    v = name_text(var.name)
    plain_name, plain_v = name_text(derivation.function_name, False), name_text(var.name, False)
    samples = Samples(xs, Curve(f"{name}({v}) = {math_text(derivation.expr)}", f_points,
                                f"{plain_name}({plain_v}) = {math_text(derivation.expr, False)}"),
                      Curve(f"{name}′({v}) = {math_text(derivation.final)}", df_points,
                            f"{plain_name}'({plain_v}) = {math_text(derivation.final, False)}"), v)
    _break_at(samples.df, kinks)
    return samples


def _break_at(curve: Curve, kinks: list[float]) -> None:
    """Insert a gap between two samples that straddle a kink (no line drawn across the jump)."""
    if not kinks:
        return
    out: list[tuple[float, float | None]] = []
    for i, (x, y) in enumerate(curve.points):
        if i and any(curve.points[i - 1][0] < k < x for k in kinks):
            out.append(((curve.points[i - 1][0] + x) / 2, None))
        out.append((x, y))
    curve.points = out


def _y_range(samples: Samples) -> tuple[float, float]:
    """Every defined value, but a pole (1/x near 0) must not squash the rest flat: clip at the 2%/98% quantiles."""
    ys = sorted(y for c in (samples.f, samples.df) for _, y in c.points if y is not None)
    lo, hi = ys[0], ys[-1]
    if len(ys) > 20:
        q_lo, q_hi = ys[len(ys) // 50], ys[-1 - len(ys) // 50]
        spread = max(q_hi - q_lo, 1e-9)
        lo, hi = max(lo, q_lo - spread), min(hi, q_hi + spread)
    lo, hi = min(lo, 0.0), max(hi, 0.0)  # always show the x axis
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.05
    return lo - pad, hi + pad


def nice_ticks(lo: float, hi: float, count: int = 6) -> list[float]:
    """Round tick values (multiples of 1, 2, 2.5 or 5 times a power of ten)."""
    raw = (hi - lo) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step) * step
    ticks = []
    t = first
    while t <= hi + 1e-9 * step:
        ticks.append(round(t, 10) + 0.0)
        t += step
    return ticks


def _fmt(v: float) -> str:
    return f"{v:g}"


# -- SVG ---------------------------------------------------------------------------------------------------------
def render_svg(samples: Samples, width: int = 640, height: int = 400) -> str:
    """A self-contained SVG: axes, grid, ticks, both curves, a legend and the top of f' marked."""
    left, right, top, bottom = 56, 16, 16, 64
    x_lo, x_hi = samples.xs[0], samples.xs[-1]
    y_lo, y_hi = _y_range(samples)

    def px(x: float) -> float:
        return left + (x - x_lo) / (x_hi - x_lo) * (width - left - right)

    def py(y: float) -> float:
        return top + (y_hi - y) / (y_hi - y_lo) * (height - top - bottom)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>']
    for t in nice_ticks(y_lo, y_hi):
        out.append(f'<line x1="{left}" y1="{py(t):.1f}" x2="{width - right}" y2="{py(t):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{py(t) + 4:.1f}" text-anchor="end">{_fmt(t)}</text>')
    for t in nice_ticks(x_lo, x_hi, 7):
        out.append(f'<line x1="{px(t):.1f}" y1="{top}" x2="{px(t):.1f}" y2="{height - bottom}" stroke="#eee"/>')
        out.append(f'<text x="{px(t):.1f}" y="{height - bottom + 16}" text-anchor="middle">{_fmt(t)}</text>')
    out.append(f'<line x1="{left}" y1="{py(0):.1f}" x2="{width - right}" y2="{py(0):.1f}" stroke="black"/>')
    if x_lo <= 0 <= x_hi:
        out.append(f'<line x1="{px(0):.1f}" y1="{top}" x2="{px(0):.1f}" y2="{height - bottom}" stroke="black"/>')
    out.append(f'<text x="{width - right}" y="{height - bottom + 30}" text-anchor="end">{escape(samples.var)}</text>')
    for curve, colour, dash in ((samples.f, "#1f77b4", ""), (samples.df, "#d62728", ' stroke-dasharray="6 3"')):
        for run in _runs(curve, y_lo, y_hi):
            pts = " ".join(f"{px(x):.2f},{py(y):.2f}" for x, y in run)
            out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{pts}"/>')
    peak = samples.peak()
    if peak and y_lo <= peak[1] <= y_hi:
        x, y = peak
        out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3.5" fill="#d62728"/>')
        out.append(f'<text x="{px(x) + 8:.1f}" y="{py(y) - 6:.1f}">largest slope {_fmt(round(y, 4))} '
                   f'at {escape(samples.var)} = {_fmt(round(x, 4))}</text>')
    legend_y = height - 22
    for i, (curve, colour) in enumerate(((samples.f, "#1f77b4"), (samples.df, "#d62728"))):
        y = legend_y + i * 14
        out.append(f'<line x1="{left}" y1="{y - 4}" x2="{left + 24}" y2="{y - 4}" stroke="{colour}" '
                   f'stroke-width="2"/>')
        out.append(f'<text x="{left + 30}" y="{y}">{escape(curve.label)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _runs(curve: Curve, y_lo: float, y_hi: float) -> list[list[tuple[float, float]]]:
    """Unbroken pieces of a curve (a gap wherever it is undefined or leaves the picture)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in curve.points:
        if y is None or not y_lo <= y <= y_hi:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((x, y))
    return [r for r in runs if len(r) > 1]


# -- PNG (optional matplotlib) ----------------------------------------------------------------------------------
def write_png(samples: Samples, path: str) -> None:
    """A PNG through matplotlib, the optional 'plot' extra."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise PlotError("PNG plots need matplotlib: pip install 'derivtutor[plot]' (or write FILE.svg)") from None
    y_lo, y_hi = _y_range(samples)
    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=100)
    for curve, style in ((samples.f, "-"), (samples.df, "--")):
        xs = [x for x, _ in curve.points]
        ys = [float("nan") if y is None or not y_lo <= y <= y_hi else y for _, y in curve.points]
        ax.plot(xs, ys, style, label=curve.label)
    peak = samples.peak()
    if peak:
        ax.plot([peak[0]], [peak[1]], "o", color="C1")
        ax.annotate(f"largest slope {round(peak[1], 4):g} at {samples.var} = {round(peak[0], 4):g}", peak,
                    xytext=(8, 4), textcoords="offset points")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_ylim(y_lo, y_hi)
    ax.set_xlabel(samples.var)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)


# -- text ---------------------------------------------------------------------------------------------------------
def render_text(samples: Samples, width: int | None = None, height: int = 17, unicode: bool | None = None) -> str:
    """A character plot for the terminal: '*' is f, 'o' is f', '+' where they meet; fits the terminal width.

    The labels are in Unicode or ASCII words as console.output_style decides for standard output (or `unicode`).
    """
    if width is None:
        width = shutil.get_terminal_size((80, 24)).columns
    if unicode is None:
        from derivtutor.console import output_style

        unicode = output_style().unicode
    f_label = samples.f.label if unicode or not samples.f.ascii_label else samples.f.ascii_label
    df_label = samples.df.label if unicode or not samples.df.ascii_label else samples.df.ascii_label
    var = samples.var if unicode else to_ascii(samples.var)
    y_lo, y_hi = _y_range(samples)
    labels = [_fmt(round(y_hi, 3)), _fmt(round((y_lo + y_hi) / 2, 3)), _fmt(round(y_lo, 3))]
    margin = max(len(s) for s in labels) + 2
    cols = max(20, width - margin - 1)
    grid = [[" "] * cols for _ in range(height)]
    x_lo, x_hi = samples.xs[0], samples.xs[-1]

    def col(x: float) -> int:
        return min(cols - 1, max(0, round((x - x_lo) / (x_hi - x_lo) * (cols - 1))))

    def row(y: float) -> int:
        return min(height - 1, max(0, round((y_hi - y) / (y_hi - y_lo) * (height - 1))))

    zero = row(0.0)
    for c in range(cols):
        grid[zero][c] = "-"
    if x_lo <= 0 <= x_hi:
        for r in range(height):
            grid[r][col(0.0)] = "|"
        grid[zero][col(0.0)] = "+"
    for curve, mark in ((samples.f, "*"), (samples.df, "o")):
        for x, y in curve.points:
            if y is None or not y_lo <= y <= y_hi:
                continue
            r, c = row(y), col(x)
            grid[r][c] = "#" if grid[r][c] in ("*", "o") and grid[r][c] != mark else mark
    lines = []
    for r in range(height):
        label = labels[0] if r == 0 else labels[2] if r == height - 1 else labels[1] if r == height // 2 else ""
        lines.append(label.rjust(margin - 2) + " |" + "".join(grid[r]).rstrip())
    axis = [" "] * cols
    for t in nice_ticks(x_lo, x_hi, 7):
        text = _fmt(t)
        start = min(max(0, col(t) - len(text) // 2), cols - len(text))
        if all(ch == " " for ch in axis[max(0, start - 1):start + len(text) + 1]):
            axis[start:start + len(text)] = list(text)
    lines.append(" " * margin + "".join(axis).rstrip())
    lines.append(f"* {f_label}")
    lines.append(f"o {df_label}   (# where both fall on one character)")
    peak = samples.peak()
    if peak:
        lines.append(f"largest slope: {df_label.split(' = ')[0]} = {round(peak[1], 4):g} "
                     f"at {var} = {round(peak[0], 4):g}")
    return "\n".join(lines) + "\n"
