"""Does a decorator's type signature say it keeps the decorated function's result?

`def db_injector(func: Callable[Concatenate[DB, P], R]) -> Callable[P, R]` promises: whatever
the function returns, the decorated one returns the same type `R`. Applied to an `async def`,
it gives a coroutine function (`R` is the coroutine), applied to a plain `def`, a plain one.
So does `def register(func: F) -> F` with `F` a `TypeVar`, and a factory of such a decorator
(`def retry(n: int) -> Callable[[Callable[P, R]], Callable[P, R]]`, used as `@retry(3)`).

Read off the decorator's annotations and its own module only: the module's `TypeVar`s and
`ParamSpec`s, and its generic aliases of callables (`_Function = Callable[P, R]`, also
`TypeAlias`-annotated), subscripted as the typing rules say (type arguments map to the alias's
type variables in the order they first appear in it). Anything that cannot be resolved (a
`TypeVar` imported from elsewhere, a constrained one, an alias whose parameters cannot be
counted, an `Optional` or a class in the place of a callable) answers False: unknown.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from asynclint.semantic.model import SemanticModel
from asynclint.semantic.nodes import child_nodes
from asynclint.semantic.scopes import LOCAL
from asynclint.semantic.syntax import assigned_names

_CALLABLES = frozenset({"typing.Callable", "collections.abc.Callable",
                        "typing_extensions.Callable"})
_UNIONS = frozenset({"typing.Union", "typing_extensions.Union"})
_TYPE_ALIAS = frozenset({"typing.TypeAlias", "typing_extensions.TypeAlias"})
# What a module-level `X = <call>(...)` makes: a type variable of one of these kinds.
_VARIABLE_KINDS = {
    **{f"{m}.TypeVar": "typevar" for m in ("typing", "typing_extensions")},
    **{f"{m}.ParamSpec": "paramspec" for m in ("typing", "typing_extensions")},
    **{f"{m}.TypeVarTuple": "tuple" for m in ("typing", "typing_extensions")},
}
FREE, OTHER, TUPLE = "free", "other", "tuple"  # what a type variable may stand for
_MAX_DEPTH = 4
_KEY = "decorator-signature-module-types"


@dataclass
class ModuleTypes:
    """A module's top-level names bound once, that a signature may use: type variables (name ->
    FREE for an unconstrained `TypeVar`, which is exactly what it is bound to; OTHER for a
    constrained one or a `ParamSpec`; TUPLE for a `TypeVarTuple`) and aliases (name -> value)."""

    variables: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, ast.expr] = field(default_factory=dict)


def keeps_result(node: ast.FunctionDef | ast.AsyncFunctionDef, model: SemanticModel) -> bool:
    """`@node` keeps the decorated function's result, by its annotations: its first parameter
    and its return annotation are callables returning the same free `TypeVar` (or are that
    `TypeVar`, a whole function's type kept)."""
    if not _plain_candidate(node):
        return False
    first = [*node.args.posonlyargs, *node.args.args][0].annotation
    assert first is not None and node.returns is not None  # `_plain_candidate` checked
    return _same_kept(first, node.returns, model, {}, 0)


def factory_keeps_result(node: ast.FunctionDef | ast.AsyncFunctionDef,
                         model: SemanticModel) -> bool:
    """`@node(...)` keeps the decorated function's result: calling `node` gives, by its return
    annotation, `Callable[[X], Y]` with X and Y callables returning the same free `TypeVar`
    (or that `TypeVar`)."""
    returns = node.returns
    if not isinstance(node, ast.FunctionDef) or node.decorator_list or returns is None:
        return False
    if isinstance(returns, ast.Subscript):  # cheap first: `-> Callable[...]` or an alias's
        head = returns.value
        name = head.attr if isinstance(head, ast.Attribute) else getattr(head, "id", None)
        if name != "Callable" and not (isinstance(head, ast.Name) and _local(head.id, model)):
            return False
    return _decorator_type(returns, model, {}, 0)


def _plain_candidate(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Cheap first: a plain undecorated `def` with an annotated first parameter and a return
    annotation, both of a shape a callable type can have (a bare name only as `F -> F`)."""
    returns = node.returns
    if not isinstance(node, ast.FunctionDef) or node.decorator_list or returns is None:
        return False
    params = [*node.args.posonlyargs, *node.args.args]
    first = params[0].annotation if params else None
    if isinstance(first, ast.Name):
        return isinstance(returns, ast.Name) and returns.id == first.id
    return isinstance(first, _SHAPES) and isinstance(returns, _SHAPES)


_SHAPES = (ast.Subscript, ast.BinOp, ast.Constant)
Env = dict[str, ast.expr]  # an alias's type variables -> the type arguments given to it


def _same_kept(taken: ast.expr, given: ast.expr, model: SemanticModel, env: Env,
               depth: int) -> bool:
    """`taken` and `given` (a decorator's parameter and result types) return one free
    `TypeVar`, or both are that `TypeVar`."""
    whole = _free_typevar(taken, model, env)
    if whole is not None:
        return _free_typevar(given, model, env) == whole
    results = _results(taken, model, env, depth)
    return results is not None and len(results) == 1 \
        and _results(given, model, env, depth) == results


def _decorator_type(expr: ast.expr, model: SemanticModel, env: Env, depth: int) -> bool:
    """`Callable[[X], Y]` (also through an alias) where `Y` keeps what `X` returns."""
    expr = _parsed(expr)
    if not isinstance(expr, ast.Subscript) or depth > _MAX_DEPTH:
        return False
    head = expr.value
    if model.resolve(head, model.module_scope) in _CALLABLES:
        args = expr.slice
        if not (isinstance(args, ast.Tuple) and len(args.elts) == 2):
            return False
        params, result = args.elts
        if not (isinstance(params, ast.List) and len(params.elts) == 1):
            return False
        return _same_kept(params.elts[0], result, model, env, depth + 1)
    inner = _alias_env(expr, model, env)
    return inner is not None and _decorator_type(inner[0], model, inner[1], depth + 1)


def _results(expr: ast.expr, model: SemanticModel, env: Env,
             depth: int) -> frozenset[str] | None:
    """The free `TypeVar`s the callables `expr` stands for return (one per member of a
    union); None when a member is no callable returning a free `TypeVar`."""
    expr = _parsed(expr)
    if depth > _MAX_DEPTH:
        return None
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
        return _union([expr.left, expr.right], model, env, depth)
    if not isinstance(expr, ast.Subscript):
        return None  # a bare name: an alias without type arguments returns `Any`
    head = model.resolve(expr.value, model.module_scope)
    args = expr.slice
    if head in _UNIONS:
        return _union(list(args.elts) if isinstance(args, ast.Tuple) else [args], model, env,
                      depth)
    if head in _CALLABLES:
        if not (isinstance(args, ast.Tuple) and len(args.elts) == 2):
            return None
        found = _free_typevar(args.elts[1], model, env)
        return frozenset({found}) if found is not None else None
    inner = _alias_env(expr, model, env)
    return _results(inner[0], model, inner[1], depth + 1) if inner is not None else None


def _union(members: list[ast.expr], model: SemanticModel, env: Env,
           depth: int) -> frozenset[str] | None:
    found: frozenset[str] = frozenset()
    for member in members:
        results = _results(member, model, env, depth + 1)
        if results is None:
            return None
        found |= results
    return found


def _free_typevar(expr: ast.expr, model: SemanticModel, env: Env) -> str | None:
    """The name of the module's unconstrained `TypeVar` that `expr` is (through the alias's
    type arguments in `env`), else None."""
    expr = _parsed(expr)
    if not isinstance(expr, ast.Name):
        return None
    if expr.id in env:
        target = env[expr.id]
        return target.id if isinstance(target, ast.Name) and _kind(target.id, model) == FREE \
            else None
    if env:
        return None  # a name of an alias's own value that is none of its type variables
    return expr.id if _kind(expr.id, model) == FREE else None


def _alias_env(expr: ast.Subscript, model: SemanticModel,
               env: Env) -> tuple[ast.expr, Env] | None:
    """`Alias[A, B]` of a module-level generic alias: its value and its type variables mapped
    to `A`, `B` (each seen through `env`), when they can be counted and match in number."""
    head = expr.value
    if not isinstance(head, ast.Name) or head.id in env or not _local(head.id, model):
        return None
    value = module_types(model).aliases.get(head.id)
    if value is None:
        return None
    params = _type_params(value, model)
    args = list(expr.slice.elts) if isinstance(expr.slice, ast.Tuple) else [expr.slice]
    if params is None or len(params) != len(args):
        return None
    mapped: Env = {}
    for param, arg in zip(params, args, strict=True):
        arg = _parsed(arg)
        mapped[param] = env[arg.id] if isinstance(arg, ast.Name) and arg.id in env else arg
    return value, mapped


def _type_params(value: ast.expr, model: SemanticModel) -> list[str] | None:
    """An alias's type variables in the order they first appear; None when a `TypeVarTuple`
    (which takes any number of arguments) or an unreadable string is among them."""
    found: list[str] = []
    stack: list[ast.AST] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            parsed = _parsed(node)
            if parsed is node:
                return None
            node = parsed
        if isinstance(node, ast.Name):
            kind = _kind(node.id, model)
            if kind == TUPLE:
                return None
            if kind is not None and node.id not in found:
                found.append(node.id)
        stack.extend(reversed(child_nodes(node)))  # source order: first child popped first
    return found


def _kind(name: str, model: SemanticModel) -> str | None:
    return module_types(model).variables.get(name) if _local(name, model) else None


def _local(name: str, model: SemanticModel) -> bool:
    """Bound by the module itself (cheap, before the module's types are read)."""
    binding = model.module_scope.lookup(name)
    return binding is not None and binding.qualified == LOCAL


def _parsed(expr: ast.expr) -> ast.expr:
    """A string annotation's expression (the string itself when it does not parse)."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        try:
            return ast.parse(expr.value.strip(), mode="eval").body
        except SyntaxError:
            return expr
    return expr


def module_types(model: SemanticModel) -> ModuleTypes:
    """The module's type variables and aliases (see `ModuleTypes`), read once per module."""
    return model.shared(_KEY, lambda: _read_module(model))


def _read_module(model: SemanticModel) -> ModuleTypes:
    counts: dict[str, int] = {}
    values: dict[str, ast.expr] = {}
    found = ModuleTypes()
    statements = _statements(model.module.body)
    if any(isinstance(s, ast.ImportFrom) and any(a.name == "*" for a in s.names)
           for s in statements):
        return found  # a star import may bind any name again
    for stmt in statements:
        for name in _bound(stmt):
            counts[name] = counts.get(name, 0) + 1
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], ast.Name):
            values[stmt.targets[0].id] = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) \
                and stmt.value is not None \
                and model.resolve(_parsed(stmt.annotation), model.module_scope) in _TYPE_ALIAS:
            values[stmt.target.id] = _parsed(stmt.value)  # `X: TypeAlias = "..."` too
    for name, value in values.items():
        if counts.get(name) != 1:
            continue
        if isinstance(value, ast.Call):
            kind = _VARIABLE_KINDS.get(model.resolve(value.func, model.module_scope) or "")
            if kind == "typevar":
                free = len(value.args) == 1 and not any(k.arg is None for k in value.keywords)
                found.variables[name] = FREE if free else OTHER
            elif kind is not None:
                found.variables[name] = TUPLE if kind == "tuple" else OTHER
        elif isinstance(value, (ast.Subscript, ast.BinOp)):
            found.aliases[name] = value
    return found


def _statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """A module's statements, also those under `if`, `try`, `with` and loops (a name bound
    there too is bound more than once, or conditionally: not relied on)."""
    out: list[ast.stmt] = []
    stack = list(reversed(body))
    while stack:
        stmt = stack.pop()
        out.append(stmt)
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for name in ("body", "orelse", "finalbody"):
            stack.extend(reversed(getattr(stmt, name, [])))
        for handler in getattr(stmt, "handlers", []):
            stack.extend(reversed(handler.body))
        for case in getattr(stmt, "cases", []):
            stack.extend(reversed(case.body))
    return out


def _bound(stmt: ast.stmt) -> list[str]:
    """The names a statement binds in the module (not those of nested scopes)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt.name]
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return [a.asname or a.name.split(".", 1)[0] for a in stmt.names]
    if isinstance(stmt, (ast.Global, ast.Nonlocal)):
        return list(stmt.names)
    return assigned_names(stmt)
