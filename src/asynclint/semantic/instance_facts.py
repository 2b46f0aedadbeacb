"""The `instance` fact of the project index: what a method does with its own instance (`self`),
as far as sharing it between concurrent calls goes (`semantic.instance_use` follows it through
the index; `project.facts` lists it).

A run of `await self.get(...)` calls, or of `await client.read_x(...)` calls on one project
object, may overlap only when no call changes the instance another reads. The fact says, for
a plain method of a top-level class, that its body uses `self` in no way but these:

- calling a method on an object reached through it (`self.wallet.client.request(...)`): the
  fact lists the attribute path, the types the module gives each step, and the method;
- calling another method of the instance (`self.request(...)`): the fact names it, and the
  asker follows it on the instance's own class;
- reading an attribute as data (`f"{self.endpoint}{path}"`, a comparison, a test).

Any other use — an attribute stored or deleted (`self.token = ...`, `self.cache[k] = v`),
`self` handed on, returned, aliased, used by a closure, `super()` — makes the fact None:
unknown, so the calls keep their order. For `__init__` the fact is instead the types of the
instance's attributes (`{"attrs": {"client": "httpx.AsyncClient"}}`), so a method of another
module can follow `self.wallet.client` through a class whose attributes it cannot see.
Nothing here reads the index.
"""

from __future__ import annotations

import ast
from typing import Any

from asynclint.semantic.concrete import method_classes
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.nodes import own_nodes, walk
from asynclint.semantic.suspension_facts import function_scope
from asynclint.semantic.syntax import NESTED_SCOPES, FuncDef
from asynclint.semantic.types import canonical

FACT = "instance"
# Where an attribute of the instance may be read as a plain value.
_DATA_PARENTS = (ast.FormattedValue, ast.BinOp, ast.Compare, ast.BoolOp, ast.UnaryOp)
_TESTS = (ast.If, ast.While, ast.IfExp, ast.Assert)


def project_fact(func: FuncDef, model: SemanticModel) -> dict[str, Any] | None:
    """`{"clients": [[path, types, method], ...], "calls": [method, ...]}` for a plain method
    that only reads through its instance; `{"attrs": {...}}` for `__init__`; else None."""
    if id(func) not in method_classes(model) or func.decorator_list:
        return None
    params = [*func.args.posonlyargs, *func.args.args]
    if not params:
        return None
    self_name = params[0].arg
    scope = function_scope(func, model)
    if func.name == "__init__":
        return {"attrs": _attribute_types(func, self_name, model)}
    parents: dict[int, ast.AST | None] = {}
    uses: list[ast.Name] = []
    for node, parent in own_nodes(func.body):
        parents[id(node)] = parent
        if isinstance(node, NESTED_SCOPES):
            if any(isinstance(n, ast.Name) and n.id in (self_name, "super")
                   for n in walk(node)):
                return None  # a closure may use it later, any way
        elif isinstance(node, ast.Name):
            if node.id == "super" or (node.id == self_name
                                      and not isinstance(node.ctx, ast.Load)):
                return None  # `super()` hands the instance on; `self` rebound
            if node.id == self_name:
                uses.append(node)
        elif isinstance(node, (ast.Global, ast.Nonlocal)) and self_name in node.names:
            return None
    clients: list[list[Any]] = []
    calls: list[str] = []
    for name in uses:
        chain: list[ast.Attribute] = []
        parent = parents.get(id(name))
        while isinstance(parent, ast.Attribute) and parent.value is (chain[-1] if chain
                                                                    else name):
            chain.append(parent)
            parent = parents.get(id(parent))
        if not chain or not isinstance(chain[-1].ctx, ast.Load):
            return None  # `self` itself handed on, or an attribute stored or deleted
        top = chain[-1]
        if isinstance(parent, ast.Call) and parent.func is top:
            if len(chain) == 1:
                calls.append(chain[0].attr)
                continue
            path = [a.attr for a in chain[:-1]]
            types = [_type(a, model, scope) for a in chain[:-1]]
            clients.append([path, types, chain[-1].attr])
        elif not _read_as_data(top, parent):
            return None
    return {"clients": clients, "calls": sorted(set(calls))}


def _read_as_data(node: ast.expr, parent: ast.AST | None) -> bool:
    """An attribute read whose value is only looked at (formatted, compared, tested)."""
    if isinstance(parent, _DATA_PARENTS):
        return True
    return isinstance(parent, _TESTS) and parent.test is node


def _type(expr: ast.expr, model: SemanticModel, scope: Any) -> str | None:
    found = model.types.type_of(expr, scope)
    return canonical(found) if found else None


def _attribute_types(init: FuncDef, self_name: str, model: SemanticModel) -> dict[str, str]:
    """The types the module gives the instance's attributes `__init__` assigns (and the
    class's annotated fields), as `semantic.types` reads them."""
    scope = function_scope(init, model)
    names: set[str] = set()
    for node in walk(init):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) \
                and isinstance(node.value, ast.Name) and node.value.id == self_name:
            names.add(node.attr)
    owner = scope.parent.node if scope.parent is not None else None
    if isinstance(owner, ast.ClassDef):
        names.update(s.target.id for s in owner.body
                     if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name))
    found: dict[str, str] = {}
    for attr in sorted(names):
        probe = ast.Attribute(value=ast.Name(id=self_name, ctx=ast.Load()), attr=attr,
                              ctx=ast.Load())
        kind = _type(probe, model, scope)
        if kind is not None:
            found[attr] = kind
    return found
