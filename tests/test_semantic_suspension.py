"""The `suspends` fact: a project coroutine waits on I/O when it awaits a known async API, an
awaitable of unknown origin, or a project coroutine that does; one that awaits nothing (or only
coroutines that await nothing) runs to its end in one step. Unknown always means "suspends"."""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from asynclint.engine import index_store
from asynclint.engine.index_store import ProjectIndex
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.project.view import FACTS_DEP, ProjectView
from asynclint.semantic.suspension import Suspension
from asynclint.semantic.suspension_facts import project_fact

HELPERS = """\
import asyncio

import httpx


async def read_config(env):
    return {"env": env}


async def read_through(env):
    return await read_config(env)


async def fetch(url):
    async with httpx.AsyncClient() as client:
        return await client.get(url)


async def fetch_through(url):
    await read_config(url)
    return await fetch(url)


async def ping(n):
    return await pong(n)


async def pong(n):
    return await ping(n)


async def ping_io(n):
    await pong_io(n)


async def pong_io(n):
    await ping_io(n)
    await asyncio.sleep(0)


async def abstract(n):
    raise NotImplementedError


class Repo:
    async def cached(self, key):
        return key

    async def via_self(self, key):
        return await self.cached(key)

    async def via_self_io(self, key):
        return await self.load(key)

    async def load(self, key):
        return await self.client.get(key)
"""


def _fact(source: str, name: str = "f") -> object:
    tree = ast.parse(textwrap.dedent(source))
    model = SemanticModel(tree, "app.mod")
    func = next(n for n in ast.walk(tree)
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name)
    return project_fact(func, model)


@pytest.mark.parametrize(("source", "expected"), [
    ("async def f():\n    return 1\n", []),
    ("async def g(): ...\nasync def f():\n    return await g()\n", ["app.mod.g"]),
    ("from app.other import g\nasync def f():\n    await g()\n    await g()\n", ["app.other.g"]),
    ("import httpx\nasync def f(c):\n    return await c.get('/')\n", True),
    ("async def f(fut):\n    return await fut\n", True),
    ("async def f(s):\n    async for x in s:\n        pass\n", True),
    ("async def f(s):\n    async with s:\n        pass\n", True),
    ("async def f(s):\n    return [x async for x in s]\n", True),
    ("async def g(): ...\nasync def f(g):\n    return await g()\n", True),  # a parameter
    ("class C:\n    async def f(self):\n        return await self.g()\n", ["app.mod.C.g"]),
])
def test_what_a_body_says(source: str, expected: object) -> None:
    assert _fact(source) == expected


@pytest.mark.parametrize("source", [
    "def f():\n    return 1\n",  # not a coroutine function
    "async def f():\n    ...\n",  # a stub: what runs is an override
    "async def f():\n    raise NotImplementedError\n",
    "import functools\n@functools.cache\nasync def f():\n    return 1\n",  # a decorator
    "async def f():\n    yield 1\n",  # an async generator is not awaited
])
def test_nothing_to_say(source: str) -> None:
    assert _fact(source) is None


def test_nested_functions_do_not_count() -> None:
    source = "import httpx\nasync def f(c):\n    async def inner():\n        await c.get('/')\n" \
             "    return inner\n"
    assert _fact(source) == []


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    files = {"app/__init__.py": "", "app/helpers.py": HELPERS, "app/views.py": "x = 1\n"}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    yield tmp_path
    index_store.forget_indexes()


def _suspension(root: Path) -> tuple[Suspension, ProjectView]:
    text = (root / "app/views.py").read_text()
    tree = ast.parse(text)
    view = ProjectView(ProjectIndex(None), str(root / "app/views.py"), "app.views", False,
                       tree, text)
    return Suspension(SemanticModel(tree, "app.views"), view), view


@pytest.mark.parametrize(("name", "expected"), [
    ("app.helpers.read_config", False),
    ("app.helpers.read_through", False),  # only a coroutine that awaits nothing
    ("app.helpers.fetch", True),
    ("app.helpers.fetch_through", True),  # one of its awaits waits
    ("app.helpers.ping", False),  # a cycle with no await of its own
    ("app.helpers.ping_io", True),  # a cycle one of whose members waits
    ("app.helpers.pong_io", True),
    ("app.helpers.abstract", True),  # a stub: unknown
    ("app.helpers.Repo.cached", False),
    ("app.helpers.Repo.via_self", False),
    ("app.helpers.Repo.via_self_io", True),
    ("app.helpers.missing", True),  # not in the project: unknown
    ("httpx.AsyncClient.get", True),
])
def test_followed_through_the_project(project: Path, name: str, expected: bool) -> None:
    suspension, _ = _suspension(project)
    assert suspension.suspends(name) is expected


def test_a_cycle_answered_from_inside_is_not_remembered(project: Path) -> None:
    """`pong_io` asked first answers through `ping_io` while `pong_io` is still open: `ping_io`
    alone looked quiet then, and must not be remembered so."""
    suspension, _ = _suspension(project)
    assert suspension.suspends("app.helpers.pong_io") is True
    assert suspension.suspends("app.helpers.ping_io") is True


def test_facts_read_are_recorded_as_dependencies(project: Path) -> None:
    suspension, view = _suspension(project)
    suspension.suspends("app.helpers.read_through")
    assert f"app.helpers{FACTS_DEP}suspends" in view.deps
