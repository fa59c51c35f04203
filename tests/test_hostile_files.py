"""Hostile lesson, config and progress files through the real `derive` command: each ends in one exit-2 line.

Every attack here was found against the old code (issue 16): a FIFO hung `derive lesson`, a symlink to
/dev/zero read until memory ran out, deep nesting and huge numbers exited 1 with a traceback-like line,
two sessions lost each other's progress, damaged files overwrote each other, killed saves left temp files.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from conftest import run_cli

from derivtutor import lesson_files, progress

GOOD_LESSON = """title = "Tiny"
order = 1
[[items]]
type = "text"
text = "Hello."
"""


def _one_line(result, code: int = 2) -> str:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("derive: "), result.stderr
    assert "\x1b" not in result.stderr and "Traceback" not in result.stderr
    return lines[0]


def _lesson_dir(tmp_path: Path, text: str, name: str = "bad.toml") -> Path:
    folder = tmp_path / "L"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def _home(tmp_path: Path) -> dict:
    return {"DERIVTUTOR_HOME": str(tmp_path / "home")}


# ------------------------------------------------------------------------------------ non-regular files
def test_a_fifo_lesson_file_is_refused_not_waited_for(tmp_path: Path) -> None:
    folder = _lesson_dir(tmp_path, GOOD_LESSON, "good.toml")
    os.mkfifo(folder / "pipe.toml")
    line = _one_line(run_cli("lesson", "--dir", str(folder), env=_home(tmp_path), timeout=20))
    assert "pipe.toml: cannot be read (it is a pipe (FIFO), not a regular file)" in line


def test_a_lesson_symlinked_to_dev_zero_is_refused(tmp_path: Path) -> None:
    folder = _lesson_dir(tmp_path, GOOD_LESSON, "good.toml")
    (folder / "zero.toml").symlink_to("/dev/zero")
    line = _one_line(run_cli("lesson", "--dir", str(folder), env=_home(tmp_path), timeout=20))
    assert "zero.toml: cannot be read (it is a device, not a regular file)" in line


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_a_config_that_is_a_fifo_or_device_is_refused(tmp_path: Path, suffix: str) -> None:
    fifo = tmp_path / f"net{suffix}"
    os.mkfifo(fifo)
    assert "not a regular file" in _one_line(run_cli("network", "--config", str(fifo), timeout=20))
    link = tmp_path / f"zero{suffix}"
    link.symlink_to("/dev/zero")
    assert "it is a device" in _one_line(run_cli("network", "--config", str(link), timeout=20))


def test_a_progress_file_that_is_a_fifo_or_device_is_not_read(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    os.mkfifo(home / "progress.json")
    result = run_cli("lesson", env=_home(tmp_path), timeout=20)
    assert result.returncode == 0, result.stderr
    assert "could not read your progress file" in result.stderr and "not saved this time" in result.stderr
    assert (home / "progress.json").is_fifo()  # left alone, never replaced


def test_the_reader_bounds_bytes_read_not_the_size_reported(tmp_path: Path) -> None:
    from derivtutor import files  # new in issue 16

    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (files.MAX_BYTES + 1))
    with pytest.raises(files.FileProblem, match="larger than"):
        files.read_bytes(big)
    assert files.read_bytes(big, files.MAX_BYTES + 1) == b"#" * (files.MAX_BYTES + 1)


# ------------------------------------------------------------------------------- nesting and big numbers
@pytest.mark.parametrize("depth", [60, 5000])
def test_deeply_nested_toml_in_a_lesson_is_one_line(tmp_path: Path, depth: int) -> None:
    folder = _lesson_dir(tmp_path, GOOD_LESSON + "deep = " + "[" * depth + "]" * depth + "\n")
    line = _one_line(run_cli("lesson", "--dir", str(folder), env=_home(tmp_path)))
    assert "bad.toml: is nested more than" in line


@pytest.mark.parametrize("depth", [60, 100_000])
def test_deeply_nested_json_config_is_one_line(tmp_path: Path, depth: int) -> None:
    config = tmp_path / "net.json"
    config.write_text("[" * depth + "]" * depth, encoding="utf-8")
    assert "is nested more than" in _one_line(run_cli("network", "--config", str(config)))


@pytest.mark.parametrize("digits", [320, 5000])
@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_huge_integers_in_a_config_are_one_line(tmp_path: Path, digits: int, suffix: str) -> None:
    config = tmp_path / f"net{suffix}"
    number = "9" * digits
    text = (f"sizes = [2, 2, 2]\nlearning_rate = {number}\n" if suffix == ".toml"
            else json.dumps({"sizes": [2, 2, 2]})[:-1] + f', "learning_rate": {number}}}')
    config.write_text(text, encoding="utf-8")
    assert "whole number with more than 300 digits" in _one_line(run_cli("network", "--config", str(config)))


def test_a_lesson_with_too_many_items_is_refused_before_any_work(tmp_path: Path) -> None:
    item = '[[items]]\ntype = "derivation"\nexpression = "x^2"\n'
    folder = _lesson_dir(tmp_path, 'title = "Many"\n' + item * 12_000)
    line = _one_line(run_cli("lesson", "bad", "--dir", str(folder), env=_home(tmp_path), timeout=30))
    assert "has 12000 items; a lesson may have at most 200" in line


# --------------------------------------------------------------------------------------------- progress
def test_two_sessions_never_lose_each_others_progress(tmp_path: Path) -> None:
    first, second = progress.load(tmp_path), progress.load(tmp_path)
    first.of("chain-rule").screen = 4
    first.last = "chain-rule"
    assert progress.save(first) is None
    second.of("sigmoid").screen = 2
    second.of("sigmoid").solved.append(3)
    second.last = "sigmoid"
    assert progress.save(second) is None
    again = progress.load(tmp_path)
    assert again.of("chain-rule").screen == 4 and again.of("sigmoid").screen == 2
    assert again.of("sigmoid").solved == [3] and again.last == "sigmoid"
    first.of("chain-rule").solved.append(5)  # the first session carries on: the second's work stays too
    assert progress.save(first) is None
    final = json.loads((tmp_path / "progress.json").read_text(encoding="utf-8"))
    assert final["lessons"]["sigmoid"]["screen"] == 2 and final["lessons"]["chain-rule"]["solved"] == [5]


def test_many_threads_saving_at_once_keep_every_lesson(tmp_path: Path) -> None:
    def session(number: int) -> None:
        store = progress.load(tmp_path)
        store.of(f"lesson-{number}").screen = number + 1
        assert progress.save(store) is None

    threads = [threading.Thread(target=session, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = progress.load(tmp_path)
    assert {name: p.screen for name, p in final.lessons.items()} == {f"lesson-{n}": n + 1 for n in range(12)}


def test_damaged_files_are_numbered_never_overwritten(tmp_path: Path) -> None:
    for number, junk in enumerate(["{not json", "[" * 3000], start=1):
        (tmp_path / "progress.json").write_text(junk, encoding="utf-8")
        store = progress.load(tmp_path)
        assert f"progress.json.corrupt.{number}" in store.warning
        assert (tmp_path / f"progress.json.corrupt.{number}").read_text(encoding="utf-8") == junk
    assert (tmp_path / "progress.json.corrupt.1").read_text(encoding="utf-8") == "{not json"


def test_stale_temp_files_from_killed_saves_are_cleaned_up(tmp_path: Path) -> None:
    for n in range(5):
        (tmp_path / f".progress-stale{n}.tmp").write_text("{", encoding="utf-8")
    store = progress.load(tmp_path)
    store.of("x").screen = 1
    assert progress.save(store) is None
    assert not list(tmp_path.glob(".progress-*.tmp"))


def test_reset_with_home_a_file_is_one_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.write_text("not a folder", encoding="utf-8")
    line = _one_line(run_cli("lesson", "--reset", "--yes", env={"DERIVTUTOR_HOME": str(home)}))
    assert "is not a folder" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_reset_with_home_unwritable_is_one_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "progress.json").write_text("{}", encoding="utf-8")
    home.chmod(0o500)
    try:
        line = _one_line(run_cli("lesson", "--reset", "--yes", env={"DERIVTUTOR_HOME": str(home)}))
    finally:
        home.chmod(0o700)
    assert "cannot clear progress" in line


def test_the_lesson_loader_uses_the_one_reader(tmp_path: Path) -> None:
    folder = _lesson_dir(tmp_path, GOOD_LESSON + "x = " + "9" * 5000 + "\n")
    with pytest.raises(lesson_files.LessonError, match="bad.toml: has a whole number with more than 300"):
        lesson_files.load_all(folder)
