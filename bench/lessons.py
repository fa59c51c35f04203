"""Time the lessons (issue 14): the first screen of every shipped lesson, and every lesson answer's verdict.

    python bench/lessons.py          # from the repository root; prints the figures and markdown table rows

- First screen: `derive lesson NAME` in a pseudo-terminal (pexpect, 100x30), wall time from spawn until the
  first screen's header ("NAME: 1 of N") appears (the screen is written in one piece), against
  `python -c "import sympy"` in the same pseudo-terminal; rounds
  interleaved, the median of ROUNDS for each; the ratio of the slowest lesson is the figure (goal <= 1.25 x).
- Answers: in one process, SymPy's cache cleared before each run, every exercise of every lesson judged with its
  stated answer, its listed wrong answers and an unreadable one, the exercise already built (as when the learner
  types); p95 over all (goal <= 150 ms).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ROUNDS = 5


def _spawn_until(args: list[str], pattern: str, home: str) -> float:
    import pexpect

    env = dict(os.environ, DERIVTUTOR_HOME=home, NO_COLOR="1", PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    child = pexpect.spawn(sys.executable, args, env=env, cwd=str(ROOT), encoding="utf-8", timeout=60,
                          dimensions=(30, 100))
    child.expect(pattern)
    elapsed = time.perf_counter() - start
    child.terminate(force=True)
    return elapsed


def first_screens() -> tuple[float, dict[str, float]]:
    from derivtutor.lesson_files import load_all

    names = [lesson.name for lesson in load_all()]
    floor: list[float] = []
    times: dict[str, list[float]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as home:
        for _ in range(ROUNDS):
            floor.append(_spawn_until(["-c", "import sympy; print('ready')"], "ready", home))
            for name in names:
                times[name].append(_spawn_until(["-m", "derivtutor", "lesson", name], r": 1 of \d+", home))
    return statistics.median(floor), {name: statistics.median(t) for name, t in times.items()}


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def verdicts() -> list[float]:
    from derivtutor.startup import import_sympy_without_collecting

    import_sympy_without_collecting()
    from sympy.core.cache import clear_cache

    from derivtutor.lesson_files import load_all
    from derivtutor.lesson_player import build_screens

    times = []
    for lesson in load_all():
        for screen in build_screens(lesson, eager=True):
            if not screen.is_exercise or screen.item.working:
                continue
            exercise = screen.exercise
            answers = [screen.item.answer, *(m.answer for m in screen.item.mistakes), "x +", "2x"]
            for answer in answers:
                runs = []
                for _ in range(3):
                    clear_cache()
                    start = time.perf_counter()
                    exercise.check(answer)
                    runs.append(time.perf_counter() - start)
                times.append(statistics.median(runs))
    return times


def main() -> None:
    floor, lessons = first_screens()
    slowest = max(lessons, key=lessons.get)
    for name, seconds in lessons.items():
        print(f"{name:14} first screen {seconds * 1000:6.0f} ms  {seconds / floor:.2f} x")
    judged = verdicts()
    print(f"import sympy {floor * 1000:.0f} ms; slowest lesson {slowest}: {lessons[slowest] / floor:.2f} x")
    print(f"answers judged: {len(judged)}, p95 {p95(judged) * 1000:.1f} ms, max {max(judged) * 1000:.1f} ms")
    print(f"| 7 | `derive lesson NAME` first screen in a terminal, slowest of {len(lessons)} ({slowest}) | "
          f"{lessons[slowest] * 1000:.0f} ms | {lessons[slowest] / floor:.2f} x | <= 1.25 x | "
          f"{'yes' if lessons[slowest] / floor <= 1.25 else '**no**'} |")
    print(f"| 7 | lesson answer judged, p95 of {len(judged)} | {p95(judged) * 1000:.1f} ms |  | <= 150 ms | "
          f"{'yes' if p95(judged) <= 0.150 else '**no**'} |")


if __name__ == "__main__":
    main()
