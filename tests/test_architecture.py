"""The package's floors, checked by reading its source: no import circle, and renderers that only render.

Every `import` is counted, at module level and inside functions alike: a function-level import is still a
dependency, only a later one, and a circle through it is still a module that cannot be understood alone.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "derivtutor"
DERIVING = {"engine", "algebra", "presets", "targets", "run"}
"""Modules that differentiate or choose what to differentiate: a renderer walks what they built instead."""
COMMANDS = {"cli", "entry", "api", "export", "handouts", "lessons", "lesson_player"}
"""Modules that run a command (parse, derive, write files, pick an exit code): render/ never calls back up."""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports_of(name: str) -> set[str]:
    """Our modules that `name` imports anywhere in its source (module level or inside functions)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in MODULES else base)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_the_walker_sees_imports_inside_functions_and_finds_circles() -> None:
    assert "derivtutor.api" in GRAPH["derivtutor"]  # `derive` imports api inside the function
    assert "derivtutor.engine" in GRAPH["derivtutor.targets"]
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_circle({"a": {"b"}, "b": set()}) is None


def test_no_import_circle_at_module_or_function_level() -> None:
    circle = find_circle(GRAPH)
    assert circle is None, "import circle: " + " -> ".join(circle)


@pytest.mark.parametrize("renderer", sorted(m for m in MODULES if m.startswith("derivtutor.render.")))
def test_renderers_import_no_code_that_derives_or_runs_a_command(renderer: str) -> None:
    forbidden = {f"derivtutor.{name}" for name in DERIVING | COMMANDS}
    assert not GRAPH[renderer] & forbidden, f"{renderer} imports {sorted(GRAPH[renderer] & forbidden)}"


def test_lessons_import_no_renderer() -> None:
    assert not {m for m in GRAPH["derivtutor.lessons"] if m.startswith("derivtutor.render")}


def test_the_bottom_floor_imports_nothing_of_ours() -> None:
    assert GRAPH["derivtutor.startup"] == set()


def test_one_error_writer_and_one_set_of_exit_codes() -> None:
    """`derive: ...` is written, and exit codes are defined, only in startup.py (every command uses its `fail`)."""
    for name, path in MODULES.items():
        if name == "derivtutor.startup":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not node.value.startswith("derive: "), f"{name} writes its own error line"
            if isinstance(node, ast.Assign):
                targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
                targets += [e.id for t in node.targets if isinstance(t, ast.Tuple) for e in t.elts
                            if isinstance(e, ast.Name)]
                assert not [t for t in targets if t.startswith("EXIT_")], f"{name} defines its own exit codes"


def test_typer_and_the_fast_path_share_one_option_list() -> None:
    import typer

    from derivtutor.cli import DEFAULT_COMMAND, app
    from derivtutor.options import DERIVE_OPTIONS

    command = typer.main.get_command(app).commands[DEFAULT_COMMAND]
    built = {param.opts[0]: param for param in command.params if param.opts[0].startswith("--")}
    assert set(built) == set(DERIVE_OPTIONS)
    for name, row in DERIVE_OPTIONS.items():
        assert built[name].help == row.help
        assert built[name].is_flag == (not row.takes_value)
        if row.metavar:
            assert built[name].metavar == row.metavar
