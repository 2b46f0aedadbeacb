"""The coroutine oracle (semantic/coroutines.py) asked directly: what does calling this give?
The ASL2xx fixtures test it through the rules; these cases pin the answers themselves."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from asynclint.engine import index_store
from asynclint.engine.index_store import ProjectIndex
from asynclint.semantic.coroutines import ASYNC_CM, ASYNC_GEN, COROUTINE, CoroutineOracle
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.project.view import ProjectView

VIEWS = """
    import asyncio
    import httpx
    from app.db import fetch_user, load_config

    async def local(): ...
    def plain(): ...

    async def stream():
        yield 1

    def build(client: httpx.AsyncClient):
        local()
        fetch_user(1)
        load_config()
        plain()
        stream()
        asyncio.sleep(1)
        client.get("/")
        client.build_request("GET", "/")
        mystery.fetch()
        custom()
"""


@pytest.fixture(autouse=True)
def fresh_indexes() -> None:
    index_store.forget_indexes()


def _oracle(tmp_path: Path, **extra: tuple[str, ...]) -> tuple[CoroutineOracle, list[ast.Call]]:
    """The oracle of `app/views.py` in a project whose `app/db.py` has an async and a sync def,
    and the calls of `build()` in order."""
    files = {
        "app/__init__.py": "",
        "app/db.py": "async def fetch_user(uid): ...\ndef load_config(): ...\n",
        "app/views.py": textwrap.dedent(VIEWS),
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    text = files["app/views.py"]
    tree = ast.parse(text)
    model = SemanticModel(tree, "app.views")
    view = ProjectView(ProjectIndex(None), str(tmp_path / "app/views.py"), "app.views", False,
                       tree, text)
    build = tree.body[-1]
    assert isinstance(build, ast.FunctionDef)
    model.push_scope(build)  # asked from inside `build`, as a rule would
    calls = [s.value for s in build.body if isinstance(s, ast.Expr)]
    assert all(isinstance(c, ast.Call) for c in calls)
    return CoroutineOracle(model, view, **extra), calls  # type: ignore[arg-type]


def _kinds(oracle: CoroutineOracle, calls: list[ast.Call]) -> list[str | None]:
    return [found.kind if (found := oracle.classify(c)) is not None else None for c in calls]


def test_what_calls_give(tmp_path: Path) -> None:
    oracle, calls = _oracle(tmp_path)
    assert _kinds(oracle, calls) == [
        COROUTINE,  # an `async def` of this module
        COROUTINE,  # an `async def` of another module of the project
        None,  # a sync def of another module
        None,  # a sync def of this module
        ASYNC_GEN,  # an async generator of this module
        COROUTINE,  # a library async API
        COROUTINE,  # a method of a typed receiver in the catalog
        None,  # a sync method of the same receiver
        None,  # unknown: an unbound name's method
        None,  # unknown: an unbound function
    ]


def test_labels_say_where_the_answer_comes_from(tmp_path: Path) -> None:
    oracle, calls = _oracle(tmp_path)
    project_def = oracle.classify(calls[1])
    api = oracle.classify(calls[6])
    assert project_def is not None
    assert project_def.label == "`fetch_user` (app.db.fetch_user) is an `async def`"
    assert api is not None and api.label == "`client.get` (async API `httpx.AsyncClient.get`)"


def test_extra_apis_and_no_project(tmp_path: Path) -> None:
    model = SemanticModel(ast.parse("from mylib import fetch\nfetch()\n"), "m")
    call = model.module.body[-1].value  # type: ignore[attr-defined]
    assert CoroutineOracle(model).classify(call) is None  # unknown
    configured = CoroutineOracle(model, extra_apis=("mylib.fetch",)).classify(call)
    assert configured is not None and configured.kind == COROUTINE
    oracle, calls = _oracle(tmp_path)
    alone = CoroutineOracle(oracle.semantic)  # no project index: other modules are unknown
    assert alone.classify(calls[1]) is None
    assert alone.classify(calls[5]) is not None  # the catalog needs no index


def test_async_context_managers(tmp_path: Path) -> None:
    code = "import asyncio\nasyncio.timeout(1)\nasyncio.Lock()\n"
    model = SemanticModel(ast.parse(code), "m")
    calls = [s.value for s in model.module.body if isinstance(s, ast.Expr)]
    oracle = CoroutineOracle(model)
    assert [oracle.classify(c).kind for c in calls if isinstance(c, ast.Call)  # type: ignore[union-attr]
            ] == [ASYNC_CM, ASYNC_CM]


def _project_calls(tmp_path: Path, files: dict[str, str], checked: str,
                   module: str) -> tuple[CoroutineOracle, list[ast.Call]]:
    """The oracle of `checked` in a project of `files`, and the calls of its last function."""
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(textwrap.dedent(text))
    text = (tmp_path / checked).read_text()
    tree = ast.parse(text)
    model = SemanticModel(tree, module)
    view = ProjectView(ProjectIndex(None), str(tmp_path / checked), module, False, tree, text)
    last = tree.body[-1]
    assert isinstance(last, (ast.FunctionDef, ast.AsyncFunctionDef))
    model.push_scope(last)
    calls = [s.value for s in last.body if isinstance(s, ast.Expr)
             and isinstance(s.value, ast.Call)]
    return CoroutineOracle(model, view), calls


def test_project_decorators_that_return_an_async_def(tmp_path: Path) -> None:
    oracle, calls = _project_calls(tmp_path, {
        "pyproject.toml": "[project]\nname = 'x'\n",
        "app/__init__.py": "",
        "app/deco.py": """
            def retry(n):
                def decorator(func):
                    async def wrapper(*a):
                        return await func(*a)
                    return wrapper
                return decorator
            def inject(func):
                async def wrapper(*a):
                    return await func(*a)
                return wrapper
            def sync(func):
                return func
            """,
        "app/views.py": """
            from app.deco import inject, retry, sync
            def local(func):
                async def wrapper(*a):
                    return func(*a)
                return wrapper
            @retry(2)
            async def a(): ...
            @inject
            def b(): ...
            @local
            async def c(): ...
            @retry
            async def d(): ...
            @sync
            async def e(): ...
            @inject
            @sync
            async def f(): ...
            async def run():
                a()
                b()
                c()
                d()
                e()
                f()
            """,
    }, "app/views.py", "app.views")
    # `@retry` without arguments is not the decorator it makes; `@sync` is unknown, also
    # under `@inject` (which wraps whatever it is given in an `async def`: a coroutine).
    assert _kinds(oracle, calls) == [COROUTINE, COROUTINE, COROUTINE, None, None, COROUTINE]
    made = oracle.classify(calls[1])
    assert made is not None and made.defined and "made a coroutine function" in made.label


def test_routes_on_a_router_of_another_module_and_class_methods(tmp_path: Path) -> None:
    oracle, calls = _project_calls(tmp_path, {
        "pyproject.toml": "[project]\nname = 'x'\n",
        "app/__init__.py": "from fastapi import APIRouter\nrouter = APIRouter()\nother = make()\n",
        "app/views.py": """
            import asyncpg
            from app import other, router
            class Repo:
                @staticmethod
                async def connect(): ...
                @classmethod
                def sync(cls): ...
                async def save(self): ...
            @router.get("/x")
            async def routed(): ...
            @other.get("/y")
            async def unknown(): ...
            async def run(repo):
                routed()
                unknown()
                Repo.connect()
                Repo.sync()
                Repo.save(repo)
                asyncpg.create_pool()
            """,
    }, "app/views.py", "app.views")
    assert _kinds(oracle, calls) == [COROUTINE, None, COROUTINE, None, COROUTINE, COROUTINE]
    pool = oracle.classify(calls[-1])
    assert pool is not None and not pool.defined  # a catalog entry, not a def of the project


def test_an_async_def_stub_declared_to_give_an_async_iterator_is_unknown(
        tmp_path: Path) -> None:
    """An abstract `async def ... -> AsyncIterator[T]` with no body is mostly overridden by
    async generators (letta's `LLMAdapter.invoke_llm`, iterated with `async for`), though as
    declared a call gives a coroutine: unknown. A stub declared otherwise, or a body that
    returns an iterator, is a coroutine function."""
    base = """
        from abc import ABC, abstractmethod
        from collections.abc import AsyncGenerator, AsyncIterator
        import typing

        class Adapter(ABC):
            @abstractmethod
            async def invoke(self) -> AsyncGenerator[str, None]:
                '''Yield chunks.'''
                raise NotImplementedError

            async def rows(self) -> "typing.AsyncIterable[int]": ...

            async def count(self) -> int:
                raise NotImplementedError

            async def opened(self) -> AsyncIterator[str]:
                return self.invoke()

            async def unannotated(self): ...
    """
    user = """
        from app.base import Adapter

        def build(adapter: Adapter):
            adapter.invoke()
            adapter.rows()
            adapter.count()
            adapter.opened()
            adapter.unannotated()
    """
    oracle, calls = _project_calls(tmp_path, {"app/__init__.py": "", "app/base.py": base,
                                              "app/user.py": user}, "app/user.py", "app.user")
    assert _kinds(oracle, calls) == [None, None, COROUTINE, COROUTINE, COROUTINE]
