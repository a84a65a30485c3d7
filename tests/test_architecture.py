"""The domain is a one-way street (docs/architecture.md, "Floors of the domain").

Read from the source with `ast`, nothing is imported or run:

* no module of server/domain or server/events imports one of the project's own
  modules inside a function (such an import hides a circle from the reader and
  from this test); third-party imports inside a function stay allowed;
* the modules of server/ import each other, at their top level, without a circle;
* each module of server/domain stands on a floor of docs/architecture.md ("Floors of
  the domain") and imports only modules of its own floor or below.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "server"
ONE_WAY = ("domain", "events")
DOC = ROOT / "docs" / "architecture.md"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SERVER.rglob("*.py")) if "migrations" not in p.parts}


def is_package(name: str, known: dict[str, Path]) -> bool:
    return known[name].name == "__init__.py"


def imported(node: ast.Import | ast.ImportFrom, here: str, known: dict[str, Path]) -> set[str]:
    """The server modules an import statement of module `here` names (empty for any other library)."""
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name in known}
    if node.level:
        base = here.split(".") if is_package(here, known) else here.split(".")[:-1]
        base = base[:len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if target not in known:
        return set()
    # `from pkg import mod` names the module mod; `from pkg import name` names pkg itself.
    subs = {f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in known}
    plain = [a for a in node.names if f"{target}.{a.name}" not in known]
    return subs | ({target} if plain else set())


def top_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Imports that run when the module is loaded: outside every function (inside `if` or `try` too)."""
    out: list[ast.Import | ast.ImportFrom] = []
    todo: list[ast.AST] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.append(node)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            todo.extend(ast.iter_child_nodes(node))
    return out


def local_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Imports written inside a function (at any depth)."""
    out = []
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out += [n for n in ast.walk(fn) if isinstance(n, (ast.Import, ast.ImportFrom))]
    return out


def import_graph() -> dict[str, set[str]]:
    known = modules()
    graph = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        graph[name] = set().union(*(imported(n, name, known) for n in top_level_imports(tree))) - {name}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_function_local_import_of_the_project_in_domain_and_events():
    known = modules()
    offences = []
    for folder in ONE_WAY:
        for path in sorted((SERVER / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for node in local_imports(tree):
                own = (isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("server"))) \
                    or (isinstance(node, ast.Import) and any(a.name.split(".")[0] == "server" for a in node.names))
                if own:
                    offences.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert not offences, "imports of the project's own modules inside functions:\n" + "\n".join(offences)
    assert "server.domain.auth" in known  # the walk found the modules


def test_no_import_circle_among_server_modules():
    graph = import_graph()
    assert "server.domain.commands" in graph["server.domain.registry"]  # the graph is read
    assert not circles(graph), f"import circles among server/ modules: {circles(graph)}"


def floors() -> dict[str, int]:
    """server/domain module -> its floor, from the table of docs/architecture.md, "Floors of the domain"."""
    text = DOC.read_text(encoding="utf-8")
    m = re.search(r"^## Floors of the domain\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert m, "docs/architecture.md has no section 'Floors of the domain'"
    out: dict[str, int] = {}
    for number, cells in re.findall(r"^\| (\d+) [^|]*\|([^|]*)\|", m.group(1), re.M):
        for file in re.findall(r"`([a-z_]+)\.py`", cells):
            name = "server.domain" if file == "__init__" else f"server.domain.{file}"
            assert name not in out, f"{file}.py stands on two floors"
            out[name] = int(number)
    return out


def test_every_domain_module_imports_only_its_floor_and_below():
    graph, floor = import_graph(), floors()
    domain = {name for name in graph if name == "server.domain" or name.startswith("server.domain.")}
    assert not domain - floor.keys(), f"modules on no floor of docs/architecture.md: {sorted(domain - floor.keys())}"
    assert not floor.keys() - domain, f"floors name modules that do not exist: {sorted(floor.keys() - domain)}"
    upward = [f"{a} (floor {floor[a]}) imports {b} (floor {floor[b]})"
              for a in sorted(domain) for b in sorted(graph[a] & domain) if floor[b] > floor[a]]
    assert not upward, "imports that run up a floor:\n" + "\n".join(upward)


def test_the_circle_finder_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []
