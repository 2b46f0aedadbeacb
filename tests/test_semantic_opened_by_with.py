"""`semantic.blocking.opened_by_with`: the `with <call> as f:` whose file a call like `f.read()`
works on, so ASL104 reports the `with` line once instead of every read and write in its block."""

from __future__ import annotations

import ast
import textwrap

import pytest

from asynclint.semantic.blocking import opened_by_with
from tests.conftest import only_call


def _opener(source: str) -> str | None:
    tree = ast.parse(textwrap.dedent(source))
    ancestors, call = only_call(tree, lambda c: isinstance(c.func, ast.Attribute)
                                and c.func.attr in {"read", "write"})
    found = opened_by_with(call, ancestors)
    return ast.unparse(found) if found is not None else None


@pytest.mark.parametrize("source, opener", [
    # the read of the opened file, directly in the block or nested in it
    ("async def f(p):\n    with open(p) as fh:\n        return fh.read()\n", "open(p)"),
    ("async def f(p):\n    with open(p) as fh:\n        if p:\n            fh.write('x')\n",
     "open(p)"),
    # the innermost `with` binding the name answers; other items of the `with` are skipped
    ("async def f(a, b):\n    with open(a) as x, open(b) as fh:\n        fh.read()\n",
     "open(b)"),
    ("async def f(a, b):\n    with open(a) as fh:\n        with lock:\n            fh.read()\n",
     "open(a)"),
])
def test_a_method_of_the_with_target_names_its_opener(source: str, opener: str) -> None:
    assert _opener(source) == opener


@pytest.mark.parametrize("source", [
    # assigned, not a `with` target: the open's remedy (`await to_thread(open, p)`) leaves
    # the read on the loop
    "async def f(p):\n    fh = open(p)\n    fh.read()\n",
    # another object's method
    "async def f(p):\n    with open(p) as fh:\n        other.read()\n",
    # the target is rebound in the block: the read may be on something else
    "async def f(p, q):\n    with open(p) as fh:\n        fh = q\n        fh.read()\n",
    # a function defined in the block is another scope
    "async def f(p):\n    with open(p) as fh:\n        def g():\n            fh.read()\n",
    # the call is in the `with` line itself, not its body
    "async def f(p):\n    with open(p) as fh, wrap(fh.read()) as w:\n        pass\n",
    # a `with` target that is not a plain name, or a context that is not a call
    "async def f(p):\n    with p as fh:\n        fh.read()\n",
])
def test_no_opener(source: str) -> None:
    assert _opener(source) is None
