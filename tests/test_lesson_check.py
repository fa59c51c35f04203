"""Teachers' tools: `derive lesson --check`, `derive lesson new`, and the lesson schema that editors read.

Real subprocess runs of the command (tests/conftest.py's run_cli), and jsonschema next to the loader: a field the
schema allows the loader must allow, and the other way round.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest
from conftest import run_cli

from derivtutor import lesson_check
from derivtutor.lesson_files import (
    ITEM_FIELDS,
    LESSON_FIELDS,
    MAX_PROBLEMS,
    MISTAKE_FIELDS,
    LessonError,
    default_dir,
    load_all,
    load_lesson,
    read_lesson,
)
from derivtutor.lesson_player import build_screens
from derivtutor.lessons import KnownMistake, Verdict

SHIPPED = sorted(default_dir().glob("*.toml"))
SCHEMA = json.loads((default_dir() / "lesson.schema.json").read_text(encoding="utf-8"))
DIRECTIVE = "#:schema ./lesson.schema.json"


def lesson(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------- derive lesson --check
def test_the_shipped_lessons_pass_the_check() -> None:
    result = run_cli("lesson", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    screens = sum(len(build_screens(lesson)) for lesson in load_all())  # as many as the player shows
    assert result.stdout == f"8 lessons, {screens} screens, 29 exercises: all good\n"  # issue 14: 23 -> 29
    assert result.stderr == ""


FIELDS = """title = "Fields"
order = 1
sumary = "a typo"

[[items]]
type = "text"

[[items]]
type = "exercise"
question = "What is d/dx x^2?"
expression = "x^2"
anwser = "2x"
hints = ["a", 3]

[[items]]
type = "derivation"
expression = "x^2"
preset = "sigmoid"

[[items]]
type = "video"

[[items]]
type = "exercise"
question = "What is d/dx x^3?"
expression = "x^3"
answer = "3x^2"
hints = ["Power rule."]
[[items.mistakes]]
answer = "x^2"
mesage = "The 3 comes down in front."
"""

MATHS = """title = "Maths"
order = 1

[[items]]
type = "derivation"
preset = "no-such-thing"

[[items]]
type = "derivation"
expression = "x^2 +"

[[items]]
type = "exercise"
question = "What is d/dx x^2?"
expression = "x^2"
answer = "3x"
hints = ["Power rule.", "power  rule."]

[[items]]
type = "exercise"
question = "What is dz/dy?"
expression = "x^2"
wrt = "y"
at = { z = 3 }
answer = "2x"
hints = ["Power rule."]

[[items]]
type = "exercise"
question = "What is d/dx x^2?"
expression = "x^2"
answer = "2x"
hints = ["Power rule."]
[[items.mistakes]]
answer = "x*2"
message = "Not a mistake at all."
[[items.mistakes]]
answer = "x"
message = "The exponent comes down in front."
[[items.mistakes]]
answer = "x^1"
message = "The same wrong answer twice: this message is never shown."
[[items.mistakes]]
answer = "2x +"
message = "Not an expression."
"""

NOT_TOML = 'title = "Broken\n[[items]\n'


def test_three_broken_files_every_problem_with_file_item_and_field(tmp_path: Path) -> None:
    folder = tmp_path / "course"
    fields, maths, broken = (lesson(folder / name, text) for name, text in
                             [("fields.toml", FIELDS), ("maths.toml", MATHS), ("not-toml.toml", NOT_TOML)])
    result = run_cli("lesson", "--check", str(folder))
    assert result.returncode == 2
    assert result.stderr == ""
    expected = [
        f"{fields}: unknown field 'sumary' (did you mean 'summary'?)",
        f"{fields}: item 1: missing 'text'",
        f"{fields}: item 2: unknown field 'anwser' (did you mean 'answer'?)",
        f"{fields}: item 2: missing 'answer'",
        f"{fields}: item 2: 'hints' must be a list of one or more texts",
        f"{fields}: item 3: give exactly one of 'expression' or 'preset'",
        f"{fields}: item 4: 'type' must be one of text, derivation, exercise, not 'video'",
        f"{fields}: item 5: mistake 1: unknown field 'mesage' (did you mean 'message'?)",
        f"{fields}: item 5: mistake 1: missing 'message'",
        f"{maths}: item 1: no named derivation 'no-such-thing' (see derive --list)",
        f"{maths}: item 2: 'expression': column 6: ...",  # the reader's words
        f"{maths}: item 3: 'answer': 3x is not the derivative the engine finds ...",
        f"{maths}: item 3: 'hints': hint 2 repeats hint 1",
        f"{maths}: item 4: 'at': z is not a letter of the expression",
        f"{maths}: item 4: 'wrt': y is not a letter of the expression (its letters: x)",
        f"{maths}: item 5: mistake 1: 'answer': x*2 equals the right answer, so it is no mistake",
        f"{maths}: item 5: mistake 4: 'answer': column 5: ...",
        f"{maths}: 'order': 1 is also the order of fields.toml; each lesson needs its own place in the list",
        f"{broken}: is not valid TOML ...",
        "3 lessons, 1 screen, 3 exercises: 19 problems in 3 files",
    ]
    lines = result.stdout.splitlines()
    assert len(lines) == len(expected), lines
    for line, want in zip(lines, expected, strict=True):  # "..." ends a line whose words belong to another module
        assert line == want or (want.endswith(" ...") and line.startswith(want[:-3])), (line, want)


def test_a_listed_mistake_shadowed_by_another_is_reported(tmp_path: Path) -> None:
    path = lesson(tmp_path / "twice.toml", MATHS.replace('answer = "2x +"', 'answer = "-2x"'))
    result = run_cli("lesson", "--check", str(path))  # a single file can be checked too
    assert result.returncode == 2
    assert (f"{path}: item 5: mistake 3: 'message': never shown: x^1 is answered with mistake 2's message "
            f"(the two answers are equal)") in result.stdout.splitlines()
    assert "mistake 4" not in result.stdout  # -2x is also a generated slip, but the lesson's message wins


def test_a_mistake_answered_by_a_generated_slip_is_reported(tmp_path: Path, monkeypatch) -> None:
    """The check asks lesson_check.judge, the one call a slip library replaces; a slip that wins is caught."""
    path = lesson(tmp_path / "slip.toml", 'title = "Slip"\n[[items]]\ntype = "exercise"\nquestion = "q"\n'
                  'expression = "x^2"\nanswer = "2x"\nhints = ["Power rule."]\n[[items.mistakes]]\n'
                  'answer = "x"\nmessage = "The 2 comes down."\n[[items.mistakes]]\nanswer = "-2x"\n'
                  'message = "Where does the minus come from?"\n')

    def slips_first(exercise, answer):
        verdict = exercise.check(answer)
        if verdict.kind == "wrong" and answer == "-2x":
            slip = KnownMistake(verdict.mistake.expr, "Check the sign.", True)
            return Verdict("wrong", "Not quite. Check the sign.", slip)
        return verdict

    assert lesson_check.check_paths([path]).problems == []
    monkeypatch.setattr(lesson_check, "judge", slips_first)
    problems = lesson_check.check_paths([path]).problems
    assert problems == [f"{path}: item 1: mistake 2: 'message': never shown: -2x is answered with a generated "
                        f"slip's message: Not quite. Check the sign."]


def test_problems_are_bounded_and_never_act_on_the_terminal(tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    many = "".join(f"k{i} = 1\n" for i in range(MAX_PROBLEMS + 70))
    lesson(folder / "many.toml", f'title = "Many"\norder = 1\n{many}[[items]]\ntype = "text"\ntext = "t"\n')
    lesson(folder / "esc\x1b[2J.toml", 'title = "T"\norder = 2\n"\\u001b]0;pwned\\u0007" = 1\n'
                                       '[[items]]\ntype = "text"\ntext = "t"\n')
    lesson(folder / "number.toml", 'title = "N"\norder = ' + "9" * 5000 + "\n")
    lesson(folder / "deep.toml", 'title = "D"\nx = ' + "[" * 5000 + "]" * 5000 + "\n")
    lesson(folder / "nested.toml", 'title = "Nested"\norder = 5\n[[items]]\ntype = "derivation"\nexpression = "'
           + "sin(" * 350 + "x" + ")" * 350 + '"\n')
    result = run_cli("lesson", "--check", str(folder))
    assert result.returncode == 2
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert f"{folder}/esc\\x1b[2J.toml: unknown field '\\x1b]0;pwned\\x07'" in lines
    assert f"{folder}/number.toml: has a whole number with more than 300 digits" in lines  # files.py's words
    assert f"{folder}/deep.toml: is nested more than 40 levels deep" in lines
    assert any(line.startswith(f"{folder}/nested.toml: item 1: 'expression': ") for line in lines)
    assert sum(line.startswith(f"{folder}/many.toml: unknown field") for line in lines) == MAX_PROBLEMS
    assert f"{folder}/many.toml: ... and 70 more problems in this file" in lines


def test_a_folder_that_cannot_be_checked_is_one_line(tmp_path: Path) -> None:
    result = run_cli("lesson", "--check", str(tmp_path / "nowhere"))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"derive: {tmp_path / 'nowhere'}: no such lesson folder\n"
    clash = run_cli("lesson", "--check", "--continue")
    assert clash.returncode == 2 and len(clash.stderr.splitlines()) == 1


# ------------------------------------------------------------------------------------------- derive lesson new
def test_new_lesson_checks_and_plays(tmp_path: Path) -> None:
    """The issue's command line, as a teacher types it (`< /dev/null`: the lesson prints straight through)."""
    folder = tmp_path / "my course"
    derive = f"{shlex.quote(sys.executable)} -m derivtutor"
    where = shlex.quote(str(folder))
    line = (f"{derive} lesson new probe --dir {where} && {derive} lesson --check {where} && "
            f"{derive} lesson probe --dir {where} < /dev/null")
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80", "PYTHONIOENCODING": "utf-8",
           "DERIVTUTOR_HOME": str(tmp_path / "home")}
    result = subprocess.run(["bash", "-c", line], capture_output=True, text=True, env=env, timeout=120,
                            encoding="utf-8")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert f"Wrote {folder / 'probe.toml'}, a starter lesson" in out
    screens = len(build_screens(load_lesson(folder / "probe.toml")))
    assert f"1 lesson, {screens} screens, 1 exercise: all good" in out
    assert f"Probe: 1 of {screens}" in out and "Your turn: What is df/dx for f(x) = (3x + 1)²?" in out
    text = (folder / "probe.toml").read_text(encoding="utf-8")
    assert text.startswith(DIRECTIVE + "\n")
    assert (folder / "lesson.schema.json").read_text(encoding="utf-8") == json.dumps(SCHEMA, indent=2,
                                                                                    ensure_ascii=False) + "\n"
    jsonschema.Draft7Validator(SCHEMA).validate(tomllib.loads(text))
    kinds = [item.kind for item in load_lesson(folder / "probe.toml").items]
    assert kinds == ["text", "derivation", "exercise"]
    exercise = load_lesson(folder / "probe.toml").items[2]
    assert len(exercise.hints) == 4 and len(exercise.mistakes) == 1

    again = run_cli("lesson", "new", "probe", "--dir", str(folder))
    assert again.returncode == 2 and again.stdout == ""
    assert again.stderr == f"derive: {folder / 'probe.toml'} already exists; choose another name or remove it\n"
    assert (folder / "probe.toml").read_text(encoding="utf-8") == text


def test_a_second_new_lesson_comes_last_and_keeps_the_folder_valid(tmp_path: Path) -> None:
    for name in ("first", "second"):
        assert run_cli("lesson", "new", name, "--dir", str(tmp_path)).returncode == 0
    assert [load_lesson(tmp_path / f"{n}.toml").order for n in ("first", "second")] == [1, 2]
    assert run_cli("lesson", "--check", str(tmp_path)).stdout.endswith(": all good\n")


@pytest.mark.parametrize(("args", "message"), [
    (["new"], "derive: name the new lesson: derive lesson new NAME [--dir DIR]\n"),
    (["new", "../escape"], "derive: '../escape' cannot be a lesson name: use letters, digits, '-' and '_', "
                           "starting with a letter or digit (like chain-rule-2), at most 64 characters\n"),
    (["new", "new"], "derive: 'new' is the word that makes a lesson (derive lesson new NAME); "
                     "choose another name\n"),
    (["sigmoid", "extra"], "derive: one lesson at a time: got an extra argument 'extra' (to write a lesson: "
                           "derive lesson new NAME)\n"),
])
def test_bad_new_command_lines_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli("lesson", *args, "--dir", str(tmp_path))
    assert (result.returncode, result.stdout, result.stderr) == (2, "", message)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------------- the schema
def validator() -> jsonschema.Draft7Validator:
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    return jsonschema.Draft7Validator(SCHEMA)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_lesson_passes_the_schema_and_the_loader(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith(DIRECTIVE + "\n")  # editors find the schema next to the lesson
    assert list(validator().iter_errors(tomllib.loads(text))) == []
    assert load_lesson(path).items


def test_the_schema_lists_the_loaders_fields() -> None:
    defs = SCHEMA["definitions"]
    assert set(SCHEMA["properties"]) == LESSON_FIELDS
    assert set(defs["mistake"]["properties"]) == MISTAKE_FIELDS
    for kind, fields in ITEM_FIELDS.items():
        assert set(defs[kind]["properties"]) == fields, kind
    assert set(defs["item"]["properties"]) == set().union(*ITEM_FIELDS.values())  # what editors complete


GOOD = (default_dir() / "partial.toml").read_text(encoding="utf-8")
MUTATIONS = {  # a change to a good lesson -> does the loader accept it? (the schema must say the same)
    "as shipped": (lambda t: t, True),
    "answer misspelled anwser": (lambda t: t.replace('answer = "w_jk"\n', 'anwser = "w_jk"\n', 1), False),
    "a top-level typo": (lambda t: t.replace("summary =", "sumary ="), False),
    "a mistake's message misspelled": (lambda t: t.replace("message =", "mesage =", 1), False),
    "no title": (lambda t: re.sub(r'(?m)^title = "Partial derivatives"\n', "", t), False),
    "a blank title": (lambda t: t.replace('title = "Partial derivatives"', 'title = "  "'), False),
    "order as text": (lambda t: t.replace("order = 5", 'order = "5"'), False),
    "order 5.0": (lambda t: t.replace("order = 5", "order = 5.0"), True),
    "order 5.5": (lambda t: t.replace("order = 5", "order = 5.5"), False),
    "no order": (lambda t: t.replace("order = 5\n", ""), True),
    "an unknown item type": (lambda t: t.replace('type = "text"', 'type = "video"'), False),
    "an item without type": (lambda t: t.replace('type = "text"\n', ""), False),
    "question on a text item": (lambda t: t.replace('type = "text"\n', 'type = "text"\nquestion = "q"\n'), False),
    "a number as answer": (lambda t: t.replace('answer = "1"', "answer = 1"), True),
    "a boolean as answer": (lambda t: t.replace('answer = "1"', "answer = true"), False),
    "an empty answer": (lambda t: t.replace('answer = "1"', 'answer = ""'), False),
    "no hints": (lambda t: re.sub(r"hints = \[[^\]]*\]\n", "", t, count=1), False),
    "empty hints": (lambda t: re.sub(r"hints = \[[^\]]*\]\n", "hints = []\n", t, count=1), False),
    "a number as hint": (lambda t: re.sub(r"hints = \[[^\]]*\]\n", "hints = [3]\n", t, count=1), False),
    "eleven hints": (lambda t: re.sub(r"hints = \[[^\]]*\]\n", f"hints = {json.dumps(list('abcdefghijk'))}\n", t,
                                      count=1), False),
    "a long hint": (lambda t: re.sub(r"hints = \[[^\]]*\]\n", f'hints = ["{"h" * 2001}"]\n', t, count=1), False),
    "preset and expression": (lambda t: t.replace('expression = "w_jk*a_j + b_k"\nwrt = "w_jk"\nname = "net_k"\ntitle',
                                                  'expression = "w_jk*a_j + b_k"\npreset = "sigmoid"\n'
                                                  'wrt = "w_jk"\nname = "net_k"\ntitle', 1), False),
    "a derivation with neither": (lambda t: t.replace('type = "derivation"\nexpression = "w_jk*a_j + b_k"\n',
                                                      'type = "derivation"\n', 1), False),
    "a blank wrt": (lambda t: t.replace('wrt = "b_k"', 'wrt = ""'), False),
    "a long name": (lambda t: t.replace('name = "net_k"', f'name = "{"z" * 21}"', 1), False),
    "a name that is no variable": (lambda t: t.replace('name = "net_k"', 'name = "z\\\\x"', 1), False),
    "a wrt with a space": (lambda t: t.replace('wrt = "b_k"', 'wrt = "b_k 2"'), False),
    "at with a key that is no variable": (lambda t: t.replace('wrt = "b_k"\n', 'wrt = "b_k"\nat = { "b-1" = 2 }\n'),
                                          False),
    "at with a number": (lambda t: t.replace('wrt = "b_k"\n', 'wrt = "b_k"\nat = { b_k = 2 }\n'), True),
    "at with a boolean": (lambda t: t.replace('wrt = "b_k"\n', 'wrt = "b_k"\nat = { b_k = true }\n'), False),
    "at as a list": (lambda t: t.replace('wrt = "b_k"\n', 'wrt = "b_k"\nat = [1]\n'), False),
    "mistakes on a derivation": (lambda t: t.replace('type = "derivation"\n', 'type = "derivation"\nmistakes = []\n'),
                                 False),
    "a mistake without message": (lambda t: re.sub(r'message = "b_k is held[^\n]*\n', "", t), False),
    "no items": (lambda t: t.split("[[items]]")[0], False),
    "a text item with blank text": (lambda t: re.sub(r'(?s)text = """.*?"""', 'text = " "', t, count=1), False),
}


@pytest.mark.parametrize("case", MUTATIONS)
def test_the_loader_and_the_schema_agree(tmp_path: Path, case: str) -> None:
    mutate, accepted = MUTATIONS[case]
    text = mutate(GOOD)
    assert text != GOOD or case == "as shipped"
    path = lesson(tmp_path / "mutated.toml", text)
    errors = list(validator().iter_errors(tomllib.loads(text)))
    lesson_read, problems = read_lesson(path)
    assert (not errors) is accepted, [e.message for e in errors]
    assert (not problems.lines) is accepted, problems.lines


def test_a_misspelled_field_is_caught_by_both(tmp_path: Path) -> None:
    text = GOOD.replace('answer = "w_jk"\n', 'anwser = "w_jk"\n', 1)
    errors = [e.message for e in validator().iter_errors(tomllib.loads(text))]
    assert any("'anwser' was unexpected" in message for message in errors), errors
    assert any("'answer' is a required property" in message for message in errors), errors
    path = lesson(tmp_path / "typo.toml", text)
    with pytest.raises(LessonError) as err:
        load_lesson(path)
    assert str(err.value) == f"{path}: item 3: unknown field 'anwser' (did you mean 'answer'?)"


@pytest.mark.skipif(shutil.which("taplo") is None, reason="taplo not installed (pip install '.[test]')")
def test_taplo_reads_the_schema_directive(tmp_path: Path) -> None:
    """taplo is the engine behind the common TOML editor extensions: it finds the schema from the directive."""
    shipped = subprocess.run(["taplo", "check", *map(str, SHIPPED)], capture_output=True, text=True, timeout=60)
    assert shipped.returncode == 0, shipped.stderr
    shutil.copy(default_dir() / "lesson.schema.json", tmp_path)
    typo = lesson(tmp_path / "typo.toml", GOOD.replace('answer = "w_jk"\n', 'anwser = "w_jk"\n', 1))
    caught = subprocess.run(["taplo", "check", str(typo)], capture_output=True, text=True, timeout=60)
    assert caught.returncode != 0
    assert "'anwser' was unexpected" in caught.stderr


def test_a_hostile_folder_name_is_shown_never_obeyed(tmp_path: Path) -> None:
    folder = tmp_path / "course\x1b]0;pwned\x07"
    made = run_cli("lesson", "new", "probe", "--dir", str(folder))
    assert made.returncode == 0, made.stderr
    checked = run_cli("lesson", "--check", str(folder))
    assert checked.returncode == 0 and re.fullmatch(r"1 lesson, \d+ screens, 1 exercise: all good\n", checked.stdout)
    again = run_cli("lesson", "new", "probe", "--dir", str(folder))
    for output in (made.stdout, again.stderr):
        assert "\x1b" not in output and "\x07" not in output
        assert "course\\x1b]0;pwned\\x07" in output
