"""Does a plain `def` return, and, unannotated, never an awaitable? A project-index fact for
ASL208 (`await` on what is not awaitable), read from the function's body alone."""

from __future__ import annotations

import ast

from asynclint.semantic.model import SemanticModel

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
    """True when a plain `def` is no stub: its body is more than `pass`/`...`/`raise` (a stub
    may be overridden with an `async def`, and a call that raises never reaches the `await`).
    Unannotated, also each of its `return`s must give nothing, a literal, a display or a
    builtin's result (annotated, the annotation says what it returns). None otherwise
    ("nothing to say"). A generator needs no care: calling one gives a generator, which is
    no more awaitable than a plain value. Only statements are visited (a `return` is one),
    never expressions: the fact is computed for every function of a module."""
    if not isinstance(node, ast.FunctionDef):
        return None
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    if all(isinstance(s, (ast.Pass, ast.Raise)) or (
            isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)) for s in body):
        return None
    if node.returns is not None:
        return True
    stack: list[ast.stmt] = list(body)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, ast.Return):
            value = stmt.value
            if value is not None and not isinstance(value, _PLAIN_NODES) and not (
                    isinstance(value, ast.Call)
                    and model.resolve(value.func) in _PLAIN_BUILTINS):
                return None
        elif not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for block in _BLOCKS:
                inner = getattr(stmt, block, None)
                if inner:
                    stack.extend(inner)
            for part in getattr(stmt, "handlers", None) or getattr(stmt, "cases", None) or ():
                stack.extend(part.body)
    return True


# The fields of compound statements that hold statements (handlers and match cases aside).
_BLOCKS = ("body", "orelse", "finalbody")
