"""Lazy initialisation of a module global: code that runs on the first call only.

    def get_global_loop():
        global _loop
        if _loop is None or not _loop.running:
            _loop = EventLoopThread()
            _loop.start()          # waits for the thread: once per process
        return _loop

The branch sets the global its test found unset, so later calls skip it: what it blocks on is
paid once per process (like a memoised helper, `catalogs.blocking.CACHING_DECORATORS`), not on
every request, and the blocking rules do not follow a helper into it.

Recognised: a function declaring `global G` with an `if` whose test says G is unset — `G is
None`, `not G`, or one of these first in an `or` whose other tests look only at G (`not
G.running`, `not G.thread.is_alive()`) — and whose body assigns G. A test that also looks at
anything else (`time.time() - _stamp > 60`, a refresh) runs again and is not lazy.

Public API: `lazy_init_nodes(func) -> frozenset[int]` (ids of the own nodes of such branches).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from asynclint.semantic.nodes import assigns, own_nodes, walk
from asynclint.semantic.syntax import FuncDef


def _unset(test: ast.expr) -> str | None:
    """The name a test finds unset: `G is None`, `not G`."""
    if isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) \
            and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is) \
            and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None:
        return test.left.id
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) \
            and isinstance(test.operand, ast.Name):
        return test.operand.id
    return None


def _lazy_test(test: ast.expr, names: set[str]) -> str | None:
    """The global a lazy-initialisation test is about, None when it is not one."""
    first = test.values[0] if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or) \
        else test
    name = _unset(first)
    if name is None or name not in names:
        return None
    if any(isinstance(n, ast.Name) and n.id != name for n in walk(test)):
        return None  # it also looks at something else: it may run again
    return name


def lazy_init_nodes(func: FuncDef, nodes: Iterable[ast.AST] | None = None) -> frozenset[int]:
    """The ids of the own nodes of `func`'s branches that initialise a global on first use
    (`nodes`: `func`'s own nodes, when the caller has them listed)."""
    if nodes is None:
        nodes = (node for node, _ in own_nodes(func.body))
    declared = {name for node in nodes if isinstance(node, ast.Global) for name in node.names}
    if not declared:
        return frozenset()
    found: set[int] = set()
    for node, _ in own_nodes(func.body):
        if not isinstance(node, ast.If) or id(node) in found:
            continue
        name = _lazy_test(node.test, declared)
        if name is not None and any(assigns(stmt, name) for stmt in node.body):
            found.update(id(inner) for inner, _ in own_nodes(node.body))
    return frozenset(found)
