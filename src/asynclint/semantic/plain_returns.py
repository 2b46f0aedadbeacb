"""Does a plain `def` return, and, unannotated, never an awaitable? A project-index fact for
ASL208 (`await` on what is not awaitable), read from the function's body alone."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from asynclint.semantic.model import SemanticModel
from asynclint.semantic.nodes import child_nodes
from asynclint.semantic.syntax import is_stub

# The project-index fact (a `FACT_PROVIDERS` entry) of a plain `def` that is no stub and, when
# unannotated, never returns an awaitable: every `return` gives a literal, a display or a
# builtin's result.
PLAIN_FACT = "plain"
# Builtins whose result is never awaitable (a plain `def` returning one returns no awaitable).
_PLAIN_BUILTINS = frozenset(f"builtins.{n}" for n in (
    "str", "int", "float", "bool", "bytes", "dict", "list", "tuple", "set", "frozenset",
    "len", "repr", "sorted", "isinstance", "issubclass", "hash", "id", "abs", "round",
    "print", "format"))
_PLAIN_NODES = (ast.Constant, ast.JoinedStr, ast.List, ast.Tuple, ast.Dict, ast.Set,
                ast.ListComp, ast.SetComp, ast.DictComp)


def plain_return(node: ast.FunctionDef | ast.AsyncFunctionDef,
                 model: SemanticModel) -> bool | None:
    """True when a plain `def` is no stub: its body is more than `pass`/`...`/`raise` (a stub
    may be overridden with an `async def`, and a call that raises never reaches the `await`).
    Unannotated, also each of its `return`s must give nothing, a literal, a display or a
    builtin's result (annotated, the annotation says what it returns). None otherwise
    ("nothing to say"). A generator needs no care: calling one gives a generator, which is
    no more awaitable than a plain value. Only statements are visited (a `return` is one),
    never expressions: the fact is computed for every function of a module."""
    if not isinstance(node, ast.FunctionDef):
        return None
    if is_stub(node):
        return None
    if node.returns is not None:
        return True
    for stmt in own_returns(node.body):
        value = stmt.value
        if value is not None and not isinstance(value, _PLAIN_NODES) and not (
                isinstance(value, ast.Call) and model.resolve(value.func) in _PLAIN_BUILTINS):
            return None
    return True


# The fields of compound statements that hold statements (handlers and match cases aside).
_BLOCKS = ("body", "orelse", "finalbody")


def own_returns(body: list[ast.stmt]) -> Iterator[ast.Return]:
    """The `return` statements of a function body itself (not of nested functions or
    classes), walking statements only."""
    stack: list[ast.stmt] = list(body)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, ast.Return):
            yield stmt
        elif not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for block in _BLOCKS:
                inner = getattr(stmt, block, None)
                if inner:
                    stack.extend(inner)
            for part in getattr(stmt, "handlers", None) or getattr(stmt, "cases", None) or ():
                stack.extend(part.body)


# -- an `async def` annotated loosely (`-> Any`): does it mean to hand back an awaitable? -------
_COMPUTED = (*_PLAIN_NODES, ast.Await)
_CAST = frozenset({"typing.cast", "typing_extensions.cast"})
_UNAWAITED_KEY = "called-unawaited"
# Decorators that hand callers the function's own result.
_KEEPING = frozenset({"builtins.staticmethod", "builtins.classmethod", "abc.abstractmethod",
                      "typing.override", "typing_extensions.override"})


def cast_operand(call: ast.expr, resolve: Callable[[ast.expr], str | None]) -> ast.expr | None:
    """`typing.cast(T, value)` -> `value` (a cast changes nothing at run time); None for any
    other expression."""
    if isinstance(call, ast.Call) and len(call.args) == 2 and not call.keywords \
            and not any(isinstance(a, ast.Starred) for a in call.args) \
            and resolve(call.func) in _CAST:
        return call.args[1]
    return None


def may_return_awaitable(function: ast.AsyncFunctionDef, model: SemanticModel,
                         coroutine_call: Callable[[ast.Call], bool]) -> bool:
    """Whether an `async def` whose annotation says nothing (`-> Any`, `-> object`) may mean
    to hand back an awaitable. It may when one of its `return`s gives neither a value it
    evidently computed itself (nothing, a literal, a display, an `await`) nor a coroutine call
    (`coroutine_call`: those are the slips asked about), say another call's result (`return
    super().execute_command(...)`: "whatever the command gives"), or a name; when a decorator
    other than `staticmethod`/`classmethod`/`abstractmethod` takes its result; and when its own
    module calls a function of its name without awaiting it (`asyncio.run(self._execute())`,
    a task, a queue: the caller takes the result as an object). Otherwise every `return coro()`
    makes callers `await` twice, and is a dropped `await`."""
    if any(model.resolve(d, model.module_scope) not in _KEEPING for d in function.decorator_list):
        return True  # a decorator may take the result as it is (await it, cache it...)
    if function.name in model.shared(_UNAWAITED_KEY, lambda: _called_unawaited(model.module)):
        return True
    for stmt in own_returns(function.body):
        value = stmt.value
        inner = cast_operand(value, model.resolve) if value is not None else None
        value = inner if inner is not None else value
        if value is None or isinstance(value, _COMPUTED):
            continue
        if not (isinstance(value, ast.Call) and coroutine_call(value)):
            return True
    return False


def returns_awaitables_by_design(function: ast.AsyncFunctionDef,
                                 coroutine_call: Callable[[ast.Call], bool]) -> bool:
    """Whether an unannotated `async def` shows, by its own returns, that it hands back
    awaitables on purpose: one `return` gives the result of a callable picked at run time
    (`return getattr(router, kind)(**data)`, `return handlers[name](...)`: a coroutine when
    that callable is async), or two give un-awaited calls of different coroutine functions (a
    dispatcher whose callers await what it returns: `return router.acompletion(...)` on one
    branch, `return router.abatch_completion(...)` on another). One `return coro()` among
    plain or awaited returns is a dropped `await`; a pattern of them is a design."""
    picked = False
    coroutines: set[str] = set()
    for stmt in own_returns(function.body):
        value = stmt.value
        if not isinstance(value, ast.Call):
            continue
        if isinstance(value.func, (ast.Call, ast.Subscript)):
            picked = True
        elif coroutine_call(value):
            coroutines.add(ast.unparse(value.func))
    return picked or len(coroutines) >= 2


def _called_unawaited(module: ast.Module) -> frozenset[str]:
    """The names (`f`, the attribute of `self.f`) the module calls without awaiting the call
    right away. One walk, for the rare function that asks."""
    awaited: set[int] = set()
    calls: list[ast.Call] = []
    stack: list[ast.AST] = [module]  # in no particular order: the answer is a set
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Await):
            awaited.add(id(node.value))
        elif isinstance(node, ast.Call):
            calls.append(node)
        stack.extend(child_nodes(node))
    names = set()
    for call in calls:
        if id(call) in awaited:
            continue
        func = call.func
        if isinstance(func, ast.Name):
            names.add(func.id)
        elif isinstance(func, ast.Attribute):
            names.add(func.attr)
    return frozenset(names)
