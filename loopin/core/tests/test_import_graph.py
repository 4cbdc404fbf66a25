"""No import cycle: none between modules at all, and none between packages beyond the ones listed below.

Only module-level imports count (function-local imports are what ruff's PLC0415 keeps out; `TYPE_CHECKING`
blocks are for annotations). A package is `loopin.<name>`.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Package pairs that still import each other, to be taken apart; a new pair fails the test. None are left: the
# last, events <-> tickets, ended when the Ticket reads moved to participation (ticket_reads, ticket_api, holders,
# activity, account_hooks; docs/MIDDLE_LAYER.md "What moved where").
KNOWN_PACKAGE_CYCLES: set[frozenset[str]] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in ROOT.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts}


def _top_level_imports(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for n in ast.walk(node) if isinstance(node, (ast.If, ast.Try)) else [node]:
            if isinstance(n, ast.Import):
                found |= {a.name for a in n.names}
            elif isinstance(n, ast.ImportFrom) and n.module and n.level == 0:
                for a in n.names:
                    sub = f"{n.module}.{a.name}"
                    found.add(sub if sub in MODULES else n.module)
    return found


def _graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in MODULES.items():
        edges[name] = {m for m in _top_level_imports(ast.parse(path.read_text())) if m in MODULES and m != name}
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
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
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def test_no_module_imports_itself_round_a_cycle():
    assert _cycles(_graph()) == []


def test_no_new_cycle_between_packages():
    packages: dict[str, set[str]] = defaultdict(set)
    for source, targets in _graph().items():
        for target in targets:
            a, b = source.split(".")[1], target.split(".")[1]
            if a != b:
                packages[a].add(b)
    pairs = {frozenset({a, b}) for a, bs in packages.items() for b in bs if a in packages.get(b, set())}
    assert sorted(map(sorted, pairs - KNOWN_PACKAGE_CYCLES)) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
