"""`semantic.plain_returns`: whether an `async def` annotated `-> Any` may mean to hand back an
awaitable, and `typing.cast` seen through."""

from __future__ import annotations

import ast
import textwrap

import pytest

from asynclint.semantic.model import SemanticModel
from asynclint.semantic.plain_returns import (
    cast_operand,
    may_return_awaitable,
    returns_awaitables_by_design,
)


def _ask(code: str, name: str = "f") -> bool:
    tree = ast.parse(textwrap.dedent(code))
    model = SemanticModel(tree, "m", False)
    function = next(n for n in ast.walk(tree)
                    if isinstance(n, ast.AsyncFunctionDef) and n.name == name)

    def coroutine_call(call: ast.Call) -> bool:
        return isinstance(call.func, ast.Name) and call.func.id == "coro"

    return may_return_awaitable(function, model, coroutine_call)


@pytest.mark.parametrize(("code", "expected"), [
    # every return is the coroutine, a literal, a display, an `await` or nothing: a slip
    ("async def f() -> Any:\n    return coro()\n", False),
    ("async def f(x) -> Any:\n    if x:\n        return [x]\n    if x is None:\n"
     "        return\n    if x == 1:\n        return await coro()\n    return coro()\n", False),
    ("async def f() -> Any:\n    return cast(int, coro())\n", False),
    ("async def f() -> Any:\n    def inner():\n        return other()\n    return coro()\n",
     False),
    ("@staticmethod\nasync def f() -> Any:\n    return coro()\n", False),
    # another return gives another call's result, or a name: an awaitable may be meant
    ("async def f(x) -> Any:\n    if x:\n        return coro()\n    return other()\n", True),
    ("async def f(x) -> Any:\n    if x:\n        return coro()\n    return x\n", True),
    # a decorator takes the result
    ("@cached\nasync def f() -> Any:\n    return coro()\n", True),
    # the module takes the result without awaiting it
    ("async def f() -> Any:\n    return coro()\n\ndef g():\n    return asyncio.run(f())\n",
     True),
    ("class C:\n    async def f(self) -> Any:\n        return coro()\n"
     "    def g(self):\n        asyncio.run(self.f())\n", True),
    ("async def f() -> Any:\n    return coro()\n\nasync def g():\n    return await f()\n",
     False),
])
def test_may_return_awaitable(code: str, expected: bool) -> None:
    assert _ask("from typing import Any, cast\nimport asyncio\n" + code) is expected


def test_cast_operand() -> None:
    tree = ast.parse("from typing import cast\nimport typing\ncast(int, a)\ntyping.cast(int, b)\n"
                     "cast(int)\nlen(c)\n")
    model = SemanticModel(tree, "m", False)
    values = [s.value for s in tree.body[2:]]  # type: ignore[attr-defined]
    found = [cast_operand(v, model.resolve) for v in values]
    assert [getattr(f, "id", None) for f in found] == ["a", "b", None, None]


def _by_design(code: str) -> bool:
    tree = ast.parse(textwrap.dedent(code))
    function = next(n for n in ast.walk(tree) if isinstance(n, ast.AsyncFunctionDef))
    return returns_awaitables_by_design(
        function, lambda call: isinstance(call.func, ast.Attribute) and call.func.attr.startswith("a"))


@pytest.mark.parametrize(("code", "expected"), [
    # one coroutine returned among awaited, plain or literal returns: a dropped `await`
    ("async def f(r):\n    return r.acomplete()\n", False),
    ("async def f(r, x):\n    if x:\n        return await r.acomplete()\n"
     "    return r.acomplete()\n", False),
    ("async def f(r, x):\n    if x:\n        return len(x)\n    return r.acomplete()\n", False),
    # the same coroutine function on two branches is still one slip repeated
    ("async def f(r, x):\n    if x:\n        return r.acomplete(x)\n    return r.acomplete()\n",
     False),
    # a callable picked at run time: whatever it gives, a coroutine for an async one
    ("async def f(r, k):\n    return getattr(r, k)()\n", True),
    ("async def f(handlers, k):\n    return handlers[k]()\n", True),
    # two coroutine functions handed back un-awaited: a dispatcher
    ("async def f(r, x):\n    if x:\n        return r.abatch()\n    return r.acomplete()\n",
     True),
    # a nested function's returns are its own
    ("async def f(r):\n    def g():\n        return getattr(r, 'x')()\n    return r.acomplete()\n",
     False),
])
def test_returns_awaitables_by_design(code: str, expected: bool) -> None:
    assert _by_design(code) is expected
