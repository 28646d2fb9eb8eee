"""The code's rooms: no module imports another that imports it back, at any depth of the
package tree (import-linter's contracts in pyproject.toml check the layers; this checks
the cycles, function-level and type-checking imports included, which grimp sees)."""

from __future__ import annotations

import grimp


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
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
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _graph() -> dict[str, set[str]]:
    graph = grimp.build_graph("azad", "flows")
    ours = [m for m in graph.modules if m.split(".")[0] in ("azad", "flows")]
    return {
        m: {
            d
            for d in graph.find_modules_directly_imported_by(m)
            if d.split(".")[0] in ("azad", "flows")
        }
        for m in ours
    }


def _collapsed(edges: dict[str, set[str]], depth: int) -> dict[str, set[str]]:
    """The graph of packages ``depth`` names deep (a package's own children excluded)."""

    def at(name: str) -> str:
        return ".".join(name.split(".")[:depth])

    out: dict[str, set[str]] = {}
    for src, targets in edges.items():
        for dst in targets:
            a, b = at(src), at(dst)
            if a != b and not b.startswith(a + ".") and not a.startswith(b + "."):
                out.setdefault(a, set()).add(b)
                out.setdefault(b, set())
    return out


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_another_that_imports_it_back() -> None:
    assert _cycles(_graph()) == []


def test_no_package_imports_another_that_imports_it_back() -> None:
    edges = _graph()
    for depth in (2, 3):
        assert _cycles(_collapsed(edges, depth)) == [], f"packages {depth} names deep"
