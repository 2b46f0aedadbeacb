"""Which functions are request handlers: the functions a web framework calls once per request.

Rules need this to tell code that runs per request (and, for a sync handler, in a worker thread)
from any other function. Knowledge is data (`catalogs/frameworks.py`): a contributor adds a
framework in one line per table.

Public API (other rule families use it too):

- `handler_info(func, semantic, extra_decorators=()) -> Handler | None`: is this `def` /
  `async def` registered as a route or websocket handler in this module, and by which framework?
- `defines_app(semantic) -> bool`: does the module create a framework application at module
  level (so a server imports it)?

A function is a handler when the module registers it, seen from the code alone:
decorators on a router whose type is known (`app = FastAPI()`, `router = APIRouter(...)`,
`app: FastAPI`, `routes = web.RouteTableDef()`, `app = Quart(__name__)`, ...), framework
decorator functions (`@get("/")` from litestar), and registration calls naming the function
(`app.add_api_route("/", home)`, `Route("/", home)`, `web.get("/", home)`, ...). A router whose
type cannot be told (imported from another module, reassigned) registers nothing: precision
first. The index is built once per file, on the first question.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from asynclint.semantic.catalogs.frameworks import (
    APP_TYPES,
    ATTRIBUTE_TYPES,
    HANDLER_DECORATORS,
    ROUTE_CALLS,
    ROUTE_METHODS,
    ROUTER_DECORATORS,
)
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.nodes import child_nodes
from asynclint.semantic.scopes import Scope
from asynclint.semantic.syntax import FUNCS, FuncDef
from asynclint.semantic.types import canonical

# The last part of every registration call's name: an attribute call ending otherwise
# registers nothing, whatever its receiver (so its receiver's type is not worked out).
_ROUTE_LAST_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in (*ROUTE_CALLS, *ROUTE_METHODS))


@dataclass(frozen=True)
class Handler:
    """A function a framework calls per request.

    `registration` is "decorator" (the handler's decorators register it) or "call" (a route
    table or registration call names it); `decorators` tells whether every decorator of the
    function is a registration (nothing else wraps it).
    """

    framework: str
    kind: str  # "http" | "websocket"
    is_async: bool
    registration: str
    only_registration_decorators: bool


def _name(qualified: str | None) -> str | None:
    return canonical(qualified) if qualified is not None else None


class HandlerIndex:
    """Every handler the module registers, found in one walk over the module."""

    def __init__(self, semantic: SemanticModel, extra_decorators: tuple[str, ...],
                 walk: bool = True) -> None:
        self.semantic = semantic
        self.extra = frozenset(extra_decorators)
        self.handlers: dict[int, Handler] = {}
        if walk:
            self._walk(semantic.module.body, semantic.module_scope)

    # -- the walk -----------------------------------------------------------------------------
    def _walk(self, body: Iterable[ast.AST], scope: Scope) -> None:
        """Every node of the statements, depth first, down to (and including) nested defs,
        classes and lambdas: their decorators, defaults and bases are walked here, a def's or
        class's body with a scope of its own when the def is met. One loop with most nodes
        told by one set lookup, not a generator: the walk visits every node of the module (a
        generator and its type tests were a quarter of the index's own cost)."""
        for node in body:
            stack = [node]
            pop, extend = stack.pop, stack.extend
            while stack:
                sub = pop()
                if sub.__class__ not in _WALK_STOPS:  # most nodes: one set lookup
                    extend(child_nodes(sub))
                    continue
                if isinstance(sub, ast.Call):
                    self._call(sub, scope)
                elif isinstance(sub, FUNCS):
                    self._function(sub, scope)
                    self._walk(sub.body, Scope("function", sub, scope,
                                               isinstance(sub, ast.AsyncFunctionDef)))
                    # Decorators and defaults run in the enclosing scope.
                    extend(sub.decorator_list)
                    stack.append(sub.args)
                    continue
                elif isinstance(sub, ast.ClassDef):
                    self._walk(sub.body, Scope("class", sub, scope))
                    extend(sub.decorator_list)
                    extend(sub.bases)
                    continue
                elif isinstance(sub, ast.Lambda):
                    continue
                extend(child_nodes(sub))

    def _type(self, expr: ast.expr, scope: Scope) -> str | None:
        if isinstance(expr, ast.Attribute):
            owner = self._type(expr.value, scope)
            if owner is not None:
                found = ATTRIBUTE_TYPES.get(f"{owner}.{expr.attr}")
                if found is not None:
                    return found
        return _name(self.semantic.types.type_of(expr, scope))

    def _function(self, func: FuncDef, scope: Scope) -> None:
        found: tuple[str, str] | None = None
        registrations = 0
        for decorator in func.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            match = self._decorator(target, scope)
            if match is not None:
                found = found or match
                registrations += 1
        if found is not None:
            self._add(func, found, "decorator", registrations == len(func.decorator_list))

    def _decorator(self, target: ast.expr, scope: Scope) -> tuple[str, str] | None:
        qualified = _name(self.semantic.resolve(target, scope))
        if qualified is not None:
            if qualified in HANDLER_DECORATORS:
                return HANDLER_DECORATORS[qualified]
            if qualified in self.extra:
                return ("custom", "http")
        if isinstance(target, ast.Attribute):
            receiver = self._type(target.value, scope)
            if receiver is not None:
                router = ROUTER_DECORATORS.get(receiver)
                if router is not None and target.attr in router[1]:
                    return router[0], router[1][target.attr]
                if f"{receiver}.{target.attr}" in self.extra:
                    return ("custom", "http")
        return None

    def _call(self, call: ast.Call, scope: Scope) -> None:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr not in _ROUTE_LAST_NAMES:
            return
        spec = ROUTE_CALLS.get(_name(self.semantic.resolve(func, scope)) or "")
        if spec is None and isinstance(func, ast.Attribute):
            receiver = self._type(func.value, scope)
            if receiver is not None:
                spec = ROUTE_METHODS.get(f"{receiver}.{func.attr}")
        if spec is None:
            return
        framework, kind, position, keyword = spec
        arg: ast.expr | None = call.args[position] if len(call.args) > position else None
        for kw in call.keywords:
            if kw.arg == keyword:
                arg = kw.value
        if isinstance(arg, ast.Name):
            target = self._def_named(arg.id, scope)
            if target is not None:
                self._add(target, (framework, kind), "call", not target.decorator_list)

    def _def_named(self, name: str, scope: Scope) -> FuncDef | None:
        """The one `def` that `name` means from `scope`, when it is a plain function there."""
        owner = self.semantic.defining_scope(name, scope)
        if owner is None or owner.lookup(name) is None:
            return None
        body = getattr(owner.node, "body", None)
        if not isinstance(body, list):
            return None
        defs = [s for s in _statements(body) if getattr(s, "name", None) == name]
        bound_otherwise = any(
            isinstance(t, ast.Name) and t.id == name
            for s in _statements(body) if isinstance(s, (ast.Assign, ast.AnnAssign))
            for t in (s.targets if isinstance(s, ast.Assign) else [s.target])
        )
        if len(defs) == 1 and isinstance(defs[0], FUNCS) and not bound_otherwise:
            return defs[0]
        return None

    def _add(self, func: FuncDef, match: tuple[str, str], registration: str,
             only_registration: bool) -> None:
        if id(func) in self.handlers:
            return
        self.handlers[id(func)] = Handler(
            framework=match[0], kind=match[1], is_async=isinstance(func, ast.AsyncFunctionDef),
            registration=registration, only_registration_decorators=only_registration,
        )


# The node types the index's walk does more with than entering their children.
_WALK_STOPS = frozenset({ast.Call, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                         ast.Lambda})


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a block, including those nested in if/try/with/for (not in defs)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (*FUNCS, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list):
                yield from _statements(inner)
        for handler in getattr(stmt, "handlers", ()):
            yield from _statements(handler.body)
        for case in getattr(stmt, "cases", ()):
            yield from _statements(case.body)


def handler_info(func: ast.AST, semantic: SemanticModel,
                 extra_decorators: Iterable[str] = (), text: str | None = None
                 ) -> Handler | None:
    """The framework registration of `func` in this module, or None when it is not a handler.

    `extra_decorators` are the `extra-handler-decorators` setting: qualified decorator names
    (`myframework.route`) or `Type.method` of a router type (`myframework.Router.get`).
    """
    if not isinstance(func, FUNCS):
        return None
    extra = tuple(sorted(extra_decorators))
    if text is not None and text.count(func.name) < 2:
        # `text`, the module's source, names the function only where it is defined: no call
        # can register it, only its own decorators can; no need to index the whole module.
        if not func.decorator_list:
            return None
        scope = semantic.scope
        if scope.node is func and scope.parent is not None:
            alone = HandlerIndex(semantic, extra, walk=False)
            alone._function(func, scope.parent)
            return alone.handlers.get(id(func))
    # The module's index, built once per file (and per set of extra decorators).
    index = semantic.shared(f"handlers:{','.join(extra)}", lambda: HandlerIndex(semantic, extra))
    return index.handlers.get(id(func))


def defines_app(semantic: SemanticModel) -> bool:
    """True when the module creates a framework application at module level (`app = FastAPI()`):
    an ASGI/WSGI server imports such a module, usually from inside its running event loop."""
    scope = semantic.module_scope
    for stmt in semantic.module.body:
        value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
        if isinstance(value, ast.Call):
            made = _name(semantic.types.call_result(value, scope))
            if made in APP_TYPES:
                return True
    return False
