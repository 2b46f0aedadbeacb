"""Which calls start an event loop (semantic/loops.py), asked directly."""

from __future__ import annotations

import ast

import pytest

from asynclint.semantic.loops import LoopHolder, run_call, run_receiver
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


def _receiver_of_last_run(source: str) -> tuple[LoopHolder | None, bool]:
    tree = ast.parse(source)
    func = tree.body[-1]
    calls = [n for n in ast.walk(func) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Attribute) and n.func.attr in ("run", "run_until_complete")]
    found = run_receiver(SemanticModel(tree), calls[-1], func)
    return found.holder, found.in_with


@pytest.mark.parametrize("source, holder, in_with", [
    # a loop got only for the call: its line goes with it
    ("import asyncio\nasync def f():\n    loop = asyncio.get_running_loop()\n"
     "    loop.run_until_complete(g())\n", LoopHolder("assigned", 3, 3), False),
    # a runner's `with` whose only use is the call: its header goes, its body moves left
    ("import asyncio\nasync def f():\n    with asyncio.Runner() as r:\n"
     "        r.run(g())\n", LoopHolder("with", 3, 4, 4, 4), True),
    # used again: nothing to drop
    ("import asyncio\nasync def f():\n    loop = asyncio.get_running_loop()\n"
     "    loop.run_until_complete(g())\n    loop.stop()\n", None, False),
    ("import asyncio\nasync def f():\n    with asyncio.Runner() as r:\n"
     "        r.run(g())\n        r.run(g())\n", None, True),
    # bound by something that may do more than hand back a loop
    ("import asyncio\nasync def f():\n    loop = make_loop()\n"
     "    loop.run_until_complete(g())\n", None, False),
    # two statements on the line, or the only statement of its block
    ("import asyncio\nasync def f():\n    loop = asyncio.get_running_loop(); x = 1\n"
     "    loop.run_until_complete(g())\n", None, False),
    # a multi-line string in the body would change if moved left
    ("import asyncio\nasync def f():\n    with asyncio.Runner() as r:\n"
     "        r.run(g(\"\"\"a\nb\"\"\"))\n", None, True),
    # a global is not the function's own
    ("import asyncio\nasync def f():\n    global loop\n    loop = asyncio.get_running_loop()\n"
     "    loop.run_until_complete(g())\n", None, False),
])
def test_run_receiver_names_what_the_fix_can_drop(source: str, holder: LoopHolder | None,
                                                  in_with: bool) -> None:
    assert _receiver_of_last_run(source) == (holder, in_with)
