"""Pipes and long work: a closed pipe ends quietly with 0; `--steps` shows a progress bar on a terminal and
Ctrl-C says how far it got (exit 130); `lesson --reset` asks first. Real subprocesses and pseudo-terminals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).resolve().parent.parent


def environment(home: Path | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "DERIVTUTOR_DEBUG")}
    env.update(COLUMNS="100", PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    if home is not None:
        env["DERIVTUTOR_HOME"] = str(home)
    env.update(extra)
    return env


@pytest.mark.parametrize("args", [("network",), ("sigmoid",), ("--list",), ("lesson",), ("x^2 sin(x)",),
                                  ("sigmoid", "--plot", "-"), ("sigmoid", "--json", "-"), ("network", "--help")],
                         ids=" ".join)
def test_a_closed_pipe_ends_quietly_with_0(args: tuple[str, ...], tmp_path: Path) -> None:
    """`derive network | head`: the reader is gone before anything is written (head -0), deterministically."""
    proc = subprocess.Popen([sys.executable, "-m", "derivtutor", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=environment(tmp_path), cwd=ROOT)
    proc.stdout.close()  # no reader: the first write meets a broken pipe
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, stderr
    assert stderr == ""


def test_head_of_a_pipe(tmp_path: Path) -> None:
    result = subprocess.run(f"{sys.executable} -m derivtutor network | head -1; echo \"rc=${{PIPESTATUS[0]}}\"",
                            shell=True, executable="/bin/bash", capture_output=True, text=True,
                            env=environment(tmp_path), cwd=ROOT, timeout=120)
    assert result.stdout.splitlines() == ["Forward pass", "rc=0"]
    assert result.stderr == ""


def test_training_shows_a_progress_bar_and_ctrl_c_says_how_far(tmp_path: Path) -> None:
    child = pexpect.spawn(sys.executable, ["-m", "derivtutor", "network", "--example", "3-4-2", "--steps", "1000000"],
                          env=environment(tmp_path), cwd=str(ROOT), encoding="utf-8", timeout=120,
                          dimensions=(30, 100))
    child.expect("training")
    child.expect(r"[1-9]\d*/1000000")  # training has begun
    child.sendintr()
    child.expect(r"derive: interrupted: stopped after (\d+) steps: error (\S+)")
    step, error = int(child.match.group(1)), float(child.match.group(2))
    assert 0 < step < 1_000_000 and 0 < error < 1
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_no_progress_bar_when_piped(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "derivtutor", "network", "--steps", "3000"], capture_output=True,
                            text=True, env=environment(tmp_path), cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "training" not in result.stdout + result.stderr and "\r" not in result.stdout
    assert "3000" in result.stdout


# ------------------------------------------------------------------------------------------- --reset asks
def saved(home: Path) -> Path:
    path = home / "progress.json"
    path.write_text(json.dumps({"last": "error", "lessons": {"error": {"screen": 2}}}), encoding="utf-8")
    return path


def test_reset_without_a_terminal_needs_yes(tmp_path: Path) -> None:
    path = saved(tmp_path)
    result = subprocess.run([sys.executable, "-m", "derivtutor", "lesson", "--reset"], capture_output=True,
                            text=True, env=environment(tmp_path), cwd=ROOT, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "derive: --reset forgets all saved progress; with no terminal to ask, add --yes to confirm"]
    assert path.exists()
    result = subprocess.run([sys.executable, "-m", "derivtutor", "lesson", "--reset", "--yes"], capture_output=True,
                            text=True, env=environment(tmp_path), cwd=ROOT, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0 and "Progress cleared" in result.stdout
    assert not path.exists()


@pytest.mark.parametrize(("answer", "kept"), [("n", True), ("", True), ("y", False)])
def test_reset_asks_on_a_terminal(answer: str, kept: bool, tmp_path: Path) -> None:
    path = saved(tmp_path)
    child = pexpect.spawn(sys.executable, ["-m", "derivtutor", "lesson", "--reset"], env=environment(tmp_path),
                          cwd=str(ROOT), encoding="utf-8", timeout=60)
    child.expect_exact("Forget all saved progress? (y/n)")
    child.sendline(answer)
    child.expect_exact("Nothing was deleted." if kept else "Progress cleared")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert path.exists() == kept


def test_ctrl_c_in_a_lesson_saves_and_exits_130(tmp_path: Path) -> None:
    child = pexpect.spawn(sys.executable, ["-m", "derivtutor", "lesson", "derivative"], env=environment(tmp_path),
                          cwd=str(ROOT), encoding="utf-8", timeout=60, dimensions=(40, 100))
    child.expect_exact("[Enter] next")
    child.sendintr()
    child.expect_exact("Stopped. Progress saved: derive lesson derivative carries on from here.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert (tmp_path / "progress.json").exists()
