"""Which calls start an event loop (`asyncio.run`, `loop.run_until_complete`, `anyio.run`, ...),
for the rules about starting one where one runs, per request or at import. The tables are
`catalogs/loops.py`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from asynclint.semantic.catalogs.loops import (
    LOOP_CONTEXTS,
    LOOP_GETTERS,
    LOOP_RUN_METHODS,
    LOOP_TYPES,
    RUN_FUNCTIONS,
    TYPED_RUN_METHODS,
)
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.scopes import Scope

_RUN_METHOD_NAMES = frozenset({*LOOP_RUN_METHODS, *(m.rsplit(".", 1)[1] for m in TYPED_RUN_METHODS)})
# The last part of every qualified name `run_call` can match: other attribute calls are skipped.
_RUN_LAST_NAMES = _RUN_METHOD_NAMES | {name.rsplit(".", 1)[-1] for name in RUN_FUNCTIONS}


@dataclass(frozen=True)
class RunCall:
    label: str  # how the message names it: "asyncio.run", "loop.run_until_complete"
    style: str | None  # how it is awaited instead, None when there is no mechanical rewrite


def run_call(semantic: SemanticModel, call: ast.Call, scope: Scope | None = None) -> RunCall | None:
    """Whether `call` starts an event loop (asyncio.run, loop.run_until_complete, ...)."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr not in _RUN_LAST_NAMES:
        return None
    qualified = semantic.resolve(func, scope)
    if qualified is not None:
        style = RUN_FUNCTIONS.get(qualified)
        return RunCall(qualified, style) if style is not None else None
    if not isinstance(func, ast.Attribute) or func.attr not in _RUN_METHOD_NAMES:
        return None
    receiver = semantic.types.type_of(func.value, scope or semantic.scope)
    if receiver is not None and f"{receiver}.{func.attr}" in TYPED_RUN_METHODS:
        return RunCall(f"{receiver.rsplit('.', 1)[-1]}.{func.attr}",
                       TYPED_RUN_METHODS[f"{receiver}.{func.attr}"])
    if func.attr in LOOP_RUN_METHODS and (receiver is None or receiver in LOOP_TYPES):
        if semantic.resolve(func.value, scope) is not None:
            return None  # a module or imported object, not a loop instance
        return RunCall(f"loop.{func.attr}", LOOP_RUN_METHODS[func.attr])
    return None


@dataclass(frozen=True)
class LoopHolder:
    """The statement that held the loop (or runner) of a run call, once the call is awaited
    instead. "assigned": `loop = asyncio.get_running_loop()`, rows `first`..`last`, dropped.
    "with": `with asyncio.Runner() as runner:`, its header row `first`, its body rows
    `body_first`..`last` moved `dedent` columns left (the `with` itself would still start and
    close a loop inside the running one)."""

    kind: str
    first: int
    last: int
    body_first: int = 0
    dedent: int = 0


@dataclass(frozen=True)
class RunReceiver:
    """What a run call's receiver is bound by: `holder` is the statement a fix can drop with the
    call (None when it cannot), `in_with` whether the receiver comes from a loop-starting
    `with` (then the call alone must not be awaited: the `with` stays a crash)."""

    holder: LoopHolder | None
    in_with: bool


def _own_lines(stmt: ast.stmt, block: list[ast.stmt]) -> bool:
    """`stmt` shares no row with its neighbours in `block` (no `a; b`)."""
    i = block.index(stmt)
    before = block[i - 1].end_lineno if i else None
    after = block[i + 1].lineno if i + 1 < len(block) else None
    return (before is None or before < stmt.lineno) and (
        after is None or stmt.end_lineno is None or after > stmt.end_lineno)


def _blocks(func: ast.AST) -> list[list[ast.stmt]]:
    """Every statement list in `func` (its body and the blocks nested in it)."""
    found: list[list[ast.stmt]] = []
    for node in ast.walk(func):
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                found.append(block)
    return found


def _hides_uses(node: ast.AST, name: str) -> bool:
    """`node` makes `name` more than the function's own (`global`, `nonlocal`) or reaches
    names in ways a walk cannot count (`locals()`, `eval(...)`)."""
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return name in node.names
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
        and node.func.id in ("locals", "vars", "eval", "exec")


def run_receiver(semantic: SemanticModel, call: ast.Call, func: ast.AST) -> RunReceiver:
    """How the receiver of `call` (a run method, `loop.run_until_complete(...)`) is bound in
    the function `func`: the holding statement is droppable when the name is bound once, by a
    loop getter or a single-item loop-starting `with`, and this call is its only use."""
    nothing = RunReceiver(None, in_with=False)
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    if not isinstance(receiver, ast.Name):
        return nothing
    name = receiver.id
    stores: list[ast.Name] = []
    loads = 0
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and node.id == name:
            if isinstance(node.ctx, ast.Load):
                loads += 1
            else:
                stores.append(node)
        elif _hides_uses(node, name):
            return nothing
    in_with = any(
        isinstance(node, (ast.With, ast.AsyncWith)) and any(
            item.optional_vars is not None and any(
                isinstance(n, ast.Name) and n.id == name for n in ast.walk(item.optional_vars))
            and isinstance(item.context_expr, ast.Call)
            and semantic.resolve(item.context_expr.func) in LOOP_CONTEXTS
            for item in node.items)
        for node in ast.walk(func))
    if len(stores) != 1 or loads != 1:
        return RunReceiver(None, in_with)
    target = stores[0]
    for block in _blocks(func):
        for stmt in block:
            holder = _holder(semantic, stmt, block, target)
            if holder is not None:
                return RunReceiver(holder, in_with)
    return RunReceiver(None, in_with)


def _holder(semantic: SemanticModel, stmt: ast.stmt, block: list[ast.stmt],
            target: ast.Name) -> LoopHolder | None:
    if isinstance(stmt, ast.Assign) and stmt.targets == [target] and isinstance(
            stmt.value, ast.Call) and semantic.resolve(stmt.value.func) in LOOP_GETTERS:
        if len(block) > 1 and _own_lines(stmt, block) and stmt.end_lineno is not None:
            return LoopHolder("assigned", stmt.lineno, stmt.end_lineno)
        return None
    if not isinstance(stmt, ast.With) or len(stmt.items) != 1:
        return None
    item = stmt.items[0]
    if item.optional_vars is not target or not isinstance(item.context_expr, ast.Call) \
            or semantic.resolve(item.context_expr.func) not in LOOP_CONTEXTS:
        return None
    first = stmt.body[0]
    header_end = item.context_expr.end_lineno
    if header_end != stmt.lineno or first.lineno != stmt.lineno + 1 \
            or stmt.end_lineno is None or not _own_lines(stmt, block):
        return None
    if any(isinstance(node, (ast.Constant, ast.JoinedStr)) and node.end_lineno != node.lineno
           for node in ast.walk(stmt)):
        return None  # moving a multi-line string left would change it
    return LoopHolder("with", stmt.lineno, stmt.end_lineno, first.lineno,
                      first.col_offset - stmt.col_offset)
