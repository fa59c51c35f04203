"""Where the learner got to: one small JSON file in their data directory, written atomically.

A learner quits and comes back days later, so progress must survive crashes and never take the tool down:
writes go to a temporary file then `os.replace` (never half a file), under a lock, merged with what is on disk
(two lesson sessions at once never undo each other); a damaged file is moved aside to the first free
progress.json.corrupt.N (never silently lost), reported in one line, and the learner starts fresh; a file that
is not a regular file (a FIFO, a link to a device) is not read at all.
`DERIVTUTOR_HOME` overrides the directory (tests, or a learner who wants it elsewhere).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

FILE_NAME = "progress.json"
LOCK_NAME = ".progress.lock"
VERSION = 1
MAX_BYTES = 2_000_000


def data_dir() -> Path:
    override = os.environ.get("DERIVTUTOR_HOME")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("derivtutor", appauthor=False))


@dataclass
class LessonProgress:
    screen: int = 0  # the screen to show when the learner comes back
    screens: int = 0  # how many screens the lesson had (for "3 of 12")
    done: bool = False
    solved: list[int] = field(default_factory=list)  # item numbers answered right before any reveal
    attempts: dict[int, int] = field(default_factory=dict)  # item number -> answers judged
    revealed: list[int] = field(default_factory=list)  # item numbers whose answer was shown (:s or the last hint)
    exercises: int = 0  # how many exercises the lesson has (for "3/4 solved")

    @property
    def state(self) -> str:
        if self.done:
            return "done"
        return "in progress" if self.screen > 0 or self.solved else "new"


@dataclass
class Progress:
    lessons: dict[str, LessonProgress] = field(default_factory=dict)
    last: str | None = None
    path: Path | None = None
    warning: str | None = None  # one line for the learner when the old file could not be used
    skills: dict[str, dict] = field(default_factory=dict)  # practice: skill -> {"mastery", "tries", "right"}
    baseline: dict = field(default_factory=dict)  # each lesson as last read or written: what changed since
    baseline_last: str | None = None

    def remember(self) -> None:
        """Note the current state as the one on disk (after a load or a save)."""
        self.baseline = self.to_json()["lessons"]
        self.baseline_last = self.last

    def of(self, name: str) -> LessonProgress:
        return self.lessons.setdefault(name, LessonProgress())

    def to_json(self) -> dict:
        return {"version": VERSION, "last": self.last, "skills": self.skills,
                "lessons": {name: {"screen": p.screen, "screens": p.screens, "done": p.done,
                                   "solved": sorted(set(p.solved)), "exercises": p.exercises,
                                   "attempts": {str(k): v for k, v in sorted(p.attempts.items())},
                                   "revealed": sorted(set(p.revealed))} for name, p in self.lessons.items()}}


def _parse(raw: object) -> Progress:
    if not isinstance(raw, dict) or not isinstance(raw.get("lessons", {}), dict):
        raise ValueError("not a progress file")
    progress = Progress(last=raw.get("last") if isinstance(raw.get("last"), str) else None)
    for name, entry in raw.get("lessons", {}).items():
        if not isinstance(entry, dict):
            raise ValueError(f"bad entry for {name}")
        screen, screens = entry.get("screen", 0), entry.get("screens", 0)
        solved = entry.get("solved", [])
        if not (isinstance(screen, int) and isinstance(screens, int) and isinstance(solved, list)
                and all(isinstance(s, int) for s in solved)):
            raise ValueError(f"bad entry for {name}")
        attempts, revealed = entry.get("attempts", {}), entry.get("revealed", [])
        exercises = entry.get("exercises", 0)
        if not (isinstance(attempts, dict) and all(isinstance(v, int) and k.isdigit() for k, v in attempts.items())
                and isinstance(revealed, list) and all(isinstance(r, int) for r in revealed)
                and isinstance(exercises, int)):
            raise ValueError(f"bad entry for {name}")
        progress.lessons[name] = LessonProgress(max(0, screen), max(0, screens), bool(entry.get("done")), solved,
                                                {int(k): max(0, v) for k, v in attempts.items()}, revealed,
                                                max(0, exercises))
    skills = raw.get("skills", {})
    if isinstance(skills, dict):
        progress.skills = {k: v for k, v in skills.items() if isinstance(k, str) and _skill_ok(v)}
    return progress


def _skill_ok(entry: object) -> bool:
    return (isinstance(entry, dict) and isinstance(entry.get("mastery"), (int, float))
            and 0 <= entry["mastery"] <= 1 and all(isinstance(entry.get(k, 0), int) for k in ("tries", "right")))


def _read(path: Path) -> Progress | None:
    """The progress on disk; None when there is no file; FileProblem when it is unreadable or damaged."""
    from derivtutor import files

    if not os.path.lexists(path):
        return None
    data = files.parse(path, files.read_text(path, MAX_BYTES), "json")
    try:
        progress = _parse(data)
    except ValueError:
        raise files.FileProblem(path, "is damaged") from None
    progress.path = path
    progress.remember()
    return progress


def load(directory: Path | None = None) -> Progress:
    """The saved progress, or a fresh one (with a one-line `warning`) when the file is missing or broken."""
    from derivtutor import files

    directory = directory or data_dir()
    path = directory / FILE_NAME
    try:
        progress = _read(path)
    except files.FileProblem as exc:
        fresh = Progress(path=path)
        if "cannot be read" in exc.problem:  # not a regular file, or no permission: leave it alone
            fresh.warning = f"could not read your progress file {path} {_reason(exc.problem)}; starting fresh " \
                            f"(progress is not saved this time)"
            fresh.path = None
            return fresh
        fresh.warning = f"your progress file {path} was damaged; starting fresh"
        _move_aside(path, fresh)
        return fresh
    return progress if progress is not None else Progress(path=path)


def _reason(problem: str) -> str:
    return problem.removeprefix("cannot be read ").strip()


def _move_aside(path: Path, progress: Progress) -> None:
    """Rename the damaged file to the first free progress.json.corrupt.N: an earlier one is never overwritten."""
    for number in range(1, 1000):
        aside = path.with_name(f"{FILE_NAME}.corrupt.{number}")
        if not os.path.lexists(aside):
            break
    try:
        try:
            os.link(path, aside)  # unlike a rename, fails if `aside` appeared meanwhile
            os.unlink(path)
        except FileExistsError:
            raise
        except OSError:  # no hard links here (some file systems, Windows without rights)
            os.rename(path, aside)
        progress.warning += f" (the old file is kept as {aside.name})"
    except OSError:
        progress.warning += " (the old file could not be moved aside; it will not be overwritten)"
        progress.path = None  # never overwrite what we could not save a copy of


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Hold the progress lock (an flock on .progress.lock where the OS has it): one writer at a time."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: read-merge-write without a lock
        yield
        return
    fd = os.open(directory / LOCK_NAME, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _clean_stale_temps(directory: Path) -> None:
    """Temporary files left by a save that was killed (under the lock, nobody else is writing one)."""
    for temp in directory.glob(".progress-*.tmp"):
        try:
            temp.unlink()
        except OSError:
            pass


def _merge(mine: Progress, disk: Progress | None) -> dict:
    """What to write: the file as it is now, with the lessons this session changed laid over it.

    Another session's lessons are kept as it left them; for a lesson both changed, solved exercises add up and
    done stays done.
    """
    if disk is None:
        return mine.to_json()
    merged = disk.to_json()
    ours = mine.to_json()
    for name, entry in ours["lessons"].items():
        if mine.baseline.get(name) == entry and name in merged["lessons"]:
            continue  # unchanged here: the file's version may be newer
        theirs = merged["lessons"].get(name)
        if theirs is not None:
            entry = dict(entry, solved=sorted(set(entry["solved"]) | set(theirs["solved"])),
                         done=entry["done"] or theirs["done"])
        merged["lessons"][name] = entry
    if ours["last"] is not None and (ours["last"] != mine.baseline_last or merged["last"] is None):
        merged["last"] = ours["last"]
    merged["skills"] = {**merged.get("skills", {}), **ours.get("skills", {})}  # practice: this session's newest
    return merged


def save(progress: Progress) -> str | None:
    """Read, merge and write under the lock, atomically. Returns a one-line problem, or None when saved."""
    from derivtutor import files

    if progress.path is None:
        return "progress is not being saved this time"
    path = progress.path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(path.parent):
            _clean_stale_temps(path.parent)
            try:
                disk = _read(path)
            except files.FileProblem:
                disk = None  # damaged meanwhile: ours replaces it (a copy is kept first)
                scratch = Progress(warning="")
                _move_aside(path, scratch)
                if scratch.path is None and os.path.lexists(path):
                    return f"could not save your progress to {path} (it is not a file we can replace)"
            data = _merge(progress, disk)
            fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(data, handle, indent=1)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
    except OSError as exc:
        return f"could not save your progress to {path} ({exc.strerror or exc})"
    merged = _parse(data)
    for name, entry in merged.lessons.items():  # keep our objects (the player holds them), with the merged values
        mine = progress.lessons.setdefault(name, entry)
        mine.screen, mine.screens, mine.done, mine.solved = entry.screen, entry.screens, entry.done, entry.solved
        mine.attempts, mine.revealed, mine.exercises = entry.attempts, entry.revealed, entry.exercises
    progress.last = merged.last
    progress.skills = merged.skills
    progress.remember()
    return None


class ProgressError(Exception):
    """The progress could not be cleared; one line for the learner."""


def reset(directory: Path | None = None) -> Path:
    """Forget all saved progress. Raises ProgressError (one line) when the folder is unusable."""
    directory = directory or data_dir()
    path = directory / FILE_NAME
    try:
        if os.path.lexists(directory) and not directory.is_dir():
            raise ProgressError(f"cannot clear progress: {directory} is not a folder (check DERIVTUTOR_HOME)")
        if os.path.lexists(path):
            with _locked(directory):
                path.unlink()
    except OSError as exc:
        raise ProgressError(f"cannot clear progress in {directory}: {exc.strerror or exc}") from None
    return path
