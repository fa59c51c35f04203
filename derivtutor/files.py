"""Every file is hostile until read, and written only as a whole: the one reader and the one writer.

Reading (lesson files, network configs, the progress file): only a regular file is opened (a FIFO would hang,
/dev/zero would never end), the bytes actually read are bounded (not the size the file claims), and the parsed
TOML/JSON is bounded in depth, item count and number size, so no file can exhaust memory, recursion or time.
Every problem is a FileProblem whose text is one line, `FILE: problem`.

Writing (exports): a temporary file in the target's folder moved over the target with os.replace, so a failure
never leaves half a file. The target must be absent or a regular file: a symlink, FIFO or device is refused
(writing *through* them, or turning /dev/null into a regular file as root, is what an attacker wants). An
existing file keeps its mode; a new one gets 0666 minus the umask, like any editor's file. A hard-linked target
is replaced by a new file (the other names keep the old content): never writing through a link is the rule.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

MAX_BYTES = 1_000_000
MAX_DEPTH = 40
"""Nesting of tables and lists: a lesson needs 4, a network config 4."""
MAX_ITEMS = 50_000
"""Tables, lists, keys and values in one file."""
MAX_INT_DIGITS = 300
"""A whole number no float can hold (10^309 overflows) means nothing in a lesson or a network."""


class FileProblem(ValueError):
    """A file that cannot be used; str() is one line `FILE: problem`."""

    def __init__(self, path: str | os.PathLike, problem: str, place: str = "file", short: str = "") -> None:
        self.path, self.problem = str(path), problem
        self.place, self.short = place, short or problem  # for messages that name the place separately
        super().__init__(f"{self.path}: {problem}")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "something other than a file"


def read_bytes(path: str | os.PathLike, limit: int = MAX_BYTES) -> bytes:
    """At most `limit` bytes of a regular file (symlinks to regular files are fine); FileProblem otherwise.

    stat first (so a device is never even opened), then open without blocking (a FIFO swapped in meanwhile
    opens at once instead of hanging) and fstat the descriptor actually opened.
    """
    try:
        before = os.stat(path)
        if not stat.S_ISREG(before.st_mode):
            raise FileProblem(path, f"cannot be read (it is {_kind(before.st_mode)}, not a regular file)")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileProblem:
        raise
    except OSError as exc:
        raise FileProblem(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise FileProblem(path, f"cannot be read (it is {_kind(opened.st_mode)}, not a regular file)")
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 16, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise FileProblem(path, f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if total > limit:
        raise FileProblem(path, f"is larger than {limit:,} bytes")
    return b"".join(chunks)


def read_text(path: str | os.PathLike, limit: int = MAX_BYTES) -> str:
    try:
        return read_bytes(path, limit).decode("utf-8")
    except UnicodeDecodeError:
        raise FileProblem(path, "is not UTF-8 text") from None


def check_shape(path: str | os.PathLike, data: Any, max_depth: int = MAX_DEPTH, max_items: int = MAX_ITEMS) -> Any:
    """`data` unchanged if its nesting, item count and whole numbers are within bounds; FileProblem otherwise.

    Iterative, so the check itself never recurses.
    """
    stack, items = [(data, 1)], 0
    while stack:
        value, depth = stack.pop()
        items += 1
        if items > max_items:
            raise FileProblem(path, f"has more than {max_items:,} values")
        if isinstance(value, dict | list):
            if depth > max_depth:
                raise FileProblem(path, f"is nested more than {max_depth} levels deep")
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
        elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 1000:
            raise FileProblem(path, f"has a whole number with more than {MAX_INT_DIGITS} digits")
    return data


def parse(path: str | os.PathLike, text: str, kind: str) -> Any:
    """TOML or JSON text to data, every failure (syntax, nesting, huge numbers) one FileProblem line."""
    import tomllib

    try:
        if kind == "toml":
            data = tomllib.loads(text)
        else:
            data = json.loads(text, parse_constant=_no_constant, parse_int=_bounded_int)
    except tomllib.TOMLDecodeError as exc:
        message, place = str(exc), "file"
        if "(at " in message and message.endswith(")"):
            message, _, where = message.rpartition(" (at ")
            place = where[:-1]
        raise FileProblem(path, f"is not valid TOML ({exc})", place, f"not valid TOML: {message}") from None
    except json.JSONDecodeError as exc:
        place = f"line {exc.lineno}, column {exc.colno}"
        raise FileProblem(path, f"is not valid JSON ({exc.msg} at {place})", place,
                          f"not valid JSON: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise FileProblem(path, f"is nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:  # int('9' * 5000): Python's own digit limit, or ours
        if "digit" in str(exc):
            raise FileProblem(path, f"has a whole number with more than {MAX_INT_DIGITS} digits") from None
        raise FileProblem(path, f"cannot be read ({exc})") from None
    return check_shape(path, data)


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError("too many digits")
    return int(text)


def read_data(path: str | os.PathLike, kind: str | None = None, limit: int = MAX_BYTES) -> Any:
    """The one reader for data files: bounded bytes, UTF-8, TOML or JSON (by suffix unless `kind`), bounded shape."""
    kind = kind or Path(path).suffix.lower().lstrip(".")
    return parse(path, read_text(path, limit), kind)


# ------------------------------------------------------------------------------------------------- writing
class WriteProblem(OSError):
    """A target that cannot or must not be written; str() is one line `cannot write FILE: reason`."""

    def __init__(self, path: str, reason: str) -> None:
        self.line = f"cannot write {path}: {reason}"
        super().__init__(self.line)

    def __str__(self) -> str:
        return self.line


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_target(path: str) -> int | None:
    """The mode to give the written file: the existing regular file's, or None for a new file.

    Refuses (WriteProblem) a symlink, a FIFO, a device, a folder: exports write files, never through them.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise WriteProblem(path, exc.strerror or str(exc)) from None
    if stat.S_ISLNK(st.st_mode):
        raise WriteProblem(path, "it is a symbolic link; write to the file itself (or remove the link)")
    if not stat.S_ISREG(st.st_mode):
        raise WriteProblem(path, f"it is {_kind(st.st_mode)}; only regular files are written (or '-' for "
                                 f"standard output)")
    return stat.S_IMODE(st.st_mode)


def atomic_write(path: str, produce: Callable[[str], None]) -> None:
    """Call produce(temp_path), then move the temp file over `path` (checked by check_target) atomically.

    Raises WriteProblem with one line; the temporary file never outlives a failure.
    """
    mode = check_target(path)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, temp = tempfile.mkstemp(prefix=".derive-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise WriteProblem(path, exc.strerror or str(exc)) from None
    os.close(fd)
    try:
        produce(temp)
        os.chmod(temp, mode if mode is not None else 0o666 & ~_umask())
        check_target(path)  # swapped for a link or a FIFO meanwhile: still refused (rename never follows it)
        os.replace(temp, path)
    except WriteProblem:
        _remove(temp)
        raise
    except OSError as exc:
        _remove(temp)
        raise WriteProblem(path, exc.strerror or str(exc)) from None
    except Exception as exc:
        _remove(temp)
        raise WriteProblem(path, str(exc)) from None


def write_text(path: str, text: str, stdout: Any = None) -> None:
    """Text to a file (atomically, UTF-8, '\\n' line ends) or, for '-', to standard output."""
    if path == "-":
        (stdout or sys.stdout).write(text)
        return

    def produce(temp: str) -> None:
        with open(temp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)

    atomic_write(path, produce)


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass
