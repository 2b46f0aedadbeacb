"""Files opened by `with open(...) as f:` in a coroutine (`semantic.blocking`).

`opened_by_with`: the `with` line whose file a call like `f.read()` works on, so ASL104 reports
the `with` line once instead of every read and write in its block. `used_only_in_threads`: every
use of `f` runs in a worker thread, so only the open's syscall stays on the loop (ASL109)."""

from __future__ import annotations

import ast
import textwrap

import pytest

from asynclint.semantic.blocking import opened_by_with, used_only_in_threads
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.scopes import Scope
from tests.conftest import only_call


def _opener(source: str) -> str | None:
    tree = ast.parse(textwrap.dedent(source))
    ancestors, call = only_call(tree, lambda c: isinstance(c.func, ast.Attribute)
                                and c.func.attr in {"read", "write"})
    found = opened_by_with(call, ancestors)
    return ast.unparse(found) if found is not None else None


@pytest.mark.parametrize("source, opener", [
    # the read of the opened file, directly in the block or nested in it
    ("async def f(p):\n    with open(p) as fh:\n                return fh.read()\n", "open(p)"),
    ("async def f(p):\n    with open(p) as fh:\n                if p:\n                    fh.write('x')\n",
     "open(p)"),
    # the innermost `with` binding the name answers; other items of the `with` are skipped
    ("async def f(a, b):\n    with open(a) as x, open(b) as fh:\n                fh.read()\n",
     "open(b)"),
    ("async def f(a, b):\n    with open(a) as fh:\n                with lock:\n                    fh.read()\n",
     "open(a)"),
])
def test_a_method_of_the_with_target_names_its_opener(source: str, opener: str) -> None:
    assert _opener(source) == opener


@pytest.mark.parametrize("source", [
    # assigned, not a `with` target: the open's remedy (`await to_thread(open, p)`) leaves
    # the read on the loop
    "async def f(p):\n    fh = open(p)\n    fh.read()\n",
    # another object's method
    "async def f(p):\n    with open(p) as fh:\n                other.read()\n",
    # the target is rebound in the block: the read may be on something else
    "async def f(p, q):\n    with open(p) as fh:\n                fh = q\n                fh.read()\n",
    # a function defined in the block is another scope
    "async def f(p):\n    with open(p) as fh:\n                def g():\n                    fh.read()\n",
    # the call is in the `with` line itself, not its body
    "async def f(p):\n    with open(p) as fh, wrap(fh.read()) as w:\n                pass\n",
    # a `with` target that is not a plain name, or a context that is not a call
    "async def f(p):\n    with p as fh:\n                fh.read()\n",
])
def test_no_opener(source: str) -> None:
    assert _opener(source) is None


def _threads_only(source: str) -> bool:
    tree = ast.parse(textwrap.dedent(source))
    model = SemanticModel(tree, "app.files")
    func = tree.body[-1]
    assert isinstance(func, ast.AsyncFunctionDef)
    block = next(n for n in ast.walk(func) if isinstance(n, ast.With))
    target = block.items[0].optional_vars
    assert isinstance(target, ast.Name)
    scope = Scope("function", func, model.module_scope, True)
    return used_only_in_threads(block, target.id, model, scope)


@pytest.mark.parametrize("body", [
    "await asyncio.to_thread(f.read)",
    "data = await asyncio.to_thread(f.read, 1024)\n                more = await asyncio.to_thread(f.read)",
    "await anyio.to_thread.run_sync(f.readlines)",
    "await run_in_threadpool(f.write, data)",
    "await asyncio.to_thread(shutil.copyfileobj, f, out)",
    "await asyncio.get_running_loop().run_in_executor(None, f.read)",
])
def test_every_use_in_a_thread(body: str) -> None:
    assert _threads_only(f"""
        import asyncio, shutil, anyio
        from fastapi.concurrency import run_in_threadpool
        async def g(path, out, data):
            with open(path) as f:
                {body}
        """)


@pytest.mark.parametrize("body", [
    "pass",  # never used: the open (a create or truncate) is all there is
    "f.read()",  # on the loop
    "head = f.read(4)\n                rest = await asyncio.to_thread(f.read)",
    "await asyncio.to_thread(f.read())",  # read on the loop, its result handed on
    "await asyncio.to_thread(len, f.name)",  # an attribute read on the loop, not the callable
    "await other.to_thread(f.read)",  # not a thread runner
    "f = None",  # rebound
    "await asyncio.to_thread(f.read)\n                keep(f)",  # also handed elsewhere
])
def test_a_use_on_the_loop(body: str) -> None:
    assert not _threads_only(f"""
        import asyncio
        async def g(path, other, keep):
            with open(path) as f:
                {body}
        """)
