"""Where the learner got to: one small JSON file in their data directory, written atomically.

A learner quits and comes back days later, so progress must survive crashes and never take the tool down:
writes go to a temporary file then `os.replace` (never half a file); a file that cannot be read is moved aside
to progress.json.corrupt (never silently lost), reported in one line, and the learner starts fresh.
`DERIVTUTOR_HOME` overrides the directory (tests, or a learner who wants it elsewhere).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

FILE_NAME = "progress.json"
VERSION = 1


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


def load(directory: Path | None = None) -> Progress:
    """The saved progress, or a fresh one (with a one-line `warning`) when the file is missing or broken."""
    directory = directory or data_dir()
    path = directory / FILE_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Progress(path=path)
    except (OSError, UnicodeDecodeError) as exc:
        fresh = Progress(path=path)
        fresh.warning = f"could not read your progress file {path} ({exc}); starting fresh"
        _move_aside(path, fresh)
        return fresh
    try:
        progress = _parse(json.loads(text))
    except (ValueError, RecursionError):
        progress = Progress(path=path)
        progress.warning = f"your progress file {path} was damaged; starting fresh"
        _move_aside(path, progress)
        return progress
    progress.path = path
    return progress


def _move_aside(path: Path, progress: Progress) -> None:
    aside = path.with_name(FILE_NAME + ".corrupt")
    try:
        os.replace(path, aside)
        progress.warning += f" (the old file is kept as {aside.name})"
    except OSError:
        progress.warning += " (the old file could not be moved aside; it will not be overwritten)"
        progress.path = None  # never overwrite what we could not save a copy of


def save(progress: Progress) -> str | None:
    """Write atomically. Returns a one-line problem for the learner, or None when saved."""
    if progress.path is None:
        return "progress is not being saved this time"
    path = progress.path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(progress.to_json(), handle, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        return f"could not save your progress to {path} ({exc.strerror or exc})"
    return None


def reset(directory: Path | None = None) -> Path:
    directory = directory or data_dir()
    path = directory / FILE_NAME
    path.unlink(missing_ok=True)
    return path
