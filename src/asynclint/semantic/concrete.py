"""Does an annotation name a concrete, non-awaitable type? Read off one module's code.

Used for what the project index stores about parameters and class fields
(`semantic.parameters`): an annotation reduces to the list of qualified names that still need
the index to decide (project classes, type aliases of other modules), or to None when it admits
an awaitable (`Any`, `object`, a `TypeVar`, `Awaitable`, `Callable`, an unknown name...).
"""

from __future__ import annotations

import ast
from typing import Any

from asynclint.semantic.catalogs.types import VALUE_CLASSES
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.scopes import LOCAL
from asynclint.semantic.syntax import FUNCS

# Types a coroutine object is never an instance of, and that say nothing awaitable either.
_CONTAINERS = ("List", "Dict", "Set", "FrozenSet", "Tuple", "Iterable", "Iterator", "Sequence",
               "Mapping", "MutableMapping", "MutableSequence", "MutableSet", "Collection",
               "Container", "Sized", "Reversible", "AbstractSet", "DefaultDict", "OrderedDict",
               "Counter", "Deque", "ChainMap", "Text", "Type", "Pattern", "Match")
CONCRETE = frozenset({
    *(f"builtins.{n}" for n in ("str", "int", "float", "bool", "bytes", "bytearray", "list",
                                "dict", "set", "frozenset", "tuple", "complex", "type",
                                "memoryview", "range")),
    *(f"{m}.{n}" for m in ("typing", "typing_extensions") for n in _CONTAINERS),
    *(f"collections.abc.{n}" for n in _CONTAINERS),
    "collections.OrderedDict", "collections.defaultdict", "collections.deque",
    "collections.Counter", "collections.ChainMap",
    "datetime.datetime", "datetime.date", "datetime.time", "datetime.timedelta",
    "decimal.Decimal", "uuid.UUID", "pathlib.Path", "pathlib.PurePath", "re.Pattern",
    "enum.Enum", "enum.IntEnum", "enum.StrEnum",
    *VALUE_CLASSES,
})
_UNION = frozenset({"typing.Optional", "typing.Union", "typing_extensions.Optional",
                    "typing_extensions.Union"})
_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated", "pydantic.SerializeAsAny",
                        "pydantic.functional_serializers.SerializeAsAny"})
_LITERAL = frozenset({"typing.Literal", "typing_extensions.Literal"})
_TYPEVAR = frozenset({"typing.TypeVar", "typing_extensions.TypeVar"})
# Modules whose other names (`Any`, `Awaitable`, `Callable`, `TypeVar`s...) are never concrete.
_LOOSE_MODULES = ("builtins.", "typing.", "typing_extensions.", "collections.abc.", "asyncio.",
                  "types.", "concurrent.")
_MAX_DEPTH = 6
_DEFS_KEY = "annotation-module-defs"
_IMPORTS_KEY = "annotation-module-imports"
_CLASSES_KEY = "module-method-classes"


def concrete_names(annotation: ast.expr | None, model: SemanticModel,
                   _depth: int = 0) -> list[str] | None:
    """The qualified names the index must still check for `annotation` to be concrete (empty:
    concrete as it stands); None when it is not, or cannot be told. Resolved at module level."""
    if annotation is None or _depth > _MAX_DEPTH:
        return None
    if isinstance(annotation, ast.Constant):
        if annotation.value is None:
            return []
        if isinstance(annotation.value, str):
            try:
                parsed = ast.parse(annotation.value.strip(), mode="eval").body
            except SyntaxError:
                return None
            return concrete_names(parsed, model, _depth + 1)
        return None
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _all([annotation.left, annotation.right], model, _depth)
    if isinstance(annotation, ast.Subscript):
        head = model.resolve(annotation.value, model.module_scope)
        if head is None and isinstance(annotation.value, ast.Name):
            head = _wrapper_import(annotation.value.id, model)
        args = annotation.slice
        members = list(args.elts) if isinstance(args, ast.Tuple) else [args]
        if head in _UNION:
            return _all(members, model, _depth)
        if head in _ANNOTATED:
            return concrete_names(members[0], model, _depth + 1) if members else None
        if head in _LITERAL:
            return []
        return concrete_names(annotation.value, model, _depth + 1)
    if isinstance(annotation, ast.Call):  # reached through a module name: `T = TypeVar(...)`
        return _type_variable(annotation, model, _depth)
    if isinstance(annotation, (ast.Name, ast.Attribute)):
        qualified = model.resolve(annotation, model.module_scope)
        if qualified is None:
            return _module_level(annotation, model, _depth)
        if qualified in CONCRETE:
            return []
        if qualified.startswith(_LOOSE_MODULES) or qualified in _LITERAL:
            return None
        return [qualified]
    return None


def _type_variable(call: ast.Call, model: SemanticModel, depth: int) -> list[str] | None:
    """`TypeVar("T", bound=B)` stands for subtypes of `B`, `TypeVar("T", A, B)` for `A` or
    `B`: as concrete as those; an unbounded `TypeVar` admits anything (None)."""
    if model.resolve(call.func, model.module_scope) not in _TYPEVAR:
        return None
    bound = next((k.value for k in call.keywords if k.arg == "bound"), None)
    if bound is not None:
        return concrete_names(bound, model, depth + 1)
    constraints = call.args[1:]
    if not constraints or any(isinstance(c, ast.Starred) for c in constraints):
        return None
    return _all(list(constraints), model, depth)


def typevar_bound(value: ast.expr, model: SemanticModel) -> str | None:
    """`TypeVar("T", bound=B)` -> the qualified name of `B` (a class of this module or an
    imported name); None for anything else."""
    if not isinstance(value, ast.Call) \
            or model.resolve(value.func, model.module_scope) not in _TYPEVAR:
        return None
    bound = next((k.value for k in value.keywords if k.arg == "bound"), None)
    if isinstance(bound, ast.Constant) and isinstance(bound.value, str):
        try:
            bound = ast.parse(bound.value.strip(), mode="eval").body
        except SyntaxError:
            return None
    if not isinstance(bound, (ast.Name, ast.Attribute)):
        return None
    qualified = model.resolve(bound, model.module_scope)
    if qualified is None and isinstance(bound, ast.Name) \
            and isinstance(module_definitions(model).get(bound.id), ast.ClassDef):
        qualified = f"{model.module_name or '__module__'}.{bound.id}"
    return qualified


def _all(members: list[ast.expr], model: SemanticModel, depth: int) -> list[str] | None:
    names: list[str] = []
    for member in members:
        found = concrete_names(member, model, depth + 1)
        if found is None:
            return None
        names += [n for n in found if n not in names]
    return names


def _module_level(annotation: ast.expr, model: SemanticModel, depth: int) -> list[str] | None:
    """A name of this module: a class (left for the index to check), or a type alias."""
    if not isinstance(annotation, ast.Name):
        return None
    binding = model.module_scope.lookup(annotation.id)
    if binding is None or binding.qualified != LOCAL:
        return None
    found = module_definitions(model).get(annotation.id)
    if isinstance(found, ast.ClassDef):
        return [f"{model.module_name or '__module__'}.{found.name}"]
    if isinstance(found, ast.expr):
        return concrete_names(found, model, depth + 1)
    return None


def _wrapper_import(name: str, model: SemanticModel) -> str | None:
    """A name bound only by imports, on different paths, each of a wrapper that keeps its
    argument's type (`try: from pydantic import SerializeAsAny` / `except: from typing import
    Union as SerializeAsAny`): the first such target; None otherwise."""
    binding = model.module_scope.lookup(name)
    if binding is None or binding.qualified != LOCAL or name in module_definitions(model):
        return None
    targets = model.shared(_IMPORTS_KEY, lambda: _imports(model))
    found = targets.get(name)
    if not found or not all(t in _ANNOTATED or t in _UNION for t in found):
        return None
    return found[0]


def _imports(model: SemanticModel) -> dict[str, list[str]]:
    """Module-level `from x import y [as z]` targets of each local name, on any path."""
    found: dict[str, list[str]] = {}
    stack: list[ast.stmt] = list(model.module.body)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, ast.ImportFrom) and stmt.level == 0 and stmt.module:
            for alias in stmt.names:
                found.setdefault(alias.asname or alias.name, []).append(
                    f"{stmt.module}.{alias.name}")
        elif isinstance(stmt, (ast.If, ast.Try, ast.TryStar)):
            stack += [*stmt.body, *stmt.orelse, *getattr(stmt, "finalbody", [])]
            for handler in getattr(stmt, "handlers", []):
                stack += handler.body
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                found.setdefault(alias.asname or alias.name, []).append(LOCAL)
        else:
            for sub in ast.walk(stmt) if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else ():
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    found.setdefault(sub.id, []).append(LOCAL)
    return found


def module_definitions(model: SemanticModel) -> dict[str, ast.stmt | ast.expr]:
    """The module's top-level names bound exactly once by a def, a class or an
    annotation-shaped assignment (a type alias or a `TypeVar`: its value)."""
    return model.shared(_DEFS_KEY, lambda: _definitions(model.module))


def method_classes(model: SemanticModel) -> dict[int, str]:
    """id(method) -> its class's name, for the methods of the module's top-level classes (the
    per-function facts name a method `Class.method`)."""
    def build() -> dict[int, str]:
        found: dict[int, str] = {}
        for stmt in model.module.body:
            if isinstance(stmt, ast.ClassDef):
                for item in stmt.body:
                    if isinstance(item, FUNCS):
                        found[id(item)] = stmt.name
        return found
    return model.shared(_CLASSES_KEY, build)


def _definitions(module: ast.Module) -> dict[str, ast.stmt | ast.expr]:
    found: dict[str, ast.stmt | ast.expr] = {}
    counts: dict[str, int] = {}
    for stmt in module.body:
        name: str | None = None
        value: ast.stmt | ast.expr | None = None
        if isinstance(stmt, (*FUNCS, ast.ClassDef)):
            name, value = stmt.name, stmt
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], ast.Name):
            name = stmt.targets[0].id
            if isinstance(stmt.value, (ast.Subscript, ast.Name, ast.Attribute, ast.BinOp)) \
                    or _typevar_shaped(stmt.value):
                value = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            name = stmt.target.id
            if isinstance(stmt.value, (ast.Subscript, ast.Name, ast.Attribute, ast.BinOp)):
                value = stmt.value
        if name is None:
            continue
        counts[name] = counts.get(name, 0) + 1
        if value is not None:
            found[name] = value
        else:
            found.pop(name, None)
    return {k: v for k, v in found.items() if counts[k] == 1}


def _typevar_shaped(value: ast.expr) -> bool:
    """`TypeVar(...)` / `typing.TypeVar(...)` as written (resolved later)."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    return (func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)) == "TypeVar"


def annotation_text(annotation: ast.expr) -> str:
    """The annotation as written, shortened for a message."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        text = annotation.value.strip()  # a string annotation: what it says
    else:
        text = _text(annotation)
    return text if len(text) <= 60 else text[:57] + "..."


def _text(node: ast.expr) -> str:
    """`ast.unparse` for the shapes annotations take (it is slow: every annotated parameter
    of every summarised function is written out)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_text(node.value)}.{node.attr}"
    if isinstance(node, ast.Subscript):
        inner = node.slice
        if isinstance(inner, ast.Tuple):
            return f"{_text(node.value)}[{', '.join(_text(e) for e in inner.elts)}]"
        return f"{_text(node.value)}[{_text(inner)}]"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return f"{_text(node.left)} | {_text(node.right)}"
    if isinstance(node, ast.Constant):
        return repr(node.value)
    return ast.unparse(node)


# Bases and decorators that make a class constructed from its annotated fields as keywords.
MODEL_BASES = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel", "pydantic.v1.BaseModel",
                         "pydantic.v1.main.BaseModel", "sqlmodel.SQLModel",
                         "sqlmodel.main.SQLModel", "typing.NamedTuple",
                         "typing_extensions.NamedTuple"})
MODEL_DECORATORS = frozenset({"dataclasses.dataclass", "pydantic.dataclasses.dataclass",
                              "attr.s", "attr.attrs", "attr.define", "attr.frozen",
                              "attrs.define", "attrs.frozen", "attr.dataclass"})


def is_model(node: ast.ClassDef, model: SemanticModel) -> bool:
    """`@dataclass` (or alike), or a direct base such as `pydantic.BaseModel`."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if model.resolve(target, model.module_scope) in MODEL_DECORATORS:
            return True
    return any(model.resolve(b, model.module_scope) in MODEL_BASES for b in node.bases)


def class_fields(node: ast.ClassDef, model: SemanticModel) -> dict[str, list[Any]]:
    """The class-level annotated fields whose annotation is concrete: name -> [the annotation
    as written, the names the index must still check]."""
    fields: dict[str, list[Any]] = {}
    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            names = concrete_names(stmt.annotation, model)
            if names is not None:
                fields[stmt.target.id] = [annotation_text(stmt.annotation), names]
    return fields
