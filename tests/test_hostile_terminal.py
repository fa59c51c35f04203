"""Hostile text in every field of every file kind, and on the command line, through every output (issue 16).

Each field of a lesson file gets a payload of TeX control words, HTML, ESC/OSC/CSI sequences, rich markup and
bidi controls; the lesson is played (terminal), written as a LaTeX handout (compiled with real pdflatex) and as a
Markdown handout. Either the field is refused with one exit-2 line, or every output shows it as inert text:
pdflatex reads no other file and writes none, Markdown carries no raw HTML, the terminal gets no escape sequence
it did not make itself, and rich markup is printed as written.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli

OSC52 = "\x1b]52;c;cHduZWQ=\x07"  # a clipboard write
CSI = "\x1b[2J\x1b[31m"
BIDI = "\u202egnp.exe"
TEX = r"\input{/etc/passwd}\immediate\openout9=pwned.tex\write18{touch shell}"
HTML = "<script>alert(1)</script>"
MARKUP = "[/] [link=https://evil.example]click[/link]"
MD_LINK = "[read this](https://evil.example)"  # lesson words are Markdown: a link must not hide its address
PAYLOAD = f"{TEX} {HTML} {OSC52} {CSI} {MARKUP} {BIDI}"

# Raw sequences rich never makes: OSC (hyperlinks, clipboard), BEL, erase-screen, bidi overrides, C1 controls.
FORBIDDEN = re.compile("\x1b\\]|\x07|\x1b\\[2J|[\u202a-\u202e\u2066-\u2069]|[\x80-\x9f]")

TEXT_FIELDS = ["title", "summary", "text.title", "text.text", "derivation.title", "derivation.text",
               "exercise.title", "exercise.question", "exercise.hints", "exercise.mistakes.message"]
NAME_FIELDS = {"derivation.name": r"\input{/etc/pass}", "derivation.wrt": r"\input{/etc/passwd}",
               "exercise.at": "\\openout9=p", "exercise.name": "<script>", "exercise.wrt": "x\x1b]52;c;\x07"}


def _lesson(field: str, payload: str) -> dict:
    lesson = {"title": "Safe", "summary": "Fine", "items": [
        {"type": "text", "title": "T", "text": "Some text."},
        {"type": "derivation", "title": "D", "text": "Look.", "expression": "x^2"},
        {"type": "exercise", "title": "E", "question": "What is it?", "expression": "x^3", "answer": "3x^2",
         "hints": ["power rule"], "mistakes": [{"answer": "x^2", "message": "not that"}]},
    ]}
    kind, _, key = field.partition(".")
    if not key:
        lesson[kind] = payload
        return lesson
    item = next(it for it in lesson["items"] if it["type"] == kind)
    if key == "hints":
        item["hints"] = [payload]
    elif key == "mistakes.message":
        item["mistakes"][0]["message"] = payload
    elif key == "at":
        item["at"] = {payload: 2}
    elif key == "wrt":
        item["wrt"] = payload
    else:
        item[key] = payload
    return lesson


def _toml(data: dict) -> str:
    def value(v: object) -> str:
        if isinstance(v, str):
            return json.dumps(v)  # a JSON string is a TOML basic string (\uXXXX escapes included)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + "}"
        return str(v)

    lines = [f"{k} = {value(v)}" for k, v in data.items() if k != "items"]
    for item in data["items"]:
        lines.append("[[items]]")
        lines += [f"{k} = {value(v)}" for k, v in item.items()]
    return "\n".join(lines) + "\n"


def _write(tmp_path: Path, field: str, payload: str) -> tuple[Path, dict]:
    folder = tmp_path / "L"
    folder.mkdir()
    (folder / "t.toml").write_text(_toml(_lesson(field, payload)), encoding="utf-8")
    return folder, {"DERIVTUTOR_HOME": str(tmp_path / "home")}


def _assert_one_line_refusal(result) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("derive: ")
    assert not FORBIDDEN.search(result.stderr) and "\x1b" not in result.stderr


def _pdflatex(tex: Path) -> tuple[int, str]:
    done = subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error",
                           tex.name], cwd=tex.parent, capture_output=True, text=True, timeout=120,
                          errors="replace")
    log = tex.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    return done.returncode, log


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_a_hostile_text_field_is_inert_in_the_terminal(tmp_path: Path, field: str) -> None:
    folder, env = _write(tmp_path, field, PAYLOAD)
    for extra in ({}, {"FORCE_COLOR": "1", "NO_COLOR": ""}):
        result = run_cli("lesson", "t", "--dir", str(folder), env={**env, **extra}, input="")
        assert result.returncode == 0, result.stderr
        assert not FORBIDDEN.search(result.stdout + result.stderr), field
        assert "]8;" not in result.stdout  # no hidden hyperlink
    listing = run_cli("lesson", "--dir", str(folder), env=env)
    assert listing.returncode == 0 and not FORBIDDEN.search(listing.stdout)
    if field == "title":
        assert "[/] [link=https://evil.example]click[/link]" in listing.stdout  # printed as written


@pytest.mark.parametrize("field", ["text.text", "derivation.text"])
def test_a_markdown_link_in_lesson_words_shows_its_address(tmp_path: Path, field: str) -> None:
    folder, env = _write(tmp_path, field, MD_LINK)
    result = run_cli("lesson", "t", "--dir", str(folder), env={**env, "FORCE_COLOR": "1", "NO_COLOR": ""}, input="")
    assert result.returncode == 0, result.stderr
    assert "]8;" not in result.stdout  # no hidden hyperlink
    assert "https://evil.example" in result.stdout  # the address is in plain sight


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex")
@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_a_hostile_text_field_compiles_as_text_in_a_latex_handout(tmp_path: Path, field: str) -> None:
    folder, env = _write(tmp_path, field, PAYLOAD)
    out = tmp_path / "out"
    out.mkdir()
    result = run_cli("lesson", "t", "--dir", str(folder), "--latex", str(out / "h.tex"), env=env)
    assert result.returncode == 0, result.stderr
    code, log = _pdflatex(out / "h.tex")
    assert code == 0, log[-2000:]
    assert "(/etc/passwd" not in log and not (out / "pwned.tex").exists() and not (out / "shell").exists()
    text = subprocess.run(["pdftotext", str(out / "h.pdf"), "-"], capture_output=True, text=True).stdout
    assert "root:" not in text


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_a_hostile_text_field_carries_no_raw_html_in_a_markdown_handout(tmp_path: Path, field: str) -> None:
    folder, env = _write(tmp_path, field, PAYLOAD)
    result = run_cli("lesson", "t", "--dir", str(folder), "--markdown", "-", env=env)
    assert result.returncode == 0, result.stderr
    assert not re.search(r"(?<!\\)<script", result.stdout), field
    assert not FORBIDDEN.search(result.stdout)


@pytest.mark.parametrize(("field", "payload"), NAME_FIELDS.items())
def test_a_name_field_that_is_not_a_plain_name_is_refused_in_one_line(tmp_path: Path, field: str,
                                                                      payload: str) -> None:
    folder, env = _write(tmp_path, field, payload)
    for args in (["lesson", "t"], ["lesson", "t", "--latex", str(tmp_path / "h.tex")],
                 ["lesson", "t", "--markdown", "-"]):
        result = run_cli(*args, "--dir", str(folder), env=env, input="")
        _assert_one_line_refusal(result)
        assert "must be a variable name" in result.stderr or "is not a variable name" in result.stderr
    assert not (tmp_path / "h.tex").exists()


def test_latex_names_are_escaped_even_when_a_caller_skips_the_loader() -> None:
    import sympy

    from derivtutor.engine import derive
    from derivtutor.render.latex import render_latex

    x = sympy.Symbol(r"\input{/etc/passwd}", real=True)
    text = render_latex(derive(x**2, x, name="<b>"))
    assert r"\input{" not in text and r"\textbackslash{}input" in text


def test_a_network_config_key_cannot_write_the_clipboard(tmp_path: Path) -> None:
    config = tmp_path / "net.json"
    config.write_text(json.dumps({"sizes": [2, 2, 2], OSC52: 1}), encoding="utf-8")
    result = run_cli("network", "--config", str(config))
    _assert_one_line_refusal(result)
    assert "\\x1b]52" in result.stderr


def test_a_nested_config_key_cannot_reach_the_terminal_either(tmp_path: Path) -> None:
    config = tmp_path / "net.toml"
    key = '"\\u001b]52;c;eA==\\u0007"'
    config.write_text(f"sizes = [2, 2, 2]\ninputs = [1, 2]\ntargets = [1, 2]\n[weights]\n{key} = 1\n", encoding="utf-8")
    _assert_one_line_refusal(run_cli("network", "--config", str(config)))


@pytest.mark.parametrize("option", ["--latex", "--markdown", "--json", "--plot"])
def test_a_path_typed_on_the_command_line_is_echoed_inert(tmp_path: Path, option: str) -> None:
    path = str(tmp_path / f"no\x1b]52;c;eA==\x07such{BIDI}" / "out.svg")
    _assert_one_line_refusal(run_cli("x^2", option, path))


def test_a_lesson_folder_with_escapes_in_its_name_is_echoed_inert(tmp_path: Path) -> None:
    _assert_one_line_refusal(run_cli("lesson", "--dir", str(tmp_path / f"x{OSC52}{CSI}")))


def test_a_lesson_file_name_with_escapes_is_echoed_inert(tmp_path: Path) -> None:
    folder = tmp_path / "L"
    folder.mkdir()
    (folder / f"a{CSI}b.toml").write_text("title = 3\n", encoding="utf-8")
    _assert_one_line_refusal(run_cli("lesson", "--dir", str(folder), env={"DERIVTUTOR_HOME": str(tmp_path)}))


def test_a_typed_lesson_name_with_escapes_is_echoed_inert(tmp_path: Path) -> None:
    _assert_one_line_refusal(run_cli("lesson", f"n{OSC52}", env={"DERIVTUTOR_HOME": str(tmp_path)}))
