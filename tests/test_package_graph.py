"""The package graph points one way (docs/architecture.md, "Layers").

Every module under camp_app is parsed (imports inside functions included); each import of
camp_app code is an edge from the importing unit to the imported one. A unit is a feature
package (camp_app/<name>/) or a top-level module (camp_app/<name>.py); camp_app/__init__.py is
the app factory. The tests fail on any cycle, naming it with the imports that make it, on an
import that points up the declared layers, and on a camp_app import hidden inside a function.
"""

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "camp_app"
APP_FACTORY = "camp_app"

# Lowest first: a feature imports core modules and the features before it, never one after it.
FEATURES = (
    "audit",  # recording who changed what, and the registry of record links
    "notifications",  # the outbox and its worker
    "ops",  # /healthz and /metrics
    "accounts",
    "families",
    "events",
    "registrations",
    "readiness",  # required documents, uploads and their review, reminders
    "roster",
    "messages",
    "attendance",
    "health_center",  # the nurse's medication record and health log
    "audit_log",  # the admins' pages over the audit entries
    "privacy",  # the family's own copy, closing an account, retention, key rotation
    "api",
    "demo",
)
# Above every feature: they wire the app together and may import anything.
SHELL = ("web.py", "models.py", APP_FACTORY)
# Whatever else lives in camp_app (a top-level module, or schemas/) is core: it imports no
# feature and nothing of the shell.

# Imports inside a function, each with the reason it has to be there.
FUNCTION_IMPORTS_ALLOWED = {
    # Importing any camp_app module runs camp_app/__init__.py first; the factory loads the
    # features only when an app is built, so importing a core module does not import them all.
    # It is the root of the graph: nothing imports it, so its imports make no cycle.
    "camp_app/__init__.py": "the app factory",
}


@dataclass(frozen=True)
class Import:
    source: str  # the importing unit
    target: str  # the imported unit
    where: str  # camp_app/x/y.py:12 imports camp_app.z
    in_function: bool


def unit_of(module: str) -> str:
    """camp_app.events.models -> events; camp_app.web -> web.py; camp_app -> camp_app."""
    parts = module.split(".")
    if len(parts) == 1:
        return APP_FACTORY
    return parts[1] if (PACKAGE / parts[1]).is_dir() else f"{parts[1]}.py"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_modules(node, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # relative: from . import x / from .models import y
        base = module.split(".")
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if target == "camp_app":  # from camp_app import models, web
        return [f"camp_app.{alias.name}" for alias in node.names]
    return [target]


def _imports_of(path: Path) -> list[Import]:
    return _imports_in(path.read_text(encoding="utf-8"), path)


def _imports_in(text: str, path: Path) -> list[Import]:
    """The camp_app imports of `text`, the source of the module at `path`."""
    module = _module_name(path)
    source = unit_of(module)
    found = []

    def visit(node, in_function: bool) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            for target in _imported_modules(node, module, path.name == "__init__.py"):
                if target == "camp_app" or target.startswith("camp_app."):
                    where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno} imports {target}"
                    found.append(Import(source, unit_of(target), where, in_function))
        inside = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for child in ast.iter_child_nodes(node):
            visit(child, inside)

    visit(ast.parse(text, str(path)), False)
    return found


def all_imports() -> list[Import]:
    return [found for path in sorted(PACKAGE.rglob("*.py")) for found in _imports_of(path)]


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one unit (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []

    def connect(unit: str) -> None:
        index[unit] = low[unit] = len(index)
        stack.append(unit)
        on_stack.add(unit)
        for other in sorted(edges.get(unit, ())):
            if other not in index:
                connect(other)
                low[unit] = min(low[unit], low[other])
            elif other in on_stack:
                low[unit] = min(low[unit], index[other])
        if low[unit] == index[unit]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == unit:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for unit in sorted(set(edges) | {t for targets in edges.values() for t in targets}):
        if unit not in index:
            connect(unit)
    return cycles


def _graph(imports: list[Import]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for found in imports:
        if found.source != found.target:
            edges[found.source].add(found.target)
    return edges


def _describe(cycle: list[str], imports: list[Import]) -> str:
    members = set(cycle)
    lines = [f"import cycle between {', '.join(cycle)}:"]
    for found in imports:
        if found.source in members and found.target in members and found.source != found.target:
            lines.append(f"  {found.source} -> {found.target}: {found.where}")
    return "\n".join(lines)


def test_the_package_graph_has_no_cycle():
    imports = all_imports()
    assert len(imports) > 500  # the walk really read the code
    cycles = find_cycles(_graph(imports))
    assert not cycles, "\n".join(_describe(cycle, imports) for cycle in cycles)


def _rank(unit: str) -> int:
    """0 for core, 1 + position for a feature, above all for the shell."""
    if unit in SHELL:
        return len(FEATURES) + 1
    if unit in FEATURES:
        return 1 + FEATURES.index(unit)
    return 0


def test_every_import_points_down_the_layers():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    unplaced = packages - set(FEATURES) - {"schemas"}
    assert not unplaced, f"place these packages in FEATURES (and docs/architecture.md): {unplaced}"
    upward = [
        found.where
        for found in all_imports()
        if found.source != found.target
        and found.source not in SHELL
        and _rank(found.target) > _rank(found.source)
    ]
    assert not upward, "imports that point up the layers:\n" + "\n".join(upward)


def test_no_camp_app_import_hides_inside_a_function():
    hidden = [
        found.where
        for found in all_imports()
        if found.in_function and found.where.split(":")[0] not in FUNCTION_IMPORTS_ALLOWED
    ]
    assert not hidden, "move these imports to the top of their module:\n" + "\n".join(hidden)


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ({"events": {"registrations"}, "registrations": {"events"}}, [["events", "registrations"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
        ({"roster": {"registrations"}, "registrations": {"events"}}, []),
    ],
)
def test_find_cycles_names_each_cycle(edges, expected):
    assert find_cycles(edges) == expected


def test_imports_inside_functions_and_relative_imports_are_seen():
    path = PACKAGE / "families" / "example.py"
    source = (
        "from camp_app.accounts.models import User\n"
        "from .models import Child\n"
        "def f():\n"
        "    from camp_app.registrations.models import Registration\n"
    )
    found = [(i.source, i.target, i.in_function) for i in _imports_in(source, path)]
    assert found == [
        ("families", "accounts", False),
        ("families", "families", False),
        ("families", "registrations", True),
    ]
