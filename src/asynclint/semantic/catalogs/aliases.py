"""Other spellings of the same class or function -> the one name every other catalog uses.

Defining modules and re-exports (`sqlalchemy.orm.session.Session`, `fastapi.Request`,
`aiohttp.web_app.Application`) all mean the name users import (`sqlalchemy.orm.Session`,
`starlette.requests.Request`, `aiohttp.web.Application`); `types.canonical` applies this table
wherever a resolved name meets a catalog. One table: a spelling added here is known to the type
inference, the blocking catalog, the async APIs and the framework handlers at once.
"""

from __future__ import annotations

_HTTP = ("get", "post", "put", "patch", "delete", "options", "head", "trace")

ALIASES: dict[str, str] = {
    "sqlalchemy.orm.session.Session": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.session.sessionmaker": "sqlalchemy.orm.sessionmaker",
    "sqlalchemy.orm.scoping.scoped_session": "sqlalchemy.orm.scoped_session",
    "sqlalchemy.engine.Engine": "sqlalchemy.Engine",
    "sqlalchemy.engine.base.Engine": "sqlalchemy.Engine",
    "sqlalchemy.engine.Connection": "sqlalchemy.Connection",
    "sqlalchemy.engine.base.Connection": "sqlalchemy.Connection",
    "sqlalchemy.engine.create_engine": "sqlalchemy.create_engine",
    "sqlalchemy.ext.asyncio.session.AsyncSession": "sqlalchemy.ext.asyncio.AsyncSession",
    "sqlalchemy.ext.asyncio.session.async_sessionmaker": "sqlalchemy.ext.asyncio.async_sessionmaker",
    "sqlalchemy.ext.asyncio.engine.AsyncEngine": "sqlalchemy.ext.asyncio.AsyncEngine",
    "sqlalchemy.ext.asyncio.engine.AsyncConnection": "sqlalchemy.ext.asyncio.AsyncConnection",
    "sqlalchemy.ext.asyncio.engine.create_async_engine": "sqlalchemy.ext.asyncio.create_async_engine",
    "sqlmodel.Session": "sqlalchemy.orm.Session",
    "sqlmodel.ext.asyncio.session.AsyncSession": "sqlalchemy.ext.asyncio.AsyncSession",
    "sqlmodel.create_engine": "sqlalchemy.create_engine",
    "redis.client.Redis": "redis.Redis",
    "redis.StrictRedis": "redis.Redis",
    "redis.client.StrictRedis": "redis.Redis",
    "redis.asyncio.client.Redis": "redis.asyncio.Redis",
    "redis.asyncio.StrictRedis": "redis.asyncio.Redis",
    "pymongo.mongo_client.MongoClient": "pymongo.MongoClient",
    "pymysql.Connection": "pymysql.connections.Connection",
    "httpx._client.Client": "httpx.Client",
    "httpx._client.AsyncClient": "httpx.AsyncClient",
    "aiohttp.client.ClientSession": "aiohttp.ClientSession",
    "fastapi.Request": "starlette.requests.Request",
    "fastapi.requests.Request": "starlette.requests.Request",
    "fastapi.WebSocket": "starlette.websockets.WebSocket",
    "fastapi.websockets.WebSocket": "starlette.websockets.WebSocket",
    "fastapi.BackgroundTasks": "starlette.background.BackgroundTasks",
    "fastapi.background.BackgroundTasks": "starlette.background.BackgroundTasks",
    "asyncio.events.AbstractEventLoop": "asyncio.AbstractEventLoop",
    "asyncio.BaseEventLoop": "asyncio.AbstractEventLoop",
    "asyncio.tasks.Task": "asyncio.Task",
    # -- ASL1xx (blocking calls) ----------------------------------------------------------------
    "fastapi.applications.FastAPI": "fastapi.FastAPI",
    "fastapi.routing.APIRouter": "fastapi.APIRouter",
    "requests.sessions.Session": "requests.Session",
    "sqlalchemy.orm.query.Query": "sqlalchemy.orm.Query",
    "sqlmodel.orm.session.Session": "sqlalchemy.orm.Session",
    "psycopg.connection.Connection": "psycopg.Connection",
    "psycopg.cursor.Cursor": "psycopg.Cursor",
    "mysql.connector.MySQLConnection": "mysql.connector.connection.MySQLConnection",
    "urllib3.poolmanager.PoolManager": "urllib3.PoolManager",
    "urllib3.connectionpool.HTTPConnectionPool": "urllib3.HTTPConnectionPool",
    "urllib3.connectionpool.HTTPSConnectionPool": "urllib3.HTTPSConnectionPool",
    "pathlib.PosixPath": "pathlib.Path",
    "pathlib.WindowsPath": "pathlib.Path",
    "concurrent.futures._base.Future": "concurrent.futures.Future",
    "concurrent.futures.thread.ThreadPoolExecutor": "concurrent.futures.ThreadPoolExecutor",
    # -- ASL2xx (async APIs) -------------------------------------------------------------------
    "fastapi.UploadFile": "starlette.datastructures.UploadFile",
    "fastapi.datastructures.UploadFile": "starlette.datastructures.UploadFile",
    "asyncio.locks.Lock": "asyncio.Lock",
    "asyncio.locks.Semaphore": "asyncio.Semaphore",
    "asyncio.locks.Event": "asyncio.Event",
    "asyncio.queues.Queue": "asyncio.Queue",
    "asyncpg.connection.Connection": "asyncpg.Connection",
    "asyncpg.pool.Pool": "asyncpg.Pool",
    "aiohttp.web_request.Request": "aiohttp.web.Request",
    "aiohttp.web.BaseRequest": "aiohttp.web.Request",
    # -- request handlers (web frameworks) ----------------------------------------------------
    "aiohttp.web_routedef.RouteTableDef": "aiohttp.web.RouteTableDef",
    "aiohttp.web_app.Application": "aiohttp.web.Application",
    "aiohttp.web_urldispatcher.UrlDispatcher": "aiohttp.web.UrlDispatcher",
    "quart.app.Quart": "quart.Quart",
    "quart.blueprints.Blueprint": "quart.Blueprint",
    "ninja.main.NinjaAPI": "ninja.NinjaAPI",
    "ninja.router.Router": "ninja.Router",
    **{f"litestar.handlers.{m}": f"litestar.{m}"
       for m in ("get", "post", "put", "patch", "delete", "head", "route", "websocket")},
    **{f"aiohttp.web_routedef.{m}": f"aiohttp.web.{m}" for m in (*_HTTP, "view", "route")},
}
