"""The single traversal: every rule of a module fed in one iterative walk of its `ast` tree.

Which fields of a node may hold children, and how a node opens a scope, are tabled here once
per node type, so the walk itself only looks them up.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING

from asynclint.semantic.nodes import OPERATOR_FIELDS, OPERATOR_NODES, SCALAR_FIELDS

if TYPE_CHECKING:
    from asynclint.rules import Rule
    from asynclint.semantic.model import SemanticModel

# Node types that have no children besides operator singletons: when no rule wants them, the
# traversal does not enter them at all (Name and Constant are a third of all nodes).
_LEAVES: tuple[type[ast.AST], ...] = (
    ast.Name, ast.Constant, ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal,
    ast.alias, ast.MatchSingleton, ast.MatchStar, ast.TypeIgnore,
)
# How a node opens a scope: 0 function, 1 class, 2 lambda.
_SCOPE_KIND: dict[type[ast.AST], int] = {
    ast.FunctionDef: 0, ast.AsyncFunctionDef: 0, ast.ClassDef: 1, ast.Lambda: 2,
}
_PUSH_SCOPE, _POP_SCOPE = -1, -2  # stack codes; >= 0: enter at that depth; <= -3: leave
_child_fields_cache: dict[tuple[type[ast.AST], bool], tuple[str, ...]] = {}


def _child_fields(kind: type[ast.AST], with_operators: bool) -> tuple[str, ...]:
    """The fields of `kind` that may hold child nodes, last first (the stack reverses them)."""
    key = (kind, with_operators)
    fields = _child_fields_cache.get(key)
    if fields is None:
        fields = tuple(reversed([
            f for f in kind._fields
            if f not in SCALAR_FIELDS and (with_operators or f not in OPERATOR_FIELDS)
        ]))
        _child_fields_cache[key] = fields
    return fields


# What the walk needs of one node type, worked out once per file and type (`_plan`): the
# rules' methods to call on entering it (None: none), those called only inside coroutines,
# whether some rule leaves it, how it opens a scope (None: it does not), and the fields that
# may hold its children, last first. A plain tuple, unpacked at once: as a NamedTuple its
# construction (once per node type and file) cost 0.7 % of a cold run's instructions
# (`benchmarks/instructions.sh`: 6.262 G vs 6.304 G); `tests/test_walk.py` pins the walk.
_Plan = tuple[
    "list[Callable[[ast.AST], None]] | None", "list[Callable[[ast.AST], None]] | None", bool,
    "int | None", tuple[str, ...],
]


def walk(tree: ast.Module, semantic: SemanticModel, rules: list[Rule]) -> None:
    """One iterative traversal (deep trees never hit the recursion limit) feeding every rule.

    Each stack entry carries its depth, so `semantic.parents` is cut back to the node's
    ancestors on entry instead of being popped node by node; a leave event is queued only for
    the node types some rule leaves, and childless nodes no rule wants are not entered. Rules
    see exactly the same calls, parents and scopes as in a plain walk of every node, except
    that an `async_only` rule is called only inside coroutine bodies.
    """
    visitors: dict[type[ast.AST], list[Callable[[ast.AST], None]]] = {}
    async_visitors: dict[type[ast.AST], list[Callable[[ast.AST], None]]] = {}
    leavers: dict[type[ast.AST], list[Callable[[ast.AST], None]]] = {}
    for rule in rules:
        # The tables are derived once per rule class (`Rule.__init_subclass__`); here they are
        # only bound to this file's instances, in the rules' order.
        into = async_visitors if rule.async_only else visitors
        for name, kinds in rule.visitors.items():
            method = getattr(rule, name)
            for kind in kinds:
                into.setdefault(kind, []).append(method)
        for name, kinds in rule.leavers.items():
            method = getattr(rule, name)
            for kind in kinds:
                leavers.setdefault(kind, []).append(method)
    wanted = set(visitors) | set(async_visitors) | set(leavers)
    with_operators = any(issubclass(k, OPERATOR_NODES) for k in wanted)
    skip = frozenset(k for k in _LEAVES if k not in wanted and not with_operators)

    def plan(kind: type[ast.AST]) -> _Plan:
        return (visitors.get(kind), async_visitors.get(kind), kind in leavers,
                _SCOPE_KIND.get(kind), _child_fields(kind, with_operators))

    # One dict lookup per entered node instead of one per question (five): about half a
    # million nodes are entered on the benchmark corpus.
    plans: dict[type[ast.AST], _Plan] = {}
    is_node = ast.AST
    parents = semantic.parents
    base = len(parents)
    stack: list[tuple[ast.AST, int]] = [(tree, base)]
    push = stack.append
    pop = stack.pop
    while stack:
        node, code = pop()
        if code >= 0:
            del parents[code:]
            kind = node.__class__
            found = plans.get(kind)
            if found is None:
                found = plans[kind] = plan(kind)
            visits, async_visits, leaves, scope, fields = found
            if visits is not None:
                for visit in visits:
                    visit(node)
            if async_visits is not None and semantic.scope.is_async:
                for visit in async_visits:
                    visit(node)
            parents.append(node)
            depth = code + 1
            if leaves:
                push((node, -3 - code))
            if scope is None:
                for name in fields:
                    value = getattr(node, name)
                    if value.__class__ is list:
                        for item in reversed(value):
                            if item.__class__ not in skip and isinstance(item, is_node):
                                push((item, depth))
                    elif value.__class__ not in skip and isinstance(value, is_node):
                        push((value, depth))
                continue
            # Decorators, defaults, annotations and bases run in the enclosing scope; the body
            # (a lambda's expression) in the new one.
            push((node, _POP_SCOPE))
            if scope == 2:
                body: list[ast.AST] = [node.body]  # type: ignore[attr-defined]
                outer: list[ast.AST] = [node.args]  # type: ignore[attr-defined]
            else:
                body = node.body  # type: ignore[attr-defined]
                outer = list(node.decorator_list)  # type: ignore[attr-defined]
                if scope == 1:
                    outer += [*node.bases, *node.keywords]  # type: ignore[attr-defined]
                else:
                    outer.append(node.args)  # type: ignore[attr-defined]
                    if node.returns is not None:  # type: ignore[attr-defined]
                        outer.append(node.returns)  # type: ignore[attr-defined]
            for child in reversed(body):
                if child.__class__ not in skip:
                    push((child, depth))
            push((node, _PUSH_SCOPE))
            for child in reversed(outer):
                if child.__class__ not in skip:
                    push((child, depth))
        elif code == _PUSH_SCOPE:
            semantic.push_scope(node)
        elif code == _POP_SCOPE:
            semantic.pop_scope()
        else:
            del parents[-3 - code:]
            for leave in leavers[node.__class__]:
                leave(node)
    del parents[base:]
    for rule in rules:
        rule.finish()
