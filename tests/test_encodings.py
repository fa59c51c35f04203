"""Any encoding, one colour decision: every command under ascii, latin-1 and cp1252, --ascii, --no-color, FORCE_COLOR.

Real subprocesses of `python -m derivtutor`, with PYTHONIOENCODING as Windows' redirected output or an old
terminal sets it. Output for the terminal must be faithful ASCII words (sigma(x), x^2, dz/dw), never a crash and
never '?' where a symbol was; file formats written to standard output stay UTF-8 (the same bytes as the file).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from derivtutor.console import output_style, to_ascii

ROOT = Path(__file__).resolve().parent.parent
ENCODINGS = ("ascii", "latin-1", "cp1252")
ANSI = b"\x1b["


def derive(*args: str, env: dict[str, str] | None = None, home: Path | None = None,
           stdin: bytes = b"") -> subprocess.CompletedProcess:
    """`python -m derivtutor ARGS`, piped, output kept as bytes so the encoding can be checked."""
    full = {k: v for k, v in os.environ.items()
            if k not in ("NO_COLOR", "FORCE_COLOR", "DERIVTUTOR_ASCII", "DERIVTUTOR_DEBUG", "PYTHONIOENCODING")}
    full.update(COLUMNS="80", PYTHONPATH=str(ROOT), DERIVTUTOR_HOME=str(home or ROOT / "nonexistent-home"))
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "derivtutor", *args], input=stdin, capture_output=True,
                          env=full, cwd=ROOT, timeout=180)


# Every command a learner can type, with its terminal output (not a file format).
TERMINAL_COMMANDS = [
    ("sigmoid",),
    ("x^2 sin(x)",),
    ("w*a + b", "--wrt", "w"),
    ("sigmoid", "--detail", "full"),
    ("output-weight",),
    ("--list",),
    ("--version",),
    ("--help",),
    ("expr", "--help"),
    ("lesson",),
    ("lesson", "sigmoid"),
    ("lesson", "partial"),
    ("network",),
    ("network", "--example", "3-4-2", "--steps", "10"),
    ("sigmoid", "--plot", "-"),
    ("x^2", "--plot", "-"),
    ("sigmoid", "--wrt", "x"),  # an error line
    ("sigmiod",),  # an error line with a suggestion
    ("check", "sigmoid", "sigma(x)(1 - sigma(x))"),
    ("check", "x^2", "3x"),
    ("graph", "x*y + sin(x)", "--at", "x=1,y=2"),
    ("network", "--graph"),
    ("lesson", "--check"),
]


@pytest.mark.parametrize("args", TERMINAL_COMMANDS, ids=" ".join)
def test_every_command_runs_in_every_encoding(args: tuple[str, ...], tmp_path: Path) -> None:
    questions = derive(*args, env={"PYTHONIOENCODING": "utf-8"}, home=tmp_path).stdout.count(b"?")
    for encoding in ENCODINGS:
        result = derive(*args, env={"PYTHONIOENCODING": encoding}, home=tmp_path)
        stderr = result.stderr.decode(encoding)
        assert "internal error" not in stderr and "Traceback" not in stderr, (encoding, stderr)
        assert result.returncode in (0, 2, 3), (encoding, result.returncode, stderr)  # 3: a wrong answer
        assert result.stdout.isascii() and result.stderr.isascii(), encoding  # σ, ∂, ² have no latin-1 form
        assert result.stdout.count(b"?") == questions, (  # no symbol turned into '?'
            encoding, [line for line in result.stdout.splitlines() if b"?" in line][:3])


def test_the_ascii_derivation_is_faithful() -> None:
    out = derive("sigmoid", env={"PYTHONIOENCODING": "cp1252"}).stdout.decode("ascii")
    assert "The sigmoid sigma(x) = 1/(1 + e^(-x))" in out
    assert "Answer: df/dx = sigma(x) * (1 - sigma(x))" in out
    assert "[checked]" in out
    assert "df/dg = -1/g^2" in out


def test_text_plot_labels_in_ascii() -> None:
    out = derive("sigmoid", "--plot", "-", env={"PYTHONIOENCODING": "latin-1"}).stdout.decode("ascii")
    assert "* f(x) = 1/(1 + e^(-x))" in out
    assert "o f'(x) = " in out and "sigma(x)" in out
    assert derive("x^2", "--plot", "-", env={"PYTHONIOENCODING": "ascii"}).returncode == 0


@pytest.mark.parametrize("kind", ["--json", "--markdown", "--latex"])
def test_documents_on_stdout_are_the_utf8_file(kind: str, tmp_path: Path) -> None:
    """`derive sigmoid --json - > out.json` under cp1252 gives the same bytes as `--json out.json`."""
    target = tmp_path / "file"
    assert derive("sigmoid", kind, str(target)).returncode == 0
    for encoding in ENCODINGS:
        piped = derive("sigmoid", kind, "-", env={"PYTHONIOENCODING": encoding})
        assert piped.returncode == 0, piped.stderr
        assert piped.stdout == target.read_bytes(), encoding
    if kind == "--json":
        assert "σ" in json.loads(target.read_bytes())["title"]


def test_lesson_handout_on_stdout_is_utf8() -> None:
    piped = derive("lesson", "sigmoid", "--markdown", "-", env={"PYTHONIOENCODING": "latin-1"})
    assert piped.returncode == 0, piped.stderr
    assert "σ" in piped.stdout.decode("utf-8")


# ------------------------------------------------------------------------------------------- --ascii everywhere
@pytest.mark.parametrize("how", [{"env": {"DERIVTUTOR_ASCII": "1"}}, {"flag": "--ascii"}], ids=["env", "flag"])
def test_ascii_lesson_is_ascii_throughout(how: dict, tmp_path: Path) -> None:
    """Issue 14 item 9: the title turned into `?z/?w` while the text stayed Unicode."""
    args = ("lesson", "partial") if "flag" not in how else ("lesson", "partial", how["flag"])
    result = derive(*args, env={"PYTHONIOENCODING": "utf-8", **how.get("env", {})}, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii()
    out = result.stdout.decode("ascii")
    assert "dnet_k/dw_jk for net_k = w_jk*a_j + b_k" in out  # the partial lesson in the learner's notation
    assert "?" + "net" not in out


@pytest.mark.parametrize("args", [("--ascii", "sigmoid"), ("sigmoid", "--ascii"), ("--ascii", "--list"),
                                  ("network", "--ascii"), ("--ascii", "lesson"), ("sigmoid", "--plot", "-", "--ascii")],
                         ids=" ".join)
def test_ascii_flag_anywhere(args: tuple[str, ...], tmp_path: Path) -> None:
    result = derive(*args, env={"PYTHONIOENCODING": "utf-8"}, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii(), [line for line in result.stdout.splitlines() if not line.isascii()][:2]


def test_ascii_flag_in_help() -> None:
    out = derive("--help").stdout.decode()
    assert "--ascii" in out and "--no-color" in out and "DERIVTUTOR_ASCII" in out


def test_to_ascii_words() -> None:
    assert to_ascii("∂E/∂o for E = ½(t - o)²") == "dE/do for E = 1/2(t - o)^2"
    assert to_ascii("e⁻ˣ · σ(x)") == "e^(-x) * sigma(x)"
    assert to_ascii("δₖ = ηw") == "delta_k = etaw"
    assert to_ascii("• done ✓") == "* done [checked]"


# ------------------------------------------------------------------------------------------- one colour decision
@pytest.mark.parametrize("args", [("sigmoid",), ("network",), ("x^2",)], ids=" ".join)
def test_force_color_is_honoured_by_every_command(args: tuple[str, ...]) -> None:
    assert ANSI in derive(*args, env={"FORCE_COLOR": "1"}).stdout
    assert ANSI in derive(*args, env={"FORCE_COLOR": "1", "NO_COLOR": ""}).stdout  # empty NO_COLOR: unset
    assert ANSI not in derive(*args, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert ANSI not in derive(*args, "--no-color", env={"FORCE_COLOR": "1"}).stdout
    assert ANSI not in derive(*args).stdout  # piped


def test_output_style_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty:
        encoding = "utf-8"

        def isatty(self) -> bool:
            return True

    for name in ("NO_COLOR", "FORCE_COLOR", "DERIVTUTOR_ASCII"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert output_style(Tty()).color and output_style(Tty()).unicode
    monkeypatch.setenv("NO_COLOR", "")
    assert output_style(Tty()).color
    monkeypatch.setenv("NO_COLOR", "1")
    assert not output_style(Tty()).color
    monkeypatch.setenv("DERIVTUTOR_ASCII", "1")
    assert not output_style(Tty()).unicode
