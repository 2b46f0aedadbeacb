"""Where a caught cancellation goes: questions ASL501 asks about an `except` handler that does
not re-raise on the spot, to tell a real swallow from code that delivers the cancellation
another way.

- `forwards_caught(handler, resolve)`: the handler hands the exception it caught to code that
  raises it elsewhere (`gen.throw(*sys.exc_info())`, `fut.set_exception(exc)`).
- `deferred_reraise(function, handler, resolve, cancelled)`: the handler records the
  cancellation (a flag, the exception) and a later `raise` in the same function, tied to that
  record, re-raises after the cleanup.
- `inside_reraising_handler(ancestors)`: the `try` sits in the body of an outer handler that
  re-raises after it (a second cancellation during cleanup is swallowed, the first is not).
- `task_ends(function, try_node, handler, ancestors)`: the handler leaves the task's own
  top-level loop and the function then ends: the task stops, nothing runs on.
- `reports_to_parent(handler)`: the handler tells someone else it was interrupted (a queue, a
  future, a status string); adding a `raise` there changes what that party sees.
- `cleanup_block(node, ancestors, catches_cancel)`: the code runs in a `finally` block or a
  handler of cancellation, where a new `await` is a point a second cancellation can stop the
  rest of the cleanup at.

Each answers from the function's syntax alone and says False when it cannot tell.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from asynclint.semantic.nodes import shallow_nodes
from asynclint.semantic.syntax import NESTED_SCOPES

Resolve = Callable[[ast.expr], "str | None"]

# Exceptions that deliver cancellation to a coroutine.
CANCELLED = frozenset({
    "asyncio.CancelledError", "asyncio.exceptions.CancelledError", "trio.Cancelled",
})
# Calls whose result is the cancellation exception class (`except anyio.get_cancelled_exc_class()`).
CANCELLED_FACTORIES = frozenset({"anyio.get_cancelled_exc_class"})
CATCH_ALL = frozenset({"builtins.BaseException"})

# Methods that raise an exception given to them in another frame (a generator, a greenlet, a
# future's awaiter): passing the caught exception to one forwards it.
FORWARD_METHODS = frozenset({"throw", "athrow", "set_exception"})
# Calls whose result is the exception being handled.
CURRENT_EXCEPTION = frozenset({"sys.exc_info", "sys.exception"})
# Methods that hand a message to another party (a parent task, a client).
REPORT_METHODS = frozenset({"put", "put_nowait", "send", "send_nowait", "send_json",
                            "send_text", "set_result", "notify", "emit", "publish"})
# Calls that only log: a message there reports to no one.
LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical",
                         "log", "print"})
REPORT_WORDS = ("interrupt", "cancel", "abort")
LOOPS = (ast.For, ast.AsyncFor, ast.While)


def _dotted(expr: ast.AST) -> str | None:
    """`flag` -> "flag", `self._cancelled` -> "self._cancelled"; None for anything else."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        inner = _dotted(expr.value)
        return None if inner is None else f"{inner}.{expr.attr}"
    return None


def _mentions(node: ast.AST | None, names: set[str]) -> bool:
    if node is None:
        return False
    return any(_dotted(sub) in names for sub in ast.walk(node)
               if isinstance(sub, (ast.Name, ast.Attribute)))


def _is_current_exception(expr: ast.expr, handler: ast.ExceptHandler, resolve: Resolve) -> bool:
    if isinstance(expr, ast.Starred):
        expr = expr.value
    if isinstance(expr, ast.Subscript):  # sys.exc_info()[1]
        expr = expr.value
    if isinstance(expr, ast.Name) and handler.name is not None:
        return expr.id == handler.name
    return isinstance(expr, ast.Call) and resolve(expr.func) in CURRENT_EXCEPTION


def forwards_caught(handler: ast.ExceptHandler, resolve: Resolve) -> bool:
    """`context.throw(*sys.exc_info())`, `fut.set_exception(exc)`: the exception is raised on
    in another frame whose outcome comes back here (sqlalchemy's greenlet bridge)."""
    for sub in shallow_nodes(handler.body):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) \
                and sub.func.attr in FORWARD_METHODS \
                and any(_is_current_exception(arg, handler, resolve) for arg in sub.args):
            return True
    return False


def _records(handler: ast.ExceptHandler) -> set[str]:
    """The names the handler assigns (`cancelled = True`, `self._err = exc`)."""
    found: set[str] = set()
    for sub in shallow_nodes(handler.body):
        targets: list[ast.expr] = []
        if isinstance(sub, ast.Assign):
            targets = list(sub.targets)
        elif isinstance(sub, (ast.AnnAssign, ast.AugAssign)):
            targets = [sub.target]
        for target in targets:
            name = _dotted(target)
            if name is not None:
                found.add(name)
    return found


def _raises_with_tests(body: list[ast.stmt],
                       tests: tuple[ast.expr, ...] = ()) -> Iterator[tuple[ast.Raise, tuple[ast.expr, ...]]]:
    """Every `raise` in `body` (not in nested scopes) with the `if`/`while` tests around it."""
    for stmt in body:
        if isinstance(stmt, ast.Raise):
            yield stmt, tests
        elif isinstance(stmt, (ast.If, ast.While)):
            yield from _raises_with_tests(stmt.body, (*tests, stmt.test))
            yield from _raises_with_tests(stmt.orelse, tests)
        elif isinstance(stmt, NESTED_SCOPES):
            continue
        else:
            for field in ("body", "orelse", "finalbody"):
                block = getattr(stmt, field, None)
                if isinstance(block, list):
                    yield from _raises_with_tests(block, tests)
            for handler in getattr(stmt, "handlers", ()):
                yield from _raises_with_tests(handler.body, tests)
            for case in getattr(stmt, "cases", ()):
                yield from _raises_with_tests(case.body, tests)


def deferred_reraise(function: ast.AST, handler: ast.ExceptHandler, resolve: Resolve,
                     cancelled: frozenset[str]) -> bool:
    """The handler records the cancellation and a `raise` after it in the same function is
    tied to that record: it raises the recorded name (`raise exc`), sits under a test of it
    (`if cancelled: raise CancelledError`), or raises cancellation itself once a record is
    made (`raise asyncio.CancelledError()`)."""
    records = _records(handler)
    if not records:
        return False
    end = (handler.end_lineno or handler.lineno, handler.end_col_offset or 0)
    for raise_node, tests in _raises_with_tests(getattr(function, "body", [])):
        if (raise_node.lineno, raise_node.col_offset) <= end:
            continue
        if _mentions(raise_node.exc, records) or any(_mentions(t, records) for t in tests):
            return True
        exc = raise_node.exc
        if isinstance(exc, ast.Call):
            exc = exc.func
        if exc is not None and resolve(exc) in cancelled:
            return True
    return False


def inside_reraising_handler(try_node: ast.Try, ancestors: list[ast.AST],
                             catches_cancel: Callable[[ast.ExceptHandler], bool]) -> bool:
    """The `try` is in the body of an outer handler of cancellation (in the same function)
    that raises after it: `except CancelledError: try: await cleanup() except ...: pass;
    raise`."""
    end = (try_node.end_lineno or try_node.lineno, try_node.end_col_offset or 0)
    for ancestor in ancestors:  # innermost first
        if isinstance(ancestor, NESTED_SCOPES):
            return False
        if isinstance(ancestor, ast.ExceptHandler) and catches_cancel(ancestor) \
                and any(isinstance(sub, ast.Raise) and (sub.lineno, sub.col_offset) > end
                        for sub in shallow_nodes(ancestor.body)):
            return True
    return False


def _awaits(nodes: list[ast.stmt]) -> bool:
    return any(isinstance(n, (ast.Await, ast.AsyncFor, ast.AsyncWith)) for n in shallow_nodes(nodes))


def _leaves(handler: ast.ExceptHandler) -> str | None:
    """How the handler leaves: "return" (a bare return), "break" (out of the loop around the
    try), "fall" (its end); None when it continues the loop or returns a value."""
    nested: set[int] = set()
    for sub in shallow_nodes(handler.body):
        if isinstance(sub, LOOPS):
            nested.update(id(n) for n in shallow_nodes([*sub.body, *sub.orelse]))
    how = "fall"
    for sub in shallow_nodes(handler.body):
        if isinstance(sub, ast.Return):
            if sub.value is not None and not (isinstance(sub.value, ast.Constant)
                                              and sub.value.value is None):
                return None
            how = "return"
        elif isinstance(sub, (ast.Break, ast.Continue)) and id(sub) not in nested:
            if isinstance(sub, ast.Continue):
                return None
            how = "break" if how == "fall" else how
    last = handler.body[-1]
    if isinstance(last, ast.Return):
        return "return"
    if isinstance(last, ast.Break):
        return "break"
    return how if how == "fall" else None  # a leave on one path only: cannot tell


def task_ends(function: ast.AST, try_node: ast.Try, handler: ast.ExceptHandler,
              ancestors: list[ast.AST]) -> bool:
    """The task's own top-level loop ends on cancellation and so does the function:

    - `while True: try: await ... except CancelledError: break|return` as a statement of the
      function's body, with nothing awaited after the loop;
    - `try: while True: ... except CancelledError: pass` as a statement of the function's body
      (the loop inside the `try`), with nothing awaited after the `try`.

    A function that returns a value is not a task body (its caller runs on with the value)."""
    body = getattr(function, "body", None)
    if not isinstance(body, list) or not isinstance(function, ast.AsyncFunctionDef):
        return False
    if any(isinstance(sub, ast.Return) and sub.value is not None
           and not (isinstance(sub.value, ast.Constant) and sub.value.value is None)
           for sub in shallow_nodes(body)):
        return False
    how = _leaves(handler)
    if how is None:
        return False
    parent = ancestors[0] if ancestors else None

    def after(stmt: ast.AST) -> list[ast.stmt]:
        index = next(i for i, s in enumerate(body) if s is stmt)
        return body[index + 1:]

    if parent is function:
        # the loop is inside the try: the handler is after the loop, falling out ends it
        if how == "break" or not any(isinstance(s, LOOPS) for s in try_node.body):
            return False
        return how == "return" or not _awaits(after(try_node))
    if isinstance(parent, LOOPS) and any(s is try_node for s in parent.body) \
            and len(ancestors) > 1 and ancestors[1] is function:
        if how == "return":
            return True
        return how == "break" and not _awaits(after(parent))
    return False


def reports_to_parent(handler: ast.ExceptHandler) -> bool:
    """The handler tells another party it was interrupted: `await parent.put(...)`,
    `fut.set_result(...)`, `self.status = "cancelled"`, a non-logging call with an
    "interrupted" message."""
    for sub in shallow_nodes(handler.body):
        if isinstance(sub, ast.Call):
            func = sub.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in REPORT_METHODS:
                return True
            if name not in LOG_METHODS and _says_interrupted(sub):
                return True
        elif isinstance(sub, (ast.Assign, ast.AnnAssign)):
            targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
            if any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in targets) \
                    and sub.value is not None and _says_interrupted(sub.value):
                return True
    return False


def _says_interrupted(node: ast.AST) -> bool:
    return any(isinstance(sub, ast.Constant) and isinstance(sub.value, str)
               and any(word in sub.value.lower() for word in REPORT_WORDS)
               for sub in ast.walk(node))


def cleanup_block(node: ast.AST, ancestors: Iterator[ast.AST] | list[ast.AST],
                  catches_cancel: Callable[[ast.ExceptHandler], bool]) -> str | None:
    """Where `node` runs when it is cleanup, in the same function: "finally" (a `finally`
    block), "handler" (an `except` that catches cancellation); None otherwise. `ancestors`
    are the node's (or its statement's), innermost first. An `await` added there is a new
    point where a second cancellation stops the rest of the cleanup."""
    row = getattr(node, "lineno", None)
    if row is None:
        return None
    for ancestor in ancestors:
        if isinstance(ancestor, NESTED_SCOPES):
            return None
        if isinstance(ancestor, (ast.Try, ast.TryStar)) and ancestor.finalbody:
            first, last = ancestor.finalbody[0], ancestor.finalbody[-1]
            if first.lineno <= row <= (last.end_lineno or last.lineno):
                return "finally"
        if isinstance(ancestor, ast.ExceptHandler) and catches_cancel(ancestor):
            return "handler"
    return None


def catches_cancellation(handler: ast.ExceptHandler, resolve: Resolve) -> bool:
    """The handler receives a cancellation: bare, `BaseException`, or a cancellation class
    (alone or in a tuple)."""
    if handler.type is None:
        return True
    members = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    for member in members:
        if isinstance(member, ast.Call):
            if resolve(member.func) in CANCELLED_FACTORIES:
                return True
        elif resolve(member) in CANCELLED | CATCH_ALL:
            return True
    return False
