"""Light type inference: the types a human reads off the code, and nothing more.

Sources: annotations (parameters, variables, `Optional[X]`, `X | None`, `Annotated[X, ...]`,
string annotations), constructor calls (`httpx.Client()`), factories and methods with known
results (`sqlite3.connect()`, `conn.cursor()`, `SessionLocal()` of a `sessionmaker`),
`with X() as y`, FastAPI dependencies (`= Depends(get_db)` with `def get_db() -> Iterator[Session]`),
functions of the same module with a return annotation, `self.x` set in `__init__` from a
typed parameter or a constructor, properties and methods whose annotation or returned values
say it, loop variables over an annotated container (`for k, b in builders.items()`), and
`x = await f()` for an `async def f() -> T` of this module or (through the model's `awaited`)
the project. A class attribute a library base gives its subclasses (`Article.objects` of a
Django model, `CLASS_ATTRIBUTES`) when the class is known to derive from that base, through this
module's classes and (through the model's `bases`) the project's. A name assigned two different
ways has no type. Types are never guessed from variable names.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from asynclint.semantic.catalogs.aliases import ALIASES
from asynclint.semantic.catalogs.types import (
    CLASS_ATTRIBUTES,
    COLLECTION_GENERICS,
    DEPENDENCY_MARKERS,
    MAPPING_GENERICS,
    METHODLESS_BASES,
    PASSTHROUGH_CALLS,
    PROPERTY_DECORATORS,
    RETURNS,
    SEQUENCE_GENERICS,
    TRANSPARENT_GENERICS,
    YIELDING_GENERICS,
)
from asynclint.semantic.nodes import statements
from asynclint.semantic.scopes import Scope
from asynclint.semantic.syntax import BINDS_NOTHING, FUNCS, TYPE_ALIAS

if TYPE_CHECKING:
    from asynclint.semantic.model import SemanticModel

_NONE = "builtins.None"
_MAX_SUPER_DEPTH = 8  # classes followed up a single-inheritance line
_UNKNOWN = ""  # a name whose type cannot be told
_MAX_ANCESTORS = 32  # classes looked at when telling whether a class derives from a base
_CLASS_ATTRIBUTE_NAMES = frozenset(a for attrs in CLASS_ATTRIBUTES.values() for a in attrs)


def _chained_types() -> frozenset[str]:
    """The types a class attribute gives (`django.db.models.Manager`) and those their methods
    return in turn (`QuerySet`): the receivers of method chains read off `RETURNS`."""
    found = {t for attrs in CLASS_ATTRIBUTES.values() for t in attrs.values()}
    while True:
        more = {value for key, value in RETURNS.items() if key.rsplit(".", 1)[0] in found}
        if more <= found:
            return frozenset(found)
        found |= more


_CHAINED_TYPES = _chained_types()
_CHAINED_METHODS = frozenset(key.rsplit(".", 1)[1] for key in RETURNS
                             if key.rsplit(".", 1)[0] in _CHAINED_TYPES)
_TYPEVARS = frozenset({"typing.TypeVar", "typing_extensions.TypeVar"})


def canonical(name: str) -> str:
    """The one name the catalogs use for a class or function spelt `name` (re-exports and
    defining modules map onto the name users import)."""
    return ALIASES.get(name, name)


def _is_none(expr: ast.expr | None) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is None


class TypeInference:
    def __init__(self, model: SemanticModel) -> None:
        self.model = model
        self._scope_types: dict[int, dict[str, str]] = {}
        self._class_attrs: dict[int, dict[str, str]] = {}
        self._module_defs: dict[str, ast.stmt] | None = None
        self._aliases: dict[str, ast.expr | None] | None = None
        self._typevars: frozenset[str] | None = None
        self._declared: dict[int, dict[str, ast.expr | None]] = {}
        self._busy: set[int] = set()  # methods whose returned type is being worked out

    # -- public ---------------------------------------------------------------------------------
    def type_of(self, expr: ast.expr, scope: Scope) -> str | None:
        if isinstance(expr, ast.Name):
            owner = self.model.defining_scope(expr.id, scope)
            if owner is None:
                return None
            return self._types_in(owner).get(expr.id) or None
        if isinstance(expr, ast.Attribute):
            if expr.attr in _CLASS_ATTRIBUTE_NAMES:
                inherited = self.class_attribute(expr, scope)
                if inherited is not None:
                    return inherited
            if isinstance(expr.value, ast.Name):
                cls = self._class_of_self(expr.value.id, scope)
                if cls is not None:
                    return self._attrs_of(cls, scope).get(expr.attr) or None
            # A property or attribute of a typed value (`path.parent`, `client.mydb`).
            return self._member(expr.value, scope, expr.attr, "__getattr__")
        if isinstance(expr, ast.Call):
            return self.call_result(expr, scope)
        if isinstance(expr, ast.Subscript):
            return self._member(expr.value, scope, "__getitem__")
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Div):
            return self._member(expr.left, scope, "__truediv__")
        return None

    def _member(self, value: ast.expr, scope: Scope, *names: str) -> str | None:
        """What `RETURNS` says a member of a typed value is (`Type.name`, first known)."""
        if isinstance(value, ast.Name) and self.model.defining_scope(value.id, scope) is None:
            return None  # an unbound or imported-module name is not a typed value
        owner = self.type_of(value, scope)
        if owner is None:
            return None
        for name in names:
            found = RETURNS.get(f"{owner}.{name}")
            if found is not None:
                return found
        return None

    def call_result(self, call: ast.Call, scope: Scope) -> str | None:
        """The type a call returns, when a table, a constructor or an annotation says it."""
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in _CHAINED_METHODS \
                and isinstance(func.value, (ast.Attribute, ast.Call)):
            # `Article.objects.filter(...)`: the receiver's name resolves (through the class),
            # so the qualified name below would say nothing.
            receiver = self.type_of(func.value, scope)
            if receiver in _CHAINED_TYPES:
                return RETURNS.get(f"{receiver}.{func.attr}")
        qualified = self.model.resolve(func, scope)
        if qualified is not None:
            name = canonical(qualified)
            if name in RETURNS:
                return RETURNS[name]
            if name in PASSTHROUGH_CALLS:  # `closing(conn)` is `conn`
                return self.type_of(call.args[0], scope) if len(call.args) == 1 else None
            if name.rsplit(".", 1)[-1][:1].isupper():
                return name  # a class: calling it constructs one
            return None
        if isinstance(func, ast.Name):
            local = self._module_def(func.id, scope)
            if isinstance(local, ast.ClassDef):
                return self._local_class(local.name)
            if isinstance(local, FUNCS) and local.returns is not None:
                return self.annotation(local.returns, self.model.module_scope)
            instance = self.type_of(func, scope)
            return RETURNS.get(f"{instance}.__call__") if instance else None
        if isinstance(func, ast.Attribute):
            if isinstance(func.value, ast.Name):
                cls = self._class_of_self(func.value.id, scope)
                if cls is not None:  # `self.make_client()`
                    method = self._class_method(cls, func.attr)
                    if isinstance(method, ast.FunctionDef) and not _decorated(method):
                        return self._result_of(method, cls)
                    return None
                local = self._module_def(func.value.id, scope)
                if isinstance(local, ast.ClassDef):  # `Bot.current()`: an annotated factory
                    return self._factory_result(local, func.attr)
            receiver = self.type_of(func.value, scope)
            if receiver is not None:
                return RETURNS.get(f"{receiver}.{func.attr}")
        return None

    def class_attribute(self, expr: ast.Attribute, scope: Scope) -> str | None:
        """The type of `Cls.attr` when `Cls` is a class known to derive from a library base
        that gives its subclasses that attribute (`CLASS_ATTRIBUTES`)."""
        cls = self.class_named(expr.value, scope)
        if cls is None:
            return None
        for base, attrs in CLASS_ATTRIBUTES.items():
            if expr.attr in attrs and self.derives_from(cls, base):
                return attrs[expr.attr]
        return None

    def class_named(self, expr: ast.expr, scope: Scope) -> str | None:
        """The qualified name of the class `expr` names: one of this module, or an imported
        name spelt like a class."""
        if isinstance(expr, ast.Name):
            local = self._module_def(expr.id, scope)
            if isinstance(local, ast.ClassDef):
                return self._local_class(local.name)
            if self.model.defining_scope(expr.id, scope) is not self.model.module_scope:
                return None
        qualified = self.model.resolve(expr, scope)
        if qualified is None or not qualified.rsplit(".", 1)[-1][:1].isupper():
            return None
        return canonical(qualified)

    def derives_from(self, name: str, base: str) -> bool:
        """The class `name` (qualified) has `base` among its ancestors, as far as this module's
        classes and the project index tell (an unknown base ends that line)."""
        todo: list[str] = [name]
        seen: set[str] = set()
        while todo and len(seen) < _MAX_ANCESTORS:
            current = canonical(todo.pop())
            if current == base:
                return True
            if current in seen:
                continue
            seen.add(current)
            todo.extend(self._bases(current))
        return False

    def _bases(self, name: str) -> list[str]:
        """The qualified bases of a class of this module, or of the project."""
        prefix = f"{self.model.module_name or '__module__'}."
        module = self.model.module_scope
        if name.startswith(prefix):
            local = self._module_def(name[len(prefix):], module)
            if isinstance(local, ast.ClassDef):
                found = []
                for expr in local.bases:
                    named = self.class_named(
                        expr.value if isinstance(expr, ast.Subscript) else expr, module)
                    if named is not None:
                        found.append(named)
                return found
        hook = self.model.bases
        return list(hook(name) or ()) if hook is not None else []

    def awaited_result(self, call: ast.Call, scope: Scope) -> str | None:
        """The type `await call` gives: the return annotation of an undecorated `async def` of
        this module (`await get_path()`, `await self.load()`), or of the project's."""
        func = call.func
        found: ast.stmt | None = None
        outer = self.model.module_scope
        if isinstance(func, ast.Name):
            found = self._module_def(func.id, scope)
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            cls = self._class_of_self(func.value.id, scope)
            if cls is not None:
                found, outer = self._class_method(cls, func.attr), cls.parent or outer
        elif isinstance(func, ast.Attribute) and is_super_call(func.value, self.model, scope):
            return self._inherited_result(scope, func.attr)
        if found is not None:
            if isinstance(found, ast.AsyncFunctionDef) and found.returns is not None \
                    and not _decorated(found):
                return self.annotation(found.returns, outer)
            return None
        qualified = self.model.resolve(func, scope)
        hook = self.model.awaited
        if qualified is not None and hook is not None:
            return hook(canonical(qualified))
        return None

    def _inherited_result(self, scope: Scope, name: str) -> str | None:
        """What `await super().name()` gives inside a method: the return annotation of the
        `async def` the base classes define, followed only along single inheritance (one base
        besides `Generic`/`object` at each step, so the method resolution order is that line)
        through classes of this module, ending in one of this module or of the project."""
        current: Scope | None = scope
        while current is not None and current.kind in ("lambda", "function") and not (
                current.kind == "function" and current.parent is not None
                and current.parent.kind == "class"):
            current = current.parent
        if current is None or current.parent is None or current.parent.kind != "class":
            return None
        node = current.parent.node
        assert isinstance(node, ast.ClassDef)
        module = self.model.module_scope
        for _ in range(_MAX_SUPER_DEPTH):
            bases = [b for b in node.bases if self.model.resolve(
                b.value if isinstance(b, ast.Subscript) else b, module) not in METHODLESS_BASES]
            if len(bases) != 1 or node.keywords:
                return None
            base = bases[0]
            local = self._module_def(base.id, module) if isinstance(base, ast.Name) else None
            if isinstance(local, ast.ClassDef):
                defs = [s for s in local.body if isinstance(s, FUNCS) and s.name == name]
                if len(defs) > 1:
                    return None
                if defs:
                    method = defs[0]
                    if isinstance(method, ast.AsyncFunctionDef) and method.returns is not None \
                            and not _decorated(method):
                        return self.annotation(method.returns, module)
                    return None
                node = local
                continue
            qualified = self.model.resolve(base, module)
            hook = self.model.awaited
            if qualified is None or hook is None:
                return None
            return hook(f"{canonical(qualified)}.{name}")
        return None

    def annotation(self, expr: ast.expr, scope: Scope, yielded: bool = False) -> str | None:
        """The type an annotation names; `yielded` unwraps `Iterator[X]`-style generics."""
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            try:
                parsed = ast.parse(expr.value.strip(), mode="eval").body
            except SyntaxError:
                return None
            return self.annotation(parsed, scope, yielded)
        if _is_none(expr):
            return _NONE
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
            return self._union([expr.left, expr.right], scope, yielded)
        if isinstance(expr, ast.Subscript):
            base = self.model.resolve(expr.value, scope)
            args = expr.slice.elts if isinstance(expr.slice, ast.Tuple) else [expr.slice]
            if base in TRANSPARENT_GENERICS or (yielded and base in YIELDING_GENERICS):
                return self.annotation(args[0], scope) if args else None
            if base in ("typing.Union", "typing_extensions.Union"):
                return self._union(args, scope, yielded)
            return canonical(base) if base else None
        if isinstance(expr, (ast.Name, ast.Attribute)):
            qualified = self.model.resolve(expr, scope)
            if qualified is not None:
                return canonical(qualified)
            if isinstance(expr, ast.Name):
                local = self._module_def(expr.id, scope)
                if isinstance(local, ast.ClassDef):
                    return self._local_class(local.name)
                alias = self._module_alias(expr.id, scope)
                if alias is not None:
                    return self.annotation(alias, self.model.module_scope, yielded)
                if self._module_typevar(expr.id, scope):
                    # named like a class of the module: the index knows its bound
                    return self._local_class(expr.id)
        return None

    def _module_typevar(self, name: str, scope: Scope) -> bool:
        """`name` is a `TypeVar` bound once at module level (`T = TypeVar("T", ...)`)."""
        if self.model.defining_scope(name, scope) is not self.model.module_scope:
            return False
        if self._typevars is None:
            found: dict[str, bool] = {}
            for stmt in self.model.module.body:
                if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                        and isinstance(stmt.targets[0], ast.Name):
                    value = stmt.value
                    target = stmt.targets[0].id
                    found[target] = target not in found and isinstance(value, ast.Call) \
                        and self.model.resolve(value.func, self.model.module_scope) in _TYPEVARS
            self._typevars = frozenset(k for k, v in found.items() if v)
        return name in self._typevars

    def _module_alias(self, name: str, scope: Scope) -> ast.expr | None:
        """The value of a module-level type alias (`SessionDep = Annotated[Session, ...]`,
        `X: TypeAlias = ...`, `type X = ...`) bound once."""
        if self.model.defining_scope(name, scope) is not self.model.module_scope:
            return None
        if self._aliases is None:
            found: dict[str, ast.expr | None] = {}
            for stmt in self.model.module.body:
                target: ast.expr | None = None
                value: ast.expr | None = None
                if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                    target, value = stmt.targets[0], stmt.value
                elif isinstance(stmt, ast.AnnAssign):
                    target, value = stmt.target, stmt.value
                elif TYPE_ALIAS and isinstance(stmt, TYPE_ALIAS):
                    target, value = getattr(stmt, "name", None), getattr(stmt, "value", None)
                if isinstance(target, ast.Name):
                    # Bound twice: unknown. Only annotation-shaped values are aliases.
                    shaped = isinstance(value, (ast.Subscript, ast.Attribute, ast.Name))
                    found[target.id] = value if shaped and target.id not in found else None
            self._aliases = found
        return self._aliases.get(name)

    # -- internals ------------------------------------------------------------------------------
    def _union(self, members: list[ast.expr], scope: Scope, yielded: bool) -> str | None:
        found = {self.annotation(m, scope, yielded) for m in members} - {_NONE}
        if len(found) == 1:
            return found.pop()
        return None

    def _local_class(self, name: str) -> str:
        module = self.model.module_name or "__module__"
        return f"{module}.{name}"

    def _module_def(self, name: str, scope: Scope) -> ast.stmt | None:
        """A def or class of this module that `name` refers to from `scope`."""
        if self.model.defining_scope(name, scope) is not self.model.module_scope:
            return None
        if self._module_defs is None:
            defs: dict[str, ast.stmt] = {}
            counts: dict[str, int] = {}
            for stmt in self.model.module.body:
                if isinstance(stmt, (*FUNCS, ast.ClassDef)):
                    defs[stmt.name] = stmt
                    counts[stmt.name] = counts.get(stmt.name, 0) + 1
            self._module_defs = {k: v for k, v in defs.items() if counts[k] == 1}
        return self._module_defs.get(name)

    def _types_in(self, scope: Scope) -> dict[str, str]:
        key = id(scope.node)
        found = self._scope_types.get(key)
        if found is None:
            found = self._scope_types[key] = {}
            self._collect_scope(scope, found)
        return found

    def _note(self, table: dict[str, str], name: str, kind: str | None) -> None:
        if kind == _NONE:
            return  # `x = None` before the real value neither helps nor hurts
        old = table.get(name)
        if old is None:
            table[name] = kind or _UNKNOWN
        elif old != kind:
            table[name] = _UNKNOWN

    def _collect_scope(self, scope: Scope, table: dict[str, str]) -> None:
        node = scope.node
        if isinstance(node, (*FUNCS, ast.Lambda)):
            outer = scope.parent or self.model.module_scope
            args = node.args
            positional = [*args.posonlyargs, *args.args]
            defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
            defaults += list(args.defaults)
            pairs = [*zip(positional, defaults, strict=True),
                     *zip(args.kwonlyargs, args.kw_defaults, strict=True)]
            for arg, default in pairs:
                kind = self.annotation(arg.annotation, outer) if arg.annotation else None
                if kind is None and default is not None:
                    kind = self._dependency(default, outer)
                self._note(table, arg.arg, kind)
            if isinstance(node, ast.Lambda):
                return
        body = getattr(node, "body", None)
        if isinstance(body, list):
            self._collect_block(body, scope, table)

    def _dependency(self, default: ast.expr, scope: Scope) -> str | None:
        """`Depends(get_db)`: the type the dependency function yields or returns."""
        if not (isinstance(default, ast.Call) and default.args):
            return None
        if self.model.resolve(default.func, scope) not in DEPENDENCY_MARKERS:
            return None
        target = default.args[0]
        if isinstance(target, ast.Name):
            func = self._module_def(target.id, scope)
            if isinstance(func, FUNCS) and func.returns is not None:
                return self.annotation(func.returns, self.model.module_scope, yielded=True)
            if isinstance(func, ast.ClassDef):
                return self._local_class(func.name)
        qualified = self.model.resolve(target, scope)
        if qualified is not None and qualified.rsplit(".", 1)[-1][:1].isupper():
            return canonical(qualified)
        return None

    def _collect_block(self, body: list[ast.stmt], scope: Scope, table: dict[str, str]) -> None:
        for stmt in body:
            if stmt.__class__ in BINDS_NOTHING:
                continue
            if isinstance(stmt, ast.Assign):
                value_type = self._value_type(stmt.value, scope)
                for target in stmt.targets:
                    self._assign(target, value_type, table)
            elif isinstance(stmt, ast.AnnAssign):
                if isinstance(stmt.target, ast.Name):
                    self._note(table, stmt.target.id, self.annotation(stmt.annotation, scope))
            elif isinstance(stmt, ast.AugAssign):
                self._assign(stmt.target, None, table)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                for item in stmt.items:
                    if item.optional_vars is not None:
                        entered = self._value_type(item.context_expr, scope)
                        if entered is not None:
                            entered = RETURNS.get(f"{entered}.__enter__", entered)
                        self._assign(item.optional_vars, entered, table)
                self._collect_block(stmt.body, scope, table)
            elif isinstance(stmt, (ast.For, ast.AsyncFor)):
                self._loop_target(stmt, scope, table)
                self._collect_block(stmt.body, scope, table)
                self._collect_block(stmt.orelse, scope, table)
            elif isinstance(stmt, (ast.While, ast.If)):
                self._collect_block(stmt.body, scope, table)
                self._collect_block(stmt.orelse, scope, table)
            elif isinstance(stmt, (ast.Try, ast.TryStar)):
                self._collect_block(stmt.body, scope, table)
                for handler in stmt.handlers:
                    if handler.name:
                        self._note(table, handler.name, None)
                    self._collect_block(handler.body, scope, table)
                self._collect_block(stmt.orelse, scope, table)
                self._collect_block(stmt.finalbody, scope, table)
            elif isinstance(stmt, ast.Match):
                for case in stmt.cases:
                    self._collect_block(case.body, scope, table)
            elif isinstance(stmt, (*FUNCS, ast.ClassDef)):
                self._note(table, stmt.name, None)
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for alias in stmt.names:
                    self._note(table, (alias.asname or alias.name).split(".")[0], None)

    def _value_type(self, value: ast.expr, scope: Scope) -> str | None:
        if _is_none(value):
            return _NONE
        if isinstance(value, ast.Await) and isinstance(value.value, ast.Call):
            return self.awaited_result(value.value, scope)
        if isinstance(value, ast.Call):
            return self.call_result(value, scope)
        if isinstance(value, ast.Name):
            # `b = a` copies a's type; resolved lazily in the scope that binds `a`.
            owner = self.model.defining_scope(value.id, scope)
            if owner is not None and owner is not scope:
                return self._types_in(owner).get(value.id) or None
        if isinstance(value, (ast.Attribute, ast.Subscript, ast.BinOp)):
            return self.type_of(value, scope)  # `TEMPLATES = Path(__file__).parent / "t"`
        return None

    # -- loops over annotated containers --------------------------------------------------------
    def _loop_target(self, loop: ast.For | ast.AsyncFor, scope: Scope,
                     table: dict[str, str]) -> None:
        """`for b in items` (`items: list[B]`), `for k, b in builders.items()` (`builders:
        dict[str, B]`): the target takes the container's element types."""
        target = loop.target
        kinds = self._elements(loop.iter, scope) if isinstance(loop, ast.For) else None
        if isinstance(target, ast.Name) and kinds is not None and len(kinds) == 1:
            self._note(table, target.id, kinds[0])
        elif isinstance(target, ast.Tuple) and kinds is not None and len(kinds) > 1 \
                and len(kinds) == len(target.elts):
            for elt, kind in zip(target.elts, kinds, strict=True):
                self._assign(elt, kind, table)
        else:
            self._assign(target, None, table)

    def element_types(self, iterable: ast.expr, scope: Scope) -> list[str | None] | None:
        """What iterating `iterable` gives, per its declaration (`items: list[B]` -> [B];
        `builders.items()` with `dict[str, B]` -> [str, B]); None when not told."""
        return self._elements(iterable, scope)

    def _elements(self, iterable: ast.expr, scope: Scope) -> list[str | None] | None:
        mode = "iter"
        container = iterable
        if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute) \
                and iterable.func.attr in ("items", "values", "keys") \
                and not iterable.args and not iterable.keywords:
            container, mode = iterable.func.value, iterable.func.attr
        declared = self._declared_type(container, scope)
        if declared is None:
            return None
        annotation, where = declared
        annotation = self._unwrapped(annotation, where)
        if not isinstance(annotation, ast.Subscript):
            return None
        base = self.model.resolve(annotation.value, where)
        args = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) \
            else [annotation.slice]
        if base in SEQUENCE_GENERICS and mode == "iter" and len(args) == 1:
            picked = args
        elif base in MAPPING_GENERICS and len(args) == 2:
            picked = {"iter": args[:1], "keys": args[:1], "values": args[1:],
                      "items": args}[mode]
        else:
            return None
        return [self.annotation(a, where) for a in picked]

    def _unwrapped(self, annotation: ast.expr, where: Scope) -> ast.expr:
        """`annotation` without the wrappers that keep the type they hold (`Optional[list[X]]`
        is read as `list[X]`)."""
        while isinstance(annotation, ast.Subscript) \
                and self.model.resolve(annotation.value, where) in TRANSPARENT_GENERICS:
            inner = annotation.slice
            annotation = inner.elts[0] if isinstance(inner, ast.Tuple) else inner
        return annotation

    def declared(self, expr: ast.expr, scope: Scope) -> str | None:
        """The type a name or `self.x` is annotated with (`obj: Schema`), whatever else it is
        later bound to: an annotation holds for every binding."""
        found = self._declared_type(expr, scope)
        return self.annotation(*found) if found is not None else None

    def element_annotation(self, expr: ast.expr, scope: Scope,
                           annotation: ast.expr | None = None) -> ast.expr | None:
        """The annotation of the elements of a list- or set-like container: the one `expr`
        (a name, `self.x`) is declared with (`rows: list[Row] = []`), or `annotation` when
        given (a return annotation). None when not such a container or not declared."""
        where = scope
        if annotation is None:
            declared = self._declared_type(expr, scope)
            if declared is None:
                return None
            annotation, where = declared
        annotation = self._unwrapped(annotation, where)
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            try:
                annotation = ast.parse(annotation.value.strip(), mode="eval").body
            except SyntaxError:
                return None
        if not isinstance(annotation, ast.Subscript) \
                or self.model.resolve(annotation.value, where) not in COLLECTION_GENERICS \
                or isinstance(annotation.slice, ast.Tuple):
            return None
        return annotation.slice

    def _declared_type(self, expr: ast.expr, scope: Scope) -> tuple[ast.expr, Scope] | None:
        """The annotation a name or `self.x` is declared with, and the scope it is read in."""
        if isinstance(expr, ast.Name):
            owner = self.model.defining_scope(expr.id, scope)
            if owner is None or owner.kind == "class":
                return None
            found = self._declarations(owner).get(expr.id)
            return (found, owner) if found is not None else None
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            cls = self._class_of_self(expr.value.id, scope)
            if cls is None:
                return None
            found = self._declarations(cls).get(expr.attr)
            return (found, cls.parent or self.model.module_scope) if found is not None else None
        return None

    def _declarations(self, scope: Scope) -> dict[str, ast.expr | None]:
        """Annotations of a scope's names (parameters, `x: T` statements; for a class, its
        body and `self.x: T` in `__init__`); None for a name annotated twice."""
        key = id(scope.node)
        known = self._declared.get(key)
        if known is not None:
            return known
        found: dict[str, ast.expr | None] = {}

        def declare(name: str, annotation: ast.expr) -> None:
            found[name] = None if name in found else annotation

        node = scope.node
        if isinstance(node, FUNCS):
            args = node.args
            for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
                if arg.annotation is not None:
                    declare(arg.arg, arg.annotation)
        stack: list[ast.AST] = list(getattr(node, "body", []))
        while stack:
            sub = stack.pop()
            if isinstance(sub, ast.AnnAssign):
                target = sub.target
                if isinstance(target, ast.Name):
                    declare(target.id, sub.annotation)
            elif isinstance(sub, (*FUNCS, ast.ClassDef, ast.Lambda)):
                if isinstance(node, ast.ClassDef) and isinstance(sub, FUNCS) \
                        and sub.name == "__init__":
                    params = [*sub.args.posonlyargs, *sub.args.args]
                    for inner in statements(sub) if params else ():
                        if isinstance(inner, ast.AnnAssign) \
                                and isinstance(inner.target, ast.Attribute) \
                                and isinstance(inner.target.value, ast.Name) \
                                and inner.target.value.id == params[0].arg:
                            declare(inner.target.attr, inner.annotation)
                continue
            elif isinstance(sub, ast.stmt):
                stack.extend(c for c in ast.iter_child_nodes(sub) if isinstance(c, ast.stmt))
        self._declared[key] = found
        return found

    def _assign(self, target: ast.expr, kind: str | None, table: dict[str, str]) -> None:
        if isinstance(target, ast.Name):
            self._note(table, target.id, kind)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self._assign(elt, None, table)
        elif isinstance(target, ast.Starred):
            self._assign(target.value, None, table)

    # -- self.x ---------------------------------------------------------------------------------
    def _class_of_self(self, name: str, scope: Scope) -> Scope | None:
        """The class scope when `name` is the first parameter of a method we are inside."""
        current: Scope | None = scope
        while current is not None and current.kind == "lambda":
            current = current.parent
        if current is None or current.kind != "function":
            return None
        func = current.node
        assert isinstance(func, FUNCS)
        params = [*func.args.posonlyargs, *func.args.args]
        if not params or params[0].arg != name or current.parent is None:
            return None
        if current.parent.kind != "class":
            return None
        if any(self.model.resolve(d, current.parent) == "builtins.staticmethod"
               for d in func.decorator_list):
            return None
        return current.parent

    def _attrs_of(self, cls: Scope, from_scope: Scope) -> dict[str, str]:
        key = id(cls.node)
        found = self._class_attrs.get(key)
        if found is not None:
            return found
        found = self._class_attrs[key] = {}
        node = cls.node
        assert isinstance(node, ast.ClassDef)
        outer = cls.parent or self.model.module_scope
        for stmt in node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                self._note(found, stmt.target.id, self.annotation(stmt.annotation, outer))
            elif isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
                # `client = httpx.Client()` in the class body: shared by every instance.
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        self._note(found, target.id, self.call_result(stmt.value, outer))
        for stmt in node.body:
            if isinstance(stmt, FUNCS) and any(
                    self.model.resolve(d, outer) in PROPERTY_DECORATORS
                    for d in stmt.decorator_list):
                # `@property def bot(self): return Bot(...)`: `self.bot` is what it returns.
                self._note(found, stmt.name, self._result_of(stmt, cls))
        for stmt in node.body:
            if isinstance(stmt, FUNCS) and stmt.name == "__init__":
                params = [*stmt.args.posonlyargs, *stmt.args.args]
                if not params:
                    continue
                init_scope = Scope("function", stmt, cls)
                self_name = params[0].arg
                for sub in statements(stmt):
                    if isinstance(sub, ast.Assign):
                        targets, value = sub.targets, sub.value
                    elif isinstance(sub, ast.AnnAssign) and sub.value is not None:
                        targets, value = [sub.target], sub.value
                    else:
                        continue
                    for target in targets:
                        if (isinstance(target, ast.Attribute)
                                and isinstance(target.value, ast.Name)
                                and target.value.id == self_name):
                            if isinstance(sub, ast.AnnAssign):
                                kind = self.annotation(sub.annotation, init_scope)
                            elif isinstance(value, ast.Name):
                                kind = self._types_in(init_scope).get(value.id) or None
                            else:
                                kind = self._value_type(value, init_scope)
                            self._note(found, target.attr, kind)
        return found

    # -- what a method returns ------------------------------------------------------------------
    def _class_method(self, cls: Scope, name: str) -> ast.stmt | None:
        """The one def of that name in the class body (None when absent or defined twice)."""
        node = cls.node
        assert isinstance(node, ast.ClassDef)
        defs = [s for s in node.body if isinstance(s, FUNCS) and s.name == name]
        return defs[0] if len(defs) == 1 else None

    def _factory_result(self, cls: ast.ClassDef, name: str) -> str | None:
        """The return annotation of a sync static or class method called on its class."""
        defs = [s for s in cls.body if isinstance(s, FUNCS) and s.name == name]
        method = defs[0] if len(defs) == 1 else None
        if not isinstance(method, ast.FunctionDef) or method.returns is None:
            return None
        scope = self.model.module_scope
        if len(method.decorator_list) != 1 or self.model.resolve(
                method.decorator_list[0], scope) not in _FACTORY_DECORATORS:
            return None
        return self.annotation(method.returns, scope)

    def _result_of(self, func: ast.FunctionDef | ast.AsyncFunctionDef,
                   cls: Scope) -> str | None:
        """A sync method's result type: its return annotation, else the one type every
        `return` gives (`return Bot(token)`)."""
        outer = cls.parent or self.model.module_scope
        if isinstance(func, ast.AsyncFunctionDef):
            return None
        if func.returns is not None:
            return self.annotation(func.returns, outer)
        if id(func) in self._busy:
            return None
        self._busy.add(id(func))
        try:
            inner = Scope("function", func, cls)
            kinds: set[str | None] = set()
            stack: list[ast.AST] = list(func.body)
            while stack:
                sub = stack.pop()
                if isinstance(sub, (ast.Yield, ast.YieldFrom)):
                    return None
                if isinstance(sub, ast.Return):
                    kinds.add(self._value_type(sub.value, inner) if sub.value else _NONE)
                if not isinstance(sub, (*FUNCS, ast.ClassDef, ast.Lambda)):
                    stack.extend(ast.iter_child_nodes(sub))
            kinds.discard(_NONE)
            return kinds.pop() if len(kinds) == 1 else None
        finally:
            self._busy.discard(id(func))


_FACTORY_DECORATORS = frozenset({"builtins.staticmethod", "builtins.classmethod"})


def is_super_call(expr: ast.expr, model: SemanticModel, scope: Scope | None = None) -> bool:
    """`super()` or `super(Cls, self)`, the builtin (seen from `scope`, else the current one)."""
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) \
        and expr.func.id == "super" and model.resolve(expr.func, scope) == "builtins.super"


def _decorated(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return bool(func.decorator_list)
