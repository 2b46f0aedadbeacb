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
- `stop_flag_exit(function, handler, ancestors)`: the handler ends the task when a flag its
  owner sets before cancelling it is on, and carries on past a stray `CancelledError` (one a
  database driver raises) otherwise; `task_handles(function, outer)` says where a coroutine
  only ever started as a task is kept.
- `ends_function(function, try_node, handler, ancestors)`: every way out of the handler ends
  the coroutine, nothing after it awaits (asked of a command's top-level coroutine);
  `own_task_ends(...)`: the same in a coroutine that only ever runs as a task of its own
  (`runs_as_task`).

Each answers from the function's syntax alone and says False when it cannot tell.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from asynclint.semantic.nodes import child_nodes, own_nodes, shallow_nodes, walk
from asynclint.semantic.syntax import FUNCS, NESTED_SCOPES, every_parameter

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


# -- a task its owner stops by a flag it sets before cancelling ---------------------------------
# Calls that run a coroutine as a task of its own, by the callee's last name: given the coroutine
# (`asyncio.create_task(f())`) or the coroutine function (`task_group.start_soon(f)`). Nothing
# awaits the coroutine there: when it returns, its task ends and no caller runs on.
SPAWN_WITH_COROUTINE = frozenset({"create_task", "ensure_future"})
# (Not `start(f)`, a name many APIs use: anyio's and trio's pass `task_status`, see below.)
SPAWN_WITH_FUNCTION = frozenset({"start_soon"})
# Waits on tasks that do not let a cancel the task swallows through to the waiter: `asyncio.wait`
# does not cancel what it waits on, `gather` raises `CancelledError` when it was cancelled.
TASK_WAITERS = frozenset({"wait", "gather"})
# What a task started by a task group method is cancelled through: `task_group.cancel_scope`.
GROUP_CANCEL = "cancel_scope"
# The keyword-only parameter anyio's and trio's `start(f)` pass to `f` (`task_status.started()`
# reports to the starter): a coroutine that requires it is written to run as a task of its own.
STARTED_PARAMETER = "task_status"


@dataclass(frozen=True)
class StopFlag:
    """A test of a shutdown flag: `if stopping:` (`stop_value` True), `if not self._running:`
    (False), or `if self._stop.is_set():` (`event`, set by `self._stop.set()`). `name` is
    the flag's dotted name as written."""

    name: str
    stop_value: bool = True
    event: bool = False


def _callee(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _scope_owner(outer: list[ast.AST]) -> ast.AST | None:
    return next((a for a in outer if isinstance(a, (*NESTED_SCOPES, ast.Module))), None)


def _exported(module: ast.Module) -> set[str]:
    names: set[str] = set()
    for stmt in module.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else \
            [stmt.target] if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) else []
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            names.update(n.value for n in ast.walk(stmt) if isinstance(n, ast.Constant)
                         and isinstance(n.value, str))
    return names


def task_handles(function: ast.AST, outer: list[ast.AST]) -> set[str] | None:
    """Where `function` is started, when all the code that can name it starts it as a task of
    its own and does nothing else with it: the dotted names its tasks are kept in
    (`periodic = asyncio.create_task(f())` -> "periodic"; `tg.start_soon(f)` ->
    "tg.cancel_scope"). `outer` are the def's ancestors, innermost first.

    None when something calls, awaits or passes it otherwise (a caller would run on after it
    returns), nothing mentions it, or the code that can name it is not all in view: a public
    module-level function or method may be awaited from another module."""
    if not isinstance(function, FUNCS):
        return None
    name = function.name
    owner = _scope_owner(outer)
    module = outer[-1] if outer else None
    if owner is None or not isinstance(module, ast.Module):
        return None
    attribute = isinstance(owner, ast.ClassDef)
    if isinstance(owner, (ast.ClassDef, ast.Module)):
        if not name.startswith("_") or name.startswith("__") or name in _exported(module):
            return None
        region: ast.AST = module
    elif isinstance(owner, FUNCS):
        region = owner
    else:
        return None
    parents = {id(child): node for node in walk(region) for child in child_nodes(node)}
    handles: set[str] = set()
    mentions = 0
    for node in walk(region):
        if not ((isinstance(node, ast.Name) and node.id == name)
                or (attribute and isinstance(node, ast.Attribute) and node.attr == name)):
            continue
        mentions += 1
        call = parents.get(id(node))
        if not isinstance(call, ast.Call):
            return None
        if call.func is node:  # `f()` handed to a spawner
            spawn = parents.get(id(call))
            if not (isinstance(spawn, ast.Call) and spawn.args and spawn.args[0] is call
                    and _callee(spawn) in SPAWN_WITH_COROUTINE):
                return None
            holder = parents.get(id(spawn))
            if isinstance(holder, ast.Assign) and len(holder.targets) == 1:
                kept = _dotted(holder.targets[0])
                if kept is not None:
                    handles.add(kept)
            elif isinstance(holder, ast.AnnAssign):
                kept = _dotted(holder.target)
                if kept is not None:
                    handles.add(kept)
        elif call.args and call.args[0] is node and _callee(call) in SPAWN_WITH_FUNCTION:
            group = _dotted(call.func.value) if isinstance(call.func, ast.Attribute) else None
            if group is not None:
                handles.add(f"{group}.{GROUP_CANCEL}")
        else:
            return None
    if not mentions or not _handles_kept(region, handles, parents):
        return None
    return handles


def _handles_kept(region: ast.AST, handles: set[str], parents: dict[int, ast.AST]) -> bool:
    """Nothing awaits the tasks kept in `handles` but their canceller: awaiting a task passes
    the awaiter's own cancellation into it (`Task.cancel` cancels the future it waits on), so
    a task that swallows it would let the awaiter run on. Allowed: attribute and method use
    (`task.cancel()`, `task.done()`), storing, tests (`if task`, `task is None`), `asyncio.wait`
    and `gather` (which do not let a swallowed cancel through), and `await task` after a
    `task.cancel()` earlier in the same function."""
    if not handles:
        return True
    for node in walk(region):
        if not isinstance(node, (ast.Name, ast.Attribute)) or _dotted(node) not in handles:
            continue
        parent = parents.get(id(node))
        if isinstance(parent, ast.Attribute) and parent.value is node:
            continue
        if isinstance(parent, (ast.Assign, ast.AnnAssign, ast.Compare, ast.BoolOp, ast.If,
                               ast.While, ast.IfExp, ast.UnaryOp)):
            continue
        holder = parents.get(id(parent)) if isinstance(parent, (ast.List, ast.Tuple, ast.Set)) \
            else parent
        if isinstance(holder, ast.Call) and holder.func is not node \
                and _callee(holder) in TASK_WAITERS:
            continue
        if isinstance(parent, ast.Await) and _cancelled_before(node, parents):
            continue
        return False
    return True


def _cancelled_before(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """`task.cancel()` comes before `node` (a use of `task`) in the function around it."""
    function: ast.AST | None = parents.get(id(node))
    while function is not None and not isinstance(function, FUNCS):
        function = parents.get(id(function))
    if function is None:
        return False
    name = _dotted(node)
    where = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
    return any(isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute)
               and sub.func.attr == "cancel" and _dotted(sub.func.value) == name
               and (sub.lineno, sub.col_offset) < where
               for sub in shallow_nodes(getattr(function, "body", [])))


def stop_flag(handler: ast.ExceptHandler) -> StopFlag | None:
    """The flag the handler's first statement tests, when it is an `if` on a bare flag."""
    first = handler.body[0] if handler.body else None
    if not isinstance(first, ast.If):
        return None
    test, stop_value = first.test, True
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, stop_value = test.operand, False
    if isinstance(test, ast.Call) and stop_value and not test.args and not test.keywords \
            and isinstance(test.func, ast.Attribute) and test.func.attr == "is_set":
        name = _dotted(test.func.value)
        return None if name is None else StopFlag(name, True, event=True)
    name = _dotted(test)
    return None if name is None else StopFlag(name, stop_value)


def _branch_ends(body: list[ast.stmt], function: ast.AST, ancestors: list[ast.AST]) -> bool:
    """The branch ends the coroutine: it ends in a bare `return` or a `raise`, or `break`s out
    of a loop that is a statement of the function's body with nothing awaited after it, and it
    `continue`s nowhere."""
    nested: set[int] = set()
    for sub in shallow_nodes(body):
        if isinstance(sub, LOOPS):
            nested.update(id(n) for n in shallow_nodes([*sub.body, *sub.orelse]))
    if any(isinstance(sub, ast.Continue) and id(sub) not in nested for sub in shallow_nodes(body)):
        return False
    last = body[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    if not isinstance(last, ast.Break):
        return False
    loop = next((a for a in ancestors if isinstance(a, LOOPS) or a is function), None)
    fbody: list[ast.stmt] = getattr(function, "body", [])
    if loop is None or loop is function or not any(s is loop for s in fbody):
        return False
    return not _awaits(fbody[[id(s) for s in fbody].index(id(loop)) + 1:])


def _binds(function: ast.AST, name: str) -> bool:
    """`name` is a local of `function` (assigned in its own code, not declared nonlocal or
    global)."""
    declared = any(isinstance(n, (ast.Nonlocal, ast.Global)) and name in n.names
                   for n in shallow_nodes(getattr(function, "body", [])))
    if declared:
        return False
    args = getattr(function, "args", None)
    if isinstance(args, ast.arguments) and any(a.arg == name for a in every_parameter(args)):
        return True
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
               for n in shallow_nodes(getattr(function, "body", [])))


def _first_parameter(function: ast.AST) -> str | None:
    args = getattr(function, "args", None)
    params = [*args.posonlyargs, *args.args] if isinstance(args, ast.arguments) else []
    return params[0].arg if params else None


def _setters(function: ast.AST, flag: StopFlag, outer: list[ast.AST]
             ) -> list[tuple[ast.AST, str]]:
    """The functions that can set the same flag, each with the flag's name as written there:
    for a name, the enclosing function it is a local of (or, for a module global, every
    function declaring it `global`); for `self.attr` in a method, the class's methods."""
    head, _, rest = flag.name.partition(".")
    if not rest:
        if _binds(function, head):
            return []  # the coroutine's own local: no canceller sets it
        for scope in outer:
            if isinstance(scope, FUNCS) and _binds(scope, head):
                return [(scope, head)]
            if isinstance(scope, ast.ClassDef):
                continue
        module = outer[-1] if outer else None
        if not isinstance(module, ast.Module):
            return []
        return [(f, head) for f in walk(module) if isinstance(f, FUNCS)
                and any(isinstance(n, ast.Global) and head in n.names
                        for n in shallow_nodes(f.body))]
    owner = outer[0] if outer else None
    if not isinstance(owner, ast.ClassDef) or head != _first_parameter(function):
        return []
    found: list[tuple[ast.AST, str]] = []
    for method in owner.body:
        first = _first_parameter(method) if isinstance(method, FUNCS) else None
        if first is not None:
            found.append((method, f"{first}.{rest}"))
    return found


def _sets_then_cancels(setter: ast.AST, name: str, flag: StopFlag, handles: set[str]) -> bool:
    """In `setter`'s own code, the flag gets its stop value and after that one of `handles`
    is cancelled (`task.cancel()`)."""
    set_at: tuple[int, int] | None = None
    for node, _ in own_nodes(getattr(setter, "body", [])):
        if not isinstance(node, (ast.stmt, ast.expr)):
            continue
        where = (node.lineno, node.col_offset)
        if set_at is not None and where > set_at and isinstance(node, ast.Call) \
                and isinstance(node.func, ast.Attribute) and node.func.attr == "cancel" \
                and not node.args and _dotted(node.func.value) in handles:
            return True
        if set_at is None and _sets(node, name, flag):
            set_at = (node.end_lineno or node.lineno, node.end_col_offset or 0)
    return False


def _sets(node: ast.AST, name: str, flag: StopFlag) -> bool:
    if flag.event:
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr == "set" and not node.args and _dotted(node.func.value) == name
    if not isinstance(node, (ast.Assign, ast.AnnAssign)):
        return False
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return any(_dotted(t) == name for t in targets) and isinstance(node.value, ast.Constant) \
        and bool(node.value.value) is flag.stop_value


def stop_flag_exit(function: ast.AST, handler: ast.ExceptHandler,
                   ancestors: list[ast.AST]) -> bool:
    """The handler tells its owner's shutdown from a stray `CancelledError` (one a database
    driver raises during an outage) by a flag the owner sets before it cancels the task:

        except asyncio.CancelledError:
            if stopping:
                return
            log.warning("spurious cancel; continuing")

    All of: the handler's first statement tests a flag (a name, `self.attr`, or
    `event.is_set()`) and that branch ends the coroutine (`_branch_ends`); the coroutine
    returns no value and is only ever started as a task of its own (`task_handles`: no caller
    runs on after it returns); and the code that can set the same flag sets it to its stop
    value and then, later in that same function, cancels that task (`task.cancel()` on where
    it was kept, or the task group's cancel scope). `ancestors` are the `try`'s, innermost
    first, beyond the function."""
    if not isinstance(function, ast.AsyncFunctionDef) or _returns_value(function):
        return False
    flag = stop_flag(handler)
    if flag is None:
        return False
    branch = handler.body[0]
    if not isinstance(branch, ast.If) or not _branch_ends(branch.body, function, ancestors):
        return False
    index = next((i for i, a in enumerate(ancestors) if a is function), None)
    if index is None:
        return False
    outer = ancestors[index + 1:]
    handles = task_handles(function, outer)
    if not handles:
        return False
    return any(_sets_then_cancels(setter, name, flag, handles)
               for setter, name in _setters(function, flag, outer))


def _returns_value(function: ast.AST) -> bool:
    return any(isinstance(sub, ast.Return) and sub.value is not None
               and not (isinstance(sub.value, ast.Constant) and sub.value.value is None)
               for sub in shallow_nodes(getattr(function, "body", [])))


def _requires_task_status(function: ast.AST) -> bool:
    args = getattr(function, "args", None)
    if not isinstance(args, ast.arguments):
        return False
    return any(a.arg == STARTED_PARAMETER and default is None
               for a, default in zip(args.kwonlyargs, args.kw_defaults, strict=True))


def runs_as_task(function: ast.AST, outer: list[ast.AST]) -> bool:
    """`function` only ever runs as a task of its own, so no caller runs on after it returns:
    all the code that can name it starts it as a task (`task_handles`), or it requires the
    `task_status` keyword that only a task group's `start()` passes. `outer` are the def's
    ancestors, innermost first."""
    return _requires_task_status(function) or task_handles(function, outer) is not None


def own_task_ends(function: ast.AST, try_node: ast.Try, handler: ast.ExceptHandler,
                  ancestors: list[ast.AST]) -> bool:
    """The coroutine runs as a task of its own (`runs_as_task`), returns no value, and every
    way out of the handler ends it (`ends_function`): the task stops, nothing runs on.
    `ancestors` are the `try`'s, innermost first, beyond the function."""
    if not isinstance(function, ast.AsyncFunctionDef) or _returns_value(function):
        return False
    index = next((i for i, a in enumerate(ancestors) if a is function), None)
    if index is None or not runs_as_task(function, ancestors[index + 1:]):
        return False
    return ends_function(function, try_node, handler, ancestors)


# -- the top-level coroutine of a command ---------------------------------------------------------
def ends_function(function: ast.AST, try_node: ast.Try, handler: ast.ExceptHandler,
                  ancestors: list[ast.AST]) -> bool:
    """Every way out of the handler ends the coroutine: it `continue`s or `break`s nowhere, and
    unless it ends in `return`/`raise`, nothing after the `try` awaits again on the way to the
    function's end (the `try`'s own `finally:` may: that is its cleanup). Not inside a loop or
    an `async with` (whose exit awaits). `ancestors` are the `try`'s, innermost first."""
    nested: set[int] = set()
    for sub in shallow_nodes(handler.body):
        if isinstance(sub, LOOPS):
            nested.update(id(n) for n in shallow_nodes([*sub.body, *sub.orelse]))
    if any(isinstance(sub, (ast.Break, ast.Continue)) and id(sub) not in nested
           for sub in shallow_nodes(handler.body)):
        return False
    if isinstance(handler.body[-1], (ast.Return, ast.Raise)):
        return True
    current: ast.AST = try_node
    for ancestor in ancestors:
        if isinstance(ancestor, (ast.Try, ast.TryStar)):
            if any(s is current for s in ancestor.body):
                rest = [*ancestor.orelse, *ancestor.finalbody]
            elif any(s is current for s in ancestor.orelse) or any(
                    h is current for h in ancestor.handlers):
                rest = list(ancestor.finalbody)
            else:
                rest = []
            if _awaits(rest):
                return False
        elif isinstance(ancestor, (ast.If, ast.With, ast.ExceptHandler, ast.match_case,
                                   ast.Match, *FUNCS)):
            pass
        else:
            return False  # a loop runs on, an `async with` awaits its exit
        for field in ("body", "orelse", "finalbody"):
            block = getattr(ancestor, field, None)
            if isinstance(block, list) and any(s is current for s in block):
                index = next(i for i, s in enumerate(block) if s is current)
                if _awaits(block[index + 1:]):
                    return False
        if ancestor is function:
            return True
        current = ancestor
    return False
