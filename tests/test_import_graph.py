"""The package's import graph has no cycles, and nothing below HTTP imports the HTTP routes.

Every ``import`` counts: those inside functions (a deferred import is how a cycle hides) and those
under ``if TYPE_CHECKING:`` (a cycle of types is a cycle of design, and breaks the day one of them
is needed at run time). Two layers that must know of each other meet through a ``Protocol``
(``state.kinds.RecordKind``, ``webhooks.worker.Sink``).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "mockcasa"
# Modules that speak HTTP: the records library, resources, seeding, state and webhooks' rules must
# not import these (the admin API, the console and the pytest plugin sit on top and may).
HTTP_LAYER = ("mockcasa.engine.routes",)
BELOW_HTTP = ("mockcasa.engine.records", "mockcasa.engine.resource", "mockcasa.resources", "mockcasa.seeding",
              "mockcasa.state", "mockcasa.store", "mockcasa.snapshot", "mockcasa.models", "mockcasa.clock")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text())):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + ([base] if base else []))
                # ``from pkg import module`` needs only that module; ``from pkg import name`` needs pkg.
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles_inside_the_package():
    assert cycles(import_graph()) == []


def test_nothing_below_http_imports_the_routes():
    graph = import_graph()
    offenders = {m: sorted(graph[m] & set(HTTP_LAYER)) for m in graph
                 if m.startswith(BELOW_HTTP) and graph[m] & set(HTTP_LAYER)}
    assert offenders == {}


def test_the_graph_is_read():
    """Guard against a reader that finds nothing (and so no cycles)."""
    graph = import_graph()
    assert "mockcasa.engine.records" in graph["mockcasa.engine.routes"]
    assert "mockcasa.state" in graph["mockcasa.engine.resource"] or "mockcasa.errors" in graph["mockcasa.engine.resource"]
