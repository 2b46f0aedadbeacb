"""`semantic.syntax`: which code a `sys.version_info` guard keeps to older Pythons
(`runs_below`), whole identifiers in a text (`spells_identifier`), and what a stub is
(`is_stub`)."""

from __future__ import annotations

import ast
import re

import pytest

from asynclint.semantic.syntax import (
    BINDING_NODES,
    bound_name,
    is_stub,
    names_used,
    runs_below,
    spells_identifier,
)
from tests.conftest import only_call


def _where(source: str) -> tuple[list[ast.AST], ast.AST]:
    """The ancestors of the call to `target()` (outermost first), and the call."""
    return only_call(ast.parse(source), lambda call: isinstance(call.func, ast.Name)
                     and call.func.id == "target")


@pytest.mark.parametrize("source", [
    "if sys.version_info < (3, 13):\n    target()\n",
    "if sys.version_info < (3, 11):\n    target()\n",
    "if sys.version_info >= (3, 13):\n    pass\nelse:\n    target()\n",
    "x = target() if sys.version_info < (3, 13) else None\n",
    "x = None if sys.version_info >= (3, 12) else target()\n",
    "if sys.version_info < (3, 13):\n    for p in q:\n        if p:\n            target()\n",
])
def test_guarded_for_older_pythons(source: str) -> None:
    assert runs_below(*_where(source), (3, 13))


@pytest.mark.parametrize("source", [
    "target()\n",
    "if sys.version_info < (3, 14):\n    target()\n",  # 3.13 passes this guard
    "if sys.version_info >= (3, 13):\n    target()\n",
    "if sys.version_info < (3, 13):\n    pass\nelse:\n    target()\n",
    "x = None if sys.version_info < (3, 13) else target()\n",
    "if sys.version_info <= (3, 13):\n    target()\n",  # not a form this reads
    "if version_info < (3, 13):\n    target()\n",
    "if sys.version_info < (3, 13):\n    def f():\n        target()\n",  # runs when called
    "if sys.version_info < (3, 13) and x:\n    target()\n",
])
def test_not_guarded(source: str) -> None:
    assert not runs_below(*_where(source), (3, 13))


@pytest.mark.parametrize("source, used", [
    ("async def rate(): ...\nrate()\n", True),  # called
    ("async def rate(): ...\ntasks = [rate]\n", True),  # passed on
    ("async def rate(): ...\nclass A:\n    def f(self):\n        return self.rate()\n", True),
    ("async def rate(): ...\n", False),  # only defined
    ("async def rate(): ...\nrate = 1\n", False),  # bound again, never read
    ("async def rate(): ...\nx = 'rate'\n", False),  # a string is no use
])
def test_names_used(source: str, used: bool) -> None:
    assert ("rate" in names_used(ast.parse(source))) is used


def test_bound_name_says_what_each_binding_node_binds() -> None:
    tree = ast.parse(
        "import os.path as p, json\n"
        "x = 1\n"
        "try:\n    pass\nexcept E as err:\n    del x\n"
        "match v:\n    case [first, *rest]:\n        pass\n"
        "def f(): ...\n"
        "class C: ...\n"
        "print(y)\n")
    binding = [node for node in ast.walk(tree) if bound_name(node) is not None]
    assert sorted(bound_name(node) or "" for node in binding) \
        == sorted(["p", "json", "x", "err", "x", "first", "rest", "f", "C"])
    # the prefilter callers use lets every one of them through
    assert all(node.__class__ in BINDING_NODES for node in binding)


@pytest.mark.parametrize(("text", "word"), [
    ("asyncio.run(main())", "run"), ("x.run_sync()", "run"), ("import run as go", "run"),
    ("rerun()", "run"), ("run", "run"), ("(run)", "run"), ("érun ", "run"), ("run_", "run"),
    ("asyncio.run", "io"), ("import io", "io"), ("aaa", "aa"), ("x aa", "aa"),
    ("a1 1", "1"), ("", "x"),
])
def test_spells_identifier_finds_what_a_word_bounded_search_finds(text: str, word: str) -> None:
    expected = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None
    assert spells_identifier(text, word) is expected


@pytest.mark.parametrize(("body", "stub"), [
    ("...", True),
    ("pass", True),
    ('"""Docstring."""\n    raise NotImplementedError', True),
    ('"""Docstring."""', True),
    ("raise NotImplementedError('subclasses')\n    ...", True),
    ("return 1", False),
    ('"""Docstring."""\n    return None', False),
    ("yield 1", False),
    ("x = 1\n    raise ValueError(x)", False),
])
def test_a_stub_is_only_ellipsis_pass_docstrings_and_raises(body: str, stub: bool) -> None:
    func = ast.parse(f"async def f():\n    {body}\n").body[0]
    assert isinstance(func, ast.AsyncFunctionDef)
    assert is_stub(func) is stub
