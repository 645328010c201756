"""The project's import graph: no circles, and imports point one way (api → index → ingest).

Built from the source with `ast`, so it sees every import a module can run: top-level ones,
imports inside functions and `TYPE_CHECKING` blocks alike. An import of a package's
submodule (`from . import ocr`) is an edge to that submodule, not to the package's
`__init__`. `python tests/test_imports.py` prints the cycles and layering breaches.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ingest", "index", "api")
# what each top-level package must never import
FORBIDDEN = {"ingest": ("index", "api"), "index": ("api",)}
BOTTOM = ("ingest.vocab",)  # modules that import nothing from the project


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    """Dotted name → file, for every module of the project's packages."""
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module an import of `name` runs last: itself, or its nearest parent."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _targets(module: str, path: Path, node: ast.AST, modules: dict[str, Path]) -> list[str]:
    if isinstance(node, ast.Import):
        return [t for alias in node.names if (t := _resolve(alias.name, modules))]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    else:
        base = node.module or ""
    out = []
    for alias in node.names:
        target = _resolve(f"{base}.{alias.name}", modules) if base else None
        if target != f"{base}.{alias.name}":  # a name defined in `base`, not a submodule
            target = _resolve(base, modules)
        if target:
            out.append(target)
    return out


def import_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports anywhere in its source."""
    modules = project_modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        edges = {t for node in ast.walk(tree) for t in _targets(module, path, node, modules)}
        graph[module] = edges - {module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[tuple[list[str], list[str]]]:
    """(one cycle a → … → a, every module of the loop) per group of modules importing each
    other, directly or through a loop."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted((_one_cycle(graph, g), sorted(g)) for g in groups)


def _one_cycle(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A shortest cycle through the group's first module (breadth-first inside the group)."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph[v] & group):
            if w == start:
                return paths[v] + [start]
            if w not in paths:
                paths[w] = paths[v] + [w]
                queue.append(w)
    return [start]  # not reached: a strongly connected group always has a cycle


def layering_breaches(graph: dict[str, set[str]]) -> list[str]:
    """ "a imports b" for each import against the layering rule or into a bottom module."""
    out = []
    for module, targets in sorted(graph.items()):
        top = module.split(".")[0]
        for target in sorted(targets):
            if target.split(".")[0] in FORBIDDEN.get(top, ()):
                out.append(f"{module} imports {target}")
            elif module in BOTTOM:
                out.append(f"{module} imports {target} (it must import nothing of the project)")
    return out


def test_the_graph_sees_relative_function_level_and_submodule_imports() -> None:
    graph = import_graph()
    assert "ingest.pdf.ocr" in graph["ingest.pdf.reader"]  # `from . import ocr`
    assert "ingest.pdf" in graph["ingest.readers"]  # `from .pdf import read_pdf`, in a function
    assert "ingest.extract" in graph["ingest.pipeline"]  # function-level import


def test_no_import_cycles() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(
        f"{' → '.join(c)}  (loop: {', '.join(g)})" for c, g in found
    )


def test_imports_point_one_way() -> None:
    breaches = layering_breaches(import_graph())
    assert not breaches, "\n".join(breaches)


if __name__ == "__main__":
    g = import_graph()
    print(f"{len(g)} modules, {sum(len(t) for t in g.values())} import edges")
    for c, group in cycles(g):
        print("cycle:", " → ".join(c), f" (loop: {', '.join(group)})")
    for b in layering_breaches(g):
        print("layering:", b)
