"""Which calls start an event loop (`asyncio.run`, `loop.run_until_complete`, `anyio.run`, ...),
for the rules about starting one where one runs, per request or at import. The tables are
`catalogs/loops.py`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from asynclint.semantic.catalogs.loops import (
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
