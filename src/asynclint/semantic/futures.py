"""Whether a `concurrent.futures.Future` is already done where a coroutine reads its result.

`future.result()` waits for the future, but returns at once when the future is done. A coroutine
knows it is done when, on every path to the call, it has first

- awaited the future itself: `await asyncio.wrap_future(future)` (or `wrap_future(...)` inside
  `asyncio.wait_for` / `asyncio.shield`);
- awaited a completion signal only the future's done-callback raises: `event.wait()` of a local
  event whose every `set` is inside a function handed to `future.add_done_callback` (the event
  is used for nothing else, so nothing else can set it);
- or checked `future.done()` (the call sits in the body of `if future.done():`).

"Every path" is read from the statements alone: the wait is an earlier statement of a block
that holds the call (or of a block around it), a `with` whose body waits, an `if` whose
branches both wait, or a `try` whose body waits and whose every handler ends in `raise`.
Anything else is not known to be done, and the call stays a blocking one.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from asynclint.semantic.nodes import walk
from asynclint.semantic.syntax import FUNCS, NESTED_SCOPES

# `await <one of these>(wrap_future(f))` waits for `f` as surely as `await wrap_future(f)`.
_WAIT_WRAPPERS = frozenset({"wait_for", "shield"})
_STMT_LISTS = ("body", "orelse", "finalbody")


def _name(expr: ast.expr) -> str | None:
    return expr.id if isinstance(expr, ast.Name) else None


def _method_call(expr: ast.expr, owner: str, method: str) -> bool:
    """`owner.method(...)`, `owner` a plain name."""
    return (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute)
            and expr.func.attr == method and _name(expr.func.value) == owner)


def _callback_events(func: ast.AST, future: str) -> set[str]:
    """Local names of events that only `future`'s done-callbacks (defs of the coroutine
    handed to `future.add_done_callback`) set, and that are used for nothing but `.wait()`,
    `.set()` and `.is_set()`."""
    callbacks: set[str] = set()
    for node in walk(func):
        if isinstance(node, ast.Call) and node.args \
                and _method_call(node, future, "add_done_callback"):
            callback = _name(node.args[0])
            if callback is not None:
                callbacks.add(callback)
    if not callbacks:
        return set()
    inside: set[int] = set()
    for node in walk(func):
        if isinstance(node, FUNCS) and node.name in callbacks:
            inside.update(id(sub) for sub in walk(node))
    uses: dict[str, list[tuple[ast.Name, ast.AST]]] = {}
    for node in walk(func):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Name):
                uses.setdefault(child.id, []).append((child, node))
    found: set[str] = set()
    for name, places in uses.items():
        stores = [n for n, _ in places if not isinstance(n.ctx, ast.Load)]
        loads = [(n, parent) for n, parent in places if isinstance(n.ctx, ast.Load)]
        if len(stores) != 1 or not loads:
            continue
        sets = [n for n, parent in loads
                if isinstance(parent, ast.Attribute) and parent.attr == "set"]
        others = [n for n, parent in loads if not (
            isinstance(parent, ast.Attribute) and parent.attr in ("set", "wait", "is_set"))]
        if sets and not others and all(id(n) in inside for n in sets):
            found.add(name)
    return found


def _called(call: ast.Call) -> str | None:
    """The last part of the called name: `wait_for` for `asyncio.wait_for(...)`."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def _waits(expr: ast.expr | None, future: str, events: set[str]) -> bool:
    """`await` of the future's completion: its wrapped future, or a callback-only event."""
    if not isinstance(expr, ast.Await):
        return False
    value = expr.value
    if isinstance(value, ast.Call) and _called(value) in _WAIT_WRAPPERS and value.args:
        value = value.args[0]
    if isinstance(value, ast.Call):
        if _called(value) == "wrap_future" and value.args and _name(value.args[0]) == future:
            return True
        return any(_method_call(value, event, "wait") for event in events)
    return False


def _always_waits(stmt: ast.stmt, future: str, events: set[str]) -> bool:
    """Once `stmt` has run to its end, the future is done."""
    if isinstance(stmt, (ast.Expr, ast.Assign, ast.AnnAssign)):
        return _waits(stmt.value, future, events)
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return any(_always_waits(s, future, events) for s in stmt.body)
    if isinstance(stmt, ast.If):
        return any(_always_waits(s, future, events) for s in stmt.body) and \
            any(_always_waits(s, future, events) for s in stmt.orelse)
    if isinstance(stmt, ast.Try):
        return any(_always_waits(s, future, events) for s in stmt.body) and all(
            handler.body and isinstance(handler.body[-1], ast.Raise) for handler in stmt.handlers)
    return False


def _checked_done(test: ast.expr, future: str) -> bool:
    return _method_call(test, future, "done")


def is_done(call: ast.Call, ancestors: Sequence[ast.AST]) -> bool:
    """`call` is `future.result()` (any method of a plain name, really) at a point where the
    coroutine around it knows the future is done (see the module docstring). `ancestors` are
    the call's, outermost first."""
    if not isinstance(call.func, ast.Attribute):
        return False
    future = _name(call.func.value)
    if future is None:
        return False
    func = next((a for a in reversed(ancestors) if isinstance(a, NESTED_SCOPES)), None)
    if not isinstance(func, ast.AsyncFunctionDef):
        return False
    events = _callback_events(func, future)
    chain = [*ancestors, call]
    start = chain.index(func)
    for outer, inner in zip(chain[start:-1], chain[start + 1:], strict=True):
        if isinstance(outer, ast.If) and any(inner is s for s in outer.body) \
                and _checked_done(outer.test, future):
            return True
        blocks = [getattr(outer, field, None) for field in _STMT_LISTS]
        for block in blocks:
            if not isinstance(block, list) or not any(inner is s for s in block):
                continue
            for stmt in block:
                if stmt is inner:
                    break
                if _always_waits(stmt, future, events):
                    return True
    return False
