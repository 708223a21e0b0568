"""The architecture holds: imports only point down the layer list, and no module imports
itself round a cycle.

The layers, top to bottom (docs/architecture.md draws the same picture). A package may import
any package below it, never one above it nor one beside it on the same line. Imports under
``if TYPE_CHECKING:`` are annotations only and are left out.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS: list[tuple[str, ...]] = [
    ("bot.__main__",),
    ("bot.cli",),
    ("bot.app",),
    ("bot.conversations",),
    ("bot.handlers",),
    ("bot.jobs",),
    ("bot.telegram", "bot.voice"),
    ("bot.ui",),
    ("bot.context",),
    ("bot.services",),
    ("storage",),
    ("bot.settings", "bot.i18n", "bot.demo"),
]
RANK = {package: rank for rank, line in enumerate(LAYERS) for package in line}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "storage":
        return "storage"
    if parts[0] != "bot" or len(parts) == 1:
        return None
    return f"bot.{parts[1]}"


def _imports(path: Path) -> set[str]:
    """Every module this file imports at run time (the names after ``from X import`` too:
    they may be submodules)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(n) for n in ast.walk(node))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    files = [*ROOT.glob("bot/**/*.py"), *ROOT.glob("storage/**/*.py")]
    modules = {_module(f): f for f in files if "migrations" not in f.parts}
    return {
        name: {target for target in _imports(path) if target in modules and target != name}
        for name, path in modules.items()
    }


def test_every_package_has_a_place_in_the_layers() -> None:
    packages = {_package(m) for m in _graph()} - {None}
    assert packages <= set(RANK), f"add {sorted(packages - set(RANK))} to LAYERS"


def test_imports_only_point_down_the_layer_list() -> None:
    wrong = defaultdict(list)
    for module, targets in _graph().items():
        source = _package(module)
        for target in targets:
            dest = _package(target)
            if source and dest and source != dest and RANK[dest] <= RANK[source]:
                wrong[f"{source} -> {dest}"].append(f"{module} imports {target}")
    assert not wrong, dict(wrong)


def test_no_module_imports_itself_round_a_cycle() -> None:
    graph = _graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, cycles
