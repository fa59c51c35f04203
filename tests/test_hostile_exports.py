"""Exports write files, never through them (issue 16): real `derive` runs against hostile targets.

The old writer replaced whatever was at the path: a symlink or FIFO silently became a new file, /dev/null and
/dev/full became regular files when run as root, and every export was 0600 whatever the umask.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

KINDS = ["--latex", "--markdown", "--json"]


def _one_line(result) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("derive: cannot write "), result.stderr
    return lines[0]


@pytest.mark.parametrize("option", KINDS)
def test_a_symlink_target_is_refused_and_its_file_untouched(tmp_path: Path, option: str) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    link = tmp_path / "out.tex"
    link.symlink_to(victim)
    assert "symbolic link" in _one_line(run_cli("x^2", option, str(link)))
    assert link.is_symlink() and victim.read_text(encoding="utf-8") == "precious"


def test_a_dangling_symlink_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "out.md"
    link.symlink_to(tmp_path / "nowhere")
    assert "symbolic link" in _one_line(run_cli("x^2", "--markdown", str(link)))
    assert not (tmp_path / "nowhere").exists()


def test_a_fifo_target_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    assert "a pipe (FIFO)" in _one_line(run_cli("x^2", "--json", str(fifo), timeout=20))
    assert fifo.is_fifo()


def test_a_folder_target_is_refused(tmp_path: Path) -> None:
    assert "a folder" in _one_line(run_cli("x^2", "--latex", str(tmp_path)))


@pytest.mark.parametrize(("name", "numbers"), [("null", (1, 3)), ("full", (1, 7))])
def test_devices_never_become_regular_files(tmp_path: Path, name: str, numbers: tuple[int, int]) -> None:
    """As root the old writer turned /dev/null into a regular file. The attack goes at a device node of our own
    (same kind as /dev/null, made with mknod), never at the machine's real one: run on old code, this test
    must not break the machine it runs on."""
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root (and only root could replace a device)")
    device = tmp_path / name
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(*numbers))
    before = os.lstat(device)
    assert "a device" in _one_line(run_cli("x^2", "--markdown", str(device)))
    after = os.lstat(device)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


def test_a_plot_to_a_symlink_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim.svg"
    victim.write_text("keep", encoding="utf-8")
    (tmp_path / "p.svg").symlink_to(victim)
    assert "symbolic link" in _one_line(run_cli("x^2", "--plot", str(tmp_path / "p.svg")))
    assert victim.read_text(encoding="utf-8") == "keep"


def test_a_lesson_handout_to_a_symlink_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim.tex"
    victim.write_text("keep", encoding="utf-8")
    (tmp_path / "h.tex").symlink_to(victim)
    result = run_cli("lesson", "derivative", "--latex", str(tmp_path / "h.tex"),
                     env={"DERIVTUTOR_HOME": str(tmp_path / "home")})
    assert "symbolic link" in _one_line(result)
    assert victim.read_text(encoding="utf-8") == "keep"


def _umask_run(umask: int, *args: str) -> subprocess.CompletedProcess:
    code = f"import os, sys; os.umask({umask:#o}); sys.argv = ['derive', *sys.argv[1:]]; " \
           "from derivtutor.entry import main; main()"
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_new_exports_follow_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    target = tmp_path / "out.tex"
    result = _umask_run(umask, "x^2", "--latex", str(target))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == mode


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "shared.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o644)
    result = _umask_run(0o077, "x^2", "--markdown", str(target))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o644 and "x" in target.read_text(encoding="utf-8")


def test_a_hard_link_is_replaced_not_written_through(tmp_path: Path) -> None:
    """The choice: the export's name gets a new file; the other name keeps the old content (never written through)."""
    original = tmp_path / "original.json"
    original.write_text("old", encoding="utf-8")
    os.link(original, tmp_path / "out.json")
    assert run_cli("x^2", "--json", str(tmp_path / "out.json")).returncode == 0
    assert original.read_text(encoding="utf-8") == "old"
    assert (tmp_path / "out.json").read_text(encoding="utf-8").startswith("{")


def test_no_temporary_file_is_left_after_a_refusal_or_a_failure(tmp_path: Path) -> None:
    from derivtutor import files  # new in issue 16

    (tmp_path / "l.tex").symlink_to(tmp_path / "x")
    _one_line(run_cli("x^2", "--latex", str(tmp_path / "l.tex")))
    with pytest.raises(files.WriteProblem):
        files.atomic_write(str(tmp_path / "a.txt"), lambda temp: (_ for _ in ()).throw(OSError(5, "boom")))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.tex"]


def test_standard_output_still_works() -> None:
    result = run_cli("x^2", "--markdown", "-")
    assert result.returncode == 0 and "2 x" in result.stdout.replace("2x", "2 x")
