"""Every third-party module that ``bot/`` and ``storage/`` import is declared in pyproject.toml.

A module that arrives only as some other package's dependency works until that package drops
it; then a fresh install breaks where nobody looked.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = {"bot", "storage"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    """The distributions of ``dependencies`` and of the optional "voice" extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["voice"]
    return {_normal(re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0]) for r in requirements}


def _imported() -> dict[str, str]:
    """Each top-level module imported in our code, with one file that imports it."""
    found: dict[str, str] = {}
    for package in OURS:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.partition(".")[0], str(path.relative_to(ROOT)))
    return found


def test_every_imported_distribution_is_declared():
    declared = _declared()
    providers = packages_distributions()
    missing = []
    for module, where in sorted(_imported().items()):
        if module in OURS or module in sys.stdlib_module_names or module == "__future__":
            continue
        names = {_normal(d) for d in providers.get(module, [])}
        if not names & declared:
            missing.append(f"{module} ({where}; from {sorted(names) or 'nothing installed'})")
    assert missing == [], "imported but not declared in pyproject.toml: " + ", ".join(missing)
