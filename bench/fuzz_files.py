"""Fuzz the other doors: lesson files and network configs, mutated and hostile, through the one reader.

    python bench/fuzz_files.py --examples 2000 [--seed 20261202]
    python bench/fuzz_files.py --cli --examples 1000 [--seed 20261202]

With --cli, each damaged lesson or config goes through the real command in a subprocess instead: `derive lesson
NAME --dir DIR` (standard input empty: the player's end of input), `derive lesson --dir DIR` (the list), `derive
lesson --check FILE`, `derive lesson NAME --dir DIR --markdown -`, or `derive network --config FILE`. Each must exit
0 or 2, and with 2 say exactly one printable `derive: ...` line on standard error (`--check` lists the problems
it found on standard output instead); never exit 1, never a
traceback, never a raw escape on standard output (it is a pipe), never more than CLI_CPU_SECONDS of CPU time
(the load on a shared machine stretches only the wall clock, reported beside it) nor CLI_WALL_SECONDS of wall time.

Each example takes a real lesson (lessons/*.toml) or a valid network config (TOML or JSON) and damages it: byte
flips, cut-offs, a field replaced by a hostile value (TeX, HTML, ESC/OSC, rich markup, bidi, huge numbers,
deep nesting, long text), repeated items. The file is read the way the CLI reads it (lesson_files.load_lesson,
network.load_config); a loaded lesson's list line and a loaded config are printed to a string. A failure is
any exception other than the project's one-line refusals (LessonError, ConfigError), a refusal that is not one
line or carries a raw control character, printed text with a raw escape, or an example slower than its bound.
Exits 1 if there was a failure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from derivtutor import lesson_files, network, progress  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BOUND_SECONDS = 2.0
CLI_CPU_SECONDS = 5.0
CLI_WALL_SECONDS = 60.0
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE = [
    r"\input{/etc/passwd}", "<script>alert(1)</script>", "\x1b]52;c;eA==\x07", "\x1b[2J", "[/]",
    "[link=https://evil.example]x[/link]", "\u202etxt.exe", "\x00", "9" * 5000, "1e400", "-" * 3000,
    "x" * 30000, "sigma(" * 40 + "x" + ")" * 40, "", " ", "\ud7ff", "ｘ",
]
DEEP_TOML = "[" * 3000 + "]" * 3000
DEEP_JSON = "[" * 100_000 + "]" * 100_000


def _toml_value(rng: random.Random) -> str:
    choice = rng.random()
    if choice < 0.55:
        return json.dumps(rng.choice(HOSTILE))
    if choice < 0.7:
        return rng.choice(["9" * rng.choice([310, 4400, 6000]), "1e400", "nan", "inf", "-0", "true"])
    if choice < 0.85:
        return rng.choice(["[", "{"]) * 50 + "1" + "]" * 50 if rng.random() < 0.5 else DEEP_TOML
    return "[" + ", ".join(json.dumps(rng.choice(HOSTILE)) for _ in range(rng.randint(0, 5))) + "]"


def mutate_text(rng: random.Random, text: str) -> str:
    kind = rng.random()
    lines = text.splitlines()
    if kind < 0.25:  # replace a field's value
        candidates = [i for i, line in enumerate(lines) if re.match(r"^\s*\w+\s*=", line)]
        if candidates:
            i = rng.choice(candidates)
            key = lines[i].split("=", 1)[0]
            lines[i] = f"{key}= {_toml_value(rng)}"
        return "\n".join(lines) + "\n"
    if kind < 0.4:  # flip bytes
        data = bytearray(text.encode("utf-8"))
        for _ in range(rng.randint(1, 20)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        return data.decode("utf-8", "surrogateescape")
    if kind < 0.5:  # cut off
        return text[: rng.randrange(len(text) + 1)]
    if kind < 0.6:  # an extra key with a hostile name
        return text + f'\n{json.dumps(rng.choice(HOSTILE))} = {_toml_value(rng)}\n'
    if kind < 0.7:  # many items
        block = text[text.find("[[items]]"):] if "[[items]]" in text else text
        return text + block * rng.randint(2, 60)
    if kind < 0.8:  # an inserted hostile line
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(HOSTILE))
        return "\n".join(lines)
    if kind < 0.9:  # a whole field table replaced by deep nesting
        return text + "\ndeep = " + rng.choice([DEEP_TOML, "[" * 60 + "]" * 60]) + "\n"
    return rng.choice(HOSTILE)


CONFIG = {"sizes": [2, 2, 2], "inputs": [0.05, 0.1], "targets": [0.01, 0.99],
          "weights": {"hidden": [[0.15, 0.2], [0.25, 0.3]], "output": [[0.4, 0.45], [0.5, 0.55]]},
          "biases": {"hidden": 0.35, "output": 0.6}, "learning_rate": 0.5}


def config_text(rng: random.Random, suffix: str) -> str:
    data = json.loads(json.dumps(CONFIG))
    target = rng.choice(["sizes", "inputs", "weights", "biases", "learning_rate", "new"])
    raw = rng.choice(HOSTILE)
    if suffix == ".json":
        text = json.dumps(data)
        kind = rng.random()
        if kind < 0.3:
            return text[:-1] + f', {json.dumps(raw)}: {rng.choice(["9" * 400, "1e999", "NaN", DEEP_JSON, "1"])}}}'
        if kind < 0.5:
            return text.replace('"learning_rate": 0.5', f'"learning_rate": {"9" * rng.choice([320, 4400])}')
        if kind < 0.6:
            return DEEP_JSON
    else:
        lines = [f"{k} = {json.dumps(v)}" for k, v in data.items() if not isinstance(v, dict)]
        for table in ("weights", "biases"):
            lines.append(f"[{table}]")
            lines += [f"{k} = {json.dumps(v)}" for k, v in data[table].items()]
        text = "\n".join(lines) + "\n"
        if rng.random() < 0.4:
            return text + f"\n{json.dumps(raw) if rng.random() < 0.5 else target} = {_toml_value(rng)}\n"
    return mutate_text(rng, text)


def check_line(message: str) -> str | None:
    if "\n" in message or RAW_CONTROL.search(message):
        return f"refusal not one clean line: {message[:200]!r}"
    return None


def run_one(rng: random.Random, folder: Path, lessons: list[Path], index: int, counts: Counter) -> str | None:
    kind = ("lesson", "config", "progress")[index % 3]
    if kind == "lesson":
        path = folder / f"l{index}.toml"
        path.write_bytes(mutate_text(rng, rng.choice(lessons).read_text(encoding="utf-8")).encode("utf-8",
                                                                                               "surrogateescape"))
        try:
            lesson = lesson_files.load_lesson(path)
        except lesson_files.LessonError as exc:
            counts["lesson: refused"] += 1
            return check_line(f"derive: {exc}")
        counts["lesson: loaded"] += 1
        shown = " ".join([lesson.title, lesson.summary, *(i.title + i.text + "".join(i.hints) for i in lesson.items)])
        return f"raw control character in a loaded lesson: {shown[:200]!r}" if RAW_CONTROL.search(shown) else None
    if kind == "config":
        suffix = rng.choice([".toml", ".json"])
        path = folder / f"c{index}{suffix}"
        path.write_bytes(config_text(rng, suffix).encode("utf-8", "surrogateescape"))
        try:
            network.load_config(path)
        except network.ConfigError as exc:
            counts["config: refused"] += 1
            return check_line(f"derive: {exc}")
        counts["config: loaded"] += 1
        return None
    home = folder / f"h{index}"
    home.mkdir()
    good = json.dumps({"version": 1, "last": "x", "lessons": {"x": {"screen": 1, "screens": 3, "done": False,
                                                                     "solved": [1]}}})
    (home / "progress.json").write_bytes(mutate_text(rng, good).encode("utf-8", "surrogateescape"))
    store = progress.load(home)
    counts["progress: warned" if store.warning else "progress: loaded"] += 1
    store.of("y").screen = 2
    problem = progress.save(store) if store.path is not None else None
    if problem:
        return f"progress could not be saved: {problem}"
    return check_line(store.warning) if store.warning else None


CLI_ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80", "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT)}
CLI_ENV.pop("DERIVTUTOR_DEBUG", None)
RAW_ESCAPE = re.compile("[\x00-\x08\x0b-\x1f\x7f\x9b]")


def cli_command(rng: random.Random, folder: Path, lessons: list[Path], index: int) -> tuple[str, list[str]]:
    """Write one damaged file into its own folder and pick the command that reads it."""
    own = folder / f"e{index}"
    own.mkdir()
    if index % 2 == 0:
        suffix = rng.choice([".toml", ".json"])
        path = own / f"c{suffix}"
        path.write_bytes(config_text(rng, suffix).encode("utf-8", "surrogateescape"))
        return "network", ["network", "--config", str(path)]
    path = own / "l.toml"
    path.write_bytes(mutate_text(rng, rng.choice(lessons).read_text(encoding="utf-8")).encode("utf-8",
                                                                                           "surrogateescape"))
    how = rng.random()
    if how < 0.55:
        return "lesson play", ["lesson", "l", "--dir", str(own)]
    if how < 0.75:
        return "lesson list", ["lesson", "--dir", str(own)]
    if how < 0.9:
        return "lesson check", ["lesson", "--check", str(path)]
    return "lesson markdown", ["lesson", "l", "--dir", str(own), "--markdown", "-"]


def run_cli_one(rng: random.Random, folder: Path, lessons: list[Path], index: int, counts: Counter,
                times: list[tuple[float, float, str]]) -> str | None:
    kind, argv = cli_command(rng, folder, lessons, index)
    home = folder / f"home{index}"
    home.mkdir()
    env = {**CLI_ENV, "DERIVTUTOR_HOME": str(home)}
    before = os.times()
    start = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", "derivtutor", *argv], input=b"", capture_output=True, env=env,
                              timeout=CLI_WALL_SECONDS)
    except subprocess.TimeoutExpired:
        counts[f"{kind}: HANG"] += 1
        return f"{kind}: still running after {CLI_WALL_SECONDS:g} s ({' '.join(argv[:2])})"
    wall = time.monotonic() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    times.append((cpu, wall, f"{kind} example {index}"))
    counts[f"{kind}: exit {done.returncode}"] += 1
    err = done.stderr.decode("utf-8", "replace")
    problems = []
    if done.returncode not in (0, 2):
        problems.append(f"exit {done.returncode}")
    if "Traceback" in err:
        problems.append("a traceback")
    report = kind == "lesson check" and err == "" and done.stdout.strip()  # --check: its problems, on stdout
    if done.returncode == 2 and not report and (err.count("\n") != 1 or not err.startswith("derive: ")
                                                or RAW_CONTROL.search(err.rstrip("\n"))):
        problems.append(f"not one clean line: {err[:200]!r}")
    if RAW_ESCAPE.search(done.stdout.decode("utf-8", "replace").replace("\n", "").replace("\t", "")):
        problems.append("a raw control character on standard output")
    if cpu > CLI_CPU_SECONDS:
        problems.append(f"{cpu:.1f} s of CPU")
    if problems:
        return f"{kind} ({' '.join(argv[:2])}): " + "; ".join(problems) + f" [stderr {err[-300:]!r}]"
    return None


def main_cli(args: argparse.Namespace, lessons: list[Path]) -> int:
    rng = random.Random(args.seed)
    counts: Counter = Counter()
    failures: list[str] = []
    times: list[tuple[float, float, str]] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(args.examples):
            problem = run_cli_one(rng, Path(tmp), lessons, index, counts, times)
            if problem:
                failures.append(f"example {index}: {problem}")
    print(f"fuzz_files --cli: {args.examples} examples, seed {args.seed}, {time.monotonic() - started:.0f} s, "
          f"load average now {os.getloadavg()[0]:.1f}")
    for name, count in sorted(counts.items()):
        print(f"  {name:28} {count}")
    slowest = sorted(times, reverse=True)[:5]
    print("  slowest (CPU / wall): " + ", ".join(f"{c:.2f} / {w:.2f} s {what}" for c, w, what in slowest))
    print(f"  failures: {len(failures)}")
    for failure in failures[:50]:
        print(f"    {failure}")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--cli", action="store_true", help="through the real command, a subprocess each")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    lessons = sorted((ROOT / "lessons").glob("*.toml"))
    if args.cli:
        return main_cli(args, lessons)
    counts: Counter = Counter()
    failures: list[str] = []
    slowest = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for index in range(args.examples):
            start = time.monotonic()
            try:
                problem = run_one(rng, folder, lessons, index, counts)
            except Exception as exc:  # noqa: BLE001 - every other exception is a finding
                problem = f"{type(exc).__name__}: {str(exc)[:200]}"
            seconds = time.monotonic() - start
            slowest = max(slowest, seconds)
            if seconds > BOUND_SECONDS:
                problem = (problem or "") + f" (took {seconds:.2f} s)"
            if problem:
                failures.append(f"example {index}: {problem}")
    for name, count in sorted(counts.items()):
        print(f"{name:20} {count}")
    print(f"slowest example: {slowest:.2f} s; failures: {len(failures)}")
    for failure in failures[:50]:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
