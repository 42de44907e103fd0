"""Imports run one way, and no module reaches into another's private names.

The graph is read from the source with :mod:`ast` (nothing is imported): every ``import``
and ``from … import`` of a module of ``sim`` or ``tui``, those inside functions too (a
late import hides a circle, it does not remove it), but not those under
``if TYPE_CHECKING:`` (they never run).  ``from pkg import name`` imports the module
``pkg.name`` when there is one, else ``pkg``; importing a module counts as importing it,
not the packages above it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("sim", "tui")


def modules() -> dict[str, Path]:
    """Every module of :data:`PACKAGES` by dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


MODULES = modules()


def owner(name: str) -> str | None:
    """The module of :data:`MODULES` that ``name`` is, or is inside (None: outside)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def runtime_nodes(tree: ast.Module) -> Iterator[ast.AST]:
    """Every node of ``tree`` except what sits under ``if TYPE_CHECKING:``."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) not in skipped:
            yield node


def imports(module: str) -> Iterator[tuple[str, str]]:
    """(module of sim/tui imported, name imported) for each import ``module`` runs.

    ``import a.b`` gives ``("a.b", "")``; ``from a import b`` gives ``("a.b", "b")`` if
    ``a.b`` is a module, else ``("a", "b")``.
    """
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = owner(alias.name)
                if target is not None:
                    yield target, ""
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                if node.level > 1:
                    parts = parts[: -(node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                target = full if full in MODULES else owner(base)
                if target is not None:
                    yield target, alias.name


def graph() -> dict[str, set[str]]:
    """Which modules of sim/tui each module imports (itself left out)."""
    return {m: {t for t, _ in imports(m) if t != m} for m in MODULES}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def test_the_graph_sees_the_packages() -> None:
    """The walk finds what it should: relative imports resolved, ``from pkg import mod``
    as the module, a name from a module as that module."""
    edges = graph()
    assert "tui.screens.board" in edges["tui.app"]  # from .screens.board import BoardScreen
    assert "tui.widgets.feed" in edges["tui.screens.board"]  # from ..widgets.feed import …
    assert "tui.screens" not in edges["tui.app"]


def test_cycles_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_in_sim_and_tui() -> None:
    found = cycles(graph())
    assert not found, "import cycles: " + "; ".join(" ↔ ".join(c) for c in found)


def test_no_module_imports_another_modules_private_names() -> None:
    found = [
        f"{module} imports {name} from {target}"
        for module in MODULES
        for target, name in imports(module)
        if name.startswith("_") and not name.startswith("__") and target != module
    ]
    assert not found, "private names imported: " + "; ".join(sorted(found))
