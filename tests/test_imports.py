"""The package's modules import one another without a cycle.

Every import statement of every module in lasdash/ counts, wherever it is: at the top, inside a function (a
function-level import runs the other module when called; if that module imports this one back, it works only by
the order things happen to load, so it is a cycle hidden, not removed), relative or absolute. `from pkg import name`
counts as importing the submodule pkg.name when there is one, else the package itself. Read from the source (ast),
so nothing is imported and no import is missed for not having run.
"""
import ast
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "lasdash"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path, package: str = PACKAGE) -> dict[str, dict[str, int]]:
    """Module -> {module of the same package it imports: the line of the first such import}."""
    files = {module_name(p, root): p for p in sorted((root / package).rglob("*.py"))}
    graph: dict[str, dict[str, int]] = {}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        here = name if is_package else name.rpartition(".")[0]  # the package relative imports start from
        edges = graph.setdefault(name, {})
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = ".".join(here.split(".")[:len(here.split(".")) - node.level + 1])
                    base = f"{base}.{node.module}" if node.module else base
                else:
                    base = node.module or ""
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base for a in node.names]
            else:
                continue
            for target in targets:
                # `import lasdash.ui.text` names the module itself; keep the longest prefix that is one
                while target and target not in files:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    edges.setdefault(target, node.lineno)
    return graph


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """One cycle in each group of modules that reach one another (strongly connected), as [a, b, ..., a]."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(v: str) -> None:  # Tarjan's algorithm
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return [_cycle_in(graph, set(group), group[0]) for group in groups]


def _cycle_in(graph: dict[str, dict[str, int]], group: set[str], start: str) -> list[str]:
    """The shortest path from `start` back to itself inside the group (breadth first)."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for v in frontier:
            for w in sorted(graph[v]):
                if w not in group:
                    continue
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if w not in came_from:
                    came_from[w] = v
                    following.append(w)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # a strongly connected group always has one


def described(graph: dict[str, dict[str, int]], cycle: list[str]) -> str:
    """'a (line 3) -> b (line 40) -> a': each import with where it is."""
    return " -> ".join(f"{a} (line {graph[a][b]})" for a, b in pairwise(cycle)) + f" -> {cycle[-1]}"


def test_the_package_has_no_import_cycle():
    graph = import_graph(ROOT)
    assert len(graph) > 20 and "lasdash.snapshots" in graph["lasdash.stores"]  # the walk found the package
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(described(graph, c) for c in found)


def test_a_cycle_through_a_function_level_relative_import_is_found_and_named(tmp_path):
    """What the old tree had: the store module imported the object store inside a function, which imported it back."""
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "store.py").write_text("import json\n\n\ndef open_location():\n    from .sub.backend import Backend\n")
    (pkg / "sub" / "backend.py").write_text("from ..store import open_location\nfrom pkg import leaf\n")
    (pkg / "leaf.py").write_text("import pkg.sub\n")
    graph = import_graph(tmp_path, "pkg")
    assert graph["pkg.store"] == {"pkg.sub.backend": 5}
    assert graph["pkg.sub.backend"] == {"pkg.store": 1, "pkg.leaf": 2}
    assert graph["pkg.leaf"] == {"pkg.sub": 1}
    found = cycles(graph)
    assert found == [["pkg.store", "pkg.sub.backend", "pkg.store"]]
    assert described(graph, found[0]) == "pkg.store (line 5) -> pkg.sub.backend (line 1) -> pkg.store"
