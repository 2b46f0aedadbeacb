"""The `suspends` fact of the project index: does a project coroutine wait on I/O by itself, or
which project coroutines does it await? (`semantic.suspension` asks it through the index;
`project.facts` lists it.)

The fact, computed from the function's own module and never reading the index, is True when
the body suspends on its own (it awaits a known async API or an awaitable of unknown origin,
or uses `async for` / `async with`), else the list of the project functions it awaits
(qualified names, an empty list when it awaits nothing); None when nothing can be said (not an
`async def`, a stub, a decorator that may change the call).
"""

from __future__ import annotations

import ast

from asynclint.semantic.concrete import method_classes, module_definitions
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.nodes import own_nodes
from asynclint.semantic.syntax import FUNCS, FuncDef

FACT = "suspends"
# Decorators that leave what calling the function does as it is.
KEEPING = frozenset({"builtins.staticmethod", "builtins.classmethod"})

Fact = bool | list[str]


# -- the fact (computed in the callee's module) -------------------------------------------------
def project_fact(func: FuncDef, model: SemanticModel) -> Fact | None:
    """True when `func` suspends on its own; else the project coroutines it awaits (an empty
    list: it awaits nothing); None when it is no plain `async def` or a stub."""
    if not isinstance(func, ast.AsyncFunctionDef) or _is_stub(func):
        return None
    for decorator in func.decorator_list:
        if model.resolve(decorator, model.module_scope) not in KEEPING:
            return None
    module = model.module_name or "__module__"
    owner = method_classes(model).get(id(func))
    params = [*func.args.posonlyargs, *func.args.args]
    self_name = params[0].arg if owner is not None and params else None
    local = _locally_bound(func)
    callees: list[str] = []
    for node, _ in own_nodes(func.body):
        if isinstance(node, (ast.AsyncFor, ast.AsyncWith)):
            return True
        if isinstance(node, ast.comprehension) and node.is_async:
            return True
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return None  # an async generator: not awaited
        if not isinstance(node, ast.Await):
            continue
        target = _awaited_function(node.value, model, module, owner, self_name, local)
        if target is None:
            return True
        if target not in callees:
            callees.append(target)
    return callees


def _awaited_function(value: ast.expr, model: SemanticModel, module: str, owner: str | None,
                      self_name: str | None, local: frozenset[str]) -> str | None:
    """The qualified name of the function an `await` calls, when it may be a project
    coroutine: an imported name, a function of this module, a method through `self`."""
    if not isinstance(value, ast.Call):
        return None
    func = value.func
    root = func
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name) or (root.id in local and root.id != self_name):
        return None
    if isinstance(func, ast.Name):
        definition = module_definitions(model).get(func.id)
        if isinstance(definition, FUNCS):
            return f"{module}.{func.id}"
    if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            and func.value.id == self_name and owner is not None):
        return f"{module}.{owner}.{func.attr}"
    qualified = model.resolve(func, model.module_scope)
    if qualified is None or qualified.startswith("builtins."):
        return None
    return qualified


def _locally_bound(func: FuncDef) -> frozenset[str]:
    """Names the function binds itself (parameters, assignments): not module functions."""
    args = func.args
    names = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    names.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
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


def _is_stub(func: FuncDef) -> bool:
    """`...`, `pass`, a docstring or a `raise`: what runs is defined elsewhere (an override)."""
    return all(isinstance(s, (ast.Pass, ast.Raise))
               or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
               for s in func.body)


