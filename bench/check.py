"""Time `derive check` verdicts (issue 13: a verdict in under 150 ms p95 after start-up, never more than 2 s).

    python bench/check.py            # from the repository root; prints the figures and a markdown table row

In one process (start-up excluded), SymPy's cache cleared before every timed run, for each (target, answer) of
the corpus below:
- "verdict": read the answer and judge it against a target already built; the first answer on a target pays for
  generating its slips (that is what a `derive check TARGET ANSWER` process does after building the target);
- "build + verdict": the same plus building the target (derive, verify, algebra; the backprop presets also check
  their formula on whole networks), i.e. everything `derive check` does after Python and SymPy are loaded;
- "working line": one line of a working judged (with the lines before it already judged).
p95 and the maximum over the corpus; 5 runs per case, the median of each case is used.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = [  # (target, wrt, answer): right answers, slips, plain wrong answers, unreadable ones
    ("sigmoid", None, "e^(-x)/(1+e^(-x))^2"), ("sigmoid", None, "sigma(x)*(1-sigma(x))"),
    ("sigmoid", None, "1/(4cosh(x/2)^2)"), ("sigmoid", None, "-1/(1+e^(-x))^2"),
    ("sigmoid", None, "-e^(-x)/(1+e^(-x))^2"), ("sigmoid", None, "x^2"), ("sigmoid", None, "((("),
    ("w*a + b", "w", "0"), ("w*a + b", "w", "a"), ("error", None, "t_k - a_k"), ("error", None, "-(t_k - a_k)"),
    ("error", None, "a_1 + a_2 + a_3 - t_1 - t_2 - t_3"), ("net", None, "a_j"), ("net", None, "0"),
    ("output-weight", None, "-(t_k - a_k)*a_k*(1 - a_k)"), ("output-weight", None, "-(t_k-a_k)*a_k*(1-a_k)*a_j"),
    ("x^2 sin(x)", None, "2x sin(x) + x^2 cos(x)"), ("x^2 sin(x)", None, "2x cos(x)"),
    ("x/(x+1)", None, "-1/(x+1)^2"), ("e^(x^2)", None, "2x"), ("e^x", None, "x e^(x-1)"),
    ("(2x+1)^3", None, "3(2x+1)^2"), ("sin(cos(x^2))", None, "cos(cos(x^2))"), ("tanh", None, "1 - tanh(x)^2"),
    ("softplus", None, "sigma(x)"), ("bce", None, "a - t"), ("x^2/2", None, "x/2"),
    ("sin(x)^2 cos(x)^3", None, "2 sin(x) cos(x)^4 - 3 sin(x)^3 cos(x)^2"),
    ("ln(1 + x^2)", None, "1/(1 + x^2)"), ("sqrt(1 + e^(3x))", None, "3e^(3x)/(2 sqrt(1 + e^(3x)))"),
    ("sin(cos(tan(e^(sin(cos(x^2))))))", None, "x"),  # a 7-layer chain: 129 slips to pass over
    ("sigma(sigma(sigma(x)))", None, "x"),
]
WORKING = ["d/dx [1/(1+e^(-x))]", "= -1/(1+e^(-x))^2 * d/dx[1+e^(-x)]", "= -1/(1+e^(-x))^2 * e^(-x) * (-1)",
           "= e^(-x)/(1+e^(-x))^2", "= sigma(x)*(1-sigma(x))"]
RUNS = 5


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    from derivtutor.startup import import_sympy_without_collecting

    import_sympy_without_collecting()
    from sympy.core.cache import clear_cache

    from derivtutor.judge import Working, target_for, verdict_for_text
    from derivtutor.run import build

    verdict_ms, total_ms, statuses = [], [], []
    for name, wrt, answer in CORPUS:
        only, whole = [], []
        for _ in range(RUNS):
            clear_cache()
            start = time.perf_counter()
            target = target_for(build(name, wrt), name)
            built = time.perf_counter()
            verdict = verdict_for_text(target, answer)
            done = time.perf_counter()
            only.append((done - built) * 1000)
            whole.append((done - start) * 1000)
        verdict_ms.append(statistics.median(only))
        total_ms.append(statistics.median(whole))
        statuses.append(verdict.status)
    line_ms = []
    for _ in range(RUNS):
        clear_cache()
        working = Working(target_for(build("sigmoid"), "sigmoid"))
        for line in WORKING:
            start = time.perf_counter()
            working.judge_line(line)
            line_ms.append((time.perf_counter() - start) * 1000)
    print(f"{len(CORPUS)} answers ({statuses.count('right')} right, {statuses.count('wrong')} wrong, "
          f"{statuses.count('unreadable')} unreadable, {statuses.count('unsure')} undecided)")
    print(f"verdict:          p95 {p95(verdict_ms):.0f} ms, max {max(verdict_ms):.0f} ms")
    print(f"build + verdict:  p95 {p95(total_ms):.0f} ms, max {max(total_ms):.0f} ms")
    print(f"working line:     p95 {p95(line_ms):.0f} ms, max {max(line_ms):.0f} ms")
    slowest = sorted(zip(verdict_ms, CORPUS, strict=True), reverse=True)[:3]
    print("slowest verdicts: " + "; ".join(f"{n} {a!r} {ms:.0f} ms" for ms, (n, _, a) in slowest))
    print(f"| 7 | `derive check` verdict p95 / max (build + verdict p95 / max; one working line p95) | "
          f"{p95(verdict_ms):.0f} / {max(verdict_ms):.0f} ms ({p95(total_ms):.0f} / {max(total_ms):.0f} ms; "
          f"{p95(line_ms):.0f} ms) |  | <= 150 ms p95, <= 2000 ms | "
          f"{'yes' if p95(verdict_ms) <= 150 and max(verdict_ms) <= 2000 else '**no**'} |")


if __name__ == "__main__":
    main()
