"""Packaging: LICENSE, the SPDX licence form, classifiers, a wheel with examples and py.typed, an sdist whose own
tests run, shell completion, ruff and the floors step in CI."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_license_and_metadata() -> None:
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert "derivtutor contributors" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    project = PYPROJECT["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert any(c.startswith("Programming Language :: Python :: 3.11") for c in project["classifiers"])
    assert "Typing :: Typed" in project["classifiers"]
    assert any(r.startswith("setuptools>=77") for r in PYPROJECT["build-system"]["requires"])


def test_ci_runs_the_readme_command_ruff_and_the_floors() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install --quiet ".[test]" && python -m pytest -q' in ci
    assert "ruff check ." in ci and ".ci/floors" in ci
    assert os.access(ROOT / ".ci" / "floors", os.X_OK)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The wheel and the sdist, built through setuptools' PEP 517 hooks (the backend pyproject names)."""
    out = tmp_path_factory.mktemp("dist")
    backend = tmp_path_factory.mktemp("backend")
    requires = PYPROJECT["build-system"]["requires"]
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target",
                    str(backend), *requires], check=True, timeout=600)
    env = {**os.environ, "PYTHONPATH": str(backend)}

    def hook(name: str, source: Path) -> Path:
        code = f"from setuptools import build_meta as b; print('BUILT=' + b.{name}({str(out)!r}))"
        done = subprocess.run([sys.executable, "-c", code], cwd=source, env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "deprecated" not in done.stderr.lower(), done.stderr[-2000:]  # the licence table form warned 4 times
        return out / done.stdout.split("BUILT=")[-1].strip()

    sdist = hook("build_sdist", ROOT)
    unpacked = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(sdist) as archive:
        archive.extractall(unpacked, filter="data")
    tree = next(unpacked.iterdir())
    return {"sdist": sdist, "tree": tree, "wheel": hook("build_wheel", tree)}  # the wheel from the sdist, as pip


def test_the_wheel_ships_examples_lessons_license_and_py_typed(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["wheel"]) as wheel:
        names = wheel.namelist()
        metadata = wheel.read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "derivtutor/example_data/network-3-4-2.toml" in names
    assert "derivtutor/py.typed" in names
    assert any(n.endswith("licenses/LICENSE") for n in names)
    assert sum(n.startswith("derivtutor/lesson_data/") for n in names) >= 8
    assert "License-Expression: MIT" in metadata and "Classifier: Topic :: Education" in metadata


def test_the_sdist_runs_its_own_tests(built: dict[str, Path]) -> None:
    tree = built["tree"]
    for needed in ("LICENSE", "tests/conftest.py", "tests/golden/sigmoid-normal.txt", "tests/hostile_inputs.txt",
                   "lessons/sigmoid.toml", "examples/network-3-4-2.toml", "README.md", ".ci/floors"):
        assert (tree / needed).exists(), needed
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env["PYTHONPATH"] = str(tree)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/test_cli.py::test_readme_shows_the_current_sigmoid_output",
                           "tests/test_lessons.py::test_all_lessons_load_in_order", "tests/test_rules.py"],
                          cwd=tree, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout and "error" not in done.stdout.lower()


def test_network_example_is_found_in_the_source_tree() -> None:
    from derivtutor import network

    assert network.example_names() == ["3-4-2"]
    assert network.example_config("3-4-2").sizes == [3, 4, 2]
    assert network.example_config("9-9-9") is None


# ------------------------------------------------------------------------------------------- completion
def as_derive(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """The `derive` script as the shell runs it (prog name 'derive', so typer's variable is _DERIVE_COMPLETE)."""
    code = "import sys; sys.argv[0] = 'derive'; from derivtutor.entry import main; main()"
    full = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=full,
                          timeout=120)


def test_shell_completion_is_on() -> None:
    words = as_derive({"_DERIVE_COMPLETE": "complete_bash", "COMP_WORDS": "derive lesson --r", "COMP_CWORD": "2"})
    assert words.returncode == 0 and words.stdout.split() == ["--reset"], words.stderr
    commands = as_derive({"_DERIVE_COMPLETE": "complete_bash", "COMP_WORDS": "derive net", "COMP_CWORD": "1"})
    assert commands.stdout.split() == ["network"]
    code = "import sys; sys.argv[0] = 'derive'; from derivtutor.entry import main; main()"
    script = subprocess.run(["bash", "-c", f'"{sys.executable}" -c "{code}" --show-completion; :'],  # typer asks
                            capture_output=True, text=True, timeout=120,  # which shell runs it: bash, here
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert script.returncode == 0 and "_DERIVE_COMPLETE=complete_bash" in script.stdout, script.stderr
    assert "--install-completion" in as_derive({}, "--help").stdout
