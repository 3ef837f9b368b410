"""The import rules that keep the stages apart (issue 11), checked on the source itself.

- nothing in `transforms/` imports Prefect or `flows`;
- a stage package (decoding, script, structure, dedup) never imports another stage package;
- `flows/` reaches a stage only through its `__init__` (`from transforms.dedup import ...`);
- no import cycle anywhere in `transforms/` or `flows/`, counting imports inside functions.
"""

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("transforms", "flows")
STAGES = ("decoding", "script", "structure", "dedup")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {
    module_name(path): path
    for package in PACKAGES
    for path in sorted((ROOT / package).rglob("*.py"))
    if path.name != "__main__.py"
}


def imported_modules(path: Path) -> set[str]:
    """Every module of this repository that `path` imports, at top level or inside a function.
    `from package import name` counts as importing `package.name` when that is a module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [
                f"{node.module}.{alias.name}"
                if f"{node.module}.{alias.name}" in MODULES
                else node.module
                for alias in node.names
            ]
        else:
            continue
        found.update(name for name in names if name.split(".")[0] in (*PACKAGES, "prefect"))
    return found


GRAPH = {name: imported_modules(path) for name, path in MODULES.items()}


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "transforms" and len(parts) > 1 and parts[1] in STAGES else None


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_imports(module):
    importlib.import_module(module)


def test_transforms_never_import_prefect_or_flows():
    offenders = {
        module: sorted(name for name in names if name.split(".")[0] in ("prefect", "flows"))
        for module, names in GRAPH.items()
        if module.startswith("transforms")
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def test_no_stage_imports_another_stage():
    crossings = [
        (module, name)
        for module, names in GRAPH.items()
        for name in names
        if stage_of(module) and stage_of(name) and stage_of(module) != stage_of(name)
    ]
    assert crossings == []


def test_flows_reach_stages_only_through_their_init():
    deep = [
        (module, name)
        for module, names in GRAPH.items()
        if module.startswith("flows")
        for name in names
        if stage_of(name) and name.count(".") > 1
    ]
    assert deep == []


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each cycle found by a depth-first walk, as the modules along it."""
    cycles = []
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for name in sorted(graph.get(module, ())):
            if name not in graph:
                continue
            if state.get(name) == "open":
                cycles.append([*path[path.index(name) :], name])
            elif name not in state:
                visit(name, [*path, name])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return cycles


def test_no_import_cycles():
    assert import_cycles(GRAPH) == []


def test_a_cycle_through_a_lazy_import_would_be_found():
    graph = {"flows.cli": {"flows.normalize"}, "flows.normalize": {"flows.cli"}}
    assert import_cycles(graph) == [["flows.cli", "flows.normalize", "flows.cli"]]
    lazy = "def main():\n    from flows.cli import main\n"
    node = ast.parse(lazy).body[0].body[0]
    assert isinstance(node, ast.ImportFrom) and node.module == "flows.cli"


def test_the_old_cycles_are_broken():
    assert "flows.cli" not in GRAPH["flows.normalize.flow"]
    assert "flows.tasks" not in GRAPH["flows.cluster"]
    assert "flows.corpus" in GRAPH["flows.tasks"] and "flows.corpus" in GRAPH["flows.cluster"]
