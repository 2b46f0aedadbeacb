"""Does a plain `def` return, and, unannotated, never an awaitable? A project-index fact for
ASL208 (`await` on what is not awaitable), read from the function's body alone."""

from __future__ import annotations

import ast

from asynclint.semantic.model import SemanticModel
from asynclint.semantic.nodes import child_nodes

# The project-index fact (a `FACT_PROVIDERS` entry) of a plain `def` that is no stub and, when
# unannotated, never returns an awaitable: every `return` gives a literal, a display or a
# builtin's result.
PLAIN_FACT = "plain"
# Builtins whose result is never awaitable (a plain `def` returning one returns no awaitable).
_PLAIN_BUILTINS = frozenset(f"builtins.{n}" for n in (
    "str", "int", "float", "bool", "bytes", "dict", "list", "tuple", "set", "frozenset",
    "len", "repr", "sorted", "isinstance", "issubclass", "hash", "id", "abs", "round",
    "print", "format"))
_PLAIN_NODES = (ast.Constant, ast.JoinedStr, ast.List, ast.Tuple, ast.Dict, ast.Set,
                ast.ListComp, ast.SetComp, ast.DictComp)


def plain_return(node: ast.FunctionDef | ast.AsyncFunctionDef,
                 model: SemanticModel) -> bool | None:
    """True when a plain `def` evidently returns (no generator, no `await` in it) and is no
    stub: its body is more than `pass`/`...`/`raise` (a stub may be overridden with an
    `async def`, and a call that raises never reaches the `await`). Unannotated, also each of
    its `return`s must give nothing, a literal, a display or a builtin's result (annotated,
    the annotation says what it returns). None otherwise ("nothing to say")."""
    if not isinstance(node, ast.FunctionDef):
        return None
    annotated = node.returns is not None
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    if all(isinstance(s, (ast.Pass, ast.Raise)) or (
            isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)) for s in body):
        return None
    stack: list[ast.AST] = list(body)
    while stack:
        sub = stack.pop()
        if isinstance(sub, (ast.Yield, ast.YieldFrom, ast.Await)):
            return None
        if isinstance(sub, ast.Return) and sub.value is not None and not annotated:
            value = sub.value
            if not isinstance(value, _PLAIN_NODES) and not (
                    isinstance(value, ast.Call)
                    and model.resolve(value.func) in _PLAIN_BUILTINS):
                return None
        if not isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                ast.ClassDef)):
            stack.extend(child_nodes(sub))
    return True
