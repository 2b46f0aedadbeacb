"""Names a statement reads and writes, and the objects a call is handed.

Enough dataflow to tell whether two statements can swap or overlap: names are compared by their
root (`user.id` and `user.orders[0]` both touch `user`), which over-approximates and so errs on
the side of "dependent".
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from asynclint.semantic.nodes import walk


def path_of(expr: ast.expr) -> str | None:
    """`a`, `a.b.c`, `a.b[]` for a name, attribute chain or subscript of one; else None."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        base = path_of(expr.value)
        return f"{base}.{expr.attr}" if base is not None else None
    if isinstance(expr, ast.Subscript):
        base = path_of(expr.value)
        return f"{base}[]" if base is not None else None
    return None


def root_of(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


def target_names(target: ast.expr) -> set[str] | None:
    """Names bound by an assignment target made only of names; None for any other target."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        names: set[str] = set()
        for elt in target.elts:
            inner = target_names(elt.value if isinstance(elt, ast.Starred) else elt)
            if inner is None:
                return None
            names |= inner
        return names
    return None


def names_read(node: ast.AST) -> set[str]:
    """Every name loaded anywhere inside `node` (comprehension variables included: harmless)."""
    return {n.id for n in walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def names_written(node: ast.AST) -> set[str]:
    """Names bound inside an expression (`:=`)."""
    return {
        n.target.id for n in walk(node)
        if isinstance(n, ast.NamedExpr) and isinstance(n.target, ast.Name)
    }


def passed_objects(call: ast.Call) -> Iterator[ast.expr]:
    """The existing objects a call hands to the callee: the receiver of a method, the callee
    itself when it is a value, and arguments that are names, attribute paths or subscripts
    (also inside list/tuple/set/dict displays and captured by lambdas). Computed arguments
    (`x + 1`, `f"{a}"`, `build(q)`) are new values, not shared objects."""
    func = call.func
    if isinstance(func, ast.Attribute):
        yield func.value
    else:
        yield func
    for arg in call.args:
        yield from _objects_in(arg.value if isinstance(arg, ast.Starred) else arg)
    for kw in call.keywords:
        yield from _objects_in(kw.value)


def _objects_in(expr: ast.expr) -> Iterator[ast.expr]:
    if path_of(expr) is not None:
        yield expr
    elif isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        for elt in expr.elts:
            yield from _objects_in(elt.value if isinstance(elt, ast.Starred) else elt)
    elif isinstance(expr, ast.Dict):
        for value in expr.values:
            yield from _objects_in(value)
    elif isinstance(expr, ast.Lambda):
        for name in names_read(expr.body):
            yield ast.Name(id=name, ctx=ast.Load())
    elif isinstance(expr, ast.Starred):
        yield from _objects_in(expr.value)
