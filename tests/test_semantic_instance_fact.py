"""The `instance` fact: what a method does with its own instance. A run of calls on one
object may overlap only when no method stores anything on it and every object reached
through it is safe to share (`semantic.instance_use` follows the fact through the index)."""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from asynclint.engine import index_store
from asynclint.engine.index_store import ProjectIndex
from asynclint.semantic.catalogs.concurrency import ALLOW_SHARING
from asynclint.semantic.instance_facts import project_fact
from asynclint.semantic.instance_use import InstanceUse, SharedClient
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.project.view import ProjectView
from asynclint.semantic.suspension import Suspension
from asynclint.semantic.suspension_facts import project_fact as suspends_fact


def _fact(source: str, name: str = "f") -> object:
    tree = ast.parse(textwrap.dedent(source))
    model = SemanticModel(tree, "app.mod")
    func = next(n for n in ast.walk(tree)
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name)
    return project_fact(func, model)


def test_reads_through_an_attribute_and_calls_of_its_own_methods() -> None:
    fact = _fact("""
        import httpx
        class Node:
            client: httpx.AsyncClient
            async def f(self, path):
                if self.debug:
                    pass
                response = await self.client.get(f"{self.base}{path}")
                return self.parse(response)
    """)
    assert fact == {"clients": [[["client"], ["httpx.AsyncClient"], "get"]],
                    "calls": ["parse"]}


@pytest.mark.parametrize("body", [
    "self.token = await self.client.get('/login')",  # an attribute stored
    "self.seen[path] = 1",  # stored into an attribute
    "self.count += 1",
    "del self.cache",
    "return self",  # handed on
    "register(self)",
    "items = self.items",  # aliased: may be changed later
    "register(self.items)",  # an attribute handed on
    "return await super().f(path)",  # `super()` hands the instance on
    "cb = lambda: self.client.get(path)",  # a closure may run later
    "self.items.append(path)",  # a method of an attribute of unknown type: a list?
])
def test_any_other_use_of_the_instance_says_nothing_safe(body: str) -> None:
    fact = _fact(f"class Node:\n    async def f(self, path):\n        {body}\n")
    clients = fact["clients"] if isinstance(fact, dict) else None
    # Either no fact, or a client whose type is unknown (the asker refuses it).
    assert fact is None or any(None in c[1] for c in clients or [])


@pytest.mark.parametrize("source", [
    "async def f(self):\n    await self.client.get('/')\n",  # not a method
    "class C:\n    @staticmethod\n    async def f(self):\n        await self.client.get('/')\n",
    "class C:\n    @cached\n    async def f(self):\n        await self.client.get('/')\n",
])
def test_only_plain_methods(source: str) -> None:
    assert _fact(source) is None


def test_init_gives_the_types_of_the_attributes_it_assigns() -> None:
    fact = _fact("""
        import httpx
        class Wallet:
            label: str
            def __init__(self, endpoint):
                self.endpoint = endpoint
                self.client = httpx.AsyncClient(base_url=endpoint)
    """, "__init__")
    assert fact == {"attrs": {"client": "httpx.AsyncClient", "label": "builtins.str"}}


WALLETS = """\
import httpx
from sqlalchemy.ext.asyncio import AsyncSession


class Wallet:
    def __init__(self, endpoint: str) -> None:
        self.client = httpx.AsyncClient(base_url=endpoint)
        self.session: AsyncSession = make_session()
"""

NODES = """\
from __future__ import annotations

from typing import TYPE_CHECKING

import redis.asyncio

if TYPE_CHECKING:
    from app.wallets import Wallet


class Node:
    wallet: Wallet
    cache: redis.asyncio.Redis

    async def request(self, method, path):
        response = await self.wallet.client.request(method, path)
        return response.json()

    def get(self, path):
        return self.request("GET", path)

    async def cached(self, key):
        return await self.cache.get(key)

    async def store(self, key, value):
        return await self.cache.set(key, value)

    async def query(self, key):
        return await self.wallet.session.get(object, key)

    async def close(self):
        await self.wallet.client.aclose()

    async def login(self):
        self.token = await self.get("/login")

    async def get_logged_in(self, path):
        await self.login()
        return await self.get(path)

    async def ping(self):
        return await self.pong()

    async def pong(self):
        return await self.ping()


class Cluster(Node):
    async def request(self, method, path):
        self.last = path
        return await super().request(method, path)
"""


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    files = {"app/__init__.py": "", "app/wallets.py": WALLETS, "app/nodes.py": NODES,
             "app/views.py": "x = 1\n"}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    yield tmp_path
    index_store.forget_indexes()


def _uses(root: Path) -> tuple[InstanceUse, Suspension]:
    text = (root / "app/views.py").read_text()
    tree = ast.parse(text)
    view = ProjectView(ProjectIndex(None), str(root / "app/views.py"), "app.views", False,
                       tree, text)
    suspension = Suspension(SemanticModel(tree, "app.views"), view)
    return InstanceUse(suspension, ALLOW_SHARING), suspension


@pytest.mark.parametrize(("method", "expected"), [
    # `get` returns `self.request(...)`, which reads through `wallet.client`: `client` is
    # typed by the wallet class's `__init__`, in another module.
    ("get", [SharedClient("wallet.client", "httpx.AsyncClient")]),
    ("request", [SharedClient("wallet.client", "httpx.AsyncClient")]),
    ("cached", [SharedClient("cache", "redis.asyncio.Redis")]),  # a reading method
    ("store", None),  # a store's writing method
    ("query", None),  # a session is not safe to share
    ("close", None),  # closing the client ends it for everyone
    ("login", None),  # stores on the instance
    ("get_logged_in", None),  # calls a method that stores
    ("ping", []),  # a cycle adds nothing
    ("missing", None),
])
def test_methods_that_only_read_through_shared_clients(project: Path, method: str,
                                                       expected: object) -> None:
    uses, _ = _uses(project)
    assert uses.reads_through("app.nodes.Node", method) == expected


def test_an_override_on_the_instance_class_decides(project: Path) -> None:
    """`Cluster.get` is `Node.get`, but the `self.request` it calls is `Cluster.request`,
    which stores on the instance (and hands it to `super()`)."""
    uses, _ = _uses(project)
    assert uses.reads_through("app.nodes.Node", "get") is not None
    assert uses.reads_through("app.nodes.Cluster", "get") is None


def test_attributes_of_another_modules_class_give_kinds(project: Path) -> None:
    _, suspension = _uses(project)
    assert suspension.attribute_type("app.wallets.Wallet", "client") == "httpx.AsyncClient"
    assert suspension.attribute_type("app.wallets.Wallet", "missing") is None
    assert suspension.kind("app.nodes.Node.get") == "network"  # through request, to the client
    assert suspension.kind("app.nodes.Node.query") == "database"


def test_a_plain_def_returning_a_call_waits_on_that_call() -> None:
    tree = ast.parse(textwrap.dedent("""
        import httpx
        client = httpx.AsyncClient()
        def get(path):
            "A request, to be awaited."
            return client.get(path)
        def build(path):
            url = path
            return client.get(url)
        def later(path):
            return lambda: client.get(path)
    """))
    model = SemanticModel(tree, "app.mod")
    defs = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    assert suspends_fact(defs["get"], model) == {"kind": "network", "calls": []}
    assert suspends_fact(defs["build"], model) is None  # more than the one `return`
    assert suspends_fact(defs["later"], model) is None  # returns no call


def test_awaiting_a_closure_waits_on_its_body() -> None:
    tree = ast.parse(textwrap.dedent("""
        import asyncio
        import httpx
        async def f(client: httpx.AsyncClient, path):
            async def send(attempt):
                response = await client.get(path)
                if attempt < 2:
                    return await send(attempt + 1)
                return response
            return await send(0)
        async def g():
            async def idle():
                return 1
            return await idle()
        async def h(send):
            return await send(0)
    """))
    model = SemanticModel(tree, "app.mod")
    defs = {n.name: n for n in tree.body if isinstance(n, ast.AsyncFunctionDef)}
    assert suspends_fact(defs["f"], model) == {"kind": "network", "calls": []}
    assert suspends_fact(defs["g"], model) == {"kind": "none", "calls": []}
    assert suspends_fact(defs["h"], model) == {"kind": "unknown", "calls": []}
