"""Request-handler recognition (semantic/handlers.py): which functions a framework registers."""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterable

import pytest

from asynclint.semantic.handlers import Handler, HandlerIndex, defines_app, handler_info
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.scopes import Scope


def _model(code: str) -> SemanticModel:
    tree = ast.parse(textwrap.dedent(code))
    return SemanticModel(tree, "app.routes")


def _handlers(code: str, extra: tuple[str, ...] = ()) -> dict[str, Handler | None]:
    model = _model(code)
    return {
        node.name: handler_info(node, model, extra)
        for node in ast.walk(model.module)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }


def test_fastapi_decorators_on_any_name_and_router() -> None:
    found = _handlers("""
        from fastapi import APIRouter, FastAPI
        import fastapi

        api = FastAPI()
        users = APIRouter(prefix="/users")
        items = fastapi.APIRouter()

        @api.get("/")
        def root(): ...

        @users.post("/")
        async def create(): ...

        @items.websocket("/ws")
        async def ws(): ...

        @api.api_route("/any", methods=["GET"])
        def anything(): ...

        @api.middleware("http")
        async def middleware(request, call_next): ...

        def plain(): ...
    """)
    assert found["root"] == Handler("fastapi", "http", False, "decorator", True)
    assert found["create"] == Handler("fastapi", "http", True, "decorator", True)
    assert found["ws"] is not None and found["ws"].kind == "websocket"
    assert found["anything"] is not None
    assert found["middleware"] is None
    assert found["plain"] is None


def test_annotated_parameter_router() -> None:
    found = _handlers("""
        from fastapi import FastAPI

        def register(app: FastAPI) -> None:
            @app.get("/x")
            def inner(): ...
    """)
    assert found["inner"] is not None and found["inner"].framework == "fastapi"


def test_unknown_router_type_is_not_a_handler() -> None:
    found = _handlers("""
        from flask import Flask
        from myapp.main import app as imported
        flask_app = Flask(__name__)

        @imported.get("/")
        def a(): ...

        @flask_app.get("/")
        def b(): ...
    """)
    assert found == {"a": None, "b": None}


def test_reassigned_router_has_no_type() -> None:
    found = _handlers("""
        from fastapi import FastAPI
        app = FastAPI()
        app = wrap(app)

        @app.get("/")
        def a(): ...
    """)
    assert found["a"] is None


def test_registration_calls() -> None:
    found = _handlers("""
        from aiohttp import web
        from fastapi import FastAPI
        from starlette.routing import Route, WebSocketRoute

        app = FastAPI()
        aio = web.Application()

        def listed(request): ...
        def ws_endpoint(ws): ...
        def added(): ...
        def aio_handler(request): ...
        def aio_router(request): ...
        def never_registered(): ...

        routes = [Route("/", listed), WebSocketRoute("/ws", endpoint=ws_endpoint)]
        app.add_api_route("/added", added)
        aio.add_routes([web.get("/a", aio_handler)])
        aio.router.add_post("/b", aio_router)
    """)
    assert found["listed"] == Handler("starlette", "http", False, "call", True)
    assert found["ws_endpoint"] is not None and found["ws_endpoint"].kind == "websocket"
    assert found["added"] is not None and found["added"].framework == "fastapi"
    assert found["aio_handler"] is not None and found["aio_handler"].framework == "aiohttp"
    assert found["aio_router"] is not None
    assert found["never_registered"] is None


@pytest.mark.parametrize("code, framework", [
    ("from litestar import get\n@get('/')\ndef h(): ...\n", "litestar"),
    ("from litestar import post\n@post()\nasync def h(): ...\n", "litestar"),
    ("from quart import Quart\nq = Quart(__name__)\n@q.route('/')\ndef h(): ...\n", "quart"),
    ("from aiohttp import web\nr = web.RouteTableDef()\n@r.get('/')\nasync def h(r): ...\n",
     "aiohttp"),
    ("from ninja import NinjaAPI\napi = NinjaAPI()\n@api.get('/')\ndef h(request): ...\n",
     "django-ninja"),
    ("from django.views.decorators.http import require_GET\n@require_GET\ndef h(request): ...\n",
     "django"),
])
def test_other_frameworks(code: str, framework: str) -> None:
    handler = _handlers(code)["h"]
    assert handler is not None and handler.framework == framework


def test_extra_handler_decorators() -> None:
    code = """
        from acme.web import Router, endpoint
        router = Router()

        @endpoint("/a")
        def a(): ...

        @router.get("/b")
        def b(): ...
    """
    assert _handlers(code) == {"a": None, "b": None}
    found = _handlers(code, ("acme.web.endpoint", "acme.web.Router.get"))
    assert found["a"] is not None and found["a"].framework == "custom"
    assert found["b"] is not None and found["b"].framework == "custom"


def test_other_decorators_are_reported() -> None:
    found = _handlers("""
        import functools
        from fastapi import FastAPI
        app = FastAPI()

        @app.get("/")
        @functools.lru_cache
        def cached(): ...
    """)
    handler = found["cached"]
    assert handler is not None and not handler.only_registration_decorators


def test_local_rebinding_of_the_handler_name_is_not_followed() -> None:
    found = _handlers("""
        from starlette.routing import Route
        def home(request): ...
        home = decorate(home)
        routes = [Route("/", home)]
    """)
    assert found["home"] is None


def test_defines_app() -> None:
    assert defines_app(_model("from fastapi import FastAPI\napp = FastAPI()\n"))
    assert defines_app(_model("from aiohttp import web\napp: web.Application = web.Application()\n"))
    assert not defines_app(_model("from fastapi import APIRouter\nrouter = APIRouter()\n"))
    assert not defines_app(_model("def make():\n    from fastapi import FastAPI\n"
                                  "    return FastAPI()\n"))


@pytest.fixture
def indexed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The extra decorators of every module-wide index built while the test runs."""
    built: list[tuple[str, ...]] = []
    original = HandlerIndex._walk

    def walk(self: HandlerIndex, body: Iterable[ast.AST], scope: Scope) -> None:
        if scope.kind == "module":
            built.append(tuple(sorted(self.extra)))
        original(self, body, scope)

    monkeypatch.setattr(HandlerIndex, "_walk", walk)
    return built


def test_index_is_built_once_per_model(indexed: list[tuple[str, ...]]) -> None:
    model = _model("from fastapi import FastAPI\napp = FastAPI()\n@app.get('/')\ndef h(): ...\n")
    func = model.module.body[-1]
    assert handler_info(func, model) is not None
    assert handler_info(func, model) is not None
    assert indexed == [()]
    assert handler_info(func, model, ("x.y",)) is not None
    assert indexed == [(), ("x.y",)]


SHORTCUT = """
    import pytest
    from fastapi import APIRouter, FastAPI
    from starlette.routing import Route

    app = FastAPI()
    router = APIRouter()

    @app.get("/")
    def root(): ...

    @router.post("/")
    @pytest.mark.slow
    def create(): ...

    @pytest.mark.slow
    def test_plain(): ...

    def listed(request): ...

    routes = [Route("/listed", listed)]

    def added(): ...

    app.add_api_route("/added", added)

    def lonely(): ...

    class Views:
        @app.get("/method")
        def method(self): ...

        def other(self): ...
"""


def test_the_text_shortcut_gives_what_the_module_index_gives(
        indexed: list[tuple[str, ...]]) -> None:
    """With the module's text, a function named only where it is defined is judged by its own
    decorators, without indexing the module: the answer must not change."""
    text = textwrap.dedent(SHORTCUT)
    found = {}
    for name, slow in _handlers(SHORTCUT).items():
        model = _model(SHORTCUT)  # a fresh model: no index built yet
        node = next(n for n in ast.walk(model.module)
                    if isinstance(n, ast.FunctionDef) and n.name == name)
        owner = next((c for c in model.module.body
                      if isinstance(c, ast.ClassDef) and node in c.body), None)
        if owner is not None:
            model.push_scope(owner)
        model.push_scope(node)  # where a rule asks: inside the function
        before = len(indexed)
        fast = handler_info(node, model, (), text)
        assert fast == slow, name
        found[name] = fast is not None
        assert (len(indexed) > before) == (text.count(name) >= 2 and name != "lonely"), name
    assert found == {"root": True, "create": True, "test_plain": False, "listed": True,
                     "added": True, "lonely": False, "method": True, "other": False}
