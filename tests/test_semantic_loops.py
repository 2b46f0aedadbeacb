"""Which calls start an event loop (semantic/loops.py), asked directly."""

from __future__ import annotations

import ast

import pytest

from asynclint.semantic.loops import run_call
from asynclint.semantic.model import SemanticModel


@pytest.mark.parametrize("source, label, style", [
    ("import asyncio\nasyncio.run(f())", "asyncio.run", "coroutine"),
    ("import anyio\nanyio.run(f, 1)", "anyio.run", "function"),
    ("import trio as t\nt.run(f)", "trio.run", "function"),
    ("import asyncio\nasyncio.get_event_loop().run_until_complete(f())",
     "loop.run_until_complete", "coroutine"),
    ("import asyncio\nasyncio.new_event_loop().run_forever()", "loop.run_forever", None),
    ("self.loop.run_until_complete(f())", "loop.run_until_complete", "coroutine"),
])
def test_run_call_recognises_loop_starters(source: str, label: str, style: str | None) -> None:
    tree = ast.parse(source)
    model = SemanticModel(tree)
    call = tree.body[-1].value  # type: ignore[attr-defined]
    found = run_call(model, call)
    assert found is not None
    assert (found.label, found.style) == (label, style)


@pytest.mark.parametrize("source", [
    "import subprocess\nsubprocess.run(['ls'])",  # another module's `run`
    "job.run()",  # any object's `run`
    "import asyncio\nasyncio.run_coroutine_threadsafe(f(), loop)",
    "import os\nos.run_until_complete(f())",  # a module attribute, not a loop
])
def test_run_call_ignores_look_alikes(source: str) -> None:
    tree = ast.parse(source)
    call = tree.body[-1].value  # type: ignore[attr-defined]
    assert run_call(SemanticModel(tree), call) is None


def test_run_call_uses_the_receiver_type_and_the_scope() -> None:
    tree = ast.parse(
        "import asyncio\n"
        "def main(runner: asyncio.Runner, loop: asyncio.AbstractEventLoop, other: str):\n"
        "    runner.run(f())\n"
        "    loop.run_until_complete(f())\n"
        "    other.run_until_complete(f())\n"
    )
    model = SemanticModel(tree)
    func = tree.body[-1]
    assert isinstance(func, ast.FunctionDef)
    model.push_scope(func)
    calls = [s.value for s in func.body if isinstance(s, ast.Expr)]
    found = [run_call(model, c) if isinstance(c, ast.Call) else None for c in calls]
    assert [(f.label, f.style) if f else None for f in found] == [
        ("Runner.run", "coroutine"), ("loop.run_until_complete", "coroutine"), None]
