"""Is this call a coroutine? What calling a function gives — a coroutine, an async generator,
an async context manager — for the ASL2xx rules (un-awaited coroutines).

Decided from: `async def`s of this module (functions, nested functions, methods through
`self`/`cls`/`super()`/the class name and their bases), `async def`s elsewhere in the project
(the project index, through imports, re-exports and star imports; `Class.method` through a
class of this module), the catalog of library async APIs (`catalogs/async_apis.py`, methods
matched only on receivers whose type the semantic layer knows), and, for what the catalog does
not name, the installed packages' own source (read, never imported:
`ProjectView.lookup_full(..., installed=True)`). A decorator of the project that returns an
`async def` of its own (`FunctionSummary.wraps`) makes the function a coroutine function; one
whose signature says it keeps the function's result (`semantic.signatures`) keeps it, and so do
route decorators, on a router of the catalog's types also when it is made in another module.
Other decorators make it unknown; unknown means silent.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from asynclint.semantic.catalogs import async_apis as apis
from asynclint.semantic.catalogs.types import METHODLESS_BASES
from asynclint.semantic.model import SemanticModel, dotted_name
from asynclint.semantic.nodes import assigns, child_nodes
from asynclint.semantic.plain_returns import PLAIN_FACT, plain_return
from asynclint.semantic.project.summaries import (
    WRAPS_ASYNC,
    WRAPS_FACTORY,
    WRAPS_SAME,
    WRAPS_SAME_FACTORY,
    ClassSummary,
    FunctionSummary,
    summarize_class,
    summarize_function,
)
from asynclint.semantic.project.view import ProjectView
from asynclint.semantic.scopes import Scope
from asynclint.semantic.syntax import FUNCS, every_parameter, short_source
from asynclint.semantic.types import canonical, is_super_call

COROUTINE, ASYNC_GEN, ASYNC_CM = "coroutine", "async generator", "async context manager"
_PROTOCOLS = frozenset({"typing.Protocol", "typing_extensions.Protocol"})

# Return annotations that name a type whose instances are never awaitable.
_PLAIN_TYPES = frozenset({
    *(f"builtins.{n}" for n in ("None", "int", "str", "bytes", "bool", "float", "complex",
                                "dict", "list", "tuple", "set", "frozenset", "bytearray")),
    *(f"typing.{n}" for n in ("List", "Dict", "Tuple", "Set", "FrozenSet")),
})
# The standard library's top-level modules (neither the project's nor installed: ASL208 looks
# up nothing there beyond the catalog).
_STDLIB = frozenset(sys.stdlib_module_names) - {"__future__"}
_MAX_BASES = 8  # how far up a single-inheritance chain ASL208 looks for a method
_TRIVIAL_BASES = METHODLESS_BASES | {"typing.Protocol", "typing_extensions.Protocol"}
# Decorators that leave a plain `def` a plain `def` (anything else: unknown).
_KEEPS_PLAIN = frozenset({
    "builtins.staticmethod", "builtins.classmethod", "typing.override", "typing.final",
    "typing_extensions.override", "typing_extensions.final",
})

# A project decorator's `wraps` -> what it does to the function it decorates, used as `@d`
# (`_DIRECT`) or as `@d(...)` (`_FACTORY_OF`).
_DIRECT = {WRAPS_ASYNC: WRAPS_ASYNC, WRAPS_SAME: WRAPS_SAME}
_FACTORY_OF = {WRAPS_FACTORY: WRAPS_ASYNC, WRAPS_SAME_FACTORY: WRAPS_SAME}


@dataclass(frozen=True)
class Callee:
    kind: str  # COROUTINE, ASYNC_GEN or ASYNC_CM: what calling it gives
    func: ast.expr
    detail: str  # "{}" stands for the callee as written (rendered only when reported)
    # Defined by a `def` of this module or the project (not a catalog entry, some of which
    # return objects both awaitable and usable otherwise, such as `asyncpg.create_pool()`).
    defined: bool = False

    @property
    def label(self) -> str:
        return self.detail.replace("{}", f"`{short_source(self.func)}`")


class CoroutineOracle:
    """Answers "what does this call return?" for one module (shared by the ASL2xx rules)."""

    def __init__(self, semantic: SemanticModel, project: ProjectView | None = None,
                 extra_apis: Iterable[str] = (), extra_decorators: Iterable[str] = ()) -> None:
        """`project`: the project index as seen from this module, when there is one;
        `extra_apis`: more coroutine functions (`extra-async-apis`); `extra_decorators`:
        decorators that keep a function async (`extra-async-decorators` and
        `extra-handler-decorators`)."""
        self.semantic = semantic
        self.project = project
        self.extra_apis = frozenset(extra_apis)
        self.extra_decorators = frozenset(extra_decorators)
        self._classes: dict[int, ClassSummary] = {}
        self._locals: dict[tuple[int, str], FunctionSummary | ClassSummary | None] = {}
        self._answers: dict[int, Callee | None] = {}
        self._scope_classes: dict[int, frozenset[str]] = {}
        self._plain_names: dict[tuple[int, str], str | None] = {}

    # -- public ---------------------------------------------------------------------------------
    def classify(self, call: ast.Call) -> Callee | None:
        """What calling `call` gives, when it is async; None when not, or unknown. Memoised
        per call: several rules ask about the same call (an assignment's value is asked by
        ASL201 and ASL203), and a call's answer does not depend on who asks."""
        key = id(call)
        if key in self._answers:
            return self._answers[key]
        found = self._answers[key] = self._classify(call)
        return found

    def _classify(self, call: ast.Call) -> Callee | None:
        func = call.func
        semantic = self.semantic
        qualified = semantic.resolve(func)
        if qualified is not None:
            return self._qualified(qualified, func)
        if isinstance(func, ast.Name):
            return self._local_name(func)
        if isinstance(func, ast.Attribute):
            return self._method_call(func)
        return None

    def class_of_self(self, name: str) -> ast.ClassDef | None:
        """The class when `name` is the `self`/`cls` parameter of the method we are in (seen
        through closures too)."""
        return self._class_of_first_param(name)

    def plain_def(self, call: ast.Call) -> str | None:
        """For `await call`: a message template (as `Callee.detail`) when the call is known to
        call a plain `def` that returns no awaitable; None when unknown or maybe awaitable."""
        func = call.func
        qualified = self.semantic.resolve(func)
        if qualified is not None:
            name = canonical(qualified)
            if name in apis.PLAIN_CALLS:
                return _plain_label(func, name)
            view = self.project
            if view is None or "." not in name or name in apis.COROUTINE_CALLS \
                    or name.partition(".")[0] in _STDLIB or name in self.extra_apis:
                return None  # the catalog's, or the standard library's: nothing to look up
            found = view.lookup_full(name, installed=True)
            if found is None:
                typed = self._variable_method(name)
                return self._typed_plain(*typed, func) if typed is not None else None
            if found[0] not in ("function", "method"):
                return None
            return self._plain_summary(found[1], None)
        if isinstance(func, ast.Name):
            scope = self.semantic.defining_scope(func.id)
            if scope is None:
                return None
            key = (id(scope.node), func.id)
            if key not in self._plain_names:
                self._plain_names[key] = self._plain_local(scope, func.id)
            return self._plain_names[key]
        if isinstance(func, ast.Attribute):
            receiver = func.value
            if isinstance(receiver, ast.Name):
                cls_node = self._class_of_first_param(receiver.id)
                if cls_node is not None:
                    cls = self._class(cls_node)
                    method = self._single_method(cls, func.attr)
                    local = _def_in(cls_node.body, func.attr) \
                        if func.attr in cls.methods and func.attr not in cls.attributes \
                        else None
                    return self._plain_summary(method, local)
            kind = self._type_of(receiver)
            if kind is not None:
                return self._typed_plain(kind, func.attr, func)
        return None

    def _plain_local(self, scope: Scope, name: str) -> str | None:
        """`plain_def` of a name bound in this module (or an enclosing function) by a def,
        once per scope and name: a nested helper awaited many times is looked up (a walk of
        the scope that defines it) once. The template does not depend on the call."""
        summary = self._local_def(scope, name)
        if not isinstance(summary, FunctionSummary):
            return None
        node: ast.AST | None = None
        if scope.kind == "module":
            node = _def_in(self.semantic.module.body, name)
        else:
            defs, _ = _definitions(scope.node, name)
            node = defs[0] if len(defs) == 1 else None
        return self._plain_summary(summary, node)

    def _typed_plain(self, kind: str, attr: str, func: ast.expr) -> str | None:
        name = f"{kind}.{attr}"
        if name in apis.PLAIN_CALLS:
            return _plain_label(func, name)
        if kind.partition(".")[0] in _STDLIB or name in apis.COROUTINE_CALLS:
            return None  # the standard library's (beyond the catalog), or a coroutine
        found = self._project_class(kind)
        if found is None:
            return None
        return self._plain_summary(self._single_method(found[0], attr), None)

    def _plain_summary(self, summary: FunctionSummary | None, node: ast.AST | None) -> str | None:
        """The template for a plain `def` returning no awaitable (`node`: its def, when in
        this module): its return annotation names a non-awaitable type, or, unannotated, its
        body returns only plain values; either way it is no stub (`plain_return`)."""
        if summary is None or summary.kind != "sync" \
                or any(d not in _KEEPS_PLAIN for d in summary.decorators):
            return None
        returns = summary.returns
        if returns is not None and returns not in _PLAIN_TYPES \
                and not self._plain_class(returns, 0):
            return None
        if isinstance(node, ast.FunctionDef):
            plain = plain_return(node, self.semantic)
        else:
            view = self.project
            current = view.current if view is not None else None
            owner = summary.owner
            if owner is not None and owner is current:  # this module: its tree is at hand
                cls_name, _, name = summary.key.rpartition(".")
                body = self.semantic.module.body
                if cls_name:
                    cls_node = _def_in(body, cls_name)
                    body = cls_node.body if isinstance(cls_node, ast.ClassDef) else []
                found = _def_in(body, name)
                plain = plain_return(found, self.semantic) \
                    if isinstance(found, ast.FunctionDef) else None
            else:
                plain = view.fact_of(summary, PLAIN_FACT) if view is not None else None
        if plain is not True:
            return None
        if returns is not None:
            return f"{{}} is a plain `def` returning `{returns.rpartition('.')[2]}`"
        return "{} is a plain `def` that returns no awaitable"

    def _single_method(self, cls: ClassSummary, name: str) -> FunctionSummary | None:
        """A method through the class and its bases while each has one base: with several,
        which definition wins depends on the whole hierarchy's MRO (an async override in a
        later base may win over a sync one in an earlier base's base): unknown."""
        for _ in range(_MAX_BASES):
            if name in cls.methods:
                return cls.methods[name]
            if name in cls.attributes:
                return None
            bases = [b for b in cls.bases if b not in _TRIVIAL_BASES]
            view = self.project
            if len(bases) != 1 or view is None:
                return None
            found = view.lookup_full(bases[0], installed=True)
            if found is None or found[0] != "class":
                return None
            cls = found[1]
        return None

    def _plain_class(self, qualified: str, depth: int) -> bool:
        """A project class whose instances are never awaitable: no `__await__` in it or its
        bases, every base known."""
        found = self._project_class(qualified) if depth <= 8 else None
        if found is None:
            return False
        cls = found[0]
        if "__await__" in cls.methods or "__await__" in cls.attributes:
            return False
        return all(base == "builtins.object" or self._plain_class(base, depth + 1)
                   for base in cls.bases)

    def type_needs_async_with(self, expr: ast.expr) -> str | None:
        """The type of a `with` item's value when that type needs `async with`."""
        kind = self._type_of(expr)
        if kind is None:
            return None
        if kind in apis.ASYNC_CONTEXT_TYPES:
            return kind
        cls = self._project_class(kind)
        if cls is not None and self._async_only(cls[0], cls[1], "__aenter__", "__enter__"):
            return kind
        return None

    def type_needs_async_for(self, expr: ast.expr) -> str | None:
        kind = self._type_of(expr)
        cls = self._project_class(kind) if kind else None
        if kind and cls is not None and self._async_only(cls[0], cls[1], "__aiter__", "__iter__"):
            return kind
        return None

    # -- resolution -------------------------------------------------------------------------
    def _type_of(self, expr: ast.expr) -> str | None:
        kind = self.semantic.type_of(expr)
        if kind is None and isinstance(expr, (ast.Name, ast.Attribute)):
            # A module-level variable of another module of the project (`from app.db import
            # engine`): its summary knows the type.
            qualified = self.semantic.resolve(expr)
            view = self.project
            if qualified is not None and view is not None and "." in qualified:
                found = view.lookup_full(qualified, installed=True)
                if found is not None and found[0] == "variable":
                    kind = found[1]
        return canonical(kind) if kind else None

    def _qualified(self, qualified: str, func: ast.expr) -> Callee | None:
        name = canonical(qualified)
        if name in apis.COROUTINE_CALLS or name in self.extra_apis:
            return Callee(COROUTINE, func, _api_label(func, name))
        if name in apis.ASYNC_CONTEXT_CALLS or name in apis.ASYNC_CONTEXT_TYPES:
            return Callee(ASYNC_CM, func, _api_label(func, name))
        if name in apis.ASYNC_ITERATOR_CALLS:
            return Callee(ASYNC_GEN, func, _api_label(func, name))
        view = self.project
        if view is None or "." not in name or name.startswith("builtins."):
            return None
        found = view.lookup_full(name, installed=True)
        if found is None:
            typed = self._variable_method(name)
            return self._typed_method(*typed, func) if typed is not None else None
        what, summary, where = found
        if what == "variable":  # calling an instance: `SessionLocal()`
            return self._typed_method(canonical(summary), "__call__", func)
        if what == "class":
            assert isinstance(summary, ClassSummary)
            if self._async_only(summary, where, "__aenter__", "__enter__"):
                return Callee(ASYNC_CM, func, "{} (defines only `__aenter__`)")
            return None
        assert isinstance(summary, FunctionSummary)
        return self._from_summary(summary, func, where if what == "function" else None)

    def _from_summary(self, summary: FunctionSummary | None, func: ast.expr,
                      where: str | None) -> Callee | None:
        if summary is None:
            return None
        kind = self._effective(summary)
        if kind is None:
            return None
        place = f" ({where})" if where else ""
        noun = {COROUTINE: "an `async def`", ASYNC_GEN: "an async generator",
                ASYNC_CM: "an `@asynccontextmanager`"}[kind]
        if kind == COROUTINE and summary.kind != "async":
            noun = "made a coroutine function by its decorator (which returns an `async def`)"
        return Callee(kind, func, f"{{}}{place} is {noun}", defined=True)

    def _effective(self, summary: FunctionSummary) -> str | None:
        """What calling a function gives, after its decorators, innermost first (None: not
        async, or unknown)."""
        result = {"async": COROUTINE, "agen": ASYNC_GEN}.get(summary.kind)
        for decorator in reversed(summary.decorators):
            if decorator in apis.ASYNC_CM_DECORATORS:
                result = ASYNC_CM if result == ASYNC_GEN else None
            elif self._keeps(decorator):
                continue
            else:
                wraps = self._project_wraps(decorator)
                if wraps == WRAPS_ASYNC:
                    result = COROUTINE  # it returns an `async def` of its own, whatever it wraps
                elif wraps != WRAPS_SAME:  # WRAPS_SAME: its signature keeps the result
                    result = None  # unknown from here on, unless an outer decorator says
        return result

    def _keeps(self, decorator: str) -> bool:
        if decorator in apis.KEEPS_ASYNC or decorator in self.extra_decorators:
            return True
        bare = decorator.removesuffix("()")
        if bare in self.extra_decorators:
            return True
        owner, _, method = bare.rpartition(".")
        if not (decorator.endswith("()") and method in apis.ROUTE_DECORATOR_METHODS):
            return False
        if owner in apis.ROUTER_TYPES:
            return True
        # `@router.get(...)` on a router made in another module (`from . import router`).
        view = self.project
        found = view.lookup_full(owner) if view is not None and "." in owner else None
        return found is not None and found[0] == "variable" \
            and canonical(found[1]) in apis.ROUTER_TYPES

    def _project_wraps(self, decorator: str) -> str | None:
        """What a decorator of the project does to the function, as used: WRAPS_ASYNC when
        it returns an `async def` of its own (`@with_retry`, or `@retry_async(3)`, a factory of
        one); WRAPS_SAME when its signature keeps the function's result (`@db_injector`, or
        `@retry(3)`, a factory of one); None otherwise or unknown."""
        bare = decorator.removesuffix("()")
        view = self.project
        if view is None or "." not in bare or bare.startswith("?"):
            return None
        module, _, name = bare.rpartition(".")
        found: FunctionSummary | None = None
        if module in (self.semantic.module_name, "__module__"):
            current = view.current
            found = current.functions.get(name) if current is not None else None
        else:
            entry = view.lookup_full(bare)
            if entry is not None and entry[0] == "function" \
                    and isinstance(entry[1], FunctionSummary):
                found = entry[1]
        if found is None:
            return None
        as_used = _FACTORY_OF if decorator.endswith("()") else _DIRECT
        return as_used.get(found.wraps or "")

    def _local_name(self, func: ast.Name) -> Callee | None:
        """A name bound in this module or an enclosing function (not by an import)."""
        semantic = self.semantic
        name = func.id
        scope = semantic.defining_scope(name)
        if scope is None:
            return None
        found = self._local_def(scope, name)
        if isinstance(found, ClassSummary):
            qualified = f"{self.semantic.module_name or '__module__'}.{name}"
            if self._async_only(found, qualified, "__aenter__", "__enter__"):
                return Callee(ASYNC_CM, func, "{} (defines only `__aenter__`)")
            return None
        return self._from_summary(found, func, None)

    def _local_def(self, scope: Scope, name: str) -> FunctionSummary | ClassSummary | None:
        key = (id(scope.node), name)
        if key in self._locals:
            return self._locals[key]
        result: FunctionSummary | ClassSummary | None = None
        view = self.project
        if scope.kind == "module" and view is not None and view.current is not None:
            # The module's summary already says which top-level names are plain defs.
            current = view.current
            result = current.functions.get(name) or current.classes.get(name)
        elif scope.kind == "function" and _defines_directly(scope.node, name):
            defs, others = _definitions(scope.node, name)
            if len(defs) == 1 and not others:
                only = defs[0]
                if isinstance(only, ast.ClassDef):
                    result = self._class(only)
                elif isinstance(only, FUNCS):
                    result = summarize_function(only, self.semantic)
        self._locals[key] = result
        return result

    def _method_call(self, func: ast.Attribute) -> Callee | None:
        receiver = func.value
        # self.m() / cls.m()
        if isinstance(receiver, ast.Name):
            cls_node = self._class_of_first_param(receiver.id)
            if cls_node is not None:
                qualified = self._class_qualname(cls_node)
                method = self._method_in(self._class(cls_node), qualified, func.attr)
                return self._from_summary(method, func, None)
            # `Repo.load(...)`, `Repo.save(self, ...)`: through a class of this module.
            scope = self.semantic.defining_scope(receiver.id)
            if scope is not None and scope.kind in ("module", "function") \
                    and receiver.id in self._class_names(scope.node):
                found = self._local_def(scope, receiver.id)
                if isinstance(found, ClassSummary):
                    qualified = f"{self.semantic.module_name or '__module__'}.{receiver.id}"
                    method = self._method_in(found, qualified, func.attr)
                    return self._from_summary(method, func, None)
        # super().m()
        if is_super_call(receiver, self.semantic):
            cls_node = self._enclosing_class()
            if cls_node is None:
                return None
            cls = self._class(cls_node)
            stripped = ClassSummary(cls.bases, {}, [])
            method = self._method_in(stripped, self._class_qualname(cls_node), func.attr)
            return self._from_summary(method, func, None)
        # A receiver of known type: the catalog, or a class of the project.
        kind = self._type_of(receiver)
        if kind is None:
            return None
        return self._typed_method(kind, func.attr, func)

    def _variable_method(self, name: str) -> tuple[str, str] | None:
        """(its type, the method) when `name` is a method of a typed module variable of the
        project or an installed package (`engine.dispose` on `from app.db import engine`)."""
        view = self.project
        owner, _, attr = name.rpartition(".")
        variable = view.lookup_full(owner, installed=True) if view is not None else None
        if variable is None or variable[0] != "variable":
            return None
        return canonical(variable[1]), attr

    def _typed_method(self, kind: str, attr: str, func: ast.expr) -> Callee | None:
        name = f"{kind}.{attr}"
        if name in apis.COROUTINE_CALLS or name in self.extra_apis:
            return Callee(COROUTINE, func, _api_label(func, name))
        if name in apis.ASYNC_CONTEXT_CALLS:
            return Callee(ASYNC_CM, func, _api_label(func, name))
        if name in apis.ASYNC_ITERATOR_CALLS:
            return Callee(ASYNC_GEN, func, _api_label(func, name))
        cls_found = self._project_class(kind)
        if cls_found is None or any(b in _PROTOCOLS for b in cls_found[0].bases):
            # A Protocol says what implementations should be, and some knowingly differ
            # (SQLAlchemy's DBAPI cursor protocol: `close()` is sync for some drivers).
            return None
        method = self._method_in(cls_found[0], cls_found[1], attr)
        return self._from_summary(method, func, None)

    # -- classes ----------------------------------------------------------------------------
    def _class_names(self, node: ast.AST) -> frozenset[str]:
        """The classes a scope defines (a cheap pre-check before its summary is asked:
        `logger.info()` is no class's)."""
        found = self._scope_classes.get(id(node))
        if found is None:
            found = self._scope_classes[id(node)] = frozenset(
                _class_defs(getattr(node, "body", [])))
        return found

    def _class(self, node: ast.ClassDef) -> ClassSummary:
        found = self._classes.get(id(node))
        if found is None:
            found = self._classes[id(node)] = summarize_class(node, self.semantic)
        return found

    def _class_qualname(self, node: ast.ClassDef) -> str:
        return f"{self.semantic.module_name or '__module__'}.{node.name}"

    def _project_class(self, qualified: str) -> tuple[ClassSummary, str] | None:
        view = self.project
        if view is None or "." not in qualified:
            return None
        found = view.lookup_full(qualified, installed=True)
        if found is None or found[0] != "class":
            return None
        assert isinstance(found[1], ClassSummary)
        return found[1], found[2]

    def _method_in(self, cls: ClassSummary, qualified: str, name: str) -> FunctionSummary | None:
        if name in cls.methods:
            return cls.methods[name]
        if name in cls.attributes:
            return None
        view = self.project
        if view is None:
            return None
        return view.method_in(cls, qualified, name, installed=True)

    def _async_only(self, cls: ClassSummary, qualified: str, async_name: str,
                    sync_name: str) -> bool:
        """The class has an `async def` `__aenter__` (or `__aiter__`) and no sync twin, with
        every base known."""
        if any(b == "?" for b in cls.bases):
            return False
        view = self.project
        for base in cls.bases:
            if base in METHODLESS_BASES:
                continue
            if view is None or view.class_summary(base, installed=True) is None:
                return False
        has_async = self._method_in(cls, qualified, async_name)
        has_sync = self._method_in(cls, qualified, sync_name)
        if sync_name in cls.methods or has_sync is not None:
            return False
        return has_async is not None and has_async.kind in ("async", "agen", "sync")

    def _enclosing_class(self) -> ast.ClassDef | None:
        scope: Scope | None = self.semantic.scope
        while scope is not None and scope.kind in ("lambda", "function"):
            if scope.kind == "function" and scope.parent is not None \
                    and scope.parent.kind == "class":
                node = scope.parent.node
                assert isinstance(node, ast.ClassDef)
                return node
            scope = scope.parent
        return None

    def _class_of_first_param(self, name: str) -> ast.ClassDef | None:
        """The class when `name` is the `self`/`cls` parameter of the method we are in."""
        scope: Scope | None = self.semantic.scope
        while scope is not None and scope.kind == "lambda":
            scope = scope.parent
        # A nested function sees the method's `self` through its closure.
        while scope is not None and scope.kind == "function":
            func = scope.node
            assert isinstance(func, FUNCS)
            params = [*func.args.posonlyargs, *func.args.args]
            if scope.parent is not None and scope.parent.kind == "class":
                if not params or params[0].arg != name:
                    return None
                if any(self.semantic.resolve(d, scope.parent) == "builtins.staticmethod"
                       for d in func.decorator_list):
                    return None
                if self.semantic.defining_scope(name) is not scope:
                    return None
                node = scope.parent.node
                assert isinstance(node, ast.ClassDef)
                return node
            if scope.lookup(name) is not None:
                return None
            scope = scope.parent
        return None


def _defines_directly(node: ast.AST, name: str) -> bool:
    """Cheap pre-check: a def or class of that name among the scope's own statements."""
    return any(isinstance(s, (*FUNCS, ast.ClassDef)) and s.name == name
               for s in getattr(node, "body", ()))


def _class_defs(body: list[ast.stmt]) -> Iterable[str]:
    """Names of the classes among a block's statements, also under `if` and `try`."""
    for stmt in body:
        if isinstance(stmt, ast.ClassDef):
            yield stmt.name
        elif isinstance(stmt, (ast.If, ast.Try, ast.TryStar)):
            yield from _class_defs(stmt.body)
            yield from _class_defs(stmt.orelse)
            if not isinstance(stmt, ast.If):
                yield from _class_defs(stmt.finalbody)
                for handler in stmt.handlers:
                    yield from _class_defs(handler.body)


def _definitions(node: ast.AST, name: str) -> tuple[list[ast.stmt], list[ast.AST]]:
    """Defs of `name` directly in a scope and any other binding of it there."""
    defs: list[ast.stmt] = []
    others: list[ast.AST] = []
    if isinstance(node, (*FUNCS, ast.Lambda)) \
            and any(p.arg == name for p in every_parameter(node.args)):
        others.append(node)
    body = getattr(node, "body", [])
    stack: list[ast.AST] = list(body) if isinstance(body, list) else []
    while stack:
        sub = stack.pop()
        if isinstance(sub, (*FUNCS, ast.ClassDef)):
            if sub.name == name:
                defs.append(sub)
            others.extend(d for d in sub.decorator_list if assigns(d, name))
            continue
        if isinstance(sub, ast.Lambda):
            continue
        if isinstance(sub, ast.Name) and sub.id == name and isinstance(sub.ctx, ast.Store):
            others.append(sub)
        elif isinstance(sub, (ast.Import, ast.ImportFrom)):
            others.extend(a for a in sub.names if (a.asname or a.name.split(".")[0]) == name)
        elif isinstance(sub, (ast.Global, ast.Nonlocal)) and name in sub.names:
            others.append(sub)
        stack.extend(child_nodes(sub))
    return defs, others


def _def_in(body: list[ast.stmt], name: str) -> ast.AST | None:
    """The last def or class of `name` among a block's statements (under `if`/`try` too), as
    a summary takes it."""
    found: ast.AST | None = None
    stack = list(body)
    while stack:
        stmt = stack.pop(0)
        if isinstance(stmt, (*FUNCS, ast.ClassDef)):
            if stmt.name == name:
                found = stmt
        elif isinstance(stmt, ast.If):
            stack[:0] = [*stmt.body, *stmt.orelse]
        elif isinstance(stmt, (ast.Try, ast.TryStar)):
            stack[:0] = [*stmt.body, *stmt.orelse, *stmt.finalbody,
                         *(s for h in stmt.handlers for s in h.body)]
    return found


def _plain_label(func: ast.expr, name: str) -> str:
    written = dotted_name(func)
    what = "" if written == name else f" `{name}`"
    return f"{{}} (the plain function{what}) returns no awaitable"


def _api_label(func: ast.expr, name: str) -> str:
    """A message template: the callee as written, and the API it resolved to when different."""
    written = dotted_name(func)
    return "{} (async API)" if written == name else f"{{}} (async API `{name}`)"
