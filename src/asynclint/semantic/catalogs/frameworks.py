"""Web frameworks, as data a contributor extends in one line per table: which decorators,
registration calls and route tables make a function a request handler, and which objects are
applications (`semantic/handlers.py` reads these tables).

Types are canonical names (see `aliases.py`).
"""

from __future__ import annotations

_HTTP = ("get", "post", "put", "patch", "delete", "options", "head", "trace")

# Router/application types whose methods are route decorators: type -> (framework, kind of
# handler each decorator method registers).
_FASTAPI = {**dict.fromkeys((*_HTTP, "api_route", "route"), "http"),
            "websocket": "websocket", "websocket_route": "websocket"}
_STARLETTE = {"route": "http", "websocket_route": "websocket"}
_AIOHTTP = {**dict.fromkeys((*_HTTP, "route", "view"), "http")}
_QUART = {**dict.fromkeys((*_HTTP, "route"), "http"), "websocket": "websocket"}
_NINJA = {**dict.fromkeys((*_HTTP, "api_operation"), "http")}
ROUTER_DECORATORS: dict[str, tuple[str, dict[str, str]]] = {
    "fastapi.FastAPI": ("fastapi", _FASTAPI),
    "fastapi.APIRouter": ("fastapi", _FASTAPI),
    "starlette.applications.Starlette": ("starlette", _STARLETTE),
    "starlette.routing.Router": ("starlette", _STARLETTE),
    "aiohttp.web.RouteTableDef": ("aiohttp", _AIOHTTP),
    "quart.Quart": ("quart", _QUART),
    "quart.Blueprint": ("quart", _QUART),
    "ninja.NinjaAPI": ("django-ninja", _NINJA),
    "ninja.Router": ("django-ninja", _NINJA),
}

# Decorator functions (used as `@get("/")` or bare `@get`) that make a route handler.
HANDLER_DECORATORS: dict[str, tuple[str, str]] = {
    **{f"litestar.{m}": ("litestar", "http") for m in ("get", "post", "put", "patch", "delete",
                                                       "head", "route")},
    "litestar.websocket": ("litestar", "websocket"),
    "django.views.decorators.http.require_http_methods": ("django", "http"),
    "django.views.decorators.http.require_GET": ("django", "http"),
    "django.views.decorators.http.require_POST": ("django", "http"),
    "django.views.decorators.http.require_safe": ("django", "http"),
}

# Calls that register the function passed to them: qualified callable -> (framework, kind,
# position of the handler argument, its keyword name).
ROUTE_CALLS: dict[str, tuple[str, str, int, str]] = {
    "starlette.routing.Route": ("starlette", "http", 1, "endpoint"),
    "starlette.routing.WebSocketRoute": ("starlette", "websocket", 1, "endpoint"),
    **{f"aiohttp.web.{m}": ("aiohttp", "http", 1, "handler") for m in (*_HTTP, "view")},
    "aiohttp.web.route": ("aiohttp", "http", 2, "handler"),
}
# Methods that register the function passed to them: "Type.method" -> as ROUTE_CALLS.
ROUTE_METHODS: dict[str, tuple[str, str, int, str]] = {
    **{f"{t}.add_api_route": ("fastapi", "http", 1, "endpoint")
       for t in ("fastapi.FastAPI", "fastapi.APIRouter")},
    **{f"{t}.add_api_websocket_route": ("fastapi", "websocket", 1, "endpoint")
       for t in ("fastapi.FastAPI", "fastapi.APIRouter")},
    **{f"{t}.add_route": ("starlette", "http", 1, "route")
       for t in ("starlette.applications.Starlette", "starlette.routing.Router")},
    **{f"{t}.add_websocket_route": ("starlette", "websocket", 1, "route")
       for t in ("starlette.applications.Starlette", "starlette.routing.Router")},
    **{f"aiohttp.web.UrlDispatcher.add_{m}": ("aiohttp", "http", 1, "handler")
       for m in (*_HTTP, "view")},
    "aiohttp.web.UrlDispatcher.add_route": ("aiohttp", "http", 2, "handler"),
    "quart.Quart.add_url_rule": ("quart", "http", 2, "view_func"),
    "quart.Blueprint.add_url_rule": ("quart", "http", 2, "view_func"),
}
# Attributes of a known type that have a known type (`app.router` of an aiohttp Application).
ATTRIBUTE_TYPES: dict[str, str] = {
    "aiohttp.web.Application.router": "aiohttp.web.UrlDispatcher",
    "fastapi.FastAPI.router": "fastapi.APIRouter",
    "starlette.applications.Starlette.router": "starlette.routing.Router",
}
# Applications a server imports the module to find (`uvicorn main:app`).
APP_TYPES: frozenset[str] = frozenset({
    "fastapi.FastAPI", "starlette.applications.Starlette", "litestar.Litestar", "quart.Quart",
    "aiohttp.web.Application", "ninja.NinjaAPI",
})
