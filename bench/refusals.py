"""The slowest refusals of typed expressions through the real `derive` command (issue 16: each under 1 s idle,
start-up included, and decided by work bounds so that the load never changes the verdict).

    python bench/refusals.py [--top 20] [--rounds 3] [--only "NAME;NAME"] [--compare /path/to/other/checkout]

Every candidate (the hostile corpora in tests/, the bombs of tests/test_hostile_cli.py and families near each
size, nesting, power and step bound) is run as `python -m derivtutor TEXT` with stdout a pipe; wall time by
time.perf_counter, CPU time (user + system) of the child from os.times. The median of `rounds` runs per candidate. Each
refusal is classed by its line: "work bound" (size, nesting, steps, digits, exponent: decided by counting) or
"time limit" (the last-resort CPU budget, which a busy machine reaches at a different moment of the wall clock).
Prints a Markdown table of the `top` slowest refusals and the load average before and after. With --compare,
every candidate also runs on the other checkout (e.g. main), interleaved run by run so both see the same load,
and the table shows the two side by side, slowest on the other checkout first.
"""

from __future__ import annotations

import argparse
import codecs
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80", "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT)}
ENV.pop("DERIVTUTOR_DEBUG", None)


def nested(function: str, depth: int, inner: str = "x") -> str:
    return f"{function}(" * depth + inner + ")" * depth


def product_of_functions(n: int) -> str:
    names = ["sin", "cos", "tan", "exp", "ln", "sqrt", "sinh", "cosh", "tanh", "atan", "sigma", "softplus"]
    return "*".join(f"{names[i % len(names)]}({i // len(names) + 1}x+{i})" for i in range(n))


def candidates() -> dict[str, str]:
    found: dict[str, str] = {}
    for depth in (100, 101, 150):
        found[f"tan nested {depth}"] = nested("tan", depth)
    for depth in (200, 201, 300, 301):
        found[f"sin nested {depth}"] = nested("sin", depth)
    for depth in (50, 100, 150):
        found[f"exp nested {depth}"] = nested("exp", depth)
    for name in ("ln", "sqrt", "atan", "asin", "sec", "softplus", "tanh", "sigma", "relu", "abs", "cosh"):
        found[f"{name} nested 150"] = nested(name, 150)
    for depth in (20, 21, 30):
        found[f"1/(1+e^-u) nested {depth}"] = "1/(1 + e^(-" * depth + "x" + "))" * depth
    found["continued fraction 40"] = "1/(1 + " * 40 + "x" + ")" * 40
    found["sqrt(1 + sqrt(...)) 100"] = "sqrt(1 + " * 100 + "x" + ")" * 100
    found["x^x tower 8"] = "^".join(["x"] * 8)
    found["x^x tower 30"] = "^".join(["x"] * 30)
    found["sin tower 4"] = "^".join(["sin(x)"] * 4)
    found["sin tower 12"] = "^".join(["sin(x)"] * 12)
    found["(x^x)^(x^x)^(x^x)"] = "(x^x)^(x^x)^(x^x)"
    for power in ("x^1000", "x^1001", "(x+1)^1000", "(x+1)^1001", "(sin(x)+x)^999", "9^9^9", "x^(10^100)",
                  "(x^2+1)^(x^2+1)", "2^(2^(2^(2^x)))", "x^0.5^0.5^0.5^0.5^0.5"):
        found[power] = power
    for n in (100, 200, 300, 399, 500):
        found[f"{n} sines"] = "+".join(f"sin({i}x)" for i in range(1, n))
    found["sum of 400 powers"] = "+".join(f"x^{i}" for i in range(1, 400))
    found["sum of 2000 x"] = "+".join(["x"] * 2000)
    for n in (20, 100, 200):
        found[f"{n} distinct factors"] = product_of_functions(n)
    found["(x+1)(x+2)...(x+150)"] = "*".join(f"(x+{i})" for i in range(1, 151))
    found["199 divisions"] = "/".join(f"(x+{i})" for i in range(1, 200))
    found["300 divisions"] = "/".join(f"(x+{i})" for i in range(1, 300))
    found["x*x*...*x 600"] = "*".join(["x"] * 600)
    found["max nested 60"] = "max(" * 60 + "x" + ", x^2)" * 60
    found["nested |..| 150"] = "|" * 150 + "x" + "|" * 150
    found["deep brackets 300"] = "(" * 300 + "x" + ")" * 300
    found["deep brackets 301"] = "(" * 301 + "x" + ")" * 301
    found["20000 characters"] = "x+" * 9999 + "x"
    found["100-digit number"] = "1" * 100 + "*x"
    found["101-digit number"] = "1" * 101 + "*x"
    found["sin(exp(tan(...))) mix 120"] = "sin(exp(tan(" * 40 + "x" + ")))" * 40
    found["tan(sec(...)) mix 60"] = "tan(sec(" * 30 + "x" + "))" * 30
    found["exp of sum of 300 sines"] = "exp(" + "+".join(f"sin({i}x)" for i in range(1, 300)) + ")"
    found["sigma of 150 factors"] = "sigma(" + "*".join(f"(x+{i})" for i in range(1, 151)) + ")"
    found["(sum 100 sines)^(sum 100 cosines)"] = "(" + "+".join(f"sin({i}x)" for i in range(1, 100)) + ")^(" + \
        "+".join(f"cos({i}x)" for i in range(1, 100)) + ")"
    found["ln(ln(...)) of x^x 60"] = nested("ln", 60, "x^x")
    for corpus in ("hostile_inputs.txt", "hostile_cli_inputs.txt"):
        for number, line in enumerate((ROOT / "tests" / corpus).read_text(encoding="utf-8").splitlines(), 1):
            if line and not line.startswith("# "):
                text = "" if line == "__EMPTY__" else codecs.decode(line, "unicode_escape")
                if "\x00" not in text:
                    found[f"{corpus}:{number}"] = text
    return found


def run_once(text: str, tree: Path = ROOT) -> tuple[float, int, str]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "derivtutor", text], capture_output=True, timeout=300,
                          env={**ENV, "PYTHONPATH": str(tree)}, cwd=tree)
    wall = time.perf_counter() - start
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return wall, done.returncode, lines[0] if lines else ""


def measure(text: str, rounds: int, tree: Path = ROOT) -> tuple[float, float, int, str]:
    """Median wall and CPU seconds of `rounds` runs, the exit code and the first line of standard error."""
    walls, cpus, code, line = [], [], 0, ""
    for _ in range(rounds):
        before = os.times()
        wall, code, line = run_once(text, tree)
        after = os.times()
        walls.append(wall)
        cpus.append((after.children_user - before.children_user) + (after.children_system - before.children_system))
    return statistics.median(walls), statistics.median(cpus), code, line


def why(line: str) -> str:
    """A refusal by a clock (the typed-input budget, or main's 1.5 s wall clock on reading) or by a count."""
    if ("within" in line and "second" in line) or "took more than" in line:
        return "time limit"
    return "work bound"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="only these candidates (names separated by ';')")
    parser.add_argument("--compare", type=Path, help="another checkout to run the same candidates on")
    args = parser.parse_args()
    chosen = {name: text for name, text in candidates().items() if not args.only or name in args.only.split(";")}
    if args.compare:
        return compare(chosen, args.compare.resolve(), args.rounds, args.top)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "derivtutor")], check=False)
    load_before = os.getloadavg()
    rows = []
    for name, text in chosen.items():
        wall, cpu, code, line = measure(text, args.rounds)
        rows.append((wall, cpu, code, name, line))
        print(f"{wall:6.2f} s wall {cpu:6.2f} s cpu  exit {code}  {name}: {line[:90]}", file=sys.stderr)
    load_after = os.getloadavg()
    refused = sorted((r for r in rows if r[2] == 2), reverse=True)
    print(f"Load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min); "
          f"{len(rows)} candidates, {len(refused)} refused, median of {args.rounds} runs each.\n")
    print("| # | input | wall | CPU | decided by | the line |")
    print("|---|---|---|---|---|---|")
    for rank, (wall, cpu, _code, name, line) in enumerate(refused[: args.top], 1):
        shown = line.replace("|", "\\|")[:110]
        print(f"| {rank} | {name} | {wall:.2f} s | {cpu:.2f} s | {why(line)} | {shown} |")
    timed = [r for r in refused if why(r[4]) == "time limit"]
    print(f"\nRefused by the time limit: {len(timed)}; slowest refusal {refused[0][0]:.2f} s wall" if refused else "")
    accepted = sorted((r for r in rows if r[2] == 0), reverse=True)[:5]
    print("Slowest accepted (context): " + ", ".join(f"{r[3]} {r[0]:.2f} s" for r in accepted))
    other = [r for r in rows if r[2] not in (0, 2)]
    for r in other:
        print(f"UNEXPECTED exit {r[2]}: {r[3]}: {r[4]}")
    return 1 if other else 0


def compare(chosen: dict[str, str], other: Path, rounds: int, top: int) -> int:
    for tree in (ROOT, other):
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "derivtutor")], check=False)
    load_before = os.getloadavg()
    rows = []
    for name, text in chosen.items():
        walls: dict[Path, list[float]] = {ROOT: [], other: []}
        cpus: dict[Path, list[float]] = {ROOT: [], other: []}
        lines: dict[Path, tuple[int, str]] = {}
        for _ in range(rounds):  # interleaved: both trees see the same moment's load
            for tree in (other, ROOT):
                wall, cpu, code, line = measure(text, 1, tree)
                walls[tree].append(wall)
                cpus[tree].append(cpu)
                lines[tree] = (code, line)
        row = (statistics.median(walls[other]), statistics.median(cpus[other]), lines[other],
               statistics.median(walls[ROOT]), statistics.median(cpus[ROOT]), lines[ROOT], name)
        rows.append(row)
        print(f"{name}: {row[0]:.2f}/{row[1]:.2f} s -> {row[3]:.2f}/{row[4]:.2f} s; {row[5][1][:80]}", file=sys.stderr)
    load_after = os.getloadavg()
    print(f"Load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}; median of {rounds} "
          f"interleaved runs each; wall / CPU seconds of the whole command, start-up included.\n")
    print(f"| # | input | before ({other.name}): wall / CPU | decided by | now: wall / CPU | decided by (exit) |")
    print("|---|---|---|---|---|---|")
    for rank, row in enumerate(sorted(rows, reverse=True)[:top], 1):
        (bw, bc, (bcode, bline), nw, nc, (ncode, nline), name) = row
        before_why = (why(bline) + (": reading > 1.5 s (wall)" if "took more than" in bline else "")
                      if bcode == 2 else f"accepted (exit {bcode})")
        said = nline.removeprefix("derive: ").removeprefix("this expression is too big to derive step by step ")
        now_why = f"{why(nline)}: {said[:70]}" if ncode == 2 else "accepted"
        print(f"| {rank} | {name} | {bw:.2f} / {bc:.2f} s | {before_why} | {nw:.2f} / {nc:.2f} s | "
              f"{now_why.replace('|', '/')} ({ncode}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
