"""`semantic.lazy_init`: which branches initialise a module global on first use, asked
directly."""

from __future__ import annotations

import ast
import textwrap

import pytest

from asynclint.semantic.lazy_init import lazy_init_nodes


def _lazy_calls(source: str) -> set[str]:
    """The names of the calls `lazy_init_nodes` places in a first-use branch of `f`."""
    func = ast.parse(textwrap.dedent(source)).body[0]
    assert isinstance(func, ast.FunctionDef)
    once = lazy_init_nodes(func)
    return {n.func.id for n in ast.walk(func)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and id(n) in once}


LAZY = {
    "is None": "def f():\n    global G\n    if G is None:\n        G = make()\n        warm()",
    "not G": "def f():\n    global G\n    if not G:\n        G = make()\n        warm()",
    "or checks on G itself": (
        "def f():\n    global G\n    if G is None or not G.alive():\n        G = make()\n"
        "        warm()"),
}

NOT_LAZY = {
    "no global": "def f():\n    G = None\n    if G is None:\n        G = make()\n        warm()",
    "refresh by time": (
        "def f():\n    global G\n    if G is None or now() - STAMP > 60:\n        G = make()\n"
        "        warm()"),
    "branch does not set it": "def f():\n    global G\n    if G is None:\n        make()\n        warm()",
    "runs when set": "def f():\n    global G\n    if G:\n        G = make()\n        warm()",
    "else branch": "def f():\n    global G\n    if G is None:\n        G = 1\n    else:\n        make()\n        warm()",
}


@pytest.mark.parametrize("name", LAZY)
def test_first_use_branches(name: str) -> None:
    assert _lazy_calls(LAZY[name]) == {"make", "warm"}


@pytest.mark.parametrize("name", NOT_LAZY)
def test_branches_that_run_again(name: str) -> None:
    assert _lazy_calls(NOT_LAZY[name]) == set()


def test_the_function_fact_leaves_the_first_use_branch_out() -> None:
    """Another module follows a helper through its fact's callees: a call made only while
    initialising the global is not one of them (prefect's `get_global_loop()`)."""
    from asynclint.semantic.blocking import project_fact
    from asynclint.semantic.model import SemanticModel

    tree = ast.parse(textwrap.dedent("""
        class LoopThread:
            def start(self) -> None: ...

        _loop: "LoopThread | None" = None

        def get_global_loop():
            global _loop
            if _loop is None:
                _loop = LoopThread()
                _loop.start()
            return _loop

        def fresh_loop():
            loop = LoopThread()
            loop.start()
            return loop
        """))
    model = SemanticModel(tree, "app.threads")
    facts = {s.name: project_fact(s, model) for s in tree.body if isinstance(s, ast.FunctionDef)}
    assert facts["get_global_loop"] is None or not facts["get_global_loop"].get("callees")
    assert facts["fresh_loop"] is not None
    assert facts["fresh_loop"]["callees"] == ["app.threads.LoopThread.start"]
