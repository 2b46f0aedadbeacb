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
from asynclint.semantic.project.lookups import FACTS_DEP
from asynclint.semantic.project.view import ProjectView
from asynclint.semantic.suspension import Suspension
from asynclint.semantic.suspension_facts import project_fact

HELPERS = """\
import asyncio
import contextlib

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker

SessionLocal = async_sessionmaker()
search_api = httpx.AsyncClient()


@contextlib.asynccontextmanager
async def get_db():
    async with SessionLocal() as db:
        yield db


class Config:
    @staticmethod
    async def get(key):
        async with get_db() as db:
            return await db.get(object, key)


async def config_then_fetch(url):
    await Config.get(url)
    return await fetch(url)


async def slow_config(key):
    await asyncio.sleep(1)
    return await Config.get(key)


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


configs = Config()
"""


def _fact(source: str, name: str = "f") -> object:
    tree = ast.parse(textwrap.dedent(source))
    model = SemanticModel(tree, "app.mod")
    func = next(n for n in ast.walk(tree)
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name)
    return project_fact(func, model)


def _w(kind: str = "none", calls: tuple[str, ...] = ()) -> dict[str, object]:
    return {"kind": kind, "calls": list(calls)}


@pytest.mark.parametrize(("source", "expected"), [
    ("async def f():\n    return 1\n", _w()),
    ("async def g(): ...\nasync def f():\n    return await g()\n", _w(calls=("app.mod.g",))),
    ("from app.other import g\nasync def f():\n    await g()\n    await g()\n",
     _w(calls=("app.other.g",))),
    ("import httpx\nasync def f(c):\n    return await c.get('/')\n", _w("unknown")),
    ("import httpx\nasync def f(c: httpx.AsyncClient):\n    return await c.get('/')\n",
     _w("network")),
    ("async def f(fut):\n    return await fut\n", _w("unknown")),
    ("async def f(s):\n    async for x in s:\n        pass\n", _w("unknown")),
    ("async def f(s):\n    async with s:\n        pass\n", _w("unknown")),
    ("async def f(s):\n    return [x async for x in s]\n", _w("unknown")),
    ("async def g(): ...\nasync def f(g):\n    return await g()\n", _w("unknown")),  # a param
    ("class C:\n    async def f(self):\n        return await self.g()\n",
     _w(calls=("app.mod.C.g",))),
])
def test_what_a_body_says(source: str, expected: object) -> None:
    assert _fact(source) == expected


@pytest.mark.parametrize(("source", "kind"), [
    # requests to other services
    ("import httpx\nasync def f():\n    async with httpx.AsyncClient() as c:\n"
     "        return await c.get('/')\n", "network"),
    ("import aiohttp\nasync def f(s: aiohttp.ClientSession):\n"
     "    async with s.get('/') as r:\n        return await r.json()\n", "network"),
    ("import asyncio\nasync def f():\n    r, w = await asyncio.open_connection('h', 1)\n",
     "network"),
    ("import openai\nasync def f(c: openai.AsyncOpenAI):\n"
     "    return await c.chat.completions.create(model='m')\n", "network"),  # through a client
    ("import httpx\nclass C:\n    def __init__(self):\n        self.c = httpx.AsyncClient()\n"
     "    async def f(self):\n        return await self.c.get('/')\n", "network"),
    # queries
    ("from sqlalchemy.ext.asyncio import AsyncSession\n"
     "async def f(db: AsyncSession):\n    return await db.get(object, 1)\n", "database"),
    ("from sqlalchemy.ext.asyncio import async_sessionmaker\nSession = async_sessionmaker()\n"
     "async def f():\n    async with Session() as db:\n        return await db.get(object, 1)\n",
     "database"),  # a handle takes the kind of what opened it
    ("import asyncpg\nasync def f():\n    conn = await asyncpg.connect()\n"
     "    return await conn.fetch('q')\n", "database"),
    # the costliest path wins; an unknown await outranks every kind but the network
    ("import asyncio\nimport httpx\nasync def f(c: httpx.AsyncClient, db):\n"
     "    await asyncio.sleep(1)\n    await db.get(1)\n    return await c.get('/')\n",
     "network"),
    ("import asyncio\nasync def f(db):\n    await asyncio.sleep(1)\n    return await db.get(1)\n",
     "unknown"),
    ("import asyncio\nasync def f():\n    await asyncio.sleep(1)\n", "timer"),
    ("import asyncio\nasync def f(lock: asyncio.Lock):\n    async with lock:\n        pass\n",
     "sync"),
    # what `gather` / `wait_for` are handed
    ("import asyncio, httpx\nasync def f(c: httpx.AsyncClient):\n"
     "    return await asyncio.gather(c.get('/a'), c.get('/b'))\n", "network"),
    ("import asyncio\nasync def f():\n    return await asyncio.wait_for(asyncio.sleep(1), 5)\n",
     "timer"),
])
def test_the_kind_of_a_body(source: str, kind: str) -> None:
    fact = _fact(source)
    assert isinstance(fact, dict) and fact["kind"] == kind, fact


def test_an_entered_context_manager_of_the_project_is_followed() -> None:
    source = ("import contextlib\n@contextlib.asynccontextmanager\nasync def f():\n"
              "    async with opener() as db:\n        yield db\n")
    assert _fact(source) == _w("unknown")  # `opener` is unbound here: unknown
    source = ("import contextlib\nfrom app.db import opener\n@contextlib.asynccontextmanager\n"
              "async def f():\n    async with opener() as db:\n        yield db\n")
    assert _fact(source) == _w(calls=("app.db.opener",))


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
    assert _fact(source) == _w()


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


@pytest.mark.parametrize(("name", "kind"), [
    ("app.helpers.read_config", "none"),
    ("app.helpers.fetch", "network"),
    ("app.helpers.fetch_through", "network"),  # the costliest of its paths
    ("app.helpers.get_db", "database"),  # an entered context manager: its body's kind
    ("app.helpers.Config.get", "database"),  # through `async with get_db() as db`
    ("app.helpers.config_then_fetch", "network"),
    ("app.helpers.slow_config", "database"),
    ("app.helpers.ping", "none"),
    ("app.helpers.ping_io", "timer"),
    ("app.helpers.abstract", "unknown"),
    ("app.helpers.Repo.via_self_io", "unknown"),  # `self.client` of unknown type
    ("app.helpers.missing", "unknown"),
    ("app.helpers.search_api.get", "network"),  # a typed module instance of a catalog type
    ("app.helpers.configs.get", "database"),  # ... of a project class: its method followed
])
def test_kinds_followed_through_the_project(project: Path, name: str, kind: str) -> None:
    suspension, _ = _suspension(project)
    assert suspension.kind(name) == kind


def test_the_users_own_network_apis(project: Path) -> None:
    text = (project / "app/views.py").read_text()
    tree = ast.parse(text)
    view = ProjectView(ProjectIndex(None), str(project / "app/views.py"), "app.views", False,
                       tree, text)
    mine = Suspension(SemanticModel(tree, "app.views"), view, network=("mylib.Search",))
    assert mine.kind("mylib.Search.query") == "network"
    assert mine.kind("mylib.Other.query") == "unknown"


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
