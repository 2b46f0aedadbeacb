"""Fast versions of `ast.iter_child_nodes` and `ast.walk`, same nodes in the same order, less
the operator singletons.

The standard ones go through a generator per node (`ast.iter_fields`) and look at every
field, scalars included; the analysis calls them millions of times on a large project. Here
each node type's child-holding fields are worked out once. The operator singletons (`Load()`,
`Add()`, `Eq()`...: a node's `ctx`, `op` or `ops`) are never given: nothing looks for them in
a walk (a node's operator is read from the node), and they were a third of the nodes walked.
`own_nodes` walks a function's own code, in source order.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator

from asynclint.semantic.syntax import NESTED_SCOPES

# Fields that never hold a node, whatever the node type (strings, numbers, flags).
SCALAR_FIELDS = frozenset({
    "id", "attr", "arg", "asname", "module", "level", "kind", "conversion", "is_async", "simple",
    "type_comment", "kwd_attrs", "rest", "tag", "lineno", "n", "s",
})
# Fields holding only operator singletons (`Load()`, `Add()`...), which have no children.
OPERATOR_FIELDS = frozenset({"ctx", "op", "ops"})
# The types of those singletons (what the walks here leave out).
OPERATOR_NODES = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}
_AST = ast.AST


def _fields(kind: type[ast.AST]) -> tuple[str, ...]:
    fields = _FIELDS[kind] = tuple(f for f in kind._fields
                                   if f not in SCALAR_FIELDS and f not in OPERATOR_FIELDS)
    return fields


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """The direct children of `node`, as `ast.iter_child_nodes` gives them (less operator
    singletons)."""
    fields = _FIELDS.get(node.__class__)
    if fields is None:
        fields = _fields(node.__class__)
    out: list[ast.AST] = []
    for name in fields:
        value = getattr(node, name, None)
        if value.__class__ is list:
            for item in value:
                if isinstance(item, _AST):
                    out.append(item)
        elif isinstance(value, _AST):
            out.append(value)
    return out


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """`node` and every node below it, in `ast.walk`'s (breadth-first) order (less operator
    singletons)."""
    todo = deque([node])
    pop, extend = todo.popleft, todo.extend
    while todo:
        current = pop()
        extend(child_nodes(current))
        yield current


# The fields that hold statements (or the handlers and cases that hold them).
_BLOCK_FIELDS = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})
_BLOCKS_OF: dict[type[ast.AST], tuple[str, ...]] = {}
_HOLDERS = (ast.stmt, ast.excepthandler, ast.match_case)


def statements(node: ast.AST) -> Iterator[ast.stmt]:
    """The statements of `walk(node)` (`node` first when it is one), in its order, without
    visiting expressions: only statements, `except` handlers and `case`s hold statements,
    so a breadth-first walk of those alone meets them at the same depths in the same order
    (for `self.x = ...` in `__init__`, this skips the nine nodes in ten that are
    expressions)."""
    todo = deque([node])
    pop, append = todo.popleft, todo.append
    blocks_of = _BLOCKS_OF
    while todo:
        current = pop()
        kind = current.__class__
        fields = blocks_of.get(kind)
        if fields is None:
            fields = blocks_of[kind] = tuple(f for f in kind._fields if f in _BLOCK_FIELDS)
        for name in fields:
            value = getattr(current, name)
            if value.__class__ is list:  # a lambda's or conditional's `body` is an expression
                for item in value:
                    if isinstance(item, _HOLDERS):
                        append(item)
        if isinstance(current, ast.stmt):
            yield current


_NODE_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}  # `_FIELDS`, last first
_NESTED = frozenset(NESTED_SCOPES)  # node classes are exact: no subclass of these is parsed


def names_and_strings(node: ast.AST) -> tuple[list[ast.Name], list[ast.Constant]]:
    """Every `Name` and every string `Constant` under `node`, in no particular order: what
    can use an imported name (a string may be an annotation that mentions it).

    One stack walk that neither enters the leaves it collects nor the operator singletons:
    half the time of `ast.walk` over the modules of the benchmark corpus that have a fix."""
    names: list[ast.Name] = []
    strings: list[ast.Constant] = []
    stack = [node]
    pop, push, is_node, fields_of = stack.pop, stack.append, ast.AST, _FIELDS
    while stack:
        current = pop()
        if isinstance(current, ast.Name):
            names.append(current)
            continue
        if isinstance(current, ast.Constant):
            if isinstance(current.value, str):
                strings.append(current)
            continue
        kind = current.__class__
        fields = fields_of.get(kind)
        if fields is None:
            fields = _fields(kind)
        for name in fields:
            value = getattr(current, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, is_node):
                        push(item)
            elif isinstance(value, is_node):
                push(value)
    return names, strings


def assigns(node: ast.AST, name: str) -> bool:
    """`node`, or something below it (nested scopes included), stores to the name `name`."""
    return any(isinstance(sub, ast.Name) and sub.id == name and isinstance(sub.ctx, ast.Store)
               for sub in walk(node))


def own_nodes(body: list[ast.stmt]) -> Iterator[tuple[ast.AST, ast.AST | None]]:
    """(node, parent) for the code of a function body itself, in source order; nested
    functions, lambdas and classes are skipped (their code runs elsewhere, or later).

    The same order as `ast.iter_child_nodes` gives, without its per-field generator (this is
    the hot loop of the blocking family and of the project index's facts): each node type's
    fields that may hold nodes are listed once, and a nested scope is told by one set
    lookup."""
    stack: list[tuple[ast.AST, ast.AST | None]] = [(s, None) for s in reversed(body)]
    pop, push, is_node = stack.pop, stack.append, ast.AST
    fields_of = _NODE_FIELDS
    while stack:
        item = pop()
        yield item
        node = item[0]
        kind = node.__class__
        if kind in _NESTED:
            continue
        fields = fields_of.get(kind)
        if fields is None:
            fields = fields_of[kind] = tuple(reversed(_FIELDS.get(kind) or _fields(kind)))
        for name in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for child in reversed(value):
                    if isinstance(child, is_node):
                        push((child, node))
            elif isinstance(value, is_node):
                push((value, node))


def shallow_nodes(nodes: list[ast.stmt] | list[ast.AST]) -> Iterator[ast.AST]:
    """Every node under `nodes` (in no particular order), nested functions, lambdas and
    classes included but not entered: what runs when these statements run."""
    stack: list[ast.AST] = list(nodes)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, NESTED_SCOPES):
            stack.extend(child_nodes(node))
