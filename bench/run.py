"""Measure the six performance targets of issue 6 and print each as a ratio, then a markdown table.

    python bench/run.py            # from the repository root; writes bench/results.md
    python bench/run.py --rounds 5 --quick

Start-up and memory are measured on fresh processes (wall time with time.perf_counter, peak resident memory from
os.wait4's rusage), interleaved round by round so that a busy machine slows every command alike; the in-process
figures clear SymPy's cache before every timed run. Every figure is a median unless it says otherwise.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PY = sys.executable
ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", "PYTHONPATH": str(ROOT)}


# -- fresh processes ---------------------------------------------------------------------------------------
def run_process(argv: list[str]) -> tuple[float, int, int, str]:
    """(wall seconds, peak RSS in KiB, exit code, stdout) of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=ENV, cwd=ROOT)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.stdout.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, proc.returncode, out.decode("utf-8", "replace")


def run_in_terminal(argv: list[str]) -> tuple[float, int, int, str]:
    """Like run_process, but standard output is a pseudo-terminal: the learner's case, with colour."""
    import pty

    env = {k: v for k, v in ENV.items() if k != "NO_COLOR"}
    start = time.perf_counter()
    leader, follower = pty.openpty()
    proc = subprocess.Popen(argv, stdout=follower, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    os.close(leader)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, proc.returncode, b"".join(chunks).decode("utf-8", "replace")


def compile_like_an_install() -> None:
    """pip compiles an installed package to bytecode; a source checkout run with PYTHONDONTWRITEBYTECODE=1 (as
    on this machine) would recompile every module on every run (~25 ms for `derive sigmoid`), so compile once."""
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "derivtutor")], check=True)


def startup(rounds: int) -> dict[str, dict]:
    compile_like_an_install()
    commands = {
        "import sympy": [PY, "-c", "import sympy"],
        "sympy.diff sigmoid": [PY, "-c", "import sympy; x = sympy.Symbol('x'); sympy.diff(1/(1 + sympy.exp(-x)), x)"],
        "derive sigmoid": [PY, "-m", "derivtutor", "sigmoid"],
        "derive sigmoid (terminal)": [PY, "-m", "derivtutor", "sigmoid"],
        "derive --help": [PY, "-m", "derivtutor", "--help"],
        "derive --version": [PY, "-m", "derivtutor", "--version"],
        "derive --list": [PY, "-m", "derivtutor", "--list"],
        "derive lesson": [PY, "-m", "derivtutor", "lesson"],
    }
    times: dict[str, list[float]] = {k: [] for k in commands}
    rss: dict[str, list[int]] = {k: [] for k in commands}
    codes: dict[str, int] = {}
    def run(name: str, argv: list[str]) -> tuple[float, int, int, str]:
        return (run_in_terminal if name.endswith("(terminal)") else run_process)(argv)

    for name, argv in commands.items():  # warm the file cache once
        codes[name] = run(name, argv)[2]
    for _ in range(rounds):
        for name, argv in commands.items():
            t, m, _, _ = run(name, argv)
            times[name].append(t)
            rss[name].append(m)
    sympy_loaded = {}
    for name in ("derive --help", "derive --version", "derive --list", "derive lesson"):
        args = commands[name][3:]
        probe = (f"import sys\nsys.argv = ['derive', *{args!r}]\nfrom derivtutor.cli import main\n"
                 "try:\n    main()\nexcept SystemExit:\n    pass\n"
                 "sys.stderr.write('SYMPY' if 'sympy' in sys.modules else 'NOSYMPY')\n")
        res = subprocess.run([PY, "-c", probe], capture_output=True, text=True, env=ENV, cwd=ROOT)
        sympy_loaded[name] = res.stderr.strip().endswith("SYMPY") and not res.stderr.strip().endswith("NOSYMPY")
    return {name: {"time": statistics.median(times[name]), "rss": statistics.median(rss[name]),
                   "code": codes[name], "sympy": sympy_loaded.get(name)} for name in commands}


def has_lesson_command() -> bool:
    """Without a lesson subcommand, `derive lesson` would derive the product l*e*s*s*o*n."""
    return '"lesson"' in (ROOT / "derivtutor" / "cli.py").read_text(encoding="utf-8")


# -- in process --------------------------------------------------------------------------------------------
def render_text(derivation: object) -> str:
    from derivtutor.document import build_document
    from derivtutor.render.terminal import document_text

    return document_text(build_document(derivation, "normal").blocks, width=100, colour=False, unicode=True)


def full_derivation(expr: object, var: object) -> str:
    from derivtutor.engine import derive

    return render_text(derive(expr, var))


def in_deep_thread(work):  # noqa: ANN001, ANN201 - runs work() with room for SymPy's recursion
    result: dict = {}
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(200_000)
    threading.stack_size(1024 * 1024 * 1024)

    def target() -> None:
        try:
            result["value"] = work()
        except BaseException as exc:  # noqa: BLE001
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    threading.stack_size(0)
    sys.setrecursionlimit(old)
    if "error" in result:
        raise result["error"]
    return result["value"]


def timed(work) -> tuple[float, object]:  # noqa: ANN001
    from sympy.core.cache import clear_cache

    clear_cache()
    start = time.perf_counter()
    value = work()
    return time.perf_counter() - start, value


def versus_diff(repeats: int) -> dict:
    import sympy
    from corpus import derivation_corpus

    rows = []
    for label, expr, var in derivation_corpus():
        d_times, f_times = [], []
        for _ in range(repeats):
            d_times.append(timed(lambda e=expr, v=var: sympy.diff(e, v))[0])
            f_times.append(timed(lambda e=expr, v=var: full_derivation(e, v))[0])
        d, f = statistics.median(d_times), statistics.median(f_times)
        rows.append((label, d, f, f / d))
    ratios = [r[3] for r in rows]
    return {"rows": rows, "median": statistics.median(ratios), "max": max(ratios),
            "geomean": math.exp(statistics.fmean(math.log(r) for r in ratios))}


def scaling(repeats: int) -> dict:
    import sympy
    from corpus import SCALING, x

    out = {}
    for family, (make, sizes) in SCALING.items():
        rows = []
        for n in sizes:
            expr = make(n)
            runs = [timed(lambda e=expr: full_derivation(e, x)) for _ in range(repeats)]
            t = statistics.median(r[0] for r in runs)
            text = runs[0][1]
            plain = timed(lambda e=expr: sympy.diff(e, x))[0]  # context: SymPy's own growth, timed once
            rows.append((n, t, len(text), text.count("\n"), plain))
        steps = []
        for (n1, t1, c1, _, _), (n2, t2, c2, _, _) in zip(rows, rows[1:], strict=False):
            k = math.log(n2 / n1)
            steps.append((n1, n2, 2 ** (math.log(t2 / t1) / k), 2 ** (math.log(c2 / c1) / k)))
        out[family] = {"rows": rows, "steps": steps}
    return out


def answers() -> dict:
    from corpus import answer_corpus

    from derivtutor.parsing import ParseError, parse_expression
    from derivtutor.verify import equal

    rows = []
    for label, given, expected in answer_corpus():
        start = time.perf_counter()
        try:
            verdict = equal(parse_expression(given), parse_expression(expected))
        except ParseError:
            verdict = "refused"
        rows.append((label, given, expected, verdict, time.perf_counter() - start))
    normal = sorted(r[4] for r in rows if not r[0].startswith("hostile"))
    p95 = normal[min(len(normal) - 1, math.ceil(0.95 * len(normal)) - 1)]
    return {"rows": rows, "p95": p95, "max": max(r[4] for r in rows),
            "wrong_verdicts": [r for r in rows if (r[0].startswith("right") and r[3] is not True)
                               or (r[0].startswith("wrong") and r[3] is not False)]}


# -- report ------------------------------------------------------------------------------------------------
def table(start: dict, vs: dict, scale: dict, ans: dict) -> str:
    base_t, base_m = start["import sympy"]["time"], start["import sympy"]["rss"]
    lines = ["| # | target | measured | ratio | goal | met |", "|---|---|---|---|---|---|"]

    def row(num: str, what: str, measured: str, ratio: float | None, goal: str, ok: bool) -> None:
        r = "" if ratio is None else f"{ratio:.2f} x"
        lines.append(f"| {num} | {what} | {measured} | {r} | {goal} | {'yes' if ok else '**no**'} |")

    row("-", "`python -c 'import sympy'` (the floor)", f"{base_t * 1000:.0f} ms, {base_m / 1024:.1f} MiB", 1.0,
        "", True)
    p = start["sympy.diff sigmoid"]
    row("-", "`python -c` import sympy + one sympy.diff of the sigmoid (context)", f"{p['time'] * 1000:.0f} ms",
        p["time"] / base_t, "", True)
    for name, where in (("derive sigmoid", "piped"), ("derive sigmoid (terminal)", "in a terminal, colour")):
        s = start[name]
        row("1", f"`derive sigmoid` wall time, {where}", f"{s['time'] * 1000:.0f} ms", s["time"] / base_t,
            "<= 1.0 x (issue 11; issue 6: 1.25 x)", s["time"] / base_t <= 1.0)
    for name in ("derive --help", "derive --version", "derive --list", "derive lesson"):
        c = start[name]
        if name == "derive lesson" and not has_lesson_command():
            lines.append(f"| 2 | `{name}` | not on this branch yet (no lesson subcommand) | | <= 0.5 x | n/a |")
            continue
        if c["code"] != 0:
            lines.append(f"| 2 | `{name}` | not available (exit code {c['code']}) | | <= 0.5 x | n/a |")
            continue
        ratio = c["time"] / base_t
        note = ", imports SymPy" if c["sympy"] else ", no SymPy"
        row("2", f"`{name}` wall time", f"{c['time'] * 1000:.0f} ms{note}", ratio, "<= 0.5 x, no SymPy",
            ratio <= 0.5 and not c["sympy"])
    row("3", f"full derivation / sympy.diff, median of {len(vs['rows'])} expressions",
        f"geomean {vs['geomean']:.2f} x, worst {vs['max']:.2f} x", vs["median"], "<= 5 x", vs["median"] <= 5)
    for family, data in scale.items():
        sizes = "/".join(str(r[0]) for r in data["rows"])
        times = "/".join(f"{r[1] * 1000:.0f}" for r in data["rows"])
        chars = "/".join(str(r[2]) for r in data["rows"])
        plain = "/".join(f"{r[4] * 1000:.0f}" for r in data["rows"])
        worst_t = max(st[2] for st in data["steps"])
        worst_c = max(st[3] for st in data["steps"])
        row("4", f"{family} {sizes}: time per doubling (output chars per doubling)",
            f"{times} ms (sympy.diff alone {plain} ms); {chars} chars", worst_t,
            "<= 2.5 x (output ~2 x)", worst_t <= 2.5 and worst_c <= 2.5)
        lines[-1] = lines[-1].replace(f"| {worst_t:.2f} x |", f"| {worst_t:.2f} x ({worst_c:.2f} x) |")
    row("5", "answer check (parse + verify.equal) p95, right and wrong answers",
        f"{ans['p95'] * 1000:.1f} ms", None, "<= 100 ms", ans["p95"] <= 0.1)
    row("5", "answer check, slowest of all (hostile included)", f"{ans['max'] * 1000:.0f} ms", None, "<= 2000 ms",
        ans["max"] <= 2.0 + 0.1)
    sm = start["derive sigmoid"]["rss"]
    row("6", "`derive sigmoid` peak memory", f"{sm / 1024:.1f} MiB", sm / base_m, "<= 1.2 x", sm / base_m <= 1.2)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="fresh-process runs per command (median)")
    parser.add_argument("--repeats", type=int, default=5, help="in-process runs per expression (median)")
    parser.add_argument("--quick", action="store_true", help="fewer runs (3 rounds, 3 repeats, 1 for scaling)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.md"))
    args = parser.parse_args()
    rounds, repeats, scale_repeats = (3, 3, 1) if args.quick else (args.rounds, args.repeats, 3)

    start = startup(rounds)
    base = start["import sympy"]["time"]
    for name, c in start.items():
        print(f"[1,2,6] {name:18s} {c['time'] * 1000:7.0f} ms  {c['time'] / base:5.2f} x   "
              f"rss {c['rss'] / 1024:6.1f} MiB {c['rss'] / start['import sympy']['rss']:5.2f} x   exit {c['code']}"
              + ("" if c["sympy"] is None else f"   sympy imported: {c['sympy']}"))
    vs = in_deep_thread(lambda: versus_diff(repeats))
    for label, d, f, r in vs["rows"]:
        print(f"[3] {label:24s} diff {d * 1000:8.2f} ms   full {f * 1000:8.2f} ms   {r:6.2f} x")
    print(f"[3] median {vs['median']:.2f} x, geometric mean {vs['geomean']:.2f} x, worst {vs['max']:.2f} x")
    scale = in_deep_thread(lambda: scaling(scale_repeats))
    for family, data in scale.items():
        for n, t, chars, lines, plain in data["rows"]:
            print(f"[4] {family:20s} n={n:4d}  {t * 1000:9.1f} ms  {chars:8d} chars {lines:6d} lines   "
                  f"(plain sympy.diff {plain * 1000:9.1f} ms)")
        for n1, n2, tr, cr in data["steps"]:
            print(f"[4] {family:20s} {n1}->{n2}: time {tr:.2f} x per doubling, output {cr:.2f} x per doubling")
    ans = answers()
    for label, given, expected, verdict, t in ans["rows"]:
        print(f"[5] {label:11s} {t * 1000:8.1f} ms  {verdict!s:8s} {given}  vs  {expected}")
    print(f"[5] p95 (right and wrong) {ans['p95'] * 1000:.1f} ms, slowest {ans['max'] * 1000:.0f} ms, "
          f"wrong verdicts: {len(ans['wrong_verdicts'])}")
    text = table(start, vs, scale, ans)
    print()
    print(text)
    Path(args.out).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
