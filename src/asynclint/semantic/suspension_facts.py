"""The `suspends` fact of the project index: what a project coroutine waits on by itself, and
which project coroutines it awaits (`semantic.suspension` follows those through the index;
`project.facts` lists it).

The fact, computed from the function's own module and never reading the index, is
`{"kind": K, "calls": [...]}`: K is the costliest kind (`catalogs/waits.ORDER`) among the
body's own awaits, `async with` and `async for` (`none` when it has none), and `calls` the
project functions whose kind adds to it (qualified names). None when nothing can be said (not
an `async def`, a stub, an async generator, a decorator that may change the call): unknown.

An await's kind comes from `catalogs/waits.py` by the awaited function's name, by the type of
what it returns or of its receiver (or of the receiver's root: `client.chat.completions`), or
by the handle it is called on: a name bound by `async with db_context() as db` or
`conn = await connect()` takes the kind of what opened it, so `await db.get(...)` inside
`async with get_async_db() as db` is a database lookup when `get_async_db` opens a session.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from asynclint.semantic.catalogs import waits as catalog
from asynclint.semantic.concrete import method_classes, module_definitions
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.nodes import own_nodes, walk
from asynclint.semantic.scopes import Scope
from asynclint.semantic.syntax import FUNCS, FuncDef, is_stub
from asynclint.semantic.types import canonical

FACT = "suspends"
# Decorators that leave what calling the function does as it is.
KEEPING = frozenset({"builtins.staticmethod", "builtins.classmethod"})
# Decorators whose function is entered with `async with`: entering it runs its body up to the
# `yield`, so its kind is its body's.
CONTEXT_MANAGERS = frozenset({"contextlib.asynccontextmanager"})
_RANK = {kind: rank for rank, kind in enumerate(catalog.ORDER)}


def join(first: str, second: str) -> str:
    """The costlier of two kinds (a coroutine that may take either path)."""
    return first if _RANK.get(first, 0) >= _RANK.get(second, 0) else second


@dataclass(frozen=True)
class Wait:
    """What one await (or a whole body) waits on: a kind of its own and project functions
    whose kinds add to it."""

    kind: str = catalog.NONE
    calls: tuple[str, ...] = ()

    def __or__(self, other: Wait) -> Wait:
        calls = self.calls + tuple(c for c in other.calls if c not in self.calls)
        return Wait(join(self.kind, other.kind), calls)


UNKNOWN = Wait(catalog.UNKNOWN)


# -- the fact (computed in the callee's module) -------------------------------------------------
def project_fact(func: FuncDef, model: SemanticModel) -> dict[str, Any] | None:
    """`{"kind": ..., "calls": [...]}` for a plain `async def` (or an
    `@asynccontextmanager` one), or a plain `def` that only returns a call (awaiting what it
    returns waits on that call); None when it is none of these, or a stub."""
    if isinstance(func, ast.FunctionDef):
        return _forwarding_def(func, model)
    if is_stub(func):
        return None
    entered = False
    for decorator in func.decorator_list:
        resolved = model.resolve(decorator, model.module_scope)
        if resolved in CONTEXT_MANAGERS:
            entered = True
        elif resolved not in KEEPING:
            return None
    found = AwaitKinds(model, function_scope(func, model), func).body(entered)
    return None if found is None else {"kind": found.kind, "calls": list(found.calls)}


def _forwarding_def(func: ast.FunctionDef, model: SemanticModel) -> dict[str, Any] | None:
    """`def get(self, path): return self.request("GET", path)`: awaiting `get(...)` awaits
    the call it returns, so it waits on what that call waits on. Only an undecorated `def`
    whose body (after a docstring) is that one `return`."""
    body = func.body[1:] if func.body and isinstance(func.body[0], ast.Expr) \
        and isinstance(func.body[0].value, ast.Constant) else func.body
    if func.decorator_list or len(body) != 1 or not isinstance(body[0], ast.Return) \
            or not isinstance(body[0].value, ast.Call) \
            or any(isinstance(n, (ast.Await, ast.Lambda, ast.NamedExpr)) for n in walk(body[0])):
        return None
    found = AwaitKinds(model, function_scope(func, model), func).of_call(body[0].value)
    return {"kind": found.kind, "calls": list(found.calls)}


def function_scope(func: FuncDef, model: SemanticModel) -> Scope:
    """The scope of a module-level function or of a method of a top-level class."""
    owner = method_classes(model).get(id(func))
    parent = model.module_scope
    if owner is not None:
        cls = module_definitions(model).get(owner)
        if isinstance(cls, ast.ClassDef):
            parent = Scope("class", cls, parent)
    return Scope("function", func, parent, True)


class AwaitKinds:
    """The kind of each await of one function body (`of_await`), and of what its `async with`
    and `async for` enter (`of_context`)."""

    def __init__(self, model: SemanticModel, scope: Scope, func: FuncDef,
                 table: Mapping[str, str] = catalog.WAITS) -> None:
        """`table`: the catalog's kinds (with the user's own, at a call site)."""
        self.table = table
        self.model = model
        self.scope = scope
        self.func = func
        self.module = model.module_name or "__module__"
        owner = method_classes(model).get(id(func))
        params = [*func.args.posonlyargs, *func.args.args]
        self.owner = owner
        self.self_name = params[0].arg if owner is not None and params else None
        self._local: frozenset[str] | None = None
        self._busy: frozenset[str] = frozenset()  # closures being followed (recursion)
        self._handles: dict[str, Wait] | None = None

    def body(self, entered: bool = False) -> Wait | None:
        """What the function's own awaits, `async with` and `async for` wait on; None for an
        async generator (not awaited) unless `entered` (an `@asynccontextmanager`)."""
        found = Wait()
        for node, _ in own_nodes(self.func.body):
            if isinstance(node, ast.AsyncFor):
                found |= self.of_context(node.iter)
            elif isinstance(node, ast.AsyncWith):
                for item in node.items:
                    found |= self.of_context(item.context_expr)
            elif isinstance(node, ast.comprehension) and node.is_async:
                found |= self.of_context(node.iter)
            elif isinstance(node, (ast.Yield, ast.YieldFrom)) and not entered:
                return None  # an async generator: not awaited
            elif isinstance(node, ast.Await):
                found |= self.of_await(node.value)
        return found

    def _closure(self, func: ast.expr) -> Wait | None:
        """`await send(0)` of an `async def send` the function defines once (a retrying
        closure): what its body waits on; a recursive call adds nothing of its own."""
        if not isinstance(func, ast.Name):
            return None
        defined = [n for n, _ in own_nodes(self.func.body)
                   if isinstance(n, ast.AsyncFunctionDef) and n.name == func.id]
        if len(defined) != 1 or defined[0].decorator_list \
                or func.id in self._bound_otherwise(func.id):
            return None
        if func.id in self._busy:
            return Wait()
        inner = AwaitKinds(self.model, Scope("function", defined[0], self.scope, True),
                           defined[0], self.table)
        inner._busy = self._busy | {func.id}
        return inner.body() or UNKNOWN

    def _bound_otherwise(self, name: str) -> frozenset[str]:
        """`{name}` when the function binds `name` other than by its one `async def`."""
        stores = any(isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)
                     for n, _ in own_nodes(self.func.body))
        return frozenset({name}) if stores or name in _parameters(self.func) else frozenset()

    def of_await(self, value: ast.expr) -> Wait:
        if isinstance(value, ast.Call):
            return self.of_call(value)
        return self._of_object(value)

    def of_context(self, expr: ast.expr) -> Wait:
        """What entering `async with expr` or iterating `async for ... in expr` waits on."""
        if isinstance(expr, ast.Call):
            return self.of_call(expr)
        if isinstance(expr, ast.Await):
            return self.of_await(expr.value)
        return self._of_object(expr)

    def of_call(self, call: ast.Call) -> Wait:
        model, scope = self.model, self.scope
        func = call.func
        resolved = model.resolve(func, scope)
        qualified = canonical(resolved) if resolved else None
        if qualified is not None and qualified in self.table:
            return Wait(self.table[qualified])
        if qualified in catalog.FORWARDING:
            return self._forwarded(call)
        returned = model.types.type_of(call, scope)
        if returned is not None and canonical(returned) in self.table:
            return Wait(self.table[canonical(returned)])  # a constructor, a typed factory
        if isinstance(func, ast.Attribute):
            through = self._through(func)
            if through is not None:
                return through
        closure = self._closure(func)
        if closure is not None:
            return closure
        target = self._project_function(func)
        return Wait(calls=(target,)) if target is not None else UNKNOWN

    def _forwarded(self, call: ast.Call) -> Wait:
        """`gather(a(), b())`, `wait_for(a(), 5)`: the kinds of the awaitables handed over."""
        found = Wait()
        awaitables = [a for a in call.args if not isinstance(a, ast.Constant)]
        awaitables += [k.value for k in call.keywords if k.arg in (None, "fut", "arg")]
        for arg in awaitables:
            if isinstance(arg, ast.Starred):
                return UNKNOWN
            found |= self.of_await(arg)
        return found

    def _of_object(self, expr: ast.expr) -> Wait:
        """Awaiting or entering an object: its type's kind, a handle's, else unknown."""
        kind = self._type_kind(expr)
        if kind is not None:
            return Wait(kind)
        if isinstance(expr, ast.Name):
            handle = self.handles().get(expr.id)
            if handle is not None:
                return handle
        return UNKNOWN

    def _through(self, func: ast.Attribute) -> Wait | None:
        """A method called on (something reached through) an object whose kind is known: a
        typed receiver, a handle, an ORM model class. Through a typed object the tables do
        not know, the method's name (`app.repos.Repo.get`) is followed like a project
        function's."""
        attrs = [func.attr]
        node: ast.expr = func.value
        typed: str | None = None
        while True:
            kind = self._type_kind(node)
            if kind is not None:
                exact = self.table.get(f"{self._type_name(node)}.{attrs[-1]}")
                return Wait(exact if exact is not None and len(attrs) == 1 else kind)
            if typed is None and not (isinstance(node, ast.Name) and node.id in self.handles()):
                found = self._type_name(node)
                if found is not None and not found.startswith("builtins."):
                    typed = ".".join([found, *reversed(attrs)])
            if not isinstance(node, ast.Attribute):
                break
            attrs.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name):
            if node.id != self.self_name:
                handle = self.handles().get(node.id)
                if handle is not None:
                    return handle
            resolved = self.model.resolve(node, self.scope)
            if resolved is not None:
                for base, kind in catalog.MODEL_BASES.items():
                    if self.model.types.derives_from(resolved, base):
                        return Wait(kind)
        return Wait(calls=(typed,)) if typed is not None else None

    def _type_name(self, expr: ast.expr) -> str | None:
        found = self.model.types.type_of(expr, self.scope)
        return canonical(found) if found else None

    def _type_kind(self, expr: ast.expr) -> str | None:
        if isinstance(expr, ast.Name) and expr.id in self.handles():
            return None  # its kind is what opened it
        found = self._type_name(expr)
        return self.table.get(found) if found else None

    def _project_function(self, func: ast.expr) -> str | None:
        """The qualified name of the function a call reaches, when it may be a project
        coroutine: an imported name, a function of this module, a method through `self`."""
        root = func
        while isinstance(root, ast.Attribute):
            root = root.value
        if not isinstance(root, ast.Name) or (root.id in self.local_names()
                                              and root.id != self.self_name):
            return None
        model = self.model
        if isinstance(func, ast.Name):
            definition = module_definitions(model).get(func.id)
            if isinstance(definition, FUNCS):
                return f"{self.module}.{func.id}"
        if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                and func.value.id == self.self_name and self.owner is not None):
            return f"{self.module}.{self.owner}.{func.attr}"
        if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                and isinstance(module_definitions(model).get(func.value.id), ast.ClassDef)):
            return f"{self.module}.{func.value.id}.{func.attr}"  # `Config.get` of this module
        qualified = model.resolve(func, model.module_scope)
        if qualified is None or qualified.startswith("builtins."):
            return None
        return qualified

    def local_names(self) -> frozenset[str]:
        if self._local is None:
            self._local = _locally_bound(self.func)
        return self._local

    def handles(self) -> dict[str, Wait]:
        """Names the body binds only to what an `async with` enters or an `await` returns
        (never a parameter, never bound otherwise): their methods wait on what opened them."""
        if self._handles is None:
            self._handles = {}  # while they are worked out, none is known (no recursion)
            self._handles = self._find_handles()
        return self._handles

    def _find_handles(self) -> dict[str, Wait]:
        openers: dict[str, list[ast.expr]] = {}
        others: set[str] = set(_parameters(self.func))
        for node, _ in own_nodes(self.func.body):
            if isinstance(node, ast.AsyncWith):
                for item in node.items:
                    if isinstance(item.optional_vars, ast.Name):
                        openers.setdefault(item.optional_vars.id, []).append(item.context_expr)
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 \
                    and isinstance(node.targets[0], ast.Name) \
                    and isinstance(node.value, ast.Await):
                openers.setdefault(node.targets[0].id, []).append(node.value)
        counted: dict[str, int] = {}
        for node, _ in own_nodes(self.func.body):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                counted[node.id] = counted.get(node.id, 0) + 1
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                others.update(node.names)
        found: dict[str, Wait] = {}
        for name, exprs in openers.items():
            if name in others or counted.get(name, 0) != len(exprs):
                continue
            wait = Wait()
            for expr in exprs:
                wait |= self.of_context(expr)
            found[name] = wait
        return found


def _parameters(func: FuncDef) -> list[str]:
    args = func.args
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    names.extend(a.arg for a in (args.vararg, args.kwarg) if a is not None)
    return names


def _locally_bound(func: FuncDef) -> frozenset[str]:
    """Names the function binds itself (parameters, assignments): not module functions."""
    names = set(_parameters(func))
    for node, _ in own_nodes(func.body):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, (*FUNCS, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".", 1)[0])
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
    return frozenset(names)
